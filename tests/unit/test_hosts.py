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
    ({'HostType': 'Local'}, ['hosts.skipped']),
    ({'HostType': 'Local', 'InternalIP': '192.168.1.5', 'MACAddress': 'zz'}, ['hosts.skipped']),
    ({'HostType': 'Self', 'Comment': 'a|b'}, ['hosts.bad-value']),
    ({'HostType': 'Remote'}, ['hosts.skipped']),
    ({'HostType': 'Remote', 'ExternalIP': '10.0.0.300'}, ['hosts.skipped']),
    ({'HostType': 'Remote', 'ExternalIP': 'www.example.org'}, ['hosts.cname-skipped']),
    ({'HostType': 'Gateway'}, ['hosts.skipped']),
    ({'Visibility': 'self'}, ['hosts.skipped']),
])
def test_hosts_bad_input(request, props, found):
    steps = hosts.plan(hosts_state([('x.example.com', props)]))
    assert keys(steps) == found
    assert [s.obj for s in steps if getattr(s, 'key', None)] == [{'host': 'x.example.com'}]
    golden.plan(request, steps)         # every word of the message and remediation


def test_hosts_names_that_are_not_host_names_and_the_server_itself(request):
    steps = hosts.plan(hosts_state([('-bad-.example.com', {'HostType': 'Self'}),
                                    ('NS7.Example.COM', {'HostType': 'Self'})]))
    assert keys(steps) == ['hosts.skipped']
    golden.plan(request, steps)


@pytest.mark.parametrize('state', [
    hosts.Facts('/x', None, [], 'ns7.example.com', True, {}),
    hosts.Facts('/x', [('a.example.com', 'domain', {})], [], 'ns7.example.com', True, {}),
    hosts.Facts('/x', [('a.example.com', 'host', {'HostType': 'Self'})], [],
                'ns7.example.com', False, {}),
], ids=['no hosts DB', 'no host record', 'no module'])
def test_hosts_nothing_to_do(request, state):
    golden.plan(request, hosts.plan(state))


def test_hosts_read(sme_tree):
    from nethserver_migration import esmithdb
    from nethserver_migration.source import SourceTree
    from tests.unit.fakes import FakeDestination
    source = SourceTree(str(sme_tree))
    dest = FakeDestination(domain='Example.ORG', dbs={'hosts': [
        esmithdb.Record('pc', 'local', {'IpAddress': '10.0.0.5'})]})
    facts = hosts.read(source, dest)
    assert facts.source_dir == source.root
    assert facts.hosts[0] == ('bar.invalid.tld', 'host', {
        'ExternalIP': '', 'HostType': 'Self', 'InternalIP': '', 'MACAddress': '',
        'Visibility': 'Local'})
    assert [h[0] for h in facts.hosts] == ['bar.invalid.tld', 'baz.invalid.tld',
                                           'foo.invalid.tld', 'wibble.invalid.tld']
    assert facts.domains == ['e-smith.com', 'example.org']
    assert facts.self_fqdn == 'ns7.example.org'
    assert facts.installed is True
    assert facts.existing == {'pc': ('local', {'IpAddress': '10.0.0.5'})}
    dest = FakeDestination(domain='', modules=())
    (sme_tree / 'home' / 'e-smith' / 'db' / 'hosts').unlink()
    facts = hosts.read(SourceTree(str(sme_tree)), dest)
    assert (facts.hosts, facts.domains, facts.installed, facts.existing) == (
        None, ['e-smith.com'], False, {})


def test_hosts_two_source_hosts_with_one_short_name(request):
    state = hosts.Facts(source_dir='/x', hosts=[
        ('pc.example.com', 'host', {'HostType': 'Local', 'InternalIP': '10.0.0.5',
                                    'MACAddress': '00:11:22:33:44:aa'}),
        ('pc.example.net', 'host', {'HostType': 'Local', 'InternalIP': '10.0.0.6',
                                    'MACAddress': '00:11:22:33:44:bb'})],
        domains=['example.com', 'example.net'], self_fqdn='ns7.example.com', installed=True,
        existing={})
    steps = hosts.plan(state)
    golden.plan(request, steps)
    assert [s.key for s in of(steps, SetProps)] == ['pc']
    assert [(s.key, s.obj) for s in steps if getattr(s, 'key', None) == 'hosts.conflict'] == [
        ('hosts.conflict', {'host': 'pc.example.net'})]
