"""rsync-migrate end to end: the source is a second sandbox holding a generated SME 9 at
its root with a real sshd on 127.0.0.1 (tests/world/source_sandbox.py); the destination
is the NethServer sandbox, where `rsync-migrate` runs as root does on NethServer 7.

The sequence (one case: each step's state is the next one's start, as a real migration):
first sync (key made and installed with the root password through ssh's own askpass,
host key pinned) -> the source changes -> second sync -> a dry run -> -m (check,
services stopped, pre-backup, final sync, migration-import).  Then the pin refuses a
changed host key, and a second concurrent run is refused.  Each sync-only run leaves the
source as it was (the one line of our key apart), proved on every file's bytes, owner,
mode, times and xattrs."""

import fcntl
import hashlib
import os
import stat
import subprocess

import pytest

from tests.world.sandbox import Sandbox
from tests.world.source_sandbox import SourceHost

pytestmark = pytest.mark.sandbox

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
STAGING = '/var/lib/migration'
LOCK = '/var/lib/nethserver-migration/rsync-migrate/lock'
KNOWN = '/var/lib/nethserver-migration/rsync-migrate/known_hosts'
LOG = '/var/log/nethserver-migration/rsync-migrate.log'
COPIED = ('home', 'etc', 'root')        # the tops of every synced path
IBAY = 'home/e-smith/files/ibays/docs/files'


def snapshot(top, tops=COPIED):
    """Every entry below top/<tops>: type, mode, ids, size, mtime, content, xattrs."""
    out = {}
    for first in tops:
        for folder, dirs, names in os.walk(os.path.join(top, first)):
            for name in dirs + names:
                path = os.path.join(folder, name)
                st = os.lstat(path)
                if stat.S_ISREG(st.st_mode):
                    with open(path, 'rb') as f:
                        body = hashlib.sha256(f.read()).hexdigest()
                elif stat.S_ISLNK(st.st_mode):
                    body = os.readlink(path)
                else:
                    body = None
                attrs = {} if stat.S_ISLNK(st.st_mode) else dict(
                    (a, os.getxattr(path, a)) for a in sorted(os.listxattr(path)))
                mtime = None if stat.S_ISDIR(st.st_mode) else st.st_mtime_ns
                out[os.path.relpath(path, top)] = (stat.S_IFMT(st.st_mode),
                                                   stat.S_IMODE(st.st_mode), st.st_uid,
                                                   st.st_gid, mtime, body, attrs)
    return out


def synced(src_snapshot):
    """The entries rsync-migrate copies (the tops hold more: etc/rc.d, etc/e-smith...)."""
    from nethserver_migration.rsync_migrate import PATHS
    return dict((k, v) for k, v in src_snapshot.items()
                if any(k == p or k.startswith(p + '/') for p in PATHS)
                or any(p.startswith(k + '/') for p in PATHS))


def staged(dst):
    return snapshot(dst.path(STAGING))


@pytest.fixture
def world(tmp_path):
    src = SourceHost(tmp_path / 'sme', version='9', seed=5, users=3, groups=2, ibays=2,
                     pseudonyms=1, domains=1, messages=3)
    prepare_source(src)
    src.start_sshd()
    dst = Sandbox(tmp_path / 'ns7')
    dst.install_package(os.path.join(TOP, 'root'))
    askpass = dst.path('/root/askpass')
    with open(askpass, 'w') as f:
        f.write('#!/bin/sh\nprintf "%s\\n" {!r}\n'.format(src.root_password))
    os.chmod(askpass, 0o700)
    yield src, dst
    src.stop_sshd()


def prepare_source(src):
    """What a shared folder carries: a hard link pair, an ACL, Samba's DOS attribute, an
    owner this machine does not know; a file that vanishes later."""
    folder = src.path('/' + IBAY)
    a = os.path.join(folder, 'plan.odt')
    with open(a, 'wb') as f:
        f.write(os.urandom(300000))
    os.link(a, os.path.join(folder, 'plan-link.odt'))
    subprocess.check_call(['setfacl', '-m', 'u:5123:rw-,m::rw-', a])
    os.setxattr(a, 'user.DOSATTRIB', b'0x20')
    b = os.path.join(folder, 'gone.txt')
    with open(b, 'w') as f:
        f.write('deleted on the source after the first sync\n')
    os.chown(b, 7777, 7778)


def rsync_migrate(src, dst, *args, **kw):
    env = {'DISPLAY': ':0', 'SSH_ASKPASS': '/root/askpass', 'SSH_ASKPASS_REQUIRE': 'force'}
    return dst.run(['rsync-migrate'] + list(args) + ['127.0.0.1', str(src.port)], env=env,
                   timeout=kw.pop('timeout', 300))


def out_of(res):
    return res.stdout + res.stderr


def test_sync_resync_dry_run_and_cut_over(world):
    src, dst = world
    before = snapshot(src.root)

    # 1. first contact: key pair made, installed with the password, host key pinned
    res = rsync_migrate(src, dst, '-y')
    assert res.returncode == 0, out_of(res)
    assert "created root's key pair /root/.ssh/id_rsa (RSA 4096)" in res.stdout
    assert "root's key is installed on 127.0.0.1" in res.stdout
    with open(dst.path('/root/.ssh/id_rsa.pub')) as f:
        ours = f.read().strip()
    assert ours.startswith('ssh-rsa ')
    assert subprocess.check_output(['ssh-keygen', '-l', '-f', dst.path('/root/.ssh/id_rsa')],
                                   universal_newlines=True).startswith('4096 ')
    with open(dst.path(KNOWN)) as f:
        pinned = f.read()
    with open(src.path('/etc/ssh/ssh_host_rsa_key.pub')) as f:
        assert f.read().split()[1] in pinned
    assert pinned.startswith('[127.0.0.1]:{} '.format(src.port))
    # the source: unchanged but for our one key line
    after = snapshot(src.root)
    keys = 'root/.ssh/authorized_keys'
    assert set(after) == set(before) | {keys, 'root/.ssh'}
    with open(src.path('/' + keys)) as f:
        assert f.read().splitlines().count(ours) == 1
    assert dict((k, v) for k, v in after.items() if not k.startswith('root/.ssh')) == \
        dict((k, v) for k, v in before.items() if not k.startswith('root/.ssh'))
    # the copy: every synced entry, as it is on the source (ids numeric, times, xattrs
    # and ACLs included), hard links kept
    assert staged(dst) == synced(after)
    plan = dst.path(STAGING + '/' + IBAY + '/plan.odt')
    assert os.stat(plan).st_ino == os.stat(dst.path(STAGING + '/' + IBAY
                                                    + '/plan-link.odt')).st_ino
    acl = subprocess.check_output(['getfacl', '-n', '-p', plan], universal_newlines=True)
    assert 'user:5123:rw-' in acl
    assert os.stat(dst.path(STAGING + '/' + IBAY + '/gone.txt')).st_uid == 7777
    assert stat.S_IMODE(os.stat(dst.path(STAGING)).st_mode) == 0o700
    with open(dst.path(LOG)) as f:
        log = f.read()
    assert '=== ' in log and 'rsync-migrate sync of root@127.0.0.1 port {}'.format(
        src.port) in log and 'result: exit 0 ===' in log
    # every ssh connection of the run ended by the client (the master closed with -O exit)
    sshd_log = src.sshd_log()
    assert sshd_log.count('Accepted publickey for root') == \
        sshd_log.count('disconnected by user') - 1      # the password session too

    # 2. the source changes while it runs; a note of the admin's sits in the staging tree
    os.unlink(src.path('/' + IBAY + '/gone.txt'))
    with open(src.path('/' + IBAY + '/new.txt'), 'w') as f:
        f.write('new on the source\n')
    subprocess.check_call(['setfacl', '-m', 'u:5124:r--', src.path('/' + IBAY + '/plan.odt')])
    with open(dst.path(STAGING + '/my-notes.txt'), 'w') as f:
        f.write('mine\n')
    before = snapshot(src.root)
    res = rsync_migrate(src, dst)
    assert res.returncode == 0, out_of(res)
    assert snapshot(src.root) == before                  # a sync changes nothing there
    assert staged(dst) == synced(before)
    assert not os.path.exists(dst.path(STAGING + '/' + IBAY + '/gone.txt'))
    assert os.path.exists(dst.path(STAGING + '/my-notes.txt'))   # --delete stays inside
    assert 'user:5124:r--' in subprocess.check_output(['getfacl', '-n', '-p', plan],
                                                      universal_newlines=True)

    # 3. a dry run lists a change and writes nothing
    with open(src.path('/' + IBAY + '/later.txt'), 'w') as f:
        f.write('not copied by a dry run\n')
    copy = staged(dst)
    res = rsync_migrate(src, dst, '-n')
    assert res.returncode == 0, out_of(res)
    assert IBAY + '/later.txt' in res.stdout
    assert staged(dst) == copy
    assert src.journal() == []                           # nothing was asked of SME

    # 4. the cut-over
    res = rsync_migrate(src, dst, '-m', '-y', timeout=600)
    assert res.returncode == 0, out_of(res)
    calls = [c['args'] for c in src.journal()]
    stopped = ['qmail', 'qpsmtpd', 'sqpsmtpd', 'imap', 'imaps', 'pop3', 'pop3s', 'dovecot',
               'httpd-e-smith', 'smbd', 'nmbd']
    assert calls == [[s, 'stop'] for s in stopped] + [['pre-backup']]
    with open(src.path('/home/e-smith/db/mysql/mysql.dump'), 'rb') as f:
        dump = f.read()
    with open(dst.path(STAGING + '/home/e-smith/db/mysql/mysql.dump'), 'rb') as f:
        assert f.read() == dump                          # the final sync came after it
    assert os.path.exists(dst.path(STAGING + '/' + IBAY + '/later.txt'))
    assert 'to start them again: ssh -p {} root@127.0.0.1'.format(src.port) in res.stdout
    for user in src.manifest['users']:                  # migration-import ran
        assert dst.getent('passwd', user) is not None, user
    assert os.path.exists(dst.path('/var/log/nethserver-migration/latest.json'))

    # 5. the source is reinstalled (new host keys): the pin refuses it
    src.stop_sshd()
    src.new_host_keys()
    src.start_sshd()
    copy = staged(dst)
    res = rsync_migrate(src, dst, '-y')
    assert res.returncode == 3, out_of(res)
    assert 'is NOT the one pinned on first contact' in res.stdout
    assert staged(dst) == copy

    # 6. one run at a time
    fd = os.open(dst.path(LOCK), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        res = rsync_migrate(src, dst)
    finally:
        os.close(fd)
    assert res.returncode == 7
    assert 'another rsync-migrate is running' in res.stderr


def test_a_failed_pre_backup_stops_the_cut_over_and_says_how_to_restart(world):
    src, dst = world
    assert rsync_migrate(src, dst, '-y').returncode == 0
    src.fail('pre-backup')
    res = rsync_migrate(src, dst, '-m', '-y')
    assert res.returncode == 5, out_of(res)
    assert 'pre-backup failed there' in res.stdout
    assert ("to start them again: ssh -p {} root@127.0.0.1 'for s in qmail qpsmtpd "
            "sqpsmtpd imap imaps pop3 pop3s dovecot httpd-e-smith smbd nmbd; do "
            "/sbin/service $s start; done'".format(src.port)) in res.stdout
    assert not os.path.exists(dst.path('/var/log/nethserver-migration/latest.json'))
    assert [c['args'] for c in src.journal()][-2:] == [['nmbd', 'stop'], ['pre-backup']]
    with open(src.path('/var/lib/sme-standin/state-qmail')) as f:
        assert f.read() == 'stop\n'                     # stopped, as the message says


def test_no_terminal_and_no_yes_pins_nothing(world):
    src, dst = world
    res = rsync_migrate(src, dst)
    assert res.returncode == 3
    assert 'refused: no terminal to confirm the host key' in res.stdout
    assert not os.path.exists(dst.path(KNOWN))
    assert not os.path.exists(dst.path(STAGING + '/home'))
    with open(src.path('/root/.ssh/authorized_keys')) as f:
        assert 'nethserver-migration@' not in f.read()
