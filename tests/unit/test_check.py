"""migration-check's own decisions, against the FakeDestination: disk space, legacy
actions, name clashes, the exit codes, and a concern registered with one row."""

import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests import reports
from tests.unit.fakes import FakeDb, FakeDestination

from nethserver_migration import check, esmithdb
from nethserver_migration.source import SourceTree

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
LIB = os.path.join('root', 'usr', 'lib', 'python3.6', 'site-packages')


@pytest.fixture
def dest(tmp_path):
    return FakeDestination(local_users={'root', 'postfix'}, local_groups={'root'},
                           device=lambda p: 1 if p.startswith(str(tmp_path)) else 2)


def homes_of(tree, size):
    home = tree / 'home' / 'e-smith' / 'files' / 'users' / 'alice'
    home.mkdir(parents=True)
    (home / 'big').write_bytes(b'x' * size)


@pytest.mark.parametrize('free, same_fs, blocks', [
    (10 ** 12, False, False),
    (1024, False, True),              # 1 KiB free for 1 MiB of homes
    (1024, True, False),              # one file system: hard links, nothing to copy
    (None, False, False),             # cannot tell: no claim
])
def test_disk_space(sme_tree, dest, free, same_fs, blocks):
    homes_of(sme_tree, 2 ** 19)
    ibay = sme_tree / 'home' / 'e-smith' / 'files' / 'ibays' / 'docs'
    ibay.mkdir(parents=True)
    (ibay / 'f').write_bytes(b'x' * 2 ** 19)              # the shared folders count too
    dest.free = free
    if same_fs:
        dest.device = lambda p: 1
    found = check.free_space(SourceTree(str(sme_tree)), dest)
    if not blocks:
        assert found is None
    else:
        assert (found.key, found.severity, found.blocking, found.obj) == (
            'check.disk-space', 'error', True, {'path': '/var/lib/nethserver/home'})
        assert 'the homes and shared folders need 1 MB in /var/lib/nethserver/home but ' \
            'only 0 MB' in found.message


def test_legacy_actions_block_and_our_own_do_not(dest):
    dest.listing[check.EVENT_DIR] = ['S05nethserver-migration-preflight',
                                     'S30nethserver-mail-migrate', 'services2adjust',
                                     'templates2expand']
    found = check.legacy_actions(dest)
    assert [(f.key, f.blocking, f.obj) for f in found] == [
        ('event.legacy-action', True, {'action': 'S30nethserver-mail-migrate'})]
    assert found[0].commands == ['rpm -qf /etc/e-smith/events/migration-import/'
                                 'S30nethserver-mail-migrate']


def test_name_clashes(sme_tree, dest, mocker):
    source = SourceTree(str(sme_tree))
    ibays = [esmithdb.Record('postfix', 'ibay'), esmithdb.Record('docs', 'ibay'),
             esmithdb.Record('shared-here', 'ibay')]
    users = [esmithdb.Record('alice', 'user'), esmithdb.Record('projects', 'user')]
    mocker.patch.object(source.accounts, 'records',
                        side_effect=lambda t: {'ibay': ibays, 'user': users}.get(t, []))
    dest.dbs['accounts'] = FakeDb([esmithdb.Record('projects', 'ibay'),
                                   esmithdb.Record('shared-here', 'ibay')])
    found = check.name_clashes(source, dest)
    assert [(f.key, f.obj, f.blocking) for f in found] == [
        ('check.name-clash', {'ibay': 'postfix'}, True),
        ('check.name-clash', {'user': 'projects'}, True)]


def test_not_a_tree_exits_1_with_its_finding(tmp_path):
    out = io.StringIO()
    assert check.main([str(tmp_path), '--json', str(tmp_path / 'c.json')], stream=out) == 1
    data = json.load(open(str(tmp_path / 'c.json')))
    assert [(f['key'], f['blocking']) for f in data['blocking']] == [('check.not-a-tree', True)]
    assert out.getvalue().startswith('BLOCKING: ')


def test_a_bug_exits_2(sme_tree, mocker, capsys):
    mocker.patch.object(check, 'check', side_effect=RuntimeError('boom'))
    assert check.main([str(sme_tree)], destination=FakeDestination(),
                      stream=io.StringIO()) == 2
    assert 'the check could not run: RuntimeError: boom' in capsys.readouterr().err


def test_a_concern_registered_with_one_row_is_checked_and_run(tmp_path, sme_tree):
    """A dummy concern (one module, one row, no other file edited) shows in the event
    tree, in migration-check's output and in the report of its action."""
    pkg = tmp_path / 'pkg'
    shutil.copytree(os.path.join(TOP, LIB, 'nethserver_migration'),
                    str(pkg / LIB / 'nethserver_migration'),
                    ignore=shutil.ignore_patterns('__pycache__'))
    shutil.copy(os.path.join(TOP, 'createlinks'), str(pkg / 'createlinks'))
    lib = pkg / LIB / 'nethserver_migration'
    (lib / 'actions' / 'dummy.py').write_text(
        'from ..steps import apply, note\n'
        'def read(source, destination):\n'
        '    return source.system_name\n'
        'def plan(facts):\n'
        '    return [note("notice", "dummy saw " + facts, key="dummy.seen", '
        'obj={"host": facts})]\n'
        'def run(source, destination, reporter):\n'
        '    apply(plan(read(source, destination)), destination, reporter)\n')
    text = (lib / 'registry.py').read_text()
    (lib / 'registry.py').write_text(text.replace(
        "    Concern('summary', '95', None, False),",
        "    Concern('dummy', '70', None, True),\n    Concern('summary', '95', None, False),"))
    subprocess.run([sys.executable, str(pkg / 'createlinks')], check=True,
                   stdout=subprocess.DEVNULL)
    event = pkg / 'root/etc/e-smith/events/migration-import'
    assert (event / 'S70nethserver-migration-dummy').exists()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join((str(pkg / LIB), TOP)))
    probe = ('import sys, io, json\n'
             'from nethserver_migration import check, registry\n'
             'from tests.unit.fakes import FakeDestination\n'
             'assert registry.by_name("dummy").planned\n'
             'dest = FakeDestination()\n'
             'result = check.check_concern(registry.by_name("dummy"), '
             '__import__("nethserver_migration.source").source.SourceTree(sys.argv[1]), dest)\n'
             'print(json.dumps([f.to_dict() for f in result.findings]))\n')
    out = subprocess.run([sys.executable, '-c', probe, str(sme_tree)], env=env, check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    assert json.loads(out)[0]['key'] == 'dummy.seen'
    report_dir = tmp_path / 'log'
    run_action = ('import sys\n'
                  'from nethserver_migration import report, runner\n'
                  'report.REPORT_DIR = sys.argv[2]\n'
                  'sys.exit(runner.run("dummy", ["x", "migration-import", sys.argv[1]]))\n')
    subprocess.run([sys.executable, '-c', run_action, str(sme_tree), str(report_dir)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    data = reports.load(str(report_dir / 'latest.json'))
    assert [(a['action'], [f['key'] for f in a['findings']]) for a in data['actions']] == [
        ('nethserver-migration-dummy', ['dummy.seen'])]


def test_the_ibays_concern_counts_its_folders_and_their_bytes(sme_tree):
    from nethserver_migration import registry
    ibay = sme_tree / 'home' / 'e-smith' / 'files' / 'ibays' / 'webstats' / 'files'
    ibay.mkdir(parents=True)
    (ibay / 'report.html').write_bytes(b'x' * 3000)
    dest = FakeDestination(users={'admin': 'Admin'}, groups={'locals': []},
                           modules={'nethserver-samba'})
    result = check.check_concern(registry.by_name('ibays'), SourceTree(str(sme_tree)), dest)
    assert result.counts['shared folders to migrate'] == 1
    assert result.counts['bytes of shared folders'] == 3000
    assert 'ibays.web' in [f.key for f in result.findings]        # webstats: PublicAccess global
