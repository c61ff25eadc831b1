"""Directory attributes (Phone, Company, Dept, City, Street): the rule as tables, the LDIF
written and read, and the accounts plan applied against the FakeDestination."""

import base64
import io

import pytest

from nethserver_migration import steps
from nethserver_migration.actions import accounts
from nethserver_migration.actions.accounts import dirattrs, ops
from nethserver_migration.destination import CommandResult
from nethserver_migration.report import Reporter
from tests.unit.fakes import FakeDestination
from tests.unit.test_accounts_plan import facts, user

PROPS = {'Phone': '555-1234', 'Company': 'XYZ Corporation', 'Dept': 'Sales',
         'City': 'Ottawa', 'Street': '123 Main Street'}


# ---------------------------------------------------------------------------------------
# the rule

@pytest.mark.parametrize('provider, props, current, changes, kept', [
    # empty destination: every source value is written, in the provider's names
    ('ldap', PROPS, {}, [('telephoneNumber', '555-1234'), ('o', 'XYZ Corporation'),
                         ('ou', 'Sales'), ('l', 'Ottawa'), ('street', '123 Main Street')], []),
    ('ad', PROPS, {}, [('telephoneNumber', '555-1234'), ('company', 'XYZ Corporation'),
                       ('department', 'Sales'), ('l', 'Ottawa'),
                       ('streetAddress', '123 Main Street')], []),
    # only the props the source has; blank source values are not written
    ('ldap', {'City': 'Roma', 'Phone': '', 'Street': '   '}, {}, [('l', 'Roma')], []),
    ('ldap', {}, {}, [], []),
    # the same value (as the directory matches it) -> nothing
    ('ldap', PROPS, {'telephonenumber': ['555 1234'], 'o': ['xyz  corporation'],
                     'ou': ['Sales'], 'l': ['OTTAWA'], 'street': ['123 Main Street']}, [], []),
    ('ad', {'Phone': '+39 06-1234'}, {'telephoneNumber': ['+390612 34']}, [], []),
    # a different value already there is kept (and reported), the rest is filled
    ('ldap', {'Phone': '555-1234', 'City': 'Ottawa'}, {'telephoneNumber': ['555-9999']},
     [('l', 'Ottawa')], [('Phone', 'telephoneNumber', '555-9999', '555-1234')]),
    ('ad', {'Company': 'XYZ'}, {'company': ['Nethesis']}, [],
     [('Company', 'company', 'Nethesis', 'XYZ')]),
    # multi-valued LDAP attribute: any matching value is the same
    ('ldap', {'Phone': '555-1234'}, {'telephoneNumber': ['111', '555-1234']}, [], []),
    # an attribute present but blank counts as empty
    ('ldap', {'City': 'Roma'}, {'l': [' ']}, [('l', 'Roma')], []),
    # values are data: kept byte for byte
    ('ldap', {'Street': ' Via Roma 1\nScala B', 'City': 'Forlì'}, {},
     [('l', 'Forlì'), ('street', ' Via Roma 1\nScala B')], []),
])
def test_decide(provider, props, current, changes, kept):
    decision = dirattrs.decide(provider, props, current)
    assert decision.changes == changes
    assert [tuple(k) for k in decision.kept] == kept


# ---------------------------------------------------------------------------------------
# LDIF

def b64(text):
    return base64.b64encode(text.encode('utf-8')).decode('ascii')


@pytest.mark.parametrize('value, safe', [
    ('555-1234', True), ('R&D', True), ('a:b', True), ('a<b', True), ('', True),
    (' leading', False), (':colon', False), ('<less', False), ('trailing ', False),
    ('Forlì', False), ('two\nlines', False), ('cr\r', False), ('nul\x00', False),
    ('tab\tinside', True), ('\ttab first', True),
])
def test_safe_strings_rfc2849(value, safe):
    assert dirattrs.is_safe(value) is safe
    line = dirattrs.ldif_line('street', value)
    if safe:
        assert line == 'street: {}\n'.format(value)
    else:
        assert line == 'street:: {}\n'.format(b64(value))


def test_modify_ldif_replaces_each_attribute():
    ldif = dirattrs.modify_ldif('uid=jdoe,ou=People,dc=directory,dc=nh',
                                [('telephoneNumber', '555'), ('l', 'Forlì')])
    assert ldif == ('dn: uid=jdoe,ou=People,dc=directory,dc=nh\n'
                    'changetype: modify\n'
                    'replace: telephoneNumber\ntelephoneNumber: 555\n-\n'
                    'replace: l\nl:: {}\n-\n\n'.format(b64('Forlì')))


def test_modify_ldif_dn_not_safe_is_base64():
    ldif = dirattrs.modify_ldif('CN=José,CN=Users,DC=ad', [('l', 'x')])
    assert ldif.startswith('dn:: {}\n'.format(b64('CN=José,CN=Users,DC=ad')))


def test_parse_ldif_ldapsearch_and_ldbsearch_shapes():
    text = ('dn: uid=jdoe,ou=People,dc=directory,dc=nh\n'
            'uid: jdoe\n'
            'telephoneNumber: 555\n'
            'street:: {}\n'
            'l: a very long city name that ldapsearch fol\n'
            ' ded at 76 columns\n'
            '\n'
            '# record 2\n'
            'dn:: {}\n'
            'sAMAccountName: jose\n'
            'TelephoneNumber: 1\n'
            'telephoneNumber: 2\n'
            '\n'
            '# Referral\n'
            'ref: ldap://ad.example.org/CN=Configuration,DC=ad\n'
            '\n'
            '# returned 3 records\n'
            '# 2 entries\n'
            '# 1 referrals\n').format(b64(' Via Roma 1\nScala B'), b64('CN=José,CN=Users'))
    entries = dirattrs.parse_ldif(text)
    assert entries == [
        {'dn': 'uid=jdoe,ou=People,dc=directory,dc=nh', 'uid': ['jdoe'],
         'telephonenumber': ['555'], 'street': [' Via Roma 1\nScala B'],
         'l': ['a very long city name that ldapsearch folded at 76 columns']},
        {'dn': 'CN=José,CN=Users', 'samaccountname': ['jose'],
         'telephonenumber': ['1', '2']}]


@pytest.mark.parametrize('value', ['plain', ' lead', ':c', '<l', 'Forlì', 'a\nb', 'x '])
def test_round_trip(value):
    text = dirattrs.ldif_line('dn', 'uid=x') + dirattrs.ldif_line('street', value)
    assert dirattrs.parse_ldif(text) == [{'dn': 'uid=x', 'street': [value]}]


def test_search_filter_escapes():
    assert dirattrs.search_filter('uid', ['a', 'b*(c)\\'], '(objectClass=posixAccount)') == \
        '(&(objectClass=posixAccount)(|(uid=a)(uid=b\\2a\\28c\\29\\5c)))'
    assert dirattrs.chunks(range(5), 2) == [[0, 1], [2, 3], [4]]


# ---------------------------------------------------------------------------------------
# apply, against the FakeDestination

class FakeDirectory(object):
    """A directory behind Destination.ldap_libuser / sam_ldb: answers the searches with
    the entries it holds and records every modify's LDIF (and applies it)."""

    def __init__(self, provider, entries, fail_modify=(), fail_search=False):
        self.provider = provider
        self.entries = entries          # name -> {attribute: [values]}
        self.modifies = []
        self.records = 0
        self.searches = 0
        self.fail_modify = set(fail_modify)
        self.fail_search = fail_search

    def dn(self, name):
        return ('uid={},ou=People,dc=directory,dc=nh'.format(name) if self.provider == 'ldap'
                else 'CN={},CN=Users,DC=ad,DC=example,DC=org'.format(name))

    def _search(self, args):
        self.searches += 1
        if self.fail_search:
            return CommandResult(49, '', 'ldap_bind: Invalid credentials (49)\n')
        out = []
        key = 'uid' if self.provider == 'ldap' else 'sAMAccountName'
        for name, attrs in sorted(self.entries.items()):
            if '({}={})'.format(key, name) not in next(a for a in args if a[:2] == '(&'):
                continue
            out.append(dirattrs.ldif_line('dn', self.dn(name)) +
                       dirattrs.ldif_line(key, name) +
                       ''.join(dirattrs.ldif_line(a, v) for a, vs in sorted(attrs.items())
                               for v in vs) + '\n')
        return CommandResult(0, ''.join(out), '')

    def _modify(self, ldif):
        """Every record of the LDIF, all or nothing (like the stand-in)."""
        entries = dirattrs.parse_ldif(ldif)
        names = [e['dn'].split(',')[0].split('=')[1] for e in entries]
        self.modifies.append(ldif)
        self.records += len(entries)
        if set(names) & self.fail_modify:
            return CommandResult(50, '', 'ldap_modify: Insufficient access (50)\n')
        for name, entry in zip(names, entries):
            for attribute, values in entry.items():
                if attribute not in ('dn', 'changetype', 'replace', '-'):
                    self.entries[name][attribute] = values
        return CommandResult(0, 'modifying entry\n', '')

    def ldap_libuser(self, calls):
        out = []
        for program, args, stdin in calls:
            assert not any(a.startswith('-w') for a in args)
            out.append(self._search(args) if program == 'ldapsearch' else self._modify(stdin))
        return out

    def sam_ldb(self, program, args, input=None):
        return self._search(args) if program == 'ldbsearch' else self._modify(input)


@pytest.fixture
def dest():
    return FakeDestination()


def run(provider, users, directory, dest, role='WS'):
    d = FakeDirectory(provider, directory) if isinstance(directory, dict) else directory
    dest.directory = d
    f = facts(provider, users, role=role, present=dict((u.name, 'First Last') for u in users))
    rep = Reporter('test', stream=io.StringIO(), report_dir='/nonexistent')
    steps.apply(accounts.plan(f), dest, rep)
    return d, rep


@pytest.mark.parametrize('provider', ['ldap', 'ad'])
def test_apply_writes_empty_attributes_then_second_run_writes_nothing(provider, dest):
    users = [user('jdoe', props=dict(PROPS, Street=' Via Roma 1\nScala B')),
             user('asmith', props={'City': 'Forlì'}), user('nobody')]
    d, rep = run(provider, users, {'jdoe': {}, 'asmith': {}, 'nobody': {}}, dest)
    # one search and ONE modify call carrying both users' changes
    assert d.searches == 1 and len(d.modifies) == 1 and d.records == 2
    street = 'street' if provider == 'ldap' else 'streetAddress'
    assert '{}:: {}\n'.format(street, b64(' Via Roma 1\nScala B')) in d.modifies[0]
    assert d.entries['asmith'] == {'l': ['Forlì']}
    assert rep.errors == 0
    d2, rep2 = run(provider, users, d, dest)
    assert len(d2.modifies) == 1 and d2.searches == 2       # no new modify
    assert 'kept as the destination has it' not in rep2.stream.getvalue()


def test_apply_keeps_a_different_value_and_says_so(dest):
    d, rep = run('ldap', [user('jdoe', props={'Phone': '555-1234', 'City': 'Ottawa'})],
                 {'jdoe': {'telephoneNumber': ['555-9999']}}, dest)
    assert d.entries['jdoe'] == {'telephoneNumber': ['555-9999'], 'l': ['Ottawa']}
    assert 'replace: telephoneNumber' not in d.modifies[0]
    text = rep.stream.getvalue()
    assert "user jdoe: telephoneNumber kept as the destination has it ('555-9999')" in text
    assert "'555-1234'" in text and rep.errors == 0


def test_apply_failures_are_errors_per_user(dest):
    d = FakeDirectory('ldap', {'a': {}, 'b': {}}, fail_modify={'a'})
    d, rep = run('ldap', [user('a', props={'City': 'x'}), user('b', props={'City': 'y'}),
                          user('c', props={'City': 'z'})], d, dest)
    text = rep.stream.getvalue()
    assert 'could not set l of user a (ldapmodify exit 50: ldap_modify: Insufficient' in text
    assert 'user c is not in the directory' in text
    assert d.entries['b'] == {'l': ['y']} and rep.errors == 2
    # the batch failed as a whole, then one call per user said which one
    assert len(d.modifies) == 3
    assert [(f.key, f.obj) for f in rep.findings if f.severity == 'error'] == [
        ('accounts.attributes-user-missing', {'user': 'c'}),
        ('accounts.attributes-failed', {'user': 'a'})]


def test_a_thousand_users_take_one_search_and_one_modify_per_hundred(dest):
    users = [user('u{:04d}'.format(n), props={'City': 'c{}'.format(n)}) for n in range(250)]
    d, rep = run('ldap', users, dict((u.name, {}) for u in users), dest)
    assert (d.searches, len(d.modifies), d.records) == (3, 3, 250)
    assert rep.errors == 0 and d.entries['u0249'] == {'l': ['c249']}


def test_apply_read_failure_writes_nothing(dest):
    d = FakeDirectory('ad', {'a': {}}, fail_search=True)
    d, rep = run('ad', [user('a', props={'City': 'x'})], d, dest)
    assert d.modifies == [] and rep.errors == 1
    assert 'could not read the users\' directory attributes (ldbsearch exit 49' in \
        rep.stream.getvalue()


def test_remote_ad_is_never_written(dest):
    f = facts('remote-ad', [user('a', props={'City': 'x'}), user('b')], role='ADS',
              present={'a': '', 'b': ''})
    rep = Reporter('test', stream=io.StringIO(), report_dir='/nonexistent')
    steps.apply(accounts.plan(f), dest, rep)
    assert dest.calls == []
    assert '1 user(s) have Phone/Company/Dept/City/Street on the source; the remote ' \
        'Active Directory is not written' in rep.stream.getvalue()


def test_classic_upgrade_path_also_carries_them():
    f = facts('ad', [user('a', props={'City': 'x'})], role='PDC')
    planned = accounts.plan(f)
    assert planned[0].key == 'accounts.admin-password-reset'
    assert isinstance(planned[-1], ops.DirectoryAttributes)
    assert [u.name for u in planned[-1].users] == ['a']


def test_failed_user_is_left_out():
    d = FakeDirectory('ldap', {'b': {}})
    dest = FakeDestination(fail={('user-create', 'a')}, directory=d)
    f = facts('ldap', [user('a', props={'City': 'x'}), user('b', props={'City': 'y'})])
    rep = Reporter('test', stream=io.StringIO(), report_dir='/nonexistent')
    steps.apply(accounts.plan(f), dest, rep)
    assert 'is not in the directory' not in rep.stream.getvalue()
    assert d.entries['b'] == {'l': ['y']}
    assert rep.counts['users with directory attributes set'] == 1
    assert rep.counts['directory attributes set'] == 1


# ---------------------------------------------------------------------------------------
# the handler on its own: what it asks the directory, what it says, what it changed

class Recording(FakeDirectory):
    def __init__(self, *args, **kw):
        FakeDirectory.__init__(self, *args, **kw)
        self.asked = []

    def ldap_libuser(self, calls):
        self.asked += [(program, args) for program, args, _stdin in calls]
        return FakeDirectory.ldap_libuser(self, calls)

    def sam_ldb(self, program, args, input=None):
        self.asked.append((program, args))
        return FakeDirectory.sam_ldb(self, program, args, input)


def said(rep):
    return [(f.key, f.severity, f.message, f.obj, f.remediation) for f in rep.findings]


def attributes(provider, *users):
    dest = FakeDestination(directory=None)
    return dest, Reporter('test', stream=io.StringIO(), report_dir='/nonexistent'), \
        ops.DirectoryAttributes(provider, [accounts.SourceUser(n, 'N', 5000, None, p)
                                           for n, p in users])


@pytest.mark.parametrize('provider, search, modify', [
    ('ldap', ('ldapsearch', ['-LLL', '-b', 'ou=People,dc=directory,dc=nh', '-s', 'one',
                             '(&(objectClass=posixAccount)(|(uid=a)(uid=b)(uid=c)))', 'uid',
                             'telephoneNumber', 'o', 'ou', 'l', 'street']), 'ldapmodify'),
    ('ad', ('ldbsearch', ['(&(objectClass=user)(|(sAMAccountName=a)(sAMAccountName=b)'
                          '(sAMAccountName=c)))', 'sAMAccountName', 'telephoneNumber',
                          'company', 'department', 'l', 'streetAddress']), 'ldbmodify')])
def test_what_it_asks_the_directory_and_says(provider, search, modify):
    dest, rep, step = attributes(provider, ('a', {'City': 'Roma', 'Phone': '1'}),
                                 ('b', {'City': 'Pisa'}), ('c', {'City': 'Bari'}))
    dest.directory = Recording(provider, {'a': {'telephoneNumber': ['2']}, 'b': {}},
                               fail_modify={'b'})
    assert steps.apply([step], dest, rep) == 1
    assert dest.directory.asked[0] == search
    # one modify for the batch (refused: b's change), then one per user to say which
    assert [program for program, _args in dest.directory.asked[1:]] == [modify] * 3
    assert said(rep) == [
        ('accounts.attribute-kept', 'notice', "user a: telephoneNumber kept as the destination "
         "has it ('2'); the source's Phone was '1'", {'user': 'a'}, ''),
        ('accounts.attributes-user-missing', 'error', 'user c is not in the directory: its '
         'Phone/Company/Dept/City/Street are not set', {'user': 'c'},
         'run the import again once the user exists'),
        ('accounts.attributes-failed', 'error', 'could not set l of user b ({} exit 50: '
         'ldap_modify: Insufficient access (50))'.format(modify), {'user': 'b'},
         'run the import again; set them in the directory by hand if it keeps failing')]
    assert rep.counts == {'users with directory attributes set': 1,
                          'directory attributes set': 1}


@pytest.mark.parametrize('provider, program', [('ldap', 'ldapsearch'), ('ad', 'ldbsearch')])
def test_a_directory_that_does_not_answer_changes_nothing(provider, program):
    dest, rep, step = attributes(provider, ('a', {'City': 'Roma'}))
    dest.directory = FakeDirectory(provider, {'a': {}}, fail_search=True)
    assert steps.apply([step], dest, rep) == 0
    assert said(rep) == [(
        'accounts.attributes-read-failed', 'error', "could not read the users' directory "
        "attributes ({} exit 49: ldap_bind: Invalid credentials (49)): Phone/Company/Dept/"
        "City/Street not set".format(program), {}, 'run the import again once the directory '
        'answers')]
    assert dest.directory.modifies == []


def test_nothing_to_write_and_nobody_left_change_nothing():
    dest, rep, step = attributes('ldap', ('a', {'City': 'Roma'}))
    dest.directory = FakeDirectory('ldap', {'a': {'l': ['Roma']}})
    assert steps.apply([step], dest, rep) == 0
    assert (rep.findings, dest.directory.modifies) == ([], [])
    # every user of the step failed before it: nothing asked at all
    dest, rep, step = attributes('ldap', ('a', {'City': 'Roma'}))
    dest.directory = Recording('ldap', {'a': {}})
    assert steps.apply([ops.UserCreate('a', 'A'), step], FakeDestination(
        fail={('user-create', 'a')}, directory=dest.directory), rep) == 0
    assert dest.directory.asked == []


def test_a_failure_without_a_message():
    assert ops._first_line('') == 'no message'
    assert ops._first_line(None) == 'no message'
    assert ops._first_line('\n  \n  first  \nsecond\n') == 'first'


def test_each_operation_has_its_name_and_subject():
    # what the log, the report and migration-check -v call them
    assert [(k.__name__, k.op, k.progress, k.subject, k.failure_key)
            for k in ops.HANDLERS] == [
        ('UserCreate', 'user-create', 'users', 'user', 'accounts.step-failed'),
        ('UserModify', 'user-modify', None, 'user', 'accounts.step-failed'),
        ('Lpasswd', 'lpasswd', None, 'user', 'accounts.step-failed'),
        ('NtImport', 'nt-import', None, 'user', 'accounts.step-failed'),
        ('Lock', 'lock', None, 'user', 'accounts.step-failed'),
        ('PasswordDone', 'password-done', None, 'user', 'accounts.step-failed'),
        ('DirectoryAttributes', 'directory-attributes', None, 'user', 'accounts.step-failed'),
        ('GroupCreate', 'group-create', None, 'group', 'accounts.step-failed'),
        ('GroupModify', 'group-modify', None, 'group', 'accounts.step-failed'),
        ('ClassicUpgrade', 'adupgrade', None, 'user', 'accounts.step-failed'),
        ('VerifyUser', 'verify-user', None, 'user', 'accounts.step-failed'),
        ('EnsureGroups', 'ensure-groups', None, 'user', 'accounts.step-failed')]


def test_a_missing_user_first_and_a_failed_user_with_two_attributes():
    dest, rep, step = attributes('ldap', ('c', {'City': 'Bari'}),
                                 ('b', {'City': 'Pisa', 'Street': 'Via 2'}))
    dest.directory = FakeDirectory('ldap', {'b': {}}, fail_modify={'b'})
    assert steps.apply([step], dest, rep) == 1
    assert [f.message for f in rep.findings] == [
        'user c is not in the directory: its Phone/Company/Dept/City/Street are not set',
        'could not set l, street of user b (ldapmodify exit 50: ldap_modify: Insufficient '
        'access (50))']


def test_a_search_asks_for_a_hundred_names_at_most(dest):
    users = [user('u{:03d}'.format(n), props={'City': 'c'}) for n in range(101)]
    d, rep = run('ldap', users, dict((u.name, {}) for u in users), dest)
    assert d.searches == 2 and rep.errors == 0
