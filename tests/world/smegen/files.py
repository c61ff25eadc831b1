"""Everything in the tree that is not a DB or a message: homes, ibays, ACL dump,
certificates, root's home, SQL dumps, custom templates."""

import os
import subprocess
import tempfile

from . import mail

FIXTURE_KEY = os.path.join(os.path.dirname(__file__), 'fixtures', 'sme-test-key.pem')
ADMIN, WWW, SHARED = 101, 102, 500

# (dir mode, file mode, owner is admin) per UserAccess (e-smith-ibays ibay-modify).
IBAY_MODES = {
    'wr-admin-rd-group': (0o2750, 0o640, True),
    'wr_admin_rd_group': (0o2750, 0o640, True),     # legacy value: same files as the real one
    'wr-group-rd-group': (0o2770, 0o660, False),
    'wr-group-rd-everyone': (0o2775, 0o664, False),
}


class Tree:
    """Small helpers that create with an exact mode and a numeric owner."""

    def __init__(self, root):
        self.root = root
        self.chown = os.geteuid() == 0

    def path(self, rel):
        return os.path.join(self.root, rel)

    def mkdir(self, rel, mode=0o755, uid=0, gid=0):
        p = self.path(rel)
        os.makedirs(p, exist_ok=True)
        if self.chown:
            os.chown(p, uid, gid)
        os.chmod(p, mode)        # after chown: chown may clear set-id bits
        return p

    def write(self, rel, data, mode=0o644, uid=0, gid=0):
        if isinstance(data, str):
            data = data.encode('utf-8')
        p = self.path(rel)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            os.write(fd, data)
            if self.chown:
                os.fchown(fd, uid, gid)
        finally:
            os.close(fd)
        os.chmod(p, mode)
        return p

    def symlink(self, target, rel, uid=0, gid=0):
        p = self.path(rel)
        os.symlink(target, p)
        if self.chown:
            os.lchown(p, uid, gid)


def skeleton(tree):
    for rel in ('home', 'home/e-smith', 'home/e-smith/db', 'home/e-smith/db/mysql',
                'home/e-smith/files', 'home/e-smith/files/users', 'home/e-smith/files/ibays',
                'etc', 'etc/samba', 'etc/e-smith'):
        tree.mkdir(rel)
    tree.mkdir('root', 0o550)


def home(tree, model, user, mailer):
    """files/users/<u>: 0700, the Samba home/ subfolder, .qmail, Maildir, sieve."""
    rel = 'home/e-smith/files/users/' + user.name
    uid = gid = user.uid
    tree.mkdir(rel, 0o700, uid, gid)
    tree.mkdir(rel + '/home', 0o700, uid, gid)
    tree.mkdir(rel + '/home/Documents', 0o700, uid, gid)
    tree.write(rel + '/home/notes.txt', 'Notes of {} {}\n'.format(user.first, user.last).encode(
        'utf-8', 'surrogateescape'), 0o600, uid, gid)
    tree.write(rel + '/home/Documents/report-{}.csv'.format(user.uid % 97),
               'item,qty\nwidget,{}\n'.format(user.uid), 0o600, uid, gid)
    # Generated from the accounts DB on SME; its presence lets tests check it is not copied.
    tree.write(rel + '/.qmail', '| /usr/local/bin/deliver-spam\n./Maildir/\n', 0o600, uid, gid)
    count = 0
    if user.has_maildir:
        count = mailer.maildir(tree.path(rel + '/Maildir'), user.name,
                               '{}@{}'.format(user.name, model.domain_name), user.messages,
                               uid, gid, junk=user.has_junkmail)
    if model.nethservice:
        tree.mkdir(rel + '/sieve', 0o700, uid, gid)
        tree.write(rel + '/sieve/roundcube.sieve', mail.SIEVE_SCRIPT, 0o600, uid, gid)
        tree.write(rel + '/sieve/vacation.sieve', b'require ["vacation"];\n', 0o600, uid, gid)
        tree.symlink('sieve/roundcube.sieve', rel + '/.dovecot.sieve', uid, gid)
    return count


def _ibay_owner(model, ibay, admin_owned):
    gid = WWW if ibay.group == 'admin' else SHARED if ibay.group == 'shared' else \
        next((g.gid for g in model.groups if g.name == ibay.group), ibay.gid)
    if admin_owned:
        return ADMIN, gid
    grp = model.group(ibay.group)
    member = next((model.user(m) for m in (grp.members or []) if model.user(m)), None) if grp else None
    return (member.uid if member else ADMIN), gid


def ibay(tree, model, ibay_):
    """ibays/<name>/{files,html,cgi-bin}: root-owned top, content per UserAccess."""
    rel = 'home/e-smith/files/ibays/' + ibay_.name
    dmode, fmode, admin_owned = IBAY_MODES.get(ibay_.user_access, (0o2775, 0o664, False))
    uid, gid = _ibay_owner(model, ibay_, admin_owned)
    tree.mkdir(rel, 0o755)
    for sub in ('files', 'html', 'cgi-bin'):
        tree.mkdir('{}/{}'.format(rel, sub), dmode, uid, gid)
    tree.mkdir(rel + '/files/Reports', dmode, uid, gid)
    tree.write(rel + '/files/Readme.txt', 'Shared folder {}\n'.format(ibay_.name), fmode, uid, gid)
    tree.write(rel + '/files/Reports/2014-Q1.txt', 'Q1 figures\n' * 20, fmode, uid, gid)
    tree.write(rel + '/html/index.html', '<html><body><h1>{}</h1></body></html>\n'.format(
        ibay_.name), fmode, uid, gid)
    if ibay_.cgi == 'enabled':
        tree.write(rel + '/cgi-bin/hello.cgi', '#!/bin/sh\necho Content-type: text/plain\n',
                   dmode & 0o775, uid, gid)
    return rel, uid, gid, dmode, fmode


def primary(tree):
    tree.mkdir('home/e-smith/files/ibays/Primary', 0o755)
    for sub in ('files', 'html', 'cgi-bin'):
        tree.mkdir('home/e-smith/files/ibays/Primary/' + sub, 0o2750, ADMIN, SHARED)
    tree.write('home/e-smith/files/ibays/Primary/html/index.html',
               '<html><body>Welcome</body></html>\n', 0o640, ADMIN, SHARED)
    tree.symlink('ibays/Primary', 'home/e-smith/files/primary')


def _esc(path):
    """getfacl's octal escapes for blanks, backslashes and non-printables."""
    out = []
    for b in path.encode('utf-8', 'surrogateescape'):
        out.append('\\{:03o}'.format(b) if b <= 32 or b == 92 or b >= 127 else chr(b))
    return ''.join(out)


def acl_block(path, owner, group, entries, flags=True, default=True):
    lines = ['# file: ' + _esc(path), '# owner: ' + owner, '# group: ' + group]
    if flags:
        lines.append('# flags: -s-')
    lines += entries
    if default:
        lines += ['default:' + e for e in entries]
    return '\n'.join(lines) + '\n\n'


def acls_dump(model, extra_blocks=()):
    """acls.dump: `getfacl -R -P --skip-base .` run in the ibays directory (NethService)."""
    blocks = []
    for b in model.ibays:
        group_name = 'www' if b.group == 'admin' else b.group
        grp = model.group(b.group)
        user = grp.members[0] if grp and grp.members else 'admin'
        entries = ['user::rwx', 'user:{}:rwx'.format(user), 'group::rwx',
                   'group:shared:r-x', 'mask::rwx', 'other::---']
        blocks.append(acl_block('{}/files'.format(b.name), 'admin', group_name, entries))
        blocks.append(acl_block('{}/files/Reports'.format(b.name), 'admin', group_name, entries))
    return ''.join(blocks) + ''.join(extra_blocks)


def certificates(tree, model, sha1=False):
    """ssl.key/ssl.crt/ssl.pem for the FQDN: self-signed, subject from the ldap defaults.

    The key is the committed test key; the certificate comes from `openssl ca` with fixed
    dates and serial, and PKCS#1 v1.5 signatures are deterministic: same bytes every run.
    """
    fqdn = model.fqdn
    with open(FIXTURE_KEY, 'rb') as f:
        key = f.read()
    with tempfile.TemporaryDirectory(prefix='smegen-ca-') as tmp:
        cfg = os.path.join(tmp, 'ca.cnf')
        with open(cfg, 'w') as f:
            f.write(CA_CONFIG.format(dir=tmp))
        open(os.path.join(tmp, 'index.txt'), 'w').close()
        with open(os.path.join(tmp, 'serial'), 'w') as f:
            f.write('{:06X}\n'.format(4096 + model.seed % 1000000))
        subj = '/C=--/ST=SomeState/L=Ottawa/O=XYZ Corporation/OU=Main/CN={}/emailAddress=admin@{}'.format(
            fqdn, model.domain_name)
        csr = os.path.join(tmp, 'req.csr')
        crt = os.path.join(tmp, 'out.crt')
        md = 'sha1' if sha1 else 'sha256'
        subprocess.run(['openssl', 'req', '-new', '-key', FIXTURE_KEY, '-subj', subj, '-out', csr,
                        '-' + md], check=True, capture_output=True)
        subprocess.run(['openssl', 'ca', '-batch', '-selfsign', '-notext', '-config', cfg,
                        '-keyfile', FIXTURE_KEY, '-in', csr, '-out', crt, '-md', md,
                        '-startdate', '20140513000000Z', '-enddate', '20240510000000Z'],
                       check=True, capture_output=True)
        with open(crt, 'rb') as f:
            cert = f.read()
    for d in ('ssl.key', 'ssl.crt', 'ssl.pem'):
        tree.mkdir('home/e-smith/' + d, 0o700 if d == 'ssl.key' else 0o755)
    tree.write('home/e-smith/ssl.key/{}.key'.format(fqdn), key, 0o600)
    tree.write('home/e-smith/ssl.crt/{}.crt'.format(fqdn), cert, 0o644)
    tree.write('home/e-smith/ssl.pem/{}.pem'.format(fqdn), key + cert, 0o600)


CA_CONFIG = """\
[ ca ]
default_ca = smegen
[ smegen ]
dir = {dir}
database = {dir}/index.txt
new_certs_dir = {dir}
serial = {dir}/serial
policy = anything
unique_subject = no
email_in_dn = yes
default_md = sha256
[ anything ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
emailAddress = optional
"""


def root_home(tree, model):
    tree.mkdir('root/.ssh', 0o700)
    tree.write('root/.ssh/authorized_keys',
               'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7smegen{} root@old-admin-pc\n'.format(model.seed),
               0o600)
    tree.write('root/.my.cnf', '[client]\nuser=root\npassword=mysql-{}-secret\n'.format(model.seed),
               0o600)
    tree.write('root/install.log', 'Installing e-smith-base\nInstalling e-smith-email\n'
               'Installation complete\n', 0o644)
    tree.write('root/upgrade.log', 'Upgrading to {}\ndone\n'.format(model.version), 0o644)
    tree.write('root/notes.txt', 'remember to renew the certificate\n', 0o600)


def mysql_dumps(tree, model, applications=False):
    """SME's pre-backup dumps (smegen/mysqldumps.py); returns what a correct load gives."""
    from . import mysqldumps
    files, expected = mysqldumps.dumps(model, applications)
    tree.mkdir('home/e-smith/db/mysql', 0o700)
    for name, data in sorted(files.items()):
        tree.write('home/e-smith/db/mysql/' + name, data, 0o600)
    return expected


TEMPLATES_CUSTOM = {
    'etc/e-smith/templates-custom/etc/smb.conf/10recyclebin':
        '# custom: keep deleted files for a week\n{ "" }\n',
    'etc/e-smith/templates-custom/var/service/qpsmtpd/config/peers/0/10greylisting':
        'greylisting black_timeout 300\n',
    'etc/e-smith/templates-custom/var/qmail/users/assign/70pseudonyms':
        '{\n    # custom pseudonym expansion\n    $OUT = "";\n}\n',
    'etc/e-smith/templates-user-custom/.qmail/80custom': '# deliver a copy to the archive\n',
}


def templates_custom(tree):
    for rel, text in TEMPLATES_CUSTOM.items():
        tree.mkdir(os.path.dirname(rel))
        tree.write(rel, text, 0o644)


def etc_misc(tree, model):
    tree.write('etc/sudoers', 'root\tALL=(ALL) ALL\n', 0o440)
