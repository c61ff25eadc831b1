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
