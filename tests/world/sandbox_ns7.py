"""The stand-in NethServer 7's initial state, written into a sandbox's root-fs.

ns7-destination.md is the reference: §1 DBs (data file ns7/data/defaults), §3 accounts
providers, §4 paths and modes, §5 system users and groups.  ``build(sandbox)`` is called by
``Sandbox.__init__``; everything here runs on the host, writing below sandbox.root.
"""

import os
import shutil
import sys
import time

from nethserver_migration import esmithdb

HERE = os.path.dirname(os.path.abspath(__file__))
NS7_DIR = os.path.join(HERE, 'ns7')
STANDIN_USR = os.path.join(NS7_DIR, 'usr')
STANDIN_LIB = os.path.join(STANDIN_USR, 'lib', 'ns7-standin')
DATA = os.path.join(NS7_DIR, 'data')

if STANDIN_LIB not in sys.path:
    sys.path.insert(0, STANDIN_LIB)


def _precompile():
    """Byte-compile the stand-in once on the host: the sandbox's /usr is read-only, so
    Debian's python3 (same 3.11 bytecode) would otherwise recompile on every call."""
    import compileall
    import io
    import contextlib
    with contextlib.redirect_stdout(io.StringIO()):
        compileall.compile_dir(os.path.join(STANDIN_LIB, 'ns7standin'), quiet=2)


_precompile()

from ns7standin import common as ns7common      # noqa: E402
from ns7standin import events as ns7events      # noqa: E402
from ns7standin import provider as ns7provider  # noqa: E402

PROVIDERS = ('ldap', 'ad', 'remote-ad', 'none')

# Installed on every NS7 (the ISO's base + what nethserver-base pulls in).
BASE_MODULES = ('nethserver-base', 'nethserver-lib', 'nethserver-sssd',
                'nethserver-firewall-base', 'nethserver-httpd', 'nethserver-httpd-admin',
                'nethserver-openssh', 'nethserver-ntp', 'nethserver-dnsmasq',
                'nethserver-hosts', 'nethserver-backup-config')
PROVIDER_MODULES = {'ldap': ('nethserver-directory',), 'ad': ('nethserver-dc',),
                    'remote-ad': (), 'none': ()}
# What a sandbox gets when the test does not say (modules=None).
DEFAULT_MODULES = ('nethserver-samba', 'nethserver-mail-server', 'nethserver-mail-filter')
REQUIRES = {
    'nethserver-mail-server': ('nethserver-mail-common', 'nethserver-mail-smarthost'),
    'nethserver-mail-filter': ('nethserver-mail-common',),
    'nethserver-mail-getmail': ('nethserver-mail-common',),
    'nethserver-mail-ipaccess': ('nethserver-mail-server',),
    'nethserver-sogo': ('nethserver-mysql',),
    'nethserver-samba-audit': ('nethserver-samba', 'nethserver-mysql'),
}

ROOT_HASH = '$6$ns7standin$WL2FSapHDswrPOp.2N2fSq.YQqM5dt.ENpuw11rUf9uP8Fgwx7pcQkGUenB48hJm.DP7Y9BDknbw0Bl2bNB9b/'  # "Nethesis,1234", NS7's default


def resolve_modules(provider, modules):
    wanted = list(BASE_MODULES) + list(PROVIDER_MODULES[provider])
    wanted += list(DEFAULT_MODULES if modules is None else modules)
    out = []
    while wanted:
        m = wanted.pop(0)
        if m not in out:
            out.append(m)
            wanted += list(REQUIRES.get(m, ()))
    return sorted(out)


# --------------------------------------------------------------------------------------
# §5 system users and groups.  uid/gid None = dynamic (useradd -r: downwards from 999 in
# install order).  "when" = the module that brings it (None = always).

SYSTEM_GROUPS = [
    # name, gid, members, when
    ('root', 0, '', None), ('bin', 1, '', None), ('daemon', 2, '', None),
    ('sys', 3, '', None), ('adm', 4, 'srvmgr', None), ('tty', 5, '', None),
    ('disk', 6, '', None), ('lp', 7, '', None), ('mem', 8, '', None), ('kmem', 9, '', None),
    ('wheel', 10, '', None), ('cdrom', 11, '', None), ('mail', 12, 'postfix', None),
    ('man', 15, '', None), ('uucp', 14, '', 'nethserver-hylafax'), ('dialout', 18, '', None), ('floppy', 19, '', None),
    ('games', 20, '', None), ('tape', 33, '', None), ('video', 39, '', None),
    ('ftp', 50, '', None), ('lock', 54, '', None), ('audio', 63, '', None),
    ('nobody', 99, '', None), ('users', 100, '', None), ('utmp', 22, '', None),
    ('utempter', 35, '', None), ('input', None, '', None),
    ('systemd-journal', 190, '', None), ('systemd-network', 192, '', None),
    ('dbus', 81, '', None), ('polkitd', None, '', None), ('ssh_keys', None, '', None),
    ('tss', 59, '', None), ('sshd', 74, '', None), ('postdrop', 90, '', None),
    ('postfix', 89, '', None), ('apache', 48, '', None), ('chrony', None, '', None),
    ('srvmgr', None, '', None), ('rpc', 32, '', None), ('rpcuser', 29, '', None),
    ('nfsnobody', 65534, '', None),
    ('ldap', 55, '', 'nethserver-directory'),
    ('dovecot', 97, '', 'nethserver-mail-server'),
    ('dovenull', None, '', 'nethserver-mail-server'),
    ('vmail', None, 'postfix', 'nethserver-mail-common'),
    ('opendkim', None, '', 'nethserver-mail-server'),
    ('_rspamd', None, '', 'nethserver-mail-filter'),
    ('redis', None, '', 'nethserver-mail-filter'),
    ('clamupdate', None, '', 'nethserver-mail-filter'),
    ('clamscan', None, '', 'nethserver-mail-filter'),
    ('mysql', 27, '', 'nethserver-mysql'),
]

SYSTEM_USERS = [
    # name, uid, primary group, gecos, home, shell, when
    ('root', 0, 'root', 'root', '/root', '/bin/bash', None),
    ('bin', 1, 'bin', 'bin', '/bin', '/sbin/nologin', None),
    ('daemon', 2, 'daemon', 'daemon', '/sbin', '/sbin/nologin', None),
    ('adm', 3, 'adm', 'adm', '/var/adm', '/sbin/nologin', None),
    ('lp', 4, 'lp', 'lp', '/var/spool/lpd', '/sbin/nologin', None),
    ('sync', 5, 'root', 'sync', '/sbin', '/bin/sync', None),
    ('shutdown', 6, 'root', 'shutdown', '/sbin', '/sbin/shutdown', None),
    ('halt', 7, 'root', 'halt', '/sbin', '/sbin/halt', None),
    ('mail', 8, 'mail', 'mail', '/var/spool/mail', '/sbin/nologin', None),
    ('uucp', 10, 'uucp', 'uucp', '/var/spool/uucp', '/sbin/nologin', 'nethserver-hylafax'),
    ('operator', 11, 'root', 'operator', '/root', '/sbin/nologin', None),
    ('games', 12, 'users', 'games', '/usr/games', '/sbin/nologin', None),
    ('ftp', 14, 'ftp', 'FTP User', '/var/ftp', '/sbin/nologin', None),
    ('nobody', 99, 'nobody', 'Nobody', '/', '/sbin/nologin', None),
    ('systemd-network', 192, 'systemd-network', 'systemd Network Management', '/',
     '/sbin/nologin', None),
    ('dbus', 81, 'dbus', 'System message bus', '/', '/sbin/nologin', None),
    ('polkitd', None, 'polkitd', 'User for polkitd', '/', '/sbin/nologin', None),
    ('tss', 59, 'tss', 'Account used by the trousers package to sandbox the tcsd daemon',
     '/dev/null', '/sbin/nologin', None),
    ('sshd', 74, 'sshd', 'Privilege-separated SSH', '/var/empty/sshd', '/sbin/nologin', None),
    ('postfix', 89, 'postfix', '', '/var/spool/postfix', '/sbin/nologin', None),
    ('apache', 48, 'apache', 'Apache', '/usr/share/httpd', '/sbin/nologin', None),
    ('chrony', None, 'chrony', '', '/var/lib/chrony', '/sbin/nologin', None),
    ('srvmgr', None, 'srvmgr', 'Server Manager', '/var/lib/nethserver/srvmgr',
     '/sbin/nologin', None),
    ('rpc', 32, 'rpc', 'Rpcbind Daemon', '/var/lib/rpcbind', '/sbin/nologin', None),
    ('rpcuser', 29, 'rpcuser', 'RPC Service User', '/var/lib/nfs', '/sbin/nologin', None),
    ('nfsnobody', 65534, 'nfsnobody', 'Anonymous NFS User', '/var/lib/nfs',
     '/sbin/nologin', None),
    ('ldap', 55, 'ldap', 'OpenLDAP server', '/var/lib/ldap', '/sbin/nologin',
     'nethserver-directory'),
    ('dovecot', 97, 'dovecot', 'Dovecot IMAP server', '/usr/libexec/dovecot',
     '/sbin/nologin', 'nethserver-mail-server'),
    ('dovenull', None, 'dovenull', "Dovecot's unauthorized user", '/usr/libexec/dovecot',
     '/sbin/nologin', 'nethserver-mail-server'),
    ('vmail', None, 'vmail', 'Virtual mailboxes owner', '/var/lib/nethserver/vmail',
     '/sbin/nologin', 'nethserver-mail-server'),
    ('opendkim', None, 'opendkim', 'OpenDKIM Milter', '/var/run/opendkim', '/sbin/nologin',
     'nethserver-mail-server'),
    ('_rspamd', None, '_rspamd', 'Rspamd user', '/var/lib/rspamd', '/sbin/nologin',
     'nethserver-mail-filter'),
    ('redis', None, 'redis', 'Redis Database Server', '/var/lib/redis', '/sbin/nologin',
     'nethserver-mail-filter'),
    ('clamupdate', None, 'clamupdate', 'Clamav database update user', '/var/lib/clamav',
     '/sbin/nologin', 'nethserver-mail-filter'),
    ('clamscan', None, 'clamscan', 'Clamav scanner user', '/', '/sbin/nologin',
     'nethserver-mail-filter'),
    ('mysql', 27, 'mysql', 'MariaDB Server', '/var/lib/mysql', '/sbin/nologin',
     'nethserver-mysql'),
]


def system_accounts(modules):
    """(passwd lines, group lines, shadow lines, gshadow lines, {name: uid}, {name: gid})."""
    gids, uids = {}, {}
    dyn = 999
    groups = []
    for name, gid, members, when in SYSTEM_GROUPS:
        if when and when not in modules:
            continue
        if gid is None:
            gid, dyn = dyn, dyn - 1
        gids[name] = gid
        groups.append((name, gid, members))
    dyn = 999
    users = []
    for name, uid, group, gecos, home, shell, when in SYSTEM_USERS:
        if when and when not in modules:
            continue
        if uid is None:
            uid, dyn = dyn, dyn - 1
        uids[name] = uid
        users.append('{}:x:{}:{}:{}:{}:{}\n'.format(name, uid, gids[group], gecos, home, shell))
    group_lines = ['{}:x:{}:{}\n'.format(n, g, ','.join(m for m in members.split(',')
                                                         if m and m in uids))
                   for n, g, members in groups]
    shadow = ['{}:{}:19000:0:99999:7:::\n'.format(u.split(':')[0],
                                                   ROOT_HASH if u.startswith('root:') else '!!')
              for u in users]
    gshadow = ['{}:!::{}\n'.format(l.split(':')[0], l.rstrip('\n').split(':')[3])
               for l in group_lines]
    return users, group_lines, shadow, gshadow, uids, gids


# --------------------------------------------------------------------------------------
# DB defaults

def module_defaults(modules):
    """{db: {key: Record}} merged from ns7/data/defaults for the installed modules."""
    out = {}
    with open(os.path.join(DATA, 'defaults')) as f:
        for line in f:
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            module, db, record = line.split(' ', 2)
            if module not in modules:
                continue
            recs = esmithdb.parse_lines([record], path='defaults')[0]
            for key, rec in recs.items():
                have = out.setdefault(db, {}).get(key)
                if have is None:
                    out[db][key] = rec
                else:
                    have.props.update(rec.props)
    return out


def write_defaults_tree(root, defaults, modules):
    """/etc/e-smith/db/<db>/defaults/<key>/<prop> as the packages ship them."""
    base = os.path.join(root, 'etc/e-smith/db')
    for db, recs in defaults.items():
        for key, rec in recs.items():
            kd = os.path.join(base, db, 'defaults', key)
            os.makedirs(kd, exist_ok=True)
            for prop, value in [('type', rec.type)] + sorted(rec.props.items()):
                with open(os.path.join(kd, prop), 'w') as f:
                    f.write(value + '\n')
    for module, frags in ns7events.MIGRATE_FRAGMENTS.items():
        if module in modules:
            for db, frag in frags:
                d = os.path.join(base, db, 'migrate')
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, frag), 'w') as f:
                    f.write('{ # stand-in: implemented by ns7standin.actions (%s) }\n' % frag)


def provider_config(sb):
    """Records set on top of the defaults by the provider's setup (§3.1)."""
    dom = sb.domain
    realm = sb.realm
    sssd = {}
    extra = {}
    if sb.provider == 'ldap':
        sssd = {'Provider': 'ldap', 'status': 'enabled', 'LdapURI': 'ldap://127.0.0.1'}
    elif sb.provider == 'ad':
        sssd = {'Provider': 'ad', 'status': 'enabled', 'Realm': realm,
                'Workgroup': sb.workgroup, 'AdDns': sb.nsdc_ip, 'DiscoverDcType': 'ldapuri',
                'LdapURI': 'ldaps://{}'.format(sb.nsdc_hostname),
                'BindDN': 'ldapservice@{}'.format(realm), 'BindPassword': sb.secret('ldapservice')}
        extra['nsdc'] = {'IpAddress': sb.nsdc_ip, 'ProvisionType': 'newdomain',
                         'bridge': 'br0', 'status': 'enabled'}
    elif sb.provider == 'remote-ad':
        sssd = {'Provider': 'ad', 'status': 'enabled', 'Realm': realm,
                'Workgroup': sb.workgroup, 'AdDns': sb.remote_dc_ip, 'DiscoverDcType': 'dns',
                'LdapURI': 'ldaps://{}'.format(realm.lower()),
                'BindDN': 'ldapservice@{}'.format(realm), 'BindPassword': sb.secret('ldapservice')}
    del dom
    return sssd, extra


def networks(sb):
    R = esmithdb.Record
    ip, mask, gw = sb.green_ip, sb.green_netmask, sb.gateway
    if sb.provider == 'ad':
        return {'br0': R('br0', 'bridge', {'bootproto': 'none', 'gateway': gw, 'ipaddr': ip,
                                           'netmask': mask, 'role': 'green'}),
                'eth0': R('eth0', 'ethernet', {'bridge': 'br0', 'role': 'bridged'})}
    return {'eth0': R('eth0', 'ethernet', {'bootproto': 'none', 'gateway': gw, 'ipaddr': ip,
                                           'netmask': mask, 'role': 'green'})}


def write_db(path, records, uid=0, gid=0):
    """A default DB, written by the stand-in's own writer: the library's esmithdb is the
    code under test and must not build the world it is tested in."""
    body = ''.join(ns7common.format_line(k, r.type, r.props) + '\n'
                   for k, r in sorted(records.items(), key=lambda kv: kv[0].encode()))
    with open(path, 'w', encoding='utf-8') as f:
        f.write(ns7common.HEADER.format(time.ctime()) + body)
    os.chmod(path, 0o640)
    os.chown(path, uid, gid)


# --------------------------------------------------------------------------------------

SKEL = {
    '.bash_logout': '# ~/.bash_logout\n',
    '.bash_profile': '# .bash_profile\n\nif [ -f ~/.bashrc ]; then\n\t. ~/.bashrc\nfi\n',
    '.bashrc': '# .bashrc\n\nif [ -f /etc/bashrc ]; then\n\t. /etc/bashrc\nfi\n',
}

OWNED_ETC = {'passwd', 'group', 'shadow', 'gshadow', 'passwd-', 'group-', 'shadow-',
             'gshadow-', 'hosts', 'hostname', 'nsswitch.conf', 'localtime', 'timezone',
             'e-smith', 'pki', 'ssh', 'skel', 'sysconfig', 'nethserver-release', 'mtab',
             '.pwd.lock', 'nethserver', 'sssd', 'samba', 'dovecot', 'postfix',
             'machine-id'}


def _w(path, text, mode=0o644):
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, mode)


def build(sb):
    root = sb.root
    mods = sb.modules
    j = lambda p: os.path.join(root, p.lstrip('/'))
    for d in ('usr', 'etc', 'var', 'root', 'home', 'tmp'):
        os.makedirs(j(d), exist_ok=True)
    os.chmod(j('root'), 0o550)
    os.chmod(j('tmp'), 0o1777)

    # ---- /etc ------------------------------------------------------------------------
    for name in os.listdir('/etc'):
        if name in OWNED_ETC:
            continue
        src = os.path.join('/etc', name)
        if os.path.islink(src):
            os.symlink(os.readlink(src), j('etc/' + name))
        else:
            os.symlink('/run/host/etc/' + name, j('etc/' + name))
    os.symlink('../proc/self/mounts', j('etc/mtab'))
    os.symlink('../usr/share/zoneinfo/' + sb.timezone, j('etc/localtime'))
    users, groups, shadow, gshadow, uids, gids = system_accounts(mods)
    sb.system_uids, sb.system_gids = uids, gids
    _w(j('etc/passwd'), ''.join(users))
    _w(j('etc/group'), ''.join(groups))
    _w(j('etc/shadow'), ''.join(shadow), 0o000)
    _w(j('etc/gshadow'), ''.join(gshadow), 0o000)
    short = sb.hostname.split('.')[0]
    _w(j('etc/hostname'), sb.hostname + '\n')
    _w(j('etc/hosts'), '127.0.0.1   localhost localhost.localdomain localhost4\n'
                       '::1         localhost localhost.localdomain localhost6\n'
                       '{}  {} {}\n'.format(sb.green_ip, sb.hostname, short))
    _w(j('etc/nsswitch.conf'),
       '# ns7 sandbox: provider accounts come from libnss-extrausers (sssd on NS7)\n'
       'passwd:     files extrausers\nshadow:     files extrausers\n'
       'group:      files extrausers\nhosts:      files dns\n'
       'services:   files\nnetgroup:   files\nprotocols:  files\nrpc:        files\n'
       'ethers:     files\nnetworks:   files\n')
    _w(j('etc/nethserver-release'), 'NethServer release 7.9.2009 (final)\n')
    os.makedirs(j('etc/skel'))
    for n, text in SKEL.items():
        _w(j('etc/skel/' + n), text)
    for d in ('etc/e-smith/events/actions', 'etc/e-smith/templates-custom',
              'etc/e-smith/templates-user-custom', 'etc/pki/tls/certs', 'etc/pki/tls/private',
              'etc/ssh', 'etc/sysconfig/network-scripts', 'etc/nethserver', 'etc/sssd',
              'etc/samba', 'etc/dovecot', 'etc/postfix'):
        os.makedirs(j(d), exist_ok=True)
    os.chmod(j('etc/pki/tls/private'), 0o700)
    shutil.copy(os.path.join(DATA, 'NSRV.crt'), j('etc/pki/tls/certs/NSRV.crt'))
    shutil.copy(os.path.join(DATA, 'NSRV.key'), j('etc/pki/tls/private/NSRV.key'))
    os.chmod(j('etc/pki/tls/private/NSRV.key'), 0o600)
    # CentOS 7's system CA bundle: certs/ca-bundle.crt is a symlink into ca-trust.
    os.makedirs(j('etc/pki/ca-trust/extracted/pem'))
    shutil.copy(os.path.join(DATA, 'NSRV.crt'), j('etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem'))
    os.symlink('/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
               j('etc/pki/tls/certs/ca-bundle.crt'))
    _w(j('etc/ssh/sshd_config'), 'UsePAM yes\nPermitRootLogin yes\n'
                                 'Subsystem sftp /usr/libexec/openssh/sftp-server\n', 0o600)
    _w(j('etc/nethserver/system-users'), 'S-1-5-21-domain-502\nS-1-5-21-domain-501\n'
                                          'nfsnobody\nldapservice\n')
    _w(j('etc/nethserver/system-groups'), 'locals\nnfsnobody\ndnsadmins\ndnsupdateproxy\n')

    # ---- /var ------------------------------------------------------------------------
    for d in ('var/lib/nethserver/db', 'var/lib/nethserver/home', 'var/lib/nethserver/ibay',
              'var/lib/nethserver/secrets', 'var/lib/nethserver/backup', 'var/log/ns7-standin',
              'var/lib/extrausers', 'var/lib/ns7-standin', 'var/spool/mail', 'var/tmp',
              'var/empty/sshd', 'var/lib/nethserver/sieve-scripts'):
        os.makedirs(j(d), exist_ok=True)
    os.symlink('../run', j('var/run'))
    os.symlink('../run/lock', j('var/lock'))
    os.chmod(j('var/tmp'), 0o1777)
    os.chown(j('var/lib/nethserver/db'), 0, gids['adm'])
    os.chmod(j('var/lib/nethserver/db'), 0o2750)
    os.chmod(j('var/lib/nethserver/ibay'), 0o775)
    os.chmod(j('var/lib/nethserver/secrets'), 0o700)
    if 'vmail' in uids:
        os.makedirs(j('var/lib/nethserver/vmail'))
        os.chown(j('var/lib/nethserver/vmail'), uids['vmail'], gids['vmail'])
        os.chmod(j('var/lib/nethserver/vmail'), 0o700)
        os.chown(j('var/lib/nethserver/sieve-scripts'), 0, gids['vmail'])
        os.chmod(j('var/lib/nethserver/sieve-scripts'), 0o770)
    _w(j('var/log/messages'), '', 0o600)
    _w(j('var/log/ns7-standin/journal.jsonl'), '', 0o600)
    _w(j('var/lib/ns7-standin/modules'), ''.join(m + '\n' for m in mods))

    # ---- secrets, container --------------------------------------------------------------
    if sb.provider == 'ldap':
        sb.secret('libuser')
        sb.secret('ldapservice')
    if 'nethserver-mail-server' in mods:
        sb.secret('vmail')
    if sb.provider == 'ad':
        for d in ('srv', 'etc', 'var/lib/samba'):
            os.makedirs(j('var/lib/machines/nsdc/' + d), exist_ok=True)
        _w(j('var/lib/machines/nsdc/etc/hostname'), sb.nsdc_hostname + '\n')
        # a provisioned DC: samba-provision's ConditionPathExists=! files are there
        os.makedirs(j('var/lib/machines/nsdc/etc/samba'), exist_ok=True)
        os.makedirs(j('var/lib/machines/nsdc/var/lib/samba/private'), exist_ok=True)
        _w(j('var/lib/machines/nsdc/etc/samba/smb.conf'), '# stand-in: provisioned\n')
        _w(j('var/lib/machines/nsdc/var/lib/samba/private/krb5.conf'), '# stand-in\n')

    # ---- DBs -------------------------------------------------------------------------
    defaults = module_defaults(mods)
    write_defaults_tree(root, defaults, mods)
    dbs = {name: {} for name in ('configuration', 'accounts', 'domains', 'networks', 'routes',
                                 'hosts', 'dhcp')}
    if 'nethserver-httpd' in mods:
        dbs['proxypass'] = {}
        dbs['vhosts'] = {}
    for db, recs in defaults.items():
        dbs.setdefault(db, {}).update(recs)
    sssd, extra = provider_config(sb)
    if sssd:
        dbs['configuration']['sssd'].props.update(sssd)
    for key, props in extra.items():
        dbs['configuration'][key].props.update(props)
    dbs['networks'].update(networks(sb))
    if 'nethserver-mail-server' in mods:
        dbs['domains'][sb.domain] = esmithdb.Record(sb.domain, 'domain', {
            'AlwaysBccAddress': '', 'AlwaysBccStatus': 'disabled', 'Description': '',
            'DisclaimerStatus': 'disabled', 'TransportType': 'LocalDelivery',
            'UnknownRecipientsActionDeliverMailbox': '',
            'UnknownRecipientsActionType': 'bounce'})
    for name, recs in dbs.items():
        write_db(j('var/lib/nethserver/db/' + name), recs, 0, gids['adm'])

    # ---- events ----------------------------------------------------------------------
    build_events(root, mods)

    # ---- provider --------------------------------------------------------------------
    ns7provider.seed(sb.provider, sb.domain, root=root, remote_users=sb.remote_users,
                     remote_groups=sb.remote_groups)


def build_events(root, mods):
    ev = os.path.join(root, 'etc/e-smith/events')
    actions = os.path.join(ev, 'actions')
    linked = set()

    def action(name):
        if name not in linked:
            os.symlink('/usr/libexec/ns7-standin/action', os.path.join(actions, name))
            linked.add(name)

    def link(event, prio, name):
        d = os.path.join(ev, event)
        os.makedirs(d, exist_ok=True)
        action(name)
        p = os.path.join(d, 'S{}{}'.format(prio, name))
        if not os.path.lexists(p):
            os.symlink('../actions/' + name, p)

    action('generic_template_expand')
    action('adjust-services')
    for module in mods:
        for event in ns7events.update_events(module):
            os.makedirs(os.path.join(ev, event), exist_ok=True)
        link(module + '-update', '00', 'initialize-default-databases')
        for event, prio, name in ns7events.HANDLERS.get(module, ()):
            link(event, prio, name)
        for event, paths in ns7events.TEMPLATES.get(module, {}).items():
            for p in paths:
                t = os.path.join(ev, event, 'templates2expand', p.lstrip('/'))
                os.makedirs(os.path.dirname(t), exist_ok=True)
                open(t, 'w').close()
        for event, svcs in ns7events.SERVICES.get(module, {}).items():
            d = os.path.join(ev, event, 'services2adjust')
            os.makedirs(d, exist_ok=True)
            for svc, act in svcs.items():
                with open(os.path.join(d, svc), 'w') as f:
                    f.write(act + '\n')
