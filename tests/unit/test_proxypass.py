"""The proxypass concern: what was read -> the steps decided, as tables."""

import pytest

from nethserver_migration.actions import proxypass
from nethserver_migration.steps import Note, SetProps, Signal
from tests.unit.plans import keys, of  # noqa: F401
from tests.unit import golden


def test_proxypass_new_existing_conflict(request):
    steps = proxypass.plan(proxypass.Facts(**{'source_dir': '/x', 'installed': True, 'entries': [
        ('a', {'Target': 'http://x'}), ('b', {'Target': 'http://y'}),
        ('c', {'Target': 'http://z'}), ('d', {'Target': 'x|y'})],
        'existing': {'b': {'Target': 'http://y', 'HTTP': 'yes'}, 'c': {'Target': 'no'}}}))
    golden.plan(request, steps)
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
def test_proxypass_hostile_records_are_refused_one_by_one(request, key, props, why):
    steps = proxypass.plan(proxypass.Facts(**{'source_dir': '/x', 'installed': True, 'existing': {},
                            'entries': [(key, props), ('good', {'Target': 'https://h:8443/x'})]}))
    golden.plan(request, steps)
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


def test_proxypass_read(sme_tree):
    from nethserver_migration import esmithdb
    from nethserver_migration.source import SourceTree
    from tests.unit.fakes import FakeDestination
    esmithdb.Database(str(sme_tree / 'home' / 'e-smith' / 'db' / 'accounts'),
                      readonly=False).set_record('wiki', 'ProxyPass',
                                                 {'Target': 'http://10.0.0.2/'})
    source = SourceTree(str(sme_tree))
    dest = FakeDestination(dbs={'proxypass': [
        esmithdb.Record('app', 'ProxyPass', {'Target': 'http://10.0.0.3/'})]})
    assert proxypass.read(source, dest) == proxypass.Facts(
        source.root, [('wiki', {'Target': 'http://10.0.0.2/'})], True,
        {'app': {'Target': 'http://10.0.0.3/'}})
    assert proxypass.read(source, FakeDestination(modules=())) == proxypass.Facts(
        source.root, [('wiki', {'Target': 'http://10.0.0.2/'})], False, {})


@pytest.mark.parametrize('props, why', [
    ({'HTTP': 'maybe'}, 'HTTP must be yes or no'),
    ({'HTTPS': 'on'}, 'HTTPS must be yes or no'),
    ({'Description': 'd' * 256}, None),
    ({'Description': 'd' * 257}, 'the Description is too long or holds a control character'),
    ({'Description': 'a b \x80'}, None),
    ({'Description': 'a\x1fb'}, 'the Description is too long or holds a control character'),
    ({'Description': 'a\x7fb'}, 'the Description is too long or holds a control character'),
])
def test_proxypass_each_property_exactly(props, why):
    props = dict(props, Target='http://10.0.0.2/')
    assert proxypass.problem('wiki', props) == why


def test_proxypass_nothing_or_no_module(request):
    steps = proxypass.plan(proxypass.Facts('/x', [], True, {}))
    golden.plan(request, steps, 'none')
    steps = proxypass.plan(proxypass.Facts(
        '/x', [('wiki', {'Target': 'http://a/'}), ('app', {'Target': 'http://b/'})], False, {}))
    golden.plan(request, steps, 'no module')
    assert [s.obj for s in steps] == [{'module': 'nethserver-httpd'}]
