"""rsync-migrate's decisions: the command line, the copy's flags, the services, and the
run's flow through a double of its door (each case: what the source and the door do ->
the exit status, the calls made, what the administrator reads).  The door itself runs
against a real sshd in tests/world/test_rsync_migrate_sandbox.py."""

import io
import shlex
import stat
import subprocess

import pytest

from nethserver_migration import rsync_migrate as rm
from nethserver_migration.rsync_migrate import Options, Usage, parse_args
from nethserver_migration.sourcehost import Result, classify


# -- the command line ----------------------------------------------------------------------

@pytest.mark.parametrize('argv, expected', [
    (['sme'], Options('sme')),
    (['sme', '2222'], Options('sme', 2222)),
    (['-m', 'sme'], Options('sme', migrate=True)),
    (['sme', '22', '-m'], Options('sme', migrate=True)),          # the anchor ignored it
    (['sme', '-m', '2222'], Options('sme', 2222, migrate=True)),
    (['-mnyz', 'sme'], Options('sme', migrate=True, dry_run=True, yes=True, compress=True)),
    (['--migrate', '--dry-run', '--yes', '--compress', 'sme'],
     Options('sme', migrate=True, dry_run=True, yes=True, compress=True)),
    (['root@sme.example.com'], Options('sme.example.com')),
    (['fe80::1%eth0', '22'], Options('fe80::1%eth0')),
    (['--', 'sme'], Options('sme')),
    (['-h'], Options(help=True)),
    (['sme', '--help'], Options(help=True)),
    (['-h', 'x y', 'z', 'w'], Options(help=True)),                  # help wins, exits 0
    (['sme', '65535'], Options('sme', 65535)),
    (['sme', '1'], Options('sme', 1)),
])
def test_command_lines(argv, expected):
    assert parse_args(argv) == expected


@pytest.mark.parametrize('argv, says', [
    ([], 'the source HOST is missing'),
    (['-m'], 'the source HOST is missing'),
    (['sme', '22', 'x'], 'too many arguments: x'),
    (['sme', '22', 'x', 'y'], 'too many arguments: x y'),
    (['-x', 'sme'], 'unknown option -x'),
    (['-mx', 'sme'], 'unknown option -x'),
    (['--force', 'sme'], 'unknown option --force'),
    (['sme', '0'], "'0' is not a port (1-65535)"),
    (['sme', '65536'], "'65536' is not a port (1-65535)"),
    (['sme', '22a'], "'22a' is not a port (1-65535)"),
    (['sme', '-1'], 'unknown option -1'),
    (['admin@sme'], 'the source is reached as root: give HOST alone, not admin@sme'),
    (['sme;reboot'], "'sme;reboot' is not a host name or address"),
    (['sme host'], "'sme host' is not a host name or address"),
    (['--', '-oProxyCommand=x'], "'-oProxyCommand=x' is not a host name or address"),
    (['-'], "'-' is not a host name or address"),
])
def test_bad_command_lines(argv, says):
    with pytest.raises(Usage) as err:
        parse_args(argv)
    assert str(err.value) == says


def test_the_exit_statuses_are_the_ones_the_help_gives():
    table = dict((int(line.split()[0]), line.split(None, 1)[1]) for line in
                 rm.HELP.split('exit status:\n', 1)[1].splitlines() if line.strip())
    assert sorted(table) == list(range(9))
    assert (rm.EXIT_OK, rm.EXIT_SYNC, rm.EXIT_USAGE, rm.EXIT_CONNECT, rm.EXIT_BLOCKED,
            rm.EXIT_SOURCE, rm.EXIT_IMPORT, rm.EXIT_BUSY, rm.EXIT_DECLINED,
            rm.EXIT_INTERRUPTED) == (0, 1, 2, 3, 4, 5, 6, 7, 8, 130)
    assert table[7] == 'another rsync-migrate is running'


@pytest.mark.parametrize('code, meaning', [
    (1, 'syntax or usage error'), (2, 'protocol incompatibility'),
    (3, 'errors selecting input/output files or directories'),
    (4, 'requested action not supported (ACLs or xattrs on this file system?)'),
    (5, 'error starting the client-server protocol'), (10, 'error in socket I/O'),
    (11, 'error in file I/O (disk full?)'), (12, 'error in the rsync protocol data stream'),
    (13, 'errors with program diagnostics'), (14, 'error in IPC code'),
    (20, 'interrupted'), (21, 'some error returned by waitpid()'), (22, 'out of memory'),
    (23, 'partial transfer: some files could not be copied (see the lines above)'),
    (24, 'partial transfer: some source files vanished during the copy'),
    (25, 'the --max-delete limit stopped deletions'), (30, 'timeout in data send/receive'),
    (35, 'timeout waiting for daemon connection'), (255, 'the ssh connection failed')])
def test_every_rsync_status_is_said_in_words(code, meaning):
    # rsync(1), EXIT VALUES: what the administrator reads instead of a number
    assert rm.rsync_verdict(code) == ('warning' if code == 24 else 'failure',
                                      'rsync exit {}: {}'.format(code, meaning))


def test_main_usage_and_help(capsys):
    assert rm.main(['sme', 'x'], door=Door()) == rm.EXIT_USAGE
    err = capsys.readouterr().err
    assert err == "rsync-migrate: 'x' is not a port (1-65535) (rsync-migrate -h for help)\n"
    out = io.StringIO()
    assert rm.main(['-h'], door=Door(), stream=out) == rm.EXIT_OK
    assert out.getvalue() == rm.HELP
    for status in range(0, 9):
        assert '\n  {}  '.format(status) in rm.HELP


def test_sigterm_and_sighup_interrupt_the_run_only():
    import signal

    def mine(_number, _frame):
        pass

    before = {n: signal.signal(n, mine) for n in (signal.SIGTERM, signal.SIGHUP)}
    seen = {}

    class Watching(Door):
        def connect(self):
            seen.update((n, signal.getsignal(n)) for n in before)
            return super().connect()

    try:
        assert run(['sme'], Watching())[0] == rm.EXIT_OK
        assert seen == {n: rm._interrupt for n in before}
        assert all(signal.getsignal(n) is mine for n in before)
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


@pytest.mark.parametrize('opts, mode', [
    (Options('h'), 'sync'), (Options('h', dry_run=True), 'dry run'),
    (Options('h', migrate=True), 'cut-over'),
    (Options('h', migrate=True, dry_run=True), 'dry run of the cut-over'),
])
def test_modes(opts, mode):
    assert opts.mode == mode


# -- the copy ----------------------------------------------------------------------------------

@pytest.mark.parametrize('kw, flags', [
    ({}, ['-aHAX', '--numeric-ids', '--partial', '--stats', '-R', '--delete',
          '--info=progress2']),
    ({'compress': True}, ['-aHAX', '--numeric-ids', '--partial', '--stats', '-R',
                          '--delete', '-z', '--info=progress2']),
    ({'dry_run': True}, ['-aHAX', '--numeric-ids', '--partial', '--stats', '-R',
                         '--delete', '-n', '-i']),
    ({'delete': False}, ['-aHAX', '--numeric-ids', '--partial', '--stats', '-R',
                         '--info=progress2']),
    ({'listed': True, 'delete': False}, ['-aHAX', '--numeric-ids', '--partial', '--stats',
                                         '-r', '--files-from=-', '--info=progress2']),
])
def test_rsync_flags(kw, flags):
    got = rm.rsync_options(**kw)
    assert got == flags
    assert '--inplace' not in got and not any(f.startswith('--append') for f in got)


@pytest.mark.parametrize('host, paths, sources, listed', [
    ('sme', ['home/e-smith'], ['root@sme:/home/e-smith'], None),
    ('sme', ['home/e-smith', 'etc/ssh', 'etc/cups/printers.conf'],
     ['root@sme:/home/e-smith', ':/etc/ssh', ':/etc/cups/printers.conf'], None),
    ('fe80::1', ['root', 'etc/passwd'], ['root@[fe80::1]:/root', ':/etc/passwd'], None),
    ('sme', list(rm.PATHS), ['root@sme:/home/e-smith'] + [':/' + p for p in rm.PATHS[1:]],
     None),
    # a name the source's shell would read: every path goes by --files-from
    ('sme', ['home/e-smith', 'etc/my certs/a.crt'], ['root@sme:/'],
     ['home/e-smith', 'etc/my certs/a.crt']),
    ('sme', ['etc/x;reboot'], ['root@sme:/'], ['etc/x;reboot']),
    ('sme', ['etc/$(id)'], ['root@sme:/'], ['etc/$(id)']),
    ('sme', ['etc/a*'], ['root@sme:/'], ['etc/a*']),
    ('sme', ["etc/a'b"], ['root@sme:/'], ["etc/a'b"]),
    ('sme', ['-e/x'], ['root@sme:/'], ['-e/x']),
    ('sme', ['.hidden/x'], ['root@sme:/'], ['.hidden/x']),
    ('sme', ['etc/../shadow'], ['root@sme:/'], ['etc/../shadow']),
    ('sme', ['etc/x\ny'], ['root@sme:/'], ['etc/x\ny']),
    ('sme', ['etc/pki/tls/private/my.key'], ['root@sme:/etc/pki/tls/private/my.key'], None),
    ('sme', ['opt/ssl/a-b_c+d.pem'], ['root@sme:/opt/ssl/a-b_c+d.pem'], None),
    ('sme', [], ['root@sme:/'], []),
])
def test_rsync_sources(host, paths, sources, listed):
    assert rm.rsync_sources(host, paths) == (sources, listed)


@pytest.mark.parametrize('host, target', [
    ('sme', 'root@sme:/'), ('10.0.0.1', 'root@10.0.0.1:/'), ('fe80::1', 'root@[fe80::1]:/'),
])
def test_rsync_target(host, target):
    assert rm.rsync_target(host) == target


def test_the_paths_hold_what_the_import_reads():
    for path in ('home/e-smith', 'etc/ssh', 'root', 'etc/passwd', 'etc/shadow', 'etc/group',
                 'etc/gshadow', 'etc/samba/secrets.tdb', 'etc/samba/smbpasswd',
                 'etc/smbpasswd', 'etc/cups/printers.conf', 'etc/cups/classes.conf',
                 'etc/cups/ppd', 'etc/e-smith/templates-custom',
                 'etc/e-smith/templates-user-custom', 'etc/sudoers'):
        assert path in rm.PATHS
    assert len(set(rm.PATHS)) == len(rm.PATHS)
    assert all(not p.startswith('/') and '..' not in p.split('/') for p in rm.PATHS)


@pytest.mark.parametrize('props, extras', [
    ({}, []),
    ({'crt': '', 'key': ' '}, []),
    ({'crt': '/home/e-smith/ssl.crt/x.crt'}, []),                 # already copied
    ({'crt': '/etc/pki/tls/certs/my.crt', 'key': '/etc/pki/tls/private/my.key',
      'CertificateChainFile': '/etc/pki/tls/certs/chain.pem'},
     ['etc/pki/tls/certs/my.crt', 'etc/pki/tls/private/my.key', 'etc/pki/tls/certs/chain.pem']),
    ({'crt': '/opt/ssl/a.pem', 'key': '/opt/ssl/a.pem'}, ['opt/ssl/a.pem']),
    ({'crt': 'relative/a.crt'}, []),
    ({'crt': '/etc/../etc/shadow'}, []),
    ({'crt': '/etc//x'}, []),
    ({'crt': '/etc/./x'}, []),
    ({'crt': '/etc/x\n/etc/y'}, []),
    ({'crt': '/etc/x\x7f'}, []),
    ({'crt': '/etc/passwdx'}, ['etc/passwdx']),                    # not etc/passwd itself
    ({'key': '/root/k.key'}, []),                                  # root is copied
    ({'crt': '/Xfiles/k.crt'}, ['Xfiles/k.crt']),                   # only the slash goes
    # one refused path does not end the list: the next props are still read
    ({'crt': '/etc/../x', 'key': '/opt/k.key'}, ['opt/k.key']),
    ({'crt': '/home/e-smith/x.crt', 'key': '/opt/k.key'}, ['opt/k.key']),
])
def test_certificate_files_outside_the_paths(props, extras):
    assert rm.extra_paths(props) == extras


@pytest.mark.parametrize('major, flavour, names', [
    (7, 'sme', ['qmail', 'qpsmtpd', 'sqpsmtpd', 'imap', 'imaps', 'pop3', 'pop3s',
                'httpd-e-smith', 'smb', 'hfaxd', 'faxq']),
    (8, 'sme', ['qmail', 'qpsmtpd', 'sqpsmtpd', 'imap', 'imaps', 'pop3', 'pop3s', 'dovecot',
                'httpd-e-smith', 'smb', 'smbd', 'nmbd', 'hfaxd', 'faxq']),
    (9, 'sme', ['qmail', 'qpsmtpd', 'sqpsmtpd', 'imap', 'imaps', 'pop3', 'pop3s', 'dovecot',
                'httpd-e-smith', 'smbd', 'nmbd', 'smb', 'hfaxd', 'faxq']),
    (8, 'nethservice', ['qmail', 'qpsmtpd', 'sqpsmtpd', 'imap', 'imaps', 'pop3', 'pop3s',
                        'dovecot', 'httpd-e-smith', 'sogod', 'smb', 'smbd', 'nmbd', 'hfaxd',
                        'faxq']),
    (None, 'sme', ['qmail', 'qpsmtpd', 'sqpsmtpd', 'imap', 'imaps', 'pop3', 'pop3s',
                   'dovecot', 'httpd-e-smith', 'sogod', 'smb', 'smbd', 'nmbd', 'hfaxd',
                   'faxq']),
])
def test_services_to_stop(major, flavour, names):
    got = rm.services_to_stop(major, flavour)
    assert got == names
    assert 'sshd' not in got and 'mysqld' not in got    # pre-backup needs MySQL running


def test_remote_command_is_one_quoted_line():
    line = rm.remote_command(rm.PROBE, ['home/e-smith', "it's", 'a b'])
    assert shlex.split(line) == ['sh', '-c', rm.PROBE, 'rsync-migrate', 'home/e-smith',
                                 "it's", 'a b']


def test_parse_stop():
    assert rm.parse_stop(['stopped qmail', 'absent hfaxd', 'failed smbd 1', 'noise',
                          'stopped', 'failed x']) == (['qmail'], [('smbd', '1')], ['hfaxd'])


# -- the remote scripts, run by a real sh ----------------------------------------------------
# ssh hands the one line to the source's shell; here a local sh reads the same line.  SME's
# absolute paths are pointed at stand-ins in tmp_path, and each must occur in the script
# (a changed path fails here, the rest is the script as it runs on the source).

def run_remote(script, args=(), stdin='', paths=(), home=None, bin_dir=None):
    for real, fake in paths:
        assert script.count(real) == 1, real
        script = script.replace(real, fake)
    env = {'PATH': '{}/usr/bin:/bin'.format(bin_dir + ':' if bin_dir else ''),
           'HOME': home or '/nonexistent'}
    done = subprocess.run(['sh', '-c', rm.remote_command(script, args)], env=env,
                          input=stdin.encode(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=30)
    return done.returncode, done.stdout.decode().splitlines()


def stand_in(path, body):
    path.write_text('#!/bin/sh\n' + body)
    path.chmod(0o755)
    return str(path)


def test_probe_prints_what_exists_dangling_links_included_in_the_arguments_order(tmp_path):
    (tmp_path / 'a file').write_text('x')
    (tmp_path / 'd').mkdir()
    (tmp_path / 'gone').symlink_to('nowhere')
    (tmp_path / "it's").write_text('x')
    rel = str(tmp_path).lstrip('/')
    args = [rel + '/' + n for n in ("it's", 'none', 'd', 'gone', 'a file')]
    assert run_remote(rm.PROBE, args) == (0, [args[0], args[2], args[3], args[4]])
    assert run_remote(rm.PROBE, [rel + '/none']) == (0, [])


@pytest.fixture
def services(tmp_path):
    """An init.d holding qmail and smbd (not hfaxd), and a service command that stops
    qmail, fails on smbd with status 3, and logs its calls."""
    init = tmp_path / 'init.d'
    init.mkdir()
    for name in ('qmail', 'smbd'):
        (init / name).write_text('')
    log = tmp_path / 'calls'
    service = stand_in(tmp_path / 'service', 'echo "$*" >> {}\necho "Stopping $1: noise"\n'
                       '[ "$1" = smbd ] && exit 3\nexit 0\n'.format(log))
    return [('/etc/rc.d/init.d/', str(init) + '/'), ('/sbin/service', service)], log


def test_stop_stops_each_present_service_and_says_stopped_failed_or_absent(services):
    paths, log = services
    code, lines = run_remote(rm.STOP, ['qmail', 'smbd', 'hfaxd'], paths=paths)
    assert (code, lines) == (0, ['stopped qmail', 'failed smbd 3', 'absent hfaxd'])
    assert log.read_text() == 'qmail stop\nsmbd stop\n'
    assert rm.parse_stop(lines) == (['qmail'], [('smbd', '3')], ['hfaxd'])


def test_present_names_the_services_with_an_init_script_and_touches_none(services):
    paths, log = services
    assert run_remote(rm.PRESENT, ['hfaxd', 'smbd', 'qmail'], paths=paths[:1]) == (
        0, ['present smbd', 'present qmail'])
    assert not log.exists()


@pytest.mark.parametrize('status', [0, 5])
def test_pre_backup_is_smes_event_and_its_status_comes_back(tmp_path, status):
    log = tmp_path / 'calls'
    event = stand_in(tmp_path / 'signal-event',
                     'echo "$*" >> {}\necho dumping\nexit {}\n'.format(log, status))
    assert run_remote(rm.PRE_BACKUP, paths=[('/sbin/e-smith/signal-event', event)]) == (
        status, ['dumping'])
    assert log.read_text() == 'pre-backup\n'


KEY = 'ssh-ed25519 AAAAC3Nza.b root@ns7'


@pytest.mark.parametrize('before, after', [
    (None, KEY + '\n'),                                         # no .ssh yet
    ('', KEY + '\n'),
    ('ssh-rsa OTHER x', 'ssh-rsa OTHER x\n' + KEY + '\n'),      # no final newline
    ('ssh-rsa OTHER x\n', 'ssh-rsa OTHER x\n' + KEY + '\n'),
    (KEY + ' extra\n', KEY + ' extra\n' + KEY + '\n'),          # whole lines only
    (KEY.replace('.', 'x') + '\n', KEY.replace('.', 'x') + '\n' + KEY + '\n'),  # not a regex
])
def test_install_key_appends_the_key_once_private(tmp_path, before, after):
    home, bin_dir = tmp_path / 'root', tmp_path / 'bin'
    bin_dir.mkdir()
    log = tmp_path / 'calls'
    stand_in(bin_dir / 'restorecon', 'echo "$*" >> {}\n'.format(log))
    keys = home / '.ssh' / 'authorized_keys'
    if before is not None:
        keys.parent.mkdir(parents=True)
        keys.write_text(before)
    for _ in range(2):                           # the second run finds it and changes nothing
        assert run_remote(rm.INSTALL_KEY, stdin=KEY + '\n', home=str(home),
                          bin_dir=str(bin_dir)) == (0, [])
    assert keys.read_text() == after
    if before is None:
        assert stat.S_IMODE(keys.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    # restorecon relabels .ssh after the append, not when the key was already there
    assert log.read_text() == '-R {}/.ssh\n'.format(home)


def test_install_key_without_restorecon_or_a_key_or_a_home(tmp_path):
    home = tmp_path / 'root'
    keys = home / '.ssh' / 'authorized_keys'
    assert run_remote(rm.INSTALL_KEY, stdin=KEY + '\n', home=str(home)) == (0, [])
    assert keys.read_text() == KEY + '\n'
    assert run_remote(rm.INSTALL_KEY, stdin='', home=str(home))[0] == 1
    assert keys.read_text() == KEY + '\n'
    (tmp_path / 'file').write_text('')
    code, _ = run_remote(rm.INSTALL_KEY, stdin=KEY + '\n', home=str(tmp_path / 'file'))
    assert code == 1
    assert (tmp_path / 'file').read_text() == ''


@pytest.mark.parametrize('port, hint', [
    (22, "ssh root@sme 'for s in qmail smbd; do /sbin/service $s start; done'"),
    (2222, "ssh -p 2222 root@sme 'for s in qmail smbd; do /sbin/service $s start; done'"),
])
def test_restart_hint(port, hint):
    assert rm.restart_hint(Options('sme', port), ['qmail', 'smbd']) == hint


@pytest.mark.parametrize('code, verdict, says', [
    (0, 'ok', 'done'),
    (24, 'warning', 'rsync exit 24: partial transfer: some source files vanished'),
    (23, 'failure', 'rsync exit 23: partial transfer: some files could not be copied'),
    (20, 'failure', 'rsync exit 20: interrupted'),
    (255, 'failure', 'rsync exit 255: the ssh connection failed'),
    (12, 'failure', 'rsync exit 12: error in the rsync protocol data stream'),
    (99, 'failure', 'rsync exit 99: unknown error'),
])
def test_rsync_verdict(code, verdict, says):
    got = rm.rsync_verdict(code)
    assert got[0] == verdict and got[1].startswith(says)


@pytest.mark.parametrize('stderr, reason', [
    ('Host key verification failed.\r\n', 'hostkey'),
    ('@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@', 'hostkey'),
    ('root@sme: Permission denied (publickey,password).', 'auth'),
    ('Received disconnect: Too many authentication failures', 'auth'),
    ('ssh: connect to host sme port 22: Connection refused', 'other'),
    ('', 'other'),
])
def test_ssh_complaints(stderr, reason):
    assert classify(stderr) == reason


# -- the run, through a double of the door -----------------------------------------------------

ALL = set(rm.PATHS)


class Door(object):
    """What sourcehost.Door answers, set per case; every call recorded."""

    key_path = '/root/.ssh/id_rsa'
    known_hosts = '/var/lib/nethserver-migration/rsync-migrate/known_hosts'

    def __init__(self, tty=False, answers=(), key=True, pinned=True, keys=None,
                 connects=(True,), install=True, on_source=ALL, probe_fails=False,
                 rsync=(), check=0, version=(9, 'sme'), stop=None, pre_backup=0,
                 imported=0, modssl=None, staging_problem=None, busy=None, present=None):
        self.calls, self.logged = [], []
        self.tty, self.answers = tty, list(answers)
        self.key, self.is_pinned = key, pinned
        self.keys = [('ssh-rsa', 'SHA256:abc', '[sme]:22 ssh-rsa AAAA')] \
            if keys is None else keys
        self.connects = [Result(True, None, '') if c is True else c for c in connects]
        self.install = Result(True, None, '') if install is True else install
        self.on_source, self.probe_fails = on_source, probe_fails
        self.codes = list(rsync)
        self.check_status, self.version = check, version
        self.stop_lines, self.pre_backup_code, self.imported = stop, pre_backup, imported
        self.modssl = modssl or {}
        self.staging_problem, self.busy, self.present_ = staging_problem, busy, present

    def _call(self, name, *args):
        self.calls.append((name,) + args)

    def names(self):
        return [c[0] for c in self.calls]

    def lock(self):
        self._call('lock')
        return self.busy

    def unlock(self):
        self._call('unlock')

    def log_open(self, what):
        self._call('log_open', what)

    def log(self, line):
        self.logged.append(line)

    def log_close(self, result):
        self._call('log_close', result)

    def isatty(self):
        return self.tty

    def ask(self, question):
        self._call('ask', question)
        return self.answers.pop(0)

    def prepare_staging(self, create=True):
        self._call('prepare_staging', create)
        return self.staging_problem

    def ensure_key(self):
        self._call('ensure_key')
        return not self.key

    def pinned(self):
        return self.is_pinned

    def scan(self):
        self._call('scan')
        return self.keys

    def pin(self, lines):
        self._call('pin', lines)

    def connect(self):
        self._call('connect')
        return self.connects.pop(0)

    def install_key(self):
        self._call('install_key')
        return self.install

    def probe(self, paths):
        self._call('probe', tuple(paths))
        if self.probe_fails:
            return None
        return [p for p in paths if p in self.on_source]

    def staged_modssl(self):
        return self.modssl

    def staged_version(self):
        return self.version

    def rsync(self, flags, sources, listed, on_line, on_progress):
        self._call('rsync', tuple(flags), tuple(sources),
                   None if listed is None else tuple(listed))
        on_progress('  1,000  50%  1.00MB/s  0:00:01')
        on_line('Number of files: 3')
        return self.codes.pop(0) if self.codes else 0

    def check(self, staging):
        self._call('check', staging)
        return self.check_status

    def present(self, services):
        self._call('present', tuple(services))
        return self.present_ if self.present_ is not None else list(services)[:2]

    def stop(self, services):
        self._call('stop', tuple(services))
        if self.stop_lines is not None:
            return self.stop_lines
        return ['stopped ' + s for s in services[:3]] + ['absent ' + s for s in services[3:]]

    def pre_backup(self, on_line=None):
        self._call('pre_backup')
        on_line('Action: S10mysql-dump-tables SUCCESS')
        return self.pre_backup_code

    def migration_import(self, staging, on_line):
        self._call('migration_import', staging)
        on_line('Action: nethserver-migration-accounts SUCCESS')
        return self.imported

    def close(self):
        self._call('close')


def run(argv, door):
    out = io.StringIO()
    status = rm.main(argv, door=door, stream=out)
    return status, out.getvalue()


SYNC = ['lock', 'log_open', 'prepare_staging', 'ensure_key', 'connect', 'probe', 'rsync',
        'probe', 'close', 'log_close', 'unlock']


def test_a_sync_changes_nothing_on_the_source():
    door = Door()
    status, out = run(['sme'], door)
    assert status == rm.EXIT_OK
    assert door.names() == SYNC
    assert ('prepare_staging', True) in door.calls
    flags = door.calls[6][1]
    assert '--delete' in flags and '-n' not in flags
    assert list(door.calls[6][2]) == rm.rsync_sources('sme', rm.PATHS)[0]
    assert door.calls[6][3] is None and '-R' in flags
    assert ('log_open', 'rsync-migrate sync of root@sme port 22') in door.calls
    assert ('log_close', 'exit 0') in door.calls
    assert 'rsync-migrate: sync: 16 paths of sme into /var/lib/migration\n' in out
    assert 'Number of files: 3' in door.logged
    assert out.endswith('rsync-migrate: copied in 0 s\n')


def test_progress_without_a_terminal_is_a_line_now_and_then():
    door = Door()
    _status, out = run(['sme'], door)
    assert 'progress: 1,000  50%  1.00MB/s  0:00:01\n' in out
    assert 'progress: 1,000  50%  1.00MB/s  0:00:01' in door.logged
    door = Door(tty=True)
    _status, out = run(['sme'], door)
    assert '\r  1,000  50%  1.00MB/s  0:00:01' in out
    assert not any(l.startswith('progress') for l in door.logged)


def test_paths_missing_on_the_source_are_left_out_and_said():
    door = Door(on_source=ALL - {'etc/smbpasswd', 'etc/cups/ppd'})
    status, out = run(['sme'], door)
    assert status == rm.EXIT_OK
    assert 'rsync-migrate: not on the source (skipped): etc/smbpasswd, etc/cups/ppd\n' in out
    assert ':/etc/smbpasswd' not in door.calls[6][2] and len(door.calls[6][2]) == 14
    assert ':/etc/samba/smbpasswd' in door.calls[6][2]


def test_certificate_files_named_by_modssl_come_in_a_second_copy_without_delete():
    door = Door(on_source=ALL | {'etc/pki/tls/private/my.key'},
                modssl={'key': '/etc/pki/tls/private/my.key', 'crt': '/etc/pki/gone.crt'})
    status, out = run(['sme'], door)
    assert status == rm.EXIT_OK
    rsyncs = [c for c in door.calls if c[0] == 'rsync']
    assert len(rsyncs) == 2
    assert rsyncs[1][2:] == (('root@sme:/etc/pki/tls/private/my.key',), None)
    assert '--delete' not in rsyncs[1][1]
    assert 'certificate files named by modSSL: etc/pki/tls/private/my.key' in out


def test_a_certificate_path_the_shell_would_read_goes_by_files_from():
    door = Door(on_source=ALL | {'etc/my certs/a;b.key'},
                modssl={'key': '/etc/my certs/a;b.key'})
    status, _out = run(['sme'], door)
    assert status == rm.EXIT_OK
    rsyncs = [c for c in door.calls if c[0] == 'rsync']
    assert rsyncs[1][2:] == (('root@sme:/',), ('etc/my certs/a;b.key',))
    assert '--files-from=-' in rsyncs[1][1] and '--delete' not in rsyncs[1][1]


def test_a_dry_run_writes_nothing():
    door = Door()
    status, out = run(['-n', 'sme'], door)
    assert status == rm.EXIT_OK
    assert ('prepare_staging', False) in door.calls
    rsyncs = [c for c in door.calls if c[0] == 'rsync']
    assert len(rsyncs) == 1 and '-n' in rsyncs[0][1]          # no certificate pass either
    assert 'rsync-migrate: dry run: 16 paths' in out and 'listed in 0 s' in out


@pytest.mark.parametrize('code, status, says', [
    (24, rm.EXIT_OK, 'warning: rsync exit 24'),
    (23, rm.EXIT_SYNC, 'the copy FAILED (rsync exit 23: partial transfer'),
    (255, rm.EXIT_SYNC, 'the copy FAILED (rsync exit 255: the ssh connection failed); '
                        '/var/lib/migration is incomplete: run again'),
    (20, rm.EXIT_INTERRUPTED, 'the copy FAILED (rsync exit 20: interrupted)'),
])
def test_rsync_status(code, status, says):
    door = Door(rsync=[code])
    got, out = run(['sme'], door)
    assert got == status
    assert says in out
    assert ('log_close', 'exit {}'.format(status)) in door.calls


def test_the_listing_fails():
    door = Door(probe_fails=True)
    status, out = run(['sme'], door)
    assert status == rm.EXIT_SYNC and 'rsync' not in door.names()
    assert "cannot list the source's paths" in out


SYNC_LINE = 'rsync-migrate: sync: 16 paths of sme into /var/lib/migration\n'
PROGRESS = 'progress: 1,000  50%  1.00MB/s  0:00:01\n'


@pytest.mark.parametrize('argv, kw, status, out', [
    (['sme'], {}, rm.EXIT_OK,
     SYNC_LINE + PROGRESS + 'Number of files: 3\nrsync-migrate: copied in 0 s\n'),
    # a terminal: rsync's progress in place, then a newline before our next line
    (['sme'], dict(tty=True), rm.EXIT_OK,
     SYNC_LINE + '\r  1,000  50%  1.00MB/s  0:00:01Number of files: 3\n\n'
     'rsync-migrate: copied in 0 s\n'),
    (['-n', 'sme'], dict(tty=True), rm.EXIT_OK,
     'rsync-migrate: dry run: 16 paths of sme into /var/lib/migration\n'
     '\r  1,000  50%  1.00MB/s  0:00:01Number of files: 3\nrsync-migrate: listed in 0 s\n'),
    (['sme'], dict(rsync=[24]), rm.EXIT_OK,
     SYNC_LINE + PROGRESS + 'Number of files: 3\nrsync-migrate: warning: rsync exit 24: '
     'partial transfer: some source files vanished during the copy (files deleted on the '
     'source while copying; the next run catches up)\nrsync-migrate: copied in 0 s\n'),
    (['sme'], dict(rsync=[23]), rm.EXIT_SYNC,
     SYNC_LINE + PROGRESS + 'Number of files: 3\nrsync-migrate: the copy FAILED (rsync exit '
     '23: partial transfer: some files could not be copied (see the lines above)); '
     '/var/lib/migration is incomplete: run again\n'),
    (['sme'], dict(rsync=[20]), rm.EXIT_INTERRUPTED,
     SYNC_LINE + PROGRESS + 'Number of files: 3\nrsync-migrate: the copy FAILED (rsync exit '
     '20: interrupted); /var/lib/migration is incomplete: run again\n'),
    (['sme'], dict(probe_fails=True), rm.EXIT_SYNC,
     "rsync-migrate: cannot list the source's paths: the connection failed\n"),
    (['sme'], dict(on_source=ALL | {'a/x.key', 'b/y.crt'},
                   modssl={'key': '/a/x.key', 'crt': '/b/y.crt'}), rm.EXIT_OK,
     SYNC_LINE + PROGRESS + 'Number of files: 3\nrsync-migrate: copied in 0 s\n'
     'rsync-migrate: certificate files named by modSSL: b/y.crt, a/x.key\n'
     'Number of files: 3\nrsync-migrate: copied in 0 s\n'),
    # the first copy failed: no certificate pass
    (['sme'], dict(rsync=[23], on_source=ALL | {'a/x.key'}, modssl={'key': '/a/x.key'}),
     rm.EXIT_SYNC, SYNC_LINE + PROGRESS + 'Number of files: 3\nrsync-migrate: the copy '
     'FAILED (rsync exit 23: partial transfer: some files could not be copied (see the '
     'lines above)); /var/lib/migration is incomplete: run again\n'),
])
def test_a_sync_says_word_for_word(argv, kw, status, out):
    door = Door(**kw)
    assert run(argv, door) == (status, out)
    # the log has each line without our prefix, and no terminal progress
    assert door.logged == [line[len('rsync-migrate: '):] if line.startswith('rsync-migrate: ')
                           else line for line in out.replace('\r  1,000  50%  1.00MB/s  '
                                                             '0:00:01', '').splitlines()
                           if line]
    assert len([c for c in door.calls if c[0] == 'rsync']) == out.count('Number of files')


def test_progress_without_a_terminal_every_minute(monkeypatch):
    clock = iter([1000.0, 1059.9, 1060.0, 1119.0, 1120.0, 1200.0])
    now = [0.0]

    class Ticking(Door):
        def rsync(self, flags, sources, listed, on_line, on_progress):
            for n in range(5):
                now[0] = next(clock)
                on_progress('  {}%'.format(n))
            return 0
    monkeypatch.setattr(rm.time, 'time', lambda: now[0])
    _status, out = run(['sme'], Ticking())
    assert [l for l in out.splitlines() if l.startswith('progress')] == [
        'progress: 0%', 'progress: 2%', 'progress: 4%']


def test_the_default_options():
    opts = parse_args(['sme'])
    assert (opts.host, opts.port, opts.migrate, opts.dry_run, opts.yes, opts.compress,
            opts.help) == ('sme', 22, False, False, False, False, False)


def test_main_reads_its_arguments_from_the_command_line(monkeypatch, capsys):
    monkeypatch.setattr(rm.sys, 'argv', ['rsync-migrate', '--help'])
    assert rm.main(None, door=Door()) == rm.EXIT_OK
    assert capsys.readouterr().out == rm.HELP


def test_the_door_is_made_from_the_options_and_a_held_lock_said_word_for_word(capsys):
    made = []
    command = rm.Command('rsync-migrate', parse_args, rm.HELP,
                         lambda opts: made.append(opts) or Door(busy='pid 4242'),
                         rm.Run, rm.COMMAND.describe)
    assert command.main(['sme', '2222'], None, io.StringIO()) == rm.EXIT_BUSY
    assert made == [Options('sme', 2222)]
    assert capsys.readouterr().err == ('rsync-migrate: another rsync-migrate is running '
                                       '(pid 4242); wait for it to end\n')


def test_a_signal_is_an_interruption_named_by_its_number():
    with pytest.raises(rm.Interrupted) as caught:
        rm._interrupt(15, None)
    assert str(caught.value) == 'signal 15'


def test_a_crash_inside_the_run_still_closes_the_log_and_the_lock():
    class Crashing(Door):
        def probe(self, paths):
            raise RuntimeError('a bug')
    door = Crashing()
    with pytest.raises(RuntimeError):
        run(['sme'], door)
    assert door.names()[-3:] == ['close', 'log_close', 'unlock']
    assert ('log_close', 'exit 130') in door.calls


def test_a_second_run_is_refused():
    door = Door(busy='pid 4242')
    status, _out = run(['sme'], door)
    assert status == rm.EXIT_BUSY
    assert door.names() == ['lock']


def test_a_staging_tree_that_is_a_link_is_refused():
    door = Door(staging_problem='/var/lib/migration is a symbolic link: refused')
    status, out = run(['sme'], door)
    assert status == rm.EXIT_USAGE
    assert 'connect' not in door.names() and 'is a symbolic link' in out


# first contact, keys

def test_first_contact_pins_with_yes_and_installs_the_key():
    door = Door(key=False, pinned=False,
                connects=[Result(False, 'auth', 'Permission denied'), True])
    status, out = run(['-y', 'sme'], door)
    assert status == rm.EXIT_OK
    assert door.names()[3:9] == ['ensure_key', 'scan', 'pin', 'connect', 'install_key',
                                 'connect']
    assert ('pin', ['[sme]:22 ssh-rsa AAAA']) in door.calls
    assert "created root's key pair /root/.ssh/id_rsa (RSA 4096)" in out
    assert '  ssh-rsa SHA256:abc' in out
    assert "root's key is installed on sme" in out


@pytest.mark.parametrize('tty, answers, status, pinned, says', [
    (False, [], rm.EXIT_CONNECT, False, 'refused: no terminal to confirm the host key'),
    (True, [False], rm.EXIT_CONNECT, False, 'not pinned: nothing done'),
    (True, [True], rm.EXIT_OK, True, 'pinned in /var/lib/nethserver-migration/'),
])
def test_first_contact_asks(tty, answers, status, pinned, says):
    door = Door(pinned=False, tty=tty, answers=answers)
    got, out = run(['sme'], door)
    assert got == status
    assert ('pin' in door.names()) == pinned
    assert says in out
    if tty and not pinned:
        assert said(out)[-1] == 'rsync-migrate: not pinned: nothing done'
    if not pinned:
        assert 'connect' not in door.names() and 'rsync' not in door.names()


def test_first_contact_with_no_key_read():
    door = Door(pinned=False, keys=[])
    status, out = run(['-y', 'sme', '2222'], door)
    assert status == rm.EXIT_CONNECT
    assert 'cannot read the host key of sme port 2222' in out


@pytest.mark.parametrize('connects, install, says', [
    ([Result(False, 'hostkey', 'Host key verification failed.')], True,
     'refused: the host key of sme port 22 is NOT the one pinned'),
    ([Result(False, 'other', 'Connection refused')], True,
     'cannot connect to sme port 22: Connection refused'),
    ([Result(False, 'auth', '')], Result(False, 'auth', 'Permission denied'),
     "sme did not accept root's key /root/.ssh/id_rsa"),
    ([Result(False, 'auth', ''), Result(False, 'auth', '')], True,
     "sme did not accept root's key"),
])
def test_no_connection(connects, install, says):
    door = Door(connects=connects, install=install)
    status, out = run(['sme'], door)
    assert status == rm.EXIT_CONNECT
    assert says in out
    assert 'rsync' not in door.names() and door.names()[-3:] == ['close', 'log_close',
                                                                 'unlock']


# the cut-over

CUT = ['lock', 'log_open', 'prepare_staging', 'ensure_key', 'connect', 'probe', 'rsync',
       'probe', 'check', 'stop', 'pre_backup', 'probe', 'rsync', 'probe',
       'migration_import', 'close', 'log_close', 'unlock']


def test_the_cut_over():
    door = Door()
    status, out = run(['sme', '-m', '-y'], door)
    assert status == rm.EXIT_OK
    assert door.names() == CUT
    assert door.calls[9] == ('stop', tuple(rm.services_to_stop(9, 'sme')))
    assert ('migration_import', '/var/lib/migration') in door.calls
    assert 'stopped on sme: qmail, qpsmtpd, sqpsmtpd\n' in out
    assert 'the report: migration-report' in out
    assert ("the source sme is left with qmail, qpsmtpd, sqpsmtpd stopped and fresh dumps "
            "from pre-backup; to start them again: ssh root@sme 'for s in qmail qpsmtpd "
            "sqpsmtpd; do /sbin/service $s start; done'") in out
    assert "switch it off once this server is checked" in out
    assert 'Action: nethserver-migration-accounts SUCCESS' in door.logged


def test_the_cut_over_stops_what_the_tree_says():
    door = Door(version=(7, 'sme'))
    run(['-my', 'sme'], door)
    assert [c for c in door.calls if c[0] == 'stop'][0][1] == \
        tuple(rm.services_to_stop(7, 'sme'))


def test_the_cut_over_asks_on_a_terminal():
    door = Door(tty=True, answers=[True])
    status, _out = run(['-m', 'sme'], door)
    assert status == rm.EXIT_OK
    assert door.names()[9:11] == ['ask', 'stop']
    assert 'stops mail, web, Samba and fax on sme' in door.calls[9][1]


@pytest.mark.parametrize('tty, answers, says', [
    (False, [], 'not confirmed (no terminal): run again with -y'),
    (True, [False], 'not confirmed: nothing was stopped'),
])
def test_the_cut_over_not_confirmed(tty, answers, says):
    door = Door(tty=tty, answers=answers)
    status, out = run(['-m', 'sme'], door)
    assert status == rm.EXIT_DECLINED
    assert 'stop' not in door.names() and 'migration_import' not in door.names()
    assert says in out


def test_blocking_findings_stop_before_anything_is_stopped():
    door = Door(check=1)
    status, out = run(['-my', 'sme'], door)
    assert status == rm.EXIT_BLOCKED
    assert 'stop' not in door.names() and 'pre_backup' not in door.names()
    assert 'nothing was stopped on sme' in out


def test_a_dry_run_of_the_cut_over_stops_nothing():
    door = Door(present=['qmail', 'smbd'])
    status, out = run(['-mn', 'sme'], door)
    assert status == rm.EXIT_OK
    names = door.names()
    assert 'check' in names and 'present' in names
    for name in ('stop', 'pre_backup', 'migration_import', 'ask'):
        assert name not in names
    assert 'would stop on sme: qmail, smbd' in out


RESTART = "to start them again: ssh -p 2222 root@sme 'for s in qmail smbd; do"


@pytest.mark.parametrize('door_kw, status, says, not_called', [
    ({'stop': ['stopped qmail', 'failed smbd 1', 'absent hfaxd']}, rm.EXIT_SOURCE,
     ['these services would not stop: smbd (exit 1)',
      "the source sme is left with qmail stopped; to start them again: ssh -p 2222 "
      "root@sme 'for s in qmail; do"], ['pre_backup', 'migration_import']),
    ({'stop': ['stopped qmail', 'stopped smbd'], 'pre_backup': 1}, rm.EXIT_SOURCE,
     ['pre-backup failed there', RESTART], ['migration_import']),
    ({'stop': ['stopped qmail', 'stopped smbd'], 'rsync': [0, 23]}, rm.EXIT_SYNC,
     ['the copy FAILED', 'left with qmail, smbd stopped and fresh dumps from pre-backup',
      RESTART], ['migration_import']),
    ({'stop': ['stopped qmail', 'stopped smbd'], 'imported': 1}, rm.EXIT_IMPORT,
     ['migration-import reported failures', RESTART,
      'run signal-event migration-import /var/lib/migration again (no new sync needed)'],
     []),
    ({'stop': ['absent qmail']}, rm.EXIT_OK,
     ['the source sme runs as before: nothing was stopped there'], []),
])
def test_a_failing_cut_over_says_the_source_state(door_kw, status, says, not_called):
    door = Door(**door_kw)
    got, out = run(['-my', 'sme', '2222'], door)
    assert got == status
    for line in says:
        assert line in out
    for name in not_called:
        assert name not in door.names()
    assert door.names()[-3:] == ['close', 'log_close', 'unlock']


def test_an_interrupt_says_the_source_state_and_closes():
    class Interrupting(Door):
        def pre_backup(self, on_line=None):
            raise KeyboardInterrupt
    door = Interrupting(stop=['stopped qmail'])
    status, out = run(['-my', 'sme'], door)
    assert status == rm.EXIT_INTERRUPTED
    assert "interrupted; the source sme is left with qmail stopped" in out
    assert door.names()[-3:] == ['close', 'log_close', 'unlock']
    assert ('log_close', 'exit 130') in door.calls


def test_the_connection_lost_while_stopping():
    class Lost(Door):
        def stop(self, services):
            return None
    status, out = run(['-my', 'sme'], Lost())
    assert status == rm.EXIT_SOURCE
    assert said(out)[-2:] == [
        'rsync-migrate: the source could not be prepared: the connection failed while '
        'stopping services',
        'rsync-migrate: the source sme runs as before: nothing was stopped there']


def test_the_door_names_the_state_dir_of_the_destination():
    from nethserver_migration import destination, sourcehost
    assert sourcehost.OWN_DIR == destination.STATE_DIR + '/rsync-migrate'


def said(out):
    return [line for line in out.splitlines() if line.startswith('rsync-migrate: ')]


def test_first_contact_says_word_for_word():
    door = Door(pinned=False, key=False, tty=True, answers=[True], keys=[
        ('ssh-rsa', 'SHA256:abc', '[sme]:22 ssh-rsa AAAA'),
        ('ssh-ed25519', 'SHA256:def', '[sme]:22 ssh-ed25519 BBBB')])
    status, out = run(['sme'], door)
    assert status == rm.EXIT_OK
    assert said(out)[:6] == [
        "rsync-migrate: created root's key pair /root/.ssh/id_rsa (RSA 4096)",
        'rsync-migrate: first contact with sme port 22: its host key fingerprints are',
        'rsync-migrate:   ssh-rsa SHA256:abc',
        'rsync-migrate:   ssh-ed25519 SHA256:def',
        "rsync-migrate: compare them with the source's own: ssh-keygen -lf "
        "/etc/ssh/ssh_host_rsa_key.pub (run there)",
        'rsync-migrate: pinned in /var/lib/nethserver-migration/rsync-migrate/known_hosts']
    assert ('ask', 'Pin this host key for sme? Type yes: ') in door.calls
    assert ('pin', ['[sme]:22 ssh-rsa AAAA', '[sme]:22 ssh-ed25519 BBBB']) in door.calls
    # the lines go to the log too
    assert 'first contact with sme port 22: its host key fingerprints are' in door.logged


@pytest.mark.parametrize('door, line', [
    (Door(pinned=False, tty=False),
     'refused: no terminal to confirm the host key; check the fingerprints, then run again '
     'with -y to pin it'),
    (Door(pinned=False, keys=[]),
     'cannot read the host key of sme port 22: is sshd running there, and the port right?'),
    (Door(connects=[Result(False, 'hostkey', 'Host key verification failed.')]),
     'refused: the host key of sme port 22 is NOT the one pinned on first contact (another '
     'machine answers, or the source was reinstalled). If you are sure the source changed '
     'its key, delete its line from /var/lib/nethserver-migration/rsync-migrate/known_hosts '
     'and run again.'),
    (Door(connects=[Result(False, 'auth', '')], install=Result(False, 'auth', 'denied')),
     "sme did not accept root's key /root/.ssh/id_rsa and the password was not accepted or "
     "could not be asked (no terminal). Allow root ssh login on the source (server-manager: "
     "Remote access), then run again from a terminal, or append /root/.ssh/id_rsa.pub to "
     "/root/.ssh/authorized_keys there."),
    (Door(connects=[Result(False, 'other', '')]), 'cannot connect to sme port 22: ssh failed'),
])
def test_no_connection_says_word_for_word(door, line):
    status, out = run(['sme'], door)
    assert status == rm.EXIT_CONNECT
    assert said(out)[-1] == 'rsync-migrate: ' + line


def test_a_key_installed_on_first_connection_is_said():
    door = Door(connects=[Result(False, 'auth', ''), Result(True, None, '')])
    status, out = run(['sme'], door)
    assert status == rm.EXIT_OK
    assert said(out)[:2] == [
        "rsync-migrate: sme does not accept root's key yet: installing it (ssh asks for the "
        "root password of sme)",
        "rsync-migrate: root's key is installed on sme"]


def cut_over_lines(out):
    return [line for line in said(out) if 'paths of' not in line and ' in 0 s' not in line]


RESTART = "ssh root@sme 'for s in {}; do /sbin/service $s start; done'"
# a cut-over that stopped the door's three services and ran the import
THROUGH_IMPORT = [
    'running migration-check /var/lib/migration',
    'stopped on sme: qmail, qpsmtpd, sqpsmtpd',
    'running pre-backup on sme (fresh MySQL dumps)',
    'running signal-event migration-import /var/lib/migration',
    'the report: migration-report (files in /var/log/nethserver-migration/)',
    'the source sme is left with qmail, qpsmtpd, sqpsmtpd stopped and fresh dumps from '
    'pre-backup; to start them again: ' + RESTART.format('qmail qpsmtpd sqpsmtpd'),
]


@pytest.mark.parametrize('argv, kw, status, lines', [
    (['sme', '-m', '-y'], {}, rm.EXIT_OK, THROUGH_IMPORT + [
        "done: the source's services are stopped, not disabled (a reboot of sme starts them "
        "again): switch it off once this server is checked"]),
    (['sme', '-m', '-y'], dict(stop=['absent qmail', 'absent smb']), rm.EXIT_OK, [
        'running migration-check /var/lib/migration',
        'running pre-backup on sme (fresh MySQL dumps)',
        'running signal-event migration-import /var/lib/migration',
        'the report: migration-report (files in /var/log/nethserver-migration/)',
        'the source sme runs as before: nothing was stopped there',
        'done: switch sme off once this server is checked']),
    (['sme', '-m', '-y'], dict(stop=None, imported=1), rm.EXIT_IMPORT, THROUGH_IMPORT + [
        'migration-import reported failures: read the report, fix, then run signal-event '
        'migration-import /var/lib/migration again (no new sync needed)']),
    (['sme', '-m', '-n'], {}, rm.EXIT_OK, [
        'running migration-check /var/lib/migration', 'would stop on sme: qmail, qpsmtpd',
        'would run pre-backup there, sync again, then signal-event migration-import '
        '/var/lib/migration']),
    (['sme', '-m', '-n'], dict(present=[]), rm.EXIT_OK, [
        'running migration-check /var/lib/migration', 'would stop on sme: no service',
        'would run pre-backup there, sync again, then signal-event migration-import '
        '/var/lib/migration']),
    (['sme', '-m'], {}, rm.EXIT_DECLINED, [
        'running migration-check /var/lib/migration',
        "not confirmed (no terminal): run again with -y to stop the source's services; "
        "nothing was stopped"]),
    (['sme', '-m', '-y'], dict(stop=['stopped qmail', 'failed httpd-e-smith 1',
                                     'failed smb 3']), rm.EXIT_SOURCE, [
        'running migration-check /var/lib/migration', 'stopped on sme: qmail',
        'the source could not be prepared: these services would not stop: httpd-e-smith '
        '(exit 1), smb (exit 3)',
        'the source sme is left with qmail stopped; to start them again: ' +
        RESTART.format('qmail')]),
    (['sme', '-m', '-y'], dict(pre_backup=1), rm.EXIT_SOURCE, [
        'running migration-check /var/lib/migration',
        'stopped on sme: qmail, qpsmtpd, sqpsmtpd',
        'running pre-backup on sme (fresh MySQL dumps)',
        'the source could not be prepared: pre-backup failed there (its output is above)',
        'the source sme is left with qmail, qpsmtpd, sqpsmtpd stopped; to start them again: '
        + RESTART.format('qmail qpsmtpd sqpsmtpd')]),
])
def test_the_cut_over_says_word_for_word(argv, kw, status, lines):
    door = Door(**kw)
    got, out = run(argv, door)
    assert got == status
    assert cut_over_lines(out) == ['rsync-migrate: ' + line for line in lines]
    if status == rm.EXIT_OK and '-n' not in argv:
        assert 'rsync-migrate: final sync: 16 paths of sme into /var/lib/migration' in \
            said(out)


def test_the_cut_over_asks_in_words_and_a_no_is_said():
    door = Door(tty=True, answers=[False])
    status, out = run(['sme', '-m'], door)
    assert status == rm.EXIT_DECLINED
    assert ('ask', 'This stops mail, web, Samba and fax on sme (its users lose them until '
                   'NethServer takes over). Type yes to go on: ') in door.calls
    assert said(out)[-1] == 'rsync-migrate: not confirmed: nothing was stopped'
