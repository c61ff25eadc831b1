"""The network concern (trusted networks, static routes): what was read -> the steps decided, as tables."""

import pytest

from tests.unit.fakes import FakeDestination
from nethserver_migration.actions import network
from nethserver_migration.steps import SetProps, Signal
from tests.unit.plans import keys, of  # noqa: F401
from tests.unit import golden


GREEN = {'eth0': ('ethernet', {'role': 'green', 'ipaddr': '192.168.1.10',
                               'netmask': '255.255.255.0'}),
         'eth1': ('ethernet', {'role': 'red', 'ipaddr': '1.2.3.4', 'netmask': '255.0.0.0'})}


def net_state(records, routes=None, networks=None):
    dest = dict(GREEN)
    dest.update(networks or {})
    return network.Facts(networks=records, dest_networks=dest, dest_routes=routes or {},
                         events_pending=False)


def test_network_and_route_in_ns7_layout(request):
    steps = network.plan(net_state([
        ('192.168.1.0', 'network', {'Mask': '255.255.255.0', 'SystemLocalNetwork': 'yes'}),
        ('10.5.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.254'})]))
    golden.plan(request, steps)
    assert of(steps, SetProps) == [
        SetProps('networks', '10.5.0.0', 'network',
                 {'Mask': '255.255.0.0', 'Description': network.DESCRIPTION},
                 'trusted network 10.5.0.0 (Mask 255.255.0.0)'),
        SetProps('routes', '10.5.0.0/16', 'static',
                 {'Router': '192.168.1.254', 'Device': 'eth0', 'Metric': '',
                  'Description': network.DESCRIPTION},
                 'static route 10.5.0.0/16 via 192.168.1.254 dev eth0')]
    assert [s.event for s in of(steps, Signal)] == ['static-routes-save', 'interface-update']


def test_network_rerun_signals_nothing(request):
    steps = network.plan(net_state(
        [('10.5.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.254'})],
        routes={'10.5.0.0/16': ('static', {'Router': '192.168.1.254'})},
        networks={'10.5.0.0': ('network', {'Mask': '255.255.0.0'})}))
    golden.plan(request, steps)
    assert not of(steps, (SetProps, Signal))


def test_route_created_even_when_network_exists_and_conflicts_reported(request):
    steps = network.plan(net_state(
        [('10.5.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.254'}),
         ('10.6.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.1'})],
        routes={'10.6.0.0/16': ('static', {'Router': '192.168.1.2'})},
        networks={'10.5.0.0': ('network', {'Mask': '255.255.0.0'})}))
    golden.plan(request, steps)
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


def test_missing_networks_db(request):
    steps = network.plan(net_state(None))
    golden.plan(request, steps)
    assert keys(steps) == ['network.source-missing'] and not of(steps, Signal)


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
    dest = FakeDestination()
    mocker.patch.object(network, 'read', return_value=net_state(
        [('10.5.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '192.168.1.254'})]))
    network.run(None, dest, Reporter('n', stream=io.StringIO()))
    assert dest.called('state_append') == [('network-events', 'pending'),
                                           ('network-events', 'done')]
    dest.calls = []
    dest.fail = {('interface-update', None)}     # a failed event stays pending
    network.run(None, dest, Reporter('n', stream=io.StringIO()))
    assert dest.called('state_append') == [('network-events', 'pending')]


def test_network_read(sme_tree):
    from nethserver_migration import esmithdb
    from nethserver_migration.source import SourceTree
    source = SourceTree(str(sme_tree))
    dest = FakeDestination(
        dbs={'networks': [esmithdb.Record('eth0', 'ethernet', {'role': 'green'})],
             'routes': [esmithdb.Record('10.9.0.0/16', 'static', {'Router': '10.0.0.1'})]},
        state={network.PENDING_JOURNAL: ['pending', 'done', 'pending']})
    facts = network.read(source, dest)
    assert facts.networks == [(r.key, r.type, dict(r.props))
                              for r in source.db('networks').records()]
    assert facts.networks and facts.networks[0][1] == 'network'
    assert facts.dest_networks == {'eth0': ('ethernet', {'role': 'green'})}
    assert facts.dest_routes == {'10.9.0.0/16': ('static', {'Router': '10.0.0.1'})}
    assert facts.events_pending is True
    (sme_tree / 'home' / 'e-smith' / 'db' / 'networks').unlink()
    facts = network.read(SourceTree(str(sme_tree)), FakeDestination(
        state={network.PENDING_JOURNAL: ['pending', 'done']}))
    assert (facts.networks, facts.dest_networks, facts.dest_routes, facts.events_pending) == (
        None, {}, {}, False)
    assert network.read(SourceTree(str(sme_tree)), FakeDestination()).events_pending is False


NETWORK_CASES = [
    # (case, source networks, destination networks, what the plan says)
    ('host bits set: normalized and said',
     [('10.5.1.7', 'network', {'Mask': '255.255.0.0'})], {}),
    ('the source LAN is this server green network too: nothing to add',
     [('192.168.1.0', 'network', {'Mask': '255.255.255.0'})], {}),
    ('already registered: nothing to add, nothing signalled',
     [('10.5.0.0', 'network', {'Mask': '255.255.0.0'})],
     {'10.5.0.0': ('network', {'Mask': '255.255.0.0'})}),
    ('another record of that key: kept',
     [('10.5.0.0', 'network', {'Mask': '255.255.0.0'})],
     {'10.5.0.0': ('network', {'Mask': '255.255.255.0'})}),
    ('a record of another type of that key: kept',
     [('10.5.0.0', 'network', {'Mask': '255.255.0.0'})], {'10.5.0.0': ('host', {})}),
    ('no network besides the own LAN',
     [('192.168.1.0', 'network', {'Mask': '255.255.255.0', 'SystemLocalNetwork': 'yes'}),
      ('x', 'host', {})], {}),
    ('no network record at all', [('x', 'host', {})], {}),
    ('bad records said word for word',
     [('10.5.0.0', 'network', {'Router': '192.168.1.254'}),
      ('10.6.0.0', 'network', {'Mask': '255.0.255.0'}),
      ('10.7.0.0', 'network', {'Mask': '255.255.0.0', 'Router': 'gw.example.com'}),
      ('10.8.0.0', 'network', {'Mask': '255.255.0.0', 'Router': '172.16.0.1'}),
      ('10.9.0.0', 'network', {'Mask': '255.255.0.0', 'RemoteVPNSubnet': 'yes'})], {}),
]


@pytest.mark.parametrize('case, records, networks', NETWORK_CASES,
                         ids=[c[0] for c in NETWORK_CASES])
def test_what_the_plan_says(request, case, records, networks):
    steps = network.plan(net_state(records, networks=networks))
    golden.plan(request, steps)             # every word, read in the golden file
