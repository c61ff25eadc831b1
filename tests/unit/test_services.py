"""The services concern (time, NTP, CUPS, ejabberd): what was read -> the steps decided, as tables."""

import pytest

from nethserver_migration.actions import services
from nethserver_migration.steps import InstallFile, Run, SetProps, Signal
from tests.unit.plans import keys, of  # noqa: F401
from tests.unit import golden


def svc_state(**kw):
    state = {'source_dir': '/x', 'timezone': '', 'dest_timezone': 'UTC', 'ntp_server': '',
             'cups': None, 'cups_files': {'printers.conf': None, 'classes.conf': None},
             'ppds': [], 'printers': [], 'ejabberd': None, 'dest_ejabberd': None,
             'installed': {'nethserver-ntp': True, 'nethserver-cups': True,
                           'nethserver-ejabberd': True}}
    state.update(kw)
    return services.Facts(**state)


@pytest.mark.parametrize('zone, dest, step', [
    ('Europe/Rome', 'UTC', Run('set_timezone', ('Europe/Rome',), 'time zone = Europe/Rome')),
    ('Europe/Rome', 'Europe/Rome', None),
    ('../../etc/shadow', 'UTC', None),
])
def test_time_zone(request, zone, dest, step):
    steps = services.plan_time(svc_state(timezone=zone, dest_timezone=dest))
    golden.plan(request, steps)
    assert of(steps, Run) == ([step] if step else [])


@pytest.mark.parametrize('server, written', [('smeserver.pool.ntp.org', None), ('', None),
                                             ('ntp.example.net', 'ntp.example.net'),
                                             ('ntp;rm -rf', None)])
def test_ntp_server(request, server, written):
    steps = services.plan_time(svc_state(ntp_server=server))
    golden.plan(request, steps)
    assert [s.props['NTPServer'] for s in of(steps, SetProps)] == ([written] if written else [])
    assert of(steps, Signal) == [Signal('nethserver-ntp-update', (), 'time and NTP')]


def test_cups_files_kept_beside_and_printers_reported(request):
    steps = services.plan_cups(svc_state(cups={'status': 'enabled'}, printers=['hall'],
                                         cups_files={'printers.conf': '/s/p',
                                                     'classes.conf': None}))
    golden.plan(request, steps)
    assert of(steps, InstallFile) == [InstallFile('/s/p', '/etc/cups/printers.conf', 0o600,
                                                  False, 'CUPS printers.conf')]
    assert keys(steps) == ['cups.printers-not-migrated']
    assert of(steps, Signal)[0].event == 'nethserver-cups-update'


def test_cups_drivers_travel_with_the_printers_as_cups_keeps_them(request):
    steps = services.plan_cups(svc_state(
        cups_files={'printers.conf': '/s/p', 'classes.conf': None},
        ppds=[('hall.ppd', '/s/ppd/hall.ppd'), ('lab.ppd', '/s/ppd/lab.ppd')]))
    golden.plan(request, steps, '1')
    assert of(steps, InstallFile)[1:] == [
        InstallFile('/s/ppd/hall.ppd', '/etc/cups/ppd/hall.ppd', 0o640, False,
                    'CUPS driver hall.ppd', 'lp'),
        InstallFile('/s/ppd/lab.ppd', '/etc/cups/ppd/lab.ppd', 0o640, False,
                    'CUPS driver lab.ppd', 'lp')]
    # PPDs alone mean CUPS was used; the module missing changes nothing
    steps = services.plan_cups(svc_state(ppds=[('hall.ppd', '/s/ppd/hall.ppd')],
                                         installed={'nethserver-cups': False}))
    golden.plan(request, steps, '2')
    assert keys(steps) == ['module.missing'] and not of(steps, InstallFile)


def test_ejabberd_only_known_props(request):
    steps = services.plan_ejabberd(svc_state(
        ejabberd={'status': 'enabled', 'access': 'private', 'Obsolete': 'x', 'WebAdmin': 'y'},
        dest_ejabberd={'WebAdmin': 'disabled', 'status': 'enabled'}))
    golden.plan(request, steps)
    assert of(steps, SetProps)[0].props == {'status': 'enabled', 'access': 'green',
                                            'WebAdmin': 'y'}


def test_services_module_missing(request):
    state = svc_state(cups={'status': 'enabled'}, ejabberd={'status': 'enabled'},
                      ntp_server='ntp.example.net',
                      installed=dict.fromkeys(('nethserver-ntp', 'nethserver-cups',
                                               'nethserver-ejabberd'), False))
    steps = services.plan(state)
    golden.plan(request, steps)
    assert keys(steps) == ['module.missing'] * 3
    assert not of(steps, (SetProps, Signal, InstallFile))


def test_services_read(sme_tree, tmp_path_factory):
    import os
    from nethserver_migration import esmithdb
    from nethserver_migration.source import SourceTree
    from tests.unit.fakes import FakeDestination
    db = sme_tree / 'home' / 'e-smith' / 'db'
    config = esmithdb.Database(str(db / 'configuration'), readonly=False)
    config.set_value('TimeZone', ' Europe/Rome ')
    config.set_record('ntpd', 'service', {'NTPServer': ' ntp.example.org '})
    config.set_record('cups', 'service', {'status': 'enabled'})
    config.set_record('ejabberd', 'service', {'status': 'enabled', 'access': 'private'})
    esmithdb.Database(str(db / 'accounts'), readonly=False).set_record(
        'laser', 'printer', {'Description': 'Laser'})
    cups = sme_tree / 'etc' / 'cups'
    (cups / 'ppd').mkdir(parents=True)
    (cups / 'printers.conf').write_text('<Printer laser>\n</Printer>\n')
    (cups / 'classes.conf').mkdir()                                 # not a file
    for name in ('laser.ppd', 'b.ppd', 'notes.txt'):
        (cups / 'ppd' / name).write_text('*PPD-Adobe: "4.3"\n')
    (cups / 'ppd' / 'dir.ppd').mkdir()
    outside = tmp_path_factory.mktemp('out') / 'x.ppd'
    outside.write_text('secret')
    os.symlink(str(outside), str(cups / 'ppd' / 'link.ppd'))
    os.symlink('laser.ppd', str(cups / 'ppd' / 'inner.ppd'))
    dest = FakeDestination(modules=('nethserver-cups',), dbs={'configuration': [
        esmithdb.Record('TimeZone', 'UTC', {}),
        esmithdb.Record('ejabberd', 'service', {'status': 'disabled'})]})
    source = SourceTree(str(sme_tree))
    facts = services.read(source, dest)
    assert facts == services.Facts(
        ppds=[('b.ppd', str(cups / 'ppd' / 'b.ppd')), ('laser.ppd', str(cups / 'ppd' / 'laser.ppd'))],
        source_dir=source.root, timezone='Europe/Rome', dest_timezone='UTC',
        ntp_server='ntp.example.org', cups={'status': 'enabled'},
        cups_files={'printers.conf': str(cups / 'printers.conf'), 'classes.conf': None},
        printers=['laser'], ejabberd={'status': 'enabled', 'access': 'private'},
        dest_ejabberd={'status': 'disabled'},
        installed={'nethserver-ntp': False, 'nethserver-cups': True,
                   'nethserver-ejabberd': False})


def test_services_read_a_bare_tree(sme_tree):
    from nethserver_migration.source import SourceTree
    from tests.unit.fakes import FakeDestination
    facts = services.read(SourceTree(str(sme_tree)), FakeDestination())
    # the sample: TimeZone=US/Eastern, an ntpd record without NTPServer
    assert (facts.ppds, facts.timezone, facts.ntp_server, facts.cups, facts.ejabberd,
            facts.dest_ejabberd, facts.printers) == ([], 'US/Eastern', '', None, None, None,
                                                     [])
    assert facts.dest_timezone is None
    assert facts.cups_files == {'printers.conf': None, 'classes.conf': None}


@pytest.mark.parametrize('status, written', [('enabled', 'enabled'), ('disabled', 'disabled'),
                                             ('', None), ('broken', None)])
def test_cups_status(request, status, written):
    steps = services.plan_cups(svc_state(cups={'status': status} if status else {}))
    golden.plan(request, steps)
    assert [s.props for s in of(steps, SetProps)] == ([{'status': written}] if written else [])
    assert keys(steps) == ([] if written or not status else ['config.bad-value'])
    assert of(steps, Signal) == [Signal('nethserver-cups-update', (), 'CUPS')]


def test_nothing_of_time_cups_or_ejabberd_on_the_source(request):
    steps = services.plan(svc_state())
    golden.plan(request, steps)
    assert keys(steps) == [] and not of(steps, (SetProps, Run, InstallFile))
    assert of(steps, Signal) == [Signal('nethserver-ntp-update', (), 'time and NTP')]


def test_ntp_needs_its_module_only_to_write(request):
    steps = services.plan_time(svc_state(installed={'nethserver-ntp': False}))
    golden.plan(request, steps)
    assert steps and not of(steps, Signal)


def test_ejabberd_access_it_cannot_map_and_values_it_cannot_store(request):
    steps = services.plan_ejabberd(svc_state(
        ejabberd={'access': 'everyone', 'status': 'en|abled'}, dest_ejabberd=None))
    golden.plan(request, steps)
    assert keys(steps) == ['config.bad-value'] * 2
    assert [s.obj for s in steps if getattr(s, 'key', None)] == [
        {'setting': 'ejabberd access'}, {'setting': 'ejabberd status'}]
    assert not of(steps, SetProps)
    assert of(steps, Signal) == [Signal('nethserver-ejabberd-update', (), 'ejabberd')]


def test_services_words_that_list_several(request):
    state = svc_state(timezone='', ntp_server='ntp1.example.net,ntp2.example.net',
                      printers=['hall', 'lab'],
                      ejabberd={'access': 'everyone', 'status': 'en|abled', 'Old': '1',
                                'Older': '2'})
    steps = services.plan(state)
    golden.plan(request, steps)
    assert [s.props for s in of(steps, SetProps) if s.key == 'chronyd'] == [
        {'NTPServer': 'ntp1.example.net,ntp2.example.net'}]
    assert [s.obj for s in steps if getattr(s, 'key', None) and hasattr(s, 'obj')] == [
        {'printers': 'hall, lab'}, {'setting': 'ejabberd access'},
        {'setting': 'ejabberd status'}]


def test_services_read_without_a_time_zone(sme_tree):
    from nethserver_migration import esmithdb
    from nethserver_migration.source import SourceTree
    from tests.unit.fakes import FakeDestination
    esmithdb.Database(str(sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'),
                      readonly=False).delete('TimeZone')
    assert services.read(SourceTree(str(sme_tree)), FakeDestination()).timezone == ''
