"""smegen: deterministic SME Server 7/8/9 and NethService source trees for tests.

    from tests.world.smegen import generate
    manifest = generate('/tmp/sme', seed=1, version='9', users=20, messages=5)
    manifest['users']['jsmith']['uid']

The tree is laid out as an exploded smeserver.tgz (home/e-smith, etc/..., root/).  The
same arguments give the same bytes, modes, owners and link targets every time.  The
returned manifest (a JSON-serialisable dict) is what tests of the migration expect.
Runs as root to set the SME numeric owners; as another user it writes the same tree
without chown (manifest['owned'] is then False).
"""

import importlib.util
import os
import sys

# Outside pytest (the CLI, bench/generate) the library is not on sys.path yet: it lives
# where the RPM installs it from, root/usr/lib/python3.6/site-packages.
if importlib.util.find_spec('nethserver_migration') is None:
    sys.path.insert(0, os.path.abspath(os.path.join(
        os.path.dirname(__file__), '..', '..', '..', 'root/usr/lib/python3.6/site-packages')))

from . import corner, dbs, files, model as model_mod, unixfiles  # noqa: E402
from .mail import MailWriter  # noqa: E402
from .model import ROLES, VERSIONS  # noqa: E402

__all__ = ['generate', 'VERSIONS', 'ROLES']


def generate(dest_dir, seed=1, version='9', users=10, groups=3, ibays=3, pseudonyms=5,
             domains=2, networks=2, hosts=5, messages=5, corner_cases=False,
             ldap_auth=False, role='WS', ibay_access=None, databases=False):
    """Write an SME source tree into dest_dir (created; must be empty) and return its
    manifest.  Sizes: users/groups/ibays/pseudonyms (extra, beyond the built-in and the
    automatic first.last ones) / domains (total, primary included) / networks (trusted,
    beyond the local one) / hosts (host records) / messages (per mailbox, admin's too).
    ibay_access: [(group index or 'shared'/'admin', UserAccess)] fixes the first ibays'.
    databases: MySQL application databases and their accounts beside SME's own (without:
    the mysql system database's dump alone, root and the anonymous accounts)."""
    version = str(version)
    if version not in VERSIONS:
        raise ValueError('version must be one of {}'.format(', '.join(VERSIONS)))
    if role not in ROLES:
        raise ValueError('role must be one of {}'.format(', '.join(ROLES)))
    if ldap_auth and version == '7':
        raise ValueError('ldap_auth needs SME 8 or later (ldap{Authentication} is 8+)')
    sizes = dict(users=users, groups=groups, ibays=ibays, pseudonyms=pseudonyms,
                 domains=domains, networks=networks, hosts=hosts, messages=messages)
    for name, value in sizes.items():
        if value < 0:
            raise ValueError('{} must be >= 0'.format(name))
    os.makedirs(dest_dir, exist_ok=True)
    if os.listdir(dest_dir):
        raise ValueError('{} is not empty'.format(dest_dir))
    # Modes are part of the output: the caller's umask must not change them.
    old_umask = os.umask(0)
    try:
        return _generate(os.path.abspath(dest_dir), seed, version, role, ldap_auth,
                         corner_cases, sizes, ibay_access, databases)
    finally:
        os.umask(old_umask)


def _generate(dest, seed, version, role, ldap_auth, corner_cases, sizes, ibay_access=None,
              databases=False):
    m, rng = model_mod.build(seed, version, role, ldap_auth,
                             extra_accounts=corner.accounts if corner_cases else None,
                             ibay_access=ibay_access, **sizes)
    raw, patches = corner.model_extras(m) if corner_cases else ({}, {})
    tree = files.Tree(dest)
    files.skeleton(tree)
    db_names = dbs.write_all(dest, m, raw, patches)

    mailer = MailWriter(m, rng)
    mailboxes = {'admin': mailer.maildir(tree.path('home/e-smith/Maildir'), 'admin',
                                         'admin@' + m.domain_name, m.admin_messages, 101, 101)}
    for user in m.users:
        if user.has_home:
            mailboxes[user.name] = files.home(tree, m, user, mailer)
    ibay_info = {b.name: files.ibay(tree, m, b) for b in m.ibays}
    files.primary(tree)
    acl_extra = corner.files(tree, m) if corner_cases else []
    if m.nethservice:
        data = files.acls_dump(m, acl_extra).encode('utf-8', 'surrogateescape')
        tree.write('home/e-smith/db/acls.dump', data, 0o600)
    _unix_files(tree, m)
    files.certificates(tree, m, sha1=version in ('7', '8'))
    files.root_home(tree, m)
    mysql = files.mysql_dumps(tree, m, databases)
    files.templates_custom(tree)
    files.etc_misc(tree, m)
    manifest = _manifest(m, mailer, mailboxes, ibay_info, db_names, tree.chown,
                         corner_cases, sizes)
    manifest['mysql'] = mysql
    return manifest


def _unix_files(tree, m):
    enc = 'surrogateescape'
    tree.write('etc/passwd', unixfiles.passwd(m).encode('utf-8', enc), 0o644)
    tree.write('etc/shadow', unixfiles.shadow(m).encode('utf-8', enc), 0o400)
    tree.write('etc/group', unixfiles.group(m).encode('utf-8', enc), 0o644)
    tree.write('etc/gshadow', unixfiles.gshadow(m).encode('utf-8', enc), 0o400)
    tree.write('etc/samba/smbpasswd', unixfiles.smbpasswd(m), 0o600)
    if m.version == '7':      # SME 7's backup list still holds etc/smbpasswd (a link)
        tree.symlink('samba/smbpasswd', 'etc/smbpasswd')
    if m.ldap_auth:
        tree.mkdir('home/e-smith/db/ldap', 0o750)
        tree.write('home/e-smith/db/ldap/ldif', unixfiles.ldif(m).encode('utf-8', enc), 0o600)


def _text(value):
    """Names as a reader decodes them: UTF-8, else Latin-1 (esmithdb's rule)."""
    if value is None:
        return None
    raw = value.encode('utf-8', 'surrogateescape')
    try:
        return raw.decode('utf-8')
    except UnicodeDecodeError:
        return raw.decode('latin-1')


def _manifest(m, mailer, mailboxes, ibay_info, db_names, owned, corner_cases, sizes):
    users = {}
    for u in m.users:
        locked = (u.state != 'active' or bool(u.shadow_field.startswith('!'))
                  or 'D' in u.smb_flags or u.props.get('PasswordSet') == 'no')
        users[u.name] = {
            'uid': u.uid, 'gid': u.gid, 'first': _text(u.first), 'last': _text(u.last),
            'password': u.password, 'state': u.state, 'locked': locked,
            'home': u.has_home, 'maildir': u.has_home and u.has_maildir,
            'in_passwd': u.in_passwd and not m.ldap_auth,
            'messages': mailboxes.get(u.name, 0) if u.has_maildir else 0,
            'folders': {f or 'INBOX': c for f, c in u.messages.items()}
            if u.has_home and u.has_maildir else {},
        }
    ibays = {}
    for b in m.ibays:
        rel, uid, gid, dmode, fmode = ibay_info[b.name]
        ibays[b.name] = {'uid': b.uid, 'gid': b.gid, 'name': _text(b.description),
                         'group': b.group, 'user_access': b.user_access,
                         'public_access': b.public_access, 'password': b.password or None,
                         'path': rel, 'owner': uid, 'group_gid': gid,
                         'dir_mode': oct(dmode), 'file_mode': oct(fmode)}
    return {
        'seed': m.seed, 'version': m.version, 'release': model_mod.RELEASE[m.version],
        'role': m.role, 'ldap_auth': m.ldap_auth, 'owned': owned, 'sizes': sizes,
        'system_name': m.system_name, 'domain_name': m.domain_name, 'fqdn': m.fqdn,
        'admin_password': m.admin_password,
        'users': users,
        'groups': {g.name: {'gid': g.gid if g.has_ids else None, 'description': _text(g.description),
                            'members': list(g.members) if g.members is not None else None}
                   for g in m.groups},
        'ibays': ibays,
        'pseudonyms': {p.key: p.account for p in m.pseudonyms},
        'domains': [d['key'] for d in m.domains],
        'hosts': [h['key'] for h in m.hosts],
        'networks': [n['key'] for n in m.networks],
        'machines': list(m.machines),
        'dbs': db_names,
        'mailboxes': mailboxes,
        'messages_total': mailer.messages,
        'bytes_total': mailer.bytes,
        'message_sizes': mailer.sizes,
        'corner_cases': sorted(corner.COVERED) if corner_cases else list(corner.ALWAYS),
        'corner_notes': m.corner_notes,
    }
