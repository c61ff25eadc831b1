"""The e-smith DBs of home/e-smith/db, written by the generator's own writer (escaped_line).

``raw_lines`` (db name -> list of bytes lines) carries what format_db must refuse but real
SME files hold (escaped pipes, odd field counts, comments...): corner cases append them.
"""

import os
import time

from nethserver_migration import esmithdb

from .model import EPOCH, MIN_UID, RELEASE

R = esmithdb.Record
# SME's own header (esmithdb writes NethServer's): the parser must not care, the eye does.
# The header SME's own writer puts on its DBs (esmith::config, SME 7-9 wording).
SME_HEADER = (
    "# DO NOT MODIFY THIS FILE.\n"
    "# This file is automatically maintained by the Mitel Networks SME Server\n"
    "# configuration software.  Manually editing this file may put your \n"
    "# system in an unknown state.\n"
    "#\n"
    "# updated: {}\n"
)

SYSTEM_ACCOUNTS = (
    ('admin', None), ('root', {'Gid': '0', 'Uid': '0'}), ('shared', {'Gid': '500', 'Visible': 'internal'}),
    ('www', {'Gid': '102', 'Uid': '100'}), ('public', {'Gid': '103', 'Uid': '102'}),
    ('primary', {}), ('alias', {'Gid': '400', 'Uid': '400'}), ('nobody', {'Gid': '99', 'Uid': '99'}),
    ('qmaild', {'Gid': '400', 'Uid': '401'}), ('qmaill', {'Gid': '400', 'Uid': '402'}),
    ('qmailp', {'Gid': '400', 'Uid': '403'}), ('qmailq', {'Gid': '401', 'Uid': '404'}),
    ('qmailr', {'Gid': '401', 'Uid': '405'}), ('qmails', {'Gid': '401', 'Uid': '406'}),
    ('users', {'Gid': '100'}), ('wheel', {'Gid': '10'}), ('mail', {'Gid': '12', 'Uid': '8'}),
)
URLS = ('cgi-bin', 'e-smith-manager', 'e-smith-password', 'files', 'icons', 'server-common',
        'server-manager', 'server-manual', 'server-resources', 'user-password', 'webmail')


def escaped_line(record):
    """The line Perl's writer (or a hand edit) left for what esmithdb refuses to write:
    a pipe written as ``\\|`` (old API), Latin-1 bytes (SME had no encoding)."""
    parts = [record.type]
    for name in sorted(record.props):
        parts += [name, record.props[name].replace('|', '\\|')]
    line = '{}={}\n'.format(record.key, '|'.join(parts).replace('\n', '\\n'))
    return line.encode('utf-8', 'surrogateescape')


def _line(record):
    # The generator's own writer (the library's esmithdb is the code under test): for a
    # value without a pipe it is exactly NethServer's line; a pipe is left as SME's old
    # API left it, escaped.
    return escaped_line(record)


def write_db(tree, name, records, raw_lines=()):
    """home/e-smith/db/<name>: esmithdb's header (SME's wording) and sorted records, then
    the raw lines, as a later hand edit appends them."""
    header = SME_HEADER.format(time.ctime(EPOCH)).encode('utf-8')
    by_key = {r.key: r for r in records}
    keys = sorted(by_key, key=lambda k: k.encode('utf-8', 'surrogateescape'))
    data = header + b''.join(_line(by_key[k]) for k in keys) + b''.join(raw_lines)
    path = os.path.join(tree, 'home/e-smith/db', name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def accounts(model):
    recs = []
    admin = {'EmailForward': 'local', 'FirstName': 'Local', 'ForwardAddress': '',
             'Gid': '101', 'LastName': 'Administrator', 'Lockable': 'no', 'PasswordSet': 'yes',
             'Removable': 'no', 'Shell': '/sbin/e-smith/console', 'Uid': '101',
             'VPNClientAccess': 'no'}
    for key, props in SYSTEM_ACCOUNTS:
        recs.append(R(key, 'system', admin if key == 'admin' else props))
    recs += [R(u, 'url', {'Comment': 'placeholder for webmail URL'} if u == 'webmail' else {})
             for u in URLS]
    recs.append(R('devnull', 'alias', {}))
    recs.append(R('netlogon', 'netlogon', {'Comment': 'placeholder for netlogon share'}))
    recs.append(R('Primary', 'ibay', {
        'CgiBin': 'enabled', 'Group': 'shared', 'Modifiable': 'no', 'Name': 'Primary i-bay',
        'PasswordSet': 'no', 'Passwordable': 'no', 'PublicAccess': 'global',
        'Removable': 'no', 'UserAccess': 'wr-admin-rd-group'}))
    for u in model.users:
        props = dict(u.props, Uid=str(u.uid), Gid=str(u.gid))
        recs.append(R(u.name, 'user', props))
    for g in model.groups:
        props = {}
        if g.description is not None:
            props['Description'] = g.description
        if g.members is not None:
            props['Members'] = ','.join(g.members)
        if g.has_ids:
            props.update(Gid=str(g.gid), Uid=str(g.uid))
        recs.append(R(g.name, 'group', props))
    for b in model.ibays:
        props = dict(b.props)
        props.update(CgiBin=b.cgi, Gid=str(b.gid), Group=b.group, Name=b.description,
                     PasswordSet='yes' if b.password else 'no', PublicAccess=b.public_access,
                     RecycleBin=b.recycle, Uid=str(b.uid), UserAccess=b.user_access)
        recs.append(R(b.name, 'ibay', props))
    for p in model.pseudonyms:
        recs.append(R(p.key, 'pseudonym', dict(p.props, Account=p.account)))
    for i, m in enumerate(model.machines):
        props = {} if model.version == '7' else {'Gid': str(4900 + i), 'Uid': str(4900 + i)}
        recs.append(R(m, 'machine', props))
    if model.nethservice:
        recs.append(R('webapp', 'ProxyPass', {'Description': 'Internal web app',
                                               'Target': 'http://192.168.1.20:8080/',
                                               'Domain': 'app.' + model.domain_name,
                                               'HTTP': 'yes', 'HTTPS': 'yes'}))
    return recs


def configuration(model):
    v = model.version
    scal = {
        'AccessType': 'dedicated', 'ActiveAccounts': str(len(model.users)),
        'DomainName': model.domain_name, 'SystemName': model.system_name,
        'EmailUnknownUser': 'returntosender', 'ExternalDHCP': 'off',
        'ExternalNetmask': '255.255.255.0', 'GatewayIP': model.local_ip.rsplit('.', 1)[0] + '.254',
        'LocalIP': model.local_ip, 'LocalNetmask': '255.255.255.0',
        'MinUid': str(model.next_uid), 'PasswordSet': 'yes', 'SMTPSmartHost': 'smtp.isp.example',
        'SystemMode': 'serveronly', 'TimeZone': 'Europe/Rome', 'UnsavedChanges': 'no',
        'maxAcctNameLength': '31', 'maxGroupNameLength': '31', 'maxIbayNameLength': '12',
        'DelegateMailServer': '', 'ConsoleMode': 'login',
    }
    recs = [R(k, val) for k, val in scal.items()]
    smb = {'DeadTime': '10080', 'KeepVersions': 'disabled', 'LogonDrive': 'Z',
           'OpLocks': 'enabled', 'RecycleBin': 'disabled', 'RoamingProfiles': 'no',
           'ServerName': model.system_name, 'ServerRole': model.role, 'ShadowCount': '10',
           'ShadowDir': '/home/e-smith/files/.shadow', 'UnixCharSet': 'UTF8',
           'UseClientDriver': 'yes', 'Workgroup': model.domain_name.split('.')[0] + '-net',
           'status': 'enabled'}
    if v != '7':
        smb['OsLevel'] = '35'
    ldap = {'TCPPort': '389', 'access': 'private', 'defaultCity': 'Ottawa',
            'defaultCompany': 'XYZ Corporation', 'defaultDepartment': 'Main',
            'defaultPhoneNumber': '555-5555', 'defaultStreet': '123 Main Street',
            'status': 'enabled'}
    if v != '7':
        ldap['Authentication'] = 'enabled' if model.ldap_auth else 'disabled'
    services = {
        'sysconfig': ('configuration', {'ReleaseVersion': RELEASE[v], 'PreviousSystemMode': 'unknown',
                                        'Registration': 'none', 'SystemID': 'sme-{}'.format(model.seed),
                                        'Language': 'en_US', 'KeyboardType': 'pc', 'Keytable': 'us'}),
        'InternalInterface': ('interface', {'Name': 'eth0', 'Configuration': 'static',
                                            'IPAddress': model.local_ip, 'Netmask': '255.255.255.0',
                                            'Network': model.local_net, 'Driver': 'e1000',
                                            'Broadcast': model.local_net[:-1] + '255'}),
        'smb': ('service', smb),
        'nmbd': ('service', {'UDPPorts': '137,138', 'access': 'private', 'status': 'enabled'}),
        'smbd': ('service', {'TCPPorts': '139,445', 'access': 'private', 'status': 'enabled'}),
        'ldap': ('service', ldap),
        'modSSL': ('service', {'CipherSuite': 'ALL:!aNULL:!ADH:!eNULL:!LOW:!EXP:RC4+RSA:+HIGH:+MEDIUM',
                               'TCPPort': '443', 'access': 'public', 'status': 'enabled'}),
        'passwordstrength': ('configuration', {'Admin': 'strong', 'Ibays': 'strong',
                                               'Users': 'normal'}),
        'ntpd': ('service', {'NTPServer': 'smeserver.pool.ntp.org', 'status': 'enabled'}),
        'sshd': ('service', {'PasswordAuthentication': 'yes', 'PermitRootLogin': 'no',
                             'TCPPort': '22', 'UsePAM': 'yes', 'access': 'private',
                             'status': 'enabled'}),
        'dhcpd': ('service', {'Bootp': 'deny', 'end': model.local_net[:-1] + '250',
                              'start': model.local_net[:-1] + '65', 'status': 'enabled'}),
        'spamassassin': ('service', {'DNSAvailable': 'yes', 'MessageRetentionTime': '90',
                                     'RejectLevel': '12', 'ReportSafe': '0', 'Sensitivity': 'medium',
                                     'SortSpam': 'enabled', 'Subject': '[SPAM]', 'SubjectTag': 'disabled',
                                     'TagLevel': '4', 'UseBayes': '1', 'status': 'enabled'}),
        'smtp-auth-proxy': ('service', {'Debug': '0', 'Passwd': 'smarthost-secret', 'PeerPort': '587',
                                        'Userid': 'relay@' + model.domain_name, 'status': 'enabled'}),
        'smtpd': ('service', {'Authentication': 'disabled', 'Instances': '40', 'TCPPort': '25',
                              'VirusScan': 'enabled', 'access': 'public', 'status': 'enabled'}),
        'qpsmtpd': ('service', {'DNSBL': 'enabled', 'RBLList': 'zen.spamhaus.org',
                                'RHSBL': 'disabled', 'SBLList': 'dbl.spamhaus.org',
                                'access': 'public', 'status': 'enabled'}),
        'qmail': ('service', {'MaxMessageSize': '15000000', 'status': 'enabled'}),
        'fetchmail': ('service', {'FreqOffice': 'every15min', 'FreqOutside': 'everyhour',
                                  'FreqWeekend': 'never', 'Method': 'standard',
                                  'SecondaryMailAccount': 'popaccount',
                                  'SecondaryMailPassword': 'poppassword',
                                  'SecondaryMailServer': 'mail.myisp.xxx', 'status': 'disabled'}),
        'imap': ('service', {'ConcurrencyLimit': '400', 'TCPPort': '143', 'access': 'private',
                             'status': 'enabled'}),
        'imaps': ('service', {'TCPPort': '993', 'access': 'public', 'status': 'enabled'}),
        'pop3': ('service', {'access': 'private', 'status': 'enabled'}),
        'mysqld': ('service', {'LocalNetworkingOnly': 'yes', 'status': 'enabled'}),
        'httpd-admin': ('service', {'TCPPort': '980', 'ValidFrom': '', 'status': 'enabled'}),
        'dnscache': ('service', {'Forwarder': '8.8.8.8', 'status': 'enabled'}),
        'pptpd': ('service', {'AccessDefault': 'none', 'sessions': '0', 'status': 'disabled'}),
        'clamav': ('service', {'FilesystemScan': 'disabled', 'Quarantine': 'disabled',
                               'status': 'enabled'}),
        'crond': ('service', {'status': 'enabled'}),
    }
    if v == 'nethservice':
        services['sogod'] = ('service', {'TCPPort': '20000', 'status': 'enabled',
                                         'MailAuxiliaryUserAccountsEnabled': 'yes'})
        services['ejabberd'] = ('service', {'status': 'enabled', 'TCPPort': '5222'})
    recs += [R(k, t, p) for k, (t, p) in services.items()]
    return recs


def small_dbs(model):
    """domains, hosts, networks, spamassassin and the other DBs a backup holds."""
    # smeserver-spamassassin's layout: one prop per address or pattern, valued White or
    # Black (nethserver-mail's nethserver-mail-migrate-wbl reads it so).
    wbl = {'spam@bad.example': 'Black', '*@junk.example': 'Black', 'spam*@odd.example': 'Black',
           'partner@{0}'.format(model.domain_name): 'White', '*@trusted.example': 'White'}
    out = {
        'domains': [R(d['key'], d['type'], d['props']) for d in model.domains],
        'hosts': [R(h['key'], h['type'], h['props']) for h in model.hosts],
        'networks': [R(n['key'], n['type'], n['props']) for n in model.networks],
        'spamassassin': [R('wbl.global', 'list', wbl),
                         R('wbl.global_to', 'list', {'postmaster@' + model.domain_name: 'White',
                                                     'ceo@' + model.domain_name: 'Black'})],
        'backups': [R(str(EPOCH - 86400), 'backup_record', {
            'BackupType': 'desktop', 'StartEpochTime': str(EPOCH - 86400),
            'EndEpochTime': str(EPOCH - 86000), 'Result': '0'})],
        'mailpatterns': [R('Exe', 'pattern', {'Status': 'enabled', 'Description': 'Windows executable',
                                              'Glob': '*.exe', 'LineStart': 'TVqQAAMAA'})],
    }
    if model.nethservice:
        users = [u.name for u in model.users[:3]]
        out['fetchmail'] = [R('{}@pop.isp.example'.format(u), 'getmail', {
            'account': u, 'active': 'YES', 'nokeep': 'NO', 'password': 'fetch-{}'.format(u),
            'popserver': 'pop.isp.example', 'username': u}) for u in users]
        out['sogo_sources'] = [R('public', 'addressbook', {'Description': 'Public contacts'})]
    return out


def write_all(tree, model, raw_lines, patches):
    """Every DB; patches[name](records) may change a DB's record list (corner cases)."""
    dbs = {'accounts': accounts(model), 'configuration': configuration(model)}
    dbs.update(small_dbs(model))
    for name, recs in dbs.items():
        if name in patches:
            recs = patches[name](recs)
        write_db(tree, name, recs, raw_lines.get(name, ()))
    return sorted(dbs)


__all__ = ['write_all', 'accounts', 'configuration', 'small_dbs', 'MIN_UID']
