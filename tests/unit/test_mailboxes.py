"""Mailboxes: the Maildir helpers, fileops.merge_maildir as mbsync-style tables (source
mailbox, destination mailbox before -> destination after), interrupted runs, and the plan."""

import os
import stat

import pytest

from nethserver_migration import fileops, maildir
from nethserver_migration.actions import accounts, mailboxes
from nethserver_migration.source import SourceTree
from nethserver_migration.steps import Count, Note
from tests.unit.fakes import FakeDestination, Passwd

ME = (os.getuid(), os.getgid())


# -- the helpers -------------------------------------------------------------------------

@pytest.mark.parametrize('name, out', [
    ('1300000037.1000_0.host:2,S', '1300000037.1000_0.host'),
    ('1300000037.1000_0.host:2,', '1300000037.1000_0.host'),
    ('1300000037.1000_0.host', '1300000037.1000_0.host'),
    ('1300000037.1000_0.host!2,RS', '1300000037.1000_0.host'),
    ('a:b.host:2,S', 'a:b.host'), ('x,S=123:2,FS', 'x,S=123')])
def test_base(name, out):
    assert maildir.base(name) == out


@pytest.mark.parametrize('text, expected', [
    ('3 V1300 N4 G00ab\n1 :a\n2 :b\n3 W123 :c:2,S\n', maildir.UidList(1300, 4, [(1, 'a'), (2, 'b'), (3, 'c')])),
    ('1 1300 3\n1 a\n2 b\n', maildir.UidList(1300, 3, [(1, 'a'), (2, 'b')])),
    ('3 V7 N2\n9 :z\n', maildir.UidList(7, 10, [(9, 'z')])),           # next above every uid
    ('3 V7 N2\nbroken\n\nx :y\n1 :a\n', maildir.UidList(7, 2, [(1, 'a')])),
    ('', None), ('2 x y\n', None), ('3 N2\n', None), ('1 x 2\n', None)])
def test_parse_uidlist(text, expected):
    assert maildir.parse_uidlist(text) == expected


def test_courier_uids_format_and_merge():
    uids = maildir.parse_courier_uids('1 1200 3\na:2,S 1\nb 2\nbad\n')
    assert uids == maildir.UidList(1200, 3, [(1, 'a'), (2, 'b')])
    assert maildir.parse_courier_uids('3 V1 N2\n') is None
    assert maildir.parse_courier_uids('') is None
    assert maildir.format_uidlist(uids) == '3 V1200 N3\n1 :a\n2 :b\n'
    # no destination list: the source's uids, new ones above its next
    assert maildir.merged_uidlist(None, uids, ['b', 'a', 'c']) == maildir.UidList(
        1200, 4, [(1, 'a'), (2, 'b'), (3, 'c')])
    # a destination list: kept, the placed ones appended above its next
    dst = maildir.UidList(55, 8, [(7, 'x')])
    assert maildir.merged_uidlist(dst, uids, ['a', 'x']) == maildir.UidList(
        55, 9, [(7, 'x'), (8, 'a')])
    assert maildir.merged_uidlist(None, None, ['a']) is None


def test_subscriptions_and_acls():
    assert maildir.subscriptions('Sent\n\nINBOX\nSent\nTrash\n') == ['Sent', 'Trash']
    assert maildir.subscriptions('INBOX.Sent\nINBOX.junkmail\n', courier=True) == [
        'Sent', 'junkmail']
    assert maildir.rewrite_acl('user=alice lrwstipekxa\nuser=bob@x.org lr\n'
                               'group=sales lr\nanyone l\n', 'd.org') == (
        'user=alice@d.org lrwstipekxa\nuser=bob@x.org lr\ngroup=sales lr\nanyone l\n')


# -- merge_maildir: tables -----------------------------------------------------------------

def build(root, spec):
    """spec: {folder: {'cur/name' or 'new/name': body, 'dovecot-uidlist': text, ...}}"""
    for folder, files in spec.items():
        path = os.path.join(root, folder) if folder else root
        for sub in ('cur', 'new', 'tmp'):
            os.makedirs(os.path.join(path, sub), exist_ok=True)
        for name, body in files.items():
            with open(os.path.join(path, name), 'w') as f:
                f.write(body)


def snapshot(root):
    """{folder: {relative file: body}} of a Maildir (messages and the files we write)."""
    out = {}
    for folder in fileops.maildir_folders(root):
        path = os.path.join(root, folder) if folder else root
        files = {}
        for sub in ('cur', 'new', 'tmp'):
            for name in sorted(os.listdir(os.path.join(path, sub))):
                files['{}/{}'.format(sub, name)] = open(os.path.join(path, sub, name)).read()
        for name in ('dovecot-uidlist', 'dovecot-acl', 'maildirfolder'):
            if os.path.exists(os.path.join(path, name)):
                files[name] = open(os.path.join(path, name)).read()
        out[folder] = files
    if os.path.exists(os.path.join(root, 'subscriptions')):
        out['subscriptions'] = open(os.path.join(root, 'subscriptions')).read()
    return out


CASES = [
    # (name, source, destination before, folder map, destination after)
    ('fresh: the source as it is, its uids kept',
     {'': {'cur/a:2,S': 'A', 'new/b': 'B', 'dovecot-uidlist': '3 V100 N3\n1 :a\n2 :b\n'},
      '.Sent': {'cur/s:2,S': 'S', 'dovecot-uidlist': '1 200 2\n1 s\n'}},
     None, {},
     {'': {'cur/a:2,S': 'A', 'new/b': 'B', 'dovecot-uidlist': '3 V100 N3\n1 :a\n2 :b\n'},
      '.Sent': {'cur/s:2,S': 'S', 'dovecot-uidlist': '3 V200 N2\n1 :s\n', 'maildirfolder': ''}}),
    ('merge: the destination received mail first; nothing lost, nothing twice',
     {'': {'cur/a:2,S': 'A', 'cur/b:2,': 'B', 'dovecot-uidlist': '3 V100 N3\n1 :a\n2 :b\n'}},
     {'': {'new/z': 'Z', 'cur/a:2,RS': 'A', 'dovecot-uidlist': '3 V900 N3\n1 :a\n2 :z\n'}}, {},
     {'': {'cur/a:2,RS': 'A', 'cur/b:2,': 'B', 'new/z': 'Z',
           'dovecot-uidlist': '3 V900 N4\n1 :a\n2 :z\n3 :b\n'}}),
    ('a flag changed on the source since the last run: matched by name, not copied again',
     {'': {'cur/a:2,FS': 'A'}}, {'': {'cur/a:2,S': 'A'}}, {}, {'': {'cur/a:2,S': 'A'}}),
    ('junkmail into the spam folder, subscriptions renamed and merged',
     {'': {'cur/a:2,S': 'A', 'subscriptions': 'junkmail\nSent\n'},
      '.junkmail': {'cur/j:2,S': 'J'}, '.Sent': {}},
     {'': {'subscriptions': 'Junk\nArchive\n'}}, {'.junkmail': '.Junk'},
     {'': {'cur/a:2,S': 'A'}, '.Junk': {'cur/j:2,S': 'J', 'maildirfolder': ''},
      '.Sent': {'maildirfolder': ''}, 'subscriptions': 'Junk\nArchive\nSent\n'}),
    ('Courier (SME 7): its uid list converted, its subscriptions too',
     {'': {'cur/a:2,S': 'A', 'courierimapuiddb': '1 300 2\na 1\n',
           'courierimapsubscribed': 'INBOX.Sent\n'}, '.Sent': {}},
     None, {},
     {'': {'cur/a:2,S': 'A', 'dovecot-uidlist': '3 V300 N2\n1 :a\n'},
      '.Sent': {'maildirfolder': ''}, 'subscriptions': 'Sent\n'}),
    ('IMAP ACLs: short names made long',
     {'': {}, '.Shared': {'cur/m:2,': 'M', 'dovecot-acl': 'user=bob lr\n'}}, None, {},
     {'': {}, '.Shared': {'cur/m:2,': 'M', 'dovecot-acl': 'user=bob@d.org lr\n',
                          'maildirfolder': ''}}),
    ('no uid list anywhere: none invented (Dovecot assigns them)',
     {'': {'new/n': 'N'}}, None, {}, {'': {'new/n': 'N'}}),
]


@pytest.mark.parametrize('name, src, before, folder_map, after', CASES,
                         ids=[c[0] for c in CASES])
def test_merge_maildir(tmp_path, name, src, before, folder_map, after):
    source, dest = str(tmp_path / 'src' / 'Maildir'), str(tmp_path / 'dst' / 'Maildir')
    build(source, src)
    if before is not None:
        build(dest, before)
    staged = snapshot(source)
    result = fileops.merge_maildir(source, dest, ME, folder_map=folder_map, domain='d.org')
    assert snapshot(dest) == after
    assert snapshot(source) == staged                 # the staging tree stays whole
    # a second run places nothing and changes nothing
    again = fileops.merge_maildir(source, dest, ME, folder_map=folder_map, domain='d.org')
    assert (again.placed, snapshot(dest)) == (0, after)
    assert again.unchanged == result.placed + result.unchanged


def test_modes_links_and_what_is_refused(tmp_path):
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    build(source, {'': {'cur/a:2,S': 'A'}})
    os.symlink('/etc/passwd', os.path.join(source, 'cur', 'evil:2,S'))
    os.mkfifo(os.path.join(source, 'new', 'fifo'))
    secret = tmp_path / 'secret'
    secret.write_text('outside')
    os.link(str(secret), os.path.join(source, 'cur', 'hard:2,S'))
    result = fileops.merge_maildir(source, dest, ME)
    assert sorted(os.listdir(os.path.join(dest, 'cur'))) == ['a:2,S']
    assert sorted(os.path.basename(p) for p, _w in result.skipped) == [
        'evil:2,S', 'fifo', 'hard:2,S']
    st = os.stat(os.path.join(dest, 'cur', 'a:2,S'))
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert st.st_ino == os.stat(os.path.join(source, 'cur', 'a:2,S')).st_ino   # linked
    for sub in ('', 'cur', 'new', 'tmp'):
        assert stat.S_IMODE(os.stat(os.path.join(dest, sub)).st_mode) == 0o700
    assert (result.placed, result.bytes, result.folders) == (1, 1, ['INBOX'])


def test_copies_through_tmp_when_it_cannot_link(tmp_path):
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    build(source, {'': {'cur/a:2,S': 'A'}})
    fileops.merge_maildir(source, dest, ME, link=False)
    assert os.stat(os.path.join(dest, 'cur', 'a:2,S')).st_ino != \
        os.stat(os.path.join(source, 'cur', 'a:2,S')).st_ino
    assert os.listdir(os.path.join(dest, 'tmp')) == []


def test_what_is_refused_says_why_and_the_rest_goes_on(tmp_path):
    # each refused message sorts before a good one: the good ones are still placed
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    build(source, {'': {'cur/b:2,S': 'B', 'cur/d:2,S': 'D', 'new/f': 'F'}})
    os.symlink('/etc/passwd', os.path.join(source, 'cur', 'a:2,S'))
    secret = tmp_path / 'secret'
    secret.write_text('outside')
    os.link(str(secret), os.path.join(source, 'cur', 'c:2,S'))
    os.mkfifo(os.path.join(source, 'new', 'e'))
    result = fileops.merge_maildir(source, dest, ME)
    assert sorted(os.listdir(os.path.join(dest, 'cur'))) == ['b:2,S', 'd:2,S']
    assert os.listdir(os.path.join(dest, 'new')) == ['f']
    assert result.skipped == [
        (os.path.join(source, 'cur', 'a:2,S'),
         'not a regular file (a symlink or a special file): not copied'),
        (os.path.join(source, 'new', 'e'),
         'not a regular file (a symlink or a special file): not copied'),
        (os.path.join(source, 'cur', 'c:2,S'),
         'a hard link to a file outside the mailbox: not migrated')]
    assert (result.placed, result.errors) == (3, [])


def test_a_message_that_cannot_be_placed_fails_alone(tmp_path):
    # a copy goes through tmp/ under a longer name: a 250-byte name cannot, the next can
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    long_name = 'a' * 246 + ':2,S'
    build(source, {'': {'cur/' + long_name: 'L', 'cur/b:2,S': 'B'}})
    result = fileops.merge_maildir(source, dest, ME, link=False)
    assert os.listdir(os.path.join(dest, 'cur')) == ['b:2,S']
    assert [(p, 'too long' in why) for p, why in result.errors] == [
        (os.path.join(source, 'cur', long_name), True)]
    assert (result.placed, result.bytes, os.listdir(os.path.join(dest, 'tmp'))) == (1, 1, [])


def test_undecodable_bytes_in_its_text_files_are_kept(tmp_path):
    # a Latin-1 folder name in the subscriptions, a Latin-1 keyword: carried byte for byte
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    build(source, {'': {'cur/a:2,S': 'A'}})
    with open(os.path.join(source, 'subscriptions'), 'wb') as f:
        f.write(b'Caf\xe9\nSent\n')
    with open(os.path.join(source, 'dovecot-keywords'), 'wb') as f:
        f.write(b'0 \xe9t\xe9\n')
    fileops.merge_maildir(source, dest, ME)
    with open(os.path.join(dest, 'subscriptions'), 'rb') as f:
        assert f.read() == b'Caf\xe9\nSent\n'
    with open(os.path.join(dest, 'dovecot-keywords'), 'rb') as f:
        assert f.read() == b'0 \xe9t\xe9\n'
    st = os.stat(os.path.join(dest, 'dovecot-keywords'))
    assert (stat.S_IMODE(st.st_mode), st.st_uid) == (0o600, ME[0])


def test_a_destination_uid_list_it_cannot_read_is_left_to_dovecot(tmp_path):
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    build(source, {'': {'cur/a:2,S': 'A', 'dovecot-uidlist': '3 V100 N2\n1 :a\n'}})
    build(dest, {'': {'dovecot-uidlist': 'garbage\n'}})
    fileops.merge_maildir(source, dest, ME)
    assert open(os.path.join(dest, 'dovecot-uidlist')).read() == 'garbage\n'
    assert os.listdir(os.path.join(dest, 'cur')) == ['a:2,S']


# -- the plan -------------------------------------------------------------------------------

def facts(sources, spam='Junk', installed=True, owner=(990, 987)):
    return mailboxes.Facts('/src', installed, 'd.org', owner, spam, sources)


def test_plan():
    sources = [mailboxes.Source('admin', '/s/Maildir', None, None, None),
               mailboxes.Source('alice', '/s/a/Maildir', '/s/a/sieve', 'roundcube.sieve', None),
               mailboxes.Source('bob', None, None, None, None),
               mailboxes.Source('bad', None, None, None, 'outside the tree')]
    steps = mailboxes.plan(facts(sources))
    assert steps == [
        mailboxes.MailboxMerge('admin', '/s/Maildir', '/var/lib/nethserver/vmail/admin@d.org',
                               {'.junkmail': '.Junk'}, None, None, (990, 987), 'd.org'),
        mailboxes.MailboxMerge('alice', '/s/a/Maildir', '/var/lib/nethserver/vmail/alice@d.org',
                               {'.junkmail': '.Junk'}, '/s/a/sieve', 'roundcube.sieve',
                               (990, 987), 'd.org'),
        Count('users without a mailbox on the source'),
        Note('error', 'mailboxes.unsafe-path', 'mailbox of bad not migrated: outside the tree',
             {'user': 'bad'}, None, ())]
    kept = mailboxes.plan(facts(sources[:2], spam=''))
    assert [(s.key, s.severity) for s in kept if isinstance(s, Note)] == [
        ('mailboxes.junkmail-kept', 'notice')]
    assert all(s.folder_map == {} for s in kept if isinstance(s, mailboxes.MailboxMerge))
    assert [s.key for s in mailboxes.plan(facts(sources, installed=False))] == ['module.missing']
    assert [s.key for s in mailboxes.plan(facts(sources, owner=None))] == ['mailboxes.no-vmail']


def test_read_on_the_decision(sme_tree):
    users = sme_tree / 'home' / 'e-smith' / 'files' / 'users'
    (users / 'alice' / 'Maildir' / 'cur').mkdir(parents=True)
    (users / 'alice' / 'sieve').mkdir()
    (users / 'alice' / 'sieve' / 'r.sieve').write_text('keep;')
    os.symlink('sieve/r.sieve', str(users / 'alice' / '.dovecot.sieve'))
    (sme_tree / 'home' / 'e-smith' / 'Maildir' / 'new').mkdir(parents=True)
    dest = FakeDestination(users={'vmail': Passwd('vmail', 'x', 990, 987, '', '/v', '/n')})
    dest.json[accounts.DECISION] = accounts.Decision('ldap', False, ['alice', 'bob'], [],
                                                     ['alice', 'bob'], [], {})._asdict()
    state = mailboxes.read(SourceTree(str(sme_tree)), dest)
    tree = str(sme_tree)
    assert state.sources == [
        mailboxes.Source('admin', tree + '/home/e-smith/Maildir', None, None, None),
        mailboxes.Source('alice', tree + '/home/e-smith/files/users/alice/Maildir',
                         tree + '/home/e-smith/files/users/alice/sieve', 'r.sieve', None),
        mailboxes.Source('bob', None, None, None, None)]
    assert (state.owner, state.domain, state.installed) == ((990, 987), 'example.org', True)


def test_a_run_killed_before_its_uid_list_is_completed_by_the_next(tmp_path):
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    build(source, {'': {'cur/a:2,S': 'A', 'cur/b:2,S': 'B',
                        'dovecot-uidlist': '3 V100 N9\n7 :a\n8 :b\n'}})
    # what a killed run left: the messages placed, no uid list yet
    build(dest, {'': {'cur/a:2,S': 'A'}})
    fileops.merge_maildir(source, dest, ME)
    assert open(os.path.join(dest, 'dovecot-uidlist')).read() == '3 V100 N9\n7 :a\n8 :b\n'
    # and a destination list that lacks a message placed by the killed run gets it
    build(dest, {'': {'cur/c:2,': 'C', 'dovecot-uidlist': '3 V100 N9\n7 :a\n8 :b\n'}})
    fileops.merge_maildir(source, dest, ME)
    assert open(os.path.join(dest, 'dovecot-uidlist')).read() == \
        '3 V100 N10\n7 :a\n8 :b\n9 :c\n'


def test_the_edges_of_the_uid_lists_and_subscriptions():
    # a v1 list names files by base; a name with its info is cut at ':2,'
    assert maildir.parse_uidlist('1 5 2\n1 a:2,S\n') == maildir.UidList(5, 2, [(1, 'a')])
    assert maildir.parse_courier_uids('1 x 3\na 1\n') is None
    assert maildir.parse_courier_uids('1 300 1\na 5\n') == maildir.UidList(300, 6, [(5, 'a')])
    assert maildir.subscriptions('INBOX.x\n') == ['INBOX.x']          # Dovecot's: as it is
    assert maildir.subscriptions('INBOX.x\nINBOX\n', courier=True) == ['x']


# -- the handler, against the FakeDestination ----------------------------------------------

def mailbox_result(placed=0, unchanged=0, size=0, skipped=(), errors=()):
    result = fileops.MailboxResult()
    result.placed, result.unchanged, result.bytes = placed, unchanged, size
    result.skipped, result.errors = list(skipped), list(errors)
    return result


def merged(placed):
    result = fileops.MergeResult()
    result.linked = ['/x'] * placed
    return result


def test_the_handler_merges_the_mailbox_the_sieve_and_the_link():
    import io
    from nethserver_migration import steps
    from nethserver_migration.report import Reporter
    dest = FakeDestination(answers={
        'merge_maildir': mailbox_result(3, 2, 300, skipped=[('/s/cur/l', 'a symlink')],
                                        errors=[('/s/cur/e', 'EIO')]),
        'merge_tree': merged(2)})
    rep = Reporter('m', stream=io.StringIO(), report_dir='/nonexistent')
    step = mailboxes.MailboxMerge('alice', '/s/Maildir', '/v/alice@d.org', {'.junkmail': '.Junk'},
                                  '/s/sieve', 'r.sieve', (990, 987), 'd.org')
    assert steps.apply([step], dest, rep) == 1
    assert dest.calls == [
        ('mailbox_home', '/v/alice@d.org', (990, 987)),
        ('merge_maildir', '/s/Maildir', '/v/alice@d.org/Maildir', (990, 987),
         {'.junkmail': '.Junk'}, 'd.org'),
        ('merge_tree', '/s/sieve', '/v/alice@d.org/sieve', (990, 987)),
        ('make_private', '/v/alice@d.org/sieve', (990, 987)),
        ('active_sieve', '/v/alice@d.org', 'r.sieve', (990, 987))]
    assert rep.counts == {'mailboxes migrated': 1, 'messages placed': 3,
                          'messages already there': 2, 'bytes of mail placed': 300,
                          'sieve scripts placed': 2, 'active sieve scripts': 1}
    assert [(f.key, f.severity, f.obj, f.message) for f in rep.findings] == [
        ('mailboxes.file-skipped', 'notice', {'user': 'alice', 'file': '/s/cur/l'},
         'mailbox of alice: /s/cur/l: a symlink'),
        ('mailboxes.file-failed', 'error', {'user': 'alice', 'file': '/s/cur/e'},
         'mailbox of alice: /s/cur/e: EIO')]
    assert rep.findings[1].remediation == ('fix the cause and run the import again: messages '
                                           'already placed are not copied twice')


@pytest.mark.parametrize('maildir, sieve_placed, changed', [
    (None, 0, 0), (None, 1, 1), (None, 2, 1), ('/s/M', 1, 1)])
def test_what_changed_with_sieve_scripts(maildir, sieve_placed, changed):
    import io
    from nethserver_migration import steps
    from nethserver_migration.report import Reporter
    dest = FakeDestination(answers={'merge_maildir': mailbox_result(0),
                                    'merge_tree': merged(sieve_placed)})
    rep = Reporter('m', stream=io.StringIO(), report_dir='/nonexistent')
    step = mailboxes.MailboxMerge('a', maildir, '/v/a@d', {}, '/s/sieve', None, (1, 1), 'd')
    assert steps.apply([step], dest, rep) == changed


@pytest.mark.parametrize('placed, sieve, active, changed, calls', [
    (0, None, None, 0, ['mailbox_home', 'merge_maildir']),
    (0, '/s/sieve', None, 0, ['mailbox_home', 'merge_maildir', 'merge_tree', 'make_private']),
    (1, None, None, 1, ['mailbox_home', 'merge_maildir']),
])
def test_what_changed(placed, sieve, active, changed, calls):
    import io
    from nethserver_migration import steps
    from nethserver_migration.report import Reporter
    dest = FakeDestination(answers={'merge_maildir': mailbox_result(placed),
                                    'merge_tree': merged(0)})
    rep = Reporter('m', stream=io.StringIO(), report_dir='/nonexistent')
    step = mailboxes.MailboxMerge('a', '/s/M', '/v/a@d', {}, sieve, active, (1, 1), 'd')
    assert steps.apply([step], dest, rep) == changed
    assert [c[0] for c in dest.calls] == calls


def test_a_sieve_only_user_and_the_progress_lines():
    import io
    from nethserver_migration import steps
    from nethserver_migration.report import Reporter
    dest = FakeDestination(answers={'merge_maildir': mailbox_result(2, 0, 10),
                                    'merge_tree': merged(1)})
    rep = Reporter('m', stream=io.StringIO(), report_dir='/nonexistent')
    planned = [mailboxes.MailboxMerge('u{}'.format(n), '/s/M', '/v/u', {}, None, None, (1, 1),
                                      'd') for n in range(200)]
    planned.append(mailboxes.MailboxMerge('s', None, '/v/s', {}, '/s/sieve', None, (1, 1), 'd'))
    steps.apply(planned, dest, rep)
    lines = [l for l in rep.stream.getvalue().splitlines() if 'mailboxes' in l]
    assert lines == ['[INFO] mailboxes: 100 done, 200 messages and 1000 bytes placed so far',
                     '[INFO] mailboxes: 100 of 201',
                     '[INFO] mailboxes: 200 done, 400 messages and 2000 bytes placed so far',
                     '[INFO] mailboxes: 200 of 201', '[INFO] mailboxes: 201 of 201']
    assert rep.counts['mailboxes migrated'] == 200 and rep.counts['sieve scripts placed'] == 1
    assert type(planned[0]).op == 'merge-mailbox'


def test_the_plan_says_word_for_word():
    sources = [mailboxes.Source('a', '/s/M', None, None, None),
               mailboxes.Source('b', None, '/s/sieve', None, None)]
    assert [(s.key, s.message, s.remediation) for s in mailboxes.plan(facts(sources, spam=''))
            if isinstance(s, Note)] == [
        ('mailboxes.junkmail-kept', 'mailboxes: the spam folder is disabled on this server: '
         'SME\'s junkmail folders are kept as "junkmail"',
         'enable the spam folder (Email > Filter) to have new spam filed there')]
    # a user with sieve scripts only still gets its mailbox step; no maildir, no notice
    assert [s.name for s in mailboxes.plan(facts(sources[1:], spam=''))] == ['b']
    missing = mailboxes.plan(facts(sources[1:], installed=False))[0]
    assert (missing.key, missing.obj, missing.message.split(':')[0]) == (
        'module.missing', {'module': 'nethserver-mail-server'}, 'mailboxes (1)')
    none = mailboxes.plan(facts([], installed=False))
    assert [(s.severity, s.message) for s in none] == [('info', 'mailboxes: the source has none')]
    novmail = mailboxes.plan(facts(sources, owner=None))[0]
    assert (novmail.severity, novmail.message, novmail.remediation) == (
        'error', 'mailboxes: this server has no vmail user: no mailbox is migrated',
        'signal-event nethserver-mail-server-update, then run the import again')


def test_read_without_a_decision_nor_the_module(sme_tree):
    users = sme_tree / 'home' / 'e-smith' / 'files' / 'users'
    (users / 'abs').mkdir(parents=True)
    (users / 'abs' / 'sieve').mkdir()
    os.symlink('/home/e-smith/files/users/abs/sieve/x.sieve', str(users / 'abs' / '.dovecot.sieve'))
    (users / 'odd').mkdir()
    os.symlink('elsewhere/x.sieve', str(users / 'odd' / '.dovecot.sieve'))
    with open(str(sme_tree / 'home' / 'e-smith' / 'db' / 'accounts'), 'a') as f:
        f.write('abs=user|FirstName|A|LastName|B\nodd=user|FirstName|O|LastName|D\n')
    dest = FakeDestination(dbs={'configuration': [
        __import__('nethserver_migration.esmithdb').esmithdb.Record(
            'dovecot', 'service', {'SpamFolder': 'Spam'})]})
    dest.modules = ()
    state = mailboxes.read(SourceTree(str(sme_tree)), dest)
    by = dict((s.user, s) for s in state.sources)
    assert by['abs'].active == 'x.sieve' and by['odd'].active is None
    assert (state.installed, state.spam_folder, state.owner) == (False, '', None)
    dest.modules = None
    assert mailboxes.read(SourceTree(str(sme_tree)), dest).spam_folder == 'Spam'


def test_a_folder_with_new_only_sums_and_counts_what_it_placed(tmp_path):
    # an INBOX without cur/ (Courier made it on first delivery): its new/ still counts
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    os.makedirs(os.path.join(source, 'new'))
    for name, body in (('a', 'A'), ('b', 'BB')):
        with open(os.path.join(source, 'new', name), 'w') as f:
            f.write(body)
    result = fileops.merge_maildir(source, dest, ME)
    assert sorted(os.listdir(os.path.join(dest, 'new'))) == ['a', 'b']
    assert (result.placed, result.unchanged, result.bytes) == (2, 0, 3)


def test_a_copied_message_is_private_whatever_the_source_allowed(tmp_path):
    import subprocess
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    build(source, {'': {'cur/a:2,S': 'A'}})
    message = os.path.join(source, 'cur', 'a:2,S')
    os.chmod(message, 0o644)
    subprocess.check_call(['setfacl', '-m', 'u:4321:rw-', message])
    fileops.merge_maildir(source, dest, ME, link=False)
    placed = os.path.join(dest, 'cur', 'a:2,S')
    assert stat.S_IMODE(os.stat(placed).st_mode) == 0o600
    assert 'system.posix_acl_access' not in os.listxattr(placed)


def test_both_subscription_files_of_a_source_are_merged(tmp_path):
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    build(source, {'': {'subscriptions': 'Sent\n', 'courierimapsubscribed': 'INBOX.Old\n'}})
    fileops.merge_maildir(source, dest, ME)
    assert open(os.path.join(dest, 'subscriptions')).read() == 'Sent\nOld\n'


def test_the_owner_is_the_one_given_and_old_messages_lose_group_and_other_bits(tmp_path):
    source, dest = str(tmp_path / 'src'), str(tmp_path / 'dst')
    build(source, {'': {'cur/a:2,S': 'A'}})
    build(dest, {'': {'cur/old:2,S': 'O'}})
    os.chmod(os.path.join(dest, 'cur', 'old:2,S'), 0o757)
    fileops.merge_maildir(source, dest, (4321, 4322))
    for name, mode in (('a:2,S', 0o600), ('old:2,S', 0o700)):
        st = os.stat(os.path.join(dest, 'cur', name))
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (4321, 4322, mode), name
    st = os.stat(dest)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (4321, 4322, 0o700)
