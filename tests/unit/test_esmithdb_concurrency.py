"""Concurrent writers in separate processes never lose an update: the <file>.lock works."""

import multiprocessing
import os
import subprocess
import sys

import pytest

from nethserver_migration import esmithdb

WORKERS = 4
CHANGES = 40
LIB = os.path.dirname(os.path.dirname(os.path.abspath(esmithdb.__file__)))


def worker(path, n, start):
    start.wait()
    db = esmithdb.Database(path, readonly=False)
    for i in range(CHANGES):
        # Its own record, created on the first change and merged into later...
        db.merge_props('w{}'.format(n), {'p{:03d}'.format(i): str(i)}, type_='worker')
        # ...and its own props on one record that every worker changes.
        db.set_prop('shared', 'w{}_{:03d}'.format(n, i), str(n))


def check(path, workers):
    db = esmithdb.Database(path)
    assert db.issues == []
    assert db.get_value('seed') == 'kept'
    for n in range(workers):
        record = db.get('w{}'.format(n))
        assert record is not None, 'worker {} lost its record'.format(n)
        assert record.type == 'worker'
        assert record.props == {'p{:03d}'.format(i): str(i) for i in range(CHANGES)}
    shared = db.get('shared').props
    expected = {'w{}_{:03d}'.format(n, i): str(n) for n in range(workers) for i in range(CHANGES)}
    missing = sorted(set(expected) - set(shared))
    assert not missing, '{} updates lost, e.g. {}'.format(len(missing), missing[:5])
    assert shared == expected
    # No temp file left behind by any writer.
    leftovers = [f for f in os.listdir(os.path.dirname(path))
                 if f not in (os.path.basename(path), os.path.basename(path) + '.lock')]
    assert leftovers == []


@pytest.fixture
def dbpath(tmp_path):
    path = str(tmp_path / 'accounts')
    with open(path, 'wb') as stream:
        stream.write(b'seed=kept\nshared=any\n')
    return path


def test_forked_writers_lose_nothing(dbpath):
    ctx = multiprocessing.get_context('fork')
    start = ctx.Event()
    procs = [ctx.Process(target=worker, args=(dbpath, n, start)) for n in range(WORKERS)]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(120)
    assert [p.exitcode for p in procs] == [0] * WORKERS
    check(dbpath, WORKERS)


SCRIPT = r'''
import sys
sys.path.insert(0, sys.argv[1])
from nethserver_migration import esmithdb
path, n, changes = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.stdin.read()                     # wait for the go
db = esmithdb.Database(path, readonly=False)
with db.batch():
    db.merge_props('w%d' % n, {'p000': '0'}, type_='worker')
for i in range(1, changes):
    db.merge_props('w%d' % n, {'p%03d' % i: str(i)})
for i in range(changes):
    db.set_prop('shared', 'w%d_%03d' % (n, i), str(n))
'''


def test_separate_interpreters_lose_nothing(dbpath):
    """Fresh interpreters (no shared state at all), as signal-event actions would be."""
    procs = [subprocess.Popen([sys.executable, '-c', SCRIPT, LIB, dbpath, str(n),
                               str(CHANGES)], stdin=subprocess.PIPE)
             for n in range(3)]
    for proc in procs:
        proc.stdin.close()           # go
    assert [proc.wait(120) for proc in procs] == [0, 0, 0]
    check(dbpath, 3)
