import io
import json
import os

import pytest

from nethserver_migration import report


def reporter(tmp_path, action='nethserver-migration-test'):
    return report.Reporter(action, stream=io.StringIO(), report_dir=str(tmp_path / 'log'))


def test_lines_have_the_four_prefixes_and_errors_count(tmp_path):
    r = reporter(tmp_path)
    r.info('one')
    r.notice('two')
    r.warning('three')
    r.error('four\nfive')
    assert r.stream.getvalue().splitlines() == [
        '[INFO] one', '[NOTICE] two', '[WARNING] three', '[ERROR] four', '[ERROR] five']
    assert r.errors == 1
    assert r.exit_status() == 1
    assert r.stream.getvalue().splitlines()[-1] == \
        '[WARNING] 1 error(s) occurred in nethserver-migration-test action'


def test_no_error_exit_zero(tmp_path):
    r = reporter(tmp_path)
    r.warning('only a warning')
    assert r.exit_status() == 0


def test_finding_is_a_line_and_a_record(tmp_path):
    r = reporter(tmp_path)
    f = r.finding('accounts.reserved-name', 'warning', 'user administrator skipped',
                  obj={'user': 'administrator'}, remediation='rename it on the source',
                  commands=['signal-event user-create administrator2'])
    assert '[WARNING] user administrator skipped -- rename it on the source' in r.stream.getvalue()
    assert '    signal-event user-create administrator2' in r.stream.getvalue()
    assert f.to_dict() == {'key': 'accounts.reserved-name', 'severity': 'warning',
                           'blocking': False, 'object': {'user': 'administrator'},
                           'message': 'user administrator skipped',
                           'remediation': 'rename it on the source',
                           'commands': ['signal-event user-create administrator2']}
    with pytest.raises(ValueError):
        report.Finding('k', 'fatal', 'm')


def test_blocking_error_finding_fails_the_action(tmp_path):
    r = reporter(tmp_path)
    r.finding('accounts.no-provider', 'error', 'no accounts provider', blocking=True)
    assert [f.key for f in r.blocking] == ['accounts.no-provider']
    assert r.exit_status() == 1


def test_sections_append_to_the_latest_run(tmp_path):
    log = str(tmp_path / 'log')
    first = report.start_run(log, 'migration-import', '/var/lib/migration')
    for name, status in (('a', 0), ('b', 1)):
        r = reporter(tmp_path, name)
        r.count('users created', 3)
        r.save('migration-import', '/var/lib/migration', status)
    data = report.load(os.path.join(log, 'latest.json'))
    assert os.path.realpath(os.path.join(log, 'latest.json')) == first
    assert data['schema_version'] == report.SCHEMA_VERSION
    assert [(s['action'], s['exit_status'], s['counts']) for s in data['actions']] == [
        ('a', 0, {'users created': 3}), ('b', 1, {'users created': 3})]
    assert oct(os.stat(first).st_mode & 0o777) == '0o640'


def test_save_without_a_run_starts_one_and_a_new_source_starts_another(tmp_path):
    log = str(tmp_path / 'log')
    reporter(tmp_path, 'a').save('migration-import', '/src1', 0)
    one = os.path.realpath(os.path.join(log, 'latest.json'))
    reporter(tmp_path, 'b').save('migration-import', '/src2', 0)
    two = os.path.realpath(os.path.join(log, 'latest.json'))
    assert one != two
    assert [s['action'] for s in report.load(two)['actions']] == ['b']


def test_render_text_lists_what_needs_a_hand_blocking_first(tmp_path):
    log = str(tmp_path / 'log')
    report.start_run(log, 'migration-import', '/src')
    r = reporter(tmp_path, 'accounts')
    r.count('users created', 2)
    r.finding('x.note', 'notice', 'just so you know')
    r.finding('x.warn', 'warning', 'user bob skipped', remediation='create bob by hand')
    r.finding('x.block', 'error', 'no provider', blocking=True, commands=['do this'])
    r.save('migration-import', '/src', r.exit_status())
    text = report.render_text(report.load(os.path.join(log, 'latest.json')))
    lines = text.splitlines()
    assert any(l.split()[:3] == ['accounts', 'FAILED', '2'] for l in lines)
    todo = lines[lines.index('What needs your hand (2):') + 1:]
    assert todo[0] == '- BLOCKING ERROR: no provider'
    assert '- WARNING: user bob skipped' in todo
    assert '    what to do: create bob by hand' in todo
    info = lines[lines.index('For your information (1):') + 1:]
    assert info == ['- NOTICE: just so you know']
    assert lines.index('For your information (1):') > lines.index('What needs your hand (2):')


def test_render_text_when_all_is_well(tmp_path):
    data = report.new_report('migration-import', '/src')
    assert 'Nothing needs your hand.' in report.render_text(data)


def test_unwritable_report_dir_is_a_warning_not_a_crash(tmp_path):
    (tmp_path / 'log').write_text('a file, not a directory')
    r = reporter(tmp_path)
    r.save('migration-import', '/src', 0)
    assert 'could not write the report' in r.stream.getvalue()
