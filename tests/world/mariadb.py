"""A real MariaDB server (Debian's mariadb-server) for a sandbox: its data directory and
its socket inside the sandbox's tree (/var/lib/mysql, /var/lib/mysql/mysql.sock:
NethServer 7's paths), the server process on the host (a daemon cannot outlive one
sandbox run, and the import's actions run in several).  Set up as NethServer's
nethserver-mysql leaves it: root@localhost's password is the secret
/var/lib/nethserver/secrets/mysql, /etc/my.cnf names the socket for the clients in the
sandbox; NethServer's own accounts and databases (a service account with its database)
exist before any import.  query() asks it from the host, as root.
"""

import os
import shutil
import subprocess
import tempfile
import time

SOCKET = '/var/lib/mysql/mysql.sock'
SECRET = '/var/lib/nethserver/secrets/mysql'
# What a NethServer 7 with nethserver-mysql (and a module using it) already holds.
OWN = ("CREATE DATABASE ns7app; CREATE TABLE ns7app.settings (k varchar(32) PRIMARY KEY, "
       "v varchar(64)); INSERT INTO ns7app.settings VALUES ('owner','nethserver');"
       "CREATE USER 'ns7app'@'localhost' IDENTIFIED BY 'ns7app-secret';"
       "GRANT ALL ON ns7app.* TO 'ns7app'@'localhost';"
       # an account SME has too, with another password: NethServer's is kept
       "CREATE USER 'report'@'192.168.1.%' IDENTIFIED BY 'nethserver-report';")


def _binary(*names):
    for name in names:
        path = shutil.which(name) or shutil.which(name, path='/usr/sbin:/usr/bin')
        if path:
            return path
    raise RuntimeError('none of {} is installed (tools/setup-host installs '
                       'mariadb-server)'.format(', '.join(names)))


class MariaDB(object):

    def __init__(self, sandbox, root_password='ns7-root-secret', own=True):
        self.sandbox = sandbox
        self.password = root_password
        self.datadir = sandbox.path('/var/lib/mysql')
        self.socket = sandbox.path(SOCKET)
        if len(self.socket) > 100:
            raise RuntimeError('socket path too long for AF_UNIX: ' + self.socket)
        os.makedirs(self.datadir, exist_ok=True)
        subprocess.check_call([_binary('mariadb-install-db', 'mysql_install_db'),
                               '--no-defaults', '--datadir=' + self.datadir, '--user=root',
                               '--auth-root-authentication-method=normal',
                               '--skip-test-db'],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._log = os.path.join(sandbox.tmpdir, 'mariadb.log')
        self.proc = subprocess.Popen(
            [_binary('mariadbd', 'mysqld'), '--no-defaults', '--datadir=' + self.datadir,
             '--socket=' + self.socket, '--skip-networking', '--user=root',
             '--pid-file=' + os.path.join(sandbox.tmpdir, 'mariadb.pid'),
             '--log-error=' + self._log, '--innodb-buffer-pool-size=16M',
             '--skip-log-bin', '--max-allowed-packet=64M'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError('mariadbd did not start: ' + self.log())
            time.sleep(0.1)
        subprocess.run([_binary('mariadb', 'mysql'), '--no-defaults', '-S', self.socket,
                        '-uroot'], input="ALTER USER root@localhost IDENTIFIED BY '{}';"
                       .format(root_password).encode(), check=True)
        with open(sandbox.path('/etc/my.cnf'), 'w') as f:
            f.write('[mysqld]\nsocket={0}\n\n[client]\nsocket={0}\n'.format(SOCKET))
        secret = sandbox.path(SECRET)
        os.makedirs(os.path.dirname(secret), exist_ok=True)
        with open(secret, 'w') as f:
            f.write(root_password)
        os.chmod(secret, 0o600)
        if own:
            self.query(OWN)

    def log(self):
        try:
            with open(self._log) as f:
                return f.read()[-3000:]
        except OSError:
            return ''

    def query(self, sql, database=None, user='root', password=None):
        """Rows of sql (tab-separated, as the client's --batch prints them) -> [[str]]."""
        with tempfile.NamedTemporaryFile('w', prefix='my.', suffix='.cnf') as conf:
            conf.write('[client]\nuser={}\npassword="{}"\nsocket={}\n'.format(
                user, (password or self.password).replace('\\', '\\\\')
                .replace('"', '\\"'), self.socket))
            conf.flush()
            argv = [_binary('mariadb', 'mysql'), '--defaults-file=' + conf.name, '--batch',
                    '--skip-column-names', '--raw']
            if database:
                argv.append(database)
            data = sql if isinstance(sql, bytes) else sql.encode('utf-8')
            res = subprocess.run(argv, input=data, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        if res.returncode != 0:
            raise RuntimeError('mysql: {}'.format(res.stderr.decode('utf-8', 'replace')))
        return [line.split('\t') for line in res.stdout.decode('utf-8').splitlines()]

    def can_login(self, user, password, host='localhost'):
        try:
            self.query('SELECT CURRENT_USER();', user=user, password=password)
            return True
        except RuntimeError:
            return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
