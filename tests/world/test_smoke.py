"""End to end: a generated SME tree, this checkout's package installed in the sandbox, the
real signal-event migration-import.  Asserts the shape of the log and the exit status."""

import json
import os
import re
import subprocess

import pytest

from tests import reports

from tests.world import smegen
from tests.world.sandbox import Sandbox

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
EVENT_DIR = os.path.join(TOP, 'root', 'etc', 'e-smith', 'events', 'migration-import')

pytestmark = pytest.mark.sandbox


def our_actions():
    subprocess.check_call([os.path.join(TOP, 'createlinks')], stdout=subprocess.DEVNULL)
    return sorted(n for n in os.listdir(EVENT_DIR) if n.startswith('S'))


@pytest.fixture(scope='module')
def migrated(tmp_path_factory):
    sandbox = Sandbox(tmp_path_factory.mktemp('smoke'))
    smegen.generate(sandbox.path('/var/lib/migration'), seed=3, version='9', users=5,
                    groups=2, ibays=2, messages=2)
    our_actions()
    sandbox.install_package(os.path.join(TOP, 'root'))
    result = sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', '/var/lib/migration'])
    return sandbox, result


def event_lines(sandbox):
    return [l.split('esmith::event', 1)[1].split(': ', 1)[1] for l in sandbox.messages()
            if 'esmith::event' in l]


def test_event_runs_every_action_in_order_and_succeeds(migrated):
    sandbox, result = migrated
    lines = event_lines(sandbox)
    assert lines[0] == 'Event: migration-import /var/lib/migration'
    assert lines[-1] == 'Event: migration-import SUCCESS', '\n'.join(lines)
    ran = [re.match(r'Action: (\S+) (SUCCESS|FAILED)', l).groups() for l in lines
           if l.startswith('Action: ')]
    ours = [os.path.basename(path) for path, _ in ran if '/migration-import/' in path]
    assert ours == our_actions()
    assert all(status == 'SUCCESS' for _, status in ran)
    assert ('/etc/e-smith/events/actions/adjust-services', 'SUCCESS') in ran
    assert result.returncode == 0


def test_log_is_clean_and_every_line_of_ours_has_a_prefix(migrated):
    sandbox, _ = migrated
    text = '\n'.join(sandbox.messages())
    assert 'Traceback' not in text
    ours = [l for l in event_lines(sandbox)
            if not l.startswith(('Event: ', 'Action: ', '    ')) and l.strip()]
    assert ours, 'the actions said nothing'
    bad = [l for l in ours if not re.match(r'\[(INFO|NOTICE|WARNING|ERROR)\] ', l)
           and not l.startswith('ns7-standin')]
    assert not bad, bad


def test_report_written_with_schema_and_text(migrated):
    sandbox, _ = migrated
    latest = sandbox.path('/var/log/nethserver-migration/latest.json')
    data = reports.load(latest)          # valid against the schema the package ships
    assert data['schema_version'] == 1
    assert data['event'] == 'migration-import'
    assert data['source'] == '/var/lib/migration'
    assert [a['action'] for a in data['actions']][0] == 'nethserver-migration-preflight'
    text = open(sandbox.path('/var/log/nethserver-migration/latest.txt')).read()
    assert text.startswith('Migration report (migration-import /var/lib/migration')


def test_not_a_tree_fails_every_action_with_one_clear_line(tmp_path):
    sandbox = Sandbox(tmp_path)
    our_actions()
    sandbox.install_package(os.path.join(TOP, 'root'))
    os.makedirs(sandbox.path('/var/lib/empty'), exist_ok=True)
    result = sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', '/var/lib/empty'])
    assert result.returncode == 1
    lines = event_lines(sandbox)
    assert lines[-1] == 'Event: migration-import FAILED'
    errors = [l for l in lines if l.startswith('[ERROR]')]
    assert len(errors) == len(our_actions())
    assert all('is not an SME Server or NethService tree' in l for l in errors)
