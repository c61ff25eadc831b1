"""The sandbox itself: isolation from the host, start-up, installation, failure modes."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.world.fixtures import PACKAGE_ROOT, REPO, sandbox, sandbox_factory  # noqa: F401
from tests.world.sandbox import Sandbox, SandboxError, SandboxTimeout

pytestmark = pytest.mark.sandbox


def _host_state():
    def read(p):
        with open(p, 'rb') as f:
            return f.read()
    varlib = sorted((n, os.lstat(os.path.join('/var/lib', n)).st_mtime_ns)
                    for n in os.listdir('/var/lib'))
    return {'passwd': read('/etc/passwd'), 'group': read('/etc/group'),
            'shadow': read('/etc/shadow'), 'hosts': read('/etc/hosts'),
            'hostname': os.uname().nodename, 'varlib': varlib,
            'mounts': _mounts(), 'etc': sorted(os.listdir('/etc'))}


def _mounts():
    with open('/proc/self/mountinfo') as f:
        # mount ids are stable; drop nothing: any new or lost line is a leak.
        return sorted(f.read().splitlines())


def _procs_with(marker):
    found = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/{}/cmdline'.format(pid), 'rb') as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


WRITE_EVERYWHERE = textwrap.dedent('''
    set -e
    echo 'intruder:x:4242:4242::/home/intruder:/bin/bash' >> /etc/passwd
    echo 'intruder:x:4242:' >> /etc/group
    echo '10.9.9.9 evil' >> /etc/hosts
    mkdir -p /var/lib/ns7-leak-check /home/intruder
    chown 4242:4242 /home/intruder
    touch /tmp/leak /root/leak
    hostname
''')


def test_host_untouched_by_a_run_that_writes_everything(sandbox):
    before = _host_state()
    res = sandbox.run(['bash', '-c', WRITE_EVERYWHERE], check=True)
    assert res.stdout.strip() == 'ns7.example.org'
    assert _host_state() == before
    assert not os.path.exists('/var/lib/ns7-leak-check')
    # ... and the writes happened, inside the test's directory.
    with open(sandbox.path('/etc/passwd')) as f:
        assert 'intruder:x:4242' in f.read()
    assert os.stat(sandbox.path('/home/intruder')).st_uid == 4242
    assert os.path.isdir(sandbox.path('/var/lib/ns7-leak-check'))
    assert sandbox.path('/var/lib/ns7-leak-check').startswith(sandbox.tmpdir + '/')


def test_timeout_kills_every_process_and_leaves_no_mount(sandbox):
    marker = '4711.{}'.format(os.getpid())
    before = _host_state()
    with pytest.raises(SandboxTimeout):
        sandbox.run(['bash', '-c', 'sleep {0} & setsid sleep {0} & sleep {0}'.format(marker)],
                    timeout=1)
    deadline = time.time() + 3
    while _procs_with(marker) and time.time() < deadline:
        time.sleep(0.05)
    assert _procs_with(marker) == []
    assert _host_state() == before


def test_killed_test_process_takes_the_sandbox_with_it(sandbox, tmp_path):
    marker = '4712.{}'.format(os.getpid())
    script = tmp_path / 'crash.py'
    script.write_text(textwrap.dedent('''
        import sys
        sys.path[:0] = [{repo!r}, {lib!r}]
        from tests.world.sandbox import Sandbox
        sb = Sandbox({tmp!r})
        print('ready', flush=True)
        sb.run(['bash', '-c', 'sleep {marker} & sleep {marker}'])
    ''').format(repo=REPO, lib=os.path.join(REPO, 'root/usr/lib/python3.6/site-packages'),
                tmp=str(tmp_path / 'crashed'), marker=marker))
    before = _mounts()
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b'ready'
    deadline = time.time() + 5
    while len(_procs_with('sleep ' + marker)) < 2 and time.time() < deadline:
        time.sleep(0.02)
    assert _procs_with('sleep ' + marker), 'the sandboxed command never started'
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 3
    while _procs_with(marker) and time.time() < deadline:
        time.sleep(0.05)
    assert _procs_with(marker) == []
    assert _mounts() == before


def test_start_failure_is_one_clear_line(sandbox):
    os.rmdir(sandbox._mnt)          # the overlay mount point is gone: /usr cannot mount
    with pytest.raises(SandboxError) as err:
        sandbox.run(['true'])
    msg = str(err.value)
    assert '\n' not in msg
    assert 'did not start' in msg and 'overlay' in msg


def test_bad_provider_and_reused_directory_are_refused(tmp_path):
    with pytest.raises(SandboxError):
        Sandbox(tmp_path / 'a', provider='ldap-remote')
    Sandbox(tmp_path / 'b')
    with pytest.raises(SandboxError, match='already exists'):
        Sandbox(tmp_path / 'b')


def test_namespaces_hostname_and_environment(sandbox_factory, monkeypatch):
    monkeypatch.setenv('NS7_HOST_ONLY_VARIABLE', 'leaked')
    sb = sandbox_factory(hostname='mail.acme.test', provider='none')
    res = sb.run(['bash', '-c', 'hostname; hostname -d; hostname -f; echo $$; '
                  'ls /proc | grep -c "^[0-9]"; env'], check=True)
    lines = res.stdout.splitlines()
    assert lines[:3] == ['mail.acme.test', 'acme.test', 'mail.acme.test']
    assert int(lines[3]) < 10                       # own PID namespace
    assert int(lines[4]) < 10
    env = dict(l.split('=', 1) for l in lines[5:] if '=' in l)
    assert 'NS7_HOST_ONLY_VARIABLE' not in env
    assert env['PYTHONPATH'] == '/usr/lib/python3.6/site-packages'
    assert env['PATH'].split(':')[0] == '/usr/local/sbin'
    assert os.uname().nodename != 'mail.acme.test'


def test_usr_is_read_only_and_merged(sandbox):
    res = sandbox.run(['bash', '-c', 'touch /usr/bin/x 2>&1; echo rc=$?; '
                       'readlink /sbin; ls /sbin/e-smith/signal-event; command -v rpm'])
    assert 'Read-only file system' in res.stdout and 'rc=1' in res.stdout
    assert 'usr/sbin' in res.stdout
    assert '/sbin/e-smith/signal-event' in res.stdout
    assert '/usr/bin/rpm' in res.stdout
    assert sandbox.path('/sbin/e-smith/signal-event').endswith(
        'tests/world/ns7/usr/sbin/e-smith/signal-event')
    assert sandbox.path('/var/lib/nethserver/db/accounts') == os.path.join(
        sandbox.root, 'var/lib/nethserver/db/accounts')


def test_install_package_puts_files_at_their_installed_paths(sandbox, tmp_path):
    pkg = tmp_path / 'pkg'
    (pkg / 'usr/sbin').mkdir(parents=True)
    (pkg / 'sbin/e-smith').mkdir(parents=True)
    (pkg / 'etc/e-smith/events/actions').mkdir(parents=True)
    (pkg / 'etc/e-smith/events/demo-event').mkdir(parents=True)
    tool = pkg / 'usr/sbin/demo-tool'
    tool.write_text('#!/usr/bin/python3\nimport nethserver_migration.esmithdb as e\n'
                    'print("tool", e.DB_DIR)\n')
    tool.chmod(0o755)
    (pkg / 'sbin/e-smith/demo-helper').write_text('#!/bin/sh\necho helper "$@"\n')
    (pkg / 'sbin/e-smith/demo-helper').chmod(0o755)
    act = pkg / 'etc/e-smith/events/actions/demo-action'
    act.write_text('#!/bin/sh\necho "demo $*"\n')
    act.chmod(0o755)
    os.symlink('../actions/demo-action', str(pkg / 'etc/e-smith/events/demo-event/S10demo-action'))
    sandbox.install_package(PACKAGE_ROOT)
    installed = sandbox.install_package(pkg)
    assert '/sbin/e-smith/demo-helper' in installed
    res = sandbox.run(['bash', '-c', 'demo-tool; /sbin/e-smith/demo-helper x; '
                       'signal-event demo-event a b; '
                       '/usr/bin/python3 -c "import nethserver_migration; print(\'ok\')"'])
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ['tool /var/lib/nethserver/db', 'helper x', 'ok']
    assert any(l.endswith('esmith::event[{}]: demo demo-event a b'.format(l.split('[')[1].split(']')[0]))
               for l in sandbox.messages())
    assert os.path.islink(sandbox.path('/etc/e-smith/events/demo-event/S10demo-action'))
    assert os.path.exists(os.path.join(sandbox.root, 'usr/sbin/e-smith/demo-helper'))


def test_startup_is_fast(tmp_path):
    start = time.time()
    for i in range(3):
        Sandbox(tmp_path / str(i)).run(['true'], check=True)
    per_sandbox = (time.time() - start) / 3
    # ~0.3 s on an idle 2-core machine; the bound catches a regression such as copying
    # /usr or the host's /etc, not a busy CI box.
    assert per_sandbox < 1.5, per_sandbox
