"""The one door: outside destination.py (the system), report.py (the report directory),
fileops.py (moving trees), esmithdb.py (the DB files, reached through Destination.db),
extract.py (migration-extract: it writes below the one DIR its user names, through the
descriptors it opened there, and runs the decompressor) and sourcehost.py (rsync-migrate's
ssh, rsync, key, pin, lock and log), no module of the library runs a
command, opens an absolute path, or changes a file.  Read by walking each module's syntax
tree, so a new concern is held to it too."""

import ast
import os

import pytest

LIB = os.path.join(os.path.dirname(__file__), '..', '..', 'root', 'usr', 'lib', 'python3.6',
                   'site-packages', 'nethserver_migration')
DOORS = ('destination.py', 'report.py', 'fileops.py', 'esmithdb.py', 'extract.py',
         'sourcehost.py', 'maildir_sync_door.py')
CHANGES = {'rename', 'replace', 'unlink', 'remove', 'rmdir', 'removedirs', 'mkdir',
           'makedirs', 'chmod', 'chown', 'lchown', 'link', 'symlink', 'utime', 'truncate',
           'write', 'mknod', 'mkfifo', 'system', 'popen', 'spawnv', 'execv', 'fork'}
WRITE_FLAGS = {'O_WRONLY', 'O_RDWR', 'O_CREAT', 'O_APPEND', 'O_TRUNC'}


def modules():
    for folder, _dirs, files in os.walk(LIB):
        for name in sorted(files):
            if name.endswith('.py'):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, LIB)
                if rel not in DOORS:
                    yield rel, path


def violations(path):
    tree = ast.parse(open(path).read(), path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + [getattr(node, 'module', None) or '']
            for name in names:
                if name.split('.')[0] in ('subprocess', 'plumbum', 'shutil'):
                    found.append('imports {} (line {})'.format(name, node.lineno))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id == 'os':
            if func.attr in CHANGES:
                found.append('os.{} (line {})'.format(func.attr, node.lineno))
            if func.attr == 'open' and len(node.args) > 1:
                flags = set(n.attr for n in ast.walk(node.args[1])
                            if isinstance(n, ast.Attribute))
                if flags & WRITE_FLAGS:
                    found.append('os.open for writing (line {})'.format(node.lineno))
        if isinstance(func, ast.Name) and func.id == 'open' and node.args:
            first = node.args[0]
            literal = getattr(first, 'value', getattr(first, 's', None))
            if isinstance(literal, str) and literal.startswith('/'):
                found.append('open of {} (line {})'.format(literal, node.lineno))
            mode = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == 'mode'), None)
            mode = getattr(mode, 'value', getattr(mode, 's', 'r'))
            if isinstance(mode, str) and set(mode) & set('wax+'):
                found.append('open for writing (line {})'.format(node.lineno))
    return found


# The command-line tools write the one file their user names (--json FILE): allowed.
ALLOWED = {'check.py': ['open for writing']}


@pytest.mark.parametrize('rel, path', list(modules()), ids=[m[0] for m in modules()])
def test_no_module_reaches_around_the_destination(rel, path):
    found = [v for v in violations(path)
             if not any(v.startswith(a) for a in ALLOWED.get(rel, ()))]
    assert found == []


def test_the_walker_catches_what_it_must(tmp_path):
    bad = tmp_path / 'bad.py'
    bad.write_text('import subprocess\nimport os\nos.unlink("x")\nopen("/etc/shadow")\n'
                   'open(p, "w")\nos.open(p, os.O_WRONLY | os.O_CREAT)\n')
    assert [v.split(' ')[0] for v in violations(str(bad))] == [
        'imports', 'os.unlink', 'open', 'open', 'os.open']
