"""The dhcp concern: what was read -> the steps decided, as tables."""

import pytest

from nethserver_migration import checks
from nethserver_migration.destination import Destination
from nethserver_migration.actions import (certificates, config, dhcp, hosts, network,
                                          openssh, proxypass, review, rootdir, services)
from nethserver_migration.steps import (InstallFile, MergeTree, MoveInto, Note, Run,
                                        SetProps, SetValue, Signal, WriteFile)
from tests.unit.plans import keys, of  # noqa: F401
from tests.unit.test_network import GREEN  # noqa: F401


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
