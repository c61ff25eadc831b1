"""Stand-in directory tools: ldapsearch/ldapmodify (local OpenLDAP, /usr/bin) and
ldbsearch/ldbmodify (Samba's sam.ldb, only inside the nsdc container: through nsdc-run).

They read and write the user attributes of the provider store (provider.json, each
user's ``attrs``: {attribute: [values]}).  A small LDIF reader/writer of their own (not
the library's), so a disagreement shows up in the tests.

OpenLDAP as NethServer 7 configures it (reference/ns7-destination.md §3.4, §4.5):
simple bind as cn=libuser,dc=directory,dc=nh, allowed read-write from 127.0.0.1 only; a
password on the command line (-w) is refused LOUDLY (exit 2); -y FILE is read like
OpenLDAP's lutil_get_filed_password: the WHOLE file is the password, a trailing newline
included, so NethServer's own secret file (which ends with one) is Invalid credentials
(49).  Users are uid=<u>,ou=People,dc=directory,dc=nh (inetOrgPerson: telephoneNumber,
o, ou, l, street multi-valued).  Samba: the dn is CN=<u>,CN=Users,<realm as DC=...>;
telephoneNumber, company, department, l, streetAddress single-valued.
"""

import base64
import os
import re
import sys

from . import common
from . import provider

BASE = 'dc=directory,dc=nh'
PEOPLE = 'ou=People,' + BASE
LIBUSER = 'cn=libuser,' + BASE
SAM_LDB = '/var/lib/samba/private/sam.ldb'
LDAP_ATTRS = ('telephoneNumber', 'o', 'ou', 'l', 'street')
AD_ATTRS = ('telephoneNumber', 'company', 'department', 'l', 'streetAddress')


# --------------------------------------------------------------------------------------
# LDIF, filters

def _b64(value):
    return base64.b64encode(value.encode('utf-8')).decode('ascii')


def _line(attr, value, fold=76):
    safe = value == '' or (re.match(r'^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f]', value)
                           and not re.search(r'[^\x01-\x09\x0b\x0c\x0e-\x7f]', value)
                           and not value.endswith(' '))
    text = '{}: {}'.format(attr, value) if safe else '{}:: {}'.format(attr, _b64(value))
    if fold and len(text) > fold:            # OpenLDAP's ldif-wrap default
        parts = [text[:fold]] + [' ' + text[i:i + fold - 1]
                                 for i in range(fold, len(text), fold - 1)]
        text = '\n'.join(parts)
    return text + '\n'


def read_ldif(text):
    """[(attr, value)] records split on blank lines; raises ValueError on bad syntax."""
    records, rec, logical = [], [], None
    lines = text.split('\n')

    def take(line):
        if line is None or line.startswith('#'):
            return
        if line == '-':
            rec.append(('-', ''))
            return
        if ':' not in line:
            raise ValueError('bad LDIF line {!r}'.format(line))
        attr, _, value = line.partition(':')
        if value.startswith(':'):
            value = base64.b64decode(value[1:].strip(), validate=True).decode('utf-8')
        else:
            value = value.lstrip(' ')
        rec.append((attr.strip(), value))

    for raw in lines:
        line = raw.rstrip('\r')
        if line.startswith(' ') and logical is not None:
            logical += line[1:]
            continue
        take(logical)
        logical = None
        if not line.strip():
            if rec:
                records.append(rec)
            rec = []
            continue
        logical = line
    take(logical)
    if rec:
        records.append(rec)
    return records


def _unescape(v):
    return re.sub(r'\\([0-9a-fA-F]{2})', lambda m: chr(int(m.group(1), 16)), v)


def parse_filter(text):
    """A tiny RFC 4515 subset: (&...), (|...), (attr=value), (attr=*)."""
    pos = [0]

    def node():
        if text[pos[0]] != '(':
            raise ValueError('bad filter')
        pos[0] += 1
        if text[pos[0]] in '&|':
            op = text[pos[0]]
            pos[0] += 1
            kids = []
            while text[pos[0]] == '(':
                kids.append(node())
            pos[0] += 1
            return (op, kids)
        end = text.index(')', pos[0])
        attr, _, value = text[pos[0]:end].partition('=')
        pos[0] = end + 1
        return ('=', attr.lower(), _unescape(value))
    tree = node()
    if pos[0] != len(text):
        raise ValueError('bad filter')
    return tree


def match(tree, entry):
    """entry: {attr lower: [values]}; case-insensitive equality."""
    if tree[0] == '&':
        return all(match(k, entry) for k in tree[1])
    if tree[0] == '|':
        return any(match(k, entry) for k in tree[1])
    values = entry.get(tree[1], [])
    if tree[2] == '*':
        return bool(values)
    return tree[2].lower() in [v.lower() for v in values]


def _options(args, with_value):
    opts, pos, i = {}, [], 0
    while i < len(args):
        a = args[i]
        if a in with_value:
            if i + 1 >= len(args):
                raise ValueError('option {} needs a value'.format(a))
            opts[a] = args[i + 1]
            i += 2
            continue
        if a.startswith('-'):
            opts[a] = True
        else:
            pos.append(a)
        i += 1
    return opts, pos


def _canon(attr, allowed):
    for a in allowed:
        if a.lower() == attr.lower():
            return a
    return None


def _modify(c, st, records, dn_of, allowed, single):
    """Apply 'changetype: modify' records; returns (exit, changed [(user, attrs)])."""
    changed = []
    for rec in records:
        if rec[0][0].lower() != 'dn' or len(rec) < 2 or rec[1] != ('changetype', 'modify'):
            return c.err('only "dn: ... / changetype: modify" records are implemented', 1), \
                changed
        dn = rec[0][1]
        name = next((n for n in st.data['users'] if dn_of(n).lower() == dn.lower()), None)
        if name is None:
            return c.err('No such object (32): {}'.format(dn), 32), changed
        attrs = st.user(name).setdefault('attrs', {})
        i, done = 2, []
        while i < len(rec):
            op, attr = rec[i]
            canon = _canon(attr, allowed)
            if op not in ('add', 'replace', 'delete') or canon is None:
                return c.err('Undefined attribute type (17): {} {}'.format(op, attr), 17), \
                    changed
            values = []
            i += 1
            while i < len(rec) and rec[i][0] != '-':
                if rec[i][0].lower() != attr.lower():
                    return c.err('attribute {} in a {} of {}'.format(rec[i][0], op, attr),
                                 1), changed
                values.append(rec[i][1])
                i += 1
            i += 1          # the '-'
            if op == 'replace':
                attrs[canon] = values
            elif op == 'add':
                if single and (attrs.get(canon) or len(values) > 1):
                    return c.err('Attribute or value exists (20): {}'.format(canon), 20), \
                        changed
                attrs[canon] = attrs.get(canon, []) + values
            else:
                attrs[canon] = [v for v in attrs.get(canon, []) if values and v not in values]
            if not attrs[canon]:
                del attrs[canon]
            done.append(canon)
        changed.append((name, done))
    return 0, changed


def _read_stdin(c):
    c.stdin = True
    return sys.stdin.buffer.read().decode('utf-8')


# --------------------------------------------------------------------------------------
# OpenLDAP clients

def _bind(c, opts):
    """The simple bind checks of the local slapd; an exit code or None when bound."""
    if any(o.startswith(('-w', '-W')) for o in opts):
        c.extra['secret_on_argv'] = '-W' not in opts
        for i, a in enumerate(c.args):             # never journal the password itself
            if a.startswith('-w'):
                c.args[i] = '-w<redacted>' if a != '-w' else a
                if a == '-w' and i + 1 < len(c.args):
                    c.args[i + 1] = '<redacted>'
        return c.err('STAND-IN REFUSAL: a password on the command line (-w/-W); use '
                     '-y FILE', 2)
    if common.provider_kind() != 'ldap':
        return c.err("ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)", 255)
    if '-x' not in opts or opts.get('-H') not in ('ldap://127.0.0.1', 'ldap://127.0.0.1/'):
        return c.err('STAND-IN: only simple binds (-x) to -H ldap://127.0.0.1 are emulated '
                     '(cn=libuser may write only from 127.0.0.1)', 1)
    if opts.get('-D') != LIBUSER or '-y' not in opts:
        return c.err('ldap_bind: Insufficient access (50): bind as {} with -y FILE'.format(
            LIBUSER), 50)
    c.extra['password_file'] = opts['-y']
    try:
        with open(opts['-y'], 'rb') as f:
            given = f.read()            # all of it, like lutil_get_filed_password
    except OSError as exc:
        return c.err('{}: {}'.format(opts['-y'], exc.strerror), 1)
    with open(common.path('/var/lib/nethserver/secrets/libuser'), 'rb') as f:
        secret = f.readline().rstrip(b'\n')
    if given != secret:
        c.extra['bind'] = 'invalid credentials' + (
            ' (trailing newline)' if given.rstrip(b'\n') == secret else '')
        return c.err('ldap_bind: Invalid credentials (49)', 49)
    return None


LDAP_OPTS = ('-H', '-D', '-y', '-b', '-s', '-o', '-f', '-w')


def _ldap_entry(name, user):
    attrs = dict((k.lower(), v) for k, v in user.get('attrs', {}).items())
    attrs.update({'uid': [name], 'objectclass': ['top', 'posixAccount', 'shadowAccount',
                                                  'inetOrgPerson']})
    return attrs


def ldapsearch(c):
    opts, pos = _options(c.args, LDAP_OPTS)
    code = _bind(c, opts)
    if code is not None:
        return code
    base, scope = opts.get('-b', BASE), opts.get('-s', 'sub')
    tree = parse_filter(pos[0] if pos else '(objectClass=*)')
    want = [a.lower() for a in pos[1:]]
    out = []
    with provider.Store(readonly=True) as st:
        for name in sorted(st.data['users']):
            dn = 'uid={},{}'.format(name, PEOPLE)
            if scope == 'base' and dn.lower() != base.lower():
                continue
            if scope in ('one', 'sub') and not dn.lower().endswith(',' + base.lower()):
                continue
            entry = _ldap_entry(name, st.user(name))
            if not match(tree, entry):
                continue
            text = _line('dn', dn)
            for attr, values in sorted(entry.items()):
                if want and attr not in want:
                    continue
                label = _canon(attr, LDAP_ATTRS + ('uid', 'objectClass')) or attr
                text += ''.join(_line(label, v) for v in values)
            out.append(text)
    if scope == 'base' and not out:
        return c.err('No such object (32)', 32)
    if '-LLL' not in opts:
        sys.stdout.write('# extended LDIF\n#\n\n')
    sys.stdout.write('\n'.join(out) + ('\n' if out else ''))
    c.extra['entries'] = len(out)
    return 0


def ldapmodify(c):
    opts, pos = _options(c.args, LDAP_OPTS)
    code = _bind(c, opts)
    if code is not None:
        return code
    if '-f' in opts or pos:
        return c.err('the stand-in reads the LDIF from stdin only', 1)
    records = read_ldif(_read_stdin(c))
    try:
        with provider.Store() as st:
            code, changed = _modify(c, st, records, lambda n: 'uid={},{}'.format(n, PEOPLE),
                                    LDAP_ATTRS, single=False)
            if code:
                raise _Abort(code)  # nothing saved (the stand-in's records are atomic)
    except _Abort as exc:
        return exc.code
    for name, attrs in changed:
        sys.stdout.write('modifying entry "uid={},{}"\n\n'.format(name, PEOPLE))
    c.extra['modified'] = changed
    return 0


class _Abort(Exception):
    def __init__(self, code):
        Exception.__init__(self, 'exit {}'.format(code))
        self.code = code


# --------------------------------------------------------------------------------------
# Samba ldb tools (inside nsdc)

def _need_container(c, opts):
    if 'nethserver-dc' not in common.installed_modules():
        c.err('command not found (no local Samba AD: nethserver-dc is not installed)')
        return 127
    if os.environ.get('NS7_STANDIN_CALLER') != 'nsdc-run':
        return c.err('STAND-IN: {} exists only inside the nsdc container: run it through '
                     'nsdc-run -e -- ...'.format(c.name), 127)
    if opts.get('-H') not in (SAM_LDB, 'tdb://' + SAM_LDB):
        return c.err('Unable to open tdb \'{}\''.format(opts.get('-H')), 1)
    if any(o.startswith(('-U', '--password')) for o in opts):
        c.extra['secret_on_argv'] = True
        return c.err('STAND-IN REFUSAL: no credentials for a local sam.ldb', 2)
    return None


def _ad_dn(name):
    realm = common.get_prop('configuration', 'sssd', 'Realm', '') or 'AD.EXAMPLE.ORG'
    return 'CN={},CN=Users,{}'.format(
        name, ','.join('DC=' + p for p in realm.lower().split('.')))


def _ad_entry(name, user):
    attrs = dict((k.lower(), v) for k, v in user.get('attrs', {}).items())
    attrs.update({'samaccountname': [name], 'objectclass': ['top', 'person',
                                                            'organizationalPerson', 'user']})
    return attrs


LDB_OPTS = ('-H', '-b', '-s')


def ldbsearch(c):
    opts, pos = _options(c.args, LDB_OPTS)
    code = _need_container(c, opts)
    if code is not None:
        return code
    tree = parse_filter(pos[0] if pos else '(objectClass=*)')
    want = [a.lower() for a in pos[1:]]
    n = 0
    with provider.Store(readonly=True) as st:
        for name in sorted(st.data['users']):
            entry = _ad_entry(name, st.user(name))
            if not match(tree, entry):
                continue
            n += 1
            text = '# record {}\n'.format(n) + _line('dn', _ad_dn(name), fold=79)
            for attr, values in sorted(entry.items()):
                if want and attr not in want:
                    continue
                label = _canon(attr, AD_ATTRS + ('sAMAccountName', 'objectClass')) or attr
                text += ''.join(_line(label, v, fold=79) for v in values)
            sys.stdout.write(text + '\n')
    sys.stdout.write('# returned {0} records\n# {0} entries\n# 0 referrals\n'.format(n))
    c.extra['entries'] = n
    return 0


def ldbmodify(c):
    opts, pos = _options(c.args, LDB_OPTS)
    code = _need_container(c, opts)
    if code is not None:
        return code
    if pos:
        return c.err('the stand-in reads the LDIF from stdin only', 1)
    records = read_ldif(_read_stdin(c))
    try:
        with provider.Store() as st:
            code, changed = _modify(c, st, records, _ad_dn, AD_ATTRS, single=True)
            if code:
                raise _Abort(code)
    except _Abort as exc:
        return exc.code
    sys.stdout.write('Modified {} records successfully\n'.format(len(changed)))
    c.extra['modified'] = changed
    return 0
