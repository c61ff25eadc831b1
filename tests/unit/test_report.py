import io
import json
import os

import pytest

from tests import reports

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
    for name, status in (('nethserver-migration-a', 0), ('nethserver-migration-b', 1)):
        r = reporter(tmp_path, name)
        r.count('users created', 3)
        r.save('migration-import', '/var/lib/migration', status)
    data = reports.load(os.path.join(log, 'latest.json'))
    assert os.path.realpath(os.path.join(log, 'latest.json')) == first
    assert data['schema_version'] == report.SCHEMA_VERSION
    assert [(s['action'], s['exit_status'], s['counts']) for s in data['actions']] == [
        ('nethserver-migration-a', 0, {'users created': 3}),
        ('nethserver-migration-b', 1, {'users created': 3})]
    assert oct(os.stat(first).st_mode & 0o777) == '0o640'


def test_save_without_a_run_starts_one_and_a_new_source_starts_another(tmp_path):
    log = str(tmp_path / 'log')
    reporter(tmp_path, 'nethserver-migration-a').save('migration-import', '/src1', 0)
    one = os.path.realpath(os.path.join(log, 'latest.json'))
    reporter(tmp_path, 'nethserver-migration-b').save('migration-import', '/src2', 0)
    two = os.path.realpath(os.path.join(log, 'latest.json'))
    assert one != two
    assert [s['action'] for s in reports.load(two)['actions']] == ['nethserver-migration-b']


def test_render_text_lists_what_needs_a_hand_blocking_first(tmp_path):
    log = str(tmp_path / 'log')
    report.start_run(log, 'migration-import', '/src')
    r = reporter(tmp_path, 'nethserver-migration-accounts')
    r.count('users created', 2)
    r.finding('x.note', 'notice', 'just so you know')
    r.finding('x.warn', 'warning', 'user bob skipped', remediation='create bob by hand')
    r.finding('x.block', 'error', 'no provider', blocking=True, commands=['do this'])
    r.save('migration-import', '/src', r.exit_status())
    text = report.render_text(reports.load(os.path.join(log, 'latest.json')))
    lines = text.splitlines()
    assert any(l.split()[:3] == ['nethserver-migration-accounts', 'FAILED', '2'] for l in lines)
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


# -- grouped text and migration-report --------------------------------------------------

def remote_ad_like_run(tmp_path, users=12):
    log = str(tmp_path / 'log')
    report.start_run(log, 'migration-import', '/src')
    r = reporter(tmp_path, 'nethserver-migration-accounts')
    for n in range(users):
        r.finding('accounts.remote-user-missing', 'warning', 'user u{:02d} is not on the '
                  'domain'.format(n), obj={'user': 'u{:02d}'.format(n)},
                  remediation='create it on the domain')
    h = reporter(tmp_path, 'nethserver-migration-homes')
    for n in range(users):
        h.finding('homes.user-unknown', 'warning', 'home of user u{:02d} not migrated'.format(n),
                  obj={'user': 'u{:02d}'.format(n)}, remediation='run the import again',
                  commands=['signal-event migration-import /src'])
    h.finding('x.once', 'error', 'something else', obj={'file': '/f'})
    r.save('migration-import', '/src', 0)
    h.save('migration-import', '/src', 1)
    return os.path.join(log, 'latest.json')


def test_text_groups_findings_of_one_kind_and_json_keeps_every_one(tmp_path):
    latest = remote_ad_like_run(tmp_path)
    data = reports.load(latest)
    assert sum(len(a['findings']) for a in data['actions']) == 25
    text = report.render_text(data)
    entries = [l for l in text.splitlines() if l.startswith('- ')]
    assert entries == [
        '- ERROR: something else',
        '- WARNING x12 (accounts.remote-user-missing), e.g.: user u00 is not on the domain',
        '- WARNING x12 (homes.user-unknown), e.g.: home of user u00 not migrated']
    assert 'What needs your hand (25):' in text
    concerning = [l for l in text.splitlines() if l.startswith('    concerning:')]
    assert concerning[0] == ('    concerning: user u00; user u01; user u02; user u03; user u04; '
                             'user u05; user u06; user u07; user u08; user u09 and 2 more')
    assert text.count('signal-event migration-import /src') == 1


def test_migration_report_prints_the_latest_or_a_file_as_text_or_json(tmp_path, monkeypatch):
    latest = remote_ad_like_run(tmp_path)
    monkeypatch.setattr(report, 'REPORT_DIR', os.path.dirname(latest))
    out = io.StringIO()
    assert report.main([], stream=out) == 0
    assert out.getvalue() == report.render_text(reports.load(latest))
    out = io.StringIO()
    assert report.main([os.path.realpath(latest), '--json'], stream=out) == 0
    assert reports.validate(json.loads(out.getvalue())) == reports.load(latest)
    assert report.main(['--last'], stream=io.StringIO()) == 0


def test_migration_report_without_a_report_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(report, 'REPORT_DIR', str(tmp_path / 'none'))
    assert report.main([], stream=io.StringIO()) == 2
    assert 'migration-report: ' in capsys.readouterr().err
    (tmp_path / 'x.json').write_text('[1, 2]')
    assert report.main([str(tmp_path / 'x.json')], stream=io.StringIO()) == 2
    assert report.main(['--bogus'], stream=io.StringIO()) == 2
