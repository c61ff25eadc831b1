"""The accounts provider's store (stand-in for OpenLDAP / Samba AD) and its NSS view.

The store is one JSON file, /var/lib/ns7-standin/provider.json (the "directory": user
attributes, password field, lock state, group members as the provider holds them).  After
every change it is rendered for NSS into /var/lib/extrausers/{passwd,group,shadow}, which
Debian's libnss-extrausers serves (nsswitch: ``passwd: files extrausers``).  The local
/etc/passwd and /etc/group hold only NethServer's system accounts, as on a real NS7.

What NSS shows, and how it differs from sssd on a real NS7:

* Each provider account is rendered twice, long name first: ``jdoe@example.org`` then a
  short alias ``jdoe`` with the same uid.  So ``getent passwd 1001``, ``stat``, ``ls -l``
  and ``id jdoe@example.org`` answer the long name like NS7, and ``getent passwd jdoe``
  resolves.  LIMITATIONS of files-based NSS: a short-name query returns the SHORT entry
  (sssd would answer ``jdoe@example.org``); enumeration (``getent passwd``) lists every
  provider account twice; group member lists hold long names only, so ``id jdoe``
  (short) shows no supplementary groups while ``id jdoe@example.org`` does; lookups are
  case-sensitive (AD is not).
* Home ``/var/lib/nethserver/home/<short>``; shell ``/bin/bash`` while the ``sssd``
  ``ShellOverrideStatus`` is enabled (the stored loginShell is kept in the store).
* LDAP: ids from 1000 up (first free among provider and local accounts), primary group
  ``locals``.  AD: id-mapped numbers ``261600000 + RID``, primary group ``domain users``.
* LDAP group members are stored verbatim (``memberUid``); a member that is not exactly
  an existing user name resolves to nothing and is not shown, as with sssd.
"""

import fcntl
import json
import os
import re

from . import common

STORE = common.STATE_DIR + '/provider.json'
EXTRAUSERS = '/var/lib/extrausers'
HOME_BASE = '/var/lib/nethserver/home'
AD_ID_BASE = 261600000
SFTP_SHELL = '/usr/libexec/openssh/sftp-server'

AD_BUILTIN_GROUPS = [
    ('enterprise read-only domain controllers', 498), ('domain admins', 512),
    ('domain users', 513), ('domain guests', 514), ('domain computers', 515),
    ('domain controllers', 516), ('cert publishers', 517), ('schema admins', 518),
    ('enterprise admins', 519), ('group policy creator owners', 520),
    ('read-only domain controllers', 521), ('ras and ias servers', 553),
    ('allowed rodc password replication group', 571),
    ('denied rodc password replication group', 572), ('dnsadmins', 1101),
    ('dnsupdateproxy', 1102),
]


class ProviderError(Exception):
    pass


def short(name):
    return name.split('@', 1)[0]


def empty_store(kind, domain):
    return {'kind': kind, 'domain': domain, 'users': {}, 'groups': {}, 'next_rid': 1103}


# --------------------------------------------------------------------------------------
# Store access

class Store(object):
    """``with Store() as st:`` locked load, modify ``st.data``, save + render on exit."""

    def __init__(self, root=None, readonly=False):
        self.root = root
        self.readonly = readonly

    def __enter__(self):
        p = common.path(STORE, self.root)
        self.fd = os.open(p + '.lock', os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        with open(p) as f:
            self.data = json.load(f)
        self.before = json.dumps(self.data, sort_keys=True)
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if not self.readonly and exc_type is None \
                    and json.dumps(self.data, sort_keys=True) != self.before:
                save(self.data, self.root)
        finally:
            os.close(self.fd)
        return False

    # helpers --------------------------------------------------------------------------
    @property
    def kind(self):
        return self.data['kind']

    @property
    def is_ad(self):
        return self.data['kind'] in ('ad', 'remote-ad')

    def user(self, name):
        return self.data['users'].get(name)

    def group(self, name):
        return self.data['groups'].get(name)

    def group_key(self, name):
        """The stored name of group NAME; AD names are case-insensitive ("Domain Admins")."""
        if name in self.data['groups'] or not self.is_ad:
            return name
        for key in self.data['groups']:
            if key.lower() == name.lower():
                return key
        return name

    def primary_group(self):
        return 'domain users' if self.is_ad else 'locals'

    def _local_ids(self, fname):
        ids = set()
        try:
            with open(common.path(fname, self.root)) as f:
                for line in f:
                    parts = line.split(':')
                    if len(parts) > 2 and parts[2].isdigit():
                        ids.add(int(parts[2]))
        except FileNotFoundError:
            pass
        return ids

    def next_ldap_id(self, what):
        if what == 'user':
            used = {u['uid'] for u in self.data['users'].values()} | self._local_ids('/etc/passwd')
        else:
            used = {g['gid'] for g in self.data['groups'].values()} | self._local_ids('/etc/group')
        n = 1000
        while n in used:
            n += 1
        return n

    def next_rid(self):
        rid = self.data['next_rid']
        self.data['next_rid'] = rid + 1
        return rid

    # operations -----------------------------------------------------------------------
    def add_group(self, name, gid=None, members=()):
        if name in self.data['groups']:
            raise ProviderError('group {} already exists'.format(name))
        if gid is None:
            gid = AD_ID_BASE + self.next_rid() if self.is_ad else self.next_ldap_id('group')
        self.data['groups'][name] = {'gid': gid, 'members': list(members)}
        return self.data['groups'][name]

    def add_user(self, name, fullname='', shell=SFTP_SHELL, uid=None, password=None,
                 enabled=True):
        if name in self.data['users']:
            raise ProviderError('user {} already exists'.format(name))
        pg = self.primary_group()
        if pg not in self.data['groups']:
            self.add_group(pg)      # libuser creates ``locals`` on the first luseradd
        if uid is None:
            uid = AD_ID_BASE + self.next_rid() if self.is_ad else self.next_ldap_id('user')
        user = {'uid': uid, 'fullname': fullname, 'shell': shell}
        if self.is_ad:
            user.update({'enabled': enabled, 'password': password or 'random',
                         'must_change': password is None})
        else:
            user.update({'password': password or '{CRYPT}!!'})
        self.data['users'][name] = user
        return user


def load(root=None):
    with open(common.path(STORE, root)) as f:
        return json.load(f)


def is_locked(user):
    if 'enabled' in user:
        return not user['enabled']
    return bool(re.match(r'\{CRYPT\}!', user.get('password', '')))


def _ascii(text):
    return ''.join(c for c in text if 0x20 <= ord(c) < 0x7f)


def save(data, root=None):
    p = common.path(STORE, root)
    tmp = p + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.chmod(tmp, 0o600)
    os.rename(tmp, p)
    render(data, root)


def _shell_override(root):
    return common.get_prop('configuration', 'sssd', 'ShellOverrideStatus', 'enabled',
                           root) == 'enabled'


def render(data, root=None):
    """Write the NSS view (extrausers) of the store."""
    dom = data['domain']
    groups = data['groups']
    users = data['users']
    pg = groups.get('domain users' if data['kind'] in ('ad', 'remote-ad') else 'locals')
    override = _shell_override(root)
    passwd, shadow, group = [], [], []
    for name, u in sorted(users.items(), key=lambda kv: (kv[1]['uid'], kv[0])):
        gid = u.get('gid', pg['gid'] if pg else 100)
        gecos = _ascii(u.get('fullname') or '').replace(':', ' ')
        shell = '/bin/bash' if override else (u.get('shell') or '/bin/bash')
        home = '{}/{}'.format(HOME_BASE, name)
        for n in ('{}@{}'.format(name, dom), name):
            passwd.append('{}:*:{}:{}:{}:{}:{}\n'.format(n, u['uid'], gid, gecos, home, shell))
            shadow.append('{}:*:::::::\n'.format(n))
    for name, g in sorted(groups.items(), key=lambda kv: (kv[1]['gid'], kv[0])):
        members = ['{}@{}'.format(m, dom) for m in g['members'] if m in users]
        for n in ('{}@{}'.format(name, dom), name):
            group.append('{}:*:{}:{}\n'.format(n, g['gid'], ','.join(members)))
    d = common.path(EXTRAUSERS, root)
    os.makedirs(d, exist_ok=True)
    for fname, lines, mode in (('passwd', passwd, 0o644), ('group', group, 0o644),
                               ('shadow', shadow, 0o640)):
        tmp = os.path.join(d, fname + '.tmp')
        with open(tmp, 'w') as f:
            f.write(''.join(lines))
        os.chmod(tmp, mode)
        os.rename(tmp, os.path.join(d, fname))


# --------------------------------------------------------------------------------------
# Profiles (host side, at sandbox creation; ad_builtins also by the stand-in classicupgrade)

def ad_builtins(st, administrator_enabled=False):
    """What a Samba provisioning creates: the built-in groups, administrator (RID 500,
    locked by nethserver-dc-createadmins on a new domain), guest and krbtgt."""
    for gname, rid in AD_BUILTIN_GROUPS:
        st.add_group(gname, gid=AD_ID_BASE + rid)
    for uname, rid, enabled in (('administrator', 500, administrator_enabled),
                                ('guest', 501, False), ('krbtgt', 502, False)):
        st.add_user(uname, '', uid=AD_ID_BASE + rid, enabled=enabled)
    st.group('domain admins')['members'].append('administrator')
    for g in ('schema admins', 'enterprise admins', 'group policy creator owners'):
        st.group(g)['members'].append('administrator')
    st.group('domain guests')['members'].append('guest')


def seed(kind, domain, root=None, remote_users=None, remote_groups=None):
    """The provider's built-in accounts (ns7-destination.md §3.4)."""
    data = empty_store(kind, domain)
    os.makedirs(os.path.dirname(common.path(STORE, root)), exist_ok=True)
    with open(common.path(STORE, root), 'w') as f:
        json.dump(data, f)
    with Store(root) as st:
        if kind == 'ldap':
            st.add_user('admin', 'admin')                      # creates locals (1000)
            st.add_group('domain admins', members=['admin'])
        elif kind in ('ad', 'remote-ad'):
            ad_builtins(st)
            if kind == 'ad':
                st.add_user('ldapservice', 'ldapservice')     # RID 1103
                st.add_user('admin', 'NethServer Administrator', enabled=False)
                st.group('domain admins')['members'].append('admin')
            for uname, full in sorted((remote_users or {}).items()):
                st.add_user(uname, full, shell='/bin/bash')
                st.user(uname)['must_change'] = False
            for gname, members in sorted((remote_groups or {}).items()):
                if st.group(gname) is None:
                    st.add_group(gname)
                st.group(gname)['members'] = list(members)
        st.data['users'] = st.data['users']
    # Always render, even when nothing was added (provider "none").
    render(load(root), root)
