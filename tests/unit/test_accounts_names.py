"""accounts_names: which names become NethServer accounts, and the reason for the others."""

import pytest

from nethserver_migration.actions.accounts import names

LOCAL_USERS = {'root', 'postfix', 'vmail', 'apache', 'ldap', 'mail', 'ftp'}
LOCAL_GROUPS = {'root', 'wheel', 'users', 'vmail', 'mail', 'adm'}
LDAP = names.NameRules(LOCAL_USERS, LOCAL_GROUPS, 31, 31)
AD = names.NameRules(LOCAL_USERS, LOCAL_GROUPS, 31, 31, ad=True)


@pytest.mark.parametrize('name, rules, key', [
    ('jsmith', LDAP, None),
    ('mario.rossi', LDAP, None),
    ('web-dev_2', LDAP, None),
    ('administrator', LDAP, None),          # an ordinary name on a local LDAP
    ('guest', LDAP, None),
    ('krbtgt', LDAP, None),
    ('administrator', AD, 'accounts.name-reserved'),       # AD provides them
    ('Administrator', AD, 'accounts.name-reserved'),       # any case
    ('Administrator', LDAP, 'accounts.name-invalid'),
    ('GUEST', AD, 'accounts.name-reserved'),
    ('krbtgt', AD, 'accounts.name-reserved'),
    ('ldapservice', LDAP, 'accounts.name-reserved'),
    ('admin', LDAP, 'accounts.name-reserved'),             # the caller maps SME admin
    ('postfix', LDAP, 'accounts.name-clash-local'),
    ('vmail', AD, 'accounts.name-clash-local'),
    ('wheel', LDAP, None),                                 # a group name, not a user
    ('3rdfloor', LDAP, 'accounts.name-invalid'),
    ('JSmith', LDAP, 'accounts.name-invalid'),
    ('a' * 31, LDAP, None),
    ('a' * 32, LDAP, 'accounts.name-too-long'),
    ('christopher.montgomery-smith', LDAP, None),          # 28 <= 31
    ('christopher.montgomery-smith', AD, 'accounts.name-too-long'),  # > 20 (sAMAccountName)
    ('a' * 20, AD, None),
    ('alice\n', LDAP, 'accounts.name-invalid'),           # '$' would have let it pass
])
def test_check_user(name, rules, key):
    refusal = names.check_user(name, rules)
    assert (refusal.key if refusal else None) == key
    if refusal:
        assert repr(name) in refusal.reason and refusal.remediation


@pytest.mark.parametrize('name, rules, users, key', [
    ('sales', LDAP, set(), None),
    ('locals', LDAP, set(), 'accounts.name-reserved'),
    ('Domain Admins', AD, set(), 'accounts.name-reserved'),
    ('users', LDAP, set(), 'accounts.name-reserved'),     # AD builtin and local group
    ('wheel', LDAP, set(), 'accounts.name-clash-local'),
    ('sales', AD, {'sales'}, 'accounts.name-clash-user'),
    ('sales', LDAP, {'sales'}, None),
    ('international-sales-department', LDAP, set(), None),
    ('x' * 32, LDAP, set(), 'accounts.name-too-long'),
    ('Sales', LDAP, set(), 'accounts.name-invalid'),
])
def test_check_group(name, rules, users, key):
    refusal = names.check_group(name, rules, users)
    assert (refusal.key if refusal else None) == key


@pytest.mark.parametrize('value, expected', [('31', 31), ('12', 12), (None, 32), ('', 32),
                                             ('x', 32), ('0', 32)])
def test_max_length(value, expected):
    assert names.max_length(value) == expected


# The groups NethServer 7's providers own (reference/ns7-destination.md §3: the LDAP
# provider's locals and domain admins, Samba AD's builtin and well-known groups): each one
# is refused, in any case, on both providers.
RESERVED_GROUPS = [
    'locals', 'domain admins', 'domain users', 'domain guests', 'domain computers',
    'domain controllers', 'cert publishers', 'schema admins', 'enterprise admins',
    'group policy creator owners', 'read-only domain controllers', 'ras and ias servers',
    'allowed rodc password replication group', 'denied rodc password replication group',
    'enterprise read-only domain controllers', 'dnsadmins', 'dnsupdateproxy',
    'administrators', 'users', 'guests', 'print operators', 'backup operators',
    'replicator', 'remote desktop users', 'network configuration operators',
    'performance monitor users', 'performance log users', 'distributed com users',
    'iis_iusrs', 'cryptographic operators', 'event log readers',
    'certificate service dcom access', 'account operators', 'server operators',
    'pre-windows 2000 compatible access', 'incoming forest trust builders',
    'windows authorization access group', 'terminal server license servers',
    'winrmremotewmiusers__']


@pytest.mark.parametrize('name', RESERVED_GROUPS + ['admin', 'ldapservice'])
@pytest.mark.parametrize('rules', [LDAP, AD], ids=['ldap', 'ad'])
def test_every_provider_group_is_reserved(name, rules):
    for spelled in (name, name.upper(), name.title()):
        refusal = names.check_group(spelled, rules)
        assert refusal == names.Refusal(
            'accounts.name-reserved', 'group {!r} is one of NethServer\'s own groups'.format(
                spelled), names.RENAME)


@pytest.mark.parametrize('name, rules, users, reason', [
    ('administrator', AD, set(), "group 'administrator' is one of NethServer's own groups"),
    ('guest', LDAP, set(), None),
    ('wheel', LDAP, set(), "group 'wheel' clashes with the destination's system group of "
     "the same name in /etc/group"),
    ('sales', AD, {'sales'}, "group 'sales' has the name of a user: Active Directory keeps "
     "users and groups in one name space"),
    ('Sales', AD, set(), "group name 'Sales' is not accepted by NethServer 7 (lower-case "
     "letter first, then lower-case letters, digits, \".\", \"-\", \"_\")"),
    ('g' * 31, LDAP, set(), None),
    ('g' * 32, LDAP, set(), "group name '{}' has 32 characters, more than the 31 NethServer "
     "accepts here".format('g' * 32)),
    ('g' * 31, AD, set(), None),             # the 20 of sAMAccountName is for users only
])
def test_group_refusals_word_for_word(name, rules, users, reason):
    refusal = names.check_group(name, rules, users)
    assert (refusal.reason if refusal else None) == reason
    if refusal:
        assert refusal.remediation == names.RENAME


@pytest.mark.parametrize('name, rules, reason', [
    ('Guest', AD, "user 'Guest' is reserved by Samba Active Directory (administrator, "
     "guest, krbtgt in any case)"),
    ('LdapService', AD, "user 'LdapService' is one of NethServer's own accounts"),
    ('ADMIN', LDAP, "user 'ADMIN' is one of NethServer's own accounts"),
    ('postfix', AD, "user 'postfix' clashes with the destination's system account of the "
     "same name in /etc/passwd"),
    ('u' * 21, AD, "user name '{}' has 21 characters, more than the 20 NethServer accepts "
     "here".format('u' * 21)),
    ('u' * 32, LDAP, "user name '{}' has 32 characters, more than the 31 NethServer accepts "
     "here".format('u' * 32)),
    ('9lives', LDAP, "user name '9lives' is not accepted by NethServer 7 (lower-case letter "
     "first, then lower-case letters, digits, \".\", \"-\", \"_\")"),
    ('a b', LDAP, "user name 'a b' is not accepted by NethServer 7 (lower-case letter "
     "first, then lower-case letters, digits, \".\", \"-\", \"_\")"),
    ('', LDAP, "user name '' is not accepted by NethServer 7 (lower-case letter first, "
     "then lower-case letters, digits, \".\", \"-\", \"_\")"),
    ('a.b-c_d9', LDAP, None),
])
def test_user_refusals_word_for_word(name, rules, reason):
    refusal = names.check_user(name, rules)
    assert (refusal.reason if refusal else None) == reason
    if refusal:
        assert refusal.remediation == names.RENAME


def test_the_ad_user_limit_is_the_smaller_of_the_two():
    short = names.NameRules(max_user=12, ad=True)
    assert names.check_user('u' * 12, short) is None
    assert names.check_user('u' * 13, short).key == 'accounts.name-too-long'
    assert names.check_user('u' * 20, names.NameRules(ad=True)) is None
    assert names.check_user('u' * 21, names.NameRules(ad=True)).key == 'accounts.name-too-long'
    # the defaults: no local names, 32 characters, not AD
    rules = names.NameRules()
    assert (rules.local_users, rules.local_groups, rules.max_user, rules.max_group,
            rules.ad) == (frozenset(), frozenset(), 32, 32, False)
    assert names.check_user('u' * 32, rules) is None
    assert names.check_group('g' * 32, rules) is None


@pytest.mark.parametrize('prop, value, why', [
    ('fullname', 'x' * 256, None),
    ('fullname', 'x' * 257, 'it has 257 characters, more than 256'),
    ('Phone', '1' * 64, None),
    ('Phone', '1' * 65, 'it has 65 characters, more than 64'),
    ('Company', 'c' * 65, 'it has 65 characters, more than 64'),
    ('Dept', 'd' * 64, None),
    ('Dept', 'd' * 65, 'it has 65 characters, more than 64'),
    ('City', 'c' * 128, None),
    ('City', 'c' * 129, 'it has 129 characters, more than 128'),
    ('Street', 's' * 1024, None),
    ('Street', 's' * 1025, 'it has 1025 characters, more than 1024'),
    ('Other', 'o' * 256, None),
    ('Other', 'o' * 257, 'it has 257 characters, more than 256'),
    ('Street', 'Via Roma 1\nScala B', None),
    ('City', 'Roma\nNord', 'it holds a control character'),
    ('fullname', 'Jo\x00hn', 'it holds a control character'),
    ('fullname', 'tab\there', 'it holds a control character'),
    ('Street', 'tab\there', 'it holds a control character'),
    ('Street', 'vt\x0bhere', 'it holds a control character'),
    ('Street', 'us\x1fhere', 'it holds a control character'),
    ('Phone', 'del\x7f', 'it holds a control character'),
    ('Company', 'Forlì & Cesena ~', None),
    ('City', ' ', None),
])
def test_check_value(prop, value, why):
    assert names.check_value(prop, value) == why


@pytest.mark.parametrize('value, expected', [('-3', 32), ('1', 1), (' 7 ', 7), (12, 12)])
def test_max_length_edges(value, expected):
    assert names.max_length(value) == expected
