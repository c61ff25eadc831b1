"""HylaFAX: the plan as tables (props, files, counters, modem configurations), the handlers
through the Destination double.  Files for real: tests/world/test_hylafax_sandbox.py."""

import io

import pytest

from nethserver_migration.actions import hylafax
from nethserver_migration.report import Reporter
from nethserver_migration.steps import InstallFile, SetProps, Signal, apply
from tests.unit.fakes import FakeDestination

UUCP = (10, 14)


def facts(**kw):
    base = dict(source_dir='/src', props={'FaxNumber': '0612345', 'Auth': 'yes',
                                          'PrinterName': 'hp', 'Obsolete': 'x',
                                          'status': 'enabled', 'type': 'service'},
                installed=True, here={'FaxNumber': '', 'PrintReceived': 'disabled',
                                      'status': 'enabled'},
                trees=[], seqf=[], configs=[], uucp=UUCP)
    base.update(kw)
    return hylafax.Facts(**base)


def test_no_fax_server_no_module():
    (only,) = hylafax.plan(facts(props=None))
    assert (only.key, only.severity) == (None, 'info')
    (missing,) = hylafax.plan(facts(installed=False))
    assert (missing.key, missing.obj) == ('module.missing', {'module': 'nethserver-hylafax'})
    (no_uucp,) = hylafax.plan(facts(uucp=None))
    assert (no_uucp.key, no_uucp.severity) == ('hylafax.no-uucp', 'error')


@pytest.mark.parametrize('printer, received', [('hp', 'enabled'), ('', 'disabled'),
                                                ('  ', 'disabled'), (None, 'disabled')])
def test_the_settings(printer, received):
    props = {'FaxNumber': '0612345', 'Auth': 'yes', 'Obsolete': 'x', 'type': 'service',
             'status': 'enabled'}
    if printer is not None:
        props['PrinterName'] = printer
    steps = hylafax.plan(facts(props=props, here={'PrintReceived': 'x', 'status': 'enabled'}))
    want = {'FaxNumber': '0612345', 'PrintReceived': received}
    if printer is not None:
        want['PrinterName'] = printer
    assert steps[0] == SetProps('configuration', 'hylafax', 'configuration', want,
                                'HylaFAX: {} settings from the source'.format(len(want)))
    assert (steps[1].key, steps[1].message) == (
        'hylafax.props-dropped',
        'HylaFAX: source settings nethserver-hylafax does not have, not migrated: Obsolete')
    assert steps[-1] == Signal('nethserver-hylafax-update', (), 'HylaFAX settings applied')


@pytest.mark.parametrize('source, here, written', [
    (120, 5, 120), (120, None, 120), (5, 120, None), (120, 120, None)])
def test_the_counters_never_go_back(source, here, written):
    steps = hylafax.plan(facts(seqf=[('sendq', source, here, '/var/spool/hylafax/sendq/seqf')]))
    seq = [s for s in steps if isinstance(s, hylafax.SeqFile)]
    assert seq == ([hylafax.SeqFile('sendq', '/var/spool/hylafax/sendq/seqf', written, UUCP)]
                   if written else [])


def test_files_and_modem_configurations():
    steps = hylafax.plan(facts(trees=[('sent', '/src/fax/docs/sent', hylafax.DOCS + '/sent')],
                               configs=[('config.ttyS0', '/src/etc/config.ttyS0')]))
    assert hylafax.FaxTree('sent', '/src/fax/docs/sent', hylafax.DOCS + '/sent', UUCP) in steps
    assert InstallFile('/src/etc/config.ttyS0', '/var/spool/hylafax/etc/config.ttyS0', 0o644,
                       False, 'HylaFAX modem configuration config.ttyS0') in steps


@pytest.mark.parametrize('data, number', [(b'120\n', 120), (b'7', 7), (b'', None),
                                          (b'x1', None), (None, None), (b'-3', None)])
def test_number(data, number):
    assert hylafax._number(data) == number


def test_the_counter_is_written_as_uucps():
    dest = FakeDestination(stats={'/var/spool/hylafax/recvq': object()})
    rep = Reporter('nethserver-migration-hylafax', stream=io.StringIO(),
                   report_dir='/nonexistent')
    apply([hylafax.SeqFile('recvq', '/var/spool/hylafax/recvq/seqf', 42, UUCP)], dest, rep)
    assert dest.called('write_owned') == [('/var/spool/hylafax/recvq/seqf', '42\n', UUCP,
                                           0o644)]


def test_no_counter_where_hylafax_has_no_queue():
    dest = FakeDestination()
    rep = Reporter('nethserver-migration-hylafax', stream=io.StringIO(),
                   report_dir='/nonexistent')
    apply([hylafax.SeqFile('recvq', '/var/spool/hylafax/recvq/seqf', 42, UUCP)], dest, rep)
    assert dest.called('write_owned') == []
    assert [(f.key, f.obj) for f in rep.findings] == [('hylafax.spool-missing',
                                                        {'queue': 'recvq'})]
