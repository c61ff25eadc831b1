"""``samba-tool domain classicupgrade`` and the ``sme8migration`` provisioning of nsdc.

What NethServer 7 does on ``nethserver-dc-save`` when ``nsdc ProvisionType`` is
``sme8migration`` (ns7-destination.md §2.12, anchor-behaviour.md §4.5): the
``samba-provision`` unit of the container runs only while the DC is not provisioned
(``ConditionPathExists=!/etc/samba/smb.conf`` and ``!/var/lib/samba/private/krb5.conf``);
it swaps the container's passwd/group with ``etc/passwd.migration`` /
``etc/group.migration``, runs ``samba-tool domain classicupgrade --dbdir=/srv
/srv/smb.sme8migration.conf``, puts passwd/group back, then ``post-provision.sh
sme8migration``: ``user setpassword administrator --newpassword=Nethesis,1234``, ``group
addmembers "Domain Admins" admin``, and per ``/srv/groups.list`` line (NAME TAB
MEMBERS) ``group add`` + ``group addmembers``; its commands are not checked (no set -e).

classicupgrade (Samba's upgrade_from_samba3 over the smbpasswd passdb backend), as
emulated here:

* the configuration file must load and carry ``workgroup``, ``netbios name`` and
  ``passdb backend = smbpasswd:FILE``; FILE must exist (else "Can't find domain sid");
* domain SID: ``SECRETS/SID/<WORKGROUP>`` of ``<private dir>/secrets.tdb`` (a DC asks for
  the workgroup's first), else ``SECRETS/SID/<NETBIOS NAME>``, else a random SID (Samba
  generates one); a secrets.tdb that is not a TDB is an error;
* each smbpasswd entry needs a Unix account of the same name (the swapped passwd): one
  without is skipped with Samba's "smbpasswd database is corrupt!" line, as
  build_sam_account does; a line not in smbpasswd form is skipped too (getsmbfilepwent);
* RID = Unix uid * 2 + 1000 (smbpasswd's algorithmic mapping), full name = gecos, the NT
  hash becomes the AD password, ``D`` -> disabled, no NT hash (``XXX...``) -> no
  password; ``NAME$`` with ``W`` -> a computer account (not shown by NSS);
* ``administrator``, ``guest``, ``krbtgt`` (any case) in smbpasswd stop the upgrade, as
  NethServer/dev#5443 and #5447 saw (the SID -500 / "User exists" errors);
* the provider store is REPLACED: a new domain with the AD built-ins (administrator
  enabled with a random password, guest and krbtgt disabled), no ldapservice and no
  admin unless imported (nethserver-dc-createldapservice / -createadmins add them later).

NOT emulated: real Samba and its sam.ldb, SID history, group mapping (group_mapping.tdb is
not read: groups come only from groups.list), machine trust passwords, DNS, idmap.ldb
(the store's uid is the sssd id-mapped ``261600000 + RID``), logon scripts/profiles.
"""

import os
import random
import struct
import subprocess
import sys

from . import common
from . import provider

NSDC_ROOT = '/var/lib/machines/nsdc'
RESERVED = ('administrator', 'guest', 'krbtgt')
WELL_KNOWN_ADMIN_PASSWORD = 'Nethesis,1234'      # post-provision.sh's, NOT ours


class UpgradeError(Exception):
    pass


def container(p):
    """The host path of the container path p (nsdc-run runs it inside nsdc)."""
    return NSDC_ROOT + '/' + p.lstrip('/')


# --------------------------------------------------------------------------------------
# NT hash (MD4 of UTF-16LE), for samba-tool setpassword; hashlib has no md4 on OpenSSL 3

def _md4(data):
    msg = bytearray(data) + b'\x80'
    while len(msg) % 64 != 56:
        msg.append(0)
    msg += struct.pack('<Q', (8 * len(data)) & 0xffffffffffffffff)
    h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]

    def rol(x, n):
        x &= 0xffffffff
        return ((x << n) | (x >> (32 - n))) & 0xffffffff
    for off in range(0, len(msg), 64):
        x = struct.unpack('<16I', bytes(msg[off:off + 64]))
        a, b, c, d = h
        for i in range(16):
            k, s = i, (3, 7, 11, 19)[i % 4]
            a, b, c, d = d, rol(a + ((b & c) | (~b & d)) + x[k], s), b, c
        for i in range(16):
            k, s = (i % 4) * 4 + i // 4, (3, 5, 9, 13)[i % 4]
            a, b, c, d = d, rol(a + ((b & c) | (b & d) | (c & d)) + x[k] + 0x5a827999, s), b, c
        for i in range(16):
            k = (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15)[i]
            s = (3, 9, 11, 15)[i % 4]
            a, b, c, d = d, rol(a + (b ^ c ^ d) + x[k] + 0x6ed9eba1, s), b, c
        h = [(v + w) & 0xffffffff for v, w in zip(h, (a, b, c, d))]
    return struct.pack('<4I', *h)


def nt_hash(plain):
    return _md4(plain.encode('utf-16-le')).hex().upper()


# --------------------------------------------------------------------------------------
# inputs

def read_conf(p):
    """[global] of an smb.conf -> {option: value} (lower-case option names)."""
    try:
        with open(p) as f:
            lines = f.read().splitlines()
    except (IOError, OSError):
        raise UpgradeError('Unable to load file {}'.format(container_name(p)))
    section, opts = None, {}
    for line in lines:
        line = line.strip()
        if not line or line[0] in '#;':
            continue
        if line.startswith('['):
            section = line.strip('[]').strip().lower()
            continue
        if '=' not in line or section is None:
            raise UpgradeError('Unable to load file {}: bad line {!r}'.format(
                container_name(p), line))
        if section == 'global':
            k, v = line.split('=', 1)
            opts[' '.join(k.lower().split())] = v.strip()
    for need in ('workgroup', 'netbios name', 'passdb backend'):
        if not opts.get(need):
            raise UpgradeError('{} has no "{}" in [global]'.format(container_name(p), need))
    if not opts['passdb backend'].startswith('smbpasswd:'):
        raise UpgradeError('passdb backend {!r} is not smbpasswd:FILE'.format(
            opts['passdb backend']))
    return opts


def container_name(p):
    return p[len(NSDC_ROOT):] if p.startswith(NSDC_ROOT + '/') else p


def read_passwd(p):
    out = {}
    try:
        with open(p, encoding='utf-8', errors='replace') as f:
            for line in f:
                parts = line.rstrip('\n').split(':')
                if len(parts) == 7 and parts[2].isdigit():
                    out[parts[0]] = {'uid': int(parts[2]), 'gid': parts[3],
                                     'gecos': parts[4], 'shell': parts[6]}
    except (IOError, OSError):
        pass
    return out


def read_smbpasswd(p, warn):
    """[(name, nt or None, flags)] of the well-formed entries; the others are warned."""
    entries = []
    with open(p, encoding='utf-8', errors='replace') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            parts = line.split(':')
            ok = (len(parts) >= 6 and parts[0] and parts[1].isdigit()
                  and len(parts[2]) >= 32 and len(parts[3]) >= 32
                  and parts[4].startswith('[') and parts[4].endswith(']'))
            if not ok:
                warn('getsmbfilepwent: malformed smbpasswd entry at line {}: skipped'.format(n))
                continue
            nt = parts[3][:32].upper()
            nt = nt if all(c in '0123456789ABCDEF' for c in nt) else None
            entries.append((parts[0], nt, set(parts[4][1:-1].replace(' ', ''))))
    return entries


def _sid_str(raw):
    if len(raw) < 8:
        raise UpgradeError('secrets.tdb: SID value too short')
    rev, count = raw[0], raw[1]
    auth = int.from_bytes(raw[2:8], 'big')
    subs = struct.unpack('<{}I'.format(count), raw[8:8 + 4 * count])
    return 'S-{}-{}'.format(rev, auth) + ''.join('-{}'.format(s) for s in subs)


def domain_sid(secrets, workgroup, netbios, warn):
    """The domain SID the way pdb_generate_sam_sid finds it on a DC."""
    if not os.path.exists(secrets):
        warn('no {}: a new domain SID is generated'.format(container_name(secrets)))
        return _random_sid(), 'random'
    if '/usr/lib/python3/dist-packages' not in sys.path:
        sys.path.append('/usr/lib/python3/dist-packages')     # Debian's python3-tdb
    try:
        import tdb
    except ImportError:
        raise UpgradeError('stand-in: python3-tdb is not installed on the host')
    try:
        db = tdb.open(secrets, flags=os.O_RDONLY)
    except Exception as exc:
        raise UpgradeError('Unable to open {}: {}'.format(container_name(secrets), exc))
    try:
        for source, name in (('workgroup', workgroup), ('netbios name', netbios)):
            # Samba's key has no trailing NUL (string_tdb_data; the anchor's python
            # stores db['SECRETS/SID/%s'] the same way): a NUL-terminated copy is not found
            raw = db.get('SECRETS/SID/{}'.format(name.upper()).encode())
            if raw is not None:
                return _sid_str(raw), source
    finally:
        db.close()
    warn("Can't find domain secrets for '{}'; using random SID".format(workgroup))
    return _random_sid(), 'random'


def _random_sid():
    rng = random.SystemRandom()
    return 'S-1-5-21-{}-{}-{}'.format(*(rng.randint(1, 2 ** 32 - 1) for _ in range(3)))


# --------------------------------------------------------------------------------------
# samba-tool domain classicupgrade

def classicupgrade(c, pos, opts):
    """The stand-in samba-tool subcommand (c: commands.Cmd)."""
    warnings = []

    def warn(text):
        warnings.append(text)
        sys.stderr.write(text + '\n')

    if len(pos) != 1:
        return c.err('usage: samba-tool domain classicupgrade [--dbdir=DIR] SMBCONF', 1)
    try:
        conf = read_conf(container(pos[0]))
        backend = conf['passdb backend'].split(':', 1)[1]
        private = conf.get('private dir') or opts.get('dbdir') or '/var/lib/samba/private'
        workgroup, netbios = conf['workgroup'].upper(), conf['netbios name'].upper()
        if not os.path.exists(container(backend)):
            raise UpgradeError("Can't find domain sid for '{}', (Check PASSDB_BACKEND)"
                               .format(workgroup))
        entries = read_smbpasswd(container(backend), warn)
        for name, nt, flags in entries:
            if name.lower() == 'administrator':
                raise UpgradeError("ProvisioningError: User '{}' in your existing directory "
                                   "does not have SID ending in -500".format(name))
            if name.lower() in RESERVED:
                raise UpgradeError("Unable to add sam account '{}', (-1073741725,User "
                                   "exists)".format(name))
        sid, sid_from = domain_sid(container(private + '/secrets.tdb'), workgroup, netbios,
                                   warn)
    except UpgradeError as exc:
        return c.err('ERROR: {}'.format(exc), 1)
    passwd = read_passwd(container('/etc/passwd'))
    print('Importing users')
    users, computers, skipped = [], [], []
    for name, nt, flags in entries:
        pw = passwd.get(name)
        if pw is None:
            warn('build_sam_account: smbpasswd database is corrupt!  username {} is not in '
                 'unix passwd database!'.format(name))
            skipped.append(name)
            continue
        rid = pw['uid'] * 2 + 1000
        if name.endswith('$') and 'W' in flags:
            computers.append((name, rid, nt))
        else:
            users.append((name, rid, nt, flags, pw))
    with provider.Store() as st:
        dom = st.data['domain']
        st.data = provider.empty_store('ad', dom)
        provider.ad_builtins(st, administrator_enabled=True)
        st.data['domain_sid'] = sid
        st.data['computers'] = {}
        for name, rid, nt, flags, pw in users:
            u = st.add_user(name, pw['gecos'], pw['shell'] or provider.SFTP_SHELL,
                            uid=provider.AD_ID_BASE + rid, enabled='D' not in flags)
            u.update(password='nt-hash' if nt else 'none', nt_hash=nt, must_change=False,
                     sid='{}-{}'.format(sid, rid), unix_uid=pw['uid'])
            print("Importing user '{}'".format(name))
        for name, rid, nt in computers:
            st.data['computers'][name] = {'sid': '{}-{}'.format(sid, rid), 'nt_hash': nt}
        rids = [r for _, r, _, _, _ in users] + [r for _, r, _ in computers]
        st.data['next_rid'] = max([st.data['next_rid']] + [r + 1 for r in rids])
    # What the migration offered and how it kept it, for the tests: the files are gone
    # once the upgrade has used them (the migration removes its hashes).
    srv = container('/srv')
    modes = dict((n, oct(os.stat(os.path.join(srv, n)).st_mode & 0o7777))
                 for n in sorted(os.listdir(srv)) if os.path.isfile(os.path.join(srv, n)))
    c.extra.update(workgroup=workgroup, domain_sid_from=sid_from,
                   imported=[u[0] for u in users], computers=[m[0] for m in computers],
                   skipped=skipped, warnings=len(warnings),
                   offered=[e[0] for e in entries], srv_modes=modes,
                   passdb_backend=conf['passdb backend'])
    return 0


# --------------------------------------------------------------------------------------
# the nethserver-dc-provision action (S10 of nethserver-dc-save)

def provisioned():
    return os.path.exists(container('/etc/samba/smb.conf')) or \
        os.path.exists(container('/var/lib/samba/private/krb5.conf'))


def _samba_tool(args, log):
    env = dict(os.environ, NS7_STANDIN_CALLER='samba-provision')
    res = subprocess.run(['/usr/bin/samba-tool'] + args, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = res.stdout.decode('utf-8', 'replace')
    log.append(out)
    return res.returncode, out


def _swap(name):
    """Put etc/NAME.migration in place of the container's etc/NAME; the undo function."""
    live, mig = container('/etc/' + name), container('/etc/{}.migration'.format(name))
    saved = live + '.standin-provision'
    if not os.path.exists(mig):
        raise UpgradeError('cannot swap in /etc/{}.migration: No such file'.format(name))
    had = os.path.exists(live)
    if had:
        os.rename(live, saved)
    with open(mig, 'rb') as src, open(live, 'wb') as dst:
        dst.write(src.read())

    def undo():
        os.unlink(live)
        if had:
            os.rename(saved, live)
    return undo


def provision_sme8migration(ctx):
    """Returns the action's exit status; one [ERROR] line on failure.  The unit's own
    output goes to the container's journal (/var/log/ns7-standin/nsdc-provision.log)."""
    if provisioned():
        ctx.extra['skipped'] = 'already provisioned'
        return 0
    log = []
    undo = []
    try:
        for name in ('passwd', 'group'):
            undo.append(_swap(name))
        status, out = _samba_tool(['domain', 'classicupgrade', '--dbdir=/srv',
                                   '/srv/smb.sme8migration.conf'], log)
    except UpgradeError as exc:
        status, out = 1, 'ERROR: {}'.format(exc)
        log.append(out)
    finally:
        for fn in reversed(undo):
            fn()
    if status != 0:
        _write_log(log)
        errors = [l.split('ERROR: ', 1)[1] for l in out.splitlines() if 'ERROR: ' in l]
        ctx.say('[ERROR] samba-provision: classicupgrade failed: {}'.format(
            errors[0] if errors else 'exit status {}'.format(status)))
        ctx.extra['provision'] = 'failed'
        return 1
    # post-provision.sh sme8migration: nothing checked, as the real script
    failures = []
    calls = [['user', 'setpassword', 'administrator',
              '--newpassword=' + WELL_KNOWN_ADMIN_PASSWORD],
             ['group', 'addmembers', 'Domain Admins', 'admin']]
    try:
        with open(container('/srv/groups.list'), encoding='utf-8', errors='replace') as f:
            for line in f:
                group, _, members = line.rstrip('\n').partition('\t')
                log.append('[NOTICE] Importing group {}\n'.format(group))
                calls += [['group', 'add', group], ['group', 'addmembers', group, members]]
    except (IOError, OSError) as exc:
        log.append('cat: /srv/groups.list: {}\n'.format(exc.strerror))
        failures.append('groups.list')
    for args in calls:
        code, _ = _samba_tool(args, log)
        if code != 0:
            failures.append(' '.join(args[:2] + args[2:3]))
    os.makedirs(container('/etc/samba'), exist_ok=True)
    os.makedirs(container('/var/lib/samba/private'), exist_ok=True)
    with open(container('/etc/samba/smb.conf'), 'w') as f:
        f.write('# stand-in: provisioned by classicupgrade (sme8migration)\n')
    with open(container('/var/lib/samba/private/krb5.conf'), 'w') as f:
        f.write('# stand-in\n')
    _write_log(log)
    ctx.extra.update(provision='sme8migration', post_provision_failures=failures)
    return 0


def _write_log(chunks):
    p = '/var/log/ns7-standin/nsdc-provision.log'
    common._append_locked(p, ''.join(c if c.endswith('\n') else c + '\n' for c in chunks
                                     if c))
