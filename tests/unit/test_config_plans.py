"""The configuration concern's plans, as tables: what was read -> the steps decided."""

import pytest

from nethserver_migration import checks
from nethserver_migration.destination import Destination
from nethserver_migration.actions import (certificates, config, dhcp, hosts, network,
                                          openssh, proxypass, review, rootdir, services)
from nethserver_migration.steps import (InstallFile, MergeTree, MoveInto, Note, Run,
                                        SetProps, SetValue, Signal, WriteFile)


def of(steps, kind):
    return [s for s in steps if isinstance(s, kind)]


def keys(steps):
    return [s.key for s in of(steps, Note) if s.key]


# -- checks ----------------------------------------------------------------------------

@pytest.mark.parametrize('text, ok', [
    ('10.0.0.1', True), ('255.255.255.255', True), ('10.0.0.1.example.com', False),
    ('10.0.0', False), ('256.1.1.1', False), (' 10.0.0.1', True), ('', False), (None, False)])
def test_ipv4_is_anchored(text, ok):
    assert bool(checks.ipv4(text)) == ok


@pytest.mark.parametrize('mask, prefix', [('255.255.255.0', 24), ('255.255.255.240', 28),
                                          ('255.0.255.0', None), ('24', None), ('', None)])
def test_netmask_prefix(mask, prefix):
    assert checks.netmask_prefix(mask) == prefix


def test_shell_quote_and_mac():
    assert checks.shell_quote("a'b!c") == "'a'\\''b!c'"
    assert checks.mac('ED-EA-F6-F3-AC-4B') == 'ed:ea:f6:f3:ac:4b'
    assert checks.mac('ed:ea:f6') is None


# -- config ----------------------------------------------------------------------------

def config_state(**kw):
    state = {'source_dir': '/var/lib/migration', 'passwordstrength': None,
             'limits': {}, 'ldap': None, 'smb': None, 'role': 'WS',
             'samba_installed': True, 'sssd_installed': True, 'sssd_workgroup': ''}
    state.update(kw)
    return config.Facts(**state)


@pytest.mark.parametrize('users, expected', [('strong', 'strong'), ('normal', 'strong'),
                                             ('none', 'none'), ('length', 'strong')])
def test_password_policy_users_mapping(users, expected):
    steps = config.plan_password_policy(config_state(passwordstrength={
        'Users': users, 'Admin': 'strong', 'Ibays': 'none', 'PassExpires': 'maybe'}))
    assert of(steps, SetProps) == [SetProps('configuration', 'passwordstrength',
                                            'configuration', {'Users': expected},
                                            'password policy: passwordstrength Users={}'
                                            .format(expected))]
    assert of(steps, Signal) == [Signal('password-policy-update', (), 'password policy')]


def test_password_policy_limits_and_bad_values():
    steps = config.plan_password_policy(config_state(limits={
        'MinUid': '5042', 'maxAcctNameLength': 'x12', 'maxGroupNameLength': None}))
    assert of(steps, SetValue) == [SetValue('configuration', 'MinUid', '5042', 'MinUid = 5042')]
    assert keys(steps) == ['config.bad-value']
    assert of(steps, Signal)


def test_no_policy_in_source_changes_nothing():
    assert not of(config.plan_password_policy(config_state()), (SetProps, SetValue, Signal))


@pytest.mark.parametrize('raw, expected', [(None, 'Z:'), ('', 'Z:'), ('Z', 'Z:'),
                                           ('Z:', 'Z:'), ('h', 'H:'), ('Z::', 'Z:'),
                                           ('ZZ', None), ('1', None)])
def test_logon_drive_has_one_colon(raw, expected):
    smb = {'status': 'enabled'}
    if raw is not None:
        smb['LogonDrive'] = raw
    steps = config.plan_logon_drive(config_state(smb=smb))
    if expected is None:
        assert keys(steps) == ['config.bad-value'] and not of(steps, SetProps)
    else:
        assert of(steps, SetProps)[0].props == {'LogonDrive': expected}


def test_logon_drive_without_samba_module():
    steps = config.plan_logon_drive(config_state(smb={'LogonDrive': 'Z'},
                                                 samba_installed=False))
    assert keys(steps) == ['module.missing'] and not of(steps, SetProps)
    assert steps[0].commands == ('yum install -y nethserver-samba',
                                 'signal-event migration-import /var/lib/migration')


@pytest.mark.parametrize('role, workgroup, current, expected, found', [
    ('PDC', 'mitel-networks', '', 'MITEL-NETWORKS', []),
    ('PDC', 'corp', 'OTHER', 'CORP', ['config.workgroup-replaced']),
    ('WS', 'corp', '', None, []),
    ('PDC', '', '', None, []),
    ('PDC', 'a workgroup too long', '', None, ['config.bad-value']),
])
def test_workgroup_only_for_pdc(role, workgroup, current, expected, found):
    steps = config.plan_workgroup(config_state(role=role, smb={'Workgroup': workgroup},
                                               sssd_workgroup=current))
    props = [s.props for s in of(steps, SetProps)]
    assert props == ([{'Workgroup': expected}] if expected else [])
    assert keys(steps) == found


def test_organization_contact_pipe_is_reported_rest_kept():
    steps = config.plan_organization(config_state(ldap={'defaultCity': 'Ottawa',
                                                        'defaultCompany': 'A|B'}))
    assert of(steps, SetProps)[0].props == {'City': 'Ottawa'}
    assert keys(steps) == ['config.bad-value']


# -- network ---------------------------------------------------------------------------

GREEN = {'eth0': ('ethernet', {'role': 'green', 'ipaddr': '192.168.1.10',
                               'netmask': '255.255.255.0'}),
         'eth1': ('ethernet', {'role': 'red', 'ipaddr': '1.2.3.4', 'netmask': '255.0.0.0'})}


def net_state(records, routes=None, networks=None):
    dest = dict(GREEN)
    dest.update(networks or {})
    return network.Facts(networks=records, dest_networks=dest, dest_routes=routes or {},
                         events_pending=False)


def test_network_and_route_in_ns7_layout():
    steps = network.plan(net_state([
        ('192.168.1.0', 'network', {'Mask': '255.255.255.0', 'SystemLocalNetwork': 'yes'}),
        ('10.5.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.254'})]))
    assert of(steps, SetProps) == [
        SetProps('networks', '10.5.0.0', 'network',
                 {'Mask': '255.255.0.0', 'Description': network.DESCRIPTION},
                 'trusted network 10.5.0.0 (Mask 255.255.0.0)'),
        SetProps('routes', '10.5.0.0/16', 'static',
                 {'Router': '192.168.1.254', 'Device': 'eth0', 'Metric': '',
                  'Description': network.DESCRIPTION},
                 'static route 10.5.0.0/16 via 192.168.1.254 dev eth0')]
    assert [s.event for s in of(steps, Signal)] == ['static-routes-save', 'interface-update']


def test_network_rerun_signals_nothing():
    steps = network.plan(net_state(
        [('10.5.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.254'})],
        routes={'10.5.0.0/16': ('static', {'Router': '192.168.1.254'})},
        networks={'10.5.0.0': ('network', {'Mask': '255.255.0.0'})}))
    assert not of(steps, (SetProps, Signal))


def test_route_created_even_when_network_exists_and_conflicts_reported():
    steps = network.plan(net_state(
        [('10.5.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.254'}),
         ('10.6.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.1'})],
        routes={'10.6.0.0/16': ('static', {'Router': '192.168.1.2'})},
        networks={'10.5.0.0': ('network', {'Mask': '255.255.0.0'})}))
    assert [s.key for s in of(steps, SetProps)] == ['10.5.0.0/16', '10.6.0.0']
    assert keys(steps) == ['network.conflict']


@pytest.mark.parametrize('props, found', [
    ({'Router': '192.168.1.254'}, ['network.bad-record']),              # no Mask
    ({'Mask': '255.0.255.0'}, ['network.bad-record']),
    ({'Mask': '255.255.0.0', 'Router': 'gw.example.com'}, ['network.bad-route']),
    ({'Mask': '255.255.0.0', 'Router': '172.16.0.1'}, ['network.route-unreachable']),
    ({'Mask': '255.255.0.0', 'RemoteVPNSubnet': 'yes'}, ['network.vpn-subnet']),
    ({'Mask': '255.255.0.0', 'Router': 'default'}, []),
])
def test_network_bad_records(props, found):
    assert keys(network.plan(net_state([('10.5.0.0', 'network', props)]))) == found


def test_missing_networks_db():
    steps = network.plan(net_state(None))
    assert keys(steps) == ['network.source-missing'] and not of(steps, Signal)


# -- dhcp ------------------------------------------------------------------------------

def dhcp_state(dhcpd, existing=None, installed=True):
    return dhcp.Facts(source_dir='/x', dhcpd=dhcpd, installed=installed,
                      dest_networks=dict(GREEN), existing=existing or {})


ENABLED = {'status': 'enabled', 'start': '192.168.1.65', 'end': '192.168.1.250'}


def test_dhcp_new_range_record():
    steps = dhcp.plan(dhcp_state(ENABLED))
    props = of(steps, SetProps)[0].props
    assert of(steps, SetProps)[0][:3] == ('dhcp', 'eth0', 'range')
    assert props['DhcpRangeStart'] == '192.168.1.65' and props['status'] == 'enabled'
    assert props['DhcpLeaseTime'] == ''
    assert of(steps, Signal) == [Signal('nethserver-dnsmasq-update', (), 'DHCP')]


def test_dhcp_merged_into_existing_record_with_conflict():
    existing = {'eth0': ('range', {'DhcpRangeStart': '192.168.1.100', 'DhcpRangeEnd': '',
                                   'status': 'enabled', 'DhcpLeaseTime': '3600'})}
    steps = dhcp.plan(dhcp_state(ENABLED, existing))
    assert of(steps, SetProps)[0].props == {'DhcpRangeEnd': '192.168.1.250'}
    assert keys(steps) == ['dhcp.conflict']


@pytest.mark.parametrize('dhcpd, found', [
    ({'status': 'disabled', 'start': '192.168.1.65', 'end': '192.168.1.250'}, []),
    (None, []),
    ({'status': 'enabled', 'start': '192.168.1.250', 'end': '192.168.1.65'}, ['dhcp.bad-range']),
    ({'status': 'enabled', 'start': '10.0.0.1', 'end': '10.0.0.9'}, ['dhcp.no-interface']),
])
def test_dhcp_skips(dhcpd, found):
    steps = dhcp.plan(dhcp_state(dhcpd))
    assert keys(steps) == found and not of(steps, SetProps)


def test_dhcp_module_missing():
    assert keys(dhcp.plan(dhcp_state(ENABLED, installed=False))) == ['module.missing']


# -- hosts -----------------------------------------------------------------------------

def hosts_state(records, existing=None):
    return hosts.Facts(source_dir='/x', hosts=[(k, 'host', p) for k, p in records],
                       domains=['example.com'], self_fqdn='ns7.example.com', installed=True,
                       existing=existing or {})


def test_hosts_table():
    steps = hosts.plan(hosts_state([
        ('www.example.com', {'HostType': 'Self', 'Comment': 'web'}),
        ('pc.example.com', {'HostType': 'Local', 'InternalIP': '192.168.1.5',
                            'MACAddress': '00-11-22-33-44-AA', 'Comment': ''}),
        ('nas.example.com', {'HostType': 'Local', 'InternalIP': '192.168.1.6'}),
        ('pc.other.org', {'HostType': 'Local', 'InternalIP': '192.168.1.7',
                          'MACAddress': '00:11:22:33:44:55'}),
        ('ext.example.com', {'HostType': 'Remote', 'ExternalIP': '203.0.113.9'}),
        ('alias.example.com', {'HostType': 'Remote', 'ExternalIP': 'www.example.org'}),
        ('ns7.example.com', {'HostType': 'Self'}),
    ]))
    written = {s.key: (s.type, s.props) for s in of(steps, SetProps)}
    assert written == {
        'www.example.com': ('self', {'Description': 'web'}),
        'pc': ('local', {'Description': '', 'IpAddress': '192.168.1.5',
                         'MacAddress': '00:11:22:33:44:aa'}),
        'nas.example.com': ('remote', {'Description': '', 'IpAddress': '192.168.1.6'}),
        'pc.other.org': ('remote', {'Description': '', 'IpAddress': '192.168.1.7'}),
        'ext.example.com': ('remote', {'Description': '', 'IpAddress': '203.0.113.9'}),
    }
    assert keys(steps) == ['hosts.reservation-dropped', 'hosts.cname-skipped']


def test_hosts_defect_39_short_name_clash_is_reported_not_merged():
    steps = hosts.plan(hosts_state(
        [('pc.example.com', {'HostType': 'Local', 'InternalIP': '192.168.1.5',
                             'MACAddress': '00:11:22:33:44:aa'}),
         ('printer.example.com', {'HostType': 'Local', 'InternalIP': '192.168.1.9',
                                  'MACAddress': '00:11:22:33:44:bb'})],
        existing={'printer': ('local', {'IpAddress': '192.168.1.200'}),
                  'pc': ('local', {'Description': '', 'IpAddress': '192.168.1.5',
                                   'MacAddress': '00:11:22:33:44:aa'})}))
    assert not of(steps, SetProps)
    assert keys(steps) == ['hosts.conflict']


@pytest.mark.parametrize('props, found', [
    ({'HostType': 'Local', 'InternalIP': '192.168.1.5.x'}, ['hosts.skipped']),
    ({'HostType': 'Local', 'InternalIP': '192.168.1.5', 'MACAddress': 'zz'}, ['hosts.skipped']),
    ({'HostType': 'Self', 'Comment': 'a|b'}, ['hosts.bad-value']),
    ({'Visibility': 'self'}, ['hosts.skipped']),
])
def test_hosts_bad_input(props, found):
    assert keys(hosts.plan(hosts_state([('x.example.com', props)]))) == found


# -- openssh ---------------------------------------------------------------------------

RSA = openssh.HostKey(b'rsa-private', b'ssh-rsa AAAArsa root@sme\n', 'ssh-rsa AAAArsa')


def ssh_state(sshd, keys_=None, installed=True):
    keys_ = keys_ or {}
    return openssh.Facts(source_dir='/x', sshd=sshd, installed=installed,
                         keys=dict((n, keys_.get(n, openssh.HostKey(None, None, None)))
                                   for n in openssh.HOST_KEYS + openssh.OBSOLETE_KEYS))


def test_sshd_known_props_only_and_access_mapped():
    steps = openssh.plan(ssh_state({'access': 'public', 'TCPPort': '2222',
                                    'PermitRootLogin': 'no', 'status': 'disabled',
                                    'InitscriptOrder': '85', 'Foo': 'bar'}))
    assert of(steps, SetProps)[0].props == {'access': 'green,red', 'TCPPort': '2222',
                                            'PermitRootLogin': 'no'}
    assert keys(steps) == ['sshd.status-kept']


def test_host_keys_0600_only_complete_pairs_no_dsa():
    steps = openssh.plan(ssh_state({}, {
        'ssh_host_rsa_key': RSA,
        'ssh_host_ecdsa_key': openssh.HostKey(b'ecdsa', None, None),
        'ssh_host_dsa_key': openssh.HostKey(b'dsa', b'ssh-dss AAAA', None)}))
    assert of(steps, WriteFile) == [
        WriteFile(b'rsa-private', '/etc/ssh/ssh_host_rsa_key', 0o600, None, True,
                  'SSH host key'),
        WriteFile(b'ssh-rsa AAAArsa root@sme\n', '/etc/ssh/ssh_host_rsa_key.pub', 0o644,
                  None, True, 'SSH host public key')]
    assert keys(steps) == ['sshd.host-key-incomplete']
    assert [s for s in of(steps, Note) if s.key][0].obj == {
        'file': 'etc/ssh/ssh_host_ecdsa_key'}


@pytest.mark.parametrize('key, why', [
    (RSA._replace(derived=None), 'ssh-keygen cannot read'),
    (RSA._replace(public=b'ssh-rsa AAAAother root@sme\n'), 'not the public half'),
    (RSA._replace(public=b'ssh-ed25519 AAAArsa\n'), 'not the public half'),
    (RSA._replace(private=b'x' * (openssh.MAX_KEY_BYTES + 1)), 'larger than 64 KiB'),
])
def test_host_key_that_does_not_check_out_is_one_finding_and_nothing_written(key, why):
    steps = openssh.plan(ssh_state({}, {'ssh_host_rsa_key': key,
                                        'ssh_host_ed25519_key': RSA}))
    bad = [s for s in of(steps, Note) if s.key]
    assert [(s.key, s.severity, s.obj) for s in bad] == [
        ('sshd.host-key-invalid', 'warning', {'file': 'etc/ssh/ssh_host_rsa_key'})]
    assert why in bad[0].message
    assert [s.dst for s in of(steps, WriteFile)] == [
        '/etc/ssh/ssh_host_ed25519_key', '/etc/ssh/ssh_host_ed25519_key.pub']


def test_no_host_keys_says_so_only_when_nothing_was_found():
    steps = openssh.plan(ssh_state({'TCPPort': '22'}))
    assert any('none in the source tree' in s.message for s in of(steps, Note))
    steps = openssh.plan(ssh_state({}, {'ssh_host_rsa_key': RSA._replace(derived=None)}))
    assert not any('none in the source tree' in s.message for s in of(steps, Note))


def test_openssh_not_installed_changes_nothing():
    steps = openssh.plan(ssh_state({'access': 'private'}, {'ssh_host_rsa_key': RSA},
                                   installed=False))
    assert keys(steps) == ['module.missing']
    assert not of(steps, (SetProps, WriteFile, Signal))


# -- services --------------------------------------------------------------------------

def svc_state(**kw):
    state = {'source_dir': '/x', 'timezone': '', 'dest_timezone': 'UTC', 'ntp_server': '',
             'cups': None, 'cups_files': {'printers.conf': None, 'classes.conf': None},
             'ppds': [], 'printers': [], 'ejabberd': None, 'dest_ejabberd': None,
             'installed': {'nethserver-ntp': True, 'nethserver-cups': True,
                           'nethserver-ejabberd': True}}
    state.update(kw)
    return services.Facts(**state)


@pytest.mark.parametrize('zone, dest, step', [
    ('Europe/Rome', 'UTC', Run('set_timezone', ('Europe/Rome',), 'time zone = Europe/Rome')),
    ('Europe/Rome', 'Europe/Rome', None),
    ('../../etc/shadow', 'UTC', None),
])
def test_time_zone(zone, dest, step):
    steps = services.plan_time(svc_state(timezone=zone, dest_timezone=dest))
    assert of(steps, Run) == ([step] if step else [])


@pytest.mark.parametrize('server, written', [('smeserver.pool.ntp.org', None), ('', None),
                                             ('ntp.example.net', 'ntp.example.net'),
                                             ('ntp;rm -rf', None)])
def test_ntp_server(server, written):
    steps = services.plan_time(svc_state(ntp_server=server))
    assert [s.props['NTPServer'] for s in of(steps, SetProps)] == ([written] if written else [])
    assert of(steps, Signal) == [Signal('nethserver-ntp-update', (), 'time and NTP')]


def test_cups_files_kept_beside_and_printers_reported():
    steps = services.plan_cups(svc_state(cups={'status': 'enabled'}, printers=['hall'],
                                         cups_files={'printers.conf': '/s/p',
                                                     'classes.conf': None}))
    assert of(steps, InstallFile) == [InstallFile('/s/p', '/etc/cups/printers.conf', 0o600,
                                                  False, 'CUPS printers.conf')]
    assert keys(steps) == ['cups.printers-not-migrated']
    assert of(steps, Signal)[0].event == 'nethserver-cups-update'


def test_cups_drivers_travel_with_the_printers_as_cups_keeps_them():
    steps = services.plan_cups(svc_state(
        cups_files={'printers.conf': '/s/p', 'classes.conf': None},
        ppds=[('hall.ppd', '/s/ppd/hall.ppd'), ('lab.ppd', '/s/ppd/lab.ppd')]))
    assert of(steps, InstallFile)[1:] == [
        InstallFile('/s/ppd/hall.ppd', '/etc/cups/ppd/hall.ppd', 0o640, False,
                    'CUPS driver hall.ppd', 'lp'),
        InstallFile('/s/ppd/lab.ppd', '/etc/cups/ppd/lab.ppd', 0o640, False,
                    'CUPS driver lab.ppd', 'lp')]
    # PPDs alone mean CUPS was used; the module missing changes nothing
    steps = services.plan_cups(svc_state(ppds=[('hall.ppd', '/s/ppd/hall.ppd')],
                                         installed={'nethserver-cups': False}))
    assert keys(steps) == ['module.missing'] and not of(steps, InstallFile)


def test_ejabberd_only_known_props():
    steps = services.plan_ejabberd(svc_state(
        ejabberd={'status': 'enabled', 'access': 'private', 'Obsolete': 'x', 'WebAdmin': 'y'},
        dest_ejabberd={'WebAdmin': 'disabled', 'status': 'enabled'}))
    assert of(steps, SetProps)[0].props == {'status': 'enabled', 'access': 'green',
                                            'WebAdmin': 'y'}


def test_services_module_missing():
    state = svc_state(cups={'status': 'enabled'}, ejabberd={'status': 'enabled'},
                      ntp_server='ntp.example.net',
                      installed=dict.fromkeys(('nethserver-ntp', 'nethserver-cups',
                                               'nethserver-ejabberd'), False))
    steps = services.plan(state)
    assert keys(steps) == ['module.missing'] * 3
    assert not of(steps, (SetProps, Signal, InstallFile))


# -- proxypass -------------------------------------------------------------------------

def test_proxypass_new_existing_conflict():
    steps = proxypass.plan(proxypass.Facts(**{'source_dir': '/x', 'installed': True, 'entries': [
        ('a', {'Target': 'http://x'}), ('b', {'Target': 'http://y'}),
        ('c', {'Target': 'http://z'}), ('d', {'Target': 'x|y'})],
        'existing': {'b': {'Target': 'http://y', 'HTTP': 'yes'}, 'c': {'Target': 'no'}}}))
    assert [s.key for s in of(steps, SetProps)] == ['a']
    assert keys(steps) == ['proxypass.conflict', 'proxypass.bad-record']
    assert of(steps, Signal)[0].event == 'nethserver-httpd-update'


@pytest.mark.parametrize('key, props, why', [
    ('app', {'Target': ''}, 'empty'),
    ('app', {}, 'empty'),
    ('app', {'Target': 'file:///etc/shadow'}, 'not an http'),
    ('app', {'Target': 'javascript:alert(1)'}, 'not an http'),
    ('app', {'Target': 'http://x/\nProxyPass /evil http://attacker.example/'}, 'whitespace'),
    ('app', {'Target': 'http://x/ y'}, 'whitespace'),
    ('app', {'Target': 'http://x/"'}, 'quoting'),
    ('app', {'Target': 'http://'}, 'no valid host'),
    ('app', {'Target': 'http://host:99999/'}, 'no valid host'),
    ('app', {'Target': 'http://x/' + 'a' * 3000}, 'longer than'),
    ('my app', {'Target': 'http://x/'}, 'letters, digits'),
    ('a/b', {'Target': 'http://x/'}, 'letters, digits'),
    ('', {'Target': 'http://x/'}, 'letters, digits'),
    ('app', {'Target': 'http://x/', 'HTTPS': 'maybe'}, 'HTTPS must be'),
    ('app', {'Target': 'http://x/', 'ValidFrom': '10.0.0.0/8,evil host'}, 'ValidFrom'),
    ('app', {'Target': 'http://x/', 'Description': 'a\nb'}, 'control'),
])
def test_proxypass_hostile_records_are_refused_one_by_one(key, props, why):
    steps = proxypass.plan(proxypass.Facts(**{'source_dir': '/x', 'installed': True, 'existing': {},
                            'entries': [(key, props), ('good', {'Target': 'https://h:8443/x'})]}))
    bad = [s for s in of(steps, Note) if s.key]
    assert [(s.key, s.severity, s.obj) for s in bad] == [
        ('proxypass.bad-record', 'warning', {'proxypass': key})]
    assert why in bad[0].message
    assert [s.key for s in of(steps, SetProps)] == ['good']


@pytest.mark.parametrize('props', [
    {'Target': 'http://localhost:8000'}, {'Target': 'wss://[::1]:9000/socket'},
    {'Target': 'https://user@backend.lan/app?x=1&y=2', 'HTTP': 'no', 'HTTPS': 'yes',
     'ValidFrom': '192.168.1.0/24,10.0.0.1,172.16.0.0/255.240.0.0', 'Description': 'Wiki'},
])
def test_proxypass_good_records_pass(props):
    assert proxypass.problem('wiki', props) is None


# -- certificates ----------------------------------------------------------------------

GOOD = certificates.Verdict(None, 'PUB-A')


def src(path, data=b'pem', problem=None):
    found = None if problem else '/t' + path
    return certificates.SourceFile(path, found, problem, None if problem else data)


def cert_facts(files=None, verdicts=None, taken=(), ours=(), hostname='h.d'):
    base = {'default_key': src('/home/e-smith/ssl.key/h.d.key', b'KEY'),
            'default_crt': src('/home/e-smith/ssl.crt/h.d.crt', b'CRT')}
    base.update(files or {})
    v = dict((role, GOOD) for role, f in base.items() if f.data is not None)
    v.update(verdicts or {})
    return certificates.Facts('h.d', hostname, base, v, set(taken), set(ours))


def test_self_signed_gets_its_own_names_never_nsrv():
    steps = certificates.plan(cert_facts(taken=['/etc/pki/tls/certs/NSRV.crt',
                                                '/etc/pki/tls/private/NSRV.key']))
    assert [(s.data, s.dst, s.mode, s.journal) for s in of(steps, WriteFile)] == [
        (b'CRT', '/etc/pki/tls/certs/h.d.crt', 0o644, 'certificates.state'),
        (b'KEY', '/etc/pki/tls/private/h.d.key', 0o600, 'certificates.state')]
    assert of(steps, SetProps)[0].props == {'CrtFile': '/etc/pki/tls/certs/h.d.crt',
                                            'KeyFile': '/etc/pki/tls/private/h.d.key'}
    assert of(steps, Signal)[0].event == 'certificate-update'
    assert keys(steps) == []


def test_self_signed_for_another_name_is_not_installed():
    steps = certificates.plan(cert_facts(hostname='other.d'))
    assert keys(steps) == ['certificate.other-name'] and not of(steps, WriteFile)
    assert of(steps, Note)[0].obj == {'host': 'h.d'}


def test_custom_pair_and_chain():
    steps = certificates.plan(cert_facts({
        'crt': src('/etc/dehydrated/certs/h/cert.pem'),
        'key': src('/etc/dehydrated/certs/h/privkey.pem'),
        'CertificateChainFile': src('/home/e-smith/ssl.crt/chain.crt')}))
    assert [(s.dst, s.mode) for s in of(steps, WriteFile)] == [
        ('/etc/pki/tls/certs/cert.pem', 0o644), ('/etc/pki/tls/private/privkey.pem', 0o600),
        ('/etc/pki/tls/certs/chain.crt', 0o644)]
    assert [s.props for s in of(steps, SetProps)] == [
        {'CrtFile': '/etc/pki/tls/certs/cert.pem', 'KeyFile': '/etc/pki/tls/private/privkey.pem',
         'ChainFile': '/etc/pki/tls/certs/chain.crt'}]


def test_a_taken_name_that_is_not_ours_gets_ours_and_is_reported():
    chain = src('/home/e-smith/ssl.crt/ca-bundle.crt')
    steps = certificates.plan(cert_facts(
        {'crt': src('/a/cert.pem'), 'key': src('/a/key.pem'), 'CertificateChainFile': chain},
        taken=['/etc/pki/tls/certs/ca-bundle.crt', '/etc/pki/tls/certs/migrated-ca-bundle.crt',
               '/etc/pki/tls/certs/cert.pem'],
        ours=['/etc/pki/tls/certs/cert.pem']))
    assert [s.dst for s in of(steps, WriteFile)] == [
        '/etc/pki/tls/certs/cert.pem', '/etc/pki/tls/private/key.pem',
        '/etc/pki/tls/certs/migrated-2-ca-bundle.crt']
    # our own file from an earlier run is not journalled again
    assert [s.journal for s in of(steps, WriteFile)] == [None, 'certificates.state',
                                                         'certificates.state']
    renamed = [s for s in of(steps, Note) if s.key]
    assert [(s.key, s.severity, s.obj) for s in renamed] == [
        ('certificate.renamed', 'notice', {'file': '/etc/pki/tls/certs/ca-bundle.crt'})]


def test_chain_with_the_certificate_s_file_name_gets_its_own():
    steps = certificates.plan(cert_facts({'crt': src('/a/fullchain.pem'),
                                          'key': src('/a/key.pem'),
                                          'CertificateChainFile': src('/b/fullchain.pem')}))
    assert [s.dst for s in of(steps, WriteFile)][-1] == \
        '/etc/pki/tls/certs/migrated-fullchain.pem'
    assert 'name of the certificate itself' in [s for s in of(steps, Note) if s.key][0].message


@pytest.mark.parametrize('role, verdict, key', [
    ('crt', certificates.Verdict('not one PEM certificate', None), 'certificate.file-invalid'),
    ('key', certificates.Verdict('openssl cannot read it', None), 'certificate.file-invalid'),
    ('key', certificates.Verdict(None, 'PUB-B'), 'certificate.key-mismatch'),
    ('CertificateChainFile', certificates.Verdict('not only PEM', None),
     'certificate.file-invalid'),
])
def test_anything_that_does_not_check_out_installs_and_signals_nothing(role, verdict, key):
    files = {'crt': src('/a/c.pem'), 'key': src('/a/k.pem'),
             'CertificateChainFile': src('/a/ch.pem')}
    steps = certificates.plan(cert_facts(files, {role: verdict}))
    assert keys(steps) == [key]
    finding = [s for s in of(steps, Note) if s.key][0]
    assert finding.severity == 'warning'
    assert finding.obj == {'file': files[role].path}
    assert not of(steps, (WriteFile, SetProps, Signal))


def test_self_signed_key_mismatch_installs_nothing():
    steps = certificates.plan(cert_facts(verdicts={'default_key': certificates.Verdict(
        None, 'PUB-B')}))
    assert keys(steps) == ['certificate.key-mismatch']
    assert not of(steps, (WriteFile, SetProps, Signal))


def test_custom_crt_outside_tree_or_missing_installs_nothing():
    steps = certificates.plan(cert_facts({
        'crt': src('../../etc/shadow', problem='outside'),
        'key': src('/home/e-smith/ssl.key/x.key', problem='missing')}))
    assert keys(steps) == ['certificate.path-refused', 'certificate.file-missing']
    assert not of(steps, (WriteFile, SetProps, Signal))


def test_locate_refuses_paths_out_of_the_tree(sme_tree):
    from nethserver_migration.source import SourceTree
    source = SourceTree(str(sme_tree))
    assert certificates.locate(source, '../../etc/shadow') == (None, 'outside')
    assert certificates.locate(source, '/home/e-smith/../../../etc/shadow') == (None, 'outside')
    assert certificates.locate(source, '/home/e-smith/ssl.crt/x.crt') == (None, 'missing')
    found, problem = certificates.locate(source, '/etc/passwd')
    assert problem is None and found == str(sme_tree / 'etc' / 'passwd')


# -- rootdir ---------------------------------------------------------------------------

def test_rootdir_plan_keeps_ssh_and_mycnf_out():
    steps = rootdir.plan(rootdir.Facts(**{'source_dir': '/m', 'root': '/root', 'src': '/m/root',
                          'src_is_link': False, 'src_ssh': '/m/root/.ssh',
                          'src_ssh_is_link': False, 'src_mycnf': True,
                          'dest_logs': ['/root/install.log']}))
    assert of(steps, MoveInto) == [MoveInto(('/root/install.log',), '/root/logs',
                                            '/root: this server\'s log saved')]
    assert of(steps, MergeTree) == [
        MergeTree('/m/root', '/root', ('.ssh', '.my.cnf'), None, '/root: the source\'s files'),
        MergeTree('/m/root/.ssh', '/root/.ssh.migrated', (), 0o700,
                  '/root: the source\'s .ssh kept aside')]
    assert keys(steps) == ['rootdir.ssh-aside']


def test_rootdir_read_leaves_logs_a_previous_run_brought(tmp_path, sme_tree):
    from nethserver_migration.source import SourceTree
    src_root = sme_tree / 'root'
    src_root.mkdir()
    (src_root / 'install.log').write_text('sme\n')
    dest = tmp_path / 'dest-root'
    dest.mkdir()
    (dest / 'install.log').write_text('sme\n')        # brought by the first run
    (dest / 'anaconda.log').write_text('ns7\n')       # this server's own
    (dest / 'notes.txt').write_text('x\n')
    state = rootdir.read(SourceTree(str(sme_tree)), Destination(), root=str(dest))
    assert state.dest_logs == [str(dest / 'anaconda.log')]


# -- review ----------------------------------------------------------------------------

def test_review_cipher_commands_and_templates():
    steps = review.plan(review.Facts(**{'cipher': "ALL:!aNULL:it's", 'network': [('gateway', '10.0.0.1')],
                         'templates': {'etc/e-smith/templates-custom':
                                       {'/etc/smb.conf': ['10x', '20y']},
                                       'etc/e-smith/templates-user-custom': {}}}))
    cipher = [s for s in steps if s.key == 'review.ssl-cipher-suite'][0]
    assert cipher.commands == ("config setprop httpd SSLCipherSuite 'ALL:!aNULL:it'\\''s'",
                               'signal-event nethserver-httpd-update')
    assert keys(steps) == ['review.ssl-cipher-suite', 'review.custom-template',
                           'review.network-not-migrated']


def test_network_events_left_pending_by_a_killed_run_are_signalled_again():
    state = net_state(
        [('10.5.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.254'})],
        routes={'10.5.0.0/16': ('static', {'Router': '192.168.1.254'})},
        networks={'10.5.0.0': ('network', {'Mask': '255.255.0.0'})})
    assert not [s for s in network.plan(state) if isinstance(s, Signal)]
    state = state._replace(events_pending=True)
    assert [s.event for s in network.plan(state) if isinstance(s, Signal)] == [
        'static-routes-save', 'interface-update']


def test_network_run_journals_pending_then_done(mocker):
    from nethserver_migration.report import Reporter
    import io
    dest = mocker.Mock()
    dest.state_lines.return_value = []
    dest.signal_event.return_value = True
    source = mocker.Mock()
    mocker.patch.object(network, 'read', return_value=net_state(
        [('10.5.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.254'})]))
    dest.db.return_value.get.return_value = None
    network.run(source, dest, Reporter('n', stream=io.StringIO()))
    assert [c[0] for c in dest.state_append.call_args_list] == [
        ('network-events', 'pending'), ('network-events', 'done')]
    dest.state_append.reset_mock()
    dest.signal_event.return_value = False          # a failed event stays pending
    network.run(source, dest, Reporter('n', stream=io.StringIO()))
    assert [c[0] for c in dest.state_append.call_args_list] == [('network-events', 'pending')]
