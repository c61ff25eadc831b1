"""The hosts concern: what was read -> the steps decided, as tables."""

import pytest

from nethserver_migration.actions import hosts
from nethserver_migration.steps import SetProps
from tests.unit.plans import keys, of  # noqa: F401
from tests.unit import golden


def hosts_state(records, existing=None):
    return hosts.Facts(source_dir='/x', hosts=[(k, 'host', p) for k, p in records],
                       domains=['example.com'], self_fqdn='ns7.example.com', installed=True,
                       existing=existing or {})


def test_hosts_table(request):
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
    golden.plan(request, steps)
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


def test_hosts_defect_39_short_name_clash_is_reported_not_merged(request):
    steps = hosts.plan(hosts_state(
        [('pc.example.com', {'HostType': 'Local', 'InternalIP': '192.168.1.5',
                             'MACAddress': '00:11:22:33:44:aa'}),
         ('printer.example.com', {'HostType': 'Local', 'InternalIP': '192.168.1.9',
                                  'MACAddress': '00:11:22:33:44:bb'})],
        existing={'printer': ('local', {'IpAddress': '192.168.1.200'}),
                  'pc': ('local', {'Description': '', 'IpAddress': '192.168.1.5',
                                   'MacAddress': '00:11:22:33:44:aa'})}))
    golden.plan(request, steps)
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
