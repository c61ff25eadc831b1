"""Event handlers of the stand-in NethServer 7 (ns7-destination.md §2).

Each handler is called by signal-event as ``ACTION EVENT ARGS...``, does to the sandbox's
files what NethServer would do to the files migration looks at, prints what the real one
would print (signal-event copies it to /var/log/messages), and appends one ``action``
line to the journal.  Handlers not listed in ``HANDLERS`` only record the call.
"""

import os
import re
import sys

from . import common
from . import provider

IBAY_BASE = '/var/lib/nethserver/ibay'


class Ctx(object):
    def __init__(self, name, event, args):
        self.name = name
        self.event = event
        self.args = args
        self.extra = {}

    def say(self, text):
        sys.stdout.write(text + '\n')
        sys.stdout.flush()


# --------------------------------------------------------------------------------------
# helpers

def _domain_of(arg):
    return arg.split('@', 1)[1] if '@' in arg else None


def _skip_short(ctx, user, ad=False):
    """lock/unlock/password handlers: a short name is silently skipped (exit 0); AD also
    skips a domain that is not the host's."""
    if '@' not in user:
        ctx.say('[WARNING] {}: user {} has no domain suffix: skipped'.format(ctx.name, user))
        ctx.extra['skipped'] = 'short name'
        return True
    if ad and _domain_of(user) != common.domain_name():
        ctx.say('[WARNING] {}: {} is not in domain {}: skipped'.format(
            ctx.name, user, common.domain_name()))
        ctx.extra['skipped'] = 'foreign domain'
        return True
    return False


def _crypt_sha512(plain):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        import crypt
    return crypt.crypt(plain, crypt.mksalt(crypt.METHOD_SHA512))


def _read_secret_file(p):
    with open(p, 'rb') as f:
        return f.read().decode('utf-8', 'replace').rstrip('\n')


# --------------------------------------------------------------------------------------
# DB defaults and migrate fragments

def _apply_defaults(ctx):
    base = '/etc/e-smith/db'
    changed = {}
    if not os.path.isdir(base):
        return changed
    for db in sorted(os.listdir(base)):
        dbdir = os.path.join(base, db)
        if not os.path.isdir(dbdir):
            continue
        frags = sorted(os.listdir(os.path.join(dbdir, 'migrate'))) \
            if os.path.isdir(os.path.join(dbdir, 'migrate')) else []
        with common.locked_db(db) as recs:
            for frag in frags:
                fn = MIGRATE.get((db, frag))
                if fn is not None:
                    fn(ctx, recs)
            for k in list(recs):
                recs[k] = [recs[k][0], dict(recs[k][1])]
            for mode in ('defaults', 'force'):
                d = os.path.join(dbdir, mode)
                if not os.path.isdir(d):
                    continue
                for key in sorted(os.listdir(d)):
                    kd = os.path.join(d, key)
                    if not os.path.isdir(kd):
                        continue
                    for prop in sorted(os.listdir(kd)):
                        with open(os.path.join(kd, prop)) as f:
                            value = f.read()
                        if value.endswith('\n'):
                            value = value[:-1]
                        if key not in recs:
                            recs[key] = ['', {}]
                        rec = recs[key]
                        if prop == 'type':
                            if mode == 'force' or not rec[0]:
                                rec[0] = value
                        elif mode == 'force' or prop not in rec[1]:
                            rec[1][prop] = value
                            changed.setdefault(db, []).append('{}.{}'.format(key, prop))
            for k in list(recs):
                recs[k] = (recs[k][0], recs[k][1])
    return changed


def _migrate_bug2911(ctx, recs):
    """nethserver-dnsmasq configuration/migrate/bug2911.ns6_5: old Dhcp* props of
    ``dnsmasq`` become a ``dhcp`` DB range of the first green interface (only if
    DhcpStatus is enabled); the old props are deleted."""
    rec = recs.get('dnsmasq')
    if rec is None:
        return
    props = rec[1]
    old = {k: props.pop(k) for k in list(props) if k in (
        'DhcpStatus', 'DhcpRangeStart', 'DhcpRangeEnd', 'DhcpLeaseTime', 'DhcpGatewayIP')}
    if not old:
        return
    if old.get('DhcpStatus') == 'enabled':
        green = _first_green()
        if green:
            with common.locked_db('dhcp') as dhcp:
                if green not in dhcp:
                    new = {'DhcpStatus': 'enabled', 'status': 'enabled'}
                    for k in ('DhcpRangeStart', 'DhcpRangeEnd', 'DhcpLeaseTime',
                              'DhcpGatewayIP'):
                        if k in old:
                            new[k] = old[k]
                    dhcp[green] = ('range', new)
    ctx.extra.setdefault('migrated', []).append('bug2911.ns6_5')


def _networks():
    return common.read_db('networks')


def _first_green():
    for key, (type_, props) in sorted(_networks().items()):
        if props.get('role') == 'green':
            return key
    return None


def _iface_networks():
    import ipaddress
    out = []
    for key, (type_, props) in sorted(_networks().items()):
        ip, mask = props.get('ipaddr'), props.get('netmask')
        if ip and mask and props.get('role'):
            try:
                out.append((key, ipaddress.IPv4Network('{}/{}'.format(ip, mask), strict=False)))
            except ValueError:
                pass
    return out


def _migrate_issue5079(ctx, recs):
    """nethserver-base routes/migrate/issue5079: a static route with a Mask prop becomes
    a CIDR key; Device = the interface whose network contains the router."""
    import ipaddress
    for key in list(recs):
        type_, props = recs[key]
        if type_ != 'static' or 'Mask' not in props:
            continue
        try:
            net = ipaddress.IPv4Network('{}/{}'.format(key, props['Mask']), strict=False)
        except ValueError:
            continue
        new = dict(props)
        del new['Mask']
        if not new.get('Device') and new.get('Router'):
            for iface, inet in _iface_networks():
                if ipaddress.IPv4Address(new['Router']) in inet:
                    new['Device'] = iface
                    break
        new.setdefault('Device', '')
        new.setdefault('Metric', '')
        new.setdefault('Description', '')
        del recs[key]
        recs[str(net)] = ('static', new)
        ctx.extra.setdefault('migrated', []).append('issue5079:{}->{}'.format(key, net))


MIGRATE = {('configuration', 'bug2911.ns6_5'): _migrate_bug2911,
           ('routes', 'issue5079'): _migrate_issue5079}


def h_initialize_default_databases(ctx):
    changed = _apply_defaults(ctx)
    ctx.extra['defaults_applied'] = changed
    return 0


def h_mail_default_domain_create(ctx):
    dom = common.domain_name()
    with common.locked_db('domains') as recs:
        if dom not in recs:
            recs[dom] = ('domain', {
                'AlwaysBccAddress': '', 'AlwaysBccStatus': 'disabled', 'Description': '',
                'DisclaimerStatus': 'disabled', 'TransportType': 'LocalDelivery',
                'UnknownRecipientsActionDeliverMailbox': '',
                'UnknownRecipientsActionType': 'bounce'})
            ctx.extra['created'] = dom
    return 0


# --------------------------------------------------------------------------------------
# users and groups

def _need(ctx, n):
    if len(ctx.args) < n:
        ctx.say('[ERROR] {}: missing argument'.format(ctx.name))
        return False
    return True


def h_directory_user_create(ctx):
    if not _need(ctx, 1):
        return 1
    name = ctx.args[0]                        # verbatim: no suffix stripping (§2.0)
    full = ctx.args[1] if len(ctx.args) > 1 else ''
    shell = ctx.args[2] if len(ctx.args) > 2 else provider.SFTP_SHELL
    if not os.access(shell, os.X_OK) and shell != provider.SFTP_SHELL:
        shell = '/bin/false'
    with provider.Store() as st:
        if st.user(name) is not None:
            ctx.say('Account creation failed: entry already present in file.')
            return 1
        u = st.add_user(name, full, shell)
        u['mail'] = '{}@{}'.format(name, common.domain_name())
        ctx.extra.update(user=name, uid=u['uid'])
    return 0


def h_dc_user_create(ctx):
    if not _need(ctx, 1):
        return 1
    name = provider.short(ctx.args[0])
    full = ctx.args[1] if len(ctx.args) > 1 and ctx.args[1] else name
    shell = ctx.args[2] if len(ctx.args) > 2 else provider.SFTP_SHELL
    with provider.Store() as st:
        if st.user(name) is not None:
            ctx.say("ERROR(<class 'samba.ldb.LdbError'>): Failed to add user '{}': "
                    "- LDAP error 68 LDAP_ENTRYALREADYEXISTS".format(name))
            return 1
        u = st.add_user(name, full, shell)
        ctx.extra.update(user=name, uid=u['uid'])
    ctx.say("User '{}' created successfully".format(name))
    return 0


def h_dc_sync_upn(ctx):
    with provider.Store() as st:
        for name, u in st.data['users'].items():
            if name not in ('administrator', 'guest', 'krbtgt') and not u.get('upn'):
                u['upn'] = '{}@{}'.format(name, common.domain_name())
    return 0


def h_user_modify(ctx, ad):
    if not _need(ctx, 2):
        return 1
    name = provider.short(ctx.args[0])
    shell = ctx.args[2] if len(ctx.args) > 2 else provider.SFTP_SHELL
    with provider.Store() as st:
        u = st.user(name)
        if u is None:
            ctx.say('[ERROR] {}: user {} not found'.format(ctx.name, name))
            return 1
        u['fullname'] = ctx.args[1]
        u['shell'] = shell
    ctx.extra['user'] = name
    return 0


def h_lock(ctx, lock, ad):
    if not _need(ctx, 1):
        return 1
    if _skip_short(ctx, ctx.args[0], ad=ad):
        return 0
    name = provider.short(ctx.args[0])
    with provider.Store() as st:
        u = st.user(name)
        if u is None:
            ctx.say('[ERROR] {}: user {} not found'.format(ctx.name, name))
            return 1
        if ad:
            u['enabled'] = not lock
        else:
            pw = u['password']
            body = pw[len('{CRYPT}'):] if pw.startswith('{CRYPT}') else pw
            if lock:
                u['password'] = '{CRYPT}!' + body
            elif pw != '{CRYPT}!!' and body.startswith('!'):
                u['password'] = '{CRYPT}' + body[1:]
        ctx.extra.update(user=name, locked=provider.is_locked(u))
    return 0


def h_password_set_local(ctx):
    """nethserver-base password-set: only a user in the local /etc/passwd (``^USER:``)."""
    if not _need(ctx, 2):
        return 1
    user = ctx.args[0]
    with open('/etc/passwd') as f:
        local = any(l.startswith(user + ':') for l in f)
    if not local:
        ctx.extra['skipped'] = 'not a local user'
        return 0
    hashed = _crypt_sha512(_read_secret_file(ctx.args[1]))
    lines = []
    with open('/etc/shadow') as f:
        for l in f:
            parts = l.rstrip('\n').split(':')
            if parts[0] == user:
                parts[1] = hashed
            lines.append(':'.join(parts) + '\n')
    with open('/etc/shadow.standin', 'w') as f:
        f.write(''.join(lines))
    os.chmod('/etc/shadow.standin', 0o000)
    os.rename('/etc/shadow.standin', '/etc/shadow')
    ctx.extra['user'] = user
    return 0


def h_password_set(ctx, ad):
    if not _need(ctx, 2):
        return 1
    if _skip_short(ctx, ctx.args[0], ad=ad):
        return 0
    name = provider.short(ctx.args[0])
    plain = _read_secret_file(ctx.args[1])
    with provider.Store() as st:
        u = st.user(name)
        if u is None:
            ctx.say('[ERROR] {}: user {} not found'.format(ctx.name, name))
            return 1
        if ad:
            from .classicupgrade import nt_hash
            u['password'] = 'set'
            u['must_change'] = False
            u['nt_hash'] = nt_hash(plain)       # what Samba keeps (unicodePwd)
        else:
            u['password'] = '{CRYPT}' + _crypt_sha512(plain)
    ctx.extra['user'] = name
    return 0


def h_password_cleanup(ctx):
    if len(ctx.args) > 1 and os.path.exists(ctx.args[1]):
        os.unlink(ctx.args[1])
        ctx.extra['removed'] = ctx.args[1]
    return 0


def h_directory_group_create(ctx):
    if not _need(ctx, 1):
        return 1
    name = ctx.args[0]                        # verbatim (§2.0)
    with provider.Store() as st:
        if st.group(name) is not None:
            ctx.say('Group creation failed: entry already present in file.')
            return 1
        g = st.add_group(name)
        ctx.extra.update(group=name, gid=g['gid'])
    return 0


def h_directory_group_modify(ctx):
    if not _need(ctx, 1):
        return 1
    name = ctx.args[0] if ctx.event == 'group-create' else provider.short(ctx.args[0])
    with provider.Store() as st:
        g = st.group(name)
        if g is None:
            ctx.say('[ERROR] {}: group {} not found'.format(ctx.name, name))
            return 1
        g['members'] = list(ctx.args[1:])     # memberUid, verbatim
        ctx.extra.update(group=name, members=g['members'])
    return 0


def _ad_members_check(st, members):
    bad = [m for m in members if st.user(m) is None and st.group(m) is None]
    return bad


def h_dc_group(ctx):
    if not _need(ctx, 1):
        return 1
    name = provider.short(ctx.args[0])
    members = list(ctx.args[1:])
    with provider.Store() as st:
        g = st.group(name)
        if ctx.event == 'group-create':
            if g is not None:
                ctx.say("ERROR: Failed to create group '{}': already exists".format(name))
                return 1
            g = st.add_group(name)
            ctx.say("Added group {}".format(name))
        elif g is None:
            ctx.say('[ERROR] {}: group {} not found'.format(ctx.name, name))
            return 1
        bad = _ad_members_check(st, members)
        if bad:
            ctx.say("ERROR(<class 'Exception'>): Failed to add members {} to group '{}': "
                    "Unable to find \"{}\"".format(','.join(members), name, bad[0]))
            ctx.extra.update(group=name, unknown_members=bad)
            return 1
        g['members'] = members
        ctx.extra.update(group=name, members=members)
    return 0


def h_password_policy(ctx, ad):
    user = provider.short(ctx.args[0]) if ctx.args else None
    value = ctx.args[1] if len(ctx.args) > 1 else 'yes'
    expires = common.get_prop('configuration', 'passwordstrength', 'PassExpires', 'no')
    with provider.Store() as st:
        if user:
            u = st.user(user)
            if u is None:
                ctx.say('[ERROR] {}: user {} not found'.format(ctx.name, user))
                return 1
            if ad or expires != 'no':
                u['pass_expires'] = value
        else:
            ctx.extra['global'] = expires
            st.data['policy'] = {
                'PassExpires': expires,
                'Users': common.get_prop('configuration', 'passwordstrength', 'Users', 'strong')}
    return 0


# --------------------------------------------------------------------------------------
# shared folders (§2.8)

def _ibay_record(ctx):
    rec = common.read_db('accounts').get(ctx.args[0]) if ctx.args else None
    if rec is None or rec[0] != 'ibay':
        ctx.say('[ERROR] {}: no ibay record {!r} in the accounts DB'.format(
            ctx.name, ctx.args[0] if ctx.args else ''))
        return None
    return rec[1]


def _bad_ibay_name(name):
    return not name or any(c in name for c in '\\/:*?"<>[]|\n') or name in ('.', '..')


def h_ibay_create(ctx):
    if not _need(ctx, 1) or _bad_ibay_name(ctx.args[0]):
        return 1
    if _ibay_record(ctx) is None:
        return 1
    p = os.path.join(IBAY_BASE, ctx.args[0])
    if not os.path.isdir(p):
        os.mkdir(p, 0o777 & ~0o022)
        ctx.extra['created'] = p
    return 0


def ibay_modes(props):
    group = props.get('GroupAccess') or 'rw'
    other = props.get('OtherAccess') or ''
    if props.get('SmbGuestAccessType') in ('r', 'rw'):
        other += props['SmbGuestAccessType']
    mode = 0o600
    if 'r' in group:
        mode |= 0o040
    if 'w' in group:
        mode |= 0o020
    if 'r' in other:
        mode |= 0o004
    if 'w' in other:
        mode |= 0o022
    dmode = mode | 0o100
    if 'r' in group:
        dmode |= 0o2010
    if 'r' in other:
        dmode |= 0o001
    return mode, dmode


def h_ibay_set_permissions(ctx):
    if not _need(ctx, 1) or _bad_ibay_name(ctx.args[0]):
        return 1
    props = _ibay_record(ctx)
    if props is None:
        return 1
    p = os.path.join(IBAY_BASE, ctx.args[0])
    if not os.path.isdir(p):
        ctx.say('[ERROR] {}: {} is not a directory'.format(ctx.name, p))
        return 1
    group = 'root'
    if common.provider_kind() == 'ad' and props.get('OwningGroup'):
        group = props['OwningGroup']
    _, dmode = ibay_modes(props)
    acl = []
    read = [n for n in props.get('AclRead', '').split(',') if n]
    write = [n for n in props.get('AclWrite', '').split(',') if n]
    import pwd
    for n in sorted(set(read) | set(write)):
        perm = ('r' if n in read else '-') + ('w' if n in write else '-') + 'X'
        try:
            pwd.getpwnam(n)
            kind = 'u'
        except KeyError:
            kind = 'g'
        acl.append('{}:{}:{}'.format(kind, n, perm))
    import subprocess
    cmds = [['setfacl', '-b', p], ['chown', 'root:' + group, p],
            ['chmod', '{:o}'.format(dmode), p]]
    if acl:
        cmds.append(['setfacl', '-m', ','.join(acl + ['d:' + a for a in acl]), p])
    status = 0
    for cmd in cmds:
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if res.stdout:
            ctx.say(res.stdout.decode('utf-8', 'replace').rstrip('\n'))
        if res.returncode:
            status = 1
    ctx.extra.update(path=p, mode='{:o}'.format(dmode), group=group, acl=acl)
    return status


# --------------------------------------------------------------------------------------
# network

NETWORK_OUT = '/etc/sysconfig/network-scripts'


def h_interface_config_write(ctx):
    out = os.environ.get('ESMITH_NETWORK_OUT_DIR', NETWORK_OUT)
    os.makedirs(out, exist_ok=True)
    nets = _networks()
    for f in os.listdir(out):
        if f.startswith('route-') or f.startswith('ifcfg-'):
            os.unlink(os.path.join(out, f))
    written = []
    for key, (type_, props) in sorted(nets.items()):
        if not props.get('role') or type_ in ('network', 'provider'):
            continue
        lines = ['DEVICE={}'.format(key), 'TYPE={}'.format(type_.capitalize())]
        for prop in sorted(props):
            if prop == 'role' or prop.startswith('Fw'):
                continue
            if prop == 'gateway' and props.get('role') not in ('red', 'green'):
                continue
            lines.append('{}={}'.format(prop.upper(), props[prop]))
        with open(os.path.join(out, 'ifcfg-' + key), 'w') as f:
            f.write('\n'.join(lines) + '\n')
        written.append('ifcfg-' + key)
    green = _first_green()
    routes = {}
    warnings = []
    for key, (type_, props) in sorted(common.read_db('routes').items()):
        if type_ != 'static' or not props.get('Router'):
            continue
        if '/' not in key and key not in ('default',):
            warnings.append('route {} is not in the NethServer 7 CIDR layout'.format(key))
        dev = props.get('Device') or green
        line = '{} via {}'.format(key, props['Router'])
        if props.get('Device'):
            line += ' dev {}'.format(props['Device'])
        if props.get('Metric'):
            line += ' metric {}'.format(props['Metric'])
        routes.setdefault(dev, []).append(line)
    for dev, lines in sorted(routes.items()):
        with open(os.path.join(out, 'route-' + dev), 'w') as f:
            f.write('\n'.join(lines) + '\n')
        written.append('route-' + dev)
    for w in warnings:
        ctx.say('[WARNING] ' + w)
    ctx.extra.update(written=written, warnings=warnings)
    return 0


def _signal(ctx, event):
    import subprocess
    if not os.path.isdir(os.path.join(common.EVENTS_DIR, event)):
        return 0
    res = subprocess.run(['/sbin/e-smith/signal-event', event])
    ctx.extra['signalled'] = event
    return 0 if res.returncode == 0 else 1


def h_static_routes_save(ctx):
    return _signal(ctx, 'static-routes-save')


def h_dnsmasq_signalsave(ctx):
    return _signal(ctx, 'nethserver-dnsmasq-save')


def h_dc_join(ctx):
    nsdc = common.read_db('configuration').get('nsdc')
    ip = nsdc[1].get('IpAddress', '') if nsdc else ''
    realm = common.get_prop('configuration', 'sssd', 'Realm', '') or \
        'AD.' + common.domain_name().upper()
    with common.locked_db('configuration') as recs:
        type_, props = recs.get('sssd', ('service', {}))
        props = dict(props)
        props.update({'status': 'enabled', 'Provider': 'ad', 'AdDns': ip,
                      'DiscoverDcType': 'ldapuri', 'Realm': realm,
                      'LdapURI': 'ldaps://nsdc-{}.{}'.format(common.system_name(),
                                                              realm.lower())})
        recs['sssd'] = (type_, props)
    return _signal(ctx, 'nethserver-sssd-save')


def h_dc_provision(ctx):
    """S10 of nethserver-dc-save: the samba-provision unit, by nsdc ProvisionType.  Only
    ``sme8migration`` is emulated (ns7standin.classicupgrade); ``newdomain`` on the
    sandbox's already provisioned DC is the unit's no-op (ConditionPathExists)."""
    kind = common.get_prop('configuration', 'nsdc', 'ProvisionType', 'newdomain')
    ctx.extra['provision_type'] = kind
    if kind != 'sme8migration':
        return 0
    from . import classicupgrade
    return classicupgrade.provision_sme8migration(ctx)


def h_dc_createldapservice(ctx):
    """S96: ldapservice in AD and sssd BindDN/BindPassword, unless BindDN is set."""
    if common.get_prop('configuration', 'nsdc', 'status') == 'disabled' or \
            common.get_prop('configuration', 'sssd', 'BindDN'):
        return 0
    realm = common.get_prop('configuration', 'sssd', 'Realm', '')
    with provider.Store() as st:
        if st.user('ldapservice') is None:
            u = st.add_user('ldapservice', 'ldapservice', '/usr/bin/false')
            u.update(password='set', must_change=False, pass_expires='no')
            ctx.extra['created'] = 'ldapservice'
    secret = _read_secret_file('/var/lib/nethserver/secrets/ldapservice')
    with common.locked_db('configuration') as recs:
        type_, props = recs.get('sssd', ('service', {}))
        props = dict(props, BindDN='ldapservice@' + realm, BindPassword=secret)
        recs['sssd'] = (type_, props)
    return 0


def h_dc_createadmins(ctx):
    """S98: admin ("<ProductName> Administrator", locked, in Domain Admins) and
    administrator locked -- only when admin does not exist yet."""
    with provider.Store() as st:
        if st.user('admin') is not None:
            return 0
        product = common.get_prop('configuration', 'sysconfig', 'ProductName', '') or 'System'
        st.add_user('admin', product + ' Administrator', enabled=False)
        st.group('domain admins')['members'].append('admin')
        st.user('administrator')['enabled'] = False
        ctx.extra['created'] = 'admin'
    return 0


# --------------------------------------------------------------------------------------
# generic steps

def h_generic_template_expand(ctx):
    d = os.path.join(common.EVENTS_DIR, ctx.event, 'templates2expand')
    found = []
    for top, dirs, files in os.walk(d):
        for f in files:
            found.append('/' + os.path.relpath(os.path.join(top, f), d))
    ctx.extra['templates'] = sorted(found)
    return 0


def h_adjust_services(ctx):
    d = os.path.join(common.EVENTS_DIR, ctx.event, 'services2adjust')
    conf = common.read_db('configuration')
    done, skipped = {}, []
    for svc in sorted(os.listdir(d)):
        if svc.startswith('.'):
            continue
        p = os.path.join(d, svc)
        if os.path.islink(p):
            acts = [os.path.basename(os.readlink(p))]
        else:
            with open(p) as f:
                acts = re.findall(r'[a-z]+[12]?', f.read())
        rec = conf.get(svc)
        if rec is None or rec[0] != 'service':
            ctx.say('[INFO] service {} not defined: skipped'.format(svc))
            skipped.append(svc)
            continue
        done[svc] = acts if rec[1].get('status') == 'enabled' else ['stop']
    ctx.extra.update(services=done, skipped=skipped)
    return 0


def h_record(ctx):
    return 0


HANDLERS = {
    'initialize-default-databases': h_initialize_default_databases,
    'nethserver-mail-default-domain-create': h_mail_default_domain_create,
    'nethserver-directory-user-create': h_directory_user_create,
    'nethserver-dc-user-create': h_dc_user_create,
    'nethserver-dc-sync-upn': h_dc_sync_upn,
    'nethserver-directory-user-modify': lambda c: h_user_modify(c, False),
    'nethserver-dc-user-modify': lambda c: h_user_modify(c, True),
    'nethserver-directory-user-lock': lambda c: h_lock(c, True, False),
    'nethserver-directory-user-unlock': lambda c: h_lock(c, False, False),
    'nethserver-dc-user-lock': lambda c: h_lock(c, True, True),
    'nethserver-dc-user-unlock': lambda c: h_lock(c, False, True),
    'password-set': h_password_set_local,
    'nethserver-directory-password-set': lambda c: h_password_set(c, False),
    'nethserver-dc-password-set': lambda c: h_password_set(c, True),
    'password-cleanup': h_password_cleanup,
    'nethserver-directory-group-create': h_directory_group_create,
    'nethserver-directory-group-modify': h_directory_group_modify,
    'nethserver-dc-group-create': h_dc_group,
    'nethserver-dc-group-modify': h_dc_group,
    'nethserver-directory-password-policy': lambda c: h_password_policy(c, False),
    'nethserver-dc-password-policy': lambda c: h_password_policy(c, True),
    'nethserver-ibays-ibay-create': h_ibay_create,
    'nethserver-ibays-set-permissions': h_ibay_set_permissions,
    'interface-config-write': h_interface_config_write,
    'static-routes-save': h_static_routes_save,
    'nethserver-dnsmasq-signalsave': h_dnsmasq_signalsave,
    'nethserver-dc-join': h_dc_join,
    'nethserver-dc-provision': h_dc_provision,
    'nethserver-dc-createldapservice': h_dc_createldapservice,
    'nethserver-dc-createadmins': h_dc_createadmins,
    'generic_template_expand': h_generic_template_expand,
    'adjust-services': h_adjust_services,
}


def action_name(argv0):
    """The action a handler link stands for: S04foo -> ../actions/foo -> 'foo'."""
    name = os.path.basename(argv0)
    if os.path.islink(argv0):
        target = os.readlink(argv0)
        if '/actions/' in target or target.startswith('../actions'):
            return os.path.basename(target)
    return re.sub(r'^S\d+', '', name)


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    name = action_name(argv[0])
    event = argv[1] if len(argv) > 1 else ''
    ctx = Ctx(name, event, argv[2:])
    handler = HANDLERS.get(name, h_record)
    try:
        status = handler(ctx)
    except Exception as exc:                  # a handler crash is a FAILED action
        sys.stdout.write('{}: {}: {}\n'.format(name, type(exc).__name__, exc))
        status = 1
    sys.stdout.flush()
    common.journal('action', name, ctx.args, exit=status, event=event,
                   recorded_only=handler is h_record, **ctx.extra)
    return status
