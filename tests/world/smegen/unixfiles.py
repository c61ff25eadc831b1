"""etc/passwd, shadow, group, gshadow, samba/smbpasswd and the LDAP dump, SME-shaped.

System lines are those of the real SME 7 passwd/group in sme-samples/e-smith-backup-1.15.0;
accounts follow in creation (uid) order, like useradd appends them.
"""

import base64
import hashlib

from . import hashes
from .model import EPOCH

SYSTEM_PASSWD = """\
root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
mail:x:8:12:mail:/var/spool/mail:/sbin/nologin
nobody:x:99:99:Nobody:/:/sbin/nologin
mysql:x:27:27:MySQL Server:/var/lib/mysql:/bin/bash
apache:x:48:48:Apache:/var/www:/bin/false
ldap:x:55:55:LDAP User:/var/lib/ldap:/bin/false
sshd:x:74:74:Privilege-separated SSH:/var/empty/sshd:/sbin/nologin
www:x:100:101:e-smith web server:/home/e-smith:/bin/false
admin:x:101:101:e-smith administrator:/home/e-smith:/sbin/e-smith/console
public:x:102:103:e-smith guest:/home/e-smith:/bin/false
alias:x:400:400::/var/qmail/alias:/bin/false
qmaild:x:401:400::/var/qmail:/bin/false
qmaill:x:402:400::/var/qmail:/bin/false
qmailp:x:403:400::/var/qmail:/bin/false
qmailq:x:404:401::/var/qmail:/bin/false
qmailr:x:405:401::/var/qmail:/bin/false
qmails:x:406:401::/var/qmail:/bin/false
spamd:x:1005:1005:spamassassin daemon user:/var/service/spamd:/bin/false
"""
# SME 8 forces apache onto www's uid/gid 102 with -o: duplicate numeric ids in passwd.
SME8_APACHE = 'apache:x:102:102:Apache:/var/www:/bin/false\n'

SYSTEM_GROUPS = (
    ('root', 0, 'root,admin'), ('bin', 1, 'root,bin,daemon'), ('daemon', 2, 'root,bin,daemon'),
    ('sys', 3, 'root,bin,adm'), ('adm', 4, 'root,adm,daemon'), ('tty', 5, ''), ('disk', 6, 'root'),
    ('lp', 7, 'daemon,lp'), ('wheel', 10, 'root'), ('mail', 12, 'mail'), ('mysql', 27, ''),
    ('apache', 48, ''), ('ldap', 55, ''), ('sshd', 74, ''), ('nobody', 99, ''), ('users', 100, ''),
)


def _visible_accounts(model):
    """Users and groups that live in the Unix files (none of them with LDAP auth)."""
    users = [] if model.ldap_auth else [u for u in model.users if u.in_passwd]
    groups = [] if model.ldap_auth else [g for g in model.groups if g.has_ids]
    return users, groups


def passwd(model):
    lines = [SYSTEM_PASSWD]
    if model.version in ('8', '9', 'nethservice'):
        lines[0] = lines[0].replace('apache:x:48:48:Apache:/var/www:/bin/false\n', SME8_APACHE)
    users, groups = _visible_accounts(model)
    entries = []
    for u in users:
        entries.append((u.uid, '{0}:x:{1}:{1}:{2} {3}:/home/e-smith/files/users/{0}:{4}\n'.format(
            u.name, u.uid, u.first, u.last, u.props.get('Shell', '/usr/bin/rssh'))))
    for g in groups:
        entries.append((g.uid, '{0}:x:{1}:{2}:{3}:/home/e-smith:/bin/false\n'.format(
            g.name, g.uid, g.gid, g.description or '')))
    for b in model.ibays:
        entries.append((b.uid, '{0}:x:{1}:{1}:{2}:/home/e-smith/files/ibays/{0}/files:/bin/false\n'
                        .format(b.name, b.uid, b.description)))
    for i, m in enumerate(model.machines):
        entries.append((4900 + i, '{0}:x:{1}:{1}:Hostname account for {0}:/noexistingpath:/bin/false\n'
                        .format(m, 4900 + i)))
    lines += [line for _, line in sorted(entries, key=lambda e: e[0])]
    return ''.join(lines)


def _shadow_field(state, hash_):
    return {'active': hash_, 'locked': '!' + hash_, 'never': '!!'}[state]


def shadow(model):
    days = EPOCH // 86400
    sys_hash = hashes.md5_crypt(model.admin_password, model.admin_salt)
    lines = []
    for line in passwd(model).splitlines():
        name, _, uid = line.split(':')[:3]
        if name in ('root', 'admin'):
            field = sys_hash             # setUnixSystemPassword: root and admin share it
        else:
            field = '*' if int(uid) < 5000 and not name.endswith('$') else '!!'
        lines.append([name, field])
    by_name = {u.name: u for u in model.users}
    ibays = {b.name: b for b in model.ibays}
    for entry in lines:
        if entry[0] in by_name:
            u = by_name[entry[0]]
            entry[1] = u.shadow_field or _shadow_field(u.state, u.hash)
        elif entry[0] in ibays and ibays[entry[0]].password:
            b = ibays[entry[0]]
            entry[1] = hashes.md5_crypt(b.password, b.salt)
    return ''.join('{}:{}:{}:0:99999:7:::\n'.format(n, f, days) for n, f in lines)


def _group_table(model):
    """(name, gid, members) like SME's useradd/usermod leave /etc/group."""
    users, groups = _visible_accounts(model)
    ibays_by_group = {}
    for b in model.ibays:
        ibays_by_group.setdefault(b.group, []).append(b.name)
    table = [list(g) for g in SYSTEM_GROUPS]
    table.append(['admin', 101, ','.join(['www'] + ibays_by_group.get('admin', []))])
    table.append(['www', 102, 'admin'])
    table.append(['public', 103, ''])
    table.append(['nofiles', 400, ''])
    table.append(['qmail', 401, ''])
    shared = ['public', 'admin', 'www'] + [u.name for u in users] + [b.name for b in model.ibays]
    table.append(['shared', 500, ','.join(shared)])
    table.append(['spamd', 1005, ''])
    entries = [(u.uid, [u.name, u.gid, '']) for u in users]
    known = {u.name for u in users}
    for g in groups:
        # usermod only adds accounts that exist, once: the DB's Members may say more.
        members = ['admin', 'www']
        for m in (g.members or []) + ibays_by_group.get(g.name, []):
            if m not in members and (m in known or m in ibays_by_group.get(g.name, [])):
                members.append(m)
        entries.append((g.gid, [g.name, g.gid, ','.join(members)]))
    entries += [(b.gid, [b.name, b.gid, '']) for b in model.ibays]
    entries += [(4900 + i, [m, 4900 + i, '']) for i, m in enumerate(model.machines)]
    table += [row for _, row in sorted(entries, key=lambda e: e[0])]
    return table


def group(model):
    return ''.join('{}:x:{}:{}\n'.format(n, gid, m) for n, gid, m in _group_table(model))


def gshadow(model):
    return ''.join('{}:!::{}\n'.format(n, m) for n, _, m in _group_table(model))


def _lm_placeholder(password):
    # The real LM hash needs DES; nothing we migrate uses LM (AD keeps the NT hash), so
    # this column has the right shape (32 upper-case hex) but is not LM(password).
    return hashlib.md5(b'LM:' + password.encode('utf-8')).hexdigest().upper()


def smbpasswd(model):
    lct = 'LCT-{:08X}'.format(EPOCH)
    nopw = 'X' * 32

    def line(name, uid, lm, nt, flags):
        return '{}:{}:{}:{}:[{:<11}]:{}:\n'.format(name, uid, lm, nt, flags, lct)
    out = [line('admin', 101, _lm_placeholder(model.admin_password),
                hashes.nt_hash(model.admin_password), 'U')]
    if not model.ldap_auth:           # ldapsam: smbpasswd holds no users
        for u in model.users:
            if u.state == 'never':     # smbpasswd -a -d: entry, D flag, no hashes yet
                lm, nt, flags = nopw, nopw, 'UD'
            else:                      # user-lock sets D and leaves the hashes
                lm, nt = _lm_placeholder(u.password), hashes.nt_hash(u.password)
                flags = 'U' if u.state == 'active' else 'UD'
            if u.smb_hashes:
                lm, nt = u.smb_hashes
            out.append(line(u.name, u.uid, lm, nt, u.smb_flags or flags))
    for i, m in enumerate(model.machines):
        out.append(line(m, 4900 + i, nopw, hashes.nt_hash(m), 'W'))
    return ''.join(out)


def ldif(model):
    """home/e-smith/db/ldap/ldif as ldap-dump (slapcat) writes it: userPassword base64."""
    base = ','.join('dc=' + p for p in model.domain_name.split('.'))
    out = ['dn: {}\nobjectClass: dcObject\nobjectClass: organization\ndc: {}\no: XYZ Corporation\n'
           .format(base, model.domain_name.split('.')[0])]
    out.append('dn: ou=Users,{0}\nobjectClass: organizationalUnit\nou: Users\n'.format(base))
    out.append('dn: ou=Groups,{0}\nobjectClass: organizationalUnit\nou: Groups\n'.format(base))
    for u in model.users:
        crypt = '{CRYPT}' + ('!' if u.state != 'active' else '') + u.hash
        b64 = base64.b64encode(crypt.encode('ascii')).decode('ascii')
        flags = '[U          ]' if u.state == 'active' else '[UD         ]'
        out.append(
            'dn: uid={u},ou=Users,{b}\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n'
            'objectClass: shadowAccount\nobjectClass: sambaSamAccount\nuid: {u}\ncn: {f} {l}\n'
            'givenName: {f}\nsn: {l}\nmail: {u}@{d}\nuidNumber: {n}\ngidNumber: {n}\n'
            'homeDirectory: /home/e-smith/files/users/{u}\nloginShell: /usr/bin/rssh\n'
            'userPassword:: {p}\nsambaNTPassword: {nt}\nsambaAcctFlags: {fl}\n'
            'sambaSID: S-1-5-21-1-2-3-{r}\n'.format(
                u=u.name, b=base, f=u.first, l=u.last, d=model.domain_name, n=u.uid, p=b64,
                nt=hashes.nt_hash(u.password), fl=flags, r=u.uid * 2 + 1000))
    for g in model.groups:
        members = ''.join('memberUid: {}\n'.format(m) for m in (g.members or []))
        out.append('dn: cn={g},ou=Groups,{b}\nobjectClass: posixGroup\ncn: {g}\n'
                   'gidNumber: {n}\ndescription: {desc}\n{m}'.format(
                       g=g.name, b=base, n=g.gid, desc=g.description or '', m=members))
    return '\n'.join(out)
