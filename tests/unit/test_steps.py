"""steps.apply against a mocked Destination, and the single-file operations of fileops."""

import io
import os
import stat

import pytest

from nethserver_migration import esmithdb, fileops, report
from nethserver_migration.destination import CommandResult, Destination
from nethserver_migration.steps import (Count, InstallFile, MergeTree, MoveInto, Run, SetProps,
                                        SetRecords,
                                        SetValue, Signal, WriteFile, apply, info,
                                        module_missing, note, reporting)
from nethserver_migration.steps import Note
from tests.unit.fakes import FakeDb, FakeDestination


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


# -- every handler as a table, against the FakeDestination ------------------------------

def _merged(placed=0, unchanged=(), conflicts=(), skipped=(), errors=()):
    result = fileops.MergeResult()
    result.linked = ['/d/f{}'.format(n) for n in range(placed)]
    result.unchanged, result.conflicts = list(unchanged), list(conflicts)
    result.skipped, result.errors = list(skipped), list(errors)
    return result


@pytest.mark.parametrize('step, answers, fail, calls, lines, findings, counts, changed', [
    (note('warning', 'w', key='k.w', obj={'user': 'a'}, remediation='r', commands=['c'],
          count='things'), {}, (), [],
     ['[WARNING] w -- r', '    c'], [('k.w', 'warning', {'user': 'a'}, False)],
     {'things': 1}, 0),
    (note('error', 'b', key='k.b', blocking=True), {}, (), [], ['[ERROR] b'],
     [('k.b', 'error', {}, True)], {}, 0),
    (Count('homes', 3), {}, (), [], [], [], {'homes': 3}, 0),
    (Count('homes'), {}, (), [], [], [], {'homes': 1}, 0),
    (Signal('e-x', ('a', 'b'), 'x'), {}, (), [('signal_event', 'e-x', 'a', 'b')],
     ['[INFO] x: signal-event e-x a b done'], [], {'events signalled': 1}, 1),
    (Signal('e-x', (), 'x'), {}, {('e-x', None)}, [('signal_event', 'e-x')],
     ['[ERROR] x: signal-event e-x failed'], [], {}, 0),
    (Run('set_timezone', ('Europe/Rome',), 'tz'), {}, (),
     [('set_timezone', 'Europe/Rome')], ['[INFO] tz'], [], {}, 1),
    (Run('set_timezone', ('X',), 'tz'), {'set_timezone': CommandResult(3, 'out\n', '')}, (),
     [('set_timezone', 'X')], ['[ERROR] tz: set_timezone failed (exit 3): out'], [], {}, 0),
    (Run('set_timezone', ('X',), 'tz'), {'set_timezone': CommandResult(3, '', '')}, (),
     [('set_timezone', 'X')], ['[ERROR] tz: set_timezone failed (exit 3)'], [], {}, 0),
    (InstallFile('/s/p', '/etc/p', 0o640, True, 'P', 'lp'), {}, (),
     [('install_file', '/s/p', '/etc/p', 0o640, True, 'lp')], ['[INFO] P: /etc/p'], [],
     {'files installed': 1}, 1),
    (InstallFile('/s/p', '/etc/p', 0o600, False, 'P'),
     {'install_file': ('replaced', '/etc/p')}, (),
     [('install_file', '/s/p', '/etc/p', 0o600, False, None)],
     ['[INFO] P: /etc/p (the previous one is kept as /etc/p.before-migration)'], [],
     {'files installed': 1}, 1),
    (InstallFile('/s/p', '/etc/p', 0o600, False, 'P'),
     {'install_file': ('unchanged', '/etc/p')}, (),
     [('install_file', '/s/p', '/etc/p', 0o600, False, None)],
     ['[INFO] P: /etc/p (already done)'], [], {}, 0),
    (InstallFile('/s/p', '/etc/p', 0o600, False, 'P'), {}, {('install_file', '/s/p')},
     [('install_file', '/s/p', '/etc/p', 0o600, False, None)],
     ['[ERROR] P: not done: [Errno 13] Permission denied'], [], {}, 0),
    (WriteFile(b'pem', '/etc/pki/x.crt', 0o644, 'certificates.state', True, 'cert'), {}, (),
     [('state_append', 'certificates.state', 'wrote /etc/pki/x.crt'),
      ('write_file', '/etc/pki/x.crt', b'pem', 0o644, True)],
     ['[INFO] cert: /etc/pki/x.crt'], [], {'files installed': 1}, 1),
    (WriteFile(b'pem', '/etc/pki/x.key', 0o600, None, False, 'key'),
     {'write_file': 'replaced'}, (), [('write_file', '/etc/pki/x.key', b'pem', 0o600, False)],
     ['[INFO] key: /etc/pki/x.key (the previous one is kept as '
      '/etc/pki/x.key.before-migration)'], [], {'files installed': 1}, 1),
    (WriteFile(b'pem', '/etc/pki/x.key', 0o600, None, False, 'key'),
     {'write_file': 'unchanged'}, (), [('write_file', '/etc/pki/x.key', b'pem', 0o600, False)],
     ['[INFO] key: /etc/pki/x.key (already done)'], [], {}, 0),
    (MergeTree('/s/root', '/root', ('.ssh',), 0o700, '/root'),
     {'merge_tree': _merged(2, ['/root/u'], [('/root/a', '/root/a.migrated')],
                            [('/s/root/l', 'symlink out')], [('/root/e', 'EIO')])}, (),
     [('merge_tree', '/s/root', '/root', None)],
     ['[INFO] /root: 2 placed, 1 already there, 1 kept beside as .migrated',
      "[NOTICE] /root/a exists on both sides: the destination's is kept, the source's copy "
      "is /root/a.migrated -- compare the two and keep what you need",
      '[WARNING] /root: skipped /s/root/l: symlink out', '[ERROR] /root: /root/e: EIO'],
     [('file.kept-destination', 'notice', {'file': '/root/a'}, False)],
     {'files placed': 2}, 1),
    (MergeTree('/s/root', '/root', (), None, '/root'), {'merge_tree': _merged(1)}, (),
     [('merge_tree', '/s/root', '/root', None)],
     ['[INFO] /root: 1 placed, 0 already there, 0 kept beside as .migrated'], [],
     {'files placed': 1}, 1),
    (InstallFile('/s/p', '/etc/p', 0o600, False, 'P'),
     {'install_file': ('beside', '/etc/p.migrated')}, (),
     [('install_file', '/s/p', '/etc/p', 0o600, False, None)],
     ["[WARNING] P: /etc/p already exists with other content and is kept; the source's copy "
      "is /etc/p.migrated -- compare the two files and keep the one you want"],
     [('file.kept-destination', 'warning', {'file': '/etc/p'}, False)],
     {'files installed': 1}, 1),
    (Run('no_such', (), 'x'), {}, (), [],
     ['[ERROR] x: not done: no_such is not a command of the destination'], [], {}, 0),
    (SetValue('configuration', 'MinUid', '5000', 'uid'), {}, (), [], ['[INFO] uid'], [],
     {'settings migrated': 1}, 1),
    (MergeTree('/s/root', '/root', (), None, '/root'), {'merge_tree': _merged(0, ['/root/u'])},
     (), [('merge_tree', '/s/root', '/root', None)],
     ['[INFO] /root: 0 placed, 1 already there, 0 kept beside as .migrated'], [],
     {'files placed': 0}, 0),
    (MoveInto(('/root/a.log', '/root/b.log'), '/root/logs', 'logs'), {}, (),
     [('move_into', ('/root/a.log', '/root/b.log'), '/root/logs')],
     ['[INFO] logs: /root/a.log -> /root/logs/a.log',
      '[INFO] logs: /root/b.log -> /root/logs/b.log'], [], {}, 1),
    (MoveInto(('/root/a.log',), '/root/logs', 'logs'), {'move_into': []}, (),
     [('move_into', ('/root/a.log',), '/root/logs')], [], [], {}, 0),
])
def test_each_handler(step, answers, fail, calls, lines, findings, counts, changed, reporter):
    dest = FakeDestination(answers=answers, fail=fail)
    assert apply([step], dest, reporter) == changed
    assert dest.calls == calls
    assert reporter.stream.getvalue().splitlines() == lines
    assert [(f.key, f.severity, f.obj, f.blocking) for f in reporter.findings] == findings
    assert reporter.counts == counts


@pytest.mark.parametrize('props, current, changed', [
    ({'a': '1'}, None, 1),
    ({'a': '1'}, {'a': '1'}, 0),
    ({'a': '1', 'b': '2'}, {'a': '1'}, 1),
    ({'a': '1'}, {'a': '2'}, 1),
    ({'a': '1'}, {'a': '1', 'b': 'x'}, 0),
])
def test_set_props_already_done_only_when_every_prop_is(props, current, changed, reporter):
    records = [esmithdb.Record('k', 'service', dict(current))] if current is not None else []
    dest = FakeDestination(dbs={'configuration': records})
    assert apply([SetProps('configuration', 'k', 'service', props, 'k props')], dest,
                 reporter) == changed
    assert dest.db('configuration').get('k').props == dict(current or {}, **props)
    assert dest.db('configuration').get('k').type == 'service'
    assert reporter.stream.getvalue() == '[INFO] k props{}\n'.format(
        '' if changed else ' (already done)')
    assert reporter.counts == ({'settings migrated': 1} if changed else {})


@pytest.mark.parametrize('current, changed', [(None, 1), ('5000', 0), ('4000', 1)])
def test_set_value(current, changed, reporter):
    records = [esmithdb.Record('MinUid', current)] if current is not None else []
    dest = FakeDestination(dbs={'configuration': records})
    assert apply([SetValue('configuration', 'MinUid', '5000', 'uid')], dest, reporter) == changed
    assert dest.db('configuration').get_value('MinUid') == '5000'
    assert reporter.counts == ({'settings migrated': 1} if changed else {})


def test_a_note_unless_failed_is_left_out_after_its_object_failed(reporter):
    from nethserver_migration.actions.accounts import ops
    dest = FakeDestination(fail={('user-create', 'a')})
    apply([ops.UserCreate('a', 'A'), ops.UserCreate('b', 'B'),
           note('warning', 'a: set it', key='k', obj={'user': 'a'}, unless_failed='a',
                count='to do'),
           note('warning', 'b: set it', key='k', obj={'user': 'b'}, unless_failed='b',
                count='to do')], dest, reporter)
    assert [(f.key, f.obj) for f in reporter.findings] == [
        ('accounts.user-create-failed', {'user': 'a'}), ('k', {'user': 'b'})]
    assert reporter.counts['to do'] == 1


def test_a_db_batch_that_cannot_be_written_is_one_error(reporter):
    class Broken(FakeDb):
        def batch(self):
            raise esmithdb.DbError('configuration: locked by another writer')
    dest = FakeDestination(dbs={'configuration': Broken()})
    changed = apply([SetProps('configuration', 'a', 'service', {'x': '1'}, 'a'),
                     SetProps('configuration', 'b', 'service', {'x': '1'}, 'b'),
                     Signal('e', (), 'e')], dest, reporter)
    assert changed == 1
    assert reporter.stream.getvalue().splitlines() == [
        '[ERROR] DB configuration: 2 change(s) not written: configuration: locked by another '
        'writer', '[INFO] e: signal-event e done']


def test_an_os_error_of_a_generic_step_is_its_error_and_the_next_runs(reporter):
    dest = FakeDestination(fail={('install_file', '/s/a')})
    assert apply([InstallFile('/s/a', '/d/a', 0o600, False, 'A'),
                  InstallFile('/s/b', '/d/b', 0o600, False, 'B')], dest, reporter) == 1
    assert reporter.errors == 1 and not reporter.findings
    assert reporter.stream.getvalue().splitlines()[0] == \
        '[ERROR] A: not done: [Errno 13] Permission denied'


def test_a_step_without_what_is_named_by_its_type(reporter):
    class Db(FakeDb):
        def merge_props(self, key, props, type_=None):
            raise esmithdb.DbError('refused')
    dest = FakeDestination(dbs={'x': Db()})
    apply([SetProps('x', 'k', 't', {'a': 'b'}, '')], dest, reporter)
    assert reporter.stream.getvalue() == '[ERROR] SetProps: not done: refused\n'


def test_reporting_keeps_notes_and_counts_only():
    planned = [note('info', 'a'), Count('c'), Signal('e', (), 'e'),
               SetValue('configuration', 'k', 'v', 'k')]
    assert reporting(planned) == planned[:2]


# -- SetRecords, failures on a user, progress ------------------------------------------

def test_set_records_writes_what_differs_in_one_batch_and_says_it_in_one_line(reporter):
    db = FakeDb([esmithdb.Record('same@', 'pseudonym', {'Account': 'a'}),
                 esmithdb.Record('other@', 'pseudonym', {'Account': 'x'})])
    batches = []
    real = db.batch

    def batch():
        batches.append(1)
        return real()
    db.batch = batch
    dest = FakeDestination(dbs={'accounts': db})
    step = SetRecords('accounts', (('same@', 'pseudonym', {'Account': 'a'}),
                                   ('other@', 'pseudonym', {'Account': 'b'}),
                                   ('new@', 'pseudonym', {'Account': 'c', 'Access': 'public'})),
                      'mail addresses', 'addresses')
    assert apply([step], dest, reporter) == 1
    assert batches == [1]
    assert db.get('other@').props == {'Account': 'b'}
    assert (db.get('new@').type, db.get('new@').props) == ('pseudonym', {'Account': 'c',
                                                                         'Access': 'public'})
    assert reporter.stream.getvalue() == '[INFO] mail addresses: 2 written, 1 already there\n'
    assert reporter.counts == {'addresses': 2}
    again = report.Reporter('t', stream=io.StringIO(), report_dir='/nonexistent')
    assert apply([step], dest, again) == 0
    assert again.stream.getvalue() == '[INFO] mail addresses: 0 written, 3 already there\n'
    assert again.counts == {}


def test_set_records_one_unstorable_value_fails_its_record_alone(reporter, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(esmithdb, 'DB_DIR', str(tmp_path))
    dest = Destination()
    step = SetRecords('accounts', (('a@', 'pseudonym', {'Account': 'x|y'}),
                                   ('b@', 'pseudonym', {'Account': 'b'})), 'addresses', 'n')
    assert apply([step], dest, reporter) == 1
    lines = reporter.stream.getvalue().splitlines()
    assert lines[0].startswith("[ERROR] addresses: a@ not written: key 'a@': property "
                               "'Account' contains \"|\"")
    assert lines[1] == '[INFO] addresses: 1 written, 0 already there'
    assert esmithdb.Database(str(tmp_path / 'accounts')).get('b@').props == {'Account': 'b'}
    assert reporter.errors == 1 and reporter.counts == {'n': 1}


def test_a_typed_step_that_raises_fails_its_user_with_a_finding(reporter):
    from nethserver_migration.actions.accounts import ops

    class Refusing(FakeDestination):
        def signal_event(self, event, *args):
            raise ValueError('embedded null byte')
    dest = Refusing()
    assert apply([ops.UserCreate('bob', 'B'), ops.GroupCreate('g', ['bob', 'al'], ''),
                  note('info', 'after')], dest, reporter) == 0
    assert [(f.key, f.severity, f.obj, f.remediation) for f in reporter.findings] == [
        ('accounts.step-failed', 'error', {'user': 'bob'},
         'fix the cause and run the import again'),
        ('accounts.step-failed', 'error', {'group': 'g'}, 'fix the cause and run the import again')]
    assert [f.message for f in reporter.findings] == [
        'user-create of bob: not done: embedded null byte',
        'group-create of g: not done: embedded null byte']
    assert reporter.stream.getvalue().splitlines()[-1] == '[INFO] after'


def test_progress_is_per_kind_of_step(reporter):
    from nethserver_migration.actions import homes
    from nethserver_migration.actions.accounts import ops
    planned = [ops.UserCreate('u{}'.format(n), 'U') for n in range(200)] + \
        [homes.HomeMerge('u{}'.format(n), '/s', '/d', (1, 1)) for n in range(100)]
    apply(planned, FakeDestination(), reporter)
    assert [l for l in reporter.stream.getvalue().splitlines()
            if ' of ' in l and l.split(':')[0] in ('[INFO] users', '[INFO] homes')] == [
        '[INFO] users: 100 of 200', '[INFO] users: 200 of 200', '[INFO] homes: 100 of 100']


def test_changed_counts_every_run_and_single(reporter):
    dest = FakeDestination()
    planned = [SetValue('configuration', 'A', '1', 'a'), SetValue('configuration', 'B', '2', 'b'),
               Signal('e', (), 'e'), note('info', 'n'), Count('c'),
               SetProps('hosts', 'h', 'self', {'x': '1'}, 'h'),
               SetProps('configuration', 'C', 't', {'p': 'q'}, 'c')]
    assert apply(planned, dest, reporter) == 5


def test_the_little_helpers_word_for_word():
    assert info('hello') == Note('info', None, 'hello', {}, None, (), None, None, False)
    assert Note('notice', 'k', 'm', {}, None, ()) == note('notice', 'm', key='k')
    assert Count('c') == Count('c', 1)
    assert InstallFile('s', 'd', 0o600, False, 'w').group is None
    found = module_missing('nethserver-x', 'X things')
    assert (found.message, found.remediation, found.commands) == (
        'X things: the source uses it but nethserver-x is not installed here; nothing of it '
        'was changed', 'install nethserver-x and run the import again',
        ('yum install -y nethserver-x', 'signal-event migration-import /var/lib/migration'))


def test_already_done_lines(reporter):
    dest = FakeDestination(dbs={'configuration': [esmithdb.Record('MinUid', '5000')]})
    apply([SetValue('configuration', 'MinUid', '5000', 'uid')], dest, reporter)
    assert reporter.stream.getvalue() == '[INFO] uid (already done)\n'


# -- what mutation testing found unasserted in steps ---------------------------------------

def test_apply_journalled(reporter):
    from nethserver_migration.steps import apply_journalled
    dest = FakeDestination()
    assert apply_journalled([Signal('e', (), 'e')], dest, reporter, 'j') == 1
    assert dest.state['j'] == ['pending', 'done']
    failing = FakeDestination(fail={('e', None)})
    assert apply_journalled([Signal('e', (), 'e')], failing, reporter, 'j') == 0
    assert failing.state['j'] == ['pending']
    quiet = FakeDestination()
    assert apply_journalled([note('info', 'x')], quiet, reporter, 'j') == 0
    assert 'j' not in quiet.state


def test_changed_counts_a_batch_after_singles(reporter):
    dest = FakeDestination()
    planned = [Signal('e', (), 'e'), SetValue('configuration', 'A', '1', 'a'),
               SetValue('configuration', 'B', '2', 'b'), SetValue('configuration', 'C', '3', 'c')]
    assert apply(planned, dest, reporter) == 4


def test_failures_of_a_group_and_of_a_step_without_name(reporter):
    from nethserver_migration.actions.accounts import ops
    from nethserver_migration.actions.accounts.reading import SourceUser

    class Refusing(FakeDestination):
        def signal_event(self, event, *args):
            raise ValueError('bad')

        def import_nt_hashes(self, text):
            raise OSError(7, 'too long')
    dest = Refusing()
    user = ops.passwords.credential(None, None, {'sambantpassword': 'A' * 32})
    apply([ops.GroupCreate('g', [], ''),
           note('notice', 'about g', key='k', obj={'group': 'g'}, unless_failed='g'),
           ops.NtImport([SourceUser('u', '', 1, user, {})]),
           note('notice', 'suppressed', key='s', unless_failed='zzz')], dest, reporter)
    assert [(f.key, f.obj, f.message) for f in reporter.findings] == [
        ('accounts.step-failed', {'group': 'g'}, 'group-create of g: not done: bad'),
        ('k', {'group': 'g'}, 'about g'),
        ('accounts.step-failed', {}, 'nt-import: not done: [Errno 7] too long'),
        ('s', {}, 'suppressed')]


def test_a_suppressed_note_changes_nothing(reporter):
    from nethserver_migration.actions.accounts import ops
    dest = FakeDestination(fail={('user-create', 'a')})
    assert apply([ops.UserCreate('a', 'A'), note('warning', 'x', key='k', unless_failed='a')],
                 dest, reporter) == 0
    assert [f.key for f in reporter.findings] == ['accounts.user-create-failed']


def test_set_records_counts_every_bad_record(reporter, tmp_path, monkeypatch):
    monkeypatch.setattr(esmithdb, 'DB_DIR', str(tmp_path))
    step = SetRecords('accounts', (('a@', 'pseudonym', {'Account': 'x|y'}),
                                   ('b@', 'pseudonym', {'Account': 'y|z'}),
                                   ('c@', 'pseudonym', {'Account': 'c'})), 'addresses', 'n')
    apply([step], Destination(), reporter)
    assert reporter.stream.getvalue().splitlines()[-1] == \
        '[INFO] addresses: 1 written, 0 already there'
