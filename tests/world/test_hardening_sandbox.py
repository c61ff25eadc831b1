"""Hostile and broken sources through the real actions, in the sandbox (issue: wave 1
hardened).  Each test is a class of input, not one literal case: every member of the
class must be refused the same way, and nothing of the destination may change.

One sandbox per module holds a small generated tree; each case rewrites the part of the
tree it is about and runs the real action (as signal-event runs it) on it.
"""

import json
import os
import re
import subprocess

import pytest

from tests import reports

from tests.world.sandbox import Sandbox
from tests.world.test_config_sandbox import (SRC, generated, into_sandbox, mode, statuses,
                                             tree_snapshot, write)
from tests.world import smegen  # noqa: F401  (generated() uses it)

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ACTIONS = '/etc/e-smith/events/actions/nethserver-migration-'

pytestmark = pytest.mark.sandbox


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('hardening')
    tree, manifest = generated(tmp, seed=31, version='9', users=3, groups=1, ibays=1,
                               pseudonyms=1, messages=1)
    sandbox = Sandbox(tmp / 'sb', hostname='ns7.example.org')
    into_sandbox(sandbox, tree)
    subprocess.check_call([os.path.join(TOP, 'createlinks')], stdout=subprocess.DEVNULL)
    sandbox.install_package(os.path.join(TOP, 'root'))
    keys = tmp / 'keys'
    keys.mkdir()
    pairs = {}
    for name in ('good', 'other'):
        key, crt = str(keys / (name + '.key')), str(keys / (name + '.crt'))
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
                        '-keyout', key, '-out', crt, '-subj', '/CN=' + name, '-days', '2'],
                       check=True, capture_output=True)
        pairs[name] = (open(crt, 'rb').read(), open(key, 'rb').read())
    return sandbox, manifest, pairs


def run_action(sandbox, concern, env=None):
    """Run one real action as signal-event runs it; (exit status, its report section)."""
    res = sandbox.run([ACTIONS + concern, 'migration-import', SRC], env=env)
    data = reports.load(sandbox.path('/var/log/nethserver-migration/latest.json'))
    section = [a for a in data['actions'] if a['action'] == 'nethserver-migration-' + concern]
    return res, section[-1]


def set_modssl(sandbox, **props):
    path = sandbox.path(SRC + '/home/e-smith/db/configuration')
    text = open(path).read()
    text = re.sub(r'^modSSL=.*\n', '', text, flags=re.M)
    text += 'modSSL=service|{}|status|enabled\n'.format(
        '|'.join('{}|{}'.format(k, v) for k, v in sorted(props.items())))
    write(path, text)


def put(sandbox, rel, data, file_mode=0o644):
    path = sandbox.path(SRC + '/' + rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.unlink(path)
    with open(path, 'wb') as f:
        f.write(data)
    os.chmod(path, file_mode)


def signalled(sandbox, event):
    return len([r for r in sandbox.journal(kind='event') if r['name'] == event])


def keys_of(section):
    return [(f['key'], f['severity']) for f in section['findings']]


# -- certificates: installed only when they are what they claim ------------------------

SHADOW_LIKE = b'root:$6$salt$abcdefghijklmnopqrstuv:17000:0:99999:7:::\nalice:$6$x$y:1::::::\n'


def bad_certificate_cases(pairs):
    good_crt, good_key = pairs['good']
    other_key = pairs['other'][1]
    return {
        # the SOURCE's shadow named as the certificate, and as the key
        'shadow as crt': ({'crt': '/etc/shadow', 'key': '/k/good.key'},
                          {'etc/shadow': SHADOW_LIKE, 'k/good.key': good_key}),
        'shadow as key': ({'crt': '/k/good.crt', 'key': '/etc/shadow'},
                          {'etc/shadow': SHADOW_LIKE, 'k/good.crt': good_crt}),
        'random bytes as crt': ({'crt': '/k/random.crt', 'key': '/k/good.key'},
                                {'k/random.crt': os.urandom(3 * 1024 * 1024),
                                 'k/good.key': good_key}),
        'text as key': ({'crt': '/k/good.crt', 'key': '/k/notes.txt'},
                        {'k/good.crt': good_crt, 'k/notes.txt': b'remember the milk\n'}),
        'key of another cert': ({'crt': '/k/good.crt', 'key': '/k/other.key'},
                                {'k/good.crt': good_crt, 'k/other.key': other_key}),
        'crt holding the key': ({'crt': '/k/both.pem', 'key': '/k/good.key'},
                                {'k/both.pem': good_crt + good_key, 'k/good.key': good_key}),
        'chain with a key': ({'crt': '/k/good.crt', 'key': '/k/good.key',
                              'CertificateChainFile': '/k/chain.pem'},
                             {'k/good.crt': good_crt, 'k/good.key': good_key,
                              'k/chain.pem': good_crt + other_key}),
        'chain of garbage': ({'crt': '/k/good.crt', 'key': '/k/good.key',
                              'CertificateChainFile': '/k/chain.pem'},
                             {'k/good.crt': good_crt, 'k/good.key': good_key,
                              'k/chain.pem': b'-----BEGIN CERTIFICATE-----\nAAAA\n'
                                             b'-----END CERTIFICATE-----\n'}),
    }


@pytest.mark.parametrize('case', sorted(bad_certificate_cases({'good': (b'', b''),
                                                               'other': (b'', b'')})))
def test_a_certificate_that_is_not_one_installs_and_signals_nothing(world, case):
    sandbox, _manifest, pairs = world
    props, files = bad_certificate_cases(pairs)[case]
    for rel, data in files.items():
        put(sandbox, rel.lstrip('/'), data)
    set_modssl(sandbox, **props)
    pki_before = tree_snapshot(sandbox.path('/etc/pki'))
    pki_props = dict(sandbox.db('configuration').get('pki').props)
    updates = signalled(sandbox, 'certificate-update')
    res, section = run_action(sandbox, 'certificates')
    assert res.returncode == 0, res.stdout + res.stderr
    found = keys_of(section)
    assert found in ([('certificate.file-invalid', 'warning')],
                     [('certificate.key-mismatch', 'warning')]), found
    assert tree_snapshot(sandbox.path('/etc/pki')) == pki_before
    assert dict(sandbox.db('configuration').get('pki').props) == pki_props
    assert signalled(sandbox, 'certificate-update') == updates
    # the secret never reaches the log or the report
    assert b'$6$salt' not in open(sandbox.path('/var/log/messages'), 'rb').read()
    assert '$6$salt' not in json.dumps(section)


def test_a_chain_named_like_the_system_ca_bundle_never_replaces_it(world):
    sandbox, _manifest, pairs = world
    good_crt, good_key = pairs['good']
    put(sandbox, 'k/cert.pem', good_crt)
    put(sandbox, 'k/key.pem', good_key, 0o600)
    put(sandbox, 'k/ca-bundle.crt', pairs['other'][0])
    set_modssl(sandbox, crt='/k/cert.pem', key='/k/key.pem',
               CertificateChainFile='/k/ca-bundle.crt')
    bundle = sandbox.path('/etc/pki/tls/certs/ca-bundle.crt')
    link_before = os.readlink(bundle)
    target = sandbox.path('/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem')
    target_before = open(target, 'rb').read()
    updates = signalled(sandbox, 'certificate-update')
    res, section = run_action(sandbox, 'certificates')
    assert res.returncode == 0, res.stdout + res.stderr
    assert os.path.islink(bundle) and os.readlink(bundle) == link_before
    assert open(target, 'rb').read() == target_before
    chain = sandbox.path('/etc/pki/tls/certs/migrated-ca-bundle.crt')
    assert open(chain, 'rb').read() == pairs['other'][0]
    key = sandbox.path('/etc/pki/tls/private/key.pem')
    assert open(key, 'rb').read() == good_key and mode(key) == 0o600
    assert mode(chain) == 0o644 and os.stat(chain).st_uid == 0
    pki = sandbox.db('configuration').get('pki').props
    assert pki['ChainFile'] == '/etc/pki/tls/certs/migrated-ca-bundle.crt'
    assert pki['CrtFile'] == '/etc/pki/tls/certs/cert.pem'
    assert [(f['key'], f['object']) for f in section['findings']] == [
        ('certificate.renamed', {'file': '/etc/pki/tls/certs/ca-bundle.crt'})]
    assert signalled(sandbox, 'certificate-update') == updates + 1
    # a second run finds its own files: same names, nothing renamed again
    res, section = run_action(sandbox, 'certificates')
    assert res.returncode == 0
    assert not os.path.exists(sandbox.path('/etc/pki/tls/certs/migrated-2-ca-bundle.crt'))
    assert sandbox.db('configuration').get('pki').props['ChainFile'] == \
        '/etc/pki/tls/certs/migrated-ca-bundle.crt'


# -- SSH host keys: only pairs that ssh-keygen reads and that match --------------------

def _keypair(tmp, kind):
    path = os.path.join(str(tmp), 'k-' + kind)
    if os.path.exists(path):
        os.unlink(path)
        os.unlink(path + '.pub')
    subprocess.run(['ssh-keygen', '-q', '-t', kind, '-N', '', '-f', path], check=True)
    return open(path, 'rb').read(), open(path + '.pub', 'rb').read()


@pytest.mark.parametrize('case', ['garbage private', 'pub of another key', 'passphrase',
                                  'random bytes'])
def test_a_host_key_that_does_not_check_out_is_not_installed(world, tmp_path, case):
    sandbox = world[0]
    private, public = _keypair(tmp_path, 'ed25519')
    if case == 'garbage private':
        private = b'-----BEGIN OPENSSH PRIVATE KEY-----\ngarbage\n-----END OPENSSH PRIVATE KEY-----\n'
    elif case == 'pub of another key':
        public = _keypair(tmp_path / '..', 'ed25519')[1]
    elif case == 'passphrase':
        path = os.path.join(str(tmp_path), 'k-ed25519')
        subprocess.run(['ssh-keygen', '-q', '-p', '-N', 'secret', '-P', '', '-f', path],
                       check=True)
        private = open(path, 'rb').read()
    else:
        private = os.urandom(200 * 1024)
    ssh = 'etc/ssh/ssh_host_ed25519_key'
    put(sandbox, ssh, private, 0o600)
    put(sandbox, ssh + '.pub', public)
    before = tree_snapshot(sandbox.path('/etc/ssh'))
    res, section = run_action(sandbox, 'openssh')
    assert res.returncode == 0, res.stdout + res.stderr
    assert [(f['key'], f['severity'], f['object']) for f in section['findings']
            if f['key'].startswith('sshd.host')] == [
        ('sshd.host-key-invalid', 'warning', {'file': ssh})]
    assert tree_snapshot(sandbox.path('/etc/ssh')) == before


def test_a_good_host_key_pair_replaces_this_server_s_keeping_the_old_one(world, tmp_path):
    sandbox = world[0]
    private, public = _keypair(tmp_path, 'ecdsa')
    ssh = 'etc/ssh/ssh_host_ecdsa_key'
    put(sandbox, ssh, private, 0o600)
    put(sandbox, ssh + '.pub', public)
    write(sandbox.path('/etc/ssh/ssh_host_ecdsa_key'), 'the destination\'s own key\n', 0o600)
    res, section = run_action(sandbox, 'openssh')
    assert res.returncode == 0, res.stdout + res.stderr
    dst = sandbox.path('/etc/ssh/ssh_host_ecdsa_key')
    assert open(dst, 'rb').read() == private and mode(dst) == 0o600
    assert open(dst + '.before-migration').read() == 'the destination\'s own key\n'
    assert open(dst + '.pub', 'rb').read() == public and mode(dst + '.pub') == 0o644


# -- homes: hard links, non-UTF-8 file names, a C locale -------------------------------

C_LOCALE = {'LC_ALL': 'C', 'LANG': 'C', 'PYTHONUTF8': '0', 'PYTHONCOERCECLOCALE': '0'}


def set_user_props(sandbox, user, **props):
    """Edit the source's accounts DB line of user (props replaced or added)."""
    path = sandbox.path(SRC + '/home/e-smith/db/accounts')
    lines = open(path, 'rb').read().split(b'\n')
    for n, line in enumerate(lines):
        if line.startswith(user.encode() + b'=user|'):
            fields = line.split(b'=', 1)[1].split(b'|')
            pairs = dict(zip(fields[1::2], fields[2::2]))
            pairs.update((k.encode(), v if isinstance(v, bytes) else v.encode('utf-8'))
                         for k, v in props.items())
            lines[n] = user.encode() + b'=user|' + b'|'.join(
                k + b'|' + v for k, v in sorted(pairs.items()))
    with open(path, 'wb') as f:
        f.write(b'\n'.join(lines))


@pytest.fixture(scope='module')
def homes(tmp_path_factory):
    """Hostile homes migrated under LANG=C the way NethServer 7's Python 3.6 sees it."""
    tmp = tmp_path_factory.mktemp('homes-hostile')
    sandbox = Sandbox(tmp / 'sb', hostname='ns7.example.org')
    manifest = smegen.generate(sandbox.path(SRC), seed=33, version='9', users=4, groups=1,
                               ibays=0, pseudonyms=0, messages=1)
    victim, other = sorted(manifest['users'])[:2]
    set_user_props(sandbox, victim, FirstName='José', LastName='Núñez',
                   Company='Société Générale')
    home = sandbox.path('{}/home/e-smith/files/users/{}'.format(SRC, victim))
    with open(os.path.join(home, 'ok.txt'), 'w') as f:
        f.write('mine\n')
    with open(os.path.join(home.encode(), b'caf\xe9 na\xefve.txt'), 'wb') as f:
        f.write(b'latin-1 name\n')
    os.mkdir(os.path.join(home.encode(), b'Donn\xe9es'))
    # hard links to the staging tree's shadow, to this server's own /etc/shadow, and to
    # another user's file
    os.link(sandbox.path(SRC + '/etc/shadow'), os.path.join(home, 'shadow-of-the-tree'))
    os.link(sandbox.path('/etc/shadow'), os.path.join(home, 'shadow-of-the-server'))
    other_home = sandbox.path('{}/home/e-smith/files/users/{}'.format(SRC, other))
    with open(os.path.join(other_home, 'private.txt'), 'w') as f:
        f.write('not yours\n')
    os.link(os.path.join(other_home, 'private.txt'), os.path.join(home, 'stolen.txt'))
    watched = [sandbox.path('/etc/shadow'), sandbox.path(SRC + '/etc/shadow'),
               os.path.join(other_home, 'private.txt')]
    before = dict((p, os.stat(p)) for p in watched)
    sandbox.install_package(os.path.join(TOP, 'root'))
    subprocess.check_call([os.path.join(TOP, 'createlinks')], stdout=subprocess.DEVNULL)
    first = sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', SRC],
                        env=C_LOCALE, timeout=300)
    return dict(sb=sandbox, m=manifest, victim=victim, other=other, before=before,
                first=first)


def test_c_locale_every_action_succeeds_with_non_ascii_names(homes):
    sandbox = homes['sb']
    status = statuses(sandbox)
    assert status and set(status.values()) == {'SUCCESS'}, status
    assert 'Traceback' not in '\n'.join(sandbox.messages())
    assert 'UnicodeEncodeError' not in open(sandbox.path('/var/log/messages'), 'rb').read() \
        .decode('utf-8', 'replace')
    created = [r['args'] for r in sandbox.journal('event', 'user-create')]
    assert [homes['victim'], 'José Núñez'] in created


def test_no_hard_link_carries_a_file_that_is_not_the_user_s(homes):
    sandbox = homes['sb']
    home = sandbox.path('/var/lib/nethserver/home/' + homes['victim'])
    for name in ('shadow-of-the-tree', 'shadow-of-the-server', 'stolen.txt'):
        assert not os.path.lexists(os.path.join(home, name)), name
    for path, st in homes['before'].items():
        now = os.stat(path)
        assert (now.st_uid, now.st_gid, now.st_mode, now.st_nlink) == \
            (st.st_uid, st.st_gid, st.st_mode, st.st_nlink), path
    data = reports.load(sandbox.path('/var/log/nethserver-migration/latest.json'))
    skipped = [f for a in data['actions'] for f in a['findings']
               if f['key'] == 'homes.file-skipped']
    # both names of the shared file are refused: each leaves its own home
    assert sorted((f['object']['user'], os.path.basename(f['object']['file']))
                  for f in skipped) == sorted([
        (homes['other'], 'private.txt'), (homes['victim'], 'shadow-of-the-server'),
        (homes['victim'], 'shadow-of-the-tree'), (homes['victim'], 'stolen.txt')])
    assert all('hard link' in f['message'] for f in skipped)


def test_non_utf8_file_names_are_migrated_and_reported_escaped(homes):
    sandbox = homes['sb']
    home = sandbox.path('/var/lib/nethserver/home/' + homes['victim']).encode()
    uid = os.stat(home).st_uid
    latin = os.path.join(home, b'caf\xe9 na\xefve.txt')
    assert open(latin, 'rb').read() == b'latin-1 name\n'
    assert os.stat(latin).st_uid == uid
    assert os.path.isdir(os.path.join(home, b'Donn\xe9es'))
    ok = os.path.join(home, b'ok.txt')
    assert os.stat(ok).st_uid == uid and uid != 0
    # every report the run wrote is valid UTF-8 text
    for name in ('latest.json', 'latest.txt'):
        open(sandbox.path('/var/log/nethserver-migration/' + name), 'rb').read().decode('utf-8')


# -- ProxyPass: values that would break or inject httpd configuration ------------------

HOSTILE_PROXYPASS = [
    # (key, raw DB props text after the type): written as the source's accounts DB has them
    ('empty', 'Target|'),
    ('fileurl', 'Target|file:///etc/shadow'),
    ('script', 'Target|javascript:alert(1)'),
    ('inject', 'Target|http://x/\\nProxyPass /evil http://attacker.example/'),
    ('spaced key', 'Target|http://backend.lan/'),
]


def test_hostile_proxypass_records_are_refused_and_httpd_config_untouched(world):
    sandbox = world[0]
    path = sandbox.path(SRC + '/home/e-smith/db/accounts')
    text = open(path).read()
    text += ''.join('{}=ProxyPass|{}\n'.format(k, v) for k, v in HOSTILE_PROXYPASS)
    text += 'wiki=ProxyPass|Description|Wiki|HTTP|no|HTTPS|yes|Target|http://10.0.0.5:8080/\n'
    write(path, text)
    res, section = run_action(sandbox, 'proxypass')
    assert res.returncode == 0, res.stdout + res.stderr
    refused = sorted(f['object']['proxypass'] for f in section['findings']
                     if f['key'] == 'proxypass.bad-record')
    assert refused == sorted(k for k, _ in HOSTILE_PROXYPASS)
    db = sandbox.db('proxypass')
    assert [r.key for r in db.records()] == ['wiki']
    assert db.get('wiki').props['Target'] == 'http://10.0.0.5:8080/'
    raw = open(sandbox.path('/var/lib/nethserver/db/proxypass')).read()
    assert 'attacker' not in raw and 'shadow' not in raw


# -- AD classic upgrade: no NT hash left on disk, not even by a killed run -------------

def test_classic_upgrade_leaves_no_hash_on_disk_and_cleans_a_killed_run(tmp_path):
    from tests.world.test_accounts import (NSDC, DOMAIN_SID, MACHINE_SID, world as
                                           accounts_world, write_secrets, nt)
    sandbox, manifest = accounts_world(tmp_path, 'ad', role='PDC', users=2, corner=False)
    workgroup = (manifest['domain_name'].split('.')[0] + '-net').upper()
    write_secrets(sandbox, **{workgroup: DOMAIN_SID,
                              manifest['system_name'].upper(): MACHINE_SID})
    hashes = [nt(u['password']).encode() for u in manifest['users'].values()]
    # What a run killed mid-upgrade leaves: the journal says "started", its hash file is
    # still in the container's /srv, and an earlier killed run's /srv was set aside.
    state = sandbox.path('/var/lib/nethserver-migration')
    os.makedirs(state, exist_ok=True)
    write(os.path.join(state, 'accounts.state'), 'adupgrade started\n', 0o600)
    leftover = b'alice:1001:XXXX:' + hashes[0] + b':[U          ]:LCT-5F000000:\n'
    write(sandbox.path(NSDC + '/srv/smbpasswd'), leftover.decode(), 0o600)
    aside = sandbox.path(NSDC + '/srv.before-migration-20260101000000')
    write(os.path.join(aside, 'smbpasswd'), leftover.decode(), 0o600)
    write(os.path.join(aside, 'secrets.tdb'), 'a killed run\'s copy', 0o600)
    write(os.path.join(aside, 'dc-own-file'), 'the DC\'s own\n')
    res = sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', SRC], timeout=300)
    assert 'Action: /etc/e-smith/events/migration-import/S25nethserver-migration-accounts ' \
           'SUCCESS' in '\n'.join(sandbox.messages()), res.stdout
    store = sandbox.provider_store()
    for name, user in manifest['users'].items():
        assert store['users'][name]['nt_hash'] == nt(user['password'])
    found = []
    for top, _dirs, files in os.walk(sandbox.path(NSDC)):
        for name in files:
            path = os.path.join(top, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            data = open(path, 'rb').read()
            if any(h in data for h in hashes) or name == 'secrets.tdb' and 'srv' in top:
                found.append(os.path.relpath(path, sandbox.path(NSDC)))
    # the provider's own store (the stand-in's sam.ldb) is where hashes belong
    assert [f for f in found if not f.startswith('var/lib/ns7-standin')] == []
    assert open(os.path.join(aside, 'dc-own-file')).read() == 'the DC\'s own\n'


# -- one user's bad value fails that value alone ----------------------------------------

def test_a_huge_or_nul_value_fails_that_value_alone(tmp_path):
    sandbox = Sandbox(tmp_path / 'sb', hostname='ns7.example.org')
    manifest = smegen.generate(sandbox.path(SRC), seed=34, version='9', users=4, groups=1,
                               ibays=0, pseudonyms=0, messages=1)
    names = sorted(manifest['users'])
    set_user_props(sandbox, names[0], LastName='x' * (1024 * 1024))
    set_user_props(sandbox, names[1], FirstName=b'Jo\x00hn', Company=b'A\x00B')
    sandbox.install_package(os.path.join(TOP, 'root'))
    subprocess.check_call([os.path.join(TOP, 'createlinks')], stdout=subprocess.DEVNULL)
    sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', SRC], timeout=300)
    status = statuses(sandbox)
    assert status['accounts'] == 'SUCCESS' and status['homes'] == 'SUCCESS', status
    created = dict((r['args'][0], r['args'][1])
                   for r in sandbox.journal('event', 'user-create'))
    assert set(names) <= set(created)
    assert created[names[0]] == names[0] and created[names[1]] == names[1]
    for name in names:
        assert os.path.isdir(sandbox.path('/var/lib/nethserver/home/' + name)), name
    data = reports.load(sandbox.path('/var/log/nethserver-migration/latest.json'))
    refused = sorted((f['object']['user'], f['object']['property'])
                     for a in data['actions'] for f in a['findings']
                     if f['key'] == 'accounts.value-refused')
    assert refused == sorted([(names[0], 'FirstName/LastName'),
                              (names[1], 'FirstName/LastName'), (names[1], 'Company')])


# -- broken source DBs: one clear finding each, never "unexpected error" ---------------
# (last in this module: it breaks the shared world's tree)

def test_broken_source_dbs_are_findings_not_crashes(world):
    sandbox = world[0]
    db = sandbox.path(SRC + '/home/e-smith/db')
    networks = os.path.join(db, 'networks')
    if os.path.lexists(networks):
        os.unlink(networks)
    os.mkdir(networks)
    hosts = os.path.join(db, 'hosts')
    os.unlink(hosts)
    os.symlink('/etc/shadow', hosts)
    config = os.path.join(db, 'configuration')
    text = open(config, 'rb').read()
    with open(config, 'wb') as f:
        f.write(text + b'sshd=service|TCPPort|22|stat')          # cut mid-line
    smb = sandbox.path(SRC + '/etc/samba/smbpasswd')
    with open(smb, 'ab') as f:
        f.write(b'brokenuser:1234\n')
    res, section = run_action(sandbox, 'preflight')
    assert res.returncode == 0, res.stdout + res.stderr
    found = dict(((f['key'], f['object'].get('db') or f['object'].get('file')), f['severity'])
                 for f in section['findings'])
    assert found[('source.db-refused', 'networks')] == 'warning'
    assert found[('source.db-refused', 'hosts')] == 'warning'
    assert found[('source.db-truncated', 'configuration')] == 'warning'
    assert found[('source.file-unreadable-line', 'etc/samba/smbpasswd')] == 'warning'
    for concern in ('hosts', 'network'):
        res, section = run_action(sandbox, concern)
        assert res.returncode == 0, (concern, res.stdout + res.stderr)
        assert 'unexpected error' not in res.stdout
    # an empty accounts DB
    with open(os.path.join(db, 'accounts'), 'w') as f:
        f.write('')
    res, section = run_action(sandbox, 'preflight')
    assert ('source.db-empty', 'warning') in [(f['key'], f['severity'])
                                              for f in section['findings']]
