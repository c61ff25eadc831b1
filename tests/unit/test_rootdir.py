"""The rootdir concern (/root): what was read -> the steps decided, as tables."""


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
