"""accounts.apply with Destination mocked (pytest-mock); the homes are in test_homes.py."""

import io
import os
import stat

import pytest

from nethserver_migration import passwords
from nethserver_migration.actions import accounts, homes
from nethserver_migration.destination import CommandResult, Destination
from nethserver_migration.fileops import MergeResult
from nethserver_migration.report import Reporter
from tests.unit.test_accounts_plan import ACTIVE, LOCKED, NEVER, MD5, facts, user
from nethserver_migration.actions.accounts import SourceGroup


@pytest.fixture
def dest(mocker):
    d = mocker.create_autospec(Destination, instance=True)
    d.signal_event.return_value = True
    d.set_password_hash.return_value = True
    d.long_name.side_effect = lambda n: n + '@example.org'
    d.import_nt_hashes.return_value = CommandResult(0, '', '')
    return d


def reporter():
    return Reporter('test', stream=io.StringIO(), report_dir='/nonexistent')


def test_ldap_apply_order_state_and_no_hash_in_messages(dest):
    f = facts('ldap', [user('alice'), user('bob', LOCKED), user('carol', NEVER)],
              [SourceGroup('sales', '', ['alice', 'bob'])])
    rep = reporter()
    accounts.apply(accounts.plan(f), f, dest, rep)
    names = [c.args for c in dest.method_calls if c[0] in ('signal_event', 'set_password_hash',
                                                           'state_append')]
    assert names[:2] == [('accounts.state', 'create alice'),
                         ('user-create', 'alice', 'First Last')]
    assert ('alice', MD5) in names and ('bob', '!' + MD5) in names
    assert ('accounts.state', 'password alice') in names
    assert ('group-create', 'sales', 'alice', 'bob') in names
    text = rep.stream.getvalue()
    assert MD5 not in text and 'carol arrives locked' in text
    assert rep.errors == 0


def test_an_unexpected_os_error_fails_that_user_alone(dest):
    def signal(ev, *args):
        if ev == 'user-create' and args[0] == 'bob':
            raise OSError(7, 'Argument list too long')
        return True
    dest.signal_event.side_effect = signal
    f = facts('ldap', [user('alice'), user('bob'), user('carol')],
              [SourceGroup('sales', '', ['alice', 'bob', 'carol'])])
    rep = reporter()
    accounts.apply(accounts.plan(f), f, dest, rep)
    failed = [x for x in rep.findings if x.key == 'accounts.step-failed']
    assert [(x.severity, x.obj) for x in failed] == [('error', {'user': 'bob'})]
    assert 'Argument list too long' in failed[0].message
    dest.signal_event.assert_any_call('user-create', 'carol', 'First Last')
    dest.signal_event.assert_any_call('group-create', 'sales', 'alice', 'carol')
    assert ('bob', MD5) not in [c.args for c in dest.set_password_hash.call_args_list]
    assert rep.errors == 1


def test_failed_user_create_is_reported_and_left_out_of_groups(dest):
    dest.signal_event.side_effect = lambda ev, *a: not (ev == 'user-create' and a[0] == 'bob')
    f = facts('ldap', [user('alice'), user('bob')], [SourceGroup('sales', '', ['alice', 'bob'])])
    rep = reporter()
    accounts.apply(accounts.plan(f), f, dest, rep)
    assert rep.errors == 1 and 'user-create event failed for user bob' in rep.stream.getvalue()
    dest.signal_event.assert_any_call('group-create', 'sales', 'alice')
    assert ('bob', MD5) not in [c.args for c in dest.set_password_hash.call_args_list]
    assert ('accounts.state', 'password bob') not in [c.args for c in
                                                      dest.state_append.call_args_list]


def test_ad_nt_import_failure_locks_and_counts_errors(dest):
    dest.import_nt_hashes.return_value = CommandResult(1, '', 'boom')
    f = facts('ad', [user('alice')], present={'other': ''}, state={'adupgrade done'})
    rep = reporter()
    accounts.apply(accounts.plan(f), f, dest, rep)
    text = dest.import_nt_hashes.call_args[0][0]
    assert text.startswith('alice:5000:') and ACTIVE.nt in text
    dest.signal_event.assert_any_call('user-lock', 'alice@example.org')
    assert rep.errors == 1 and ACTIVE.nt not in rep.stream.getvalue()


def test_block_is_an_error_and_nothing_else(dest):
    f = facts('none', [user('alice')])
    rep = reporter()
    accounts.apply(accounts.plan(f), f, dest, rep)
    assert rep.errors == 1 and rep.findings[0].blocking
    assert dest.signal_event.call_count == 0


def _source_for_upgrade():
    from nethserver_migration.source import PasswdEntry, SmbpasswdEntry

    class Src(object):
        passwd = {'admin': PasswdEntry('admin', 'x', 101, 101, 'e-smith administrator',
                                       '/home/e-smith', '/bin/false'),
                  'alice': PasswdEntry('alice', 'x', 5001, 5001, 'Alice A', '/h', '/bin/false')}
        smbpasswd = {n: SmbpasswdEntry(n, uid, 'A' * 32, 'B' * 32, set('U'), 'LCT-0')
                     for n, uid in (('admin', 101), ('alice', 5001), ('bob', 5002),
                                    ('Guest', 5003))}
    return Src()


def test_adupgrade_passwd_has_a_line_for_smbpasswd_users_passwd_lacks():
    from nethserver_migration import adupgrade
    text = adupgrade.passwd_text(_source_for_upgrade(), {'carol'}, {'bob': 'Bob: B'})
    lines = text.splitlines()
    assert 'bob:x:5002:5002:Bob B:/home/e-smith/files/users/bob:/bin/false' in lines
    assert not any(l.lower().startswith('guest:') for l in lines)


def test_adupgrade_admin_carries_no_sme_hash():
    from nethserver_migration import adupgrade
    text = adupgrade.smbpasswd_text(_source_for_upgrade(), {'admin', 'alice'})
    admin = next(l for l in text.splitlines() if l.startswith('admin:'))
    assert admin.split(':')[2:5] == ['X' * 32, 'X' * 32, '[DU         ]']
    assert 'B' * 32 in next(l for l in text.splitlines() if l.startswith('alice:'))
    assert 'Guest' not in text and 'bob' not in text
