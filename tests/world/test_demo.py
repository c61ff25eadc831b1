"""./demo as a user runs it: a good tree prints the report and a summary; a broken tree
(configuration missing, accounts a directory, a DB symlinked out of the tree) ends in
clear lines, never a traceback."""

import os
import shutil

import pytest

from tests.world import demo, smegen

pytestmark = pytest.mark.sandbox


def small_tree(path, **kw):
    smegen.generate(str(path), seed=41, version='9', users=3, groups=1, ibays=0,
                    pseudonyms=0, messages=1, **kw)
    return str(path)


def test_demo_of_a_small_tree_prints_progress_report_and_summary(tmp_path, capsys):
    tree = small_tree(tmp_path / 'tree')
    status = demo.main(['--source', tree])
    out = capsys.readouterr().out
    assert status == 0, out
    assert 'Action: /etc/e-smith/events/migration-import/S25nethserver-migration-accounts ' \
           'SUCCESS' in out
    assert 'Migration report' in out and 'After (destination):' in out
    assert 'users (admin aside)        3' in out
    assert 'pki' not in out or '(already done)' not in out
    assert 'Traceback' not in out


@pytest.mark.parametrize('breakage', ['configuration missing', 'accounts a directory',
                                      'hosts symlinked out', 'configuration symlinked out'])
def test_demo_of_a_broken_tree_says_so_in_lines(tmp_path, capsys, breakage):
    tree = small_tree(tmp_path / 'tree')
    db = os.path.join(tree, 'home', 'e-smith', 'db')
    name = breakage.split()[0]
    os.unlink(os.path.join(db, name))
    if breakage.endswith('a directory'):
        os.mkdir(os.path.join(db, name))
    elif breakage.endswith('symlinked out'):
        os.symlink('/etc/passwd', os.path.join(db, name))
    status = demo.main(['--source', tree])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert 'Traceback' not in text
    if name == 'hosts':
        assert status == 0
        assert 'home/e-smith/db/hosts points outside the tree' in text
    else:
        assert status == 1
        assert 'home/e-smith/db/{}'.format(name) in text
        assert 'FAILED' in text
