"""Checks: the pure value checks: what was read -> the steps decided, as tables."""

import pytest

from nethserver_migration import checks


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


# -- the boundaries and messages of each check (mutation testing found them untested) ---

@pytest.mark.parametrize('zone, ok', [('Europe/Rome', True), ('UTC', True),
                                      ('America/Argentina/Buenos_Aires', True),
                                      ('Etc/GMT+1', True), ('../etc/shadow', False),
                                      ('Europe/../../x', False), ('/etc/shadow', False),
                                      ('Europe/Rome;rm', False), ('', False)])
def test_timezone(zone, ok):
    assert checks.timezone(zone) is ok


def test_network_and_contains():
    net = checks.network('192.168.1.77', '255.255.255.0')
    assert str(net) == '192.168.1.0/24'
    assert checks.network('192.168.1.77', 'bad') is None
    assert checks.network('not an ip', '255.255.255.0') is None
    assert checks.contains(net, '192.168.1.254') and not checks.contains(net, '10.0.0.1')
    assert not checks.contains(net, 'garbage') and not checks.contains(None, '192.168.1.1')


@pytest.mark.parametrize('name, ok', [('a' * 63 + '.' + 'b' * 63 + '.' + 'c' * 63 + '.' + 'd' * 61,
                                       True),   # 253 characters
                                      ('a' * 63 + '.' + 'b' * 63 + '.' + 'c' * 63 + '.' + 'd' * 62,
                                       False),  # 254
                                      ('host', True), ('-bad', False), ('', False)])
def test_hostname_length_boundary(name, ok):
    assert checks.hostname(name) is ok


@pytest.mark.parametrize('text, ok', [('1', True), ('0', False), ('65535', True),
                                      ('65536', False), ('22', True), ('-1', False),
                                      ('', False), (None, False)])
def test_port_bounds(text, ok):
    assert checks.port(text) is ok


def test_access_zones_map_sme_values():
    assert checks.ACCESS_ZONES == {'private': 'green', 'public': 'green,red'}


@pytest.mark.parametrize('target, why', [
    ('', 'the Target is empty'),
    (None, 'the Target is empty'),
    ('http://x/' + 'a' * (checks.MAX_URL - 9), None),             # exactly the limit
    ('http://x/' + 'a' * (checks.MAX_URL - 8), 'the Target is longer than 2048 characters'),
    ('ftp://x/', 'the Target is not an http, https, ws or wss URL'),
    ('x', 'the Target is not an http, https, ws or wss URL'),
    ('ws://x/', None), ('wss://x/', None), ('HTTPS://x/', None),
    ('http:// x', 'the Target holds whitespace, a control or a quoting character'),
    ('http://a@b@host/', None),                                   # userinfo with an @
    ('http://[::1]:8080/', None), ('http://[::1]/', None),
    ('http://host:8080/', None), ('http://host:0/', 'the Target has no valid host'),
    ('http:///path', 'the Target has no valid host'),
    ('http://ho$t/', 'the Target has no valid host'),
])
def test_proxy_target(target, why):
    assert checks.proxy_target(target) == why


@pytest.mark.parametrize('name, ok', [('wiki', True), ('a.b-c_d', True), ('', False),
                                      (('a' * 63 + '.') * 3 + 'a' * 61, True),      # 253
                                      (('a' * 63 + '.') * 3 + 'a' * 62, False),     # 254
                                      ('a b', False)])
def test_proxy_name(name, ok):
    why = checks.proxy_name(name)
    assert (why is None) is ok
    if not ok:
        assert why == 'the name must be made of letters, digits, dots, dashes and underscores'


@pytest.mark.parametrize('text, why', [
    ('', None), (None, None), ('10.0.0.1', None), (' , 10.0.0.0/8 ,,192.168.1.0/24', None),
    ('10.0.0.0/32', None), ('10.0.0.0/33', "'10.0.0.0/33' is not an IPv4 address or network"),
    ('10.0.0.0/255.0.0.0', None), ('10.0.0.0/255.0.255.0',
                                   "'10.0.0.0/255.0.255.0' is not an IPv4 address or network"),
    (',,10.0.0.1,bad', "'bad' is not an IPv4 address or network"),
])
def test_ip_list(text, why):
    assert checks.ip_list(text) == why
