"""The stand-in signal-event against anchor-behaviour.md §1.2."""

import os
import re

import pytest

from tests.world.fixtures import sandbox, sandbox_factory  # noqa: F401

pytestmark = pytest.mark.sandbox

SYSLOG = re.compile(r'^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ns7 esmith::event\[(\d+)\]: (.*)$')


def _handler(path, body, mode=0o755):
    with open(path, 'w') as f:
        f.write('#!/bin/bash\n' + body + '\n')
    os.chmod(path, mode)


@pytest.fixture
def test_event(sandbox):
    """/etc/e-smith/events/test-ev with handlers that record their order and arguments."""
    d = sandbox.path('/etc/e-smith/events/test-ev')
    os.makedirs(d)
    order = 'echo "$(basename $0) $*" >> /tmp/order\n'
    _handler(os.path.join(d, 'S9second'), order + 'echo out-of-S9; echo err-of-S9 >&2')
    _handler(os.path.join(d, 'S10first'), order + 'echo "lang=$LANG lc=${LC_ALL-unset},'
             '${LC_MESSAGES-unset} language=${LANGUAGE-unset}"')
    _handler(os.path.join(d, 'S50fails'), order + 'echo about to fail; exit 3')
    _handler(os.path.join(d, 'S60killed'), order + 'kill -TERM $$')
    _handler(os.path.join(d, 'S70after'), order)
    _handler(os.path.join(d, 'ZZlast'), order)
    _handler(os.path.join(d, 'S20notexec'), order, mode=0o644)
    os.makedirs(os.path.join(d, 'S30dir-ignored'))
    os.makedirs(os.path.join(d, 'templates2expand/etc'))
    open(os.path.join(d, 'templates2expand/etc/test.conf'), 'w').close()
    os.makedirs(os.path.join(d, 'services2adjust'))
    with open(os.path.join(d, 'services2adjust/sshd'), 'w') as f:
        f.write('reload\n')
    return sandbox


def test_order_arguments_failures_and_log(test_event):
    sb = test_event
    res = sb.run(['signal-event', 'test-ev', 'arg one', 'two'],
                 env={'LC_ALL': 'C', 'LC_MESSAGES': 'C', 'LANGUAGE': 'de', 'LANG': 'C'})
    assert res.returncode == 1
    with open(sb.path('/tmp/order')) as f:
        order = f.read().splitlines()
    # basename string order: S10 < S50 < S60 < S70 < S9 < ZZ; generic steps at S05/S90
    assert order == ['S10first test-ev arg one two', 'S50fails test-ev arg one two',
                     'S60killed test-ev arg one two', 'S70after test-ev arg one two',
                     'S9second test-ev arg one two', 'ZZlast test-ev arg one two']
    msgs = sb.messages()
    parsed = [SYSLOG.match(l) for l in msgs]
    assert all(parsed), msgs
    assert len({m.group(1) for m in parsed}) == 1          # one pid: signal-event's
    text = [m.group(2) for m in parsed]
    ev = '/etc/e-smith/events/test-ev/'
    acts = '/etc/e-smith/events/actions/'
    assert text[0] == 'Event: test-ev arg one two'
    assert text[1] == 'Skipping non-executable handler {}S20notexec'.format(ev)
    assert text[-1] == 'Event: test-ev FAILED'
    actions = [re.sub(r' \[[0-9.]+\]$', ' [T]', t) for t in text if t.startswith('Action:')]
    assert actions == [
        'Action: {}generic_template_expand SUCCESS [T]'.format(acts),
        'Action: {}S10first SUCCESS [T]'.format(ev),
        'Action: {}S50fails FAILED: 3 [T]'.format(ev),
        'Action: {}S60killed FAILED: 15 [T]'.format(ev),
        'Action: {}S70after SUCCESS [T]'.format(ev),
        'Action: {}adjust-services SUCCESS [T]'.format(acts),
        'Action: {}S9second SUCCESS [T]'.format(ev),
        'Action: {}ZZlast SUCCESS [T]'.format(ev),
    ]
    assert 'lang=en_US.utf8 lc=unset,unset language=unset' in text
    assert 'about to fail' in text
    assert 'out-of-S9' in text and 'err-of-S9' in text
    # output lines come before their Action line
    assert text.index('about to fail') < text.index(
        [t for t in text if 'S50fails FAILED' in t][0])
    ev_rec = sb.journal(kind='event', name='test-ev')[-1]
    assert ev_rec['exit'] == 1 and ev_rec['args'] == ['arg one', 'two']
    assert [a['exit'] for a in ev_rec['actions']] == [0, 0, 3, 15, 0, 0, 0, 0]
    tpl = sb.journal(kind='action', name='generic_template_expand')[-1]
    assert tpl['templates'] == ['/etc/test.conf']
    svc = sb.journal(kind='action', name='adjust-services')[-1]
    assert svc['services'] == {'sshd': ['reload']}


def test_all_success_exits_zero(sandbox):
    d = sandbox.path('/etc/e-smith/events/ok-ev')
    os.makedirs(d)
    _handler(os.path.join(d, 'S10a'), 'echo fine')
    res = sandbox.run(['signal-event', 'ok-ev'])
    assert res.returncode == 0
    assert sandbox.messages()[-1].endswith('Event: ok-ev SUCCESS')


def test_missing_event_and_actions_are_errors(sandbox):
    res = sandbox.run(['signal-event', 'no-such-event'])
    assert res.returncode != 0
    assert "Can't open directory /etc/e-smith/events/no-such-event" in res.stderr
    res = sandbox.run(['signal-event', 'actions'])
    assert res.returncode != 0
    assert sandbox.messages() == []
    assert [j['exit'] != 0 for j in sandbox.journal(kind='event')] == [True, True]


def test_nested_event_from_a_handler(sandbox):
    """interface-update's S80static-routes-save re-signals static-routes-save."""
    res = sandbox.run(['signal-event', 'interface-update'])
    assert res.returncode == 0, sandbox.messages()
    names = [j['name'] for j in sandbox.journal(kind='event')]
    assert names == ['nethserver-dnsmasq-save', 'static-routes-save', 'interface-update'] or \
        names == ['static-routes-save', 'nethserver-dnsmasq-save', 'interface-update']
    acts = [j['name'] for j in sandbox.journal(kind='action', )
            if j['event'] == 'interface-update']
    assert acts[:3] == ['network-stop', 'generic_template_expand', 'interface-rename']
    assert 'static-routes-save' in acts and 'nethserver-dnsmasq-signalsave' in acts
