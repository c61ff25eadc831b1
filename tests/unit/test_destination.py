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
