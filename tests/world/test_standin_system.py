"""Default DBs, system accounts, update events, network, shared folders, small commands."""

import os
import stat

import pytest

from nethserver_migration import esmithdb
from tests.world.fixtures import sandbox, sandbox_factory  # noqa: F401

pytestmark = pytest.mark.sandbox

DOVECOT = ('dovecot=service|AdminIsMaster|disabled|DeletedToTrash|disabled|FtsLuceneStatus|'
           'enabled|ImapStatus|enabled|KrbKeytabPath|/var/lib/dovecot/krb5.keytab|'
           'KrbPrimaryList|smtp,imap,pop|KrbStatus|enabled|LmtpInetListenerStatus|disabled|'
           'LogActions|enabled|MaxProcesses|400|MaxUserConnectionsPerIp|12|PopStatus|enabled|'
           'QuotaDefaultSize|20|QuotaStatus|disabled|SharedMailboxesStatus|enabled|SharedSeen|'
           'enabled|SpamFolder|Junk|SpamRetentionTime|15d|TCPPorts|110,143,4190,993,995|'
           'TlsSecurity|required|VszLimit||access|green,red|status|enabled')
POSTFIX = ('postfix=service|AccessBypassList||AccessPolicies||AlwaysBccAddress||AlwaysBccStatus|'
           'disabled|ConnectionsLimit|0|ConnectionsLimitPerIp|0|DynamicGroupAlias|disabled|'
           'HeloHost||MessageQueueLifetime|4|MessageSizeMax|20000000|SenderValidation|disabled|'
           'SmartHostName||SmartHostPassword||SmartHostPort|25|SmartHostStatus|disabled|'
           'SmartHostTlsStatus|enabled|SmartHostUsername||SystemUserRecipientStatus|disabled|'
           'TCPPorts|25,465,587|access|green,red|status|enabled')


def _lines(sb, db):
    with open(sb.path('/var/lib/nethserver/db/' + db)) as f:
        return f.read().splitlines()


def test_default_dbs_are_ns7s_and_byte_compatible(sandbox):
    conf = _lines(sandbox, 'configuration')
    assert conf[:5] == esmithdb.HEADER.splitlines()[:5]
    assert DOVECOT in conf and POSTFIX in conf
    assert 'passwordstrength=configuration|MaxPassAge|180|MinPassAge|0|PassExpires|no|' \
           'PassWarning|7|Users|strong' in conf
    assert 'MinUid=5000' in conf and 'maxAcctNameLength=31' in conf
    assert not [l for l in conf if l.split('=')[0] in ('SystemName', 'DomainName', 'TimeZone')]
    for db in ('configuration', 'accounts', 'domains', 'networks', 'routes', 'hosts', 'dhcp',
               'proxypass'):
        p = sandbox.path('/var/lib/nethserver/db/' + db)
        records, issues = esmithdb.read_file(p)
        assert issues == []
        with open(p) as f:
            text = f.read()
        assert text.split('\n', 6)[6] == esmithdb.format_db(records).split('\n', 6)[6]
    assert _lines(sandbox, 'accounts')[6:] == [
        'postmaster@=pseudonym|Access|public|Account|root|Description|RFC-mandatory postmaster alias']
    assert _lines(sandbox, 'routes')[6:] == [] and _lines(sandbox, 'hosts')[6:] == []
    assert _lines(sandbox, 'networks')[6:] == [
        'eth0=ethernet|bootproto|none|gateway|192.168.1.254|ipaddr|192.168.1.10|netmask|'
        '255.255.255.0|role|green',
        'ppp0=xdsl-disabled|AuthType|auto|FwInBandwidth||FwOutBandwidth||Password||name|PPPoE|'
        'provider|xDSL provider|role|red|user|']
    st = os.stat(sandbox.path('/var/lib/nethserver/db'))
    assert stat.S_IMODE(st.st_mode) == 0o2750 and st.st_uid == 0
    assert st.st_gid == sandbox.system_gids['adm']


def test_modules_decide_records_and_system_accounts(sandbox_factory):
    bare = sandbox_factory(provider='none', modules=[])
    conf = bare.db('configuration')
    assert 'dovecot' not in conf and 'smb' not in conf and 'slapd' not in conf
    assert conf.get('postfix').props == {'status': 'enabled'}
    assert len(bare.db('accounts')) == 0 and len(bare.db('domains')) == 0
    with open(bare.path('/etc/passwd')) as f:
        names = {l.split(':')[0]: l.split(':') for l in f}
    assert names['postfix'][2:4] == ['89', '89'] and names['apache'][2] == '48'
    assert 'vmail' not in names and 'dovecot' not in names and 'ldap' not in names
    assert not os.path.exists(bare.path('/var/lib/nethserver/vmail'))
    res = bare.run(['rpm', '-q', 'nethserver-mail-server', 'nethserver-base'])
    assert res.returncode == 1
    assert res.stdout.splitlines()[0] == 'package nethserver-mail-server is not installed'
    mail = sandbox_factory(provider='ldap', modules=['nethserver-mail-server'])
    with open(mail.path('/etc/passwd')) as f:
        names = {l.split(':')[0]: l.split(':') for l in f}
    assert names['dovecot'][2] == '97' and names['ldap'][2] == '55'
    assert 990 <= int(names['vmail'][2]) < 1000
    vm = os.stat(mail.path('/var/lib/nethserver/vmail'))
    assert stat.S_IMODE(vm.st_mode) == 0o700 and vm.st_uid == int(names['vmail'][2])
    assert mail.getent('group', 'vmail')[3] == 'postfix'
    assert mail.db('domains').get('example.org').props['TransportType'] == 'LocalDelivery'
    assert stat.S_IMODE(os.stat(mail.path('/var/lib/nethserver/ibay')).st_mode) == 0o775


def test_library_derives_systemname_inside(sandbox_factory):
    sb = sandbox_factory(hostname='srv1.acme.test', provider='none', timezone='Europe/Rome')
    sb.install_package(os.path.join(os.path.dirname(__file__), '..', '..', 'root'))
    res = sb.run(['python3', '-c', 'from nethserver_migration import esmithdb as e\n'
                  'd = e.Database.open("configuration")\n'
                  'print(d.get_value("SystemName"), d.get_value("DomainName"), '
                  'd.get_value("TimeZone"))'])
    assert res.stdout.split() == ['srv1', 'acme.test', 'Europe/Rome'], res.stderr


def test_update_events_apply_defaults_without_overwriting(sandbox):
    with sandbox.db('configuration').batch() as db:
        db.merge_props('dovecot', {'SpamFolder': 'Spam'})
        db.delete_prop('dovecot', 'QuotaStatus')
        db.delete('chronyd')
        db.merge_props('dnsmasq', {'DhcpStatus': 'enabled', 'DhcpRangeStart': '192.168.1.100',
                                   'DhcpRangeEnd': '192.168.1.150', 'DhcpLeaseTime': '86400'})
    sandbox.db('routes').set_record('192.168.50.0', 'static', {
        'Mask': '255.255.255.0', 'Router': '192.168.1.254', 'Description': 'lab'})
    assert sandbox.signal_event('nethserver-dnsmasq-update').returncode == 0
    conf = sandbox.db('configuration')
    dov = conf.get('dovecot').props
    assert dov['SpamFolder'] == 'Spam' and dov['QuotaStatus'] == 'disabled'
    assert conf.get('chronyd').props['NTPServer'] == 'pool.ntp.org'
    assert not [p for p in conf.get('dnsmasq').props if p.startswith('Dhcp')]
    dhcp = sandbox.db('dhcp').get('eth0')
    assert dhcp.type == 'range'
    assert (dhcp.props['DhcpRangeStart'], dhcp.props['DhcpRangeEnd'],
            dhcp.props['DhcpStatus']) == ('192.168.1.100', '192.168.1.150', 'enabled')
    routes = sandbox.db('routes')
    assert routes.keys() == ['192.168.50.0/24']
    assert routes.get('192.168.50.0/24').props == {
        'Router': '192.168.1.254', 'Device': 'eth0', 'Metric': '', 'Description': 'lab'}
    assert sandbox.signal_event('nethserver-mail-server-update').returncode == 0
    ev = sandbox.journal(kind='event')
    assert [e['name'] for e in ev] == ['nethserver-dnsmasq-update',
                                       'nethserver-mail-server-update']


def test_static_routes_save_writes_route_files_only_in_the_sandbox(sandbox):
    sandbox.db('routes').set_record('10.1.0.0/16', 'static', {
        'Router': '192.168.1.1', 'Device': '', 'Metric': '10', 'Description': ''})
    sandbox.db('routes').set_record('10.2.0.0', 'static', {'Router': '192.168.1.2',
                                                            'Mask': '255.255.0.0'})
    assert sandbox.signal_event('static-routes-save').returncode == 0
    d = sandbox.path('/etc/sysconfig/network-scripts')
    with open(os.path.join(d, 'route-eth0')) as f:
        assert f.read().splitlines() == ['10.1.0.0/16 via 192.168.1.1 metric 10',
                                         '10.2.0.0 via 192.168.1.2']
    assert 'ifcfg-eth0' in os.listdir(d)
    assert any('not in the NethServer 7 CIDR layout' in l for l in sandbox.messages())
    acts = [j['name'] for j in sandbox.journal(kind='action')]
    assert acts == ['network-route-down', 'interface-config-write',
                    'interface-config-write-pppoe', 'network-route-up']


@pytest.mark.parametrize('provider,access,mode,group', [
    ('ldap', ('rw', ''), 0o2770, 'root'),
    ('ad', ('rw', 'r'), 0o2775, 'domain users'),
    ('ad', ('r', ''), 0o2750, 'domain users'),
], ids=['ldap-rw', 'ad-rw-r', 'ad-r'])
def test_ibay_create_permissions(sandbox_factory, provider, access, mode, group):
    sb = sandbox_factory(provider=provider)
    res = sb.signal_event('ibay-create', 'sales')
    assert res.returncode == 1          # the record must exist before the event
    sb.signal_event('user-create', 'jdoe', check=True)
    sb.db('accounts').set_record('sales', 'ibay', {
        'GroupAccess': access[0], 'OtherAccess': access[1], 'AclRead': '', 'AclWrite': '',
        'OwningGroup': 'domain users@example.org', 'SmbGuestAccessType': 'none',
        'Description': 'Sales'})
    res = sb.signal_event('ibay-create', 'sales')
    assert res.returncode == 0, sb.messages()
    p = sb.path('/var/lib/nethserver/ibay/sales')
    st = os.stat(p)
    assert stat.S_IMODE(st.st_mode) == mode and st.st_uid == 0
    gid = 0 if group == 'root' else sb.provider_store()['groups'][group]['gid']
    assert st.st_gid == gid
    # ACL entries: ibay-modify applies AclRead/AclWrite to the top directory (+ defaults)
    sb.db('accounts').merge_props('sales', {'AclRead': 'jdoe', 'AclWrite': 'jdoe'})
    assert sb.signal_event('ibay-modify', 'sales').returncode == 0
    acl = sb.run(['getfacl', '-cn', '/var/lib/nethserver/ibay/sales']).stdout
    uid = sb.provider_store()['users']['jdoe']['uid']
    assert 'user:{}:rwx'.format(uid) in acl and 'default:user:{}:rwx'.format(uid) in acl
    assert 'group::{}'.format('rwx' if 'w' in access[0] else 'r-x') in acl
    assert sb.signal_event('ibay-create', '../etc').returncode == 1


def test_small_commands(sandbox):
    res = sandbox.run(['bash', '-c', '''
        systemctl is-active dovecot; echo a=$?; systemctl is-active nosuch.service; echo b=$?
        systemctl restart sssd; echo c=$?
        timedatectl set-timezone Europe/Rome; readlink /etc/localtime
        expand-template /etc/samba/smb.conf; echo d=$?
        config getprop sssd Provider; config setprop postfix SmartHostPassword s3cr3t
        db accounts keys; rpm -qa | grep -c nethserver'''])
    out = res.stdout.splitlines()
    assert out[:5] == ['active', 'a=0', 'inactive', 'b=3', 'c=0']
    assert out[5] == '../usr/share/zoneinfo/Europe/Rome'
    assert os.readlink(sandbox.path('/etc/localtime')).endswith('Europe/Rome')
    assert out[6:9] == ['d=0', 'ldap', 'postmaster@']
    assert int(out[9]) == len(sandbox.modules)
    assert sandbox.db('configuration').get('postfix').props['SmartHostPassword'] == 's3cr3t'
    journal = open(sandbox.path('/var/log/ns7-standin/journal.jsonl')).read()
    assert 's3cr3t' not in journal
    names = [j['name'] for j in sandbox.journal(kind='command')]
    assert names == ['systemctl', 'systemctl', 'systemctl', 'timedatectl', 'expand-template',
                     'config', 'config', 'db', 'rpm']
