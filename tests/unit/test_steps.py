"""steps.apply against a mocked Destination, and the single-file operations of fileops."""

import io
import os
import stat

import pytest

from nethserver_migration import esmithdb, fileops, report
from nethserver_migration.destination import CommandResult, Destination
from nethserver_migration.steps import (InstallFile, Run, SetProps, SetValue, Signal, apply,
                                        module_missing, note)


@pytest.fixture
def db_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(esmithdb, 'DB_DIR', str(tmp_path / 'db'))
    os.makedirs(str(tmp_path / 'db'))
    return tmp_path / 'db'


@pytest.fixture
def reporter(tmp_path):
    return report.Reporter('test', stream=io.StringIO(), report_dir=str(tmp_path / 'rep'))


@pytest.fixture
def dest(db_dir, mocker):
    d = Destination()
    mocker.patch.object(d, '_run', return_value=CommandResult(0, '', ''))
    return d


def test_set_props_writes_once_then_says_already_done(dest, reporter, db_dir):
    step = SetProps('configuration', 'smb', 'service', {'LogonDrive': 'Z:'}, 'smb LogonDrive')
    assert apply([step], dest, reporter) == 1
    text = (db_dir / 'configuration').read_bytes()
    assert apply([step], Destination(), reporter) == 0
    assert (db_dir / 'configuration').read_bytes() == text            # header date too
    assert reporter.stream.getvalue().splitlines()[-1] == '[INFO] smb LogonDrive (already done)'


def test_set_value_and_signal_and_run(dest, reporter):
    changed = apply([SetValue('configuration', 'MinUid', '5001', 'MinUid'),
                     Signal('password-policy-update', (), 'policy'),
                     Run('set_timezone', ('Europe/Rome',), 'tz')], dest, reporter)
    assert changed == 3
    assert dest.db('configuration').get_value('MinUid') == '5001'
    calls = [c.args[0] for c in dest._run.call_args_list]
    assert calls == [['/sbin/e-smith/signal-event', 'password-policy-update'],
                     ['timedatectl', 'set-timezone', 'Europe/Rome']]
    assert reporter.errors == 0


def test_failures_are_errors_and_the_next_step_runs(dest, reporter):
    dest._run.return_value = CommandResult(1, '', 'Failed to set time zone: Invalid\n')
    apply([Run('set_timezone', ('X/Y',), 'tz'),
           Signal('nethserver-ntp-update', (), 'ntp'),
           SetProps('configuration', 'x', 'service', {'a': 'b'}, 'x a')], dest, reporter)
    out = reporter.stream.getvalue()
    assert '[ERROR] tz: set_timezone failed (exit 1): Failed to set time zone: Invalid' in out
    assert '[ERROR] ntp: signal-event nethserver-ntp-update failed' in out
    assert dest.db('configuration').get_prop('x', 'a') == 'b'
    assert reporter.errors == 2


def test_a_db_refusal_is_one_error_line(dest, reporter, db_dir):
    (db_dir / 'hosts').write_text('broken line\n')
    apply([SetProps('hosts', 'h', 'self', {'Description': ''}, 'host h')], dest, reporter)
    assert reporter.errors == 1
    assert 'refusing to rewrite' in reporter.stream.getvalue()
    assert (db_dir / 'hosts').read_text() == 'broken line\n'


def test_module_missing_finding(dest, reporter):
    apply([module_missing('nethserver-cups', 'CUPS', '/src')], dest, reporter)
    found = reporter.findings[0]
    assert (found.key, found.severity, found.obj) == ('module.missing', 'warning',
                                                      {'module': 'nethserver-cups'})
    assert found.commands == ['yum install -y nethserver-cups',
                              'signal-event migration-import /src']


def test_note_without_key_is_a_plain_line(dest, reporter):
    apply([note('notice', 'hello')], dest, reporter)
    assert reporter.stream.getvalue() == '[NOTICE] hello\n' and not reporter.findings


def test_install_file_step_conflict_is_reported(dest, reporter, mocker):
    mocker.patch.object(dest, 'install_file', return_value=('beside', '/etc/cups/p.migrated'))
    apply([InstallFile('/s/p', '/etc/cups/p', 0o600, False, 'CUPS p')], dest, reporter)
    assert reporter.findings[0].key == 'file.kept-destination'


@pytest.mark.parametrize('status, path, found', [
    ('beside', '/etc/cups/p.migrated', True),
    ('unchanged', '/etc/cups/p.migrated', True),     # a re-run: the clash still stands
    ('unchanged', '/etc/cups/p', False),
    ('installed', '/etc/cups/p', False),
    ('replaced', '/etc/cups/p', False),
])
def test_install_file_clash_is_said_on_every_run(dest, reporter, mocker, status, path, found):
    mocker.patch.object(dest, 'install_file', return_value=(status, path))
    changed = apply([InstallFile('/s/p', '/etc/cups/p', 0o600, False, 'CUPS p')], dest,
                    reporter)
    assert [(f.key, f.severity, f.obj) for f in reporter.findings] == (
        [('file.kept-destination', 'warning', {'file': '/etc/cups/p'})] if found else [])
    assert changed == (0 if status == 'unchanged' else 1)


# -- fileops.install_file / move_into ---------------------------------------------------

def me():
    return (os.getuid(), os.getgid())


def test_install_file_new_same_replace_beside(tmp_path):
    src = tmp_path / 'src.key'
    src.write_text('secret\n')
    os.chmod(str(src), 0o644)
    dst = tmp_path / 'pki' / 'private' / 'NSRV.key'
    assert fileops.install_file(str(src), str(dst), 0o600, me()) == ('installed', str(dst))
    assert stat.S_IMODE(os.stat(str(dst)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(str(src)).st_mode) == 0o644       # a copy, not a link
    os.chmod(str(dst), 0o644)
    assert fileops.install_file(str(src), str(dst), 0o600, me()) == ('unchanged', str(dst))
    assert stat.S_IMODE(os.stat(str(dst)).st_mode) == 0o600       # mode fixed
    other = tmp_path / 'other.key'
    other.write_text('other\n')
    assert fileops.install_file(str(other), str(dst), 0o600, me(), replace=True) == \
        ('replaced', str(dst))
    assert dst.read_text() == 'other\n'
    backup = str(dst) + fileops.BACKUP
    assert open(backup).read() == 'secret\n'
    fileops.install_file(str(src), str(dst), 0o600, me(), replace=True)
    assert open(backup).read() == 'secret\n'                     # first backup kept
    status, path = fileops.install_file(str(other), str(dst), 0o600, me())
    assert (status, path) == ('beside', str(dst) + fileops.MIGRATED)
    assert dst.read_text() == 'secret\n'
    assert fileops.install_file(str(other), str(dst), 0o600, me()) == ('unchanged', path)


def test_move_into_never_overwrites(tmp_path):
    a = tmp_path / 'install.log'
    a.write_text('1')
    logs = tmp_path / 'logs'
    logs.mkdir()
    (logs / 'install.log').write_text('0')
    moved = fileops.move_into([str(a)], str(logs))
    assert moved == [(str(a), str(logs / 'install.log.2'))]
    assert (logs / 'install.log').read_text() == '0'


# -- consecutive changes to one DB: one lock, one write --------------------------------

def test_consecutive_db_steps_are_one_batch_and_one_write(tmp_path, monkeypatch, reporter):
    path = str(tmp_path / 'configuration')
    with open(path, 'w') as f:
        f.write('sshd=service|TCPPort|22\n')
    monkeypatch.setattr(esmithdb, 'DB_DIR', str(tmp_path))
    dest = Destination()
    writes = []
    real = esmithdb.write_file
    monkeypatch.setattr(esmithdb, 'write_file', lambda p, t: (writes.append(p), real(p, t)))
    steps = [SetProps('configuration', 'sshd', 'service', {'TCPPort': '2222'}, 'port'),
             SetProps('configuration', 'cups', 'service', {'status': 'enabled'}, 'cups'),
             SetValue('configuration', 'MinUid', '5000', 'uid'),
             SetProps('configuration', 'x', None, {'p': 'a|b'}, 'refused'),   # fails alone
             Signal('nethserver-x-update', (), 'x'),
             SetValue('configuration', 'MaxThing', '7', 'after the signal')]
    monkeypatch.setattr(dest, 'signal_event', lambda *a: True)
    changed = apply(steps, dest, reporter)
    assert writes == [path, path]          # one write for the first run, one after the signal
    assert changed == 5 and reporter.errors == 1
    db = esmithdb.Database(path)
    assert (db.get_prop('sshd', 'TCPPort'), db.get_prop('cups', 'status'),
            db.get_value('MinUid'), db.get_value('MaxThing')) == ('2222', 'enabled', '5000', '7')


def test_a_run_step_names_a_destination_command_nothing_else(dest, reporter):
    apply([Run('_run', (['rm', '-rf', '/'],), 'generic')], dest, reporter)
    assert not dest._run.called and reporter.errors == 1
