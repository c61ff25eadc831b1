import os
import sys

import pytest

from nethserver_migration import destination, esmithdb


@pytest.fixture
def dest(tmp_path, monkeypatch):
    monkeypatch.setattr(esmithdb, 'DB_DIR', str(tmp_path / 'db'))
    os.makedirs(str(tmp_path / 'db'))
    (tmp_path / 'etc').mkdir()
    (tmp_path / 'etc' / 'passwd').write_text('root:x:0:0:root:/root:/bin/bash\n'
                                              'vmail:x:987:990::/var/lib/nethserver/vmail:/sbin/nologin\n')
    (tmp_path / 'etc' / 'group').write_text('root:x:0:\nlocals:x:1000:\n')
    return destination.Destination(etc=str(tmp_path / 'etc'))


@pytest.mark.parametrize('props, nsdc, expected', [
    ({'Provider': 'none', 'status': 'disabled'}, None, 'none'),
    ({'Provider': 'ldap', 'LdapURI': 'ldap://127.0.0.1'}, None, 'ldap'),
    ({'Provider': 'ldap', 'LdapURI': 'ldaps://ldap.remote.org'}, None, 'remote-ldap'),
    ({'Provider': 'ad', 'Realm': 'AD.EXAMPLE.ORG'}, 'enabled', 'ad'),
    ({'Provider': 'ad', 'Realm': 'CORP.ORG'}, None, 'remote-ad'),
    ({'Provider': 'ad', 'Realm': 'CORP.ORG'}, 'disabled', 'remote-ad'),
])
def test_provider(dest, props, nsdc, expected):
    config = dest.db('configuration')
    config.set_record('sssd', 'service', props)
    if nsdc:
        config.set_record('nsdc', 'service', {'status': nsdc})
    assert dest.provider() == expected


def test_local_accounts_come_from_the_local_files_only(dest):
    assert dest.local_users() == {'root', 'vmail'}
    assert dest.local_groups() == {'root', 'locals'}


def test_names_from_hostname(dest, monkeypatch):
    monkeypatch.setattr(destination.socket, 'gethostname', lambda: 'ns7.example.org')
    assert dest.system_name() == 'ns7'
    assert dest.domain_name() == 'example.org'
    assert dest.long_name('jdoe') == 'jdoe@example.org'
    assert dest.long_name('jdoe@other.org') == 'jdoe@other.org'


def test_run_uses_argv_and_stdin_never_a_shell(dest):
    result = dest._run([sys.executable, '-c', 'import sys; print(sys.argv[1:]); print(sys.stdin.read())',
                       'a b', '$(echo no)'], input='secret-on-stdin')
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["['a b', '$(echo no)']", 'secret-on-stdin']


def test_missing_program_is_127(dest):
    assert dest._run(['no-such-program-here']).returncode == 127


def test_module_installed_asks_rpm_once(dest, mocker):
    run = mocker.patch.object(dest, '_run', return_value=destination.CommandResult(0, '', ''))
    assert dest.module_installed('nethserver-mail-server')
    assert dest.module_installed('nethserver-mail-server')
    run.assert_called_once_with(['rpm', '-q', 'nethserver-mail-server'])


def test_signal_event_and_password_hash(dest, mocker):
    run = mocker.patch.object(dest, '_run', return_value=destination.CommandResult(1, '', ''))
    assert dest.signal_event('user-create', 'jdoe', 'John Doe') is False
    run.assert_called_with([destination.SIGNAL_EVENT, 'user-create', 'jdoe', 'John Doe'])
    run.return_value = destination.CommandResult(0, '', '')
    assert dest.set_password_hash('jdoe', '$1$salt$hash')
    run.assert_called_with(['lpasswd', '-f', '0', 'jdoe'], input='$1$salt$hash\n')


def test_getpwnam_unknown_is_none(dest):
    assert dest.getpwnam('no-such-user-xyz') is None
    assert dest.getpwnam('root').pw_uid == 0
    assert dest.getgrnam('no-such-group-xyz') is None


def test_mysql_gives_the_password_in_a_private_option_file_never_on_argv(dest, mocker,
                                                                         tmp_path):
    secrets = tmp_path / 'secrets'
    secrets.mkdir()
    (secrets / 'mysql').write_text('p"w\\x\n')
    mocker.patch.object(destination, 'SECRETS_DIR', str(secrets))
    mocker.patch.object(destination, 'MY_CNF', str(tmp_path / 'absent.cnf'))
    seen = {}

    def run(argv, input=None, timeout=None):
        option = argv[1].split('=', 1)[1]
        seen['argv'], seen['input'] = argv, input
        seen['mode'] = os.stat(option).st_mode & 0o777
        seen['text'] = open(option).read()
        seen['path'] = option
        return destination.CommandResult(0, 'crm\n', '')
    mocker.patch.object(dest, '_run', side_effect=run)
    res = dest.mysql('SHOW DATABASES;')
    assert res.stdout == 'crm\n'
    assert seen['argv'][0] == 'mysql' and seen['argv'][1].startswith('--defaults-file=')
    assert seen['argv'][2:] == ['--batch', '--skip-column-names']
    assert 'p"w' not in ' '.join(seen['argv'])
    assert seen['input'] == 'SHOW DATABASES;'
    assert seen['mode'] == 0o600
    assert seen['text'] == '[client]\nuser=root\npassword="p\\"w\\\\x"\n'
    assert not os.path.exists(seen['path'])              # removed after the call
    (tmp_path / 'my.cnf').write_text('[client]\nsocket=/var/lib/mysql/mysql.sock\n')
    mocker.patch.object(destination, 'MY_CNF', str(tmp_path / 'my.cnf'))
    dest.mysql('SELECT 1;', user='app', password='s')
    assert seen['text'] == '!include {}\n[client]\nuser=app\npassword="s"\n'.format(
        tmp_path / 'my.cnf')


def test_mysql_without_a_secret_says_so(dest, mocker, tmp_path):
    mocker.patch.object(destination, 'SECRETS_DIR', str(tmp_path))
    res = dest.mysql('SELECT 1;')
    assert res.returncode == 1 and 'no MariaDB root password' in res.stderr


def test_mysql_load_streams_the_file_to_the_client(dest, mocker, tmp_path):
    dump = tmp_path / 'crm.dump'
    dump.write_bytes(b'USE `crm`;\n\x00binary\n')
    calls = {}

    def fake_run(argv, stdin=None, stdout=None, stderr=None):
        calls['argv'], calls['data'] = argv, stdin.read()
        calls['option'] = open(argv[1].split('=', 1)[1]).read()
        import subprocess
        return subprocess.CompletedProcess(argv, 1, b'', b'ERROR 1064 at line 2\n')
    mocker.patch.object(destination.subprocess, 'run', side_effect=fake_run)
    res = dest.mysql_load(str(dump), 'nsmig_load', 'secret')
    assert calls['data'] == b'USE `crm`;\n\x00binary\n'
    assert 'user=nsmig_load\npassword="secret"' in calls['option']
    assert (res.returncode, res.stderr) == (1, 'ERROR 1064 at line 2\n')
