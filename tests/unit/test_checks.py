"""Checks: the pure value checks: what was read -> the steps decided, as tables."""

import pytest

from nethserver_migration import checks
from nethserver_migration.destination import Destination
from nethserver_migration.actions import (certificates, config, dhcp, hosts, network,
                                          openssh, proxypass, review, rootdir, services)
from nethserver_migration.steps import (InstallFile, MergeTree, MoveInto, Note, Run,
                                        SetProps, SetValue, Signal, WriteFile)
from tests.unit.plans import keys, of  # noqa: F401


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
