"""The config concern: what was read -> the steps decided, as tables."""

import pytest

from nethserver_migration.actions import config
from tests.unit.fakes import FakeDestination
from nethserver_migration.steps import SetProps, SetValue, Signal
from tests.unit.plans import keys, of  # noqa: F401
from tests.unit import golden


def config_state(**kw):
    state = {'source_dir': '/var/lib/migration', 'passwordstrength': None,
             'limits': {}, 'ldap': None, 'smb': None, 'role': 'WS',
             'samba_installed': True, 'sssd_installed': True, 'sssd_workgroup': ''}
    state.update(kw)
    return config.Facts(**state)


@pytest.mark.parametrize('users, expected', [('strong', 'strong'), ('normal', 'strong'),
                                             ('none', 'none'), ('length', 'strong')])
def test_password_policy_users_mapping(request, users, expected):
    steps = config.plan_password_policy(config_state(passwordstrength={
        'Users': users, 'Admin': 'strong', 'Ibays': 'none', 'PassExpires': 'maybe'}))
    golden.plan(request, steps)
    assert of(steps, SetProps) == [SetProps('configuration', 'passwordstrength',
                                            'configuration', {'Users': expected},
                                            'password policy: passwordstrength Users={}'
                                            .format(expected))]
    assert of(steps, Signal) == [Signal('password-policy-update', (), 'password policy')]


def test_password_policy_limits_and_bad_values(request):
    steps = config.plan_password_policy(config_state(limits={
        'MinUid': '5042', 'maxAcctNameLength': 'x12', 'maxGroupNameLength': None}))
    golden.plan(request, steps)
    assert of(steps, SetValue) == [SetValue('configuration', 'MinUid', '5042', 'MinUid = 5042')]
    assert keys(steps) == ['config.bad-value']
    assert of(steps, Signal)


def test_no_policy_in_source_changes_nothing():
    assert not of(config.plan_password_policy(config_state()), (SetProps, SetValue, Signal))


@pytest.mark.parametrize('raw, expected', [(None, 'Z:'), ('', 'Z:'), ('Z', 'Z:'),
                                           ('Z:', 'Z:'), ('h', 'H:'), ('Z::', 'Z:'),
                                           ('ZZ', None), ('1', None)])
def test_logon_drive_has_one_colon(request, raw, expected):
    smb = {'status': 'enabled'}
    if raw is not None:
        smb['LogonDrive'] = raw
    steps = config.plan_logon_drive(config_state(smb=smb))
    golden.plan(request, steps)
    if expected is None:
        assert keys(steps) == ['config.bad-value'] and not of(steps, SetProps)
    else:
        assert of(steps, SetProps)[0].props == {'LogonDrive': expected}


def test_logon_drive_without_samba_module(request):
    steps = config.plan_logon_drive(config_state(smb={'LogonDrive': 'Z'},
                                                 samba_installed=False))
    golden.plan(request, steps)
    assert keys(steps) == ['module.missing'] and not of(steps, SetProps)
    assert steps[0].commands == ('yum install -y nethserver-samba',
                                 'signal-event migration-import /var/lib/migration')


@pytest.mark.parametrize('role, workgroup, current, expected, found', [
    ('PDC', 'mitel-networks', '', 'MITEL-NETWORKS', []),
    ('PDC', 'corp', 'OTHER', 'CORP', ['config.workgroup-replaced']),
    ('WS', 'corp', '', None, []),
    ('PDC', '', '', None, []),
    ('PDC', 'a workgroup too long', '', None, ['config.bad-value']),
])
def test_workgroup_only_for_pdc(request, role, workgroup, current, expected, found):
    steps = config.plan_workgroup(config_state(role=role, smb={'Workgroup': workgroup},
                                               sssd_workgroup=current))
    golden.plan(request, steps)
    props = [s.props for s in of(steps, SetProps)]
    assert props == ([{'Workgroup': expected}] if expected else [])
    assert keys(steps) == found


def test_organization_contact_pipe_is_reported_rest_kept(request):
    steps = config.plan_organization(config_state(ldap={'defaultCity': 'Ottawa',
                                                        'defaultCompany': 'A|B'}))
    golden.plan(request, steps)
    assert of(steps, SetProps)[0].props == {'City': 'Ottawa'}
    assert keys(steps) == ['config.bad-value']


def test_config_read(sme_tree):
    from nethserver_migration import esmithdb
    from nethserver_migration.source import SourceTree
    db = esmithdb.Database(str(sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'),
                           readonly=False)
    db.set_record('passwordstrength', 'configuration', {'Users': 'strong'})
    db.set_value('MinUid', '5000')
    db.set_value('maxAcctNameLength', '12')
    db.set_record('ldap', 'service', {'defaultCity': 'Rome'})
    db.set_record('smb', 'service', {'ServerRole': 'PDC', 'Workgroup': 'HOME'})
    dest = FakeDestination(modules=('nethserver-samba',), dbs={'configuration': [
        esmithdb.Record('sssd', 'service', {'Workgroup': 'NS7'})]})
    source = SourceTree(str(sme_tree))
    assert config.read(source, dest) == config.Facts(
        source_dir=source.root, passwordstrength={'Users': 'strong'},
        limits={'MinUid': '5000', 'maxAcctNameLength': '12', 'maxGroupNameLength': None},
        ldap={'defaultCity': 'Rome'}, smb={'ServerRole': 'PDC', 'Workgroup': 'HOME'},
        role='PDC', samba_installed=True, sssd_installed=False, sssd_workgroup='NS7')
    for key in ('passwordstrength', 'ldap', 'smb'):
        db.delete(key)
    facts = config.read(SourceTree(str(sme_tree)), FakeDestination())
    assert (facts.passwordstrength, facts.ldap, facts.smb, facts.role, facts.sssd_installed,
            facts.sssd_workgroup) == (None, None, None, 'WS', True, None)
    facts = config.read(SourceTree(str(sme_tree)), FakeDestination(modules=('nethserver-sssd',)))
    assert (facts.samba_installed, facts.sssd_installed) == (False, True)


CONFIG_CASES = [
    # (case, the facts that differ from config_state's)
    ('password ages and expiry carried, the rest named',
     dict(passwordstrength={'Users': 'strong', 'MaxPassAge': '180', 'MinPassAge': '0',
                            'PassWarning': 'x7', 'PassExpires': 'yes', 'Admin': 'strong'})),
    ('an unknown Users value', dict(passwordstrength={'Users': 'paranoid'})),
    ('PassExpires other than yes or no', dict(passwordstrength={'PassExpires': 'maybe'})),
    ('nothing of the source', dict()),
    ('organization defaults', dict(ldap={'defaultCity': 'Pesaro', 'defaultCompany': 'Acme',
                                         'defaultDepartment': 'IT', 'other': 'x'})),
    ('organization defaults, the first absent', dict(ldap={
        'defaultCompany': 'Acme', 'defaultPhoneNumber': '+39 0721', 'defaultStreet': 'Via 1'})),
    ('password ages, the first absent; PassExpires no', dict(
        passwordstrength={'MinPassAge': '1', 'PassWarning': '7', 'PassExpires': 'no'})),
    ('an empty Users value is no setting', dict(passwordstrength={'Users': '',
                                                                  'MaxPassAge': '90'})),
    ('limits: the first empty, one of 1 day, a zero', dict(limits={
        'MinUid': '', 'maxAcctNameLength': '1', 'maxGroupNameLength': '0'})),
    ('logon drive X', dict(smb={'LogonDrive': 'X:'})),
    ('a bad first limit, a good second', dict(limits={'MinUid': 'x', 'maxAcctNameLength': '12'})),
    ('a bad first organization value, a good second', dict(ldap={
        'defaultCity': 'Pe|saro', 'defaultCompany': 'Acme'})),
    ('no ServerRole at all', dict(role='')),
    ('a disabled smb without the samba module', dict(smb={'status': 'disabled'},
                                                     samba_installed=False)),
    ('a PDC workgroup without the sssd module', dict(
        role='PDC', smb={'Workgroup': 'dom'}, sssd_installed=False)),
    ('a PDC workgroup replaces this one', dict(role='PDC', smb={'Workgroup': 'dom'},
                                               sssd_workgroup='OLD')),
    ('a PDC workgroup that is this one already', dict(role='PDC', smb={'Workgroup': 'DOM'},
                                                      sssd_workgroup='DOM')),
    ('a bad PDC workgroup', dict(role='PDC', smb={'Workgroup': 'no spaces allowed'})),
]


@pytest.mark.parametrize('case, kw', CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_what_the_plan_says(request, case, kw):
    golden.plan(request, config.plan(config_state(**kw)))      # every word, in the golden
