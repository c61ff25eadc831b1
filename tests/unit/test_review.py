"""The review concern: what was read -> the steps decided, as tables."""


from nethserver_migration.actions import review
from tests.unit.plans import keys
from tests.unit import golden


def test_review_cipher_commands_and_templates(request):
    steps = review.plan(review.Facts(**{'cipher': "ALL:!aNULL:it's", 'network': [('gateway', '10.0.0.1')],
                         'templates': {'etc/e-smith/templates-custom':
                                       {'/etc/smb.conf': ['10x', '20y']},
                                       'etc/e-smith/templates-user-custom': {}}}))
    golden.plan(request, steps)
    cipher = [s for s in steps if s.key == 'review.ssl-cipher-suite'][0]
    assert cipher.commands == ("config setprop httpd SSLCipherSuite 'ALL:!aNULL:it'\\''s'",
                               'signal-event nethserver-httpd-update')
    assert keys(steps) == ['review.ssl-cipher-suite', 'review.custom-template',
                           'review.network-not-migrated']


def test_review_read(sme_tree, tmp_path_factory):
    import os
    from nethserver_migration import esmithdb
    from nethserver_migration.source import SourceTree
    from tests.unit.fakes import FakeDestination
    config = esmithdb.Database(str(sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'),
                               readonly=False)
    config.set_record('modSSL', 'service', {'CipherSuite': ' ALL:!ADH '})
    config.set_value('LocalIP', '192.168.1.1')
    config.set_value('LocalNetmask', '255.255.255.0')
    config.set_value('GatewayIP', '')
    config.set_record('dnscache', 'service', {'Forwarder': '8.8.8.8', 'Forwarder2': '1.1.1.1'})
    custom = sme_tree / 'etc' / 'e-smith' / 'templates-custom'
    (custom / 'etc' / 'smb.conf').mkdir(parents=True)
    (custom / 'etc' / 'smb.conf' / '20y').write_text('')
    (custom / 'etc' / 'smb.conf' / '10x').write_text('')
    (custom / 'etc' / 'e-smith' / 'web').mkdir(parents=True)             # no fragment
    (custom / 'top').write_text('')
    elsewhere = tmp_path_factory.mktemp('elsewhere')
    (elsewhere / 'secret').write_text('')
    os.symlink(str(elsewhere), str(custom / 'etc' / 'linked'))
    os.symlink(str(elsewhere), str(sme_tree / 'etc' / 'e-smith' / 'templates-user-custom'))
    facts = review.read(SourceTree(str(sme_tree)), FakeDestination())
    assert facts == review.Facts(
        'ALL:!ADH',
        {'etc/e-smith/templates-custom': {'/': ['top'], '/etc/smb.conf': ['10x', '20y']},
         'etc/e-smith/templates-user-custom': {}},
        [('LAN address', '192.168.1.1'), ('LAN netmask', '255.255.255.0'),
         ('DNS forwarder', '8.8.8.8'), ('second DNS forwarder', '1.1.1.1')])


def test_review_with_nothing_to_say(request):
    steps = review.plan(review.Facts('', {'etc/e-smith/templates-custom': {},
                                          'etc/e-smith/templates-user-custom': {}}, []))
    golden.plan(request, steps)
    assert keys(steps) == []
    steps = review.plan(review.Facts('', {'etc/e-smith/templates-custom': {'/': ['top']}},
                                     []))
    golden.plan(request, steps, 'top fragment')
    assert [s.obj for s in steps] == [{'template': 'etc/e-smith/templates-custom/'}]
