"""Accounts providers and the user/group/password events, name forms of ns7-destination §2.0."""

import json
import os
import stat

import pytest

from tests.world.fixtures import ad_sandbox, sandbox, sandbox_factory  # noqa: F401

pytestmark = pytest.mark.sandbox

HASH = '$6$saltsalt$Q8cQ0tbDi0jm2Wc7E7bq8tj4hn0z6nRQv1Gx7zJ0V9oF6fQbK3wFz1b5uT8z1d8q9pJYkz6CwzQ7j5dQ0Y5m1/'


def _sh(sb, script, **kw):
    return sb.run(['bash', '-c', script], **kw)


def test_ldap_profile(sandbox):
    res = _sh(sandbox, 'getent passwd admin; getent group "domain admins"; getent group locals;'
                       ' getent passwd 1000; config getprop sssd Provider;'
                       ' config getprop sssd LdapURI; ls /etc/e-smith/db/configuration/defaults/'
                       'slapd/type; grep -c ^ldap: /etc/passwd; grep -c admin /etc/passwd')
    out = res.stdout.splitlines()
    assert out[0] == 'admin:*:1000:1000:admin:/var/lib/nethserver/home/admin:/bin/bash'
    assert out[1] == 'domain admins:*:1001:admin@example.org'
    assert out[2] == 'locals:*:1000:'
    assert out[3].startswith('admin@example.org:*:1000:1000:')     # uid -> long name
    assert out[4:7] == ['ldap', 'ldap://127.0.0.1',
                        '/etc/e-smith/db/configuration/defaults/slapd/type']
    assert out[7:] == ['1', '0']          # ldap system user local; admin only in the provider
    assert sandbox.db('configuration').get('slapd').props['status'] == 'enabled'
    assert 'nsdc' not in sandbox.db('configuration')


def test_ad_profile(ad_sandbox):
    sb = ad_sandbox
    res = _sh(sb, 'for u in administrator guest krbtgt ldapservice admin; do getent passwd $u;'
                  ' done; getent group "domain users" "domain admins"; cat /var/lib/machines/'
                  'nsdc/etc/hostname; ls -d /var/lib/machines/nsdc/srv /var/lib/machines/nsdc/'
                  'var/lib/samba /etc/e-smith/db/configuration/defaults/nsdc/type')
    out = res.stdout.splitlines()
    assert [l.split(':')[0] for l in out[:5]] == ['administrator', 'guest', 'krbtgt',
                                                  'ldapservice', 'admin']
    assert out[0].split(':')[2:4] == ['261600500', '261600513']
    assert out[5].startswith('domain users:*:261600513:')
    assert out[6].startswith('domain admins:*:261600512:') and 'admin@example.org' in out[6]
    assert out[7] == 'nsdc-ns7.ad.example.org'
    assert len(out) == 11
    sssd = sb.db('configuration').get('sssd').props
    assert (sssd['Provider'], sssd['status'], sssd['Realm'], sssd['Workgroup']) == \
        ('ad', 'enabled', 'AD.EXAMPLE.ORG', 'EXAMPLE')
    assert sb.db('configuration').get('nsdc').props['status'] == 'enabled'
    assert sssd['BindPassword'] == sb.secret('ldapservice')


def test_remote_ad_and_none_profiles(sandbox_factory):
    sb = sandbox_factory(provider='remote-ad', remote_users={'mrossi': 'Mario Rossi'},
                         remote_groups={'staff': ['mrossi']})
    res = _sh(sb, 'getent passwd mrossi; getent group staff; rpm -q nethserver-dc;'
                  ' signal-event user-create newbie; echo rc=$?; getent passwd newbie || echo none')
    out = res.stdout.splitlines()
    assert out[0].startswith('mrossi:*:2616') and ':Mario Rossi:' in out[0]
    assert out[1].endswith(':mrossi@example.org')
    assert out[2] == 'package nethserver-dc is not installed'
    assert out[3:] == ['rc=0', 'none']    # remote AD: user-create only clears the cache
    assert [j['name'] for j in sb.journal(kind='action')] == ['nethserver-sssd-clear-cache']
    assert 'nsdc' not in sb.db('configuration')
    none = sandbox_factory(provider='none', modules=[])
    assert none.db('configuration').get('sssd').props['Provider'] == 'none'
    assert none.db('configuration').get('sssd').props['status'] == 'disabled'
    assert none.run(['getent', 'passwd', 'admin']).returncode == 2


def test_ldap_user_create_names_homes_and_groups(sandbox):
    res = _sh(sandbox, '''
        signal-event user-create jdoe "John Doe" || echo FAIL1
        signal-event user-create jdoe "Again" && echo FAIL2
        signal-event user-create mary@example.org "Mary" || echo FAIL3
        signal-event group-create sales jdoe admin nobody@example.org || echo FAIL4
        getent passwd jdoe; getent passwd "mary@example.org"; getent group sales
        id -gn jdoe; ls /var/lib/nethserver/home''')
    out = res.stdout.splitlines()
    assert 'FAIL' not in res.stdout
    assert out[0] == 'jdoe:*:1001:1000:John Doe:/var/lib/nethserver/home/jdoe:/bin/bash'
    # LDAP user-create does not strip @domain: the literal name is created (the trap)
    assert out[1].startswith('mary@example.org:*:1002:')
    # members stored verbatim; the long one resolves to nothing
    assert out[2] == 'sales:*:1002:jdoe@example.org,admin@example.org'   # gids: locals 1000, domain admins 1001
    assert out[3] == 'locals@example.org'
    assert out[4:] == ['admin'] or out[4:] == []      # no home made by user-create
    assert not os.path.exists(sandbox.path('/var/lib/nethserver/home/jdoe'))
    store = sandbox.provider_store()
    assert store['users']['jdoe']['password'] == '{CRYPT}!!'
    assert store['users']['jdoe']['shell'] == '/usr/libexec/openssh/sftp-server'
    assert store['groups']['sales']['members'] == ['jdoe', 'admin', 'nobody@example.org']
    failed = sandbox.journal(kind='event', name='user-create')[1]
    assert failed['exit'] == 1


def test_ad_user_create_strips_domain_and_validates_members(ad_sandbox):
    sb = ad_sandbox
    res = _sh(sb, '''
        signal-event user-create jdoe@example.org "John Doe"; echo rc1=$?
        signal-event group-create sales jdoe; echo rc2=$?
        signal-event group-create bad jdoe@example.org; echo rc3=$?
        getent passwd jdoe; getent group sales; id -gn jdoe''')
    out = res.stdout.splitlines()
    assert out[:3] == ['rc1=0', 'rc2=0', 'rc3=1']
    assert out[3].startswith('jdoe:*:26160') and out[3].split(':')[3] == '261600513'
    assert out[4].endswith(':jdoe@example.org')
    assert out[5] == 'domain users@example.org'
    u = sb.provider_store()['users']['jdoe']
    assert u['enabled'] and u['password'] == 'random' and u['upn'] == 'jdoe@example.org'


@pytest.mark.parametrize('provider', ['ldap', 'ad'])
def test_lock_unlock_and_password_name_forms(sandbox_factory, tmp_path, provider):
    sb = sandbox_factory(provider=provider)
    res = _sh(sb, '''
        signal-event user-create jdoe "John Doe"
        printf 'S3cret!pw' > /root/pw1; printf 'S3cret!pw' > /root/pw2
        signal-event user-lock jdoe; echo short=$?
        signal-event password-modify jdoe /root/pw1; echo pwshort=$?
        signal-event user-lock jdoe@other.test; echo foreign=$?
        signal-event user-lock jdoe@example.org; echo long=$?''')
    assert 'short=0' in res.stdout and 'pwshort=0' in res.stdout and 'long=0' in res.stdout
    st = sb.provider_store()['users']['jdoe']
    if provider == 'ldap':
        # LDAP accepts ANY domain suffix: @other.test and @example.org both lock ('!' each)
        assert st['password'] == '{CRYPT}!!!!'
    else:
        assert st['enabled'] is False
    skipped = [j for j in sb.journal(kind='action') if j.get('skipped')]
    kinds = sorted(j['skipped'] for j in skipped)
    assert kinds.count('short name') == 3     # user-lock, password-set, user-unlock
    assert ('foreign domain' in kinds) == (provider == 'ad')
    assert any('has no domain suffix: skipped' in l for l in sb.messages())
    res = _sh(sb, 'signal-event password-modify jdoe@example.org /root/pw2; echo rc=$?; '
                  'ls /root')
    assert 'rc=0' in res.stdout and 'pw2' not in res.stdout      # password-cleanup
    st = sb.provider_store()['users']['jdoe']
    if provider == 'ldap':
        assert st['password'].startswith('{CRYPT}$6$')               # set and unlocked
    else:
        assert st['password'] == 'set' and st['enabled'] is True
    assert 'S3cret!pw' not in open(sb.path('/var/log/ns7-standin/journal.jsonl')).read()
    assert 'S3cret!pw' not in '\n'.join(sb.messages())


def test_ldap_unlock_of_a_never_set_password_is_a_noop(sandbox):
    _sh(sandbox, 'signal-event user-create jdoe; signal-event user-lock jdoe@example.org; '
                 'signal-event user-unlock jdoe@example.org; signal-event user-create ann; '
                 'signal-event user-unlock ann@example.org', check=True)
    users = sandbox.provider_store()['users']
    assert users['jdoe']['password'] == '{CRYPT}!!'
    assert users['ann']['password'] == '{CRYPT}!!'


def test_lpasswd_reads_the_hash_from_stdin_and_refuses_argv(sandbox):
    sandbox.signal_event('user-create', 'jdoe', check=True)
    res = sandbox.run(['lpasswd', '-f', '0', 'jdoe'], input=HASH + '\n')
    assert res.returncode == 0, res.stderr
    assert sandbox.provider_store()['users']['jdoe']['password'] == '{CRYPT}' + HASH
    for argv in (['lpasswd', '-f', '0', 'jdoe', HASH], ['lpasswd', '-p', HASH, 'jdoe'],
                 ['lpasswd', '--password=' + HASH, 'jdoe'], ['lpasswd', '-P', 'plain', 'jdoe']):
        res = sandbox.run(argv, input=HASH)
        assert res.returncode == 2 and 'STAND-IN REFUSAL' in res.stderr
    assert sandbox.run(['lpasswd', '-f', '0', 'ghost'], input=HASH).returncode == 1
    assert sandbox.run(['lpasswd', '-f', '0', 'jdoe'], input='').returncode == 1
    lines = sandbox.journal(kind='command', name='lpasswd')
    assert [l['exit'] for l in lines] == [0, 2, 2, 2, 2, 1, 1]
    assert lines[0]['stdin'] is True and lines[0]['secret_on_argv'] is False
    assert all(l['secret_on_argv'] for l in lines[1:5])
    with open(sandbox.path('/var/log/ns7-standin/journal.jsonl')) as f:
        assert 'saltsalt' not in f.read()


def test_mkhomedir_over_dbus(sandbox, ad_sandbox):
    for sb, group in ((sandbox, 'locals'), (ad_sandbox, 'domain users')):
        sb.signal_event('user-create', 'jdoe', 'John Doe', check=True)
        res = sb.run(['dbus-send', '--system', '--print-reply',
                      '--dest=com.redhat.oddjob_mkhomedir', '/',
                      'com.redhat.oddjob_mkhomedir.mkhomedirfor', 'string:jdoe'])
        assert res.returncode == 0, res.stderr
        home = sb.path('/var/lib/nethserver/home/jdoe')
        st = os.stat(home)
        assert stat.S_IMODE(st.st_mode) == 0o700
        store = sb.provider_store()
        assert st.st_uid == store['users']['jdoe']['uid']
        assert st.st_gid == store['groups'][group]['gid']
        assert sorted(os.listdir(home)) == ['.bash_logout', '.bash_profile', '.bashrc']
        assert os.stat(os.path.join(home, '.bashrc')).st_uid == st.st_uid
        assert sb.run(['dbus-send', '--system', 'com.redhat.oddjob_mkhomedir.mkhomedirfor',
                       'string:ghost']).returncode == 1


def test_user_modify_and_password_policy(sandbox):
    _sh(sandbox, 'signal-event user-create jdoe "John"; signal-event user-modify '
                 'jdoe@example.org "John Doe" /bin/bash; signal-event password-policy-update '
                 'jdoe no', check=True)
    u = sandbox.provider_store()['users']['jdoe']
    assert (u['fullname'], u['shell']) == ('John Doe', '/bin/bash')
    assert sandbox.getent('passwd', 'jdoe')[4] == 'John Doe'


def test_samba_tool_and_pdbedit(ad_sandbox, sandbox):
    sb = ad_sandbox
    res = _sh(sb, 'samba-tool user create bob --random-password; samba-tool group add g1; '
                  'samba-tool group addmembers g1 bob; samba-tool group listmembers g1; '
                  'samba-tool group addmembers g1 ghost; echo rc=$?; '
                  'pdbedit -u bob --fullname="Bob B"; samba-tool user disable bob')
    assert 'bob' in res.stdout.splitlines() and 'rc=1' in res.stdout
    u = sb.provider_store()['users']['bob']
    assert u['fullname'] == 'Bob B' and u['enabled'] is False
    res = sb.run(['samba-tool', 'user', 'setpassword', 'bob', '--newpassword=Xy1!secret'])
    rec = sb.journal(kind='command', name='samba-tool')[-1]
    assert rec['secret_on_argv'] is True and 'Xy1!secret' not in json.dumps(rec)
    assert sandbox.run(['samba-tool', 'user', 'list']).returncode == 127   # no local DC


def test_dc_save_flips_sssd_and_signals_sssd_save(sandbox_factory):
    sb = sandbox_factory(provider='ad')
    with sb.db('configuration').batch() as db:
        db.merge_props('sssd', {'Provider': 'none', 'status': 'disabled'})
    assert sb.signal_event('nethserver-dc-save').returncode == 0
    sssd = sb.db('configuration').get('sssd').props
    assert (sssd['Provider'], sssd['status'], sssd['DiscoverDcType'], sssd['AdDns']) == \
        ('ad', 'enabled', 'ldapuri', '192.168.1.11')
    assert sssd['LdapURI'] == 'ldaps://nsdc-ns7.ad.example.org'
    assert [e['name'] for e in sb.journal(kind='event')] == ['nethserver-sssd-save',
                                                             'nethserver-dc-save']


# --------------------------------------------------------------------------------------
# nethserver-dc-save with nsdc ProvisionType=sme8migration: classicupgrade + post-provision

NSDC = '/var/lib/machines/nsdc'
NT_SECRET1 = '7FB5B6A7E5C9B1A9E6D4C0F1A2B3C4D5'


def _prepared_dc(sb, smbpasswd=None, conf=True, groups='sales\tjdoe,admin\n'):
    """A DC made fresh the way our accounts action leaves it, with the prepared files."""
    os.unlink(sb.path(NSDC + '/etc/samba/smb.conf'))
    os.unlink(sb.path(NSDC + '/var/lib/samba/private/krb5.conf'))
    files = {'/etc/passwd.migration': 'admin:x:101:101:e-smith administrator:/:/bin/false\n'
                                      'jdoe:x:5001:5001:John Doe:/home/jdoe:/bin/false\n',
             '/etc/group.migration': 'sales:x:5003:jdoe\n',
             '/srv/groups.list': groups,
             '/srv/smbpasswd': smbpasswd if smbpasswd is not None else (
                 'admin:101:{x}:{x}:[DU         ]:LCT-00000000:\n'
                 'jdoe:5001:{x}:{h}:[U          ]:LCT-00000000:\n'
                 'ghost:5002:{x}:{h}:[U          ]:LCT-00000000:\n'.format(
                     x='X' * 32, h=NT_SECRET1))}
    if conf:
        files['/srv/smb.sme8migration.conf'] = (
            '[global]\n\tworkgroup = EXAMPLE\n\tnetbios name = NSDC-NS7\n'
            '\tpassdb backend = smbpasswd:/srv/smbpasswd\n\tprivate dir = /srv\n')
    for p, text in files.items():
        with open(sb.path(NSDC + p), 'w') as f:
            f.write(text)
    with sb.db('configuration').batch() as db:
        db.merge_props('nsdc', {'ProvisionType': 'sme8migration'})
        db.merge_props('sssd', {'BindDN': '', 'BindPassword': ''})


def test_dc_save_sme8migration_provisions_from_the_prepared_files(sandbox_factory):
    sb = sandbox_factory(provider='ad')
    _prepared_dc(sb)
    res = sb.signal_event('nethserver-dc-save')
    assert res.returncode == 0, sb.messages()[-5:]
    store = sb.provider_store()
    jdoe = store['users']['jdoe']
    assert (jdoe['nt_hash'], jdoe['enabled'], jdoe['fullname']) == (NT_SECRET1, True, 'John Doe')
    assert jdoe['uid'] == 261600000 + 5001 * 2 + 1000
    assert store['users']['admin']['enabled'] is False           # D flag
    assert 'ghost' not in store['users']                          # no Unix account: skipped
    assert store['groups']['sales']['members'] == ['jdoe', 'admin']
    assert 'admin' in store['groups']['domain admins']['members']
    adm = store['users']['administrator']
    assert adm['enabled'] is True and adm['nt_hash'] is not None  # post-provision's password
    assert 'ldapservice' in store['users']                        # -createldapservice
    assert sb.db('configuration').get_prop('sssd', 'BindDN') == 'ldapservice@AD.EXAMPLE.ORG'
    assert sb.getent('passwd', 'jdoe')[3] == '261600513'
    # passwd/group of the container are back, the unit will not run twice
    assert not os.path.exists(sb.path(NSDC + '/etc/passwd'))
    cu = [r for r in sb.journal('command', 'samba-tool') if r['args'][1:2] == ['classicupgrade']]
    assert cu[0]['skipped'] == ['ghost'] and cu[0]['domain_sid_from'] == 'random'
    journal = open(sb.path('/var/log/ns7-standin/journal.jsonl')).read()
    assert NT_SECRET1 not in journal and 'Nethesis,1234' not in journal
    assert sb.signal_event('nethserver-dc-save').returncode == 0
    assert sb.journal('action', 'nethserver-dc-provision')[-1]['skipped'] == \
        'already provisioned'
    assert sb.provider_store()['users'] == store['users']


@pytest.mark.parametrize('case, message', [
    ('no-conf', 'Unable to load file /srv/smb.sme8migration.conf'),
    ('no-smbpasswd', "Can't find domain sid for 'EXAMPLE'"),
    ('administrator', "User 'Administrator' in your existing directory does not have SID "
                      "ending in -500"),
    ('guest', "Unable to add sam account 'guest'"),
])
def test_dc_save_sme8migration_fails_clearly(sandbox_factory, case, message):
    sb = sandbox_factory(provider='ad')
    line = '{}:5009:{x}:{x}:[U          ]:LCT-00000000:\n'.format
    smbpasswd = {'administrator': line('Administrator', x='X' * 32),
                 'guest': line('guest', x='X' * 32)}.get(case)
    _prepared_dc(sb, smbpasswd=smbpasswd, conf=case != 'no-conf')
    if case == 'no-smbpasswd':
        os.unlink(sb.path(NSDC + '/srv/smbpasswd'))
    before = sb.provider_store()
    res = sb.signal_event('nethserver-dc-save')
    assert res.returncode != 0
    errors = [l for l in sb.messages() if '[ERROR]' in l]
    assert len(errors) == 1 and message in errors[0], errors
    after = sb.provider_store()
    assert (after['users'], after['groups']) == (before['users'], before['groups'])
    assert not os.path.exists(sb.path(NSDC + '/etc/samba/smb.conf'))
