"""The SOURCE host of rsync-migrate's tests: a second bubblewrap sandbox whose / is a
generated SME tree, with a real sshd (Debian's) on 127.0.0.1:<free port>.

    src = SourceHost(tmp_path / 'sme', version='9', users=3)
    src.start_sshd()            # the tree's own etc/ssh host keys, root's shadow password
    ...                         # the destination sandbox runs rsync-migrate 127.0.0.1 PORT
    src.journal()               # the stand-in service / signal-event calls made there
    src.stop_sshd()

The tree's /etc is the SME tree's etc (its passwd, shadow, group: sshd reads them, as
SME's own does); /usr is the host's with tests/world/sme/usr over it (stand-ins for SME's
/sbin/service and /sbin/e-smith/signal-event, which record each call).  sshd's own
config, its log and the stand-ins' journal live under var/, which rsync-migrate does not
copy.  Init scripts of the version's services are written in etc/rc.d/init.d (a real SME
has them; the stop script looks for them).
"""

import json
import os
import signal
import socket
import subprocess
import time

from tests.world.sandbox import Sandbox, SandboxError
from tests.world import smegen

SME_USR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'sme', 'usr')

# The init scripts of an SME of each version (the services -m may stop, and crond/sshd).
INIT = {
    '7': ('qmail', 'qpsmtpd', 'sqpsmtpd', 'imap', 'imaps', 'pop3', 'pop3s', 'httpd-e-smith',
          'smb', 'sshd', 'crond', 'mysqld'),
    '8': ('qmail', 'qpsmtpd', 'sqpsmtpd', 'imap', 'imaps', 'pop3', 'pop3s', 'dovecot',
          'httpd-e-smith', 'smb', 'sshd', 'crond', 'mysqld'),
    '9': ('qmail', 'qpsmtpd', 'sqpsmtpd', 'imap', 'imaps', 'pop3', 'pop3s', 'dovecot',
          'httpd-e-smith', 'smbd', 'nmbd', 'sshd', 'crond', 'mysqld'),
}

SSHD_CONFIG = '''\
Port {port}
ListenAddress 127.0.0.1
HostKey /etc/ssh/ssh_host_rsa_key
HostKey /etc/ssh/ssh_host_ecdsa_key
PermitRootLogin yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
UsePAM no
StrictModes yes
PidFile /run/sshd-test.pid
LogLevel VERBOSE
'''


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class SourceHost(Sandbox):
    """An SME machine reachable over ssh; kwargs go to smegen.generate."""

    standin_usr = SME_USR
    run_dirs = ('/run/lock', '/run/sshd')

    def __init__(self, tmpdir, hostname='sme.example.com', **generate):
        # Deliberately not Sandbox.__init__: no NethServer is built here.
        self.tmpdir = os.path.abspath(str(tmpdir))
        self.hostname = hostname
        self.root = os.path.join(self.tmpdir, 'root-fs')
        self._mnt = os.path.join(self.tmpdir, '.mnt', 'usr')
        if os.path.exists(self.root):
            raise SandboxError('{} already exists'.format(self.root))
        os.makedirs(self._mnt)
        self.manifest = smegen.generate(self.root, **generate)
        self.version = str(generate.get('version', '9'))
        for folder in ('usr', 'var/log', 'var/lib/test-sshd', 'tmp', 'root', 'home'):
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
        os.chmod(os.path.join(self.root, 'tmp'), 0o1777)
        init = os.path.join(self.root, 'etc/rc.d/init.d')
        os.makedirs(init, exist_ok=True)
        for name in INIT[self.version]:
            self._write(os.path.join(init, name), '#!/bin/sh\n# {}\n'.format(name), 0o755)
        self.new_host_keys()
        self.port = free_port()
        self._sshd = None

    @staticmethod
    def _write(path, text, mode):
        with open(path, 'w') as f:
            f.write(text)
        os.chmod(path, mode)

    def new_host_keys(self):
        """(Re)generate the tree's etc/ssh host keys, as a reinstalled source would."""
        ssh = os.path.join(self.root, 'etc/ssh')
        os.makedirs(ssh, exist_ok=True)
        for kind, bits in (('rsa', '2048'), ('ecdsa', '256')):
            key = os.path.join(ssh, 'ssh_host_{}_key'.format(kind))
            for p in (key, key + '.pub'):
                if os.path.exists(p):
                    os.unlink(p)
            subprocess.check_call(['ssh-keygen', '-q', '-t', kind, '-b', bits, '-N', '',
                                   '-C', 'root@' + self.hostname, '-f', key])

    @property
    def root_password(self):
        return self.manifest['admin_password']     # SME: root and admin share it

    def environment(self, env=None):
        base = Sandbox.environment(self, env)
        base.pop('PYTHONPATH', None)
        return base

    def start_sshd(self, timeout=15):
        with open(self.path('/var/lib/test-sshd/sshd_config'), 'w') as f:
            f.write(SSHD_CONFIG.format(port=self.port))
        log = open(self.path('/var/log/sshd-test.log'), 'ab')
        argv = self.command(['/usr/sbin/sshd', '-D', '-e', '-f',
                             '/var/lib/test-sshd/sshd_config'])
        self._sshd = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                      stderr=log, env=self.environment(),
                                      start_new_session=True)
        log.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self._sshd.poll() is not None:
                raise SandboxError('the source sshd exited: ' + self.sshd_log()[-500:])
            try:
                socket.create_connection(('127.0.0.1', self.port), 1).close()
                return self.port
            except OSError:
                time.sleep(0.1)
        self.stop_sshd()
        raise SandboxError('the source sshd did not listen on {}'.format(self.port))

    def stop_sshd(self):
        if self._sshd is not None:
            try:
                os.killpg(self._sshd.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._sshd.wait()
            self._sshd = None

    def sshd_log(self):
        try:
            with open(self.path('/var/log/sshd-test.log'), errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def journal(self):
        out = []
        try:
            with open(self.path('/var/log/sme-standin/journal.jsonl')) as f:
                out = [json.loads(l) for l in f if l.strip()]
        except OSError:
            pass
        return out

    def fail(self, what):
        """Make a stand-in fail: 'pre-backup' or 'stop-NAME'."""
        folder = self.path('/var/lib/sme-standin')
        os.makedirs(folder, exist_ok=True)
        open(os.path.join(folder, 'fail-' + what), 'w').close()

    def __repr__(self):
        return 'SourceHost({!r}, port={})'.format(self.tmpdir, self.port)
