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
