"""accounts.plan: source accounts + destination facts -> steps (pure, as tables).  The
typed steps are compared by (op, name) and their fields; what is only said, by the
findings' keys, severities and objects."""

import pytest

from nethserver_migration.actions import accounts
from nethserver_migration.actions.accounts import Facts, SourceGroup, SourceUser
from nethserver_migration.actions.accounts import names, ops as typed, passwords
from nethserver_migration.source import ShadowEntry, SmbpasswdEntry
from nethserver_migration.steps import Count, Note
from tests.unit import golden

MD5 = '$1$abcdefgh$0123456789abcdefghijkl'
NT = '8846F7EAEE8FB117AD06BDD830B7586C'
LOCAL = {'root', 'postfix', 'vmail', 'apache'}
LOCAL_GROUPS = {'root', 'wheel', 'vmail'}


def cred(shadow='', nt=None, flags='U', password_set=None):
    sh = ShadowEntry('u', shadow, '', '', '', '', '', '', '')
    smb = SmbpasswdEntry('u', 1, 'X' * 32, nt, frozenset(flags), '') if nt else None
    return passwords.credential(sh, smb, None, password_set)


ACTIVE = cred(MD5, NT)
LOCKED = cred('!' + MD5, NT, 'UD')
NEVER = cred('!!')
NT_ONLY = cred('', NT)


def user(name, c=ACTIVE, full='First Last', props=None):
    return SourceUser(name, full, 5000, c, props or {})


def facts(provider='ldap', users=(), groups=(), **kw):
    rules = names.NameRules(LOCAL, LOCAL_GROUPS, 31, 31, ad=provider in ('ad', 'remote-ad'))
    return Facts(provider=provider, users=list(users), groups=list(groups), rules=rules, **kw)


def ops(steps, *keep):
    """(op, name) of the typed steps, optionally only the given ops."""
    return [(s.op, getattr(s, 'name', None)) for s in steps
            if not isinstance(s, (Note, Count)) and (not keep or s.op in keep)]


def said(steps, *keys):
    """(key, severity, obj) of the findings the plan says, optionally only those keys."""
    return [(s.key, s.severity, s.obj) for s in steps
            if isinstance(s, Note) and s.key and (not keys or s.key in keys)]


def one(steps, kind):
    found = [s for s in steps if isinstance(s, kind)]
    assert len(found) == 1, found
    return found[0]


RESET = ('accounts.password-never-set', 'accounts.password-not-carried')


@pytest.mark.parametrize('provider, role, dc_running, key', [
    ('none', 'WS', True, 'accounts.no-provider'),
    ('remote-ldap', 'WS', True, 'accounts.provider-unsupported'),
    ('ad', 'WS', False, 'accounts.dc-not-running'),
    ('ldap', 'PDC', True, 'accounts.provider-mismatch'),
    ('ldap', 'ADS', True, 'accounts.provider-mismatch'),
    ('ad', 'ADS', True, 'accounts.provider-mismatch'),
    ('remote-ad', 'WS', True, 'accounts.provider-mismatch'),
    ('remote-ad', 'PDC', True, 'accounts.provider-mismatch'),
    ('ldap', 'WS', True, None),
    ('ad', 'WS', True, None),            # shares needing authentication
    ('ad', 'PDC', True, None),
    ('remote-ad', 'ADS', True, None),
    ('ldap', 'BDC', True, None),
])
def test_provider_against_role(request, provider, role, dc_running, key):
    steps = accounts.plan(facts(provider, [user('jdoe')], role=role, dc_running=dc_running))
    golden.plan(request, steps)
    if key is None:
        assert not [s for s in steps if isinstance(s, Note) and s.blocking]
        if provider == 'remote-ad':
            assert said(steps) == [('accounts.remote-user-missing', 'warning', {'user': 'jdoe'})]
        else:   # created, or by the classic upgrade (a fresh DC and a PDC/WS source)
            assert [n for _, n in ops(steps, 'user-create', 'verify-user')] == ['jdoe']
    else:
        # blocking: the only step, nothing else is done
        assert [(s.key, s.severity, s.blocking) for s in steps] == [(key, 'error', True)]
        assert steps[0].remediation


def test_ldap_fresh_users_groups_passwords(request):
    f = facts('ldap', [user('alice'), user('bob', LOCKED), user('carol', NEVER),
                       user('dave', NT_ONLY)],
              [SourceGroup('sales', 'Sales', ['alice', 'bob', 'admin', 'ghost'])])
    steps = accounts.plan(f)
    golden.plan(request, steps)
    assert ops(steps, 'user-create') == [('user-create', n) for n in
                                         ('alice', 'bob', 'carol', 'dave')]
    assert ops(steps, 'lpasswd') == [('lpasswd', 'alice'), ('lpasswd', 'bob')]
    assert passwords.lpasswd_input(next(s for s in steps if getattr(s, 'name', '') == 'bob'
                                        and s.op == 'lpasswd').cred) == '!' + MD5
    assert said(steps, *RESET) == [
        ('accounts.password-never-set', 'notice', {'user': 'carol'}),
        ('accounts.password-not-carried', 'warning', {'user': 'dave'})]
    assert [s.unless_failed for s in steps if isinstance(s, Note) and s.key in RESET] == [
        'carol', 'dave']
    assert ops(steps, 'lock') == []      # LDAP: the lock travels in the hash
    create = one(steps, typed.GroupCreate)
    assert (create.members, create.description) == (['alice', 'bob', 'admin'], 'Sales')
    assert said(steps, 'accounts.member-dropped') == [
        ('accounts.member-dropped', 'notice', {'group': 'sales', 'user': 'ghost'})]
    assert said(steps, 'accounts.admin-kept', 'accounts.admin-password-reset') == [
        ('accounts.admin-kept', 'info', {'user': 'admin'})]


def test_filtering_is_never_silent(request):
    users = [user('administrator'), user('Guest'), user('postfix'), user('3rdfloor'),
             user('ok')]
    groups = [SourceGroup('locals', '', ['ok']), SourceGroup('wheel', '', []),
              SourceGroup('team', '', ['ok', 'postfix'])]
    steps = accounts.plan(facts('ad', users, groups, has_smbpasswd=False))
    golden.plan(request, steps, '1')
    skips = said(steps, 'accounts.name-reserved', 'accounts.name-clash-local',
                 'accounts.name-invalid')
    assert skips == [('accounts.name-reserved', 'warning', {'user': 'administrator'}),
                     ('accounts.name-reserved', 'warning', {'user': 'Guest'}),
                     ('accounts.name-clash-local', 'warning', {'user': 'postfix'}),
                     ('accounts.name-invalid', 'warning', {'user': '3rdfloor'}),
                     ('accounts.name-reserved', 'warning', {'group': 'locals'}),
                     ('accounts.name-clash-local', 'warning', {'group': 'wheel'})]
    assert [s.count for s in steps if isinstance(s, Note) and s.key.startswith(
        'accounts.name-')] == ['users skipped'] * 4 + ['groups skipped'] * 2
    assert ops(steps, 'user-create') == [('user-create', 'ok')]
    # on a local LDAP, AD's own names are ordinary users
    steps = accounts.plan(facts('ldap', users, groups))
    golden.plan(request, steps, '2')
    assert said(steps)[:2] == [('accounts.name-invalid', 'warning', {'user': 'Guest'}),
                               ('accounts.name-clash-local', 'warning', {'user': 'postfix'})]
    assert ops(steps, 'user-create') == [('user-create', 'administrator'),
                                         ('user-create', 'ok')]
    drop = [s for s in steps if isinstance(s, Note) and s.key == 'accounts.member-dropped']
    assert [d.obj for d in drop] == [{'group': 'team', 'user': 'postfix'}]
    assert drop[0].message == 'group team: member postfix left out: it is not migrated ' \
        '(see above)'


def test_home_clash_skips_a_new_user_only(request):
    f = facts('ldap', [user('alice'), user('bob')], homes={'alice': 1234, 'bob': 1001},
              present={'bob': 'First Last'})
    steps = accounts.plan(f)
    golden.plan(request, steps)
    assert said(steps, 'accounts.home-clash') == [
        ('accounts.home-clash', 'warning', {'user': 'alice'})]
    assert ops(steps, 'user-create') == []
    # a user we created in an interrupted run: its home is ours
    f.state = {'create alice'}
    f.present = {'alice': 'First Last', 'bob': 'First Last'}
    assert said(accounts.plan(f), 'accounts.home-clash') == []
    # on a remote AD, the home of a user the domain lacks is no clash of ours
    f = facts('remote-ad', [user('alice')], role='ADS', homes={'alice': 1234})
    assert said(accounts.plan(f), 'accounts.home-clash') == []


def test_rerun_creates_nothing_and_adds_members_only(request):
    users = [user('alice'), user('bob')]
    f = facts('ldap', users, [SourceGroup('sales', '', ['alice', 'bob'])],
              present={'alice': 'First Last', 'bob': 'First Last'},
              group_members={'sales': {'alice', 'bob', 'zoe'}},
              state={'create alice', 'password alice', 'create bob', 'password bob'})
    steps = accounts.plan(f)
    golden.plan(request, steps)
    assert ops(steps, 'user-create', 'user-modify', 'lpasswd', 'group-create',
               'group-modify') == []


def test_interrupted_run_converges(request):
    # killed after user-create of bob, before its password
    f = facts('ldap', [user('alice'), user('bob'), user('carol')],
              present={'alice': 'First Last', 'bob': 'First Last'},
              state={'create alice', 'password alice', 'create bob'})
    steps = accounts.plan(f)
    golden.plan(request, steps)
    # each password's journal line right after it: a second kill redoes none of them
    assert ops(steps, 'user-create', 'lpasswd', 'password-done') == [
        ('user-create', 'carol'), ('lpasswd', 'bob'), ('password-done', 'bob'),
        ('lpasswd', 'carol'), ('password-done', 'carol')]
    assert said(steps, 'accounts.user-present') == []


def test_group_modify_is_the_union():
    f = facts('ldap', [user('alice'), user('bob')], [SourceGroup('sales', '', ['bob'])],
              group_members={'sales': {'alice', 'zoe'}})
    mod = one(accounts.plan(f), typed.GroupModify)
    assert (mod.name, mod.members, mod.added) == ('sales', ['alice', 'bob', 'zoe'], ['bob'])


def test_present_user_updated_not_duplicated_password_kept(request):
    f = facts('ldap', [user('alice', full='Alice New')], present={'alice': 'Alice Old'})
    steps = accounts.plan(f)
    golden.plan(request, steps)
    assert ops(steps, 'user-create', 'user-modify', 'lpasswd') == [('user-modify', 'alice')]
    assert one(steps, typed.UserModify).fullname == 'Alice New'
    assert said(steps, 'accounts.user-present') == [
        ('accounts.user-present', 'notice', {'user': 'alice'})]


def test_latin1_full_name_compares_as_ascii_gecos():
    f = facts('ldap', [user('jmunoz', full='José Muñoz')], present={'jmunoz': 'Jos Muoz'},
              state={'create jmunoz', 'password jmunoz'})
    assert ops(accounts.plan(f), 'user-modify') == []


def test_ad_additive_nt_import_and_locks(request):
    f = facts('ad', [user('alice'), user('bob', LOCKED), user('carol', cred(MD5))],
              role='WS', present={'zed': ''}, state={'adupgrade done'})
    steps = accounts.plan(f)
    golden.plan(request, steps)
    assert ops(steps, 'adupgrade') == []
    imp = one(steps, typed.NtImport)
    assert [u.name for u in imp.users] == ['alice', 'bob']
    assert [(s.name, s.long_name) for s in steps if isinstance(s, typed.Lock)] == [
        ('bob', 'bob@example.org'), ('carol', 'carol@example.org')]
    assert said(steps, *RESET) == [('accounts.password-not-carried', 'warning',
                                    {'user': 'carol'})]


@pytest.mark.parametrize('role, present, state, smb, wanted', [
    ('PDC', {}, set(), True, True),
    ('WS', {}, set(), True, True),
    ('PDC', {'alice': ''}, set(), True, False),          # DC not fresh: never wipe it
    ('PDC', {}, {'adupgrade done'}, True, False),
    ('PDC', {'alice': ''}, {'adupgrade started'}, True, True),   # interrupted: again
    ('PDC', {}, set(), False, False),                    # no smbpasswd to upgrade from
])
def test_classic_upgrade_only_on_a_fresh_dc(role, present, state, smb, wanted):
    f = facts('ad', [user('alice')], role=role, present=present, state=state,
              has_smbpasswd=smb)
    assert accounts.classic_upgrade_wanted(f) is wanted
    assert bool(ops(accounts.plan(f), 'adupgrade')) is wanted


def test_classic_upgrade_despite_the_dcs_own_reserved_accounts():
    # every DC has administrator/guest/krbtgt (and admin): a source that has them too
    # still gets the classic upgrade (they are refused, not "already on the DC")
    f = facts('ad', [user('alice'), user('administrator'), user('Guest'), user('krbtgt')],
              role='WS', present={'administrator': '', 'Guest': '', 'krbtgt': ''})
    assert accounts.classic_upgrade_wanted(f) is True


def test_classic_upgrade_steps_verify_lock_and_groups(request):
    f = facts('ad', [user('alice'), user('bob', LOCKED), user('carol', cred(MD5)),
                     user('krbtgt')], [SourceGroup('sales', '', ['alice'])], role='PDC')
    steps = accounts.plan(f)
    golden.plan(request, steps)
    assert said(steps, 'accounts.name-reserved') == [
        ('accounts.name-reserved', 'warning', {'user': 'krbtgt'})]
    assert ops(steps, 'adupgrade', 'verify-user', 'lock', 'ensure-groups') == [
        ('adupgrade', None), ('verify-user', 'alice'),
        ('verify-user', 'bob'), ('verify-user', 'carol'), ('lock', 'bob'), ('lock', 'carol'),
        ('ensure-groups', None)]
    upgrade = one(steps, typed.ClassicUpgrade)
    assert (upgrade.role, upgrade.users, upgrade.groups, upgrade.resumed) == ('PDC', 3, 1,
                                                                              False)
    assert [g.name for g in one(steps, typed.EnsureGroups).groups] == ['sales']


def test_remote_ad_creates_nothing(request):
    f = facts('remote-ad', [user('alice'), user('bob'), user('administrator')],
              [SourceGroup('sales', '', ['alice'])], role='ADS', present={'alice': ''})
    steps = accounts.plan(f)
    golden.plan(request, steps)
    assert ops(steps) == []
    assert said(steps) == [
        ('accounts.name-reserved', 'warning', {'user': 'administrator'}),
        ('accounts.remote-user-missing', 'warning', {'user': 'bob'}),
        ('accounts.remote-group-missing', 'notice', {'group': 'sales'})]
    assert [s.label for s in steps if isinstance(s, Count)] == ['users found on the domain']
    f.group_members = {'sales': {'alice'}}
    assert [s.label for s in accounts.plan(f) if isinstance(s, Count)] == [
        'users found on the domain', 'groups found on the domain']


@pytest.mark.parametrize('provider, role', [('ldap', 'WS'), ('ad', 'WS'), ('remote-ad', 'ADS')])
def test_directory_attributes_one_step_last(request, provider, role):
    f = facts(provider, [user('a', props={'Phone': '1'}), user('b', props={'City': 'x'}),
                         user('c')], role=role, present={'a': '', 'b': '', 'c': ''})
    steps = accounts.plan(f)
    golden.plan(request, steps)
    if provider == 'remote-ad':
        assert said(steps) == [('accounts.attributes-remote', 'notice', {})]
        assert steps[-1].message.startswith('2 user(s) have Phone/Company/Dept/City/Street')
        assert ops(steps, 'directory-attributes') == []
    else:
        assert steps[-1] is one(steps, typed.DirectoryAttributes)
        assert steps[-1].provider == provider
        assert [u.name for u in steps[-1].users] == ['a', 'b']
    # nobody with attributes: no step at all
    f.users = [user('c')]
    assert [s for s in accounts.plan(f) if isinstance(s, typed.DirectoryAttributes) or (
        isinstance(s, Note) and s.key == 'accounts.attributes-remote')] == []



# -- one bad value fails that value alone ----------------------------------------------

@pytest.mark.parametrize('full, props, refused', [
    ('A' + 'b' * 1024 * 1024, {}, ['FirstName/LastName']),
    ('Jo\x00hn', {}, ['FirstName/LastName']),
    ('John\nDoe', {}, ['FirstName/LastName']),
    ('José Núñez', {'Phone': '1' * 65, 'City': 'Ok'}, ['Phone']),
    ('Ok', {'Street': 'Via Roma 1\nPiano 2', 'Company': 'A\x07B'}, ['Company']),
    ('Ok', {'Dept': 'x' * 64, 'Street': 's' * 1025}, ['Street']),
])
def test_a_bad_value_is_refused_alone_and_the_users_still_migrate(request, full, props, refused):
    steps = accounts.plan(facts('ldap', [user('alice', full=full, props=props),
                                         user('bob')]))
    golden.plan(request, steps)
    assert said(steps, 'accounts.value-refused') == [
        ('accounts.value-refused', 'warning', {'user': 'alice', 'property': p})
        for p in refused]
    creates = dict((s.name, s.fullname) for s in steps if isinstance(s, typed.UserCreate))
    assert creates['bob'] == 'First Last'
    assert creates['alice'] == ('alice' if 'FirstName/LastName' in refused else full)
    attrs = [s for s in steps if isinstance(s, typed.DirectoryAttributes)]
    carried = dict((u.name, u.props) for s in attrs for u in s.users)
    for prop in props:
        assert (prop in carried.get('alice', {})) == (prop not in refused)


# -- re-runs: findings that describe the end state are said again ---------------------

def test_ldap_rerun_still_reports_the_users_left_without_password_and_not_as_present(request):
    f = facts('ldap', [user('alice'), user('carol', NEVER), user('old')],
              present={'alice': 'First Last', 'carol': 'First Last', 'old': 'First Last'},
              state={'create alice', 'password alice', 'create carol', 'password carol'})
    steps = accounts.plan(f)
    golden.plan(request, steps)
    assert ops(steps, 'lpasswd', 'password-done', 'user-create') == []
    assert said(steps, *RESET) == [('accounts.password-never-set', 'notice',
                                    {'user': 'carol'})]
    # only the one that was there before our first run "was already on the destination"
    assert said(steps, 'accounts.user-present') == [
        ('accounts.user-present', 'notice', {'user': 'old'})]


def test_after_a_classic_upgrade_a_rerun_redoes_nothing_and_says_the_end_state(request):
    f = facts('ad', [user('alice'), user('bob', NEVER)],
              present={'alice': 'First Last', 'bob': 'First Last'},
              state={'adupgrade started', 'adupgrade done'}, has_secrets=False, role='PDC')
    steps = accounts.plan(f)
    golden.plan(request, steps)
    assert ops(steps, 'adupgrade', 'nt-import', 'lock', 'password-done', 'user-create',
               'user-modify') == []
    assert said(steps, 'accounts.user-present') == []
    admin = [s for s in steps if isinstance(s, Note) and s.key.startswith('accounts.admin')]
    assert [(s.key, s.severity) for s in admin] == [('accounts.admin-password-reset',
                                                     'warning')]
    assert admin[0].commands == ('/sbin/e-smith/signal-event password-modify '
                                 'admin@example.org <file holding the new password>',)
    assert said(steps, 'accounts.secrets-missing') == [
        ('accounts.secrets-missing', 'warning', {})]
    assert said(steps, *RESET) == [('accounts.password-never-set', 'notice', {'user': 'bob'})]


def test_ad_full_name_with_accents_is_not_modified_again():
    f = facts('ad', [user('alice', full='José Núñez')], present={'alice': 'José Núñez'},
              has_smbpasswd=False)
    assert ops(accounts.plan(f), 'user-modify') == []
    f = facts('ldap', [user('alice', full='José Núñez')], present={'alice': 'Jos Nez'})
    assert ops(accounts.plan(f), 'user-modify') == []
    f = facts('ldap', [user('alice', full='Alice Tester')], present={'alice': 'alice Tester'})
    assert ops(accounts.plan(f), 'user-modify') == [('user-modify', 'alice')]


def test_a_user_whose_smbpasswd_line_cannot_be_read_is_not_said_to_have_no_password():
    f = facts('ad', [user('alice', NEVER)], has_smbpasswd=False,
              unreadable={'alice': {'etc/samba/smbpasswd'}})
    reset = [s for s in accounts.plan(f) if isinstance(s, Note) and s.key in RESET][0]
    assert (reset.key, reset.severity) == ('accounts.password-not-carried', 'warning')
    assert 'etc/samba/smbpasswd cannot be read' in reset.message


@pytest.mark.parametrize('shadow, nt, password_set, ldif, never, uncarried, why', [
    ('!!', NT, 'no', None, True, None, 'never set a password'),
    ('!!', None, None, None, True, None, 'never set a password'),
    ('', None, None, {'userpassword': '{SSHA}abcdefgh'}, False, '{SSHA}', 'stored as {SSHA}'),
    ('', None, None, {'userpassword': 'plaintext'}, False, 'a clear text password',
     'stored as a clear text password'),
    ('', None, None, {'userpassword': '{CRYPT}!'}, True, None, 'never set a password'),
])
def test_why_a_password_is_not_carried(shadow, nt, password_set, ldif, never, uncarried, why):
    sh = ShadowEntry('u', shadow, '', '', '', '', '', '', '')
    smb = SmbpasswdEntry('u', 1, 'X' * 32, nt, frozenset('U'), '') if nt else None
    c = passwords.credential(sh, smb, ldif, password_set)
    assert (c.never, c.uncarried, c.locked) == (never, uncarried, True)
    f = facts('ldap', [user('u', c)])
    reset = [s for s in accounts.plan(f) if isinstance(s, Note) and s.key in RESET][0]
    assert why in reset.message
    assert reset.key == ('accounts.password-never-set' if never
                         else 'accounts.password-not-carried')
    assert reset.count == 'passwords to reset' and reset.unless_failed == 'u'


# -- the planning's edges -------------------------------------------------------------

def test_long_name():
    f = facts('ldap', domain='d.org')
    assert accounts.planning.long_name(f, 'alice') == 'alice@d.org'
    assert accounts.planning.long_name(f, 'alice@other.org') == 'alice@other.org'


@pytest.mark.parametrize('provider, role', [('ldap', 'WS'), ('ad', 'WS')])
def test_a_home_clash_on_either_local_provider(provider, role):
    f = facts(provider, [user('alice')], role=role, homes={'alice': 1234})
    assert said(accounts.plan(f), 'accounts.home-clash') == [
        ('accounts.home-clash', 'warning', {'user': 'alice'})]
    f = facts(provider, [user('alice')], role=role, homes={'alice': 1234},
              state={'create alice'})
    assert said(accounts.plan(f), 'accounts.home-clash') == []


def test_the_classic_upgrade_writes_the_kept_names_only():
    from nethserver_migration.actions.accounts.reading import UpgradeInput
    from nethserver_migration.source import GroupEntry, PasswdEntry, SmbpasswdEntry
    pw = dict((n, PasswdEntry(n, 'x', uid, uid, n + ' gecos', '/home/' + n, '/bin/false'))
              for n, uid in (('admin', 101), ('alice', 5001), ('krbtgt', 5002)))
    gr = dict((n, GroupEntry(n, 'x', gid, members)) for n, gid, members in (
        ('sales', 5003, ['alice', 'krbtgt']), ('wheel', 10, ['alice'])))
    smb = dict((n, SmbpasswdEntry(n, uid, 'X' * 32, NT, frozenset('U'), 'LCT-1'))
               for n, uid in (('admin', 101), ('alice', 5001), ('krbtgt', 5002)))
    f = facts('ad', [user('admin'), user('alice'), user('krbtgt')],
              [SourceGroup('sales', '', ['alice', 'krbtgt']), SourceGroup('wheel', '', ['alice'])],
              role='PDC', upgrade=UpgradeInput(pw, gr, smb, None, 'dom', 'NS'),
              state={'adupgrade started'})
    upgrade = one(accounts.plan(f), typed.ClassicUpgrade)
    files = dict((path.rsplit('/', 1)[1], text) for path, text, _mode in upgrade.files)
    assert [line.split(':')[0] for line in files['passwd.migration'].splitlines()] == [
        'admin', 'alice']
    assert files['group.migration'] == 'sales:x:5003:alice\n'
    assert [line.split(':')[0] for line in files['smbpasswd'].splitlines()] == [
        'admin', 'alice']
    assert (upgrade.workgroup, upgrade.resumed, upgrade.users, upgrade.groups) == (
        'DOM', True, 1, 1)           # admin is the DC's own: not counted


def test_the_gecos_keeps_printable_ascii_only():
    assert accounts.planning._ascii('Al\x7fi\u00e9ce ~Z\x1f') == 'Alice ~Z'


@pytest.mark.parametrize('provider, c, unreadable, why', [
    ('ldap', NT_ONLY, {'u': ['etc/shadow', 'etc/samba/smbpasswd']},
     "its line in etc/samba/smbpasswd and etc/shadow cannot be read (see the preflight's "
     "finding)"),
    ('ldap', passwords.credential(ShadowEntry('u', '', '', '', '', '', '', '', ''), None,
                                  {'userpassword': '{SSHA}abcdefgh'}, None), {},
     'its password is stored as {SSHA} on the source, which NethServer cannot take over'),
    ('ldap', NEVER, {}, 'the source never set a password for it'),
    ('ldap', NT_ONLY, {}, 'the source has only an NT hash for it and LDAP needs a crypt hash'),
    ('ad', cred(MD5), {}, 'the source has no NT hash for it (smbpasswd) and AD cannot use a '
     'crypt hash')])
def test_why_a_password_is_not_carried_word_for_word(provider, c, unreadable, why):
    f = facts(provider, [user('u', c)], role='WS', unreadable=unreadable)
    (reset,) = [s for s in accounts.plan(f) if isinstance(s, Note) and s.key in RESET]
    assert reset.message == 'user u arrives locked without its password: ' + why


def test_a_blocked_provider_decides_that_nobody_migrates():
    f = facts('none', [user('alice'), user('bob')], role='WS')
    assert accounts.planning.decision(f) == accounts.Decision(
        'none', True, [], [], ['alice', 'bob'], [], {})
    f = facts('ldap', [user('alice'), user('bob')], role='WS')
    assert accounts.planning.decision(f)[:6] == ('ldap', False, ['alice', 'bob'], [],
                                                 ['alice', 'bob'], ['alice', 'bob'])
