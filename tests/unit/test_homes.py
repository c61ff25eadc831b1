"""homes: the plan as tables (which home goes where, owned by whom, on the accounts
Decision), read on a saved Decision, and apply against the FakeDestination."""

import io
import os
import stat

import pytest

from nethserver_migration import steps
from nethserver_migration.actions import accounts, homes
from nethserver_migration.fileops import MergeResult
from nethserver_migration.report import Reporter
from nethserver_migration.source import SourceTree
from nethserver_migration.steps import Count, Note
from tests.unit.fakes import FakeDestination, Passwd, dir_stat


def reporter():
    return Reporter('test', stream=io.StringIO(), report_dir='/nonexistent')


def decision(provider='ldap', users=('a',), created=(), refused=(), blocked=False):
    return accounts.Decision(provider, blocked, list(users), list(refused),
                             sorted(set(users) | set(refused)), list(created), {})


PW = Passwd('a', 'x', 1001, 1000, '', '/var/lib/nethserver/home/a', '/bin/bash')


def kinds(planned):
    """What each step is: a typed step's op, a note's key (or 'info'), a count's label."""
    out = []
    for s in planned:
        if isinstance(s, Note):
            out.append(s.key or s.severity)
        elif isinstance(s, Count):
            out.append(s.label)
        else:
            out.append(s.op)
    return out


@pytest.mark.parametrize('home, created, provider, kind', [
    (homes.Home('a', '/s/a', True, PW, None), (), 'ldap', 'merge'),
    (homes.Home('a', '/s/a', True, PW, dir_stat(1001)), (), 'ldap', 'merge'),
    (homes.Home('a', '/s/a', True, PW, dir_stat(1234)), (), 'ldap', 'homes.home-clash'),
    (homes.Home('a', '/s/a', True, PW, os.stat_result((stat.S_IFLNK | 0o777, 0, 0, 1, 1001,
                                                       0, 0, 0, 0, 0))),
     (), 'ldap', 'homes.home-clash'),
    (homes.Home('a', '/s/a', False, PW, None), (), 'ldap', 'users without a home on the source'),
    # not known yet, created by the accounts action
    (homes.Home('a', '/s/a', True, None, None), ('a',), 'ldap', 'after-create'),
    # not known and not one accounts creates (it was there, or the domain lacks it)
    (homes.Home('a', '/s/a', True, None, None), (), 'ldap', 'homes.user-unknown'),
    (homes.Home('a', '/s/a', True, None, None), ('a',), 'remote-ad', 'homes.user-unknown'),
    (homes.Home('a', None, 'unsafe', None, None), (), 'ldap', 'homes.unsafe-path'),
])
def test_homes_plan(home, created, provider, kind):
    facts = homes.Facts(decision(provider, created=created), [home], ['orphan'], ['root2'])
    planned = homes.plan(facts)
    assert kinds(planned) == [kind, 'homes of skipped users left in the staging tree',
                              'homes.orphan', 'info']
    if kind == 'merge':
        assert planned[0] == homes.HomeMerge('a', '/s/a', '/var/lib/nethserver/home/a',
                                             (1001, 1000))
    if kind == 'homes.user-unknown':
        assert planned[0].severity == ('warning' if provider == 'remote-ad' else 'error')
        assert planned[0].obj == {'user': 'a'}
    if kind == 'homes.home-clash':
        assert planned[0].severity == 'warning' and planned[0].obj == {'user': 'a'}
    assert planned[2].obj == {'home': 'orphan'} and planned[2].severity == 'notice'


def test_homes_blocked_when_accounts_blocked():
    planned = homes.plan(homes.Facts(decision(blocked=True), [], [], []))
    assert [(s.severity, s.key) for s in planned] == [('notice', None)]
    assert 'the accounts could not be migrated' in planned[0].message


def test_homes_apply_merge_excludes_mail_and_reports_conflicts():
    result = MergeResult()
    result.linked = ['/h/a/x']
    result.conflicts = [('/h/a/y', '/h/a/y.migrated')]
    result.skipped = [('/s/a/link', 'symlink pointing outside the tree (/etc), not followed')]
    result.errors = [('/s/a/z', 'Permission denied')]
    dest = FakeDestination(answers={'merge_tree': result})
    rep = reporter()
    assert steps.apply([homes.HomeMerge('a', '/s/a', '/h/a', (1, 2))], dest, rep) == 1
    assert dest.calls == [('merge_tree', '/s/a', '/h/a', (1, 2))]
    # the mail concern's files left out; a home directory made here is private
    assert dest.merge_options == [('/h/a', ('Maildir', 'sieve', '.dovecot.sieve', '.qmail'),
                                   True, 0o700)]
    assert [(f.key, f.severity, f.obj) for f in rep.findings] == [
        ('homes.file-conflict', 'notice', {'user': 'a', 'file': '/h/a/y'}),
        ('homes.file-skipped', 'notice', {'user': 'a', 'file': '/s/a/link'}),
        ('homes.file-failed', 'error', {'user': 'a', 'file': '/s/a/z'})]
    assert rep.counts == {'homes migrated': 1, 'home files placed': 1}


def test_a_failed_merge_fails_that_home_alone():
    dest = FakeDestination(fail={('merge_tree', '/s/a')})
    rep = reporter()
    steps.apply([homes.HomeMerge('a', '/s/a', '/h/a', (1, 2)),
                 homes.HomeMerge('b', '/s/b', '/h/b', (3, 4))], dest, rep)
    assert [c[1] for c in dest.calls] == ['/s/a', '/s/b']
    assert rep.errors == 1 and rep.counts['homes migrated'] == 1


def test_a_home_whose_user_is_still_unknown_at_the_import_is_an_error():
    rep = reporter()
    assert steps.apply([homes.WaitsForUser('a', '/s/a')], FakeDestination(), rep) == 0
    assert [(x.key, x.severity, x.obj) for x in rep.findings] == [
        ('homes.user-unknown', 'error', {'user': 'a'})]
    # migration-check says nothing of it: it is not a reporting step
    assert steps.reporting([homes.WaitsForUser('a', '/s/a')]) == []


def test_read_takes_the_saved_decision_and_looks_up_only_its_users(sme_tree):
    users = sme_tree / 'home' / 'e-smith' / 'files' / 'users'
    for name in ('a', 'skipped', 'stray'):
        (users / name).mkdir(parents=True)
    dest = FakeDestination(users={'a': PW})
    dest.json[accounts.DECISION] = decision(users=('a',), refused=('skipped',))._asdict()
    looked_up = []
    dest.getpwnam = lambda n: looked_up.append(n) or PW
    facts = homes.read(SourceTree(str(sme_tree)), dest)
    assert looked_up == ['a']           # no gathering of every account again
    assert [h.user for h in facts.homes] == ['a'] and facts.refused == ['skipped']
    assert facts.orphans == ['stray']


def test_gather_homes_unsafe_names_links_and_missing_homes(sme_tree, tmp_path_factory):
    users = sme_tree / 'home' / 'e-smith' / 'files' / 'users'
    (users / 'a').mkdir(parents=True)
    outside = tmp_path_factory.mktemp('out')
    os.symlink(str(outside), str(users / 'out'))
    os.symlink('a', str(users / 'linked'))
    st = dir_stat(0o700)
    dest = FakeDestination(users={'a': PW},
                           stats={'/var/lib/nethserver/home/a': st})
    got = homes.gather_homes(SourceTree(str(sme_tree)), dest,
                             ['a', 'linked', 'gone', 'x/y', 'out'])
    assert got[0] == homes.Home('a', str(users / 'a'), True, PW, st)
    assert got[1] == homes.Home('linked', str(users / 'linked'), False, None, None)
    assert got[2] == homes.Home('gone', str(users / 'gone'), False, None, None)
    assert got[3] == homes.Home('x/y', None, "unsafe user name 'x/y': it cannot be used as "
                                'a file name', None, None)
    assert got[4] == homes.Home('out', None, '{} points outside {} (to {})'.format(
        users / 'out', sme_tree, os.path.realpath(str(outside))), None, None)


def test_no_users_directory_no_orphans(sme_tree):
    assert homes.orphans(SourceTree(str(sme_tree)), set()) == []


def test_read_on_a_blocked_decision_gathers_nothing(sme_tree):
    (sme_tree / 'home' / 'e-smith' / 'files' / 'users' / 'a').mkdir(parents=True)
    dest = FakeDestination(users={'a': PW})
    dest.json[accounts.DECISION] = decision(blocked=True)._asdict()
    facts = homes.read(SourceTree(str(sme_tree)), dest)
    assert facts == homes.Facts(decision(blocked=True), [], [], [])


def test_read_without_a_saved_decision_asks_the_accounts_concern(sme_tree, monkeypatch):
    """migration-check applies nothing: the accounts concern decides on the spot."""
    (sme_tree / 'home' / 'e-smith' / 'files' / 'users' / 'a').mkdir(parents=True)
    asked = []
    monkeypatch.setattr(accounts, 'read', lambda source, dest: asked.append('read') or 'facts')
    monkeypatch.setattr(accounts, 'decision',
                        lambda facts: asked.append(facts) or decision(users=('a',)))
    facts = homes.read(SourceTree(str(sme_tree)), FakeDestination(users={'a': PW}))
    assert asked == ['read', 'facts']
    assert [h.user for h in facts.homes] == ['a'] and facts.orphans == []


def notes(planned):
    return [(s.key, s.severity, s.message, s.obj, s.remediation) for s in planned
            if isinstance(s, Note)]


def test_the_plan_says_word_for_word():
    clash = os.stat_result((stat.S_IFREG | 0o644, 0, 0, 1, 0, 0, 0, 0, 0, 0))
    facts = homes.Facts(decision('ldap', users=('a', 'b', 'c', 'd')), [
        homes.Home('a', None, "unsafe user name 'a/b'", None, None),
        homes.Home('b', '/s/b', True, None, None),
        homes.Home('c', '/s/c', True, PW._replace(pw_name='c'), dir_stat(1234)),
        homes.Home('d', '/s/d', True, PW._replace(pw_name='d'), clash)], ['stray'], [])
    assert notes(homes.plan(facts)) == [
        ('homes.unsafe-path', 'error', "home of user a not migrated: unsafe user name 'a/b'",
         {'user': 'a'}, None),
        ('homes.user-unknown', 'error', 'home of user b not migrated: the destination does '
         'not know the user', {'user': 'b'}, "see the accounts action's lines about this "
         "user; run the import again once the user exists"),
        ('homes.home-clash', 'warning', 'home of user c not migrated: '
         '/var/lib/nethserver/home/c already exists and belongs to uid 1234', {'user': 'c'},
         'move that path away, then run the import again'),
        ('homes.home-clash', 'warning', 'home of user d not migrated: '
         '/var/lib/nethserver/home/d already exists and is not a directory', {'user': 'd'},
         'move that path away, then run the import again'),
        ('homes.orphan', 'notice', 'home/e-smith/files/users/stray belongs to no user account '
         'on the source: not migrated', {'home': 'stray'},
         'copy what you need from the staging tree by hand'),
        (None, 'info', "admin's SME home is /home/e-smith (the server's own data): not "
         "copied; its mailbox is the mail concern's", {}, None)]
    (blocked,) = homes.plan(homes.Facts(decision(blocked=True), [], [], []))
    assert blocked.message == "homes not migrated: the accounts could not be migrated (see " \
        "the accounts action's blocking finding)"
    assert merges(homes.plan(homes.Facts(decision(), [
        homes.Home('a', '/s/a', True, PW, None)], [], []))) == [('a', (1001, 1000))]


def merges(planned):
    return [(s.name, s.owner) for s in planned if isinstance(s, homes.HomeMerge)]


def test_the_merge_says_word_for_word_and_changes_only_when_it_placed():
    result = MergeResult()
    result.conflicts = [('/h/a/y', '/h/a/sub/y.migrated')]
    result.skipped = [('/s/a/l', 'a symlink')]
    result.errors = [('/s/a/z', 'Permission denied')]
    dest = FakeDestination(answers={'merge_tree': result})
    rep = reporter()
    assert steps.apply([homes.HomeMerge('a', '/s/a', '/h/a', (1, 2))], dest, rep) == 0
    assert [(f.key, f.message, f.remediation) for f in rep.findings] == [
        ('homes.file-conflict', "user a: /h/a/y was already there and is kept; the source's "
         "copy is y.migrated", 'compare the two and keep the one you want'),
        ('homes.file-skipped', 'user a: /s/a/l not copied: a symlink', ''),
        ('homes.file-failed', 'user a: /s/a/z: Permission denied', '')]
    assert rep.counts == {'homes migrated': 1, 'home files placed': 0}
    assert homes.HomeMerge.progress == 'homes'
