"""merge_tree as a table: source state, destination state, expected state (mbsync style),
plus re-runs and an interrupted run."""

import os
import stat

import pytest

from nethserver_migration.fileops import merge_tree


def build(root, spec):
    """spec: {'rel/path': 'content' | ('link', 'target') | ('dir',)}"""
    os.makedirs(str(root), exist_ok=True)
    for rel, what in spec.items():
        path = os.path.join(str(root), rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(what, tuple) and what[0] == 'link':
            os.symlink(what[1], path)
        elif isinstance(what, tuple) and what[0] == 'dir':
            os.makedirs(path, exist_ok=True)
        else:
            with open(path, 'w') as stream:
                stream.write(what)


def state(root):
    out = {}
    for top, dirs, files in os.walk(str(root)):
        for name in dirs + files:
            path = os.path.join(top, name)
            rel = os.path.relpath(path, str(root))
            if os.path.islink(path):
                out[rel] = ('link', os.readlink(path))
            elif os.path.isdir(path):
                out[rel] = ('dir',)
            else:
                with open(path) as stream:
                    out[rel] = stream.read()
    return out


CASES = [
    # name, source, destination before, expected destination after
    ('new files and dirs', {'a': '1', 'd/b': '2'}, {}, {'a': '1', 'd': ('dir',), 'd/b': '2'}),
    ('destination file kept, source beside', {'a': 'src'}, {'a': 'dst'},
     {'a': 'dst', 'a.migrated': 'src'}),
    ('identical content is no conflict', {'a': 'same'}, {'a': 'same'}, {'a': 'same'}),
    ('beside name taken by something else', {'a': 'src'}, {'a': 'dst', 'a.migrated': 'other'},
     {'a': 'dst', 'a.migrated': 'other', 'a.migrated.2': 'src'}),
    ('destination-only files stay', {'a': '1'}, {'mine': 'x'}, {'a': '1', 'mine': 'x'}),
    ('inner symlink recreated', {'t': 'x', 'l': ('link', 't')}, {}, {'t': 'x', 'l': ('link', 't')}),
    ('symlink out of the tree skipped', {'l': ('link', '/etc/shadow'), 'u': ('link', '../../x')}, {}, {}),
    ('excluded subtree left out', {'Maildir/cur/m': 'mail', 'doc': 'd'}, {}, {'doc': 'd'}),
    ('file where source has a dir', {'d/x': '1'}, {'d': 'a file'}, {'d': 'a file'}),
]


@pytest.mark.parametrize('name, source, before, expected', CASES, ids=[c[0] for c in CASES])
def test_merge_table(tmp_path, name, source, before, expected):
    build(tmp_path / 'src', source)
    build(tmp_path / 'dst', before)
    src_before = state(tmp_path / 'src')
    merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'), exclude=('Maildir',))
    assert state(tmp_path / 'dst') == expected
    assert state(tmp_path / 'src') == src_before          # the staging tree stays whole
    merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'), exclude=('Maildir',))
    assert state(tmp_path / 'dst') == expected            # a second run changes nothing


def test_hard_links_on_one_filesystem_copies_when_asked(tmp_path):
    build(tmp_path / 'src', {'a': '1'})
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert os.stat(str(tmp_path / 'dst' / 'a')).st_ino == os.stat(str(tmp_path / 'src' / 'a')).st_ino
    assert result.linked == [str(tmp_path / 'dst' / 'a')]
    build(tmp_path / 'src2', {'a': '1'})
    result = merge_tree(str(tmp_path / 'src2'), str(tmp_path / 'dst2'), link=False)
    assert os.stat(str(tmp_path / 'dst2' / 'a')).st_ino != os.stat(str(tmp_path / 'src2' / 'a')).st_ino
    assert result.copied == [str(tmp_path / 'dst2' / 'a')]


def test_result_reports_conflicts_and_skips(tmp_path):
    build(tmp_path / 'src', {'a': 'src', 'l': ('link', '/etc/passwd')})
    build(tmp_path / 'dst', {'a': 'dst'})
    os.mkfifo(str(tmp_path / 'src' / 'fifo'))
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert result.conflicts == [(str(tmp_path / 'dst' / 'a'), str(tmp_path / 'dst' / 'a.migrated'))]
    reasons = sorted(r for _p, r in result.skipped)
    assert reasons[0].startswith('not a regular file')
    assert reasons[1].startswith('symlink pointing outside')


def test_owner_and_dir_mode(tmp_path):
    build(tmp_path / 'src', {'d/f': 'x', 'l': ('link', 'd/f')})
    merge_tree(str(tmp_path / 'src'), str(tmp_path / 'home'), owner=(1234, 5678), dir_mode=0o700)
    for rel in ('', 'd', 'd/f', 'l'):
        st = os.lstat(str(tmp_path / 'home' / rel))
        assert (st.st_uid, st.st_gid) == (1234, 5678), rel
    assert os.stat(str(tmp_path / 'home')).st_mode & 0o777 == 0o700


def test_interrupted_copy_resumes_to_the_same_state(tmp_path, monkeypatch):
    """A run that dies half-way (here: on the 3rd file) leaves no half file, and the next
    run converges to what one clean run gives."""
    spec = {'f{}'.format(i): str(i) * 100 for i in range(6)}
    build(tmp_path / 'src', spec)
    import nethserver_migration.fileops as fileops
    real = fileops.shutil.copy2
    calls = []

    def dying_copy(a, b):
        calls.append(a)
        if len(calls) == 3:
            with open(b, 'w') as stream:
                stream.write('half')
            raise KeyboardInterrupt
        return real(a, b)
    monkeypatch.setattr(fileops.shutil, 'copy2', dying_copy)
    with pytest.raises(KeyboardInterrupt):
        merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'), link=False)
    assert not [n for n in os.listdir(str(tmp_path / 'dst')) if 'migrating' in n]
    monkeypatch.setattr(fileops.shutil, 'copy2', real)
    merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'), link=False)
    assert state(tmp_path / 'dst') == spec


# -- hard links: a file linked from outside the tree is never placed or chowned ---------
# Each case: links made before the merge (path -> another name of the same file, 'out/'
# being outside the tree), what must be placed, what must be refused.

HARD_LINK_CASES = [
    # name, source files, extra links {new name: existing name}, placed, refused
    ('two names inside', {'a': 'x', 'b': 'y'}, {'src/a2': 'src/a'}, ['a', 'a2', 'b'], []),
    ('linked to a file outside', {'a': 'x', 'b': 'y'}, {'out/shadow': 'src/a'}, ['b'], ['a']),
    ('inside and outside', {'a': 'x'}, {'src/a2': 'src/a', 'out/s': 'src/a'}, [],
     ['a', 'a2']),
    ('excluded part holds the other name', {'a': 'x', 'Maildir/m': 'y'},
     {'src/Maildir/a': 'src/a'}, [], ['a']),
]


@pytest.mark.parametrize('case, files, links, placed, refused', HARD_LINK_CASES,
                         ids=[c[0] for c in HARD_LINK_CASES])
def test_hard_links_leaving_the_tree_are_refused(tmp_path, case, files, links, placed,
                                                 refused):
    build(tmp_path / 'src', files)
    (tmp_path / 'out').mkdir()
    for new, old in links.items():
        os.makedirs(os.path.dirname(str(tmp_path / new)), exist_ok=True)
        os.link(str(tmp_path / old), str(tmp_path / new))
    me = (os.getuid(), os.getgid())
    before = dict((n, os.stat(str(tmp_path / n))) for n in links)
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'), owner=me,
                        exclude=('Maildir',))
    assert sorted(os.path.relpath(p, str(tmp_path / 'dst')) for p in result.linked) == placed
    assert sorted(os.path.relpath(p, str(tmp_path / 'src')) for p, _ in result.skipped) == \
        refused
    for _path, why in result.skipped:
        assert 'hard link to a file outside the tree' in why
    for name in refused:
        assert not os.path.lexists(str(tmp_path / 'dst' / name))
    # nothing was chowned or chmodded through the outside link
    for name, st in before.items():
        now = os.stat(str(tmp_path / name))
        assert (now.st_uid, now.st_gid, now.st_mode) == (st.st_uid, st.st_gid, st.st_mode)


def test_hard_links_a_previous_run_made_count_as_inside(tmp_path):
    build(tmp_path / 'src', {'a': 'x', 'd/b': 'y'})
    first = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert first.placed == 2
    again = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert (again.placed, again.skipped, len(again.unchanged)) == (0, [], 2)


def test_a_hard_link_refused_even_when_copying(tmp_path):
    build(tmp_path / 'src', {'a': 'secret'})
    os.link(str(tmp_path / 'src' / 'a'), str(tmp_path / 'shadow'))
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'), link=False)
    assert result.copied == [] and len(result.skipped) == 1
    assert not os.path.exists(str(tmp_path / 'dst' / 'a'))


# -- ids: each entry's owner, group and mode decided from its source lstat (ibays) ------

def owners_and_modes(root):
    out = {}
    for top, dirs, files in os.walk(str(root)):
        for name in dirs + files:
            st = os.lstat(os.path.join(top, name))
            out[os.path.relpath(os.path.join(top, name), str(root))] = (
                st.st_uid, st.st_gid, oct(st.st_mode & 0o7777))
    return out


def shifted(st, placed=False):
    """Source ids 5000+ -> 1000+ (others kept); dirs 2770, files 0660."""
    uid = st.st_uid - 4000 if st.st_uid >= 5000 else st.st_uid
    gid = st.st_gid - 4000 if st.st_gid >= 5000 else st.st_gid
    return uid, gid, 0o2770 if stat.S_ISDIR(st.st_mode) else 0o660


@pytest.mark.parametrize('link', [True, False])
def test_ids_map_each_entry_and_a_rerun_keeps_them(tmp_path, link):
    src, dst = tmp_path / 'src', tmp_path / 'dst'
    build(src, {'files/a': 'a', 'files/sub/b': 'b', 'html/index.html': 'i'})
    os.chown(str(src / 'files'), 5001, 5003)
    os.chown(str(src / 'files' / 'a'), 5001, 5003)
    os.chown(str(src / 'files' / 'sub'), 5002, 5003)
    os.chown(str(src / 'files' / 'sub' / 'b'), 5002, 5003)
    result = merge_tree(str(src), str(dst), link=link, ids=shifted)
    assert result.placed == 3 and result.errors == []
    want = {'files': (1001, 1003, '0o2770'), 'files/a': (1001, 1003, '0o660'),
            'files/sub': (1002, 1003, '0o2770'), 'files/sub/b': (1002, 1003, '0o660'),
            'html': (0, 0, '0o2770'), 'html/index.html': (0, 0, '0o660')}
    assert owners_and_modes(dst) == want
    again = merge_tree(str(src), str(dst), link=link, ids=shifted)
    assert again.placed == 0 and len(again.unchanged) == 3
    assert owners_and_modes(dst) == want


def test_ids_know_which_files_an_earlier_run_linked(tmp_path):
    src, dst = tmp_path / 'src', tmp_path / 'dst'
    build(src, {'a': 'a', 'b': 'b', 'c': 'c'})
    os.makedirs(str(dst))
    os.link(str(src / 'a'), str(dst / 'a'))          # ours, from an earlier run
    build(dst, {'b': 'b'})                           # a copy: the same bytes, one link
    seen = []

    def record(st, placed=False):
        seen.append((st.st_ino, placed))
        return 0, 0, None
    merge_tree(str(src), str(dst), ids=record)
    inode = dict((n, os.lstat(str(src / n)).st_ino) for n in 'abc')
    assert sorted(seen) == sorted([(inode['a'], True), (inode['b'], False),
                                   (inode['c'], False)])


def test_ids_finish_a_run_killed_between_the_link_and_its_chown(tmp_path):
    src, dst = tmp_path / 'src', tmp_path / 'dst'
    build(src, {'files/a': 'a'})
    os.chown(str(src / 'files' / 'a'), 5001, 5003)
    os.makedirs(str(dst / 'files'))
    os.link(str(src / 'files' / 'a'), str(dst / 'files' / 'a'))   # then killed
    merge_tree(str(src), str(dst), ids=shifted)
    assert owners_and_modes(dst)['files/a'] == (1001, 1003, '0o660')


def test_ids_leave_a_destination_file_linked_elsewhere_alone(tmp_path):
    src, dst, elsewhere = tmp_path / 'src', tmp_path / 'dst', tmp_path / 'etc-shadow'
    build(src, {'files/a': 'same'})
    elsewhere.write_text('same')
    os.chmod(str(elsewhere), 0o600)
    os.makedirs(str(dst / 'files'))
    os.link(str(elsewhere), str(dst / 'files' / 'a'))          # planted before the run
    result = merge_tree(str(src), str(dst), ids=shifted)
    assert result.unchanged == [str(dst / 'files' / 'a')]
    st = os.stat(str(elsewhere))
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (0, 0, 0o600)


# -- what the result says, and the walk going on past each refusal ---------------------

def test_result_repr_counts_each_list():
    from nethserver_migration.fileops import MergeResult
    result = MergeResult()
    result.linked, result.copied, result.unchanged = ['a'], ['b', 'c'], ['d', 'e', 'f']
    result.conflicts, result.skipped, result.errors = [1, 2, 3, 4], [1] * 5, [1] * 6
    assert repr(result) == ('MergeResult(linked=1, copied=2, unchanged=3, conflicts=4, '
                            'skipped=5, errors=6)')
    assert result.placed == 3


def test_same_size_and_time_but_other_bytes_is_a_conflict(tmp_path):
    """Content decides, not stat: a shallow compare would call these two the same."""
    build(tmp_path / 'src', {'a': 'AAAA'})
    build(tmp_path / 'dst', {'a': 'BBBB'})
    for side in ('src', 'dst'):
        os.utime(str(tmp_path / side / 'a'), (1500000000, 1500000000))
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert state(tmp_path / 'dst') == {'a': 'BBBB', 'a.migrated': 'AAAA'}
    assert result.unchanged == []


def test_same_file_of_a_missing_path_is_false(tmp_path):
    from nethserver_migration.fileops import _same_file
    (tmp_path / 'a').write_text('x')
    assert _same_file(str(tmp_path / 'a'), str(tmp_path / 'a')) is True
    assert _same_file(str(tmp_path / 'a'), str(tmp_path / 'missing')) is False


@pytest.mark.parametrize('link', [True, False])
def test_a_conflict_copy_is_linked_when_linking(tmp_path, link):
    src, dst = tmp_path / 'src', tmp_path / 'dst'
    build(src, {'a': 'src'})
    build(dst, {'a': 'dst'})
    os.chown(str(src / 'a'), 5001, 5003)
    result = merge_tree(str(src), str(dst), link=link, ids=shifted)
    beside = str(dst / 'a.migrated')
    assert result.conflicts == [(str(dst / 'a'), beside)]
    assert (result.linked, result.copied) == (([beside], []) if link else ([], [beside]))
    assert (os.lstat(beside).st_ino == os.lstat(str(src / 'a')).st_ino) is link
    assert owners_and_modes(dst)['a.migrated'] == (1001, 1003, '0o660')


def test_a_copy_gets_the_ids_even_when_they_equal_the_sources(tmp_path):
    """A copy is made by root: comparing with the source's lstat would skip the chown."""
    src, dst = tmp_path / 'src', tmp_path / 'dst'
    build(src, {'a': 'src', 'new': 'n'})
    build(dst, {'a': 'dst'})
    for name in ('a', 'new'):
        os.chown(str(src / name), 1500, 1600)

    def same(st, placed=False):
        return st.st_uid, st.st_gid, None
    merge_tree(str(src), str(dst), link=False, ids=same)
    got = owners_and_modes(dst)
    assert got['a.migrated'][:2] == (1500, 1600) and got['new'][:2] == (1500, 1600)
    assert got['a'][:2] == (0, 0)


def test_cross_device_links_fall_back_to_copies(tmp_path, monkeypatch):
    import errno
    import nethserver_migration.fileops as fileops

    def no_link(a, b, **kwargs):
        raise OSError(errno.EXDEV, 'Invalid cross-device link')
    monkeypatch.setattr(fileops.os, 'link', no_link)
    build(tmp_path / 'src', {'a': 'src', 'b': 'new'})
    build(tmp_path / 'dst', {'a': 'dst'})
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert state(tmp_path / 'dst') == {'a': 'dst', 'a.migrated': 'src', 'b': 'new'}
    assert sorted(result.copied) == [str(tmp_path / 'dst' / 'a.migrated'),
                                     str(tmp_path / 'dst' / 'b')]
    assert result.linked == [] and result.errors == []


def test_a_link_failure_other_than_cross_device_is_an_error_of_that_file(tmp_path,
                                                                         monkeypatch):
    import errno
    import nethserver_migration.fileops as fileops
    real = os.link

    def refused(a, b, **kwargs):
        if a.endswith('/a'):
            raise OSError(errno.EACCES, 'Permission denied')
        return real(a, b, **kwargs)
    monkeypatch.setattr(fileops.os, 'link', refused)
    build(tmp_path / 'src', {'a': 'src', 'b': 'fine'})
    build(tmp_path / 'dst', {'a': 'dst'})
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert result.errors == [(str(tmp_path / 'dst' / 'a'), '[Errno 13] Permission denied')]
    assert state(tmp_path / 'dst') == {'a': 'dst', 'b': 'fine'}


def test_every_directory_walked_past_an_excluded_one_and_a_dir_symlink(tmp_path):
    build(tmp_path / 'src', {'Maildir/cur/m': 'mail', 'b/x': '1', 'c/y': '2', 'c/z/w': '3',
                             'a-link': ('link', 'b'), 'skip': 'no', 'zz': 'yes'})
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'),
                        exclude=('Maildir', 'skip'))
    assert state(tmp_path / 'dst') == {'a-link': ('link', 'b'), 'b': ('dir',), 'b/x': '1',
                                       'c': ('dir',), 'c/y': '2', 'c/z': ('dir',),
                                       'c/z/w': '3', 'zz': 'yes'}
    assert result.skipped == [] and result.errors == []


def test_a_destination_file_or_symlink_where_the_source_has_a_directory(tmp_path):
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    build(tmp_path / 'src', {'a/x': '1', 'b/y': '2', 'c/z': '3'})
    build(tmp_path / 'dst', {'a': 'a file'})
    os.symlink(str(elsewhere), str(tmp_path / 'dst' / 'b'))
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert result.skipped == [
        (str(tmp_path / 'src' / name), 'the destination has a file where the source has a '
         'directory: {}'.format(tmp_path / 'dst' / name)) for name in ('a', 'b')]
    assert os.listdir(str(elsewhere)) == []             # nothing written through the link
    assert state(tmp_path / 'dst')['c/z'] == '3'        # and the walk went on


def test_an_existing_directory_keeps_its_owner_without_ids(tmp_path):
    build(tmp_path / 'src', {'d/f': 'x'})
    build(tmp_path / 'dst', {'d': ('dir',)})
    os.chown(str(tmp_path / 'dst' / 'd'), 0, 0)
    merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'), owner=(1234, 5678))
    got = owners_and_modes(tmp_path / 'dst')
    assert got['d'][:2] == (0, 0) and got['d/f'][:2] == (1234, 5678)


def test_ids_see_placed_false_for_directories_and_new_files(tmp_path):
    build(tmp_path / 'src', {'d/f': 'x'})
    seen = []

    def record(st, placed=False):
        seen.append((stat.S_ISDIR(st.st_mode), placed))
        return 0, 0, None
    merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'), ids=record)
    assert sorted(seen) == [(False, False), (True, False)]


def test_a_directory_that_cannot_be_made_is_an_error_and_the_walk_goes_on(tmp_path,
                                                                          monkeypatch):
    import errno
    import nethserver_migration.fileops as fileops
    real = os.mkdir

    def mkdir(path, *args, **kwargs):
        if path.endswith('/dst/a'):
            raise OSError(errno.ENOSPC, 'No space left on device')
        return real(path, *args, **kwargs)
    build(tmp_path / 'src', {'a/x': '1', 'b/y': '2'})
    monkeypatch.setattr(fileops.os, 'mkdir', mkdir)
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert result.errors == [(str(tmp_path / 'dst' / 'a'), '[Errno 28] No space left on device')]
    assert state(tmp_path / 'dst') == {'b': ('dir',), 'b/y': '2'}


def test_a_chown_failure_after_a_link_is_one_error_not_two(tmp_path, monkeypatch):
    import errno
    import nethserver_migration.fileops as fileops
    real = os.lchown

    def lchown(path, uid, gid):
        if path.endswith('/a'):
            raise OSError(errno.EPERM, 'Operation not permitted')
        return real(path, uid, gid)
    monkeypatch.setattr(fileops.os, 'lchown', lchown)
    build(tmp_path / 'src', {'a': 'x', 'b': 'y'})
    for name in 'ab':
        os.chown(str(tmp_path / 'src' / name), 5001, 5003)
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'), ids=shifted)
    assert result.errors == [(str(tmp_path / 'dst' / 'a'), '[Errno 1] Operation not permitted')]
    assert result.linked == [str(tmp_path / 'dst' / 'b')] and result.unchanged == []


def test_a_hard_link_outside_says_how_many_links_it_has(tmp_path):
    build(tmp_path / 'src', {'a': 'secret'})
    os.link(str(tmp_path / 'src' / 'a'), str(tmp_path / 'src' / 'a2'))
    os.link(str(tmp_path / 'src' / 'a'), str(tmp_path / 'shadow'))
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert result.skipped == [
        (str(tmp_path / 'src' / name), 'a hard link to a file outside the tree (3 links, 2 '
         'inside): not migrated') for name in ('a', 'a2')]


def test_a_previous_runs_link_does_not_hide_a_link_outside(tmp_path):
    """src/a and dst/a (an earlier run's link) are inside; a third name outside still
    refuses the file."""
    build(tmp_path / 'src', {'a': 'x'})
    merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    os.link(str(tmp_path / 'src' / 'a'), str(tmp_path / 'shadow'))
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert [why for _p, why in result.skipped] == [
        'a hard link to a file outside the tree (3 links, 2 inside): not migrated']


# -- symlinks already at the destination --------------------------------------------------

def test_a_symlink_the_destination_already_has(tmp_path):
    build(tmp_path / 'src', {'t': 'x', 'same': ('link', 't'), 'other': ('link', 't'),
                             'file': ('link', 't'), 'out': ('link', '../../etc/passwd')})
    build(tmp_path / 'dst', {'t': 'x', 'same': ('link', 't'), 'other': ('link', 'elsewhere'),
                             'file': 'a regular file'})
    result = merge_tree(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    dst = str(tmp_path / 'dst')
    assert sorted(result.unchanged) == [dst + '/same', dst + '/t']
    assert sorted(result.skipped) == sorted([
        (str(tmp_path / 'src' / 'file'), 'the destination already has ' + dst + '/file'),
        (str(tmp_path / 'src' / 'other'), 'the destination already has ' + dst + '/other'),
        (str(tmp_path / 'src' / 'out'), 'symlink pointing outside the tree '
                                        '(../../etc/passwd), not followed')])
    assert state(tmp_path / 'dst')['other'] == ('link', 'elsewhere')
    assert result.errors == []


# -- install_file: defaults, content not stat, the temporary file -----------------------

def test_install_file_defaults_to_root_0644_and_makes_its_folder(tmp_path):
    from nethserver_migration.fileops import install_file
    src = tmp_path / 'src'
    src.write_text('x')
    os.chown(str(src), 1234, 1234)
    os.umask(0o022)
    dst = tmp_path / 'new' / 'dir' / 'file'
    assert install_file(str(src), str(dst)) == ('installed', str(dst))
    st = os.stat(str(dst))
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, 0, 0o644)
    assert stat.S_IMODE(os.stat(str(tmp_path / 'new')).st_mode) == 0o755


def test_install_file_compares_bytes_not_size_and_time(tmp_path):
    from nethserver_migration.fileops import MIGRATED, install_file
    src, dst = tmp_path / 'src', tmp_path / 'dst'
    src.write_text('AAAA')
    dst.write_text('BBBB')
    for path in (src, dst):
        os.utime(str(path), (1500000000, 1500000000))
    assert install_file(str(src), str(dst)) == ('beside', str(dst) + MIGRATED)
    (tmp_path / 'dst.migrated').write_text('CCCC')
    os.utime(str(tmp_path / 'dst.migrated'), (1500000000, 1500000000))
    assert install_file(str(src), str(dst)) == ('beside', str(dst) + MIGRATED)
    assert (tmp_path / 'dst.migrated').read_text() == 'AAAA'


def test_install_file_never_writes_through_a_planted_temporary_name(tmp_path):
    from nethserver_migration.fileops import install_file
    src, dst, victim = tmp_path / 'key', tmp_path / 'installed.key', tmp_path / 'victim'
    src.write_text('secret')
    victim.write_text('do not touch')
    os.symlink(str(victim), '{}.migrating.{}'.format(dst, os.getpid()))
    with pytest.raises(OSError):
        install_file(str(src), str(dst), mode=0o600)
    assert victim.read_text() == 'do not touch'
    assert not os.path.lexists(str(dst))


def test_install_file_truncates_a_leftover_temporary_file(tmp_path):
    from nethserver_migration.fileops import install_file
    src, dst = tmp_path / 'src', tmp_path / 'dst'
    src.write_text('short')
    with open('{}.migrating.{}'.format(dst, os.getpid()), 'w') as stream:
        stream.write('a much longer leftover of a killed run')
    install_file(str(src), str(dst))
    assert dst.read_text() == 'short'


def test_install_file_the_copy_is_private_until_its_mode_is_set(tmp_path, monkeypatch):
    import shutil
    from nethserver_migration.fileops import install_file
    seen = []
    real = shutil.copyfileobj

    def copy(data, out, *args):
        seen.append(stat.S_IMODE(os.fstat(out.fileno()).st_mode))
        return real(data, out, *args)
    monkeypatch.setattr(shutil, 'copyfileobj', copy)
    src = tmp_path / 'src'
    src.write_text('x')
    os.umask(0)
    try:
        install_file(str(src), str(tmp_path / 'dst'), mode=0o777)
    finally:
        os.umask(0o022)
    assert seen == [0o600]
    assert stat.S_IMODE(os.stat(str(tmp_path / 'dst')).st_mode) == 0o777


# -- write_bytes: a table of what is there before -> what the call says and leaves -------

def _lstat_of(path):
    st = os.lstat(path)
    return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)


WRITE_CASES = [
    # name, before (None, bytes, ('link',)), mode, owner, backup -> status, backup kept
    ('absent', None, 0o644, (0, 0), False, 'written', None),
    ('same bytes, mode, owner', b'data', 0o644, (0, 0), False, 'unchanged', None),
    ('same bytes, other mode', b'data', 0o600, (0, 0), False, 'written', None),
    ('same bytes, other owner', b'data', 0o644, (1234, 1234), False, 'written', None),
    ('same bytes, any owner', b'data', 0o644, None, False, 'unchanged', None),
    ('same size, other bytes', b'DATA', 0o644, (0, 0), False, 'written', None),
    ('other size', b'longer data', 0o644, (0, 0), False, 'written', None),
    ('other bytes, backup', b'old', 0o644, (0, 0), True, 'replaced', b'old'),
    ('absent, backup', None, 0o644, (0, 0), True, 'written', None),
    ('a symlink there', ('link',), 0o644, (0, 0), False, 'written', None),
]


@pytest.mark.parametrize('case, before, mode, owner, backup, status, kept', WRITE_CASES,
                         ids=[c[0] for c in WRITE_CASES])
def test_write_bytes(tmp_path, case, before, mode, owner, backup, status, kept):
    from nethserver_migration.fileops import BACKUP, write_bytes
    dst = str(tmp_path / 'etc' / 'file')
    victim = tmp_path / 'victim'
    victim.write_bytes(b'victim')
    os.makedirs(os.path.dirname(dst))
    if before == ('link',):
        os.symlink(str(victim), dst)
    elif before is not None:
        with open(dst, 'wb') as stream:
            stream.write(before)
        os.chmod(dst, 0o644)
    assert write_bytes(dst, b'data', mode, owner, backup) == status
    with open(dst, 'rb') as stream:
        assert stream.read() == b'data'
    assert not os.path.islink(dst)
    assert _lstat_of(dst) == ((owner or (0, 0)) + (mode,))
    assert victim.read_bytes() == b'victim'
    if kept is None:
        assert not os.path.lexists(dst + BACKUP)
    else:
        assert (tmp_path / 'etc' / ('file' + BACKUP)).read_bytes() == kept
    assert [n for n in os.listdir(os.path.dirname(dst)) if 'migrating' in n] == []


def test_write_bytes_keeps_the_first_backup_and_makes_its_folder(tmp_path):
    from nethserver_migration.fileops import BACKUP, write_bytes
    dst = str(tmp_path / 'new' / 'file')
    os.umask(0o022)
    assert write_bytes(dst, b'one') == 'written'
    assert _lstat_of(dst) == (0, 0, 0o644)
    assert stat.S_IMODE(os.stat(str(tmp_path / 'new')).st_mode) == 0o755
    assert write_bytes(dst, b'two', backup=True) == 'replaced'
    assert write_bytes(dst, b'three', backup=True) == 'replaced'
    with open(dst + BACKUP, 'rb') as stream:
        assert stream.read() == b'one'          # the destination's own, never lost


def test_install_file_fixes_mode_and_owner_of_the_same_bytes(tmp_path):
    from nethserver_migration.fileops import install_file
    src, dst = tmp_path / 'src', tmp_path / 'dst'
    src.write_text('same')
    dst.write_text('same')
    os.chown(str(dst), 1234, 5678)
    os.chmod(str(dst), 0o666)
    assert install_file(str(src), str(dst), mode=0o640, owner=(4321, 8765)) == \
        ('unchanged', str(dst))
    assert _lstat_of(str(dst)) == (4321, 8765, 0o640)
    os.chown(str(dst), 1234, 5678)
    assert install_file(str(src), str(dst), mode=0o640, owner=None) == ('unchanged', str(dst))
    assert _lstat_of(str(dst)) == (1234, 5678, 0o640)


# -- set_acls: an access ACL of the three base entries is the mode itself -----------------

@pytest.mark.parametrize('perms, applied', [((7, 5, 1), 0), ((7, 5, 0), 1), ((7, 4, 1), 1),
                                             ((6, 5, 1), 1)])
def test_a_base_only_access_acl_is_compared_with_the_mode(tmp_path, perms, applied):
    from nethserver_migration import acls
    from nethserver_migration.fileops import set_acls
    (tmp_path / 'f').write_text('x')
    os.chmod(str(tmp_path / 'f'), 0o751)
    tags, undef = acls.TAGS, acls.UNDEFINED_ID
    value = acls.xattr([(tags['user'], undef, perms[0]), (tags['group'], undef, perms[1]),
                        (tags['other'], undef, perms[2])])
    result = set_acls(str(tmp_path), [(('f',), value, None)])
    assert (result.applied, result.unchanged, result.errors) == (applied, 1 - applied, [])
    want = (perms[0] << 6) | (perms[1] << 3) | perms[2]
    assert stat.S_IMODE(os.stat(str(tmp_path / 'f')).st_mode) == want


def test_set_acls_refusals_say_why(tmp_path):
    from nethserver_migration.fileops import set_acls
    (tmp_path / 'f').write_text('x')
    os.mkfifo(str(tmp_path / 'fifo'))
    result = set_acls(str(tmp_path), [(('f', 'below'), b'x', None), (('fifo',), b'x', None),
                                      (('gone', 'x'), b'x', None)])
    assert result.refused == [(str(tmp_path / 'f' / 'below'), 'not a directory'),
                              (str(tmp_path / 'fifo'), 'a special file')]
    assert result.missing == [str(tmp_path / 'gone' / 'x')]


# -- the mailbox helpers: owner, 0600/0700, no ACL -----------------------------------------

def _acl_names(path):
    return [n for n in os.listxattr(path, follow_symlinks=False)
            if n.startswith('system.posix_acl')]


def test_make_private_takes_group_and_others_away_and_every_acl(tmp_path):
    import subprocess
    from nethserver_migration.fileops import make_private
    root = tmp_path / 'home'
    (root / 'Maildir' / 'cur').mkdir(parents=True)
    (root / 'Maildir' / 'cur' / 'm1').write_text('x')
    (root / 'notes').write_text('y')
    os.chmod(str(root / 'notes'), 0o754)
    os.chmod(str(root / 'Maildir' / 'cur' / 'm1'), 0o600)
    os.chown(str(root / 'Maildir' / 'cur' / 'm1'), 1001, 1000)
    (root / 'owner-only').write_text('z')             # root's, but already 0600
    os.chmod(str(root / 'owner-only'), 0o600)
    (root / 'mode-only').write_text('w')              # the user's, but 0640
    os.chown(str(root / 'mode-only'), 1001, 1000)
    os.chmod(str(root / 'mode-only'), 0o640)
    os.symlink('/etc/passwd', str(root / 'link'))
    subprocess.run(['setfacl', '-m', 'u:4321:rwx', '-m', 'd:u:4321:rwx', str(root)], check=True)
    subprocess.run(['setfacl', '-m', 'u:4321:r', str(root / 'notes')], check=True)
    make_private(str(root), (1001, 1000))
    for rel, mode in (('', 0o700), ('Maildir', 0o700), ('Maildir/cur', 0o700),
                      ('notes', 0o700), ('Maildir/cur/m1', 0o600), ('owner-only', 0o600),
                      ('mode-only', 0o600)):
        path = os.path.join(str(root), rel)
        assert _lstat_of(path) == (1001, 1000, mode), rel
        assert _acl_names(path) == [], rel
    assert os.lstat('/etc/passwd').st_uid == 0          # the link was not followed


def test_private_dir_and_active_sieve(tmp_path):
    from nethserver_migration.fileops import active_sieve, private_dir
    home = tmp_path / 'home'
    private_dir(str(home / 'sieve'), (1001, 1000))
    assert _lstat_of(str(home / 'sieve')) == (1001, 1000, 0o700)
    assert active_sieve(str(home), 'main.sieve', (1001, 1000)) is False     # no script
    (home / 'sieve' / 'main.sieve').write_text('keep;')
    assert active_sieve(str(home), 'main.sieve', (1001, 1000)) is True
    link = str(home / '.dovecot.sieve')
    assert os.readlink(link) == 'sieve/main.sieve'
    assert os.lstat(link).st_uid == 1001
    assert active_sieve(str(home), 'main.sieve', (1001, 1000)) is False     # already there


def test_maildir_folders_are_dot_folders_with_cur_or_new(tmp_path):
    from nethserver_migration.fileops import maildir_folders
    root = tmp_path / 'Maildir'
    for rel in ('cur', '.Sent/cur', '.Drafts/new', '.Empty', 'plain/cur', '.Trash/tmp'):
        (root / rel).mkdir(parents=True)
    (root / '.file').write_text('')
    os.symlink(str(root / '.Sent'), str(root / '.Linked'))
    assert maildir_folders(str(root)) == ['', '.Drafts', '.Sent']
    assert maildir_folders(str(tmp_path / 'none')) == []


def test_write_bytes_and_move_into_defaults(tmp_path):
    from nethserver_migration.fileops import BACKUP, move_into, write_bytes
    dst = str(tmp_path / 'file')
    with open(dst, 'wb') as stream:
        stream.write(b'old')
    assert write_bytes(dst, b'new') == 'written'         # no backup unless asked
    assert not os.path.lexists(dst + BACKUP)
    (tmp_path / 'a.log').write_text('a')
    moved = move_into([str(tmp_path / 'a.log')], str(tmp_path / 'logs'))
    assert moved == [(str(tmp_path / 'a.log'), str(tmp_path / 'logs' / 'a.log'))]
    assert stat.S_IMODE(os.stat(str(tmp_path / 'logs')).st_mode) == 0o700


def test_a_destination_file_that_cannot_be_compared_is_not_taken_as_the_same(tmp_path,
                                                                              monkeypatch):
    # the file vanished or cannot be read while compared: installed beside, never skipped
    from nethserver_migration import fileops
    src, dst = tmp_path / 'src', tmp_path / 'dst'
    src.write_bytes(b'new')
    dst.write_bytes(b'old')

    def unreadable(a, b, shallow=True):
        raise OSError(5, 'Input/output error')
    monkeypatch.setattr(fileops.filecmp, 'cmp', unreadable)
    status, path = fileops.install_file(str(src), str(dst), mode=0o600, owner=None)
    assert (status, path) == ('beside', str(dst) + fileops.MIGRATED)
    assert (tmp_path / ('dst' + fileops.MIGRATED)).read_bytes() == b'new'
    assert dst.read_bytes() == b'old'


def test_install_file_and_write_bytes_make_missing_parents_0755(tmp_path):
    from nethserver_migration import fileops
    src = tmp_path / 'src'
    src.write_bytes(b'x')
    umask = os.umask(0)
    try:
        fileops.install_file(str(src), str(tmp_path / 'a' / 'b' / 'f'), owner=None)
        fileops.write_bytes(str(tmp_path / 'c' / 'g'), b'y', owner=None)
    finally:
        os.umask(umask)
    assert [oct(stat.S_IMODE(os.stat(str(tmp_path / d)).st_mode)) for d in ('a', 'a/b', 'c')] \
        == ['0o755', '0o755', '0o755']


def test_write_bytes_keeps_a_symlink_it_replaces_as_the_link(tmp_path):
    # the backup of a symlink is that symlink, never a hard link to what it points at
    from nethserver_migration import fileops
    (tmp_path / 'target').write_bytes(b'elsewhere')
    os.symlink(str(tmp_path / 'target'), str(tmp_path / 'dst'))
    assert fileops.write_bytes(str(tmp_path / 'dst'), b'new', owner=None,
                               backup=True) == 'replaced'
    backup = str(tmp_path / 'dst') + fileops.BACKUP
    assert os.readlink(backup) == str(tmp_path / 'target')
    assert (tmp_path / 'dst').read_bytes() == b'new' and not os.path.islink(
        str(tmp_path / 'dst'))
    assert (tmp_path / 'target').read_bytes() == b'elsewhere'


def test_write_bytes_keeps_the_file_private_while_it_is_written(tmp_path, monkeypatch):
    # at fsync the bytes are all there under the temporary name: nobody else may read them
    from nethserver_migration import fileops
    seen = []
    real_fsync = os.fsync

    def fsync(fd):
        seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real_fsync(fd)
    monkeypatch.setattr(fileops.os, 'fsync', fsync)
    umask = os.umask(0)
    try:
        fileops.write_bytes(str(tmp_path / 'key'), b'secret', mode=0o644, owner=None)
    finally:
        os.umask(umask)
    assert seen == [0o600]
    assert stat.S_IMODE(os.stat(str(tmp_path / 'key')).st_mode) == 0o644
