"""createlinks builds the event tree from the registry, and only from it."""

import os
import shutil
import subprocess
import sys

from nethserver_migration import registry

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
LIB = os.path.join('root', 'usr', 'lib', 'python3.6', 'site-packages')


def copy_tree(tmp_path):
    dest = tmp_path / 'pkg'
    shutil.copytree(os.path.join(TOP, LIB, 'nethserver_migration'),
                    str(dest / LIB / 'nethserver_migration'),
                    ignore=shutil.ignore_patterns('__pycache__'))
    shutil.copy(os.path.join(TOP, 'createlinks'), str(dest / 'createlinks'))
    return dest


def run(pkg, check=True):
    return subprocess.run([sys.executable, str(pkg / 'createlinks')], check=check,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)


def event_of(pkg):
    return pkg / 'root' / 'etc' / 'e-smith' / 'events' / 'migration-import'


def test_the_event_tree_is_the_registry(tmp_path):
    pkg = copy_tree(tmp_path)
    printed = run(pkg).stdout.splitlines()
    event = event_of(pkg)
    links = sorted(e for e in os.listdir(str(event)) if e.startswith('S'))
    assert links == sorted(registry.link_name(c) for c in registry.CONCERNS)
    for concern in registry.CONCERNS:
        link = event / registry.link_name(concern)
        assert os.readlink(str(link)) == '../actions/' + registry.action(concern)
        assert os.access(str(link), os.X_OK)
        text = link.read_text()
        assert 'runner.run({!r})'.format(concern.name) in text
        assert 'root/etc/e-smith/events/migration-import/' + registry.link_name(concern) \
            in printed
    assert (event / 'services2adjust' / 'smb').read_text() == 'restart\n'
    assert (event / 'services2adjust' / 'nmb').read_text() == 'restart\n'
    # signal-event runs them in name order: that is the registry's order
    assert [registry.by_name(l[3:]).name for l in links] == [
        c.name for c in registry.in_order()]


def test_idempotent_and_repairs_a_wrong_link(tmp_path):
    pkg = copy_tree(tmp_path)
    first = run(pkg).stdout
    event = event_of(pkg)
    link = event / 'S05nethserver-migration-preflight'
    link.unlink()
    link.write_text('a regular file in the way')
    (event / 'services2adjust' / 'smb').write_text('stop\n')
    assert run(pkg).stdout == first
    assert os.readlink(str(link)) == '../actions/nethserver-migration-preflight'
    assert (event / 'services2adjust' / 'smb').read_text() == 'restart\n'


def test_a_registered_concern_without_its_module_is_an_error(tmp_path):
    pkg = copy_tree(tmp_path)
    os.unlink(str(pkg / LIB / 'nethserver_migration' / 'actions' / 'summary.py'))
    proc = run(pkg, check=False)
    assert proc.returncode != 0
    assert 'concern summary has no module' in proc.stderr


def test_a_new_concern_is_one_module_and_one_row(tmp_path):
    pkg = copy_tree(tmp_path)
    lib = pkg / LIB / 'nethserver_migration'
    (lib / 'actions' / 'dummy.py').write_text('def run(source, destination, reporter):\n'
                                              '    reporter.info("dummy ran")\n')
    text = (lib / 'registry.py').read_text()
    (lib / 'registry.py').write_text(text.replace(
        "    Concern('summary', '95', None, False),",
        "    Concern('dummy', '70', None, False),\n    Concern('summary', '95', None, False),"))
    run(pkg)
    event = event_of(pkg)
    assert os.readlink(str(event / 'S70nethserver-migration-dummy')) == \
        '../actions/nethserver-migration-dummy'
    # and a row taken out takes its link and entry point with it
    (lib / 'registry.py').write_text(text)
    run(pkg)
    assert not os.path.lexists(str(event / 'S70nethserver-migration-dummy'))
    assert not os.path.lexists(str(pkg / 'root/etc/e-smith/events/actions/'
                                         'nethserver-migration-dummy'))
