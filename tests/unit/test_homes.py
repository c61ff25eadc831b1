"""homes: plan as tables (which home goes where, owned by whom) and apply with
Destination mocked."""

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


from tests.unit.test_accounts_apply import dest, reporter  # noqa: F401


class PW(object):
    def __init__(self, uid, gid):
        self.pw_uid, self.pw_gid = uid, gid


def st(uid, mode=stat.S_IFDIR | 0o700):
    return os.stat_result((mode, 0, 0, 1, uid, 0, 0, 0, 0, 0))


@pytest.mark.parametrize('home, op', [
    (homes.Home('a', '/s/a', True, PW(1001, 1000), None), 'merge'),
    (homes.Home('a', '/s/a', True, PW(1001, 1000), st(1001)), 'merge'),
    (homes.Home('a', '/s/a', True, PW(1001, 1000), st(1234)), 'clash'),
    (homes.Home('a', '/s/a', True, PW(1001, 1000), st(1001, stat.S_IFLNK | 0o777)), 'clash'),
    (homes.Home('a', '/s/a', False, PW(1001, 1000), None), 'no-source-home'),
    # not known yet, not on the destination before: the accounts action creates it
    (homes.Home('a', '/s/a', True, None, None), 'after-create'),
    (homes.Home('a', None, 'unsafe', None, None), 'unsafe'),
])
def test_homes_plan(home, op):
    steps = homes.plan(facts('ldap'), [home], ['orphan'], ['administrator'])
    assert [s.op for s in steps] == [op, 'refused-home', 'orphan', 'admin-home']
    if op == 'merge':
        assert steps[0].args['owner'] == (1001, 1000)
        assert steps[0].args['dst'] == '/var/lib/nethserver/home/a'


def test_homes_blocked_when_accounts_blocked():
    assert [s.op for s in homes.plan(facts('none'), [])] == ['blocked']


def test_homes_apply_merge_excludes_mail_and_reports_conflicts(dest):
    result = MergeResult()
    result.linked = ['/h/a/x']
    result.conflicts = [('/h/a/y', '/h/a/y.migrated')]
    result.skipped = [('/s/a/link', 'symlink pointing outside the tree (/etc), not followed')]
    dest.merge_tree.return_value = result
    rep = reporter()
    homes.apply([accounts.Step('merge', 'a', dict(src='/s/a', dst='/h/a', owner=(1, 2)))],
                dest, rep)
    dest.merge_tree.assert_called_once_with('/s/a', '/h/a', owner=(1, 2),
                                            exclude=homes.EXCLUDE, dir_mode=0o700)
    assert {'Maildir', 'sieve', '.dovecot.sieve'} <= set(homes.EXCLUDE)
    assert [f.key for f in rep.findings] == ['homes.file-conflict', 'homes.file-skipped']


# --------------------------------------------------------------------------------------
# classic upgrade files (adupgrade)

def test_a_home_whose_user_is_still_unknown_at_the_import_is_an_error(dest):
    # present on the destination but not resolvable, or remote: no-user; created by the
    # accounts action but still unknown when the homes run: its creation failed
    f = facts('ldap', present={'b': 'B'})
    steps = homes.plan(f, [homes.Home('a', '/s/a', True, None, None),
                           homes.Home('b', '/s/b', True, None, None)])
    assert [(s.op, s.name) for s in steps][:2] == [('after-create', 'a'), ('no-user', 'b')]
    rep = reporter()
    homes.apply(steps, dest, rep)
    assert [(x.key, x.severity, x.obj) for x in rep.findings] == [
        ('homes.user-unknown', 'error', {'user': 'a'}),
        ('homes.user-unknown', 'error', {'user': 'b'})]
