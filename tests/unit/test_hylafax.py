"""HylaFAX: the plan as tables (props, files, counters, modem configurations), the handlers
through the Destination double.  Files for real: tests/world/test_hylafax_sandbox.py."""

import io
import os

import pytest

from nethserver_migration import esmithdb
from nethserver_migration.actions import hylafax
from nethserver_migration.fileops import MergeResult
from nethserver_migration.report import Reporter
from nethserver_migration.source import SourceTree
from nethserver_migration.steps import InstallFile, SetProps, Signal, apply
from tests.unit.fakes import FakeDestination, Passwd

UUCP = (10, 14)


def facts(**kw):
    base = dict(source_dir='/src', props={'FaxNumber': '0612345', 'Auth': 'yes',
                                          'PrinterName': 'hp', 'Obsolete': 'x',
                                          'status': 'enabled', 'type': 'service'},
                installed=True, here={'FaxNumber': '', 'PrintReceived': 'disabled',
                                      'status': 'enabled'},
                trees=[], seqf=[], configs=[], uucp=UUCP)
    base.update(kw)
    return hylafax.Facts(**base)


def test_no_fax_server_no_module():
    (only,) = hylafax.plan(facts(props=None))
    assert (only.key, only.severity) == (None, 'info')
    (missing,) = hylafax.plan(facts(installed=False))
    assert (missing.key, missing.obj) == ('module.missing', {'module': 'nethserver-hylafax'})
    (no_uucp,) = hylafax.plan(facts(uucp=None))
    assert (no_uucp.key, no_uucp.severity) == ('hylafax.no-uucp', 'error')


@pytest.mark.parametrize('printer, received', [('hp', 'enabled'), ('', 'disabled'),
                                                ('  ', 'disabled'), (None, 'disabled')])
def test_the_settings(printer, received):
    props = {'FaxNumber': '0612345', 'Auth': 'yes', 'Obsolete': 'x', 'type': 'service',
             'status': 'enabled'}
    if printer is not None:
        props['PrinterName'] = printer
    steps = hylafax.plan(facts(props=props, here={'PrintReceived': 'x', 'status': 'enabled'}))
    want = {'FaxNumber': '0612345', 'PrintReceived': received}
    if printer is not None:
        want['PrinterName'] = printer
    assert steps[0] == SetProps('configuration', 'hylafax', 'configuration', want,
                                'HylaFAX: {} settings from the source'.format(len(want)))
    assert (steps[1].key, steps[1].message) == (
        'hylafax.props-dropped',
        'HylaFAX: source settings nethserver-hylafax does not have, not migrated: Obsolete')
    assert steps[-1] == Signal('nethserver-hylafax-update', (), 'HylaFAX settings applied')


@pytest.mark.parametrize('source, here, written', [
    (120, 5, 120), (120, None, 120), (5, 120, None), (120, 120, None)])
def test_the_counters_never_go_back(source, here, written):
    steps = hylafax.plan(facts(seqf=[('sendq', source, here, '/var/spool/hylafax/sendq/seqf')]))
    seq = [s for s in steps if isinstance(s, hylafax.SeqFile)]
    assert seq == ([hylafax.SeqFile('sendq', '/var/spool/hylafax/sendq/seqf', written, UUCP)]
                   if written else [])


def test_files_and_modem_configurations():
    steps = hylafax.plan(facts(trees=[('sent', '/src/fax/docs/sent', hylafax.DOCS + '/sent')],
                               configs=[('config.ttyS0', '/src/etc/config.ttyS0')]))
    assert hylafax.FaxTree('sent', '/src/fax/docs/sent', hylafax.DOCS + '/sent', UUCP) in steps
    assert InstallFile('/src/etc/config.ttyS0', '/var/spool/hylafax/etc/config.ttyS0', 0o644,
                       False, 'HylaFAX modem configuration config.ttyS0') in steps


@pytest.mark.parametrize('data, number', [(b'120\n', 120), (b'7', 7), (b'', None),
                                          (b'x1', None), (None, None), (b'-3', None)])
def test_number(data, number):
    assert hylafax._number(data) == number


def test_the_counter_is_written_as_uucps():
    dest = FakeDestination(stats={'/var/spool/hylafax/recvq': object()})
    rep = Reporter('nethserver-migration-hylafax', stream=io.StringIO(),
                   report_dir='/nonexistent')
    apply([hylafax.SeqFile('recvq', '/var/spool/hylafax/recvq/seqf', 42, UUCP)], dest, rep)
    assert dest.called('write_owned') == [('/var/spool/hylafax/recvq/seqf', '42\n', UUCP,
                                           0o644)]


def test_no_counter_where_hylafax_has_no_queue():
    dest = FakeDestination()
    rep = Reporter('nethserver-migration-hylafax', stream=io.StringIO(),
                   report_dir='/nonexistent')
    apply([hylafax.SeqFile('recvq', '/var/spool/hylafax/recvq/seqf', 42, UUCP)], dest, rep)
    assert dest.called('write_owned') == []
    assert [(f.key, f.obj) for f in rep.findings] == [('hylafax.spool-missing',
                                                        {'queue': 'recvq'})]


# -- read: what the tree and this server hold --------------------------------------------

def _fax_tree(sme_tree):
    esmithdb.Database(str(sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'),
                      readonly=False).set_record('hylafax', 'service',
                                                 {'FaxNumber': '0612345', 'status': 'enabled'})
    for rel in ('fax/docs/sent', 'fax/docs/received', 'hylafax/info', 'hylafax/recvq',
                'hylafax/sendq', 'hylafax/docq', 'hylafax/etc'):
        (sme_tree / 'home' / 'e-smith' / rel).mkdir(parents=True)
    spool = sme_tree / 'home' / 'e-smith' / 'hylafax'
    (spool / 'sendq' / 'seqf').write_bytes(b'120\n')
    (spool / 'docq' / 'seqf').write_bytes(b'junk\n')
    (spool / 'recvq' / 'seqf').write_bytes(b'9\n')
    os.symlink('/etc/shadow', str(spool / 'log'))                 # a queue that is a link
    (spool / 'etc' / 'config.ttyS0').write_text('ModemType: Class2\n')
    (spool / 'etc' / 'config.m').write_text('ModemType: Class1\n')     # a short name
    (spool / 'etc' / 'config.').write_text('no modem name\n')
    (spool / 'etc' / 'hosts.hfaxd').write_text('localhost\n')
    os.symlink('/etc/shadow', str(spool / 'etc' / 'config.ttyS1'))
    (spool / 'etc' / 'config.ttyS2').mkdir()
    os.symlink('/etc', str(sme_tree / 'home' / 'e-smith' / 'fax' / 'docs' / 'sentm'))
    return SourceTree(str(sme_tree))


def test_read_takes_the_trees_counters_and_modem_files_of_the_source(sme_tree):
    source = _fax_tree(sme_tree)
    dest = FakeDestination(users={'uucp': Passwd('uucp', 'x', 10, 14, '', '/var/spool/uucp',
                                                 '/sbin/nologin')},
                           dbs={'configuration': [
                               esmithdb.Record('hylafax', 'configuration', {'FaxNumber': '1'})]})
    dest.files = {'/var/spool/hylafax/sendq/seqf': b'77\n'}
    facts = hylafax.read(source, dest)
    root = str(sme_tree / 'home' / 'e-smith')
    assert facts == hylafax.Facts(
        source.root, {'FaxNumber': '0612345', 'status': 'enabled'}, True, {'FaxNumber': '1'},
        [('sent', root + '/fax/docs/sent', hylafax.DOCS + '/sent'),
         ('received', root + '/fax/docs/received', hylafax.DOCS + '/received'),
         ('info', root + '/hylafax/info', hylafax.SPOOL + '/info'),
         ('recvq', root + '/hylafax/recvq', hylafax.SPOOL + '/recvq')],
        [('sendq', 120, 77, hylafax.SPOOL + '/sendq/seqf'),
         ('recvq', 9, None, hylafax.SPOOL + '/recvq/seqf')],
        [('config.m', root + '/hylafax/etc/config.m'),
         ('config.ttyS0', root + '/hylafax/etc/config.ttyS0')], (10, 14))


def test_read_without_the_module_a_record_or_uucp(sme_tree):
    facts = hylafax.read(SourceTree(str(sme_tree)), FakeDestination(modules=()))
    assert (facts.props, facts.installed, facts.here, facts.trees, facts.seqf,
            facts.configs, facts.uucp) == (None, False, {}, [], [], [], None)


def test_the_tree_handler_reports_what_it_placed_kept_and_skipped():
    result = MergeResult()
    result.copied = ['/d/a', '/d/b']
    result.unchanged = ['/d/c']
    result.conflicts = [('/d/x', '/d/x.migrated')]
    result.copied.append('/d/x.migrated')
    result.skipped = [('/s/l', 'symlink pointing outside the tree (/etc), not followed')]
    result.errors = [('/d/e', 'No space left on device')]
    dest = FakeDestination(answers={'merge_tree': result})
    rep = Reporter('nethserver-migration-hylafax', stream=io.StringIO(),
                   report_dir='/nonexistent')
    apply([hylafax.FaxTree('sent', '/s', '/d', UUCP)], dest, rep)
    assert dest.called('merge_tree') == [('/s', '/d', UUCP)]
    assert [(f.key, f.severity, f.obj, f.message) for f in rep.findings] == [
        ('file.kept-destination', 'notice', {'file': '/d/x'}, "/d/x exists on both sides: "
         "this server's is kept, the source's copy is /d/x.migrated"),
        ('hylafax.file-skipped', 'warning', {'file': '/d/e'},
         'HylaFAX sent: /d/e: No space left on device'),
        ('hylafax.file-skipped', 'warning', {'file': '/s/l'},
         'HylaFAX sent: /s/l: symlink pointing outside the tree (/etc), not followed')]
    assert rep.counts == {'fax files placed': 3}
    assert 'HylaFAX sent: 3 files placed, 1 already there' in rep.stream.getvalue()


def test_the_tree_is_merged_as_copies_without_the_counters():
    seen = {}

    def merge(src, dst, owner=None, exclude=(), link=True, dir_mode=None, ids=None):
        seen.update(exclude=exclude, link=link)
        return MergeResult()
    dest = FakeDestination()
    dest.merge_tree = merge
    rep = Reporter('nethserver-migration-hylafax', stream=io.StringIO(),
                   report_dir='/nonexistent')
    apply([hylafax.FaxTree('recvq', '/s', '/d', UUCP)], dest, rep)
    # copies: a hard link would share the inode (and uucp's owner) with the staging tree;
    # seqf: the counters are decided apart (the larger wins)
    assert seen == {'exclude': ('seqf',), 'link': False}


# nethserver-hylafax's own props (its hylafax record's defaults), written out here: the
# test must not take the list from the code it tests
NETHSERVER_HYLAFAX = (
    'AreaNumber', 'ClientShowReceived', 'CountryCode', 'DateFormat', 'Debug',
    'DispatchFileType', 'FaxDevice', 'FaxName', 'FaxNumber', 'InternationalPrefix', 'Lang',
    'LongDistance', 'Mail2Fax', 'Mode', 'NotifyFileType', 'NotifyMaster', 'PBXPrefix',
    'PaperSize', 'PrinterName', 'Resolution', 'RingsBeforeAnswer', 'SambaFax', 'SambaFaxName',
    'SendReport', 'SendTo', 'WaitDialTone', 'status')


def test_every_setting_nethserver_hylafax_knows_is_taken():
    props = dict((k, 'v-' + k) for k in NETHSERVER_HYLAFAX)
    props.update({'Auth': 'yes', 'type': 'service', 'PrintReceived': 'x', 'PrinterName': 'hp'})
    steps = hylafax.plan(facts(props=props, here={}))
    want = dict((k, 'v-' + k) for k in NETHSERVER_HYLAFAX)
    want.update({'PrinterName': 'hp', 'PrintReceived': 'enabled'})
    assert steps[0].props == want
    # the dropped ones are neither taken nor listed as unknown
    assert [type(s).__name__ for s in steps] == ['SetProps', 'Signal']


@pytest.mark.parametrize('kw, message, severity', [
    (dict(props=None), 'HylaFAX: the source has no hylafax record, nothing to migrate', 'info'),
    (dict(uucp=None), 'HylaFAX: this server has no uucp user: nothing migrated', 'error'),
    (dict(props={'Legacy': '1', 'Old': '2', 'status': 'enabled'}, here={'status': 'enabled'}),
     'HylaFAX: source settings nethserver-hylafax does not have, not migrated: Legacy, Old',
     'notice'),
    (dict(installed=False), 'HylaFAX fax server: the source uses it but nethserver-hylafax '
     'is not installed here; nothing of it was changed', 'warning'),
])
def test_the_words_of_the_plan(kw, message, severity):
    notes = [s for s in hylafax.plan(facts(**kw)) if hasattr(s, 'severity')]
    assert [(n.message, n.severity) for n in notes] == [(message, severity)]
    if kw.get('uucp', UUCP) is None:
        assert notes[0].remediation == 'yum reinstall hylafax+, then run the import again'


def _rep():
    return Reporter('nethserver-migration-hylafax', stream=io.StringIO(),
                    report_dir='/nonexistent')


@pytest.mark.parametrize('placed, changed', [(0, 0), (1, 1), (2, 1)])
def test_a_tree_changed_something_only_when_it_placed_files(placed, changed):
    result = MergeResult()
    result.copied = ['/d/f{}'.format(i) for i in range(placed)]
    rep = _rep()
    assert apply([hylafax.FaxTree('sent', '/s', '/d', UUCP)],
                 FakeDestination(answers={'merge_tree': result}), rep) == changed
    assert rep.stream.getvalue().splitlines()[-1].endswith(
        'HylaFAX sent: {} files placed, 0 already there'.format(placed))


def test_the_counter_handlers_say_whether_they_changed_something():
    rep = _rep()
    dest = FakeDestination(stats={'/var/spool/hylafax/recvq': object()})
    assert apply([hylafax.SeqFile('recvq', '/var/spool/hylafax/recvq/seqf', 42, UUCP)],
                 dest, rep) == 1
    assert rep.stream.getvalue().splitlines()[-1].endswith('HylaFAX recvq counter: 42')
    rep = _rep()
    assert apply([hylafax.SeqFile('recvq', '/var/spool/hylafax/recvq/seqf', 42, UUCP)],
                 FakeDestination(), rep) == 0
    (found,) = rep.findings
    assert (found.severity, found.message, found.remediation) == (
        'warning', 'HylaFAX: /var/spool/hylafax/recvq is missing here: the recvq counter '
        '(42) is not written', 'yum reinstall hylafax+, then run the import again')


def test_a_failing_tree_or_counter_is_that_items_error():
    rep = _rep()
    dest = FakeDestination(fail={('merge_tree', None)},
                           stats={'/var/spool/hylafax/sendq': object()})
    dest.write_owned = lambda *args: (_ for _ in ()).throw(OSError(13, 'Permission denied'))
    apply([hylafax.FaxTree('sent', '/s', '/d', UUCP),
           hylafax.SeqFile('sendq', '/var/spool/hylafax/sendq/seqf', 7, UUCP)], dest, rep)
    assert [(f.key, f.obj) for f in rep.findings] == [
        ('hylafax.files-failed', {'folder': 'sent'}), ('hylafax.seqf-failed', {'queue': 'sendq'})]


def test_read_takes_each_queue_and_the_sentm_folder(sme_tree):
    spool = sme_tree / 'home' / 'e-smith' / 'hylafax'
    for queue in hylafax.QUEUES:
        (spool / queue).mkdir(parents=True)
        (spool / queue / 'seqf').write_bytes(b'5\n')
    (sme_tree / 'home' / 'e-smith' / 'fax' / 'docs' / 'sentm').mkdir(parents=True)
    facts_ = hylafax.read(SourceTree(str(sme_tree)), FakeDestination())
    assert [q for q, _v, _h, _d in facts_.seqf] == ['log', 'sendq', 'docq', 'recvq']
    # recvq is a queue and a tree (its received faxes); sentm a folder of the documents
    assert [t[0] for t in facts_.trees] == ['sentm', 'recvq']
    assert facts_.trees[0][2] == '/var/lib/nethserver/fax/docs/sentm'
    assert hylafax._number(b'\xff12') is None
