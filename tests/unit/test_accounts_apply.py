"""The accounts plan carried out by steps.apply against the FakeDestination: the calls in
order, one failed user failing alone, and the classic upgrade's files."""

import io

import pytest

from nethserver_migration import steps
from nethserver_migration.actions import accounts
from nethserver_migration.actions.accounts import SourceGroup, adupgrade, ops
from nethserver_migration.destination import CommandResult
from nethserver_migration.report import Reporter
from nethserver_migration.source import PasswdEntry, SmbpasswdEntry
from tests.unit.fakes import FakeDestination
from tests.unit.test_accounts_plan import ACTIVE, LOCKED, MD5, NEVER, cred, facts, user


def reporter():
    return Reporter('test', stream=io.StringIO(), report_dir='/nonexistent')


def run(f, dest):
    rep = reporter()
    steps.apply(accounts.plan(f), dest, rep)
    return rep


def findings(rep, severity=None):
    return [(x.key, x.severity, x.obj) for x in rep.findings
            if severity is None or x.severity == severity]


def test_ldap_apply_order_state_and_no_hash_in_messages():
    dest = FakeDestination()
    f = facts('ldap', [user('alice'), user('bob', LOCKED), user('carol', NEVER)],
              [SourceGroup('sales', '', ['alice', 'bob'])])
    rep = run(f, dest)
    calls = [c for c in dest.calls if c[0] in ('signal_event', 'set_password_hash',
                                                'state_append')]
    assert calls == [
        ('state_append', 'accounts.state', 'create alice'),
        ('signal_event', 'user-create', 'alice', 'First Last'),
        ('state_append', 'accounts.state', 'create bob'),
        ('signal_event', 'user-create', 'bob', 'First Last'),
        ('state_append', 'accounts.state', 'create carol'),
        ('signal_event', 'user-create', 'carol', 'First Last'),
        ('set_password_hash', 'alice', MD5),
        ('state_append', 'accounts.state', 'password alice'),
        ('set_password_hash', 'bob', '!' + MD5),
        ('state_append', 'accounts.state', 'password bob'),
        ('state_append', 'accounts.state', 'password carol'),
        ('signal_event', 'group-create', 'sales', 'alice', 'bob')]
    text = rep.stream.getvalue()
    assert MD5 not in text and 'carol arrives locked' in text
    assert findings(rep, 'notice') == [('accounts.password-never-set', 'notice',
                                        {'user': 'carol'})]
    assert rep.errors == 0
    assert rep.counts['users created'] == 3 and rep.counts['passwords kept'] == 2
    assert rep.counts['users locked'] == 1 and rep.counts['passwords to reset'] == 1


def test_the_user_creations_say_their_progress():
    dest = FakeDestination()
    rep = run(facts('ldap', [user('u{:03d}'.format(n)) for n in range(150)]), dest)
    assert [l for l in rep.stream.getvalue().splitlines() if l.startswith('[INFO] users:')] == [
        '[INFO] users: 100 of 150', '[INFO] users: 150 of 150']


def test_an_unexpected_os_error_fails_that_user_alone():
    class Refusing(FakeDestination):
        def signal_event(self, event, *args):
            if event == 'user-create' and args[0] == 'bob':
                raise OSError(7, 'Argument list too long')
            return FakeDestination.signal_event(self, event, *args)
    dest = Refusing()
    f = facts('ldap', [user('alice'), user('bob'), user('carol')],
              [SourceGroup('sales', '', ['alice', 'bob', 'carol'])])
    rep = run(f, dest)
    assert findings(rep, 'error') == [('accounts.step-failed', 'error', {'user': 'bob'})]
    assert 'user-create of bob: not done: [Errno 7] Argument list too long' in \
        next(x for x in rep.findings if x.severity == 'error').message
    assert ('user-create', 'carol', 'First Last') in dest.called('signal_event')
    assert ('group-create', 'sales', 'alice', 'carol') in dest.called('signal_event')
    assert [a[0] for a in dest.called('set_password_hash')] == ['alice', 'carol']
    assert rep.errors == 1


def test_failed_user_create_is_reported_and_left_out_of_groups_and_passwords():
    dest = FakeDestination(fail={('user-create', 'bob')})
    f = facts('ldap', [user('alice'), user('bob', NEVER)],
              [SourceGroup('sales', '', ['alice', 'bob'])])
    rep = run(f, dest)
    assert findings(rep, 'error') == [('accounts.user-create-failed', 'error',
                                       {'user': 'bob'})]
    assert ('group-create', 'sales', 'alice') in dest.called('signal_event')
    assert [a[0] for a in dest.called('set_password_hash')] == ['alice']
    assert ('accounts.state', 'password bob') not in dest.called('state_append')
    # not told to set a password of a user that does not exist
    assert findings(rep, 'notice') == []
    assert rep.errors == 1


def test_a_failed_password_keeps_the_user_locked_and_undone():
    dest = FakeDestination(fail={('set_password_hash', 'alice')})
    rep = run(facts('ldap', [user('alice'), user('bob')]), dest)
    assert findings(rep, 'error') == [('accounts.password-failed', 'error', {'user': 'alice'})]
    assert dest.called('state_append')[-1] == ('accounts.state', 'password bob')
    assert ('accounts.state', 'password alice') not in dest.called('state_append')


def test_user_modify_and_group_modify_and_their_failures():
    dest = FakeDestination(users={'alice': 'Old Name', 'bob': 'First Last'},
                           groups={'sales': ['alice'], 'ops': ['bob']},
                           fail={('group-modify', 'ops')})
    f = facts('ldap', [user('alice', full='New Name'), user('bob')],
              [SourceGroup('sales', '', ['bob']), SourceGroup('ops', '', ['alice'])],
              present={'alice': 'Old Name', 'bob': 'First Last'},
              group_members={'sales': {'alice'}, 'ops': {'bob'}})
    rep = run(f, dest)
    assert dest.called('signal_event') == [('user-modify', 'alice', 'New Name'),
                                           ('group-modify', 'sales', 'alice', 'bob'),
                                           ('group-modify', 'ops', 'alice', 'bob')]
    assert findings(rep, 'error') == [('accounts.group-modify-failed', 'error',
                                       {'group': 'ops'})]
    assert rep.counts['users updated'] == 1 and rep.counts['group members added'] == 1


def test_ad_nt_import_failure_locks_and_counts_errors():
    dest = FakeDestination(provider='ad', answers={'import_nt_hashes': CommandResult(
        1, '', 'boom')})
    f = facts('ad', [user('alice')], present={'other': ''}, state={'adupgrade done'})
    rep = run(f, dest)
    text = dest.called('import_nt_hashes')[0][0]
    assert text.startswith('alice:5000:') and ACTIVE.nt in text
    assert ('user-lock', 'alice@example.org') in dest.called('signal_event')
    assert findings(rep, 'error') == [('accounts.nt-import-failed', 'error', {})]
    assert ACTIVE.nt not in rep.stream.getvalue()
    assert ('accounts.state', 'password alice') not in dest.called('state_append')


def test_ad_locks_the_locked_and_a_failed_lock_says_how():
    dest = FakeDestination(provider='ad', fail={('user-lock', 'bob@example.org')})
    f = facts('ad', [user('alice'), user('bob', LOCKED)], state={'adupgrade done'},
              present={'zed': ''})
    rep = run(f, dest)
    assert [u.split(':')[0] for u in dest.called('import_nt_hashes')[0][0].splitlines()] == [
        'alice', 'bob']
    assert findings(rep, 'error') == [('accounts.lock-failed', 'error', {'user': 'bob'})]
    assert rep.findings[-1].commands == ['/sbin/e-smith/signal-event user-lock bob@example.org']
    assert rep.counts['passwords kept'] == 2


def test_group_create_failure_and_descriptions_counted():
    dest = FakeDestination(fail={('group-create', 'b')})
    f = facts('ldap', [user('alice')], [SourceGroup('a', 'Team A', ['alice']),
                                        SourceGroup('b', '', [])])
    rep = run(f, dest)
    assert findings(rep, 'error') == [('accounts.group-create-failed', 'error',
                                       {'group': 'b'})]
    assert rep.counts['groups created'] == 1
    assert rep.counts['group descriptions not migrated'] == 1


def test_block_is_an_error_and_nothing_else():
    dest = FakeDestination(provider='none')
    rep = run(facts('none', [user('alice')]), dest)
    assert rep.errors == 1 and rep.findings[0].blocking
    assert findings(rep) == [('accounts.no-provider', 'error', {})]
    assert dest.calls == []


def test_run_saves_the_decision_that_homes_takes():
    from tests.unit.test_accounts_plan import LOCAL
    dest = FakeDestination(local_users=LOCAL)
    f = facts('ldap', [user('alice'), user('postfix'), user('bob')],
              [SourceGroup('sales', '', ['bob', 'postfix', 'admin'])], present={'bob': 'B'})
    accounts.save_decision(f, dest)
    decision = accounts.load_decision(dest)
    assert decision == accounts.Decision('ldap', False, ['alice', 'bob'], ['postfix'],
                                         ['alice', 'bob', 'postfix'], ['alice'],
                                         {'sales': ['bob', 'admin']})
    dest.json[accounts.DECISION] = {'provider': 'ldap'}        # not ours: not taken
    assert accounts.load_decision(dest) is None


# -- after a classic upgrade -----------------------------------------------------------

def test_after_the_upgrade_users_are_verified_and_groups_completed():
    dest = FakeDestination(provider='ad', users={'alice': ''},
                           groups={'sales': ['alice@example.org']})
    apply_steps = [ops.VerifyUser('alice'), ops.VerifyUser('bob'),
                   ops.EnsureGroups([SourceGroup('sales', '', ['alice', 'bob', 'carol']),
                                     SourceGroup('ops', 'Ops', ['bob', 'carol'])])]
    rep = reporter()
    steps.apply(apply_steps, dest, rep)
    assert findings(rep) == [('accounts.user-missing-after-upgrade', 'error',
                              {'user': 'bob'})]
    # bob failed: not added; carol is added (it resolves later or the event says so)
    assert dest.called('signal_event') == [('group-modify', 'sales', 'alice', 'carol'),
                                           ('group-create', 'ops', 'carol')]
    assert rep.counts['users migrated by the classic upgrade'] == 1


def _upgrade_input():
    passwd = {'admin': PasswdEntry('admin', 'x', 101, 101, 'e-smith administrator',
                                   '/home/e-smith', '/bin/false'),
              'alice': PasswdEntry('alice', 'x', 5001, 5001, 'Alice A', '/h', '/bin/false')}
    smbpasswd = {n: SmbpasswdEntry(n, uid, 'A' * 32, 'B' * 32, set('U'), 'LCT-0')
                 for n, uid in (('admin', 101), ('alice', 5001), ('bob', 5002),
                                ('Guest', 5003))}
    return passwd, smbpasswd


def test_adupgrade_passwd_has_a_line_for_smbpasswd_users_passwd_lacks():
    passwd, smbpasswd = _upgrade_input()
    text = adupgrade.passwd_text(passwd, smbpasswd, {'carol'}, {'bob': 'Bob: B'})
    lines = text.splitlines()
    assert 'bob:x:5002:5002:Bob B:/home/e-smith/files/users/bob:/bin/false' in lines
    assert not any(l.lower().startswith('guest:') for l in lines)


def test_adupgrade_admin_carries_no_sme_hash():
    _, smbpasswd = _upgrade_input()
    text = adupgrade.smbpasswd_text(smbpasswd, {'admin', 'alice'})
    admin = next(l for l in text.splitlines() if l.startswith('admin:'))
    assert admin.split(':')[2:5] == ['X' * 32, 'X' * 32, '[DU         ]']
    assert 'B' * 32 in next(l for l in text.splitlines() if l.startswith('alice:'))
    assert 'Guest' not in text and 'bob' not in text


def _upgrade_facts(**kw):
    passwd, smbpasswd = _upgrade_input()
    upgrade = accounts.reading.UpgradeInput(passwd, {}, smbpasswd, b'TDB', 'dom', 'NSDC')
    return facts('ad', [user('alice'), user('bob', cred(MD5))], role=kw.pop('role', 'WS'),
                 upgrade=upgrade, source_system_name='sme', **kw)


def test_the_classic_upgrade_step_holds_every_file_and_apply_reads_no_source():
    step = next(s for s in accounts.plan(_upgrade_facts()) if isinstance(s, ops.ClassicUpgrade))
    paths = [p for p, _t, _m in step.files]
    assert paths == ['/var/lib/machines/nsdc/etc/passwd.migration',
                     '/var/lib/machines/nsdc/etc/group.migration',
                     '/var/lib/machines/nsdc/srv/smbpasswd',
                     '/var/lib/machines/nsdc/srv/smb.sme8migration.conf',
                     '/var/lib/machines/nsdc/srv/groups.list']
    assert dict((p, m) for p, _t, m in step.files)[paths[2]] == 0o600
    assert '\tworkgroup = DOM\n\tnetbios name = NSDC\n' in step.files[3][1]
    dest = FakeDestination(provider='ad')
    rep = reporter()
    steps.apply([step], dest, rep)
    assert rep.errors == 0 and rep.counts['classic upgrades'] == 1
    assert [c[1] for c in dest.calls if c[0] == 'write_private_file'] == paths + [
        '/var/lib/machines/nsdc/srv/secrets.tdb']
    assert dest.called('tdb_copy_key') == [('/var/lib/machines/nsdc/srv/secrets.tdb',
                                            'SECRETS/SID/SME', 'SECRETS/SID/DOM')]
    assert dest.called('state_append') == [('accounts.state', 'adupgrade started'),
                                           ('accounts.state', 'adupgrade done')]
    assert [c[1] for c in dest.calls if c[0] == 'signal_event'] == [
        'nethserver-sssd-leave', 'nethserver-dc-save', 'nethserver-sssd-save', 'user-lock']
    assert dest.db('configuration').get_prop('nsdc', 'ProvisionType') == 'sme8migration'


def test_a_failed_provisioning_stops_the_upgrade_and_says_so():
    step = next(s for s in accounts.plan(_upgrade_facts(role='PDC'))
                if isinstance(s, ops.ClassicUpgrade))
    dest = FakeDestination(provider='ad', fail={('nethserver-dc-save', None)})
    rep = reporter()
    steps.apply([step], dest, rep)
    assert findings(rep) == [('accounts.adupgrade-failed', 'error', {})]
    assert 'nethserver-dc-save failed' in rep.findings[0].message
    assert dest.called('tdb_copy_key') == []            # a PDC keeps its domain SID
    assert ('accounts.state', 'adupgrade done') not in dest.called('state_append')
    assert 'nethserver-sssd-save' not in [c[1] for c in dest.calls if c[0] == 'signal_event']


def test_an_unreadable_secrets_tdb_fails_the_upgrade_before_provisioning():
    f = _upgrade_facts()
    f.upgrade = f.upgrade._replace(secrets=None)
    step = next(s for s in accounts.plan(f) if isinstance(s, ops.ClassicUpgrade))
    dest = FakeDestination(provider='ad')
    rep = reporter()
    steps.apply([step], dest, rep)
    assert findings(rep) == [('accounts.adupgrade-failed', 'error', {})]
    assert 'secrets.tdb of the source tree cannot be read' in rep.findings[0].message
    assert 'nethserver-dc-save' not in [c[1] for c in dest.calls if c[0] == 'signal_event']


def test_a_failed_user_modify_is_that_users_error():
    dest = FakeDestination(users={'alice': 'Old Name'}, fail={('user-modify', 'alice')})
    rep = run(facts('ldap', [user('alice', full='New Name')], present={'alice': 'Old Name'}),
              dest)
    assert [(x.key, x.severity, x.obj, x.message) for x in rep.findings
            if x.severity == 'error'] == [
        ('accounts.user-modify-failed', 'error', {'user': 'alice'},
         'user-modify event failed for user alice')]
    assert 'users updated' not in rep.counts


def test_on_ad_a_user_whose_creation_failed_gets_no_hash_import_and_no_attributes():
    dest = FakeDestination(provider='ad', fail={('user-create', 'alice')})
    rep = run(facts('ad', [user('alice', props={'Phone': '123'})], present={'other': ''},
                    state={'adupgrade done'}), dest)
    assert dest.called('import_nt_hashes') == []
    assert dest.called('sam_ldb') == [] and dest.called('ldap_libuser') == []
    assert findings(rep, 'error') == [('accounts.user-create-failed', 'error',
                                       {'user': 'alice'})]
    assert 'passwords kept' not in rep.counts


def test_a_locked_users_kept_password_counts_the_lock():
    dest = FakeDestination()
    rep = run(facts('ldap', [user('alice', LOCKED), user('bob')]), dest)
    assert rep.counts['passwords kept'] == 2 and rep.counts['users locked'] == 1


def said(rep):
    return [(x.key, x.severity, x.message, x.obj, x.remediation, tuple(x.commands))
            for x in rep.findings]


FAILURES = [
    # (the step, what fails, what is said)
    (ops.UserCreate('alice', 'Alice A'), ('user-create', 'alice'),
     [('accounts.user-create-failed', 'error', 'user-create event failed for user alice',
       {'user': 'alice'}, "see the event's lines in /var/log/messages; run the import again "
       "once fixed", ())]),
    (ops.UserModify('alice', 'Alice A'), ('user-modify', 'alice'),
     [('accounts.user-modify-failed', 'error', 'user-modify event failed for user alice',
       {'user': 'alice'}, '', ())]),
    (ops.Lpasswd('alice', ACTIVE), ('set_password_hash', 'alice'),
     [('accounts.password-failed', 'error', 'failed to restore the password of user alice '
       '(lpasswd); the account stays locked', {'user': 'alice'}, '', ())]),
    (ops.Lock('alice', 'alice@example.org'), ('user-lock', 'alice@example.org'),
     [('accounts.lock-failed', 'error', 'user-lock failed for alice: the account may be '
       'usable', {'user': 'alice'}, '',
       ('/sbin/e-smith/signal-event user-lock alice@example.org',))]),
    (ops.GroupCreate('sales', ['alice'], ''), ('group-create', 'sales'),
     [('accounts.group-create-failed', 'error', 'failed to migrate group sales',
       {'group': 'sales'}, '', ())]),
    (ops.GroupModify('sales', ['alice'], ['alice']), ('group-modify', 'sales'),
     [('accounts.group-modify-failed', 'error', 'failed to add members to group sales',
       {'group': 'sales'}, '', ())]),
    (ops.VerifyUser('alice'), None,
     [('accounts.user-missing-after-upgrade', 'error', 'could not find user alice on the new '
       'domain after the classic upgrade', {'user': 'alice'}, 'look at the provisioning log '
       'of the DC (journalctl -M nsdc), then run the import again', ())]),
]


@pytest.mark.parametrize('step, fails, expected', FAILURES,
                         ids=[type(f[0]).op for f in FAILURES])
def test_each_operation_that_fails_says_so_word_for_word(step, fails, expected):
    dest = FakeDestination(fail={fails} if fails else ())
    rep = reporter()
    assert steps.apply([step], dest, rep) == 0
    assert said(rep) == expected
    assert rep.errors == 1 and rep.counts == {}


def test_a_failed_nt_import_locks_each_of_its_users():
    dest = FakeDestination(answers={'import_nt_hashes': CommandResult(3, '', 'pdbedit: no')})
    rep = reporter()
    users = [accounts.SourceUser(n, 'N', 5000 + i, ACTIVE, {}) for i, n in enumerate(('a', 'b'))]
    assert steps.apply([ops.NtImport(users), ops.PasswordDone('a')], dest, rep) == 0
    assert said(rep) == [('accounts.nt-import-failed', 'error', 'Samba could not import the NT '
                          'hashes of 2 user(s) (pdbedit exit 3); they keep a random password',
                          {}, '', ())]
    assert dest.called('signal_event') == [('user-lock', 'a@example.org'),
                                           ('user-lock', 'b@example.org')]
    assert rep.counts == {'users locked': 2}
    assert dest.called('state_append') == []        # a's password is not done


@pytest.mark.parametrize('step, changed, counts', [
    (ops.UserCreate('alice', 'Alice A'), 1, {'users created': 1}),
    (ops.UserModify('alice', 'Alice A'), 1, {'users updated': 1}),
    (ops.Lpasswd('alice', ACTIVE), 1, {'passwords kept': 1}),
    (ops.Lpasswd('alice', LOCKED), 1, {'passwords kept': 1, 'users locked': 1}),
    (ops.Lock('alice', 'alice@example.org'), 1, {'users locked': 1}),
    (ops.GroupCreate('sales', ['alice'], ''), 1, {'groups created': 1}),
    (ops.GroupCreate('sales', ['alice'], 'Sales team'), 1,
     {'groups created': 1, 'group descriptions not migrated': 1}),
    (ops.GroupModify('sales', ['alice', 'bob'], ['bob']), 1, {'group members added': 1}),
    (ops.PasswordDone('alice'), 0, {}),
], ids=lambda v: getattr(type(v), 'op', None) if not isinstance(v, (int, dict)) else None)
def test_each_operation_that_works_counts_what_it_did(step, changed, counts):
    dest = FakeDestination(users={'alice': None}, groups={'sales': ['alice']})
    rep = reporter()
    assert steps.apply([step], dest, rep) == changed
    assert (rep.counts, rep.findings) == (counts, [])


def test_verify_user_counts_a_user_the_upgrade_made():
    from tests.unit.fakes import Passwd
    dest = FakeDestination(users={'alice': Passwd('alice', 'x', 1, 1, '', '/h', '/s')})
    rep = reporter()
    assert steps.apply([ops.VerifyUser('alice')], dest, rep) == 0     # a check changes nothing
    assert rep.counts == {'users migrated by the classic upgrade': 1}


def test_password_steps_of_a_user_that_failed_earlier_do_nothing():
    users = [accounts.SourceUser('a', 'N', 5000, ACTIVE, {})]
    dest = FakeDestination(fail={('user-create', 'a')})
    rep = reporter()
    assert steps.apply([ops.UserCreate('a', 'N'), ops.Lpasswd('a', ACTIVE), ops.NtImport(users),
                        ops.PasswordDone('a')], dest, rep) == 0
    assert [c[0] for c in dest.calls] == ['state_append', 'signal_event']    # the create
    # an NT import that works: every user's password kept
    dest, rep = FakeDestination(), reporter()
    users = [accounts.SourceUser(n, 'N', None, ACTIVE, {}) for n in ('a', 'b')]
    assert steps.apply([ops.NtImport(users)], dest, rep) == 1
    assert rep.counts == {'passwords kept': 2}
    (text,) = [c[1] for c in dest.calls if c[0] == 'import_nt_hashes']
    assert [line.split(':')[:2] for line in text.splitlines()] == [['a', '0'], ['b', '0']]


def test_ensure_groups_says_whether_it_changed_anything():
    sales = SourceGroup('sales', '', ['alice'])
    team = SourceGroup('team', '', ['alice'])
    for here, changed in (({}, 1),                                   # both created
                          ({'sales': ['alice'], 'team': ['alice']}, 0),
                          ({'sales': [], 'team': ['alice']}, 1),      # first modified
                          ({'sales': ['alice']}, 1),                  # second created
                          ({'sales': ['alice'], 'team': []}, 1)):     # second modified
        dest = FakeDestination(groups=here)
        assert steps.apply([ops.EnsureGroups([sales, team])], dest, reporter()) == changed, \
            here
    # the first changed, the second failed: still a change
    for here, event in (({}, 'group-create'), ({'sales': [], 'team': []}, 'group-modify')):
        dest = FakeDestination(groups=here, fail={(event, 'team')})
        assert steps.apply([ops.EnsureGroups([sales, team])], dest, reporter()) == 1
