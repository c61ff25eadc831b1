import os
import shutil
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def copy_tree(tmp_path):
    dest = tmp_path / 'pkg'
    shutil.copytree(os.path.join(TOP, 'root', 'etc', 'e-smith', 'events', 'actions'),
                    str(dest / 'root' / 'etc' / 'e-smith' / 'events' / 'actions'))
    shutil.copy(os.path.join(TOP, 'createlinks'), str(dest / 'createlinks'))
    return dest


def run(pkg):
    return subprocess.run([sys.executable, str(pkg / 'createlinks')], check=True,
                          stdout=subprocess.PIPE, universal_newlines=True).stdout.splitlines()


def test_links_and_services_like_esmith_build_createlinks(tmp_path):
    pkg = copy_tree(tmp_path)
    printed = run(pkg)
    event = pkg / 'root' / 'etc' / 'e-smith' / 'events' / 'migration-import'
    assert 'root/etc/e-smith/events/migration-import/S05nethserver-migration-preflight' in printed
    assert os.readlink(str(event / 'S05nethserver-migration-preflight')) == \
        '../actions/nethserver-migration-preflight'
    assert os.path.isfile(str(event / 'S95nethserver-migration-summary'))
    assert (event / 'services2adjust' / 'smb').read_text() == 'restart\n'
    assert (event / 'services2adjust' / 'nmb').read_text() == 'restart\n'
    # every link resolves to an executable action
    for entry in os.listdir(str(event)):
        if entry.startswith('S'):
            assert os.access(str(event / entry), os.X_OK), entry


def test_idempotent_and_repairs_a_wrong_link(tmp_path):
    pkg = copy_tree(tmp_path)
    first = run(pkg)
    event = pkg / 'root' / 'etc' / 'e-smith' / 'events' / 'migration-import'
    link = event / 'S05nethserver-migration-preflight'
    link.unlink()
    link.write_text('a regular file in the way')
    (event / 'services2adjust' / 'smb').write_text('stop\n')
    assert run(pkg) == first
    assert os.readlink(str(link)) == '../actions/nethserver-migration-preflight'
    assert (event / 'services2adjust' / 'smb').read_text() == 'restart\n'
    snapshot = sorted((p, os.readlink(os.path.join(r, p)) if os.path.islink(os.path.join(r, p)) else None)
                      for r, _d, files in os.walk(str(event)) for p in files)
    run(pkg)
    assert snapshot == sorted((p, os.readlink(os.path.join(r, p)) if os.path.islink(os.path.join(r, p)) else None)
                              for r, _d, files in os.walk(str(event)) for p in files)


def test_missing_action_is_an_error(tmp_path):
    pkg = copy_tree(tmp_path)
    os.unlink(str(pkg / 'root' / 'etc' / 'e-smith' / 'events' / 'actions' / 'nethserver-migration-summary'))
    proc = subprocess.run([sys.executable, str(pkg / 'createlinks')], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode != 0
    assert 'nethserver-migration-summary is not in' in proc.stderr
