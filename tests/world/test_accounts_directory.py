"""Phone/Company/Dept/City/Street into the destination's directory, in the sandbox.

The accounts action runs as the event runs it (its action script, with the event's
arguments) against the stand-in OpenLDAP (ldapsearch/ldapmodify bound as cn=libuser with
-y) and the stand-in sam.ldb (ldbsearch/ldbmodify through nsdc-run).  Special values
(non-ASCII, a leading space, a colon, '<', a newline) must arrive byte for byte; a value
the destination already has is kept; a second run reads and writes nothing.
"""

import glob
import os

import pytest

from nethserver_migration import esmithdb
from tests.world import sandbox_ns7, smegen
from tests.world.sandbox import Sandbox

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SRC = '/var/lib/migration'
ACTION = '/etc/e-smith/events/actions/nethserver-migration-accounts'

pytestmark = pytest.mark.sandbox

SPECIAL = {'Phone': '+39 0543 123456', 'Company': ':Colon & Co.', 'Dept': '<R&D>',
           'City': 'Forlì', 'Street': ' Via Roma 1\nScala B'}
NAMES = {
    'ldap': dict(Phone='telephoneNumber', Company='o', Dept='ou', City='l', Street='street'),
    'ad': dict(Phone='telephoneNumber', Company='company', Dept='department', City='l',
               Street='streetAddress'),
}


def world(tmp, provider, role='WS', **kw):
    sb = Sandbox(tmp, provider=provider, **kw)
    m = smegen.generate(sb.path(SRC), seed=11, version='9', users=3, groups=0, ibays=0,
                        pseudonyms=0, domains=1, networks=0, hosts=0, messages=0, role=role)
    sb.install_package(os.path.join(TOP, 'root'))
    users = sorted(n for n in m['users'] if n != 'admin')
    accounts = esmithdb.Database(os.path.join(sb.path(SRC), 'home/e-smith/db/accounts'),
                                 readonly=False)
    accounts.merge_props(users[0], SPECIAL)
    for prop in ('Phone', 'Company', 'Dept', 'City', 'Street'):
        accounts.delete_prop(users[2], prop)           # a user without any
    return sb, users, accounts


def run_action(sb):
    return sb.run([ACTION, 'migration-import', SRC], timeout=120)


def ldap_like(sb):
    return [r for r in sb.journal('command')
            if r['name'] in ('ldapsearch', 'ldapmodify', 'ldbsearch', 'ldbmodify')]


def two_runs(sb, users, accounts, provider):
    # users[1] is on the destination already, with a telephone number of its own
    with sandbox_ns7.ns7provider.Store(sb.root) as st:
        st.add_user(users[1], 'Already Here')
        st.user(users[1])['attrs'] = {'telephoneNumber': ['000-0000']}
    first = run_action(sb)
    j1 = ldap_like(sb)
    s1 = sb.provider_store()
    second = run_action(sb)
    j2 = ldap_like(sb)[len(j1):]
    want = dict((u, dict((p, accounts.get_prop(u, p)) for p in NAMES[provider]
                         if accounts.get_prop(u, p))) for u in users)
    return dict(sb=sb, users=users, first=first, second=second, j1=j1, j2=j2, s1=s1,
                s2=sb.provider_store(), want=want, provider=provider)


@pytest.fixture(scope='module', params=['ldap', 'ad'])
def migrated(request, tmp_path_factory):
    provider = request.param
    sb, users, accounts = world(tmp_path_factory.mktemp(provider), provider)
    return two_runs(sb, users, accounts, provider)


def test_attributes_arrive_with_special_values_intact(migrated):
    w = migrated
    assert w['first'].returncode == 0, w['first'].stdout + w['first'].stderr
    names = NAMES[w['provider']]
    u0 = w['users'][0]
    assert w['s1']['users'][u0]['attrs'] == dict((names[p], [v]) for p, v in SPECIAL.items())
    assert 'attrs' not in w['s1']['users'][w['users'][2]] or \
        w['s1']['users'][w['users'][2]]['attrs'] == {}


def test_value_already_there_is_kept_and_reported(migrated):
    w = migrated
    names = NAMES[w['provider']]
    u1 = w['users'][1]
    want = dict((names[p], [v]) for p, v in w['want'][u1].items())
    want['telephoneNumber'] = ['000-0000']
    assert w['s1']['users'][u1]['attrs'] == want
    out = w['first'].stdout + w['first'].stderr
    assert "user {}: telephoneNumber kept as the destination has it ('000-0000')".format(
        u1) in out


def test_through_the_one_door_without_secrets(migrated):
    w = migrated
    j1 = w['j1']
    if w['provider'] == 'ldap':
        # one search, and ONE modify carrying both users' changes (batched)
        assert [r['name'] for r in j1] == ['ldapsearch', 'ldapmodify']
        assert len(j1[1]['modified']) == 2
        for r in j1:
            assert r['exit'] == 0 and '-w' not in r['args']
            assert r['args'][:6] == ['-x', '-H', 'ldap://127.0.0.1', '-D',
                                     'cn=libuser,dc=directory,dc=nh', '-y']
            assert r['password_file'] != '/var/lib/nethserver/secrets/libuser'
        assert all(r['stdin'] for r in j1 if r['name'] == 'ldapmodify')
        assert glob.glob(w['sb'].path('/var/lib/nethserver-migration/libuser.*')) == []
    else:
        assert [r['name'] for r in j1] == ['ldbsearch', 'ldbmodify']
        assert len(j1[1]['modified']) == 2
        assert all(r.get('caller') == 'nsdc-run' and r['exit'] == 0 for r in j1)
        assert all(r['args'][:2] == ['-H', '/var/lib/samba/private/sam.ldb'] for r in j1)
    journal = open(w['sb'].path('/var/log/ns7-standin/journal.jsonl')).read()
    assert '"secret_on_argv": true' not in journal


def test_second_run_writes_nothing(migrated):
    w = migrated
    assert w['second'].returncode == 0
    assert [r['name'] for r in w['j2']] == [
        'ldapsearch' if w['provider'] == 'ldap' else 'ldbsearch']
    assert w['s2'] == w['s1']


def test_remote_ad_writes_nothing_and_says_so(tmp_path):
    sb, users, accounts = world(tmp_path, 'remote-ad', role='ADS',
                                remote_users=dict((u, u) for u in ('jdoe',)))
    res = run_action(sb)
    assert ldap_like(sb) == []
    assert 'user(s) have Phone/Company/Dept/City/Street on the source; the remote Active ' \
        'Directory is not written by this migration' in res.stdout + res.stderr


# --------------------------------------------------------------------------------------
# the stand-ins themselves

def test_standin_ldap_bind_rules(tmp_path):
    sb = Sandbox(tmp_path, provider='ldap')
    base = ['-x', '-H', 'ldap://127.0.0.1', '-D', 'cn=libuser,dc=directory,dc=nh']
    secret = sb.secret('libuser')
    # NethServer's secret file ends with a newline: OpenLDAP's -y sends it too
    res = sb.run(['ldapsearch'] + base + ['-y', '/var/lib/nethserver/secrets/libuser'])
    assert res.returncode == 49 and 'Invalid credentials' in res.stderr
    res = sb.run(['ldapsearch'] + base + ['-w', secret])
    assert res.returncode == 2 and 'STAND-IN REFUSAL' in res.stderr
    rec = sb.journal('command', 'ldapsearch')[-1]
    assert secret not in repr(rec) and rec['secret_on_argv'] is True
    with open(sb.path('/root/pw'), 'w') as f:
        f.write(secret)
    res = sb.run(['ldapmodify'] + base + ['-y', '/root/pw'],
                 input='dn: uid=admin,ou=People,dc=directory,dc=nh\nchangetype: modify\n'
                       'replace: l\nl:: Rm9ybMOs\n-\n')
    assert res.returncode == 0, res.stderr
    res = sb.run(['ldapsearch'] + base + ['-y', '/root/pw', '-LLL', '-b',
                                          'uid=admin,ou=People,dc=directory,dc=nh', '-s',
                                          'base', '(objectClass=*)', 'l'])
    assert res.stdout == 'dn: uid=admin,ou=People,dc=directory,dc=nh\nl:: Rm9ybMOs\n\n'
    res = sb.run(['ldapmodify'] + base + ['-y', '/root/pw'],
                 input='dn: uid=nobody,ou=People,dc=directory,dc=nh\nchangetype: modify\n'
                       'replace: l\nl: x\n-\n')
    assert res.returncode == 32


def test_standin_ldb_only_inside_nsdc(tmp_path):
    sb = Sandbox(tmp_path, provider='ad')
    res = sb.run(['ldbsearch', '-H', '/var/lib/samba/private/sam.ldb', '(sAMAccountName=admin)'])
    assert res.returncode == 127 and 'nsdc-run' in res.stderr
    res = sb.run(['nsdc-run', '-e', '--', 'ldbsearch', '-H', '/var/lib/samba/private/sam.ldb',
                  '(sAMAccountName=admin)', 'sAMAccountName'])
    assert res.returncode == 0
    assert res.stdout.startswith('# record 1\ndn: CN=admin,CN=Users,DC=ad,DC=example,DC=org\n')
    assert '# returned 1 records' in res.stdout
