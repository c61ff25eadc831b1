"""Accounts and homes through the REAL event, for each provider profile of the sandbox.

A generated SME tree (corner cases of sme-source.md §5 that touch accounts) is migrated
with signal-event migration-import; assertions on the stand-in's journal (the calls the
destination saw), on the provider's directory and NSS, on the homes and on the messages.
Trees and runs are module-scoped: one import per profile, shared by the tests.
"""

import os
import stat

import pytest

from tests import reports

from tests.world import smegen
from tests.world.smegen import hashes as smegen_hashes
from tests.world import killer
from tests.world.sandbox import Sandbox

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SRC = '/var/lib/migration'
HOME = '/var/lib/nethserver/home'
AD_NAMES = ('administrator', 'guest', 'krbtgt')     # refused on AD only: AD provides them
LOCAL_NAMES = ('postfix', 'vmail')                  # the destination's system accounts
RESERVED = AD_NAMES + LOCAL_NAMES

pytestmark = pytest.mark.sandbox


def migrate(sandbox):
    return sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', SRC], timeout=300)


def world(tmp, provider, role='WS', users=4, groups=2, corner=True, **kw):
    sandbox = Sandbox(tmp, provider=provider, **kw)
    manifest = smegen.generate(sandbox.path(SRC), seed=7, version='9', users=users,
                               groups=groups, ibays=0, pseudonyms=0, messages=1,
                               corner_cases=corner, role=role)
    sandbox.install_package(os.path.join(TOP, 'root'))
    return sandbox, manifest


def action_status(sandbox, action):
    """SUCCESS or FAILED: what signal-event logged for the action in its latest run."""
    status = None
    for line in sandbox.messages():
        if 'Action: ' in line and line.split('Action: ', 1)[1].split(' ')[0].endswith(action):
            status = line.split('Action: ', 1)[1].split(' ')[1].rstrip(':')
    return status


def ours(sandbox):
    return [l.split(']: ', 1)[1] for l in sandbox.messages()
            if ']: [' in l and 'esmith::event' in l]


def calls(sandbox, event):
    return [r['args'] for r in sandbox.journal('event', event)]


def no_secret_anywhere(sandbox, manifest):
    journal = open(sandbox.path('/var/log/ns7-standin/journal.jsonl')).read()
    assert '"secret_on_argv": true' not in journal
    text = '\n'.join(sandbox.messages()) + journal
    report = open(sandbox.path('/var/log/nethserver-migration/latest.json')).read()
    for name, user in manifest['users'].items():
        for hashed in ('$1$', '$6$'):
            assert hashed not in report
        assert user['password'] not in text and user['password'] not in report


# --------------------------------------------------------------------------------------
# local LDAP

@pytest.fixture(scope='module')
def ldap(tmp_path_factory):
    sandbox, manifest = world(tmp_path_factory.mktemp('ldap'), 'ldap')
    first = migrate(sandbox)
    journal_after_first = sandbox.journal()
    store_after_first = sandbox.provider_store()
    second = migrate(sandbox)
    return dict(sb=sandbox, m=manifest, first=first, second=second,
                j1=journal_after_first, s1=store_after_first)


def expected_users(manifest, ad=False):
    out = {}
    for name in manifest['users']:
        if name in (RESERVED if ad else LOCAL_NAMES) or not name[0].isalpha():
            continue
        if ad and len(name) > 20:
            continue
        out[name] = manifest['users'][name]
    return out


def test_ldap_event_succeeds(ldap):
    assert action_status(ldap['sb'], 'nethserver-migration-accounts') == 'SUCCESS'
    assert action_status(ldap['sb'], 'nethserver-migration-homes') == 'SUCCESS'


def test_ldap_users_created_with_short_name_and_full_name(ldap):
    m = ldap['m']
    want = expected_users(m)
    created = {a[0]: a[1] for a in
               [r['args'] for r in ldap['j1'] if r['kind'] == 'event'
                and r['name'] == 'user-create']}
    assert set(created) == set(want)
    assert all('@' not in n for n in created)
    assert created['mario.rossi'] == 'Mario Rossi'
    assert created['jmunoz'] == 'José Muñoz'          # Latin-1 source bytes decoded


def test_ldap_reserved_and_invalid_names_skipped_with_reason(ldap):
    lines = ours(ldap['sb'])
    for name in LOCAL_NAMES + ('3rdfloor',):
        assert any('user not migrated' in l and repr(name) in l for l in lines), name
    store = ldap['s1']
    assert not set(LOCAL_NAMES) & set(store['users'])
    # on a local LDAP, AD's own names are ordinary users: they migrate
    for name in AD_NAMES:
        assert not any('user not migrated' in l and repr(name) in l for l in lines), name
        assert name in store['users'], name
    assert store['users']['admin']['fullname'] == 'admin'   # the destination's admin kept


def test_ldap_passwords_through_stdin_and_locks(ldap):
    m, store = ldap['m'], ldap['s1']
    lp = [r for r in ldap['j1'] if r['kind'] == 'command' and r['name'] == 'lpasswd']
    assert lp and all(r['stdin'] and r['args'][:2] == ['-f', '0'] for r in lp)
    for name, user in expected_users(m).items():
        if name == 'notinpasswd':
            continue
        pw = store['users'][name]['password']
        assert pw.startswith('{CRYPT}')
        if user['locked'] or user['state'] == 'never':
            assert pw.startswith('{CRYPT}!'), name
        else:
            assert not pw.startswith('{CRYPT}!'), name
    # notinpasswd has no shadow entry: kept locked and listed for a reset
    assert store['users']['notinpasswd']['password'] == '{CRYPT}!!'
    assert any('notinpasswd arrives locked' in l for l in ours(ldap['sb']))
    no_secret_anywhere(ldap['sb'], m)


@pytest.fixture(scope='module')
def ldap_auth(tmp_path_factory):
    """An SME 8 with ldap{Authentication}=enabled: passwd/shadow hold no users, the LDAP
    dump home/e-smith/db/ldap/ldif holds the only copy of their hashes."""
    sandbox = Sandbox(tmp_path_factory.mktemp('ldapauth'), provider='ldap')
    manifest = smegen.generate(sandbox.path(SRC), seed=8, version='8', users=5, groups=1,
                               ibays=0, pseudonyms=0, messages=1, ldap_auth=True)
    sandbox.install_package(os.path.join(TOP, 'root'))
    return sandbox, manifest, migrate(sandbox)


def test_ldap_auth_source_passwords_come_from_the_ldap_dump(ldap_auth):
    sb, m, _ = ldap_auth
    assert action_status(sb, 'nethserver-migration-accounts') == 'SUCCESS'
    store = sb.provider_store()
    checked = 0
    for name, user in expected_users(m).items():
        stored = store['users'][name]['password']
        assert stored.startswith('{CRYPT}'), name
        crypt = stored[len('{CRYPT}'):]
        if user['locked'] or user['state'] == 'never':
            assert crypt.startswith('!'), name
            continue
        salt = crypt.split('$')[2]
        assert crypt == smegen_hashes.md5_crypt(user['password'], salt), name
        checked += 1
    assert checked >= 2
    no_secret_anywhere(sb, m)


def test_ldap_groups_members_filtered(ldap):
    store = ldap['s1']
    assert set(store['groups']['ghosts']['members']) <= set(store['users'])
    assert store['groups']['adminonly']['members'] == ['admin']
    assert store['groups']['emptygrp']['members'] == []
    for g in store['groups'].values():
        assert len(g['members']) == len(set(g['members']))
    sb = ldap['sb']
    entry = sb.getent('group', 'international-sales-department')
    assert entry is not None


def test_ldap_homes(ldap):
    sb, m = ldap['sb'], ldap['m']
    for name in ('mario.rossi', 'jmunoz', 'nomaildir'):
        home = sb.path('{}/{}'.format(HOME, name))
        st = os.lstat(home)
        pw = sb.getent('passwd', name)
        assert stat.S_IMODE(st.st_mode) == 0o700
        assert (st.st_uid, st.st_gid) == (int(pw[2]), int(pw[3]))
        assert not os.path.exists(os.path.join(home, 'Maildir'))
        src = sb.path('{}/home/e-smith/files/users/{}'.format(SRC, name))
        for top, dirs, files in os.walk(src):
            dirs[:] = [d for d in dirs if d not in ('Maildir', 'sieve')]
            for f in files:
                rel = os.path.relpath(os.path.join(top, f), src)
                if rel in ('.qmail', '.dovecot.sieve'):
                    continue
                dst = os.path.join(home, rel)
                assert os.path.lexists(dst), dst
                assert os.lstat(dst).st_uid == int(pw[2])
    # the staging tree stays whole
    assert os.path.isdir(sb.path(SRC + '/home/e-smith/files/users/mario.rossi/Maildir'))
    assert not os.path.exists(sb.path(HOME + '/postfix'))


def report_keys(sandbox, action):
    import json
    data = reports.load(sandbox.path('/var/log/nethserver-migration/latest.json'))
    return [f['key'] for a in data['actions'] if a['action'] == action
            for f in a['findings']]


def test_ldap_second_run_report_stays_true(ldap):
    keys = report_keys(ldap['sb'], 'nethserver-migration-accounts')
    assert 'accounts.user-present' not in keys     # we created them all
    assert 'accounts.password-not-carried' in keys or 'accounts.password-never-set' in keys


def test_ldap_second_run_changes_nothing(ldap):
    sb = ldap['sb']
    assert action_status(sb, 'nethserver-migration-accounts') == 'SUCCESS'
    new = sb.journal()[len(ldap['j1']):]
    assert [r for r in new if r['kind'] == 'event' and r['name'] in (
        'user-create', 'group-create', 'group-modify', 'user-modify', 'user-lock')] == []
    assert [r for r in new if r['kind'] == 'command' and r['name'] == 'lpasswd'] == []
    assert sb.provider_store()['users'] == ldap['s1']['users']
    assert sb.provider_store()['groups'] == ldap['s1']['groups']


# --------------------------------------------------------------------------------------
# interruption: kill the accounts action after N user-create calls, run again

KILLER = killer.script('nethserver-migration-accounts')


def state_of(sandbox):
    store = sandbox.provider_store()
    return ({n: (u['fullname'], u['password']) for n, u in store['users'].items()},
            {n: sorted(g['members']) for n, g in store['groups'].items()})


@pytest.mark.parametrize('after', [1, 7, 15])
def test_killed_after_n_users_converges(ldap, tmp_path, after):
    sandbox, manifest = world(tmp_path, 'ldap')
    killer = sandbox.path('/etc/e-smith/events/user-create/S99test-killer')
    with open(killer, 'w') as f:
        f.write(KILLER)
    os.chmod(killer, 0o755)
    with open(sandbox.path('/var/lib/killer.after'), 'w') as f:
        f.write(str(after))
    migrate(sandbox)
    assert action_status(sandbox, 'nethserver-migration-accounts') == 'FAILED'
    os.unlink(killer)
    migrate(sandbox)
    users, groups = state_of(sandbox)
    clean_users = {n: (u['fullname'], u['password']) for n, u in ldap['s1']['users'].items()}
    clean_groups = {n: sorted(g['members']) for n, g in ldap['s1']['groups'].items()}
    # same final state as one clean run (hashes are the SME ones: identical)
    assert users == clean_users
    assert groups == clean_groups
    ok = [r['args'][0] for r in sandbox.journal('event', 'user-create') if r['exit'] == 0]
    assert len(ok) == len(set(ok)) == len(expected_users(manifest))


LPASSWD_KILLER = r'''#!/usr/bin/python3
import os, signal, sys
count_file = '/var/lib/killer.count'
n = int(open(count_file).read()) + 1 if os.path.exists(count_file) else 1
open(count_file, 'w').write(str(n))
if n == int(open('/var/lib/killer.after').read()):
    os.kill(os.getppid(), signal.SIGKILL)      # the accounts action, before this lpasswd
    sys.exit(1)
os.execv('/usr/sbin/lpasswd', ['lpasswd'] + sys.argv[1:])
'''


def test_killed_among_the_passwords_redoes_none_it_made(tmp_path):
    sandbox, manifest = world(tmp_path, 'ldap')
    pkg = tmp_path / 'killer-pkg' / 'usr' / 'local' / 'sbin'
    pkg.mkdir(parents=True)
    (pkg / 'lpasswd').write_text(LPASSWD_KILLER)
    (pkg / 'lpasswd').chmod(0o755)
    sandbox.install_package(str(tmp_path / 'killer-pkg'))
    with open(sandbox.path('/var/lib/killer.after'), 'w') as f:
        f.write('6')
    migrate(sandbox)
    assert action_status(sandbox, 'nethserver-migration-accounts') == 'FAILED'
    done_before = len(sandbox.journal('command', 'lpasswd'))
    assert done_before == 5
    with open(sandbox.path('/var/lib/killer.after'), 'w') as f:
        f.write('0')        # never again
    migrate(sandbox)
    assert action_status(sandbox, 'nethserver-migration-accounts') == 'SUCCESS'
    calls = [r['args'][-1] for r in sandbox.journal('command', 'lpasswd')]
    assert len(calls) == len(set(calls)), 'an lpasswd was redone'
    assert len(calls) > 5 and set(calls) <= set(expected_users(manifest))
    # and the end state is a clean run's
    store = sandbox.provider_store()
    assert all(store['users'][n]['password'].startswith('{CRYPT}') for n in calls)


# --------------------------------------------------------------------------------------
# local AD

NSDC = '/var/lib/machines/nsdc'
WELL_KNOWN = ('Nethesis,1234', '')

TDB_WRITE = r'''
import struct, sys, tdb
def sid(text):
    parts = text.split('-')
    subs = [int(x) for x in parts[3:]]
    return bytes([int(parts[1]), len(subs)]) + int(parts[2]).to_bytes(6, 'big') + \
        struct.pack('<%dI' % len(subs), *subs) + b'\0' * 4 * (15 - len(subs))
db = tdb.Tdb(sys.argv[1], 0, tdb.DEFAULT, 0o2 | 0o100, 0o600)
for pair in sys.argv[2:]:
    key, value = pair.split('=', 1)
    db.store(key.encode(), sid(value))          # Samba's keys carry no trailing NUL
db.close()
'''


def write_secrets(sandbox, **sids):
    """etc/samba/secrets.tdb of the source tree (smegen writes none), with Debian's
    python3-tdb inside the sandbox."""
    sandbox.run(['python3', '-c', TDB_WRITE, SRC + '/etc/samba/secrets.tdb'] +
                ['SECRETS/SID/{}={}'.format(k, v) for k, v in sids.items()], check=True)


def nt(plain):
    return smegen_hashes.nt_hash(plain)


def provision_failures(sandbox):
    return [r for r in sandbox.journal('action', 'nethserver-dc-provision') if r['exit']]


MACHINE_SID = 'S-1-5-21-1111111111-2222222222-3333333333'
DOMAIN_SID = 'S-1-5-21-3444444444-555555555-666666666'


@pytest.fixture(scope='module')
def ad_pdc(tmp_path_factory):
    sandbox, manifest = world(tmp_path_factory.mktemp('adpdc'), 'ad', role='PDC', users=3,
                              corner=False)
    workgroup = (manifest['domain_name'].split('.')[0] + '-net').upper()
    write_secrets(sandbox, **{workgroup: DOMAIN_SID,
                              manifest['system_name'].upper(): MACHINE_SID})
    return dict(sb=sandbox, m=manifest, res=migrate(sandbox), workgroup=workgroup)


@pytest.fixture(scope='module')
def ad_ws(tmp_path_factory):
    # corner cases: administrator/guest/krbtgt, postfix, vmail, notinpasswd, locks...
    sandbox, manifest = world(tmp_path_factory.mktemp('adws'), 'ad', role='WS')
    write_secrets(sandbox, **{manifest['system_name'].upper(): MACHINE_SID})
    first = migrate(sandbox)
    j1, s1 = sandbox.journal(), sandbox.provider_store()
    second = migrate(sandbox)
    return dict(sb=sandbox, m=manifest, first=first, second=second, j1=j1, s1=s1)


def test_ad_fresh_dc_pdc_classic_upgrade_preparation(ad_pdc):
    sb, m = ad_pdc['sb'], ad_pdc['m']
    events = [r['name'] for r in sb.journal('event')]
    for ev in ('nethserver-sssd-leave', 'nethserver-dc-save', 'nethserver-sssd-save'):
        assert ev in events
    assert events.index('nethserver-sssd-leave') < events.index('nethserver-dc-save')
    stop = [r['args'] for r in sb.journal('command', 'systemctl')]
    assert ['-M', 'nsdc', 'stop', 'samba'] in stop
    cu = [r for r in sb.journal('command', 'samba-tool')
          if r['args'][:2] == ['domain', 'classicupgrade']][0]
    for name in ('smbpasswd', 'groups.list', 'secrets.tdb'):
        assert cu['srv_modes'][name] == '0o600', name
    assert set(cu['offered']) >= set(m['users'])
    assert cu['passdb_backend'] == 'smbpasswd:/srv/smbpasswd'
    # once used, the hashes and secrets we put in the container are gone
    srv = sb.path(NSDC + '/srv')
    for name in ('smbpasswd', 'groups.list', 'secrets.tdb', 'smb.sme8migration.conf'):
        assert not os.path.exists(os.path.join(srv, name)), name
    for name in ('passwd.migration', 'group.migration'):
        assert not os.path.exists(sb.path(NSDC + '/etc/' + name)), name
    assert sb.db('configuration').get_prop('nsdc', 'ProvisionType') == 'sme8migration'
    # the DC's previous files are kept aside, nothing deleted
    assert [n for n in os.listdir(sb.path(NSDC + '/etc/samba'))
            if n.startswith('smb.conf.before-migration-')]
    # administrator: a random password (never written by us), then locked
    pm = sb.journal('event', 'password-modify')
    assert pm and pm[0]['args'][0] == 'administrator@example.org'
    assert ['administrator@example.org'] in calls(sb, 'user-lock')
    assert 'adupgrade done' in open(sb.path('/var/lib/nethserver-migration/accounts.state')).read()
    for root, dirs, files in os.walk(sb.path(NSDC)):
        for f in files:
            assert b'Nethesis,1234' not in open(os.path.join(root, f), 'rb').read()


def test_ad_fresh_dc_pdc_end_to_end(ad_pdc):
    sb, m = ad_pdc['sb'], ad_pdc['m']
    assert action_status(sb, 'nethserver-migration-accounts') == 'SUCCESS', ours(sb)
    assert provision_failures(sb) == []
    cu = sb.journal('command', 'samba-tool')
    cu = [r for r in cu if r['args'][:2] == ['domain', 'classicupgrade']]
    assert len(cu) == 1 and cu[0]['exit'] == 0 and cu[0]['caller'] == 'samba-provision'
    # a PDC's secrets.tdb: the domain SID of the workgroup (not the machine SID) is kept
    assert cu[0]['domain_sid_from'] == 'workgroup'
    store = sb.provider_store()
    assert store['domain_sid'] == DOMAIN_SID
    for name, user in m['users'].items():
        u = store['users'][name]
        assert u['nt_hash'] == nt(user['password']), name
        assert u['sid'].startswith(DOMAIN_SID + '-')
        pw = sb.getent('passwd', name)
        assert pw is not None and pw[3] == sb.getent('group', 'domain users')[2]
    assert 'user-create' not in [r['name'] for r in sb.journal('event')]
    assert 'admin@example.org' in sb.getent('group', 'domain admins')[3].split(',')


def test_ad_fresh_dc_ws_upgrade_succeeds(ad_ws):
    sb = ad_ws['sb']
    msgs = [l for l in ours(sb) if '[ERROR]' in l]
    assert action_status(sb, 'nethserver-migration-accounts') == 'SUCCESS', msgs
    assert action_status(sb, 'nethserver-migration-homes') == 'SUCCESS'
    dc_save = [r for r in ad_ws['j1'] if r['kind'] == 'event'
               and r['name'] == 'nethserver-dc-save']
    assert len(dc_save) == 1 and dc_save[0]['exit'] == 0
    assert provision_failures(sb) == []
    sssd = sb.db('configuration').get('sssd').props
    assert (sssd['Provider'], sssd['status'], sssd['BindDN']) == \
        ('ad', 'enabled', 'ldapservice@AD.EXAMPLE.ORG')


def test_ad_fresh_dc_ws_sid_key_copied(ad_ws):
    # the WS fix: the old machine SID becomes the domain SID of the new AD
    store = ad_ws['s1']
    assert store['domain_sid'] == MACHINE_SID
    assert all(u['sid'].startswith(MACHINE_SID + '-') for u in store['users'].values()
               if 'sid' in u)
    assert set(store['computers']) == set(ad_ws['m']['machines'])


def test_ad_fresh_dc_ws_users_hashes_and_locks(ad_ws):
    sb, m, store = ad_ws['sb'], ad_ws['m'], ad_ws['s1']
    want = expected_users(m, ad=True)
    for name, user in want.items():
        pw = sb.getent('passwd', name)
        assert pw is not None, name
        assert pw[0] == name and pw[3] == sb.getent('group', 'domain users')[2]
        u = store['users'][name]
        if user['state'] == 'never':
            assert u['nt_hash'] is None and u['enabled'] is False, name
        else:
            assert u['nt_hash'] == nt(user['password']) or name == 'emptypw', name
        if user['locked'] or user['state'] == 'never':
            assert u['enabled'] is False, name
    for name in ('lockedall', 'locksmb', 'lockshadow', 'lockprop', 'neverset'):
        assert store['users'][name]['enabled'] is False, name
    assert store['users']['mario.rossi']['enabled'] is True
    assert store['users']['emptypw']['nt_hash'] == '31D6CFE0D16AE931B73C59D7E0C089C0'
    # passwords came with classicupgrade: no user-create, no pdbedit import
    assert [r for r in ad_ws['j1'] if r['kind'] == 'event' and r['name'] == 'user-create'] == []
    assert [r for r in ad_ws['j1'] if r['name'] == 'pdbedit'] == []
    # the source's names AD reserves (and the refused ones) were never offered to Samba
    cu = [r for r in ad_ws['j1'] if r['name'] == 'samba-tool'
          and r['args'][:2] == ['domain', 'classicupgrade']][0]
    for name in RESERVED + ('3rdfloor', 'christopher.montgomery-smith'):
        assert not any(o.lower() == name for o in cu['offered']), name
        assert name in ('administrator', 'guest', 'krbtgt') or name not in store['users']
    assert store['users']['guest']['enabled'] is False
    assert store['users']['guest']['fullname'] == ''      # AD's own, not the source's
    # our own calls carried no secret (post-provision.sh's --newpassword is NethServer's)
    own = [r for r in ad_ws['j1'] if r.get('secret_on_argv') and
           r.get('caller') != 'samba-provision']
    assert own == []
    no_secret_anywhere_but_provision(sb, m)


def no_secret_anywhere_but_provision(sandbox, manifest):
    report = open(sandbox.path('/var/log/nethserver-migration/latest.json')).read()
    text = '\n'.join(sandbox.messages()) + report
    text += open(sandbox.path('/var/log/ns7-standin/journal.jsonl')).read()
    for user in manifest['users'].values():
        assert user['password'] not in text and nt(user['password']) not in text
    assert 'Nethesis,1234' not in text


def test_ad_fresh_dc_ws_groups_and_admins(ad_ws):
    sb, m, store = ad_ws['sb'], ad_ws['m'], ad_ws['s1']
    want = set(expected_users(m, ad=True)) | {'admin'}
    for name, group in m['groups'].items():
        if name not in store['groups']:
            assert any('group not migrated' in l and repr(name) in l for l in ours(sb)), name
            continue
        members = set(group['members'] or ()) & want
        assert set(store['groups'][name]['members']) == members, name
    assert store['groups']['adminonly']['members'] == ['admin']
    assert store['groups']['emptygrp']['members'] == []
    entry = sb.getent('group', 'domain admins')
    assert 'admin@example.org' in entry[3].split(',')
    assert 'international-sales-department' in store['groups']


def test_ad_fresh_dc_ws_administrator_locked_unknown_password(ad_ws):
    store = ad_ws['s1']
    adm = store['users']['administrator']
    assert adm['enabled'] is False
    assert adm['nt_hash'] not in [nt(p) for p in WELL_KNOWN] + [None]
    # SME's admin password (= SME's root password) is not carried to the AD admin
    admin = store['users']['admin']
    assert admin['nt_hash'] != nt(ad_ws['m']['admin_password'])
    assert admin['enabled'] is False


def test_ad_fresh_dc_ws_second_run_no_reprovision(ad_ws):
    sb = ad_ws['sb']
    assert action_status(sb, 'nethserver-migration-accounts') == 'SUCCESS'
    new = sb.journal()[len(ad_ws['j1']):]
    assert [r['name'] for r in new if r['kind'] == 'event' and r['name'] in (
        'nethserver-dc-save', 'nethserver-sssd-leave', 'user-create', 'group-create',
        'group-modify', 'password-modify', 'user-modify', 'user-lock')] == []
    assert [r for r in new if r['name'] in ('samba-tool', 'pdbedit', 'ldbmodify')] == []
    # the second run's report still says what the upgrade left to do, and nothing false
    keys = report_keys(sb, 'nethserver-migration-accounts')
    assert 'accounts.admin-password-reset' in keys
    assert 'accounts.admin-kept' not in keys and 'accounts.user-present' not in keys
    assert 'accounts.password-never-set' in keys      # neverset arrives locked, still
    store = sb.provider_store()
    assert store['users'] == ad_ws['s1']['users']
    assert store['groups'] == ad_ws['s1']['groups']
    assert store['domain_sid'] == ad_ws['s1']['domain_sid']


@pytest.fixture(scope='module')
def ad_additive(tmp_path_factory):
    # a DC that already holds one of the source's users is never re-provisioned
    tmp = tmp_path_factory.mktemp('adws')
    probe = smegen.generate(str(tmp / 'probe'), seed=7, version='9', users=4, groups=2,
                            ibays=0, pseudonyms=0, messages=1, corner_cases=True)
    first = sorted(n for n in probe['users'] if n[0].isalpha() and n not in RESERVED)[0]
    sandbox, manifest = world(tmp / 'sb', 'ad', remote_users={first: 'Already There'})
    return dict(sb=sandbox, m=manifest, res=migrate(sandbox), first=first)


def test_ad_additive_users_nt_hashes_locks(ad_additive):
    sb, m = ad_additive['sb'], ad_additive['m']
    assert 'nethserver-dc-save' not in [r['name'] for r in sb.journal('event')]
    want = expected_users(m, ad=True)
    created = set(a[0] for a in calls(sb, 'user-create'))
    assert created == set(want) - {ad_additive['first']}
    assert any('montgomery' in l and 'too-long' not in l and 'characters' in l
               for l in ours(sb))
    imp = sb.journal('command', 'pdbedit')
    assert imp and imp[0]['args'][0] == '-i' and not imp[0]['secret_on_argv']
    store = sb.provider_store()
    locks = set(a[0] for a in calls(sb, 'user-lock'))
    assert all('@' in n for n in locks)
    for name, user in want.items():
        if name == ad_additive['first']:
            continue
        if user['locked']:
            assert not store['users'][name]['enabled'], name
    assert store['users']['lockedall']['enabled'] is False
    first = m['users'][ad_additive['first']]
    # already on the DC: updated (full name), not duplicated, its password kept
    assert store['users'][ad_additive['first']]['fullname'] == '{} {}'.format(
        first['first'], first['last'])
    assert any('{} was already on the destination'.format(ad_additive['first']) in l
               for l in ours(sb))
    no_secret_anywhere(sb, m)


def test_ad_homes_owned_by_domain_users(ad_additive):
    sb = ad_additive['sb']
    home = sb.path(HOME + '/mario.rossi')
    st = os.lstat(home)
    gr = sb.getent('group', 'domain users')
    assert st.st_gid == int(gr[2]) and stat.S_IMODE(st.st_mode) == 0o700


# --------------------------------------------------------------------------------------
# remote AD and no provider

@pytest.fixture(scope='module')
def remote(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('remote')
    sandbox, manifest = world(tmp, 'remote-ad', role='ADS', corner=False, users=3,
                              remote_users={'jdoe': 'John Doe'},
                              remote_groups={'sales': ['jdoe']})
    return dict(sb=sandbox, m=manifest, res=migrate(sandbox))


def test_remote_ad_creates_nothing_reports_missing(remote):
    sb, m = remote['sb'], remote['m']
    for ev in ('user-create', 'group-create', 'group-modify', 'user-lock'):
        assert calls(sb, ev) == []
    assert [r for r in sb.journal('command') if r['name'] in ('lpasswd', 'pdbedit')] == []
    lines = ours(sb)
    for name in m['users']:
        assert any('user {} is not on the Active Directory domain'.format(name) in l
                   for l in lines), name
    assert action_status(sb, 'nethserver-migration-accounts') == 'SUCCESS'


@pytest.fixture(scope='module')
def nothing(tmp_path_factory):
    sandbox, manifest = world(tmp_path_factory.mktemp('none'), 'none', corner=False, users=2)
    return dict(sb=sandbox, m=manifest, res=migrate(sandbox))


def test_no_provider_blocks_and_changes_nothing(nothing):
    sb = nothing['sb']
    assert [r for r in sb.journal('event') if r['name'].startswith(('user-', 'group-'))] == []
    assert any('no accounts provider' in l for l in ours(sb))
    assert action_status(sb, 'nethserver-migration-accounts') == 'FAILED'
    assert not os.listdir(sb.path(HOME)) if os.path.isdir(sb.path(HOME)) else True


def test_ldap_provider_with_pdc_source_blocks(tmp_path):
    sandbox, _ = world(tmp_path, 'ldap', role='PDC', corner=False, users=2)
    migrate(sandbox)
    assert any('source Samba role is PDC' in l for l in ours(sandbox))
    assert calls(sandbox, 'user-create') == []
