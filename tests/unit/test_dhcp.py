"""The dhcp concern: read from an SME tree and the FakeDestination, and every plan as a
table: what was read -> the exact steps decided."""

import pytest

from nethserver_migration import esmithdb
from nethserver_migration.actions import dhcp
from nethserver_migration.source import SourceTree
from nethserver_migration.steps import SetProps, Signal, info, module_missing, note
from tests.unit.fakes import FakeDb, FakeDestination
from tests.unit.test_network import GREEN

SIGNAL = Signal('nethserver-dnsmasq-update', (), 'DHCP')
ENABLED = {'status': 'enabled', 'start': '192.168.1.65', 'end': '192.168.1.250'}
EMPTY = dict((p, '') for p in ('DhcpDNS', 'DhcpDomain', 'DhcpGatewayIP', 'DhcpLeaseTime',
                                'DhcpNTP', 'DhcpTFTP', 'DhcpWINS'))
OBJ = {'dhcp': '192.168.1.65-192.168.1.250'}


def facts(dhcpd, existing=None, installed=True, networks=None):
    return dhcp.Facts(source_dir='/x', dhcpd=dhcpd, installed=installed,
                      dest_networks=dict(GREEN) if networks is None else networks,
                      existing=existing or {})


def new_range(start='192.168.1.65', end='192.168.1.250', iface='eth0'):
    props = dict(EMPTY, DhcpRangeStart=start, DhcpRangeEnd=end, status='enabled')
    return SetProps('dhcp', iface, 'range', props, 'DHCP range {}-{} on {}'.format(
        start, end, iface))


def conflict(what, iface='eth0'):
    return note('warning', 'DHCP on {}: this server\'s range record differs from the source '
                'and is kept for: {}'.format(iface, what), key='dhcp.conflict',
                obj={'dhcp': iface}, remediation='check the range in the Server Manager (DHCP)')


NOT_ENABLED = info('DHCP: the source\'s DHCP server is not enabled, nothing to migrate')


def bad_range(start, end):
    return note('warning', 'DHCP range {!r}-{!r} is not a valid IPv4 range: not '
                'migrated'.format(start, end), key='dhcp.bad-range',
                obj={'dhcp': '{}-{}'.format(start, end)})


NO_IFACE = note('warning', 'DHCP range 10.0.0.1-10.0.0.9: no green interface of this server '
                'holds it: not migrated', key='dhcp.no-interface', obj={'dhcp': '10.0.0.1-10.0.0.9'},
                remediation='configure the green network, then run the import again or set '
                'the range in the Server Manager (DHCP)')

GREEN2 = dict(GREEN, eth2=('ethernet', {'role': 'green', 'ipaddr': '10.0.0.254',
                                        'netmask': '255.255.255.0'}))


@pytest.mark.parametrize('state, expected', [
    # not enabled, or absent: nothing
    (facts(None), [NOT_ENABLED]),
    (facts(dict(ENABLED, status='disabled')), [NOT_ENABLED]),
    (facts(dict(ENABLED, status='')), [NOT_ENABLED]),
    # a new range record, with NethServer's empty props, then the event
    (facts(ENABLED), [new_range(), SIGNAL]),
    # the ends with spaces around them are the same addresses
    (facts(dict(ENABLED, start=' 192.168.1.65 ', end='192.168.1.250 ')), [new_range(), SIGNAL]),
    # a range of one address
    (facts(dict(ENABLED, end='192.168.1.65')), [new_range(end='192.168.1.65'), SIGNAL]),
    # bad ranges
    (facts(dict(ENABLED, start='192.168.1.250', end='192.168.1.65')),
     [bad_range('192.168.1.250', '192.168.1.65')]),
    (facts(dict(ENABLED, start='192.168.1', end='192.168.1.65')),
     [bad_range('192.168.1', '192.168.1.65')]),
    (facts(dict(ENABLED, end='192.168.1.256')), [bad_range('192.168.1.65', '192.168.1.256')]),
    (facts({'status': 'enabled'}), [bad_range('', '')]),
    # the module is missing: said before anything else is looked at
    (facts(ENABLED, installed=False, networks={}),
     [module_missing('nethserver-dnsmasq', 'DHCP server (192.168.1.65-192.168.1.250)', '/x')]),
    # no green interface holds both ends (a red one does not count)
    (facts({'status': 'enabled', 'start': '10.0.0.1', 'end': '10.0.0.9'}), [NO_IFACE]),
    (facts(dict(ENABLED, end='192.168.2.9')), [note(
        'warning', 'DHCP range 192.168.1.65-192.168.2.9: no green interface of this server '
        'holds it: not migrated', key='dhcp.no-interface',
        obj={'dhcp': '192.168.1.65-192.168.2.9'}, remediation='configure the green network, '
        'then run the import again or set the range in the Server Manager (DHCP)')]),
    (facts({'status': 'enabled', 'start': '1.2.3.5', 'end': '1.2.3.9'}), [note(
        'warning', 'DHCP range 1.2.3.5-1.2.3.9: no green interface of this server holds it: '
        'not migrated', key='dhcp.no-interface', obj={'dhcp': '1.2.3.5-1.2.3.9'},
        remediation='configure the green network, then run the import again or set the '
        'range in the Server Manager (DHCP)')]),
    # the second green interface holds it
    (facts({'status': 'enabled', 'start': '10.0.0.1', 'end': '10.0.0.9'}, networks=GREEN2),
     [new_range('10.0.0.1', '10.0.0.9', 'eth2'), SIGNAL]),
])
def test_plan(state, expected):
    assert dhcp.plan(state) == expected


@pytest.mark.parametrize('current, expected', [
    # the same record: already done, and the event still signalled
    (('range', {'DhcpRangeStart': '192.168.1.65', 'DhcpRangeEnd': '192.168.1.250',
                'status': 'enabled'}),
     [info('DHCP range 192.168.1.65-192.168.1.250 on eth0 (already done)'), SIGNAL]),
    # empty props filled in, the others left
    (('range', {'DhcpRangeStart': '', 'DhcpRangeEnd': '192.168.1.250', 'DhcpLeaseTime': '60'}),
     [SetProps('dhcp', 'eth0', 'range', {'DhcpRangeStart': '192.168.1.65', 'status': 'enabled'},
               'DHCP on eth0: DhcpRangeStart=192.168.1.65, status=enabled'), SIGNAL]),
    # a different value is kept and reported; the empty one is still filled
    (('range', {'DhcpRangeStart': '192.168.1.100', 'DhcpRangeEnd': '', 'status': 'enabled'}),
     [conflict('DhcpRangeStart 192.168.1.100 (source 192.168.1.65)'),
      SetProps('dhcp', 'eth0', 'range', {'DhcpRangeEnd': '192.168.1.250'},
               'DHCP on eth0: DhcpRangeEnd=192.168.1.250'), SIGNAL]),
    # every value different, and the record of another type: all said, nothing written
    (('other', {'DhcpRangeStart': '192.168.1.1', 'DhcpRangeEnd': '192.168.1.2',
                'status': 'disabled'}),
     [conflict('DhcpRangeEnd 192.168.1.2 (source 192.168.1.250); DhcpRangeStart 192.168.1.1 '
               '(source 192.168.1.65); status disabled (source enabled); type other'),
      SIGNAL]),
    (('other', {'DhcpRangeStart': '192.168.1.65', 'DhcpRangeEnd': '192.168.1.250',
                'status': 'enabled'}), [conflict('type other'), SIGNAL]),
])
def test_plan_merges_into_the_existing_record(current, expected):
    assert dhcp.plan(facts(ENABLED, {'eth0': current})) == expected


def test_read_takes_the_source_range_and_both_destination_dbs(sme_tree):
    db = sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'
    text = db.read_text().replace('dhcpd=service|InitscriptOrder|65|end|192.168.16.250|'
                                  'start|192.168.16.65|status|disabled',
                                  'dhcpd=service|end|192.168.16.250|start|192.168.16.65|'
                                  'status|enabled')
    db.write_text(text)
    dest = FakeDestination(dbs={
        'networks': [esmithdb.Record('eth0', 'ethernet', {'role': 'green'})],
        'dhcp': [esmithdb.Record('eth0', 'range', {'status': 'enabled'})]})
    state = dhcp.read(SourceTree(str(sme_tree)), dest)
    assert state == dhcp.Facts(
        source_dir=str(sme_tree),
        dhcpd={'end': '192.168.16.250', 'start': '192.168.16.65', 'status': 'enabled'},
        installed=True, dest_networks={'eth0': ('ethernet', {'role': 'green'})},
        existing={'eth0': ('range', {'status': 'enabled'})})
    # without the module, its DB is not read (it may not exist)
    dest.modules = ()
    assert dhcp.read(SourceTree(str(sme_tree)), dest).existing == {}
    assert dhcp.read(SourceTree(str(sme_tree)), dest).installed is False


def test_read_without_a_dhcpd_record(sme_tree):
    db = sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'
    db.write_text('\n'.join(l for l in db.read_text().splitlines()
                            if not l.startswith('dhcpd=')) + '\n')
    state = dhcp.read(SourceTree(str(sme_tree)), FakeDestination(dbs={'dhcp': FakeDb()}))
    assert state.dhcpd is None
    assert dhcp.plan(state) == [NOT_ENABLED]
