import io
import os

import pytest

from tests import reports
from tests.unit.fakes import FakeDestination

from nethserver_migration import report, runner


class Concern(object):
    def __init__(self, body):
        self.body = body

    def run(self, source, destination, reporter):
        self.body(source, destination, reporter)


@pytest.fixture
def report_dir(tmp_path, monkeypatch):
    path = str(tmp_path / 'log')
    monkeypatch.setattr(report, 'REPORT_DIR', path)
    return path


def test_usage_and_help(report_dir):
    out = io.StringIO()
    assert runner.main('x', Concern(None), ['prog'], stream=out) == 2
    assert 'usage: prog EVENT SOURCEDIR' in out.getvalue()
    assert runner.main('x', Concern(None), ['prog', '--help'], stream=io.StringIO()) == 0


def test_not_a_tree_is_one_error_line(tmp_path, report_dir):
    out = io.StringIO()
    status = runner.main('x', Concern(None), ['prog', 'migration-import', str(tmp_path)], stream=out)
    assert status == 1
    errors = [l for l in out.getvalue().splitlines() if l.startswith('[ERROR]')]
    assert len(errors) == 1 and 'is not an SME Server or NethService tree' in errors[0]


def test_success_saves_the_section(sme_tree, report_dir, mocker):
    dest = FakeDestination()

    def body(source, destination, reporter):
        assert destination is dest
        reporter.info('did {}'.format(source.system_name))
        reporter.count('things', 1)
    out = io.StringIO()
    assert runner.main('nethserver-migration-x', Concern(body), ['p', 'migration-import', str(sme_tree)],
                       destination=dest, stream=out) == 0
    assert '[INFO] did pretz' in out.getvalue()
    data = reports.load(os.path.join(report_dir, 'latest.json'))
    assert data['actions'][0]['counts'] == {'things': 1}
    assert data['source'] == str(sme_tree)


def test_unexpected_exception_is_one_line_and_a_traceback_file(sme_tree, report_dir, mocker):
    def body(source, destination, reporter):
        raise KeyError('boom')
    out = io.StringIO()
    status = runner.main('nethserver-migration-x', Concern(body),
                         ['p', 'migration-import', str(sme_tree)], destination=FakeDestination(), stream=out)
    assert status == 1
    assert 'Traceback' not in out.getvalue()
    assert "stopped by an unexpected error: KeyError: 'boom'" in out.getvalue()
    with open(os.path.join(report_dir, 'nethserver-migration-x.traceback')) as stream:
        assert 'KeyError' in stream.read()


def test_unexpected_exception_is_a_blocking_finding_with_the_traceback(sme_tree, report_dir,
                                                                         mocker):
    def body(source, destination, reporter):
        reporter.count('done before', 3)
        raise RuntimeError('bug')
    runner.main('nethserver-migration-x', Concern(body), ['p', 'migration-import', str(sme_tree)],
                destination=FakeDestination(), stream=io.StringIO())
    section = reports.load(os.path.join(report_dir, 'latest.json'))['actions'][0]
    trace = os.path.join(report_dir, 'nethserver-migration-x.traceback')
    assert section['exit_status'] == 1 and section['counts'] == {'done before': 3}
    assert [(f['key'], f['severity'], f['blocking'], f['object']) for f in section['findings']] \
        == [('action.unexpected-error', 'error', True,
             {'action': 'nethserver-migration-x', 'file': trace})]
    assert section['findings'][0]['commands'][0] == 'less ' + trace
    text = report.render_text(reports.load(os.path.join(report_dir, 'latest.json')))
    assert 'BLOCKING ERROR' in text and trace in text
