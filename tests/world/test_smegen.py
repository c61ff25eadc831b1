"""The SME tree generator: deterministic, parseable, SME-shaped, sized as asked."""

import base64
import csv
import email
import json
import os
import re
import stat
import subprocess
import sys

import pytest

from nethserver_migration import esmithdb
from tests.samples import samples_dir
from tests.world.smegen import generate, hashes
from tests.world.smegen.corner import ODD_NAMES

SAMPLES = samples_dir()
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SMALL = dict(users=6, groups=3, ibays=3, pseudonyms=4, domains=3, networks=2, hosts=6, messages=7)
ROOT = os.geteuid() == 0


def snapshot(root):
    """Everything the byte-identity promise covers: names, types, bytes, modes, owners,
    link targets."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(os.fsencode(root)):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, os.fsencode(root))
            if stat.S_ISLNK(st.st_mode):
                content = b'-> ' + os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                with open(path, 'rb') as f:
                    content = f.read()
            else:
                content = None
            out[rel] = (st.st_mode, st.st_uid, st.st_gid, content)
    return out


@pytest.fixture(scope='module')
def trees(tmp_path_factory):
    """One small tree per flavour, and a corner-case tree of each kind of mailbox store."""
    base = tmp_path_factory.mktemp('smegen')
    made = {}
    for label, kw in {
        '7': dict(version='7'), '8': dict(version='8'), '9': dict(version='9'),
        'ns': dict(version='nethservice'), '8ldap': dict(version='8', ldap_auth=True),
        'corner9': dict(version='9', corner_cases=True, role='PDC'),
        'cornerns': dict(version='nethservice', corner_cases=True),
        'corner7': dict(version='7', corner_cases=True),
    }.items():
        path = str(base / label)
        made[label] = (path, generate(path, seed=3, **dict(SMALL, **kw)))
    return made


def db(tree, name):
    return esmithdb.Database(os.path.join(tree, 'home/e-smith/db', name))


# -- determinism -------------------------------------------------------------------------

def test_same_seed_gives_a_byte_identical_tree(tmp_path, trees):
    path, manifest = trees['cornerns']
    again = generate(str(tmp_path / 'again'), seed=3, version='nethservice', corner_cases=True,
                     **SMALL)
    assert again == manifest
    first, second = snapshot(path), snapshot(str(tmp_path / 'again'))
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_the_cli_in_another_process_writes_the_same_tree_and_manifest(tmp_path, trees):
    path, manifest = trees['9']
    out, mfile = tmp_path / 'cli', tmp_path / 'm.json'
    args = ['--out', str(out), '--seed', '3', '--version', '9', '--manifest', str(mfile)]
    for k, v in SMALL.items():
        args += ['--' + k, str(v)]
    run = subprocess.run([sys.executable, '-m', 'tests.world.smegen'] + args, cwd=REPO,
                         capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED='7'))
    assert run.returncode == 0, run.stderr
    assert 'SME 9 tree in' in run.stdout
    assert json.loads(mfile.read_text()) == json.loads(json.dumps(manifest))
    assert snapshot(str(out)) == snapshot(path)


def test_a_different_seed_gives_a_different_tree(tmp_path, trees):
    path, manifest = trees['9']
    other = generate(str(tmp_path / 'other'), seed=4, version='9', **SMALL)
    assert set(other['users']) != set(manifest['users'])
    assert snapshot(str(tmp_path / 'other')) != snapshot(path)


def test_cli_help_names_every_option():
    run = subprocess.run([sys.executable, '-m', 'tests.world.smegen', '--help'], cwd=REPO,
                         capture_output=True, text=True)
    assert run.returncode == 0
    for opt in ('--seed', '--version', '--users', '--groups', '--ibays', '--pseudonyms',
                '--domains', '--networks', '--hosts', '--messages', '--corner-cases',
                '--ldap-auth', '--role', '--out', '--manifest'):
        assert opt in run.stdout


def test_refuses_a_non_empty_destination_and_bad_arguments(tmp_path):
    (tmp_path / 'x').write_text('x')
    with pytest.raises(ValueError):
        generate(str(tmp_path), users=1)
    for bad in (dict(version='10'), dict(role='BDC'), dict(version='7', ldap_auth=True),
                dict(users=-1)):
        with pytest.raises(ValueError):
            generate(str(tmp_path / 'new'), **bad)


# -- hashes ------------------------------------------------------------------------------

@pytest.mark.parametrize('password,salt', [('secret', 'abcdefgh'), ('Pàss wörd!', 'x.y/Z0'),
                                           ('', 'salt'), ('a' * 40, '12345678')])
def test_md5_crypt_matches_openssl(password, salt):
    ref = subprocess.run(['openssl', 'passwd', '-1', '-salt', salt, password],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert hashes.md5_crypt(password, salt) == ref


def test_md4_and_nt_hash_match_the_rfc_vectors():
    assert hashes.md4(b'').hex() == '31d6cfe0d16ae931b73c59d7e0c089c0'
    assert hashes.md4(b'message digest').hex() == 'd9130a8164549fe818874806e1c7014b'
    assert hashes.md4(b'1234567890' * 8).hex() == 'e33b4ddc9c38f2199c3e7b164fcc0536'
    assert hashes.nt_hash('') == '31D6CFE0D16AE931B73C59D7E0C089C0'   # the "empty" NT hash


# -- DBs ---------------------------------------------------------------------------------

def test_every_db_of_every_flavour_parses_without_issues(trees):
    for label, (path, manifest) in trees.items():
        for name in manifest['dbs']:
            d = db(path, name)
            assert d.issues == [], (label, name, d.issues)
            assert len(d) > 0


def _sample_props(type_):
    names = set()
    for sample in ('smeserver-lib/accounts.conf', 'e-smith-base-4.18.1/accounts.conf'):
        records, _ = esmithdb.read_file(os.path.join(SAMPLES, sample))
        for r in records.values():
            if r.type == type_:
                names |= set(r.props)
    return names


# Props documented in sme-source.md §2 for each type (what we may add to the samples').
DOCUMENTED = {
    'user': {'FirstName', 'LastName', 'Phone', 'Company', 'Dept', 'City', 'Street',
             'EmailForward', 'ForwardAddress', 'PasswordSet', 'Uid', 'Gid', 'Shell',
             'VPNClientAccess', 'FM-Accounts', 'FM-KeepOption', 'Sudoer'},
    'group': {'Description', 'Members', 'Gid', 'Uid'},
    'ibay': {'Name', 'Group', 'UserAccess', 'PublicAccess', 'CgiBin', 'RecycleBin', 'Uid',
             'Gid', 'PasswordSet', 'Modifiable', 'Removable', 'Passwordable', 'NfsStatus',
             'NfsClient'},
    'pseudonym': {'Account', 'Visible', 'Removable', 'Changeable', 'Comment'},
}


@pytest.mark.parametrize('type_', sorted(DOCUMENTED))
def test_account_records_have_the_samples_shapes(trees, type_):
    ours = set()
    for label in ('9', 'corner9'):
        for r in db(trees[label][0], 'accounts').records(type_):
            ours |= set(r.props)
    samples = _sample_props(type_)
    assert samples <= ours, samples - ours
    assert ours <= DOCUMENTED[type_], ours - DOCUMENTED[type_]


def test_a_plain_user_has_every_prop_of_the_brief(trees):
    path, manifest = trees['9']
    accounts = db(path, 'accounts')
    name = next(iter(manifest['users']))
    assert set(accounts.get(name).props) >= {
        'FirstName', 'LastName', 'Phone', 'Company', 'Dept', 'City', 'Street', 'EmailForward',
        'ForwardAddress', 'PasswordSet', 'Uid', 'Gid', 'Shell'}


def test_built_in_records_match_the_sme_defaults(trees):
    """Every accounts default of e-smith-base/-email/-samba is in the generated DB as is."""
    accounts = db(trees['8'][0], 'accounts')
    with open(os.path.join(SAMPLES, 'db-defaults-sme7-era.tsv')) as f:
        rows = [r for r in csv.reader(f, delimiter='\t') if r and not r[0].startswith('#')]
    checked = 0
    for package, dbname, key, prop, value in rows:
        if dbname != 'accounts':
            continue
        record = accounts.get(key)
        assert record is not None, key
        assert (record.type if prop == 'type' else record.props.get(prop)) == value, (key, prop)
        checked += 1
    assert checked > 40


def test_configuration_has_the_migrated_settings_per_version(trees):
    expected_release = {'7': '7.', '8': '8.', '9': '9.'}
    for label, prefix in expected_release.items():
        conf = db(trees[label][0], 'configuration')
        assert conf.get_prop('sysconfig', 'ReleaseVersion').startswith(prefix)
        for key in ('SystemName', 'DomainName', 'MinUid', 'TimeZone', 'maxAcctNameLength',
                    'maxGroupNameLength', 'SMTPSmartHost'):
            assert conf.get_value(key), key
        for key in ('smb', 'ldap', 'modSSL', 'passwordstrength', 'ntpd', 'sshd', 'dhcpd',
                    'spamassassin', 'smtp-auth-proxy', 'mysqld'):
            assert conf.get(key) is not None, key
        assert conf.get_prop('smb', 'ServerRole') == 'WS'
        assert conf.get_prop('smb', 'LogonDrive') == 'Z'
        auth = conf.get_prop('ldap', 'Authentication')
        assert auth == (None if label == '7' else 'disabled')
    assert db(trees['8ldap'][0], 'configuration').get_prop('ldap', 'Authentication') == 'enabled'
    conf = db(trees['9'][0], 'configuration')
    assert int(conf.get_value('MinUid')) > max(u['uid'] for u in trees['9'][1]['users'].values())


def test_domains_hosts_networks_and_wbl(trees):
    path, manifest = trees['9']
    domains = db(path, 'domains')
    primary = domains.get(manifest['domain_name'])
    assert primary.props['SystemPrimaryDomain'] == 'yes' and primary.props['Content'] == 'Primary'
    assert len(domains.records('domain')) == SMALL['domains']
    hosts = db(path, 'hosts').records('host')
    kinds = {h.props['HostType'] for h in hosts}
    assert kinds == {'Self', 'Local', 'Remote'}
    assert any(h.props['MACAddress'] for h in hosts) and \
        any(h.props['HostType'] == 'Local' and not h.props['MACAddress'] for h in hosts)
    assert any(h.props['HostType'] == 'Remote' and not h.props['ExternalIP'][0].isdigit()
               for h in hosts)
    nets = db(path, 'networks').records('network')
    assert [n.props.get('SystemLocalNetwork') for n in nets].count('yes') == 1
    assert len(nets) == 1 + SMALL['networks']
    assert all('Router' in n.props for n in nets if 'SystemLocalNetwork' not in n.props)
    assert db(path, 'spamassassin').get('wbl.global').type == 'list'


# -- sizes, accounts, Unix files ---------------------------------------------------------

def _maildir_messages(maildir):
    count = 0
    for dirpath, _, filenames in os.walk(maildir):
        if os.path.basename(dirpath) in ('new', 'cur'):
            count += len(filenames)
    return count


def test_sizes_are_honoured(trees):
    path, m = trees['9']
    accounts = db(path, 'accounts')
    assert len(accounts.records('user')) == len(m['users']) == SMALL['users']
    assert len(accounts.records('group')) == len(m['groups']) == SMALL['groups']
    assert len(accounts.records('ibay')) == SMALL['ibays'] + 1      # + Primary
    assert len(m['pseudonyms']) >= SMALL['pseudonyms'] + 6
    assert m['messages_total'] == (SMALL['users'] + 1) * SMALL['messages']
    users_dir = os.path.join(path, 'home/e-smith/files/users')
    for user, count in m['mailboxes'].items():
        maildir = os.path.join(path, 'home/e-smith/Maildir') if user == 'admin' else \
            os.path.join(users_dir, user, 'Maildir')
        assert _maildir_messages(maildir) == count == SMALL['messages']
    assert m['bytes_total'] == sum(m['message_sizes'])


def test_passwd_group_shadow_smbpasswd_follow_sme_conventions(trees):
    path, m = trees['9']

    def lines(rel):
        with open(os.path.join(path, rel)) as f:
            return [line.rstrip('\n').split(':') for line in f]
    passwd = {p[0]: p for p in lines('etc/passwd')}
    shadow = {s[0]: s for s in lines('etc/shadow')}
    group = {g[0]: g for g in lines('etc/group')}
    smb = {s[0]: s for s in lines('etc/samba/smbpasswd')}
    assert passwd['admin'][2:4] == ['101', '101'] and passwd['www'][2] == '100'
    assert set(group['shared'][3].split(',')) >= {'public', 'admin', 'www'} | set(m['users']) \
        | set(m['ibays'])
    for name, g in m['groups'].items():
        assert group[name][3].split(',')[:2] == ['admin', 'www']
        assert set(g['members']) <= set(group[name][3].split(','))
    for name, u in m['users'].items():
        assert passwd[name][5] == '/home/e-smith/files/users/' + name
        assert int(passwd[name][2]) == u['uid']
        field = shadow[name][1]
        flags = smb[name][4]
        if u['state'] == 'never':
            assert field == '!!' and smb[name][3] == 'X' * 32 and 'D' in flags
        else:
            bare = field.lstrip('!')
            salt = bare.split('$')[2]
            assert bare == hashes.md5_crypt(u['password'], salt)
            assert field.startswith('!') == (u['state'] == 'locked')
            assert smb[name][3] == hashes.nt_hash(u['password'])
            assert ('D' in flags) == (u['state'] == 'locked')
        assert len(flags) == 13 and flags.startswith('[U')
    for b in m['ibays']:
        assert passwd[b][5] == '/home/e-smith/files/ibays/{}/files'.format(b)
    assert shadow['root'][1] == shadow['admin'][1].lstrip('!')
    assert shadow['root'][1] == hashes.md5_crypt(m['admin_password'], shadow['root'][1].split('$')[2])


def test_ldap_auth_keeps_users_only_in_the_ldif(trees):
    path, m = trees['8ldap']
    with open(os.path.join(path, 'etc/passwd')) as f:
        names = {line.split(':')[0] for line in f}
    assert not names & set(m['users'])
    assert all(not u['in_passwd'] for u in m['users'].values())
    with open(os.path.join(path, 'home/e-smith/db/ldap/ldif')) as f:
        ldif = f.read()
    for name, u in m['users'].items():
        block = ldif.split('dn: uid={},'.format(name))[1].split('\n\n')[0]
        value = base64.b64decode(re.search(r'^userPassword:: (\S+)$', block, re.M).group(1))
        crypt = value.decode()
        assert crypt.startswith('{CRYPT}')
        bare = crypt[len('{CRYPT}'):]
        assert bare.startswith('!') == (u['state'] != 'active')
        bare = bare.lstrip('!')
        assert bare == hashes.md5_crypt(u['password'], bare.split('$')[2])


# -- files -------------------------------------------------------------------------------

MSG_NAME = re.compile(r'^\d+\.\d+_\d+\.[a-z0-9.-]+(:2,[A-Z]*)?$')


def test_maildirs_hold_real_messages_with_maildir_names(trees):
    path, m = trees['9']
    user = next(iter(m['users']))
    maildir = os.path.join(path, 'home/e-smith/files/users', user, 'Maildir')
    seen = 0
    for dirpath, _, filenames in os.walk(maildir):
        sub = os.path.basename(dirpath)
        if sub not in ('new', 'cur'):
            continue
        for name in filenames:
            assert MSG_NAME.match(name), name
            assert (':2,' in name) == (sub == 'cur')
            with open(os.path.join(dirpath, name), 'rb') as f:
                msg = email.message_from_bytes(f.read())
            assert msg['Message-ID'] and msg['Date'] and msg['From'] and msg['Subject']
            assert msg['To'] == '{}@{}'.format(user, m['domain_name'])
            if ROOT:
                assert os.stat(os.path.join(dirpath, name)).st_uid == m['users'][user]['uid']
            seen += 1
    assert seen == m['users'][user]['messages']
    assert {'.Sent', '.junkmail', '.Trash'} <= set(os.listdir(maildir))
    with open(os.path.join(maildir, 'dovecot-uidlist')) as f:
        assert f.readline().startswith('3 V')
    assert os.path.isfile(os.path.join(maildir, 'subscriptions'))
    assert os.path.isfile(os.path.join(maildir, 'maildirsize'))


def test_flavour_differences_in_mail_stores_and_extras(trees):
    def maildir(label):
        path, m = trees[label]
        return path, os.path.join(path, 'home/e-smith/files/users', next(iter(m['users'])), 'Maildir')
    path, md = maildir('7')
    assert os.path.isfile(os.path.join(md, 'courierimapuiddb'))
    assert os.path.isfile(os.path.join(md, 'courierimapsubscribed'))
    assert not os.path.exists(os.path.join(md, 'dovecot-uidlist'))
    assert os.readlink(os.path.join(path, 'etc/smbpasswd')) == 'samba/smbpasswd'
    assert not os.path.exists(os.path.join(path, 'home/e-smith/db/acls.dump'))
    path, md = maildir('8')
    with open(os.path.join(md, 'dovecot-uidlist')) as f:
        assert f.readline().startswith('1 ')
    path, md = maildir('ns')
    home = os.path.dirname(md)
    assert os.readlink(os.path.join(home, '.dovecot.sieve')) == 'sieve/roundcube.sieve'
    assert os.path.isfile(os.path.join(home, 'sieve/roundcube.sieve'))
    assert os.path.isfile(os.path.join(path, 'home/e-smith/db/acls.dump'))
    assert db(path, 'fetchmail').records('getmail')
    assert db(path, 'accounts').records('ProxyPass')
    assert db(path, 'configuration').get('sogod') is not None
    assert not os.path.exists(os.path.join(trees['9'][0], 'home/e-smith/files/users',
                                           next(iter(trees['9'][1]['users'])), '.dovecot.sieve'))


def test_acls_dump_is_getfacl_output_relative_to_the_ibays_dir(trees):
    path, m = trees['ns']
    with open(os.path.join(path, 'home/e-smith/db/acls.dump')) as f:
        blocks = [b for b in f.read().split('\n\n') if b.strip()]
    files_ = set()
    for block in blocks:
        lines = block.split('\n')
        assert lines[0].startswith('# file: ') and lines[1].startswith('# owner: ') \
            and lines[2].startswith('# group: ')
        files_.add(lines[0][len('# file: '):])
        assert all(re.match(r'^(default:)?(user|group|mask|other):[^:]*:[rwx-]{3}$', x)
                   for x in lines[3:] if not x.startswith('#'))
    assert {'{}/files'.format(b) for b in m['ibays']} <= files_


@pytest.mark.skipif(not ROOT, reason='ownership needs root (CI runs as root)')
def test_homes_and_ibays_have_sme_owners_and_modes(trees):
    path, m = trees['9']
    for name, u in m['users'].items():
        st = os.stat(os.path.join(path, 'home/e-smith/files/users', name))
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (u['uid'], u['uid'], 0o700)
        assert os.path.isdir(os.path.join(path, 'home/e-smith/files/users', name, 'home'))
    admin_md = os.stat(os.path.join(path, 'home/e-smith/Maildir'))
    assert (admin_md.st_uid, admin_md.st_gid) == (101, 101)
    for name, b in m['ibays'].items():
        top = os.stat(os.path.join(path, b['path']))
        assert (top.st_uid, top.st_gid, stat.S_IMODE(top.st_mode)) == (0, 0, 0o755)
        for sub in ('files', 'html', 'cgi-bin'):
            st = os.stat(os.path.join(path, b['path'], sub))
            assert stat.S_IMODE(st.st_mode) == int(b['dir_mode'], 8)
            assert (st.st_uid, st.st_gid) == (b['owner'], b['group_gid'])
        st = os.stat(os.path.join(path, b['path'], 'files/Readme.txt'))
        assert stat.S_IMODE(st.st_mode) == int(b['file_mode'], 8)
        if b['group'] == 'admin':
            assert b['group_gid'] == 102        # Group=admin: files belong to www
    assert os.readlink(os.path.join(path, 'home/e-smith/files/primary')) == 'ibays/Primary'


def test_certificate_key_pem_and_other_files(trees):
    path, m = trees['8']
    fqdn = m['fqdn']
    crt = os.path.join(path, 'home/e-smith/ssl.crt', fqdn + '.crt')
    key = os.path.join(path, 'home/e-smith/ssl.key', fqdn + '.key')
    text = subprocess.run(['openssl', 'x509', '-in', crt, '-noout', '-subject', '-text'],
                          capture_output=True, text=True, check=True).stdout
    assert 'CN = ' + fqdn in text and 'sha1WithRSAEncryption' in text   # SME 8 used -sha1
    mod = [subprocess.run(['openssl', kind, '-in', p, '-noout', '-modulus'], capture_output=True,
                          text=True, check=True).stdout for kind, p in (('x509', crt), ('rsa', key))]
    assert mod[0] == mod[1]
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    with open(os.path.join(path, 'home/e-smith/ssl.pem', fqdn + '.pem')) as f:
        pem = f.read()
    assert 'PRIVATE KEY' in pem and 'CERTIFICATE' in pem
    assert 'password=' in open(os.path.join(path, 'root/.my.cnf')).read()
    assert any(n.endswith('.log') for n in os.listdir(os.path.join(path, 'root')))
    assert os.listdir(os.path.join(path, 'home/e-smith/db/mysql'))
    assert os.path.isdir(os.path.join(path, 'etc/e-smith/templates-custom'))


# -- corner cases ------------------------------------------------------------------------

def test_corner_case_records_read_back_as_expected(trees):
    path, m = trees['corner9']
    n = m['corner_notes']
    accounts = db(path, 'accounts')
    assert accounts.issues == []
    assert m['corner_cases'] and 1 in m['corner_cases'] and 18 not in m['corner_cases']
    latin = accounts.get(n['latin1_user']['name']).props
    assert (latin['FirstName'], latin['LastName']) == ('José', 'Muñoz')
    assert latin['Street'] == n['newline_user']['Street']
    assert accounts.get('pipebay').props['Name'] == 'Sales | Marketing'
    key, prop, value = n['raw']['escaped']
    assert accounts.get(key).props[prop] == value
    assert accounts.get(n['duplicate_key']['key']).props['Phone'] == '555-9999'
    assert accounts.get('spaced ') is not None
    for key in n['raw']['deleted']:
        assert accounts.get(key).type.endswith('-deleted')
    for key, type_ in n['raw']['unknown_types'].items():
        assert accounts.get(key).type == type_
    for key in n['unsafe_pseudonyms'] + list(n['uppercase_pseudonyms']):
        assert accounts.get(key).type == 'pseudonym'
    assert accounts.get('to-missing').props['Account'] == 'nosuchaccount'
    assert accounts.get('deep1').props['Account'] == 'deep2'
    groups = n['groups']
    assert accounts.get(groups['empty']).props['Members'] == ''
    assert 'Members' not in accounts.get(groups['missing']).props
    assert set(accounts.get(groups['no_ids']).props) == {'Members'}
    dup = n['duplicate_uid']
    assert accounts.get(dup['group']).props['Uid'] == accounts.get(dup['same_as']).props['Uid']
    assert accounts.get(n['ibays']['legacy_access']).props['UserAccess'] == 'wr_admin_rd_group'
    assert accounts.get(n['ibays']['deleted_group']).props['Group'] not in m['groups']
    for user in n['reserved_users'] + [n['long_user'], n['dotted_user']]:
        assert accounts.get(user).type == 'user'
    assert 'mario.rossi' not in [p for p, t in m['pseudonyms'].items() if t == 'mrossi']
    conf = db(path, 'configuration')
    assert conf.get_prop('smb', 'ServerRole') is None
    assert conf.get_prop('smb', 'DomainMaster') == 'yes'           # role PDC
    assert conf.get_prop('smb', 'LogonDrive') == 'Z:'
    assert conf.get_prop('modSSL', 'crt').startswith('/etc/')
    assert conf.get_prop('tricky', 'Args') == '--opt=value'
    hosts = db(path, 'hosts')
    assert hosts.get(n['hosts']['odd']).props == {'HostType': 'Self', 'Comment': ''}
    assert hosts.get(n['hosts']['wibble']).props['Visibility'] == 'self'
    nets = db(path, 'networks')
    assert nets.get(n['networks']['router_default']).props['Router'] == 'default'
    assert 'Mask' not in nets.get(n['networks']['no_mask']).props
    with open(os.path.join(path, 'home/e-smith/db/accounts'), 'rb') as f:
        raw = f.read()
    assert b'Jos\xe9' in raw and b'Sales \\| Marketing' in raw


def test_corner_case_files_and_unix_entries(trees):
    path, m = trees['corner9']
    n = m['corner_notes']
    users = os.path.join(path, 'home/e-smith/files/users')
    assert not os.path.exists(os.path.join(users, n['user_without']['home']))
    assert not os.path.exists(os.path.join(users, n['user_without']['maildir'], 'Maildir'))
    assert not os.path.exists(os.path.join(users, n['user_without']['junkmail'], 'Maildir/.junkmail'))
    assert os.path.isdir(os.path.join(users, 'orphan'))
    odd = os.fsencode(os.path.join(path, 'home/e-smith/files/ibays/oddfiles/files'))
    assert set(ODD_NAMES) <= set(os.listdir(odd))
    assert b'Recycle Bin' in os.listdir(odd)
    for rel in n['symlinks_out']:
        target = os.readlink(os.path.join(path, rel))
        assert target.startswith('/') or target.startswith('..')
    with open(os.path.join(path, 'etc/shadow')) as f:
        shadow = {s.split(':')[0]: s.split(':')[1] for s in f}
    with open(os.path.join(path, 'etc/samba/smbpasswd')) as f:
        smb = {s.split(':')[0]: s.split(':') for s in f}
    with open(os.path.join(path, 'etc/passwd'), encoding='latin-1') as f:   # Latin-1 GECOS
        passwd = {s.split(':')[0] for s in f}
    locked = n['locked']
    assert shadow[locked['never']] == '!!' and shadow[locked['all']].startswith('!$1$')
    assert shadow[locked['shadow_only']].startswith('!$1$') and 'D' not in smb[locked['shadow_only']][4]
    assert 'D' in smb[locked['smbpasswd_only']][4] and shadow[locked['smbpasswd_only']].startswith('$1$')
    assert m['users'][locked['passwordset_only']]['locked']
    assert all(m['users'][u]['locked'] for u in locked.values())
    assert shadow[n['sha512_user']].startswith('$6$')
    assert smb[n['empty_smb_hash_user']][2:4] == ['AAD3B435B51404EEAAD3B435B51404EE',
                                                  '31D6CFE0D16AE931B73C59D7E0C089C0']
    assert any(name.endswith('$') and fields[4].startswith('[W') for name, fields in smb.items())
    assert n['user_without']['passwd'] not in passwd


def test_corner_cases_in_nethservice_acls_and_courier_trees(trees):
    path, m = trees['cornerns']
    with open(os.path.join(path, 'home/e-smith/db/acls.dump')) as f:
        dump = f.read()
    assert '# file: deletedbay/files' in dump and 'user:ghostuser:' in dump
    assert '# file: oddfiles/files/Recycle\\040Bin' in dump
    path7, m7 = trees['corner7']
    assert db(path7, 'accounts').issues == []
    assert m7['corner_notes']['latin1_user']['FirstName'] == 'José'
