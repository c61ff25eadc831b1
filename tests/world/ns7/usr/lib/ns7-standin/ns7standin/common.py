"""Shared plumbing of the stand-in NethServer 7: journal, e-smith DBs, names.

Runs INSIDE the sandbox with Debian's /usr/bin/python3 started as ``python3 -IS``
(no site-packages): stdlib only.  The host side imports the same modules with
``root=<sandbox root-fs>`` to seed and inspect, so every path goes through ``path()``.

The e-smith DB reader/writer here is deliberately independent of the library under
test (nethserver_migration.esmithdb): it is a second, small implementation of the same
format, so a bug in one shows up as a disagreement in the tests.
"""

import fcntl
import json
import os
import re
import socket
import time

ROOT = os.environ.get('NS7_STANDIN_ROOT', '/')

JOURNAL = '/var/log/ns7-standin/journal.jsonl'
MESSAGES = '/var/log/messages'
STATE_DIR = '/var/lib/ns7-standin'
DB_DIR = '/var/lib/nethserver/db'
EVENTS_DIR = '/etc/e-smith/events'

HEADER = (
    "# DO NOT MODIFY THIS FILE.\n"
    "# This file is automatically maintained by NethServer\n"
    "# configuration software.  Manually editing this file may put your \n"
    "# system in an unknown state.\n"
    "#\n"
    "# updated: {}\n"
)

_SECRET_PATTERNS = [
    re.compile(r'^(\{[A-Za-z0-9.-]+\})?\$(1|2[abxy]?|5|6|y|gy|7|md5|sha1)\$'),  # crypt
    re.compile(r'^\{(CRYPT|SSHA|SHA|SMD5|MD5|SSHA256|SSHA512|PBKDF2[A-Z0-9-]*)\}', re.I),
    re.compile(r'^[0-9A-Fa-f]{32}$'),                                       # NT/LM hash
    re.compile(r'^--?(new)?password=', re.I),
    re.compile(r'^--(plainpassword|set-nt-hash|set-lm-hash)=', re.I),
]


def path(p, root=None):
    """The real location of sandbox path p (identity inside the sandbox)."""
    root = ROOT if root is None else root
    if root in ('', '/'):
        return p
    return os.path.join(root, p.lstrip('/'))


def looks_secret(arg):
    return any(rx.search(arg) for rx in _SECRET_PATTERNS)


def redact(args):
    """argv for the journal: anything that looks like a secret is replaced."""
    out = []
    for a in args:
        if looks_secret(a):
            head = a.split('=', 1)[0] + '=' if a.startswith('-') and '=' in a else ''
            out.append(head + '<redacted>')
        else:
            out.append(a)
    return out


def hostname():
    return socket.gethostname()


def domain_name():
    return hostname().partition('.')[2]


def system_name():
    return hostname().partition('.')[0]


# --------------------------------------------------------------------------------------
# Journal and /var/log/messages

def _append_locked(p, text):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, text.encode('utf-8', 'surrogateescape'))
    finally:
        os.close(fd)


def journal(kind, name, args, exit=0, stdin=False, root=None, **extra):
    """One JSON line per stand-in call.  Never pass a secret's value here."""
    rec = {'kind': kind, 'name': name, 'args': redact([str(a) for a in args]),
           'stdin': bool(stdin), 'exit': exit, 'time': round(time.time(), 6),
           'pid': os.getpid()}
    caller = os.environ.get('NS7_STANDIN_CALLER')
    if caller:
        rec['caller'] = caller
    rec.update(extra)
    _append_locked(path(JOURNAL, root), json.dumps(rec, sort_keys=True) + '\n')


def syslog_line(ident, pid, line):
    stamp = time.strftime('%b %e %H:%M:%S')
    return '{} {} {}[{}]: {}\n'.format(stamp, system_name(), ident, pid, line)


def log_messages(ident, pid, lines):
    text = ''.join(syslog_line(ident, pid, l) for l in lines)
    if text:
        _append_locked(path(MESSAGES), text)


# --------------------------------------------------------------------------------------
# e-smith DBs (independent minimal implementation)

_SPLIT = re.compile(r'(?<!\\)\|')


def parse_value(raw):
    fields = _SPLIT.split(raw.replace('\\n', '\n'))
    type_ = fields[0]
    props = {}
    rest = fields[1:]
    for i in range(0, len(rest), 2):
        props[rest[i]] = rest[i + 1].replace('\\|', '|') if i + 1 < len(rest) else ''
    return type_, props


def read_db(name, root=None):
    """{key: (type, {prop: value})}; a missing DB is empty."""
    p = name if '/' in name else path(os.path.join(DB_DIR, name), root)
    records = {}
    try:
        with open(p, 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        return records
    for line in data.split(b'\n'):
        try:
            line = line.decode('utf-8')
        except UnicodeDecodeError:
            line = line.decode('latin-1')
        if not line.strip() or line.lstrip().startswith('#') or '=' not in line:
            continue
        key, raw = line.split('=', 1)
        records[key.strip()] = parse_value(raw)
    return records


def format_line(key, type_, props):
    parts = [type_]
    for k in sorted(props):
        parts += [k, props[k]]
    return '{}={}'.format(key, '|'.join(parts).replace('\n', '\\n'))


def write_db(name, records, root=None):
    p = name if '/' in name else path(os.path.join(DB_DIR, name), root)
    body = ''.join(format_line(k, t, pr) + '\n'
                   for k, (t, pr) in sorted(records.items(), key=lambda kv: kv[0].encode()))
    text = HEADER.format(time.ctime()) + body
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    tmp = '{}.{}'.format(p, os.getpid())
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    if st is not None:
        os.chmod(tmp, st.st_mode & 0o7777)
        os.chown(tmp, st.st_uid, st.st_gid)
    else:
        os.chmod(tmp, 0o640)
    os.rename(tmp, p)


class locked_db(object):
    """``with locked_db('configuration') as recs:`` read-modify-write under <db>.lock;
    the file is rewritten only if something changed."""

    def __init__(self, name, root=None):
        self.name = name
        self.root = root
        self.p = name if '/' in name else path(os.path.join(DB_DIR, name), root)

    def __enter__(self):
        self.fd = os.open(self.p + '.lock', os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        self.records = read_db(self.p)
        self.before = json.dumps(self.records, sort_keys=True)
        return self.records

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None and json.dumps(self.records, sort_keys=True) != self.before:
                write_db(self.p, self.records)
        finally:
            os.close(self.fd)
        return False


def get_prop(db, key, prop, default=None, root=None):
    rec = read_db(db, root).get(key)
    if rec is None:
        return default
    return rec[1].get(prop, default)


def installed_modules(root=None):
    try:
        with open(path(os.path.join(STATE_DIR, 'modules'), root)) as f:
            return [l.strip() for l in f if l.strip()]
    except FileNotFoundError:
        return []


def provider_kind(root=None):
    """'ldap', 'ad' or 'none' as NethServer::SSSD sees the sssd record."""
    prov = get_prop('configuration', 'sssd', 'Provider', 'none', root)
    return prov if prov in ('ldap', 'ad') else 'none'
