"""The configuration concern through the real event, in the sandbox.

Three worlds, each built once per module (a sandbox run costs seconds):
* ``full``: a generated NethService tree (ProxyPass, ejabberd) with SSH host keys and CUPS
  files added, migrated twice into a sandbox named like the source (so its self-signed
  certificate applies) whose /root already has its own key and logs;
* ``bad``: a generated SME 8 PDC tree with the generator's corner cases plus the issue's
  bad input (a malformed configuration line, a cert path ../../etc/shadow, a value with
  a pipe, a network without Mask), into a sandbox without the optional modules;
* ``samples``: trees built from tests/data/sme-samples (smeserver-lib and e-smith-base, the
  latter without a networks DB).
"""

import hashlib
import os
import re
import shutil
import subprocess

import pytest

from tests import reports

from nethserver_migration import esmithdb
from tests.world import smegen
from tests.samples import samples_dir
from tests.world.sandbox import Sandbox

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SAMPLES = samples_dir()
SRC = '/var/lib/migration'
OURS = ('certificates', 'config', 'network', 'rootdir', 'proxypass', 'openssh', 'hosts',
        'services', 'dhcp', 'review')

pytestmark = pytest.mark.sandbox


# -- helpers ---------------------------------------------------------------------------

def generated(tmp, **kw):
    """Generate into a scratch dir first: the sandbox is named after the source host."""
    tree = os.path.join(str(tmp), 'tree')
    manifest = smegen.generate(tree, **kw)
    return tree, manifest


def into_sandbox(sandbox, tree):
    dst = sandbox.path(SRC)
    if os.path.isdir(dst):
        os.rmdir(dst)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    os.rename(tree, dst)


def migrate(sandbox):
    subprocess.check_call([os.path.join(TOP, 'createlinks')], stdout=subprocess.DEVNULL)
    sandbox.install_package(os.path.join(TOP, 'root'))
    return sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', SRC])


def append(path, text):
    with open(path, 'a') as f:
        f.write(text)


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, mode)


def statuses(sandbox):
    """{action short name: SUCCESS|FAILED} of every action of ours (the last run's)."""
    out = {}
    for line in sandbox.messages():
        m = re.search(r'Action: \S+/S\d\dnethserver-migration-(\S+) (SUCCESS|FAILED)', line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def action_status(sandbox):
    """{action short name: SUCCESS|FAILED} of our configuration actions."""
    return {k: v for k, v in statuses(sandbox).items() if k in OURS}


def our_lines(sandbox, action=None):
    """The text after the prefix of the log lines that our actions printed."""
    return [l.split('esmith::event', 1)[1].split(': ', 1)[1] for l in sandbox.messages()
            if 'esmith::event' in l and '[' in l]


def db_snapshot(sandbox):
    """Every destination DB's text without its header date."""
    top = sandbox.path('/var/lib/nethserver/db')
    snap = {}
    for name in sorted(os.listdir(top)):
        if name.endswith('.lock') or not os.path.isfile(os.path.join(top, name)):
            continue
        with open(os.path.join(top, name), 'rb') as f:
            snap[name] = b''.join(l for l in f.readlines() if not l.startswith(b'# updated:'))
    return snap


def tree_snapshot(top, skip=(), times=False):
    """path -> (mode, owner, sha256) of every entry under top, folders under one of skip
    (relative) left out; times: the group and mtime too."""
    snap = {}
    for folder, dirs, files in os.walk(top):
        if skip and os.path.relpath(folder, top).startswith(tuple(skip)):
            continue
        for name in dirs + files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            digest = ''
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, 'rb') as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            snap[os.path.relpath(path, top)] = (oct(st.st_mode), st.st_uid, digest) + (
                (st.st_gid, st.st_mtime_ns) if times else ())
    return snap


def events(sandbox, name):
    return [r for r in sandbox.journal(kind='event') if r['name'] == name]


def findings(sandbox):
    import json
    data = reports.load(sandbox.path('/var/log/nethserver-migration/latest.json'))
    return [dict(f, action=a['action']) for a in data['actions'] for f in a['findings']]


def mode(path):
    return os.stat(path).st_mode & 0o7777


# -- the full world --------------------------------------------------------------------

def host_key(folder, kind):
    """A real host key pair (ssh-keygen), as SME keeps it in etc/ssh."""
    path = os.path.join(folder, 'ssh_host_{}_key'.format(kind))
    os.makedirs(folder, exist_ok=True)
    subprocess.run(['ssh-keygen', '-q', '-t', kind, '-N', '', '-C', 'root@sme', '-f', path],
                   check=True, stdout=subprocess.DEVNULL)
    return open(path, 'rb').read()


@pytest.fixture(scope='module')
def full(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('config-full')
    tree, manifest = generated(tmp, seed=21, version='nethservice', users=3, groups=1,
                               ibays=1, pseudonyms=1, messages=1)
    ssh = os.path.join(tree, 'etc', 'ssh')
    for kind in ('rsa', 'ed25519'):
        host_key(ssh, kind)
    write(os.path.join(ssh, 'ssh_host_dsa_key'), 'an obsolete DSA key\n', 0o600)
    write(os.path.join(ssh, 'ssh_host_dsa_key.pub'), 'ssh-dss AAAAdsa root@sme\n')
    write(os.path.join(tree, 'etc', 'cups', 'printers.conf'), '<Printer hall>\n</Printer>\n',
          0o600)
    write(os.path.join(tree, 'etc', 'cups', 'ppd', 'hall.ppd'), '*PPD-Adobe: "4.3"\n', 0o640)
    config = os.path.join(tree, 'home', 'e-smith', 'db', 'configuration')
    append(config, 'cups=service|status|enabled\n'
                   'ntpd=service|NTPServer|ntp1.example.net|status|enabled\n'
                   'passwordstrength=configuration|Admin|strong|Ibays|none|Users|normal\n'
                   'ejabberd=service|TCPPort|5222|access|public|status|enabled\n')
    sandbox = Sandbox(tmp / 'sb', hostname=manifest['fqdn'], timezone='UTC',
                      green_ip=manifest_lan(tree) + '10',
                      modules=('nethserver-samba', 'nethserver-cups', 'nethserver-ejabberd'))
    # What this server already has in /root: its own key, a log and a .bashrc.
    write(sandbox.path('/root/.ssh/id_rsa'), 'destination-own-key\n', 0o600)
    write(sandbox.path('/root/install.log'), 'ns7 install log\n')
    write(sandbox.path('/root/notes.txt'), 'the destination\'s notes\n')
    into_sandbox(sandbox, tree)
    first = migrate(sandbox)
    state = {'dbs': db_snapshot(sandbox), 'root': tree_snapshot(sandbox.path('/root')),
             'status': action_status(sandbox), 'messages': len(sandbox.messages())}
    second = migrate(sandbox)
    return sandbox, manifest, first, second, state


def manifest_lan(tree):
    """'192.168.N.' of the generated tree's LAN (LocalIP)."""
    with open(os.path.join(tree, 'home', 'e-smith', 'db', 'configuration')) as f:
        local = re.search(r'^LocalIP=(\S+)$', f.read(), re.M).group(1)
    return local.rsplit('.', 1)[0] + '.'


def test_full_every_action_succeeds_twice(full):
    sandbox, _, _, _, state = full
    assert state['status'] == dict((a, 'SUCCESS') for a in OURS)
    assert action_status(sandbox) == dict((a, 'SUCCESS') for a in OURS)


def test_full_second_run_changes_no_db_and_not_root(full):
    sandbox, _, _, _, state = full
    assert db_snapshot(sandbox) == state['dbs']
    assert tree_snapshot(sandbox.path('/root')) == state['root']


def test_full_log_is_clean_and_holds_no_secret(full):
    sandbox, manifest, _, _, _ = full
    text = '\n'.join(sandbox.messages())
    assert 'Traceback' not in text
    assert 'smegen-host-key' not in text
    assert 'mysql-{}-secret'.format(manifest['seed']) not in text
    assert 'BEGIN' not in text


def test_full_password_policy_and_limits(full):
    sandbox = full[0]
    config = sandbox.db('configuration')
    assert config.get_prop('passwordstrength', 'Users') == 'strong'   # SME normal
    assert config.get_prop('passwordstrength', 'Admin') is None
    assert config.get_prop('passwordstrength', 'Ibays') is None
    assert config.get_value('MinUid').isdigit()
    assert config.get_value('maxAcctNameLength') == '31'
    assert events(sandbox, 'password-policy-update')


def test_full_organization_and_logon_drive(full):
    config = full[0].db('configuration')
    assert config.get_prop('OrganizationContact', 'City') == 'Ottawa'
    assert config.get_prop('OrganizationContact', 'Company') == 'XYZ Corporation'
    assert config.get_prop('OrganizationContact', 'CountryCode') == ''   # NS7's kept
    assert config.get_prop('smb', 'LogonDrive') == 'Z:'


def test_full_time_zone_and_ntp(full):
    sandbox = full[0]
    assert os.readlink(sandbox.path('/etc/localtime')).endswith('zoneinfo/Europe/Rome')
    assert sandbox.db('configuration').get_prop('chronyd', 'NTPServer') == 'ntp1.example.net'
    assert events(sandbox, 'nethserver-ntp-update')
    calls = [r for r in sandbox.journal(kind='command') if r['name'] == 'timedatectl']
    assert len(calls) == 1, 'the second run found the zone already set'


def test_full_sshd_props_and_host_keys(full):
    sandbox = full[0]
    sshd = sandbox.db('configuration').get('sshd')
    assert sshd.props['access'] == 'green'                # SME private
    assert sshd.props['PermitRootLogin'] == 'no'
    assert sshd.props['status'] == 'enabled'
    assert 'UsePAM' in sshd.props                         # NS7's own, not SME's value
    key = sandbox.path('/etc/ssh/ssh_host_rsa_key')
    assert open(key, 'rb').read() == open(sandbox.path(SRC + '/etc/ssh/ssh_host_rsa_key'),
                                          'rb').read()
    assert mode(key) == 0o600 and os.stat(key).st_uid == 0
    assert mode(sandbox.path('/etc/ssh/ssh_host_ed25519_key')) == 0o600
    assert mode(sandbox.path('/etc/ssh/ssh_host_rsa_key.pub')) == 0o644
    assert not os.path.exists(sandbox.path('/etc/ssh/ssh_host_dsa_key'))
    assert events(sandbox, 'nethserver-openssh-update')


def test_full_cups_ejabberd_proxypass(full):
    sandbox = full[0]
    config = sandbox.db('configuration')
    assert open(sandbox.path('/etc/cups/printers.conf')).read().startswith('<Printer hall>')
    assert mode(sandbox.path('/etc/cups/printers.conf')) == 0o600
    ppd = sandbox.path('/etc/cups/ppd/hall.ppd')
    assert open(ppd).read() == '*PPD-Adobe: "4.3"\n' and mode(ppd) == 0o640
    assert (os.stat(ppd).st_uid, os.stat(ppd).st_gid) == (0, int(sandbox.getent('group', 'lp')[2]))
    assert config.get_prop('cups', 'status') == 'enabled'
    assert config.get_prop('ejabberd', 'access') == 'green,red'   # SME public
    assert config.get_prop('ejabberd', 'status') == 'enabled'
    proxy = sandbox.db('proxypass').get('webapp')
    assert proxy.type == 'ProxyPass' and proxy.props['Target'] == 'http://192.168.1.20:8080/'
    for event in ('nethserver-cups-update', 'nethserver-ejabberd-update',
                  'nethserver-httpd-update'):
        assert events(sandbox, event), event


def test_full_hosts(full):
    sandbox = full[0]
    hosts = sandbox.db('hosts')
    source = esmithdb.Database(sandbox.path(SRC + '/home/e-smith/db/hosts'))
    seen = set()
    for rec in source.records('host'):
        kind, mac = rec.props.get('HostType'), rec.props.get('MACAddress')
        if kind == 'Local' and mac:
            short = rec.key.split('.')[0]
            assert hosts.get(short).type == 'local'                # Local + MAC: short
            assert hosts.get(short).props['MacAddress'] == mac.lower()
            seen.add('local')
        elif kind == 'Local':
            assert hosts.get(rec.key).type == 'remote'
            assert hosts.get(rec.key).props['IpAddress'] == rec.props['InternalIP']
            seen.add('remote')
        elif kind == 'Remote' and re.match(r'^[0-9.]+$', rec.props['ExternalIP']):
            assert hosts.get(rec.key).props['IpAddress'] == rec.props['ExternalIP']
        elif kind == 'Remote':
            assert hosts.get(rec.key) is None                      # a CNAME
            seen.add('cname')
        elif kind == 'Self':
            assert hosts.get(rec.key).type == 'self'
    assert seen == {'local', 'remote', 'cname'}, 'the tree lacks a kind of host'
    assert 'hosts.cname-skipped' in [f['key'] for f in findings(sandbox)]
    assert events(sandbox, 'nethserver-hosts-update')


def test_full_networks_routes_dhcp(full):
    sandbox, manifest = full[0], full[1]
    lan = manifest_lan(sandbox.path(SRC))
    networks, routes = sandbox.db('networks'), sandbox.db('routes')
    trusted = [r.key for r in networks.records('network')]
    assert trusted and all(k.startswith('10.') for k in trusted)
    for key in trusted:
        route = routes.get(key + '/24')
        if route is not None:
            assert route.type == 'static'
            assert route.props['Device'] == 'eth0'
            assert route.props['Router'].startswith(lan)
    assert all('/' in r.key for r in routes.records())           # NS7 layout only
    dhcp = sandbox.db('dhcp').get('eth0')
    assert dhcp.type == 'range' and dhcp.props['status'] == 'enabled'
    assert dhcp.props['DhcpRangeStart'] == lan + '65'
    assert len(events(sandbox, 'interface-update')) == 1         # only the first run


def test_full_certificate_self_signed_under_its_own_names(full):
    sandbox, manifest = full[0], full[1]
    fqdn = manifest['fqdn']
    src = sandbox.path('{}/home/e-smith/ssl.key/{}.key'.format(SRC, fqdn))
    key = sandbox.path('/etc/pki/tls/private/{}.key'.format(fqdn))
    assert open(key, 'rb').read() == open(src, 'rb').read()
    assert mode(key) == 0o600 and os.stat(key).st_uid == 0
    pki = sandbox.db('configuration').get('pki').props
    assert (pki['CrtFile'], pki['KeyFile']) == ('/etc/pki/tls/certs/{}.crt'.format(fqdn),
                                                '/etc/pki/tls/private/{}.key'.format(fqdn))
    # NethServer's own pair is never replaced (SPEC 1.5)
    assert not os.path.exists(sandbox.path('/etc/pki/tls/private/NSRV.key.before-migration'))
    assert events(sandbox, 'certificate-update')


def test_full_root_merged_ssh_kept(full):
    sandbox = full[0]
    root = sandbox.path('/root')
    assert open(os.path.join(root, '.ssh', 'id_rsa')).read() == 'destination-own-key\n'
    assert not os.path.exists(os.path.join(root, '.ssh', 'authorized_keys'))
    aside = os.path.join(root, '.ssh.migrated')
    assert mode(aside) == 0o700
    assert os.path.exists(os.path.join(aside, 'authorized_keys'))
    assert open(os.path.join(root, 'logs', 'install.log')).read() == 'ns7 install log\n'
    assert open(os.path.join(root, 'install.log')).read().startswith('Installing e-smith')
    assert open(os.path.join(root, 'notes.txt')).read() == 'the destination\'s notes\n'
    assert os.path.exists(os.path.join(root, 'notes.txt.migrated'))
    assert not os.path.exists(os.path.join(root, '.my.cnf'))
    assert os.path.exists(sandbox.path(SRC + '/root/.my.cnf'))
    assert 'rootdir.ssh-aside' in [f['key'] for f in findings(sandbox)]


def test_full_review_findings(full):
    sandbox = full[0]
    found = {f['key']: f for f in findings(sandbox)}
    cipher = found['review.ssl-cipher-suite']
    assert cipher['commands'] == [
        "config setprop httpd SSLCipherSuite 'ALL:!aNULL:!ADH:!eNULL:!LOW:!EXP:RC4+RSA:"
        "+HIGH:+MEDIUM'", 'signal-event nethserver-httpd-update']
    templates = [f['object']['template'] for f in findings(sandbox)
                 if f['key'] == 'review.custom-template']
    assert 'etc/e-smith/templates-custom/etc/smb.conf' in templates
    assert 'etc/e-smith/templates-user-custom/.qmail' in templates
    assert 'review.network-not-migrated' in found
    # the destination's own network is untouched
    assert sandbox.db('networks').get('eth0').props['role'] == 'green'


# -- bad input, missing modules --------------------------------------------------------

@pytest.fixture(scope='module')
def bad(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('config-bad')
    tree, manifest = generated(tmp, seed=22, version='8', users=2, groups=1, ibays=1,
                               pseudonyms=1, messages=1, corner_cases=True, role='PDC')
    db = os.path.join(tree, 'home', 'e-smith', 'db')
    # A malformed line, a cert path that climbs out, a pipe in a value, a broken sshd port.
    text = open(os.path.join(db, 'configuration')).read()
    text = re.sub(r'^modSSL=.*$', 'modSSL=service|crt|../../etc/shadow|key|'
                  '/home/e-smith/ssl.key/missing.key|status|enabled', text, flags=re.M)
    text = re.sub(r'^ldap=(.*)$', lambda m: 'ldap=' + m.group(1).replace(
        'XYZ Corporation', r'XYZ \| Sons'), text, flags=re.M)
    text += 'this line is not a record\nsshd=service|TCPPort|99999|access|public\n'
    text += 'ejabberd=service|status|enabled\ncups=service|status|enabled\n'
    write(os.path.join(db, 'configuration'), text)
    append(os.path.join(db, 'hosts'), 'piped.example.com=host|Comment|a \\| b|HostType|'
                                      'Remote|ExternalIP|198.51.100.9\n')
    sandbox = Sandbox(tmp / 'sb', hostname='ns7.example.org', modules=('nethserver-samba',))
    into_sandbox(sandbox, tree)
    result = migrate(sandbox)
    return sandbox, manifest, result


def test_bad_every_action_still_succeeds_and_log_is_clean(bad):
    sandbox = bad[0]
    assert action_status(bad[0]) == dict((a, 'SUCCESS') for a in OURS)
    assert 'Traceback' not in '\n'.join(sandbox.messages())


def test_bad_cert_path_outside_refused_and_shadow_not_read(bad):
    sandbox = bad[0]
    keys = {f['key']: f for f in findings(sandbox)}
    assert '../../etc/shadow' in keys['certificate.path-refused']['message']
    assert 'missing.key' in keys['certificate.file-missing']['message']
    assert sandbox.db('configuration').get_prop('pki', 'CrtFile') == ''
    assert not [n for n in os.listdir(sandbox.path('/etc/pki/tls/certs')) if 'shadow' in n]


def test_bad_pipe_value_reported_rest_migrates(bad):
    sandbox = bad[0]
    config = sandbox.db('configuration')
    assert config.get_prop('OrganizationContact', 'Company') == 'Example Org'  # NS7's
    assert config.get_prop('OrganizationContact', 'City') == 'Ottawa'
    messages = [f['message'] for f in findings(sandbox) if f['key'] == 'config.bad-value']
    assert any('OrganizationContact Company' in m for m in messages)
    assert any('sshd TCPPort' in m for m in messages)
    assert config.get_prop('sshd', 'TCPPort') == '22'
    assert config.get_prop('sshd', 'access') == 'green,red'
    assert sandbox.db('hosts').get('piped.example.com') is None
    assert len(sandbox.db('hosts').records()) >= 3             # the other hosts


def test_bad_network_without_mask_reported_others_migrate(bad):
    sandbox = bad[0]
    messages = [f['message'] for f in findings(sandbox) if f['key'] == 'network.bad-record']
    assert any('10.250.2.0 has no Mask' in m for m in messages)
    assert sandbox.db('networks').get('10.250.2.0') is None
    assert sandbox.db('networks').get('10.250.1.0').type == 'network'   # Router=default
    # the routers are not on this server's green network: reported, not written
    assert [f for f in findings(sandbox) if f['key'] == 'network.route-unreachable']
    assert not sandbox.db('routes').records()


def test_bad_pdc_workgroup_and_logon_drive_one_colon(bad):
    config = bad[0].db('configuration')
    assert config.get_prop('smb', 'LogonDrive') == 'Z:'        # the source had 'Z:'
    workgroup = config.get_prop('sssd', 'Workgroup')
    assert workgroup == workgroup.upper() and workgroup


def test_bad_missing_modules_change_nothing_and_say_what_to_install(bad):
    sandbox = bad[0]
    missing = [f for f in findings(sandbox) if f['key'] == 'module.missing']
    modules = {f['object']['module'] for f in missing}
    assert {'nethserver-cups', 'nethserver-ejabberd'} <= modules
    for f in missing:
        assert f['commands'][-1] == 'signal-event migration-import /var/lib/migration'
    config = sandbox.db('configuration')
    assert config.get('ejabberd') is None and config.get('cups') is None
    assert not events(sandbox, 'nethserver-cups-update')


# -- trees from tests/data/sme-samples --------------------------------------------------

def sample_tree(top, base, networks=True):
    db = os.path.join(top, 'home', 'e-smith', 'db')
    os.makedirs(db)
    for name in ('accounts', 'configuration', 'domains', 'hosts', 'networks'):
        src = os.path.join(SAMPLES, base, name + '.conf')
        if name == 'networks' and not networks:
            continue
        if not os.path.exists(src):
            src = os.path.join(SAMPLES, 'e-smith-hosts-1.14.0', 'hosts.conf')
        shutil.copy(src, os.path.join(db, name))
    return top


@pytest.fixture(scope='module')
def samples(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('config-samples')
    sandbox = Sandbox(tmp / 'sb', hostname='ns7.e-smith.com', green_ip='10.0.0.10',
                      modules=('nethserver-samba',))
    into_sandbox(sandbox, sample_tree(str(tmp / 'tree'), 'e-smith-base-4.18.1',
                                      networks=False))
    migrate(sandbox)
    return sandbox


def test_samples_e_smith_base_without_networks_db(samples):
    sandbox = samples
    assert action_status(sandbox) == dict((a, 'SUCCESS') for a in OURS)
    assert 'network.source-missing' in [f['key'] for f in findings(sandbox)]
    config = sandbox.db('configuration')
    assert config.get_prop('OrganizationContact', 'Street') == '123 Main Street'
    assert config.get_prop('smb', 'LogonDrive') == 'Z:'                  # SME default
    assert config.get_prop('sshd', 'access') == 'green'
    assert os.readlink(sandbox.path('/etc/localtime')).endswith('US/Eastern')
    hosts = sandbox.db('hosts')
    assert hosts.get('foo.invalid.tld').type == 'self'
    assert hosts.get('wibble.invalid.tld') is None                      # no HostType
    assert 'Traceback' not in '\n'.join(sandbox.messages())
