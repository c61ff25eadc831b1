"""The rootdir concern (/root): what was read -> the steps decided, as tables."""


import pytest

from nethserver_migration.destination import Destination
from nethserver_migration.actions import rootdir
from nethserver_migration.steps import MergeTree, MoveInto
from tests.unit.plans import keys, of  # noqa: F401
from tests.unit import golden


def test_rootdir_plan_keeps_ssh_and_mycnf_out(request):
    steps = rootdir.plan(rootdir.Facts(**{'source_dir': '/m', 'root': '/root', 'src': '/m/root',
                          'src_is_link': False, 'src_ssh': '/m/root/.ssh',
                          'src_ssh_is_link': False, 'src_mycnf': True,
                          'dest_logs': ['/root/install.log']}))
    golden.plan(request, steps)
    assert of(steps, MoveInto) == [MoveInto(('/root/install.log',), '/root/logs',
                                            '/root: this server\'s log saved')]
    assert of(steps, MergeTree) == [
        MergeTree('/m/root', '/root', ('.ssh', '.my.cnf'), None, '/root: the source\'s files'),
        MergeTree('/m/root/.ssh', '/root/.ssh.migrated', (), 0o700,
                  '/root: the source\'s .ssh kept aside')]
    assert keys(steps) == ['rootdir.ssh-aside']


def test_rootdir_read_leaves_logs_a_previous_run_brought(tmp_path, sme_tree):
    from nethserver_migration.source import SourceTree
    src_root = sme_tree / 'root'
    src_root.mkdir()
    (src_root / 'install.log').write_text('sme\n')
    dest = tmp_path / 'dest-root'
    dest.mkdir()
    (dest / 'install.log').write_text('sme\n')        # brought by the first run
    (dest / 'anaconda.log').write_text('ns7\n')       # this server's own
    (dest / 'notes.txt').write_text('x\n')
    state = rootdir.read(SourceTree(str(sme_tree)), Destination(), root=str(dest))
    assert state.dest_logs == [str(dest / 'anaconda.log')]


# each case: the source's root/NAME, this server's /root/NAME -> moved into /root/logs?
LOG_CASES = [
    ('same bytes', 'sme\n', 'sme\n', False),
    ('a hard link of it', 'sme\n', 'link', False),
    ('same size, other bytes', 'sme\n', 'ns7\n', True),
    ('other size', 'sme\n', 'ns7 log\n', True),
    ('not on the source', None, 'ns7\n', True),
    ('the source has a link to the same bytes', 'symlink', 'sme\n', True),
]


@pytest.mark.parametrize('case, theirs, ours, moved', LOG_CASES, ids=[c[0] for c in LOG_CASES])
def test_rootdir_which_logs_of_this_server_are_saved(tmp_path, sme_tree, case, theirs, ours,
                                                     moved):
    import os
    from nethserver_migration.source import SourceTree
    src_root = sme_tree / 'root'
    src_root.mkdir()
    (src_root / 'elsewhere').write_text('sme\n')
    dest = tmp_path / 'dest-root'
    dest.mkdir()
    if theirs == 'symlink':
        os.symlink('elsewhere', str(src_root / 'boot.log'))
    elif theirs is not None:
        (src_root / 'boot.log').write_text(theirs)
    if ours == 'link':
        os.link(str(src_root / 'boot.log'), str(dest / 'boot.log'))
    else:
        (dest / 'boot.log').write_text(ours)
    state = rootdir.read(SourceTree(str(sme_tree)), Destination(), root=str(dest))
    assert state.dest_logs == ([str(dest / 'boot.log')] if moved else [])


def test_rootdir_read_takes_only_regular_log_files(tmp_path, sme_tree):
    import os
    from nethserver_migration.source import SourceTree
    dest = tmp_path / 'dest-root'
    (dest / 'dir.log').mkdir(parents=True)
    (dest / 'a.syslog').write_text('x')
    (dest / 'b.log').write_text('x')
    (dest / 'c.txt').write_text('x')
    (dest / 'logish').write_text('x')
    os.symlink('b.log', str(dest / 'link.log'))
    state = rootdir.read(SourceTree(str(sme_tree)), Destination(), root=str(dest))
    assert sorted(state.dest_logs) == [str(dest / 'a.syslog'), str(dest / 'b.log')]
    assert (state.src, state.src_is_link, state.src_ssh, state.src_mycnf) == (
        None, False, None, False)


def test_rootdir_read_the_sources_root(tmp_path, sme_tree, tmp_path_factory):
    import os
    from nethserver_migration.source import SourceTree
    src_root = sme_tree / 'root'
    (src_root / '.ssh').mkdir(parents=True)
    (src_root / '.my.cnf').write_text('[client]\n')
    dest = tmp_path / 'dest-root'
    dest.mkdir()
    source = SourceTree(str(sme_tree))
    state = rootdir.read(source, Destination(), root=str(dest))
    assert state == rootdir.Facts(source.root, str(dest), str(src_root), False,
                                  str(src_root / '.ssh'), False, True, [])
    # .ssh a link (inside the tree), .my.cnf a directory
    (src_root / '.ssh').rmdir()
    (sme_tree / 'keys').mkdir()
    os.symlink(str(sme_tree / 'keys'), str(src_root / '.ssh'))
    (src_root / '.my.cnf').unlink()
    (src_root / '.my.cnf').mkdir()
    state = rootdir.read(source, Destination(), root=str(dest))
    assert (state.src_ssh_is_link, state.src_mycnf) == (True, False)
    # root/ itself a link: out of the tree, or inside it
    os.rename(str(src_root), str(sme_tree / 'old-root'))
    os.symlink(str(tmp_path_factory.mktemp('out')), str(src_root))
    state = rootdir.read(source, Destination(), root=str(dest))
    assert (state.src, state.src_is_link) == (None, True)
    os.unlink(str(src_root))
    os.symlink('old-root', str(src_root))
    state = rootdir.read(source, Destination(), root=str(dest))
    assert (state.src, state.src_is_link) == (str(src_root), True)


@pytest.mark.parametrize('state', [
    rootdir.Facts('/m', '/root', None, True, None, False, False, ['/root/a.log']),
    rootdir.Facts('/m', '/root', None, False, None, False, False, ['/root/a.log']),
    rootdir.Facts('/m', '/root', '/m/root', False, '/m/root/.ssh', True, False, []),
], ids=['root a link', 'no root', '.ssh a link'])
def test_rootdir_refusals(request, state):
    steps = rootdir.plan(state)
    golden.plan(request, steps)
    assert not of(steps, MoveInto) or state.src is not None
    assert [s.obj for s in steps if getattr(s, 'key', None)] == (
        [{'dir': 'root'}] if state.src_is_link else
        [{'dir': 'root/.ssh'}] if state.src_ssh_is_link else [])


def test_rootdir_a_source_log_that_cannot_be_read_is_not_taken_as_brought(tmp_path, sme_tree,
                                                                           monkeypatch):
    from nethserver_migration.source import SourceTree
    (sme_tree / 'root').mkdir()
    (sme_tree / 'root' / 'install.log').write_text('sme\n')
    dest = tmp_path / 'dest-root'
    dest.mkdir()
    (dest / 'install.log').write_text('sme\n')
    source = SourceTree(str(sme_tree))

    def unreadable(path, limit):
        raise OSError(5, 'Input/output error')
    monkeypatch.setattr(source, 'read_bytes', unreadable)
    # this server's log is saved: it is never left where the source's would land
    assert rootdir.read(source, Destination(), root=str(dest)).dest_logs == [
        str(dest / 'install.log')]


def test_rootdir_every_log_of_this_server_is_seen_past_the_others(tmp_path, sme_tree):
    from nethserver_migration.source import SourceTree
    (sme_tree / 'root').mkdir()
    (sme_tree / 'root' / 'a.log').write_text('sme\n')
    dest = tmp_path / 'dest-root'
    dest.mkdir()
    (dest / 'a.log').write_text('sme\n')          # brought before: left
    (dest / 'b.txt').write_text('notes\n')        # no log: left
    (dest / 'c.log').write_text('ns7\n')          # this server's own: saved
    names = ['a.log', 'b.txt', 'c.log']

    class InOrder(Destination):
        def listdir(self, path):
            return list(names)
    assert rootdir.read(SourceTree(str(sme_tree)), InOrder(), root=str(dest)).dest_logs == [
        str(dest / 'c.log')]
    names.reverse()                                # and the other way round
    assert rootdir.read(SourceTree(str(sme_tree)), InOrder(), root=str(dest)).dest_logs == [
        str(dest / 'c.log')]


def test_rootdir_is_the_destinations_root_home():
    assert rootdir.ROOT == '/root'
