"""migration-check through its real command, in the sandbox: what it prints, its exit
status for each blocking condition, and the proof that it changes nothing."""

import json
import os
import subprocess

import pytest

from tests import reports

from tests.world import smegen
from tests.world.sandbox import Sandbox
from tests.world.test_config_sandbox import tree_snapshot

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SRC = '/var/lib/migration'
CHECK = '/usr/sbin/migration-check'

pytestmark = pytest.mark.sandbox


def world(tmp, provider='ldap', role='WS', modules=None, **kw):
    sandbox = Sandbox(tmp, provider=provider, modules=modules)
    manifest = smegen.generate(sandbox.path(SRC), seed=51, version='9', users=3, groups=1,
                               ibays=1, pseudonyms=0, messages=1, role=role, **kw)
    subprocess.check_call([os.path.join(TOP, 'createlinks')], stdout=subprocess.DEVNULL)
    sandbox.install_package(os.path.join(TOP, 'root'))
    return sandbox, manifest


def run_check(sandbox, *args):
    res = sandbox.run([CHECK, SRC, '--json', '/tmp/check.json'] + list(args))
    path = sandbox.path('/tmp/check.json')
    data = json.load(open(path)) if os.path.exists(path) else None
    return res, data


def snapshot(sandbox):
    """Every file of the sandbox (hash, mode, owner, group, mtime), the stand-in's own
    call journal aside (test machinery: rpm -q, the one command the check runs, is a
    stand-in that writes it)."""
    return tree_snapshot(sandbox.root, skip=(os.path.join('var', 'log', 'ns7-standin'),),
                         times=True)


@pytest.fixture(scope='module')
def good(tmp_path_factory):
    sandbox, manifest = world(tmp_path_factory.mktemp('check-good'))
    before = snapshot(sandbox)
    plain = sandbox.run([CHECK, SRC])                  # no --json: no output file asked
    after = snapshot(sandbox)
    res, data = run_check(sandbox, '-v')
    return dict(sb=sandbox, m=manifest, res=res, data=data, before=before, after=after,
                plain=plain)


def test_check_changes_nothing_at_all(good):
    assert good['plain'].returncode == 0, good['plain'].stdout + good['plain'].stderr
    assert good['before'] == good['after']


def test_check_says_what_the_import_would_do(good):
    out, data = good['res'].stdout, good['data']
    users = len(good['m']['users'])
    assert 'accounts       ' in out and '{} users to create'.format(users) in out
    assert 'homes to migrate' in out
    assert 'Nothing blocks the import: signal-event migration-import ' + SRC in out
    by_name = dict((c['concern'], c) for c in data['concerns'])
    assert by_name['accounts']['counts']['users to create'] == users
    assert 'step: user-create' in out                       # -v lists the steps
    assert data['exit_status'] == 0 and data['blocking'] == []
    assert data['command'] == 'migration-check'


def test_check_one_concern(good):
    res, data = run_check(good['sb'], '--concern', 'dhcp')
    assert res.returncode == 0
    assert [c['concern'] for c in data['concerns']] == ['dhcp']


@pytest.mark.parametrize('args', [['--bogus'], ['--concern', 'nosuch']])
def test_bad_arguments_exit_2(good, args):
    res = good['sb'].run([CHECK, SRC] + args)
    assert res.returncode == 2 and 'usage: migration-check' in res.stderr


def test_help_exits_0_and_tells_the_exit_codes(good):
    res = good['sb'].run([CHECK, '--help'])
    assert res.returncode == 0 and '1 something blocks' in res.stdout


# -- each blocking condition: exit 1 and its finding ----------------------------------

def _not_a_tree(sandbox):
    os.unlink(sandbox.path(SRC + '/home/e-smith/db/accounts'))


def _legacy_action(sandbox):
    path = sandbox.path('/etc/e-smith/events/migration-import/S30nethserver-mail-migrate')
    with open(path, 'w') as f:
        f.write('#!/bin/sh\n')
    os.chmod(path, 0o755)


def _ibay_named_like_a_user(sandbox):
    subprocess.check_call(['true'])
    db = sandbox.path(SRC + '/home/e-smith/db/accounts')
    with open(db, 'a') as f:
        f.write('postfix=ibay|Name|Clashes with a system account|Group|admin\n')


def _cups_without_its_module(sandbox):
    with open(sandbox.path(SRC + '/home/e-smith/db/configuration'), 'a') as f:
        f.write('cups=service|status|enabled\n')


BLOCKING = [
    ('not a tree', {}, _not_a_tree, 'check.not-a-tree'),
    ('no provider', {'provider': 'none'}, None, 'accounts.no-provider'),
    ('PDC into LDAP', {'role': 'PDC'}, None, 'accounts.provider-mismatch'),
    ('a module missing', {}, _cups_without_its_module, 'module.missing'),
    ('a legacy action', {}, _legacy_action, 'event.legacy-action'),
    ('a name clash', {}, _ibay_named_like_a_user, 'check.name-clash'),
]


@pytest.mark.parametrize('case, kw, breaker, key', BLOCKING, ids=[b[0] for b in BLOCKING])
def test_each_blocking_condition_exits_1(tmp_path, case, kw, breaker, key):
    sandbox, _manifest = world(tmp_path, **kw)
    if breaker is not None:
        breaker(sandbox)
    res, data = run_check(sandbox)
    assert res.returncode == 1, res.stdout + res.stderr
    assert key in [f['key'] for f in data['blocking']]
    assert all(f['blocking'] for f in data['blocking'])
    assert 'BLOCKING' in res.stdout or 'Blocking (' in res.stdout
    # the import's preflight says the same, for the checks that are not a concern's
    if key in ('event.legacy-action', 'check.name-clash'):
        sandbox.run(['/etc/e-smith/events/actions/nethserver-migration-preflight',
                     'migration-import', SRC])
        report = reports.load(sandbox.path('/var/log/nethserver-migration/latest.json'))
        said = [f for a in report['actions'] for f in a['findings'] if f['key'] == key]
        assert said and all(f['blocking'] for f in said)
