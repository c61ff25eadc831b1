"""accounts_names: which names become NethServer accounts, and the reason for the others."""

import pytest

from nethserver_migration import accounts_names as names

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
])
def test_check_user(name, rules, key):
    refusal = names.check_user(name, rules)
    assert (refusal.key if refusal else None) == key
    if refusal:
        assert name in refusal.reason and refusal.remediation


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
