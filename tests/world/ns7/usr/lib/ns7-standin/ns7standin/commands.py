"""Stand-in commands of the NethServer 7 sandbox.

Installed (as links to /usr/libexec/ns7-standin/cmd) at the paths NS7 has them, through
the sandbox's /usr overlay: /usr/sbin/lpasswd, /usr/sbin/lusermod, /usr/sbin/lchage,
/usr/bin/samba-tool, /usr/bin/pdbedit, /usr/sbin/nsdc-run, /usr/bin/systemctl,
/usr/bin/rpm, /usr/bin/timedatectl, /usr/bin/dbus-send, /sbin/e-smith/expand-template,
/sbin/e-smith/db, /sbin/e-smith/config, /usr/bin/ldapsearch, /usr/bin/ldapmodify and
/usr/bin/ldbsearch, /usr/bin/ldbmodify (the last two only through nsdc-run: directory.py).  Each appends one ``command`` line to the
journal (arguments that look like secrets are redacted and flagged).
"""

import os
import pwd
import re
import sys

from . import common
from . import directory
from . import provider


class Cmd(object):
    def __init__(self, name, args):
        self.name = name
        self.args = args
        self.stdin = False
        self.extra = {}

    def err(self, text, code=1):
        sys.stderr.write('{}: {}\n'.format(self.name, text))
        return code


def _read_fd(fd):
    chunks = []
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        chunks.append(b)
    return b''.join(chunks).decode('utf-8', 'replace')


# --------------------------------------------------------------------------------------
# libuser (local LDAP provider)

def lpasswd(c):
    """lpasswd [-f FD|--password-fd=FD] [-F FD|--plainpassword-fd=FD] USER.
    A password or hash on the command line (-p/-P/--password=/--plainpassword=, or any
    argument that looks like a hash) is refused LOUDLY: exit 2."""
    args = list(c.args)
    secret = [a for a in args if common.looks_secret(a)]
    if any(a in ('-p', '-P') or a.startswith(('--password=', '--plainpassword='))
           for a in args) or secret:
        c.extra['secret_on_argv'] = True
        return c.err('STAND-IN REFUSAL: a password or hash was passed on the command '
                     'line; read it from a file descriptor (-f 0) instead', 2)
    fd, hashed, users = None, None, []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ('-f', '-F') and i + 1 < len(args):
            fd, hashed = int(args[i + 1]), a == '-f'
            i += 2
            continue
        if a.startswith('--password-fd=') or a.startswith('--plainpassword-fd='):
            fd, hashed = int(a.split('=', 1)[1]), a.startswith('--password-fd=')
        elif a.startswith('-'):
            return c.err('unsupported option {}'.format(a), 1)
        else:
            users.append(a)
        i += 1
    if len(users) != 1 or fd is None:
        return c.err('usage: lpasswd -f FD USER (stand-in)', 1)
    c.stdin = fd == 0
    value = _read_fd(fd).rstrip('\n')
    if not value:
        return c.err('no password read from fd {}'.format(fd), 1)
    if common.provider_kind() != 'ldap':
        return c.err('Error initializing libuser: no LDAP provider configured', 1)
    with provider.Store() as st:
        u = st.user(users[0])
        if u is None:
            return c.err('User {} does not exist.'.format(users[0]), 1)
        if hashed:
            u['password'] = '{CRYPT}' + value
        else:
            from .actions import _crypt_sha512
            u['password'] = '{CRYPT}' + _crypt_sha512(value)
    c.extra.update(user=users[0], password_kind='hash' if hashed else 'plain')
    sys.stdout.write('Password changed for {}.\n'.format(users[0]))
    return 0


def lusermod(c):
    args = list(c.args)
    if not args or args[-1].startswith('-'):
        return c.err('usage: lusermod [-L|-U] [--commonname=X] [--shell=X] USER', 1)
    user = args[-1]
    if common.provider_kind() != 'ldap':
        return c.err('Error initializing libuser', 1)
    with provider.Store() as st:
        u = st.user(user)
        if u is None:
            return c.err('User {} does not exist.'.format(user), 1)
        for a in args[:-1]:
            pw = u['password']
            body = pw[7:] if pw.startswith('{CRYPT}') else pw
            if a == '-L':
                u['password'] = '{CRYPT}!' + body
            elif a == '-U':
                if pw != '{CRYPT}!!' and body.startswith('!'):
                    u['password'] = '{CRYPT}' + body[1:]
            elif a.startswith('--commonname='):
                u['fullname'] = a.split('=', 1)[1]
            elif a.startswith('--shell='):
                u['shell'] = a.split('=', 1)[1]
            elif a.startswith('--gecos='):
                pass
            else:
                return c.err('unsupported option {}'.format(a), 1)
        c.extra.update(user=user, locked=provider.is_locked(u))
    return 0


def lchage(c):
    if not c.args:
        return c.err('usage: lchage [-m N] [-M N] [-W N] USER', 1)
    c.extra['user'] = c.args[-1]
    return 0


# --------------------------------------------------------------------------------------
# Samba AD (local DC)

def _need_dc(c):
    if 'nethserver-dc' not in common.installed_modules():
        c.err('command not found (no local Samba AD: nethserver-dc is not installed)')
        return False
    return True


def samba_tool(c):
    if not _need_dc(c):
        return 127
    args = list(c.args)
    if any(common.looks_secret(a) for a in args):
        c.extra['secret_on_argv'] = True
        sys.stderr.write('samba-tool: STAND-IN WARNING: a secret is on the command line\n')
    if len(args) < 2:
        return c.err('usage: samba-tool user|group|domain SUBCOMMAND ...', 1)
    what, sub, rest = args[0], args[1], args[2:]
    pos = [a for a in rest if not a.startswith('-')]
    opts = dict(a[2:].split('=', 1) if '=' in a else (a[2:], True)
                for a in rest if a.startswith('--'))
    if what == 'domain' and sub == 'classicupgrade':
        from . import classicupgrade
        return classicupgrade.classicupgrade(c, pos, opts)
    with provider.Store() as st:
        if what == 'group' and pos:
            pos[0] = st.group_key(pos[0])     # AD group names are case-insensitive
        if what == 'user' and sub in ('create', 'add'):
            name = pos[0]
            if st.user(name) is not None:
                return c.err("Failed to add user '{}': entry already exists".format(name))
            u = st.add_user(name, name, opts.get('login-shell', provider.SFTP_SHELL))
            if opts.get('newpassword'):
                u['password'] = 'set'
                u['must_change'] = False
                u['nt_hash'] = _nt_hash(opts['newpassword'])
            print("User '{}' created successfully".format(name))
        elif what == 'user' and sub in ('enable', 'disable', 'setpassword', 'delete'):
            name = pos[0] if pos else ''
            u = st.user(name)
            if u is None:
                return c.err("Unable to find user '{}'".format(name))
            if sub == 'delete':
                del st.data['users'][name]
                for g in st.data['groups'].values():
                    if name in g['members']:
                        g['members'].remove(name)
            elif sub == 'setpassword':
                u['password'] = 'set'
                u['must_change'] = bool(opts.get('must-change-at-next-login'))
                if opts.get('newpassword') not in (None, True):
                    u['nt_hash'] = _nt_hash(opts['newpassword'])
                else:
                    u['nt_hash'] = None       # --random-password
            else:
                u['enabled'] = sub == 'enable'
            print("{} user '{}'".format(sub.capitalize(), name))
        elif what == 'user' and sub == 'list':
            for name in sorted(st.data['users']):
                print(name)
        elif what == 'group' and sub == 'add':
            if st.group(pos[0]) is not None or st.user(pos[0]) is not None:
                # one sAMAccountName space for users and groups
                return c.err("Failed to create group '{}': already exists".format(pos[0]))
            st.add_group(pos[0])
            print('Added group {}'.format(pos[0]))
        elif what == 'group' and sub in ('addmembers', 'removemembers', 'listmembers'):
            g = st.group(pos[0]) if pos else None
            if g is None:
                return c.err("Unable to find group '{}'".format(pos[0] if pos else ''))
            if sub == 'listmembers':
                for m in g['members']:
                    print(m)
                return 0
            members = [m for m in (pos[1] if len(pos) > 1 else '').split(',') if m]
            bad = [m for m in members if st.user(m) is None and st.group(m) is None]
            if bad:
                return c.err('Unable to find "{}"'.format(bad[0]))
            if sub == 'addmembers':
                g['members'] += [m for m in members if m not in g['members']]
            else:
                g['members'] = [m for m in g['members'] if m not in members]
            print('{} members of group {}'.format(
                'Added' if sub == 'addmembers' else 'Removed', pos[0]))
        elif what == 'group' and sub == 'list':
            for name in sorted(st.data['groups']):
                print(name)
        elif what == 'domain' and sub == 'passwordsettings':
            st.data['passwordsettings'] = {k: v for k, v in opts.items()}
        else:
            return c.err('stand-in does not implement "{} {}"'.format(what, sub), 1)
    return 0


def _nt_hash(plain):
    from .classicupgrade import nt_hash
    return nt_hash(plain)


def pdbedit(c):
    if not _need_dc(c):
        return 127
    args = list(c.args)
    if any(common.looks_secret(a) for a in args):
        c.extra['secret_on_argv'] = True
    user, i = None, 0
    changes = {}
    while i < len(args):
        a = args[i]
        val = args[i + 1] if i + 1 < len(args) else None
        if a == '-u':
            user, i = val, i + 2
            continue
        if a in ('-c', '-K', '-i'):
            changes[a] = val
            i += 2
            continue
        if '=' in a:
            k, v = a.split('=', 1)
            changes[k] = v
        elif a in ('-L', '-Lv', '-v'):
            changes[a] = True
        else:
            return c.err('unsupported option {}'.format(a), 1)
        i += 1
    with provider.Store() as st:
        if '-i' in changes:
            # pdbedit -i smbpasswd:FILE: import NT hashes (and the D flag) of existing
            # users; /srv is the nsdc container's /srv (/var/lib/machines/nsdc/srv).
            kind, _, fname = (changes['-i'] or '').partition(':')
            if kind != 'smbpasswd' or not fname:
                return c.err('-i: only smbpasswd:FILE is implemented', 1)
            if fname.startswith('/srv/'):
                fname = '/var/lib/machines/nsdc' + fname
            with open(fname) as f:
                lines = [l.split(':') for l in f if l.count(':') >= 6]
            missing = [p[0] for p in lines if st.user(p[0]) is None]
            if missing:
                return c.err('Username not found! ({})'.format(missing[0]), 255)
            for p in lines:
                u = st.user(p[0])
                u.update(password='nt-hash', nt_hash=p[3], must_change=False)
                u['enabled'] = 'D' not in p[4]
            c.extra['imported'] = [p[0] for p in lines]
            return 0
        if '-L' in changes or '-Lv' in changes:
            for name, u in sorted(st.data['users'].items()):
                print('{}:{}:{}'.format(name, u['uid'], u.get('fullname', '')))
            return 0
        u = st.user(user) if user else None
        if u is None:
            return c.err('Username not found!', 255)
        if '--fullname' in changes:
            u['fullname'] = changes['--fullname']
        if '-c' in changes:
            u['account_flags'] = changes['-c']
        if '-K' in changes:
            u['expired'] = changes['-K'] != '0'
        if '--set-nt-hash' in changes:
            u['password'] = 'nt-hash'
            u['nt_hash'] = changes['--set-nt-hash']
    c.extra['user'] = user
    return 0


def nsdc_run(c):
    args = list(c.args)
    while args and args[0] != '--':
        args.pop(0)
    args = args[1:]
    if not args:
        return c.err('usage: nsdc-run [-e] -- COMMAND ...', 1)
    sys.stdout.flush()
    common.journal('command', c.name, c.args, exit=0, exec=args[0])
    os.environ['NS7_STANDIN_CALLER'] = 'nsdc-run'
    try:
        os.execvp(args[0], args)
    except OSError as exc:
        return c.err(str(exc), 127)


# --------------------------------------------------------------------------------------
# systemd, rpm, timedatectl, oddjob, templates

def systemctl(c):
    args = [a for a in c.args if not a.startswith('-')]
    if not args:
        return 0
    verb, units = args[0], [u[:-8] if u.endswith('.service') else u for u in args[1:]]
    conf = common.read_db('configuration')
    c.extra['units'] = units
    if verb in ('is-active', 'is-enabled'):
        code = 0
        for u in units:
            rec = conf.get(u)
            on = rec is not None and rec[1].get('status') == 'enabled'
            print(('active' if verb == 'is-active' else 'enabled') if on else
                  ('inactive' if verb == 'is-active' else 'disabled'))
            code = code or (0 if on else (3 if verb == 'is-active' else 1))
        return code
    return 0


def rpm(c):
    mods = common.installed_modules()
    args = list(c.args)
    if args and args[0] in ('-qa', '--query') and len(args) == 1 or args == ['-q', '-a']:
        for m in sorted(mods):
            print('{}-1.0.0-1.ns7.noarch'.format(m))
        return 0
    if not args or args[0] not in ('-q', '--query'):
        return c.err('the stand-in implements only "rpm -q NAME..." and "rpm -qa"', 1)
    names = [a for a in args[1:] if not a.startswith('-')]
    code = 0
    for n in names:
        if n in mods:
            print('{}-1.0.0-1.ns7.noarch'.format(n))
        else:
            print('package {} is not installed'.format(n))
            code = 1
    return code


def timedatectl(c):
    args = list(c.args)
    if args[:1] == ['set-timezone'] and len(args) == 2:
        zone = args[1]
        if not os.path.exists('/usr/share/zoneinfo/' + zone) or '..' in zone:
            return c.err('Failed to set time zone: Invalid time zone \'{}\''.format(zone), 1)
        tmp = '/etc/localtime.standin'
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink('../usr/share/zoneinfo/' + zone, tmp)
        os.rename(tmp, '/etc/localtime')
        c.extra['timezone'] = zone
        return 0
    if not args or args[0] == 'status':
        link = os.readlink('/etc/localtime') if os.path.islink('/etc/localtime') else 'UTC'
        print('       Time zone: {}'.format(link.split('zoneinfo/', 1)[-1]))
        return 0
    if args[0] in ('set-ntp', 'set-local-rtc'):
        return 0
    return c.err('unsupported: {}'.format(' '.join(args)), 1)


def dbus_send(c):
    """oddjob mkhomedir: ``dbus-send --system --dest=com.redhat.oddjob_mkhomedir ...
    com.redhat.oddjob_mkhomedir.mkhomedirfor string:USER`` creates the user's home from
    /etc/skel, owned user:primary group, mode 0700."""
    args = list(c.args)
    if not any(a.endswith('mkhomedirfor') for a in args):
        return c.err('the stand-in implements only oddjob_mkhomedir.mkhomedirfor', 1)
    users = [a[len('string:'):] for a in args if a.startswith('string:')]
    if len(users) != 1:
        return c.err('mkhomedirfor needs one string:USER', 1)
    try:
        pw = pwd.getpwnam(users[0])
    except KeyError:
        print('Error org.freedesktop.DBus.Error.Failed: user {} unknown'.format(users[0]))
        return 1
    home = pw.pw_dir
    c.extra.update(user=users[0], home=home)
    if os.path.exists(home):
        return 0
    import shutil
    os.makedirs(os.path.dirname(home), exist_ok=True)
    shutil.copytree('/etc/skel', home, symlinks=True)
    for top, dirs, files in os.walk(home):
        for n in [top] + [os.path.join(top, x) for x in dirs + files]:
            os.lchown(n, pw.pw_uid, pw.pw_gid)
    os.chmod(home, 0o700)
    c.extra['created'] = True
    print('method return time=0 sender=:1.1 -> destination=:1.2 serial=3 reply_serial=2')
    print('   int32 0')
    return 0


def expand_template(c):
    c.extra['templates'] = [a for a in c.args if not a.startswith('-')]
    return 0


def db_cli(c, dbname=None):
    """/sbin/e-smith/db DBNAME get|getprop|setprop|set|delete|delprop|keys|show ..."""
    args = list(c.args)
    if dbname is None:
        if not args:
            return c.err('usage: db DB ACTION ...', 1)
        dbname = args.pop(0)
    if not args:
        args = ['show']
    act, rest = args[0], args[1:]
    if act in ('get', 'getprop', 'keys', 'show', 'gettype', 'printtype'):
        recs = common.read_db(dbname)
        if act == 'keys':
            for k in sorted(recs):
                print(k)
            return 0
        if act == 'show':
            for k in sorted(recs):
                t, p = recs[k]
                print('{}={}'.format(k, t))
                for pk in sorted(p):
                    print('    {}={}'.format(pk, p[pk]))
            return 0
        rec = recs.get(rest[0]) if rest else None
        if rec is None:
            return 1
        if act == 'get':
            print(common.format_line(rest[0], rec[0], rec[1]).split('=', 1)[1])
            return 0
        if act in ('gettype', 'printtype'):
            print(rec[0])
            return 0
        if len(rest) < 2 or rest[1] not in rec[1]:
            return 1
        print(rec[1][rest[1]])
        return 0
    with common.locked_db(dbname) as recs:
        if act == 'set' and len(rest) >= 2:
            recs[rest[0]] = (rest[1], dict(zip(rest[2::2], rest[3::2])))
        elif act == 'setprop' and len(rest) >= 1:
            if len(rest[1:]) % 2:
                return c.err('setprop: odd number of arguments', 255)
            if rest[0] in recs:
                t, p = recs[rest[0]]
                p = dict(p)
                p.update(zip(rest[1::2], rest[2::2]))
                recs[rest[0]] = (t, p)
        elif act == 'delete' and rest:
            recs.pop(rest[0], None)
        elif act == 'delprop' and rest:
            if rest[0] in recs:
                t, p = recs[rest[0]]
                recs[rest[0]] = (t, {k: v for k, v in p.items() if k not in rest[1:]})
        else:
            return c.err('unsupported action {}'.format(act), 1)
    return 0


COMMANDS = {
    'lpasswd': lpasswd, 'lusermod': lusermod, 'lchage': lchage,
    'samba-tool': samba_tool, 'pdbedit': pdbedit, 'nsdc-run': nsdc_run,
    'systemctl': systemctl, 'rpm': rpm, 'timedatectl': timedatectl,
    'dbus-send': dbus_send, 'expand-template': expand_template,
    'db': db_cli, 'config': lambda c: db_cli(c, 'configuration'),
    'ldapsearch': directory.ldapsearch, 'ldapmodify': directory.ldapmodify,
    'ldbsearch': directory.ldbsearch, 'ldbmodify': directory.ldbmodify,
}


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    name = os.path.basename(argv[0])
    c = Cmd(name, argv[1:])
    fn = COMMANDS.get(name)
    if fn is None:
        sys.stderr.write('ns7-standin: unknown command {}\n'.format(name))
        return 127
    try:
        status = fn(c)
    except Exception as exc:
        sys.stderr.write('{}: {}: {}\n'.format(name, type(exc).__name__, exc))
        status = 1
    sys.stdout.flush()
    args = list(c.args)
    if name in ('db', 'config'):
        # setprop KEY PROP VALUE...: hide the value of any *password*/*secret* prop.
        for i in range(1, len(args)):
            if re.search(r'password|secret', args[i - 1], re.I) and i >= 2:
                args[i] = '<redacted>'
                c.extra['secret_on_argv'] = True
    c.extra.setdefault('secret_on_argv', any(common.looks_secret(a) for a in c.args))
    common.journal('command', name, args, exit=status, stdin=c.stdin, **c.extra)
    return status
