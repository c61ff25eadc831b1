"""A bubblewrap sandbox holding a stand-in NethServer 7.

    sb = Sandbox(tmp_path, hostname='ns7.example.org', provider='ldap')
    sb.install_package('root')                 # our RPM's files, at their installed paths
    res = sb.run(['signal-event', 'user-create', 'jdoe', 'John Doe'])
    sb.journal(kind='event')                   # what the stand-in NethServer was asked
    sb.db('configuration').get('sssd')         # esmithdb.Database of the sandbox's DB
    open(sb.path('/var/log/messages')).read()  # every file is also visible from the host

How it is built (nothing persists outside ``<tmp>``, no mount outlives a command):

* State lives in ``<tmp>/root-fs``: its ``etc``, ``var``, ``root``, ``home``, ``tmp`` are
  bound read-write at /etc, /var, /root, /home, /tmp.  /etc holds the sandbox's own
  passwd/group/shadow/gshadow/hosts/hostname/nsswitch.conf/localtime, e-smith, pki, ssh,
  skel, sysconfig; every other host /etc entry is a symlink into a read-only bind of the
  host's /etc at /run/host/etc.
* /usr is a READ-ONLY overlayfs ``<tmp>/root-fs/usr`` (installed packages) over
  ``tests/world/ns7/usr`` (the stand-in commands: signal-event, lpasswd, samba-tool, rpm,
  systemctl, ...) over the host's /usr.  /bin, /sbin, /lib, /lib64 are the host's
  merged-/usr symlinks, so /sbin/e-smith/signal-event is /usr/sbin/e-smith/signal-event,
  as on CentOS 7 (also merged).  Each ``run()`` mounts the overlay in a private mount
  namespace (``unshare --mount --propagation private``) and execs bwrap there, so the
  mount dies with the command.
* bwrap: new PID, UTS (hostname = the test's), IPC and cgroup namespaces,
  ``--die-with-parent``, fresh /proc, /dev, /run (tmpfs).  Network is the host's (so a
  test sshd on 127.0.0.1 works).  We run as real root: chown/setfacl are real.
* Environment: cleared; PATH as root's on NS7; PYTHONPATH=/usr/lib/python3.6/site-packages
  -- the one deliberate difference from NS7: /usr/bin/python3 is Debian's 3.11 (with
  Debian's python3-pyparsing and python3-plumbum) reading our library where the RPM puts it.
* Timeout: the whole process group is SIGKILLed; the PID namespace takes every process
  started inside with it.
"""

import json
import os
import shutil
import signal
import subprocess

from nethserver_migration import esmithdb

from tests.world import sandbox_ns7

STANDIN_USR = sandbox_ns7.STANDIN_USR
SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/sbin/e-smith:/root/bin'
MERGED = ('bin', 'sbin', 'lib', 'lib64', 'lib32', 'libx32')

# The host packages the sandbox needs (Debian 12): see _preflight().
DEBIAN_PACKAGES = ('bubblewrap', 'util-linux', 'mount', 'libnss-extrausers', 'acl',
                   'python3', 'python3-pyparsing', 'python3-plumbum')

_MOUNT_AND_EXEC = (
    'mount -t overlay ns7-sandbox -o "ro,lowerdir=$1" "$2" || '
    '{ echo "ns7-sandbox: cannot mount the /usr overlay" >&2; exit 125; }; '
    'shift 2; exec "$@"')


class SandboxError(RuntimeError):
    """The sandbox cannot be built or started (one clear line)."""


class SandboxTimeout(SandboxError):
    pass


def _preflight():
    problems = []
    if os.geteuid() != 0:
        problems.append('must run as root')
    for tool in ('bwrap', 'unshare', 'mount'):
        if shutil.which(tool) is None:
            problems.append('{} not found (install {})'.format(
                tool, 'bubblewrap' if tool == 'bwrap' else 'util-linux/mount'))
    try:
        with open('/proc/filesystems') as f:
            if '\toverlay\n' not in f.read():
                problems.append('the kernel has no overlay filesystem')
    except OSError:
        problems.append('/proc/filesystems unreadable')
    if not any(os.path.exists(os.path.join(d, 'libnss_extrausers.so.2'))
               for d in ('/usr/lib', '/usr/lib/x86_64-linux-gnu', '/lib')):
        problems.append('libnss_extrausers.so.2 missing (apt-get install libnss-extrausers)')
    if not os.path.exists('/usr/bin/python3'):
        problems.append('/usr/bin/python3 missing (apt-get install python3)')
    if problems:
        raise SandboxError('ns7 sandbox cannot start: ' + '; '.join(problems))


class Sandbox(object):
    """A stand-in NethServer 7 under ``tmpdir``.

    provider: 'ldap' (local OpenLDAP), 'ad' (local Samba AD), 'remote-ad', 'none'.
    modules: optional NethServer packages installed besides the base ones and the
      provider's (None = sandbox_ns7.DEFAULT_MODULES: samba, mail server, mail filter).
    remote_users / remote_groups: for 'remote-ad' (also accepted for 'ad'), the domain's
      accounts: {name: full name} and {group: [member short names]}.
    """

    def __init__(self, tmpdir, hostname='ns7.example.org', provider='ldap', modules=None,
                 remote_users=None, remote_groups=None, timezone='UTC',
                 green_ip='192.168.1.10', green_netmask='255.255.255.0',
                 gateway='192.168.1.254', realm=None, workgroup=None):
        _preflight()
        if provider not in sandbox_ns7.PROVIDERS:
            raise SandboxError('unknown provider {!r} (one of {})'.format(
                provider, ', '.join(sandbox_ns7.PROVIDERS)))
        if '.' not in hostname:
            raise SandboxError('hostname {!r} must be a FQDN'.format(hostname))
        self.tmpdir = os.path.abspath(str(tmpdir))
        for bad in (':', ',', '\n', '"'):
            if bad in self.tmpdir:
                raise SandboxError('sandbox directory {!r} contains {!r}, which overlayfs '
                                   'options cannot carry'.format(self.tmpdir, bad))
        self.hostname = hostname
        self.domain = hostname.split('.', 1)[1]
        self.provider = provider
        self.modules = sandbox_ns7.resolve_modules(provider, modules)
        self.remote_users = dict(remote_users or {})
        self.remote_groups = dict(remote_groups or {})
        if provider == 'remote-ad' and not self.remote_users:
            self.remote_users = {'jdoe': 'John Doe', 'asmith': 'Alice Smith'}
            self.remote_groups = self.remote_groups or {'sales': ['jdoe', 'asmith']}
        self.timezone = timezone
        self.green_ip = green_ip
        self.green_netmask = green_netmask
        self.gateway = gateway
        self.realm = realm or 'AD.' + self.domain.upper()
        self.workgroup = workgroup or self.domain.split('.')[0].upper()[:15]
        short = hostname.split('.')[0]
        self.nsdc_hostname = 'nsdc-{}.{}'.format(short, self.realm.lower())
        self.nsdc_ip = '192.168.1.11'
        self.remote_dc_ip = '192.168.1.2'
        self.root = os.path.join(self.tmpdir, 'root-fs')
        self._mnt = os.path.join(self.tmpdir, '.mnt', 'usr')
        if os.path.exists(self.root):
            raise SandboxError('{} already exists: one sandbox per directory'.format(self.root))
        os.makedirs(self._mnt)
        try:
            sandbox_ns7.build(self)
        except (OSError, esmithdb.DbError) as exc:
            raise SandboxError('ns7 sandbox cannot be built in {}: {}'.format(self.tmpdir, exc))

    # ---- host-side views -------------------------------------------------------------

    def path(self, p):
        """Host path of sandbox path p (/usr/... resolves through the overlay layers)."""
        if not p.startswith('/'):
            raise ValueError('sandbox path must be absolute: {!r}'.format(p))
        parts = p.lstrip('/').split('/', 1)
        if parts[0] in MERGED and os.path.islink('/' + parts[0]):
            target = os.readlink('/' + parts[0]).lstrip('/')   # usr/sbin
            p = '/' + target + ('/' + parts[1] if len(parts) > 1 else '')
        if p == '/usr' or p.startswith('/usr/'):
            rel = p[len('/usr'):].lstrip('/')
            for layer in (os.path.join(self.root, 'usr'), self.standin_usr, '/usr'):
                cand = os.path.join(layer, rel)
                if os.path.lexists(cand):
                    return cand
            return os.path.join(self.root, 'usr', rel)
        return os.path.join(self.root, p.lstrip('/'))

    def secret(self, name):
        """NethServer::Password::store(name): the secret, created 0600 on first use."""
        p = os.path.join(self.root, 'var/lib/nethserver/secrets', name)
        if not os.path.exists(p):
            import secrets as _s
            import string
            alphabet = string.ascii_letters + string.digits + '_'
            value = 'Aa0_' + ''.join(_s.choice(alphabet) for _ in range(12))
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, 'w') as f:
                f.write(value + '\n')
        with open(p) as f:
            return f.readline().rstrip('\n')

    def journal(self, kind=None, name=None):
        """The stand-in's journal: one dict per call (kind event|action|command)."""
        out = []
        with open(self.path('/var/log/ns7-standin/journal.jsonl')) as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    if (kind is None or rec['kind'] == kind) and \
                            (name is None or rec['name'] == name):
                        out.append(rec)
        return out

    def messages(self):
        with open(self.path('/var/log/messages'), encoding='utf-8', errors='replace') as f:
            return f.read().splitlines()

    def db(self, name, readonly=False):
        """esmithdb.Database of the sandbox's /var/lib/nethserver/db/<name> (opened by
        path: SystemName/DomainName are NOT synthesised here; inside the sandbox the
        library derives them from the sandbox's hostname)."""
        return esmithdb.Database(self.path('/var/lib/nethserver/db/' + name),
                                 readonly=readonly, must_exist=False)

    def provider_store(self):
        """The provider's directory as the stand-in keeps it (users, groups, passwords)."""
        return sandbox_ns7.ns7provider.load(self.root)

    # ---- installing ------------------------------------------------------------------

    def install_package(self, pkg_root):
        """Copy a package's root/ tree into the sandbox at the installed paths (what rpm
        -i does).  Files under /bin, /sbin, /lib land in /usr (merged /usr)."""
        pkg_root = os.path.abspath(str(pkg_root))
        if not os.path.isdir(pkg_root):
            raise SandboxError('package root {} is not a directory'.format(pkg_root))
        installed = []
        for top, dirs, files in os.walk(pkg_root):
            dirs[:] = [d for d in dirs if d != '__pycache__'
                       and not os.path.islink(os.path.join(top, d))]
            links = [d for d in os.listdir(top) if os.path.islink(os.path.join(top, d))
                     and os.path.isdir(os.path.join(top, d))]
            for name in sorted(set(files) | set(links)):
                if name.endswith('.pyc'):
                    continue
                src = os.path.join(top, name)
                rel = '/' + os.path.relpath(src, pkg_root)
                dst = self.path(rel)
                if dst.startswith('/usr/') or dst.startswith(STANDIN_USR + '/'):
                    rel_usr = os.path.relpath(dst, '/usr' if dst.startswith('/usr/')
                                              else STANDIN_USR)
                    dst = os.path.join(self.root, 'usr', rel_usr)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                if os.path.lexists(dst):
                    os.unlink(dst)
                if os.path.islink(src):
                    os.symlink(os.readlink(src), dst)
                else:
                    shutil.copy2(src, dst)
                installed.append(rel)
        return installed

    def set_modules(self, modules):
        """Change the set of optional NethServer packages ``rpm -q`` reports."""
        self.modules = sandbox_ns7.resolve_modules(self.provider, modules)
        with open(self.path('/var/lib/ns7-standin/modules'), 'w') as f:
            f.write(''.join(m + '\n' for m in self.modules))

    # ---- running ---------------------------------------------------------------------

    def environment(self, env=None):
        base = {'PATH': SANDBOX_PATH, 'HOME': '/root', 'USER': 'root', 'LOGNAME': 'root',
                'SHELL': '/bin/bash', 'LANG': 'C.UTF-8', 'TERM': 'dumb',
                'PYTHONPATH': '/usr/lib/python3.6/site-packages',
                'PYTHONDONTWRITEBYTECODE': '1'}
        base.update(env or {})
        return base

    # The stand-in's /usr layer (the source host's sandbox has its own) and the extra
    # directories made in the fresh /run.
    standin_usr = STANDIN_USR
    run_dirs = ('/run/lock',)

    def command(self, argv, cwd='/root', info_fd=None):
        """The host argv that runs argv inside the sandbox."""
        lower = '{}:{}:/usr'.format(os.path.join(self.root, 'usr'), self.standin_usr)
        b = ['bwrap', '--die-with-parent', '--unshare-pid', '--unshare-uts', '--unshare-ipc',
             '--unshare-cgroup-try', '--hostname', self.hostname,
             '--ro-bind', self._mnt, '/usr']
        for name in MERGED:
            host = '/' + name
            if os.path.islink(host):
                b += ['--symlink', os.readlink(host), host]
            elif os.path.isdir(host):
                b += ['--ro-bind', host, host]
        r = self.root
        b += ['--bind', os.path.join(r, 'etc'), '/etc',
              '--bind', os.path.join(r, 'var'), '/var',
              '--bind', os.path.join(r, 'root'), '/root',
              '--bind', os.path.join(r, 'home'), '/home',
              '--bind', os.path.join(r, 'tmp'), '/tmp',
              '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/run',
              '--ro-bind', '/etc', '/run/host/etc']
        for folder in self.run_dirs:
            b += ['--dir', folder]
        b += ['--chdir', cwd]
        return (['unshare', '--mount', '--propagation', 'private', '--',
                 'sh', '-c', _MOUNT_AND_EXEC, 'ns7-sandbox', lower, self._mnt]
                + b + (['--info-fd', str(info_fd)] if info_fd is not None else [])
                + ['--'] + [str(a) for a in argv])

    def run(self, argv, input=None, env=None, check=False, timeout=120, cwd='/root',
            text=True):
        """Run argv inside the sandbox -> subprocess.CompletedProcess (stdout/stderr
        captured).  A sandbox that cannot start raises SandboxError; a timeout kills
        every process of the run and raises SandboxTimeout."""
        if isinstance(argv, str):
            raise TypeError('argv must be a list (no shell strings)')
        if text and isinstance(input, str):
            input = input.encode('utf-8')
        info_r, info_w = os.pipe()
        os.set_inheritable(info_w, True)
        try:
            proc = subprocess.Popen(
                self.command(argv, cwd, info_w), stdin=subprocess.PIPE if input is not None
                else subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=self.environment(env), start_new_session=True, pass_fds=(info_w,))
        except OSError as exc:
            os.close(info_r)
            os.close(info_w)
            raise SandboxError('ns7 sandbox cannot start: {}'.format(exc))
        os.close(info_w)
        try:
            out, err = proc.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            self._kill(proc)
            os.close(info_r)
            raise SandboxTimeout('ns7 sandbox: {} timed out after {}s (killed)'.format(
                argv, timeout))
        except BaseException:
            self._kill(proc)
            os.close(info_r)
            raise
        with os.fdopen(info_r, 'rb') as f:
            started = f.read()
        if not started:
            lines = [l.strip() for l in err.decode('utf-8', 'replace').splitlines()
                     if l.strip()] or ['exit status {}'.format(proc.returncode)]
            own = [l for l in lines if l.startswith(('ns7-sandbox:', 'bwrap:'))]
            why = own[0] if own else lines[0]
            if own and lines[0] != own[0]:
                why += ' ({})'.format(lines[0])
            raise SandboxError('ns7 sandbox did not start: {}'.format(why))
        if text:
            out = out.decode('utf-8', 'replace')
            err = err.decode('utf-8', 'replace')
        res = subprocess.CompletedProcess(list(argv), proc.returncode, out, err)
        if check and res.returncode != 0:
            raise subprocess.CalledProcessError(res.returncode, list(argv), out, err)
        return res

    @staticmethod
    def _kill(proc):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()

    # ---- conveniences ----------------------------------------------------------------

    def signal_event(self, event, *args, **kw):
        return self.run(['/sbin/e-smith/signal-event', event] + list(args), **kw)

    def getent(self, database, key):
        """getent inside the sandbox: the entry's fields, or None."""
        res = self.run(['getent', database, key])
        if res.returncode != 0:
            return None
        return res.stdout.rstrip('\n').split('\n')[0].split(':')

    def __repr__(self):
        return 'Sandbox({!r}, hostname={!r}, provider={!r})'.format(
            self.tmpdir, self.hostname, self.provider)
