"""HylaFAX and SOGo through the REAL event, in the sandbox with nethserver-hylafax and
nethserver-sogo: a generated SME 9 given NethService's fax server (its settings, sent and
received faxes, spool queues and counters, a modem configuration) and SOGo (its settings,
an address book source).  This server already holds a fax of the same name and a higher
counter of its own.  Read back: the settings, every file with its bytes, uucp as its
owner and uucp able to read it (the kernel asked, as uucp, through setpriv), this
server's fax and counter kept, the events signalled; a second run changes nothing."""

import os

import pytest

from nethserver_migration import esmithdb
from tests import reports
from tests.world import smegen
from tests.world.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SRC = '/var/lib/migration'
MODULES = ('nethserver-samba', 'nethserver-mail-server', 'nethserver-hylafax',
           'nethserver-sogo')
FILES = {
    'home/e-smith/fax/docs/sent/fax000001.pdf': b'%PDF-1.4 sent from SME\n',
    'home/e-smith/fax/docs/received/fax000002.tif': b'II*\x00received',
    'home/e-smith/fax/docs/sentm/fax000003.pdf': b'%PDF-1.4 sent by mail\n',
    'home/e-smith/hylafax/info/0612345678': b'CSI: "0612345678"\n',
    'home/e-smith/hylafax/recvq/fax00035.tif': b'II*\x00in the queue',
    'home/e-smith/hylafax/recvq/seqf': b'35\n',
    'home/e-smith/hylafax/sendq/seqf': b'120\n',
    'home/e-smith/hylafax/log/seqf': b'77\n',
    'home/e-smith/hylafax/etc/config.ttyS0': b'CountryCode: 39\nModemType: Class1\n',
}
PLACED = {
    '/var/lib/nethserver/fax/docs/received/fax000002.tif': b'II*\x00received',
    '/var/lib/nethserver/fax/docs/sentm/fax000003.pdf': b'%PDF-1.4 sent by mail\n',
    '/var/spool/hylafax/info/0612345678': b'CSI: "0612345678"\n',
    '/var/spool/hylafax/recvq/fax00035.tif': b'II*\x00in the queue',
}
MINE = b'%PDF-1.4 this server\'s own fax\n'


def findings(sandbox, action):
    report = reports.load(sandbox.path('/var/log/nethserver-migration/latest.json'))
    return [a for a in report['actions'] if a['action'] == action][-1]


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    sandbox = Sandbox(tmp_path_factory.mktemp('fax') / 'ns7', provider='ldap', modules=MODULES)
    tree = sandbox.path(SRC)
    smegen.generate(tree, seed=41, version='9', users=2, groups=1, ibays=0, pseudonyms=0,
                    domains=1, messages=1)
    config = esmithdb.Database(os.path.join(tree, 'home/e-smith/db/configuration'),
                               readonly=False)
    config.merge_props('hylafax', {'FaxNumber': '0612345678', 'PrinterName': 'hp4050',
                                   'Auth': 'yes', 'CountryCode': '39', 'OldOption': '1',
                                   'status': 'enabled'}, type_='service')
    config.merge_props('sogod', {'Dav': 'disabled', 'VirtualHosts': 'mail.example.com',
                                 'DbPassword': 'sogo-db-secret', 'SessionDuration': '600',
                                 'status': 'enabled'}, type_='service')
    sources = esmithdb.Database(os.path.join(tree, 'home/e-smith/db/sogo_sources'),
                                readonly=False, must_exist=False)
    sources.merge_props('crm', {'Base': 'ou=crm,dc=example,dc=com', 'Type': 'ldap'},
                        type_='source')
    for rel, data in FILES.items():
        path = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)
    # what hylafax+ installs: the spool's queues, uucp's; nethserver-hylafax's fax folders
    for folder in ('log', 'sendq', 'docq', 'recvq', 'info', 'etc'):
        os.makedirs(sandbox.path('/var/spool/hylafax/' + folder), exist_ok=True)
        os.chown(sandbox.path('/var/spool/hylafax/' + folder), 10, 14)
    # this server's own: a fax of the same name, a higher send counter, a lower receive one
    for path, data in (('/var/lib/nethserver/fax/docs/sent/fax000001.pdf', MINE),
                       ('/var/spool/hylafax/sendq/seqf', b'200\n'),
                       ('/var/spool/hylafax/recvq/seqf', b'3\n')):
        os.makedirs(os.path.dirname(sandbox.path(path)), exist_ok=True)
        with open(sandbox.path(path), 'wb') as f:
            f.write(data)
    sandbox.install_package(os.path.join(TOP, 'root'))
    res = sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', SRC], timeout=600)
    return dict(sb=sandbox, res=res)


def as_uucp(sandbox, path):
    """What uucp reads of path, the kernel deciding (setpriv to uucp's ids)."""
    res = sandbox.run(['setpriv', '--reuid=uucp', '--regid=uucp', '--clear-groups', 'cat',
                       path], text=False)
    return res.stdout if res.returncode == 0 else None


def test_the_import_succeeds(world):
    assert world['res'].returncode == 0, world['res'].stdout + world['res'].stderr


def test_the_fax_settings(world):
    sb = world['sb']
    record = sb.db('configuration', readonly=True).get('hylafax')
    assert record.type == 'configuration'                      # NethServer's, kept
    assert record.props['FaxNumber'] == '0612345678'
    assert record.props['PrinterName'] == 'hp4050' and record.props['PrintReceived'] == \
        'enabled'
    assert 'Auth' not in record.props and 'OldOption' not in record.props
    section = findings(sb, 'nethserver-migration-hylafax')
    assert ('hylafax.props-dropped', 'notice') in [(f['key'], f['severity'])
                                                   for f in section['findings']]
    assert len(sb.journal('event', 'nethserver-hylafax-update')) == 1


def test_the_fax_files_are_uucps(world):
    sb = world['sb']
    for path, data in PLACED.items():
        st = os.lstat(sb.path(path))
        assert (st.st_uid, st.st_gid) == (10, 14), path
        assert as_uucp(sb, path) == data, path
    cfg = sb.path('/var/spool/hylafax/etc/config.ttyS0')
    with open(cfg, 'rb') as f:
        assert f.read() == FILES['home/e-smith/hylafax/etc/config.ttyS0']
    # this server's fax of the same name kept; the source's beside it
    with open(sb.path('/var/lib/nethserver/fax/docs/sent/fax000001.pdf'), 'rb') as f:
        assert f.read() == MINE
    with open(sb.path('/var/lib/nethserver/fax/docs/sent/fax000001.pdf.migrated'), 'rb') as f:
        assert f.read() == FILES['home/e-smith/fax/docs/sent/fax000001.pdf']


@pytest.mark.parametrize('queue, value', [('sendq', b'200\n'), ('recvq', b'35\n'),
                                          ('log', b'77\n')])
def test_the_counters_never_go_back(world, queue, value):
    path = '/var/spool/hylafax/{}/seqf'.format(queue)
    with open(world['sb'].path(path), 'rb') as f:
        assert f.read() == value
    if value != b'200\n':                                      # written: uucp's
        assert as_uucp(world['sb'], path) == value


def test_sogo(world):
    sb = world['sb']
    record = sb.db('configuration', readonly=True).get('sogod')
    assert record.props['Dav'] == 'disabled' and record.props['SessionDuration'] == '600'
    assert 'VirtualHosts' not in record.props and 'DbPassword' not in record.props
    assert 'mysqlPassword' not in record.props
    sources = sb.db('sogo_sources', readonly=True).get('crm')
    assert sources.props == {'Base': 'ou=crm,dc=example,dc=com', 'Type': 'ldap'}
    assert len(sb.journal('event', 'nethserver-sogo-update')) == 1
    with open(sb.path('/var/log/messages'), encoding='utf-8', errors='replace') as f:
        assert 'sogo-db-secret' not in f.read()


def test_a_second_run_changes_nothing(world):
    sb = world['sb']
    before = dict((p, open(sb.path(p), 'rb').read()) for p in PLACED)
    res = sb.run(['/sbin/e-smith/signal-event', 'migration-import', SRC], timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    assert dict((p, open(sb.path(p), 'rb').read()) for p in PLACED) == before
    assert not os.path.exists(sb.path('/var/lib/nethserver/fax/docs/received/'
                                      'fax000002.tif.migrated'))
    assert len(sb.journal('event', 'nethserver-sogo-update')) == 1
