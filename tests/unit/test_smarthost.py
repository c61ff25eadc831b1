"""The smarthost concern: SMTPSmartHost and smtp-auth-proxy -> postfix SmartHost*, as
tables; the password never said."""

import pytest

from nethserver_migration import esmithdb
from nethserver_migration.actions import smarthost
from nethserver_migration.source import SourceTree
from nethserver_migration.steps import Note, SetProps, Signal
from tests.unit.fakes import FakeDestination

SIGNAL = Signal('nethserver-mail-smarthost-save', (), 'smarthost')
PROXY = {'status': 'enabled', 'Userid': 'relayuser', 'Passwd': 's3cret', 'PeerPort': '587'}


def facts(host='smtp.isp.example', proxy=None, postfix=None, installed=True):
    return smarthost.Facts('/src', installed, host, dict(PROXY) if proxy is None else proxy,
                           {} if postfix is None else postfix)


def props(**kw):
    out = {'SmartHostName': 'smtp.isp.example', 'SmartHostPort': '587',
           'SmartHostUsername': 'relayuser', 'SmartHostPassword': 's3cret',
           'SmartHostStatus': 'enabled', 'SmartHostTlsStatus': 'disabled'}
    out.update(kw)
    return out


def said(steps):
    return [(s.key, s.severity, s.obj) for s in steps if isinstance(s, Note) and s.key]


OBJ = {'smarthost': 'smtp.isp.example'}


@pytest.mark.parametrize('state, written, keys', [
    (facts(), props(), []),
    (facts(proxy={'status': 'disabled', 'Userid': 'u', 'Passwd': 'p', 'PeerPort': '25'}),
     props(SmartHostPort='25', SmartHostUsername='', SmartHostPassword=''), []),
    (facts(proxy={}), props(SmartHostPort='25', SmartHostUsername='', SmartHostPassword=''),
     []),
    (facts(proxy=dict(PROXY, PeerPort='465')),
     props(SmartHostPort='465', SmartHostStatus='disabled', SmartHostTlsStatus='enabled'),
     [('smarthost.implicit-tls', 'warning', OBJ)]),
    (facts(host='10.1.2.3'), props(SmartHostName='10.1.2.3'), []),
    (facts(host='bad host!'), None, [('smarthost.bad-value', 'warning',
                                      {'smarthost': 'bad host!'})]),
    (facts(proxy=dict(PROXY, PeerPort='99999')), None, [('smarthost.bad-value', 'warning', OBJ)]),
    (facts(proxy=dict(PROXY, Passwd='a|b')), None, [('smarthost.unstorable', 'warning', OBJ)]),
    (facts(postfix={'SmartHostStatus': 'enabled', 'SmartHostName': 'other.example',
                    'SmartHostPort': '25'}), None, [('smarthost.kept', 'warning', OBJ)]),
    # the destination's own, disabled: replaced by the source's
    (facts(postfix={'SmartHostStatus': 'disabled', 'SmartHostName': 'other.example'}), props(),
     []),
    (facts(postfix=props()), None, []),
    (facts(host=''), None, []),
])
def test_plan(state, written, keys):
    steps = smarthost.plan(state)
    sets = [s for s in steps if isinstance(s, SetProps)]
    assert [s.props for s in sets] == ([written] if written else [])
    assert [s for s in steps if isinstance(s, Signal)] == ([SIGNAL] if written else [])
    assert said(steps) == keys
    for step in steps:        # the password is in the props only, never in a message
        text = getattr(step, 'message', None) or getattr(step, 'what', '')
        assert 's3cret' not in text and 'a|b' not in text


def test_without_the_module():
    steps = smarthost.plan(facts(installed=False))
    assert said(steps) == [('module.missing', 'warning', {'module': 'nethserver-mail-smarthost'})]


def test_read(sme_tree):
    db = sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'
    with open(str(db), 'a') as f:
        f.write('SMTPSmartHost=smtp.isp.example\nsmtp-auth-proxy=service|PeerPort|465|status|enabled\n')
    dest = FakeDestination(dbs={'configuration': [esmithdb.Record('postfix', 'service',
                                                                  {'SmartHostPort': '25'})]})
    state = smarthost.read(SourceTree(str(sme_tree)), dest)
    assert state == smarthost.Facts(str(sme_tree), True, 'smtp.isp.example',
                                    {'PeerPort': '465', 'status': 'enabled'},
                                    {'SmartHostPort': '25'})


@pytest.mark.parametrize('state, said_, what', [
    (facts(), [], ['SetProps smarthost smtp.isp.example:587 with authentication',
                   'Signal smarthost']),
    (facts(proxy={}), [], ['SetProps smarthost smtp.isp.example:25', 'Signal smarthost']),
    (facts(proxy=dict(PROXY, PeerPort='465')), [(
        'warning', "smarthost smtp.isp.example:465 uses SMTPS (TLS from the first byte), which "
        "NethServer 7's smarthost cannot speak: it is configured but left disabled, and mail "
        "goes straight to the recipients' servers", 'ask the provider for its submission port '
        '(587, STARTTLS), then set it and enable the smarthost in the Server Manager (Email > '
        'Relay)')], ['SetProps smarthost smtp.isp.example:465 with authentication',
                     'Signal smarthost']),
    (facts(host='bad host!'), [('warning', "smarthost 'bad host!' is not a host name: not "
                                "migrated", None)], []),
    (facts(proxy=dict(PROXY, PeerPort='99999')), [
        ('warning', "smarthost smtp.isp.example: port '99999' is not a port: not migrated",
         None)], []),
    (facts(proxy=dict(PROXY, Passwd='a|b')), [
        ('warning', 'smarthost smtp.isp.example: its user name or password holds a character '
         'the e-smith DB cannot store ("|" or a control character): not migrated',
         'set the smarthost in the Server Manager (Email > Relay)')], []),
    (facts(postfix={'SmartHostStatus': 'enabled', 'SmartHostName': 'other.example',
                    'SmartHostPort': '25'}), [
        ('warning', 'smarthost: this server already relays through other.example:25; kept '
         '(the source used smtp.isp.example:587)', None)], []),
    (facts(postfix={'SmartHostStatus': 'enabled', 'SmartHostName': 'smtp.isp.example',
                    'SmartHostPort': '587'}), [],
     ['SetProps smarthost smtp.isp.example:587 with authentication', 'Signal smarthost']),
    (facts(postfix=props()), [('info', 'smarthost smtp.isp.example:587 (already done)', None)],
     []),
    (facts(host=''), [('info', 'smarthost: the source sends mail directly (no SMTPSmartHost)',
                       None)], []),
])
def test_every_message_word_for_word(state, said_, what):
    steps = smarthost.plan(state)
    assert [(s.severity, s.message, s.remediation) for s in steps if isinstance(s, Note)] == \
        said_
    assert [type(s).__name__ + ' ' + s.what for s in steps if not isinstance(s, Note)] == what


def test_the_step_itself_and_the_defaults():
    steps = smarthost.plan(facts(proxy={'status': 'enabled', 'PeerPort': '587'}))
    step = steps[0]
    assert (step.db, step.key, step.type) == ('configuration', 'postfix', 'service')
    assert (step.props['SmartHostUsername'], step.props['SmartHostPassword']) == ('', '')
    missing = smarthost.plan(facts(installed=False))[0]
    assert missing.message.startswith('the smarthost smtp.isp.example: the source uses it')


def test_read_without_a_smarthost(sme_tree):
    state = smarthost.read(SourceTree(str(sme_tree)), FakeDestination())
    assert (state.host, state.proxy) == ('', {})
    assert [s.message for s in smarthost.plan(state)] == [
        'smarthost: the source sends mail directly (no SMTPSmartHost)']
