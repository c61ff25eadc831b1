"""ibays: the access table, the plan as tables (Facts -> steps, golden), the owners' and
modes' decision for each file, the acls.dump blocks, read() on a real small tree, and the
apply of IbayMigrate against the FakeDestination (order, journal, re-run, failures)."""

import collections
import io
import os
import stat

import pytest

from nethserver_migration import acls, esmithdb, steps
from nethserver_migration.actions import accounts, ibays
from nethserver_migration.fileops import AclResult, MergeResult
from nethserver_migration.report import Reporter
from nethserver_migration.source import SourceTree
from nethserver_migration.steps import Note
from tests.unit import golden
from tests.unit.fakes import FakeDestination

R = ibays.Resolved


def reporter():
    return Reporter('test', stream=io.StringIO(), report_dir='/nonexistent')


def src_ibay(name='docs', problem=None, **props):
    base = {'Group': 'sales', 'UserAccess': 'wr-group-rd-group', 'Name': 'Documents',
            'PublicAccess': 'none'}
    base.update(props)
    return ibays.SourceIbay(name, base, None if problem == 'unsafe' else '/s/ibays/' + name,
                            None if problem in (None, 'unsafe') else problem) \
        if problem != 'unsafe' else ibays.SourceIbay(name, base, None, 'unsafe ibay name')


def facts(ibay_list=None, **kw):
    base = dict(
        source_dir='/var/lib/migration', installed=True, provider='ldap', blocked=False,
        ibays=[src_ibay()] if ibay_list is None else ibay_list, existing={}, journal=(),
        clashes=set(),
        users={'root': R('root', 0), 'admin': R('admin@example.org', 1000),
               'alice': R('alice@example.org', 1001), 'bob': R('bob@example.org', 1002)},
        groups={'root': R('root', 0), 'sales': R('sales@example.org', 1010),
                'shared': R('locals@example.org', 1000),
                'admin': R('domain admins@example.org', 1011)},
        src_uids={0: 'root', 101: 'admin', 5001: 'alice', 5002: 'bob', 5009: 'gone',
                  5020: 'docs'},
        src_gids={0: 'root', 101: 'admin', 102: 'www', 500: 'shared', 5003: 'sales',
                  5020: 'docs', 5030: 'deleted'},
        acl_text=None, acl_problem=None)
    base.update(kw)
    return ibays.Facts(**base)


def kinds(planned):
    return [s.key or s.severity if isinstance(s, Note) else s.op for s in planned]


def migrate_step(planned):
    found = [s for s in planned if isinstance(s, ibays.IbayMigrate)]
    assert len(found) == 1
    return found[0]


# -- the access table -----------------------------------------------------------------

@pytest.mark.parametrize('value, meant, unknown, group, other', [
    ('wr-admin-rd-group', 'wr-admin-rd-group', None, 'r', ''),
    ('wr-group-rd-group', 'wr-group-rd-group', None, 'rw', ''),
    ('wr-group-rd-everyone', 'wr-group-rd-everyone', None, 'rw', 'r'),
    ('wr_admin_rd_group', 'wr-admin-rd-group', None, 'r', ''),       # e-smith 3.x spelling
    ('wr_group_rd_everyone', 'wr-group-rd-everyone', None, 'rw', 'r'),
    ('', 'wr-group-rd-everyone', None, 'rw', 'r'),                   # SME's default
    ('everyone-rw', 'wr-group-rd-group', 'everyone-rw', 'rw', ''),   # unknown: narrower
])
def test_access_table(value, meant, unknown, group, other):
    assert ibays.access_of({'UserAccess': value}) == (meant, unknown)
    step = migrate_step(ibays.plan(facts([src_ibay(UserAccess=value)])))
    assert (step.record['GroupAccess'], step.record['OtherAccess']) == (group, other)


# -- the plan ---------------------------------------------------------------------------

PLANS = [
    ('no ibay', dict(ibay_list=[]), ['info']),
    ('module missing', dict(installed=False), ['module.missing']),
    ('accounts blocked', dict(blocked=True), ['notice']),
    ('ldap', {}, ['info', 'migrate-ibay', 'ibays.ldap-provider']),
    ('ad', dict(provider='ad'), ['info', 'migrate-ibay']),
    ('clash with an account', dict(clashes={'docs'}), ['info', 'error', 'ibays.ldap-provider']),
    ('a folder of the destination', dict(existing={'docs': {}}),
     ['info', 'ibays.folder-exists', 'ibays.ldap-provider']),
    ('our folder, claimed', dict(existing={'docs': {}}, journal=('claimed docs',)),
     ['info', 'migrate-ibay', 'ibays.ldap-provider']),
    ('unsafe', dict(ibay_list=[src_ibay(problem='unsafe')]),
     ['info', 'ibays.unsafe-path', 'ibays.ldap-provider']),
    ('too long', dict(ibay_list=[src_ibay('a' * 31)]),
     ['info', 'ibays.bad-name', 'ibays.ldap-provider']),
    ('a refused character', dict(ibay_list=[src_ibay('a:b')]),
     ['info', 'ibays.bad-name', 'ibays.ldap-provider']),
    ('no directory', dict(ibay_list=[src_ibay(problem='is missing from the source tree')]),
     ['info', 'ibays.no-data', 'migrate-ibay', 'ibays.ldap-provider']),
    ('group not migrated', dict(ibay_list=[src_ibay(Group='deleted')]),
     ['info', 'ibays.group-unknown', 'migrate-ibay', 'ibays.ldap-provider']),
    ('unknown access', dict(ibay_list=[src_ibay(UserAccess='bogus')]),
     ['info', 'ibays.access-unknown', 'migrate-ibay', 'ibays.ldap-provider']),
    ('web public', dict(ibay_list=[src_ibay(PublicAccess='global', CgiBin='enabled')]),
     ['info', 'migrate-ibay', 'ibays.web', 'ibays.ldap-provider']),
    ('web password', dict(ibay_list=[src_ibay(PublicAccess='global-pw-remote')]),
     ['info', 'migrate-ibay', 'ibays.web', 'ibays.ldap-provider']),
    ('web password, local network', dict(ibay_list=[src_ibay(PublicAccess='local-pw')]),
     ['info', 'migrate-ibay', 'ibays.web', 'ibays.ldap-provider']),
    ('no PublicAccess at all: not on the web', dict(ibay_list=[src_ibay(PublicAccess='')]),
     ['info', 'migrate-ibay', 'ibays.ldap-provider']),
    ('cgi, not on the web', dict(ibay_list=[src_ibay(CgiBin='enabled')]),
     ['info', 'migrate-ibay', 'ibays.ldap-provider']),
    ('Primary', dict(ibay_list=[src_ibay('Primary', Group='shared',
                                         UserAccess='wr-admin-rd-group',
                                         PublicAccess='global')]),
     ['info', 'migrate-ibay', 'ibays.web-primary', 'ibays.ldap-provider']),
]


@pytest.mark.parametrize('case, kw, expected', PLANS, ids=[p[0] for p in PLANS])
def test_plan(request, case, kw, expected):
    planned = golden.plan(request, ibays.plan(facts(**kw)))
    assert kinds(planned) == expected


def test_record_ldap_and_ad():
    ldap = migrate_step(ibays.plan(facts())).record
    assert dict(ldap) == {
        'Description': 'Documents', 'OwningGroup': 'sales@example.org', 'GroupAccess': 'rw',
        'OtherAccess': '', 'AclRead': 'sales@example.org', 'AclWrite': 'sales@example.org',
        'SmbRecycleBinStatus': 'disabled', 'SmbRecycleBinVersionsStatus': 'disabled',
        'SmbShareBrowseable': 'enabled', 'SmbStatus': 'enabled', 'SmbGuestAccessType': 'none',
        'SmbProfileType': 'migration', 'status': 'enabled'}
    ad = migrate_step(ibays.plan(facts(
        provider='ad', ibay_list=[src_ibay(RecycleBin='enabled', KeepVersions='enabled',
                                           UserAccess='wr-admin-rd-group')]))).record
    assert (ad['OwningGroup'], ad['AclRead'], ad['AclWrite'], ad['GroupAccess']) == (
        'sales@example.org', '', '', 'r')
    assert (ad['SmbRecycleBinStatus'], ad['SmbRecycleBinVersionsStatus']) == (
        'enabled', 'enabled')
    # read-only group on LDAP: AclRead only
    ro = migrate_step(ibays.plan(facts([src_ibay(UserAccess='wr-admin-rd-group')]))).record
    assert (ro['AclRead'], ro['AclWrite']) == ('sales@example.org', '')


@pytest.mark.parametrize('name, stored, said', [
    ('Sales | Marketing', 'Sales / Marketing', True), ('Two\nlines', 'Two\nlines', False),
    ('C:\\new', 'docs', True),            # a literal backslash-n: the key instead
    ('Plain', 'Plain', False), ('', 'docs', False)])
def test_description(request, name, stored, said):
    planned = golden.plan(request, ibays.plan(facts([src_ibay(Name=name)])))
    assert migrate_step(planned).record['Description'] == stored
    assert ('ibays.description-changed' in kinds(planned)) == said


@pytest.mark.parametrize('group, owning', [
    ('shared', 'locals@example.org'), ('admin', 'domain admins@example.org'),
    ('sales', 'sales@example.org'), ('deleted', ''), ('', 'locals@example.org')])
def test_owning_group(group, owning):
    step = migrate_step(ibays.plan(facts([src_ibay(Group=group)])))
    assert step.record['OwningGroup'] == owning


def test_journal_decides_create():
    assert migrate_step(ibays.plan(facts())).create is True
    claimed = facts(existing={'docs': {}}, journal=('claimed docs',))
    assert migrate_step(ibays.plan(claimed)).create is True
    done = facts(existing={'docs': {}}, journal=('claimed docs', 'created docs'))
    assert migrate_step(ibays.plan(done)).create is False


# -- owners and modes ------------------------------------------------------------------

def st(uid, gid, mode):
    return os.stat_result((mode, 0, 0, 1, uid, gid, 0, 0, 0, 0))


F, D, L = stat.S_IFREG, stat.S_IFDIR, stat.S_IFLNK


@pytest.mark.parametrize('access, dump, entry, placed, out, missed', [
    # mapped by name; SME's modes for the access value (no acls.dump)
    ('wr-group-rd-group', None, st(5001, 5003, F | 0o644), False, (1001, 1010, 0o660), []),
    ('wr-group-rd-group', None, st(5001, 5003, D | 0o755), False, (1001, 1010, 0o2770), []),
    ('wr-group-rd-everyone', None, st(5002, 5003, F | 0o700), False, (1002, 1010, 0o775), []),
    ('wr-group-rd-everyone', None, st(5002, 5003, F | 0o600), False, (1002, 1010, 0o664), []),
    ('wr-group-rd-everyone', None, st(5002, 5003, D | 0o700), False, (1002, 1010, 0o2775), []),
    # execute only where the owner had it, as far as the access value lets read
    ('wr-group-rd-group', None, st(5001, 5003, F | 0o750), False, (1001, 1010, 0o770), []),
    ('wr-group-rd-group', None, st(5001, 5003, F | 0o601), False, (1001, 1010, 0o660), []),
    ('wr-group-rd-group', None, st(5002, 5003, L | 0o777), False, (1002, 1010, None), []),
    # SME gives wr-admin-rd-group files to admin
    ('wr-admin-rd-group', None, st(5001, 102, F | 0o600), False, (1000, 1010, 0o640), []),
    # not migrated: root and the owning group, and counted
    ('wr-group-rd-group', None, st(5009, 5030, F | 0o660), False, (0, 1010, 0o660),
     [('gid', 5030), ('uid', 5009)]),
    ('wr-group-rd-group', None, st(7777, 7777, F | 0o660), False, (0, 1010, 0o660),
     [('gid', 7777), ('uid', 7777)]),
    # www, the ibay's own group and its Group: the owning group; root stays root
    ('wr-group-rd-group', None, st(0, 102, F | 0o660), False, (0, 1010, 0o660), []),
    ('wr-group-rd-group', None, st(5020, 5020, F | 0o660), False, (0, 1010, 0o660), [('uid', 5020)]),
    # our own earlier hard link (placed): ids it gives are kept; the source's are mapped
    ('wr-group-rd-group', None, st(1001, 1010, F | 0o660), True, (1001, 1010, 0o660), []),
    ('wr-group-rd-group', None, st(5001, 5003, F | 0o660), True, (1001, 1010, 0o660), []),
    # not placed: 1001 is no source id here, whatever the destination calls it
    ('wr-group-rd-group', None, st(1001, 1010, F | 0o660), False, (0, 1010, 0o660),
     [('gid', 1010), ('uid', 1001)]),
    # with an acls.dump the source's modes are kept, and admin is not imposed
    ('wr-admin-rd-group', '', st(5001, 5003, F | 0o604), False, (1001, 1010, None), []),
])
def test_ids(access, dump, entry, placed, out, missed):
    step = migrate_step(ibays.plan(facts([src_ibay(UserAccess=access)], acl_text=dump)))
    misses = collections.Counter()
    assert ibays.ids(step.owners, misses)(entry, placed) == out
    assert sorted(misses) == missed


def test_ids_count_each_file_and_are_not_placed_by_default():
    misses = collections.Counter()
    decide = ibays.ids(migrate_step(ibays.plan(facts())).owners, misses)
    for _ in range(2):
        decide(st(5009, 5003, F | 0o660))
    assert decide(st(1001, 1010, F | 0o660))[:2] == (0, 1010)     # not placed: unknown
    assert misses == {('uid', 5009): 2, ('uid', 1001): 1, ('gid', 1010): 1}


def test_ids_of_an_ibay_without_a_group_give_www_to_everyone():
    step = migrate_step(ibays.plan(facts([src_ibay(Group='')])))
    decide = ibays.ids(step.owners, collections.Counter())
    assert decide(st(0, 102, F | 0o660))[:2] == (0, 1000)           # www -> locals
    assert step.owners.fallback_gid == 1000


@pytest.mark.parametrize('provider, group', [
    ('ldap', 'locals'), ('ad', 'domain users'), ('remote-ad', 'domain users'),
    ('none', 'domain users')])
def test_everyone(provider, group):
    assert ibays.everyone(provider) == group


@pytest.mark.parametrize('name', ['a' * 30, 'Xfiles', 'a.b-c_d'])
def test_names_nethserver_takes(name):
    assert 'migrate-ibay' in kinds(ibays.plan(facts([src_ibay(name)])))


def test_read_an_unsafe_key(sme_tree):
    write_accounts(sme_tree, '..=ibay|Group|shared\n')
    got = ibays.read(SourceTree(str(sme_tree)), FakeDestination())
    bad = [i for i in got.ibays if i.name == '..']
    assert bad == [ibays.SourceIbay('..', {'Group': 'shared'}, None,
                                    "unsafe ibay name '..': it cannot be used as a file name")]


def test_an_ambiguous_uid_maps_to_nothing():
    step = migrate_step(ibays.plan(facts(src_uids={5001: None})))
    assert 5001 not in step.owners.uids


def test_a_source_id_that_is_also_a_destination_id():
    # SME's spamd is uid 1005; here 1001 is a source account (bob) and alice's new uid.
    # A file of the source owned by 1001 is bob's; our own earlier link carrying 1001 is
    # alice's, already mapped.
    clash = facts(src_uids={5001: 'alice', 1001: 'bob'})
    decide = ibays.ids(migrate_step(ibays.plan(clash)).owners, collections.Counter())
    assert decide(st(1001, 5003, F | 0o600), False)[:2] == (1002, 1010)
    assert decide(st(1001, 1010, F | 0o600), True)[:2] == (1001, 1010)


# -- acls.dump ------------------------------------------------------------------------------

BLOCK = '# file: {}\nuser::rwx\nuser:{}:rwx\ngroup::r-x\ngroup:shared:r-x\nmask::rwx\nother::---\n\n'


def test_acl_blocks_confined_mapped_and_said(request):
    text = (BLOCK.format('docs/files', 'alice') + BLOCK.format('docs/files/x', 'gone')
            + BLOCK.format('../../../../etc/shadow', 'alice')
            + BLOCK.format('/etc/shadow', 'alice') + BLOCK.format('other/files', 'alice')
            + BLOCK.format('docs', 'alice') + '# file: docs/files/y\nuser::rwx\n\n'
            + '# file: docs/files/z\nuser::rwz\n')
    planned = golden.plan(request, ibays.plan(facts(acl_text=text)))
    said = [(s.key, s.obj) for s in planned if isinstance(s, Note)]
    assert said == [
        ('ibays.acl-bad-line', {'line': 53}),                       # user::rwz
        ('ibays.acl-refused', {'line': 17, 'file': '../../../../etc/shadow'}),
        ('ibays.acl-refused', {'line': 25, 'file': '/etc/shadow'}),
        ('ibays.acl-refused', {'line': 33, 'file': 'other/files'}),
        ('ibays.acl-top', {'ibay': 'docs', 'line': 41}),
        ('ibays.acl-bad-line', {'line': 49}),
        ('ibays.acl-name-unknown', {'ibay': 'docs', 'entry': 'user:gone'}),
        ('ibays.ldap-provider', {})]
    step = migrate_step(planned)
    (parts, access, default), (parts2, access2, _d) = step.acls
    assert parts == ('files',) and default is None and parts2 == ('files', 'x')
    assert acls.decode(access) == [(1, acls.UNDEFINED_ID, 7), (2, 1001, 7),
                                   (4, acls.UNDEFINED_ID, 5), (8, 1000, 5),
                                   (16, acls.UNDEFINED_ID, 7), (32, acls.UNDEFINED_ID, 0)]
    assert (2, 1001, 7) not in acls.decode(access2)       # 'gone' left out
    # whoever the ACLs below grant something can pass the share's own directory
    assert step.record['AclRead'] == 'alice@example.org,locals@example.org,sales@example.org'
    assert step.record['AclWrite'] == 'sales@example.org'


def test_acl_dump_unreadable(request):
    planned = golden.plan(request, ibays.plan(facts(acl_problem='larger than 64 MiB')))
    assert kinds(planned)[0] == 'ibays.acls-unreadable'
    assert migrate_step(planned).acls == ()


# -- read, on a real small tree ---------------------------------------------------------

def write_accounts(tree, text):
    with open(str(tree / 'home' / 'e-smith' / 'db' / 'accounts'), 'a') as f:
        f.write(text)


def test_read_without_a_saved_decision_asks_the_accounts_concern(sme_tree):
    dest = FakeDestination(users={'bart': 'Bart', 'admin': 'Admin'}, groups={'locals': []})
    got = ibays.read(SourceTree(str(sme_tree)), dest)
    assert 'bart' in got.users and got.users['bart'].name == 'bart'
    assert got.users['root'] == R('root', 0) and got.groups['root'] == R('root', 0)
    assert got.acl_text is None and got.acl_problem is None


def test_read_an_acls_dump_with_latin1_names(sme_tree):
    # a path of odd bytes in the dump is kept byte for byte (as os.fsdecode gives it)
    dump = sme_tree / 'home' / 'e-smith' / 'db' / 'acls.dump'
    dump.write_bytes(b'# file: docs/files/caf\xe9\nuser::rw-\n')
    got = ibays.read(SourceTree(str(sme_tree)), FakeDestination())
    assert (got.acl_text, got.acl_problem) == ('# file: docs/files/caf\udce9\nuser::rw-\n',
                                               None)


def test_ibay_migrations_say_their_progress_as_shared_folders():
    assert (ibays.IbayMigrate.op, ibays.IbayMigrate.progress, ibays.IbayMigrate.failure_key,
            ibays.IbayMigrate.subject) == ('migrate-ibay', 'shared folders', 'ibays.failed',
                                           'ibay')


def test_read_an_acls_dump_too_large(sme_tree, monkeypatch):
    monkeypatch.setattr(ibays, 'ACLS_LIMIT', 1 << 20)
    dump = sme_tree / 'home' / 'e-smith' / 'db' / 'acls.dump'
    dump.write_bytes(b'#' * (1 << 20))
    dest = FakeDestination()
    assert ibays.read(SourceTree(str(sme_tree)), dest).acl_problem is None
    dump.write_bytes(b'#' * ((1 << 20) + 1))
    got = ibays.read(SourceTree(str(sme_tree)), dest)
    assert (got.acl_text, got.acl_problem) == (None, 'larger than 1 MiB')
    os.unlink(str(dump))
    os.symlink('/etc/shadow', str(dump))
    assert ibays.read(SourceTree(str(sme_tree)), dest).acl_problem.startswith('unreadable: ')


def test_read(sme_tree):
    ibay_dir = sme_tree / 'home' / 'e-smith' / 'files' / 'ibays'
    (ibay_dir / 'webstats' / 'files').mkdir(parents=True)
    os.symlink('webstats', str(ibay_dir / 'linked'))
    with open(str(sme_tree / 'home' / 'e-smith' / 'db' / 'accounts'), 'a') as f:
        f.write('linked=ibay|Group|shared\nnodata=ibay|Group|shared\n'
                'clash=ibay|Group|shared\nmine=ibay|Group|shared\n')
    (sme_tree / 'home' / 'e-smith' / 'db' / 'acls.dump').write_text(BLOCK.format(
        'webstats/files', 'admin'))
    with open(str(sme_tree / 'etc' / 'passwd'), 'a') as f:
        f.write('nouid:x::5001::/:/bin/false\nlast:x:5999:5999::/:/bin/false\n')
    dest = FakeDestination(users={'admin': 'Admin', 'clash': 'A user', 'zed': 'Zed'},
                           groups={'locals': [], 'domain admins': []},
                           dbs={'accounts': [esmithdb.Record('mine', 'ibay', {'x': 'y'})]},
                           state={'ibays.journal': ['claimed mine']})
    dest.json[accounts.DECISION] = accounts.Decision(
        'ldap', False, ['zed'], [], ['zed'], [], {})._asdict()
    got = ibays.read(SourceTree(str(sme_tree)), dest)
    by_name = dict((i.name, i) for i in got.ibays)
    assert sorted(by_name) == ['clash', 'linked', 'mine', 'nodata', 'webstats']
    assert by_name['webstats'].problem is None
    assert by_name['linked'].problem == 'is a symbolic link (not followed)'
    assert by_name['nodata'].problem == 'is missing from the source tree'
    assert got.clashes == {'clash'} and got.existing == {'mine': {'x': 'y'}}
    assert got.journal == ('claimed mine',)
    assert got.users['admin'] == R('admin', dest.passwd['admin'][2])
    assert got.groups['shared'] == R('locals', dest.group['locals'][2])
    assert got.groups['admin'].name == 'domain admins'
    assert got.src_uids[101] == 'admin' and got.src_gids[500] == 'shared'
    assert got.src_uids[5999] == 'last'                 # read on after a line without uid
    assert 'zed' in got.users                           # the saved decision's users
    assert 'bart' not in got.users
    assert got.acl_text.startswith('# file: webstats/files')


# -- apply --------------------------------------------------------------------------------

def run_plan(dest, f):
    rep = reporter()
    steps.apply(ibays.plan(f), dest, rep)
    return rep


def test_apply_order_and_journal():
    dest = FakeDestination()
    rep = run_plan(dest, facts(acl_text=BLOCK.format('docs/files', 'alice')))
    assert [c[0] if c[0] != 'signal_event' else c[1] for c in dest.calls] == [
        'state_append', 'merge_tree', 'set_acls', 'ibay-create', 'state_append']
    assert dest.state[ibays.JOURNAL] == ['claimed docs', 'created docs']
    assert dest.db('accounts').get('docs').type == 'ibay'
    assert rep.counts['shared folders migrated'] == 1 and rep.errors == 0


def test_apply_again_signals_nothing():
    dest = FakeDestination(state={ibays.JOURNAL: ['claimed docs', 'created docs']})
    first = migrate_step(ibays.plan(facts()))
    dest.db('accounts').merge_props('docs', first.record, type_='ibay')
    f = facts(existing={'docs': dict(first.record)}, journal=tuple(dest.state[ibays.JOURNAL]))
    run_plan(dest, f)
    assert dest.called('signal_event') == []
    # the record changed since (by hand): ibay-modify applies it again
    dest.db('accounts').merge_props('docs', {'GroupAccess': 'r'})
    run_plan(dest, f)
    assert dest.called('signal_event') == [('ibay-modify', 'docs')]


def test_apply_a_failed_event_is_retried_next_time():
    dest = FakeDestination(fail={('ibay-create', 'docs')})
    rep = run_plan(dest, facts())
    assert dest.state[ibays.JOURNAL] == ['claimed docs']
    assert [f.key for f in rep.findings] == ['ibays.event-failed', 'ibays.ldap-provider']
    assert rep.errors == 1


def test_apply_one_ibay_fails_alone():
    dest = FakeDestination(fail={('merge_tree', '/s/ibays/docs')})
    rep = run_plan(dest, facts([src_ibay(), src_ibay('more')]))
    assert [(f.key, f.obj) for f in rep.findings][:1] == [('ibays.failed', {'ibay': 'docs'})]
    assert ('ibay-create', 'more') in dest.called('signal_event')
    assert ('ibay-create', 'docs') not in dest.called('signal_event')


def said(rep):
    return [(f.key, f.severity, f.message, f.obj, f.remediation, tuple(f.commands))
            for f in rep.findings]


def test_apply_says_what_the_merge_and_the_acls_met():
    result = MergeResult()
    result.linked = ['/d/a']
    result.conflicts = [('/d/b', '/d/sub/b.migrated')]
    result.skipped = [('/s/c', 'symlink pointing outside the tree (/etc), not followed')]
    result.errors = [('/d/e', 'Permission denied')]

    def merged(src, dst, owner):
        for _ in range(2):                          # owners that were not migrated
            dest.merge_ids(st(5009, 5003, F | 0o600))
        dest.merge_ids(st(5001, 6000, F | 0o600))
        dest.merge_ids(st(5008, 6000, F | 0o600))
        return result
    acl_result = AclResult()
    acl_result.applied = 3
    acl_result.refused = [('/d/files/l', 'a symbolic link')]
    acl_result.errors = [('/d/files/x', 'Operation not supported')]
    acl_result.missing = ['/d/files/gone', '/d/files/gone2']
    dest = FakeDestination(answers={'merge_tree': merged, 'set_acls': acl_result})
    rep = run_plan(dest, facts(acl_text=BLOCK.format('docs/files', 'alice')))
    assert said(rep)[:-1] == [
        ('ibays.file-conflict', 'notice', "ibay docs: /d/b was already there and is kept; "
         "the source's copy is b.migrated", {'ibay': 'docs', 'file': '/d/b'},
         'compare the two and keep the one you want', ()),
        ('ibays.file-skipped', 'warning', 'ibay docs: /s/c not copied: symlink pointing '
         'outside the tree (/etc), not followed', {'ibay': 'docs', 'file': '/s/c'}, '', ()),
        ('ibays.file-failed', 'error', 'ibay docs: /d/e: Permission denied',
         {'ibay': 'docs', 'file': '/d/e'}, 'fix the cause and run the import again', ()),
        ('ibays.owner-unmapped', 'warning', 'ibay docs: owners that were not migrated: gid '
         '6000 (2 file(s)), uid 5008 (1 file(s)), uid 5009 (2 file(s)); those files now '
         'belong to root and the owning group', {'ibay': 'docs'},
         'give them to their new owners (chown) if needed', ()),
        ('ibays.acl-refused', 'warning', 'ibay docs: the ACL of /d/files/l is not restored: '
         'a symbolic link (never followed)', {'ibay': 'docs', 'file': '/d/files/l'}, '', ()),
        ('ibays.acl-failed', 'error', 'ibay docs: the ACL of /d/files/x: Operation not '
         'supported', {'ibay': 'docs', 'file': '/d/files/x'},
         'fix the cause and run the import again', ()),
        ('ibays.acl-stale', 'notice', 'ibay docs: acls.dump names 2 file(s) that the ibay '
         'does not have (the dump is older than the files), e.g. /d/files/gone',
         {'ibay': 'docs'}, '', ())]
    assert rep.counts['POSIX ACLs restored'] == 3
    assert rep.counts['shared folder files placed'] == 1          # /d/a
    assert rep.counts['shared folders migrated'] == 1


def test_apply_a_failed_event_says_how_to_finish():
    dest = FakeDestination(fail={('ibay-create', 'docs')})
    rep = run_plan(dest, facts())
    assert said(rep)[0] == (
        'ibays.event-failed', 'error', 'ibay docs: signal-event ibay-create docs failed',
        {'ibay': 'docs'}, 'read /var/log/messages, fix the cause and run the import again',
        ('signal-event ibay-create docs',))
    assert 'shared folders migrated' not in rep.counts
    # a modified record whose event fails names ibay-modify
    dest = FakeDestination(state={ibays.JOURNAL: ['claimed docs', 'created docs']},
                           fail={('ibay-modify', 'docs')})
    first = migrate_step(ibays.plan(facts()))
    dest.db('accounts').merge_props('docs', dict(first.record, GroupAccess='r'), type_='ibay')
    rep = run_plan(dest, facts(existing={'docs': dict(first.record)},
                               journal=('claimed docs', 'created docs')))
    assert said(rep)[0][2:] == ('ibay docs: signal-event ibay-modify docs failed',
                                {'ibay': 'docs'}, 'read /var/log/messages, fix the cause and '
                                'run the import again', ('signal-event ibay-modify docs',))
    assert dest.state[ibays.JOURNAL] == ['claimed docs', 'created docs']


def test_apply_says_how_many_files_and_when_it_was_already_done():
    result = MergeResult()
    result.linked, result.copied = ['/d/a', '/d/b'], ['/d/c']
    dest = FakeDestination(answers={'merge_tree': result})
    rep = run_plan(dest, facts())
    lines = rep.stream.getvalue().splitlines()
    assert '[INFO] shared folder docs: 3 file(s) placed' in lines
    assert rep.counts['shared folder files placed'] == 3
    # the next run: the record as it is, the journal done, nothing placed
    first = migrate_step(ibays.plan(facts()))
    dest = FakeDestination(state={ibays.JOURNAL: ['claimed docs', 'created docs']},
                           answers={'merge_tree': MergeResult()})
    dest.db('accounts').merge_props('docs', first.record, type_='ibay')
    rep = run_plan(dest, facts(existing={'docs': dict(first.record)},
                               journal=('claimed docs', 'created docs')))
    assert '[INFO] shared folder docs: 0 file(s) placed (already done)' in \
        rep.stream.getvalue().splitlines()
    assert dest.called('state_append') == []


def test_apply_says_its_progress_in_a_large_folder(monkeypatch):
    monkeypatch.setattr(ibays, 'PROGRESS', 2)

    def merged(src, dst, owner):
        for _ in range(5):
            dest.merge_ids(st(5001, 5003, F | 0o600))
        return MergeResult()
    dest = FakeDestination(answers={'merge_tree': merged})
    rep = run_plan(dest, facts())
    assert [l for l in rep.stream.getvalue().splitlines() if 'so far' in l] == [
        '[INFO] shared folder docs: 2 files and folders so far',
        '[INFO] shared folder docs: 4 files and folders so far']


def test_registered_with_its_handler():
    from nethserver_migration import registry
    concern = registry.by_name('ibays')
    assert (concern.order, concern.package, concern.planned) == ('60', 'nethserver-samba', True)
    assert steps.handlers()[ibays.IbayMigrate] is ibays.HANDLERS[ibays.IbayMigrate]


@pytest.mark.parametrize('group, owning', [('', 'shared'), ('sales', 'sales')])
def test_group_map_gives_www_and_the_ibay_own_group_to_the_owning_group(group, owning):
    groups = ibays.group_map(facts(), src_ibay(Group=group))
    expected = facts().groups[owning]
    assert (groups['www'], groups['docs'], groups[owning]) == (expected, expected, expected)
    assert groups['admin'] == R('domain admins@example.org', 1011)    # the others as they are


def test_default_acls_are_mapped_and_an_unknown_name_counted_once_per_file():
    text = ('# file: docs/files/d\nuser::rwx\nuser:gone:rwx\nuser:ghost:r--\ngroup::r-x\n'
            'mask::rwx\n'
            'other::---\ndefault:user::rwx\ndefault:user:gone:rwx\ndefault:user:alice:r-x\n'
            'default:group::r-x\ndefault:mask::rwx\ndefault:other::---\n\n'
            + BLOCK.format('docs/files/e', 'gone'))
    planned = ibays.plan(facts(acl_text=text))
    ghost, unknown = [s for s in planned if isinstance(s, Note) and
                      s.key == 'ibays.acl-name-unknown']
    assert (ghost.obj, ghost.message) == ({'ibay': 'docs', 'entry': 'user:ghost'},
                                          'ibay docs: the ACL entry user:ghost is left out of '
                                          '1 file(s): that account was not migrated')
    assert (unknown.severity, unknown.message, unknown.obj) == (
        'warning', 'ibay docs: the ACL entry user:gone is left out of 2 file(s): that account '
        'was not migrated', {'ibay': 'docs', 'entry': 'user:gone'})
    (parts, access, default), _e = migrate_step(planned).acls
    assert parts == ('files', 'd')
    assert acls.decode(default) == [(1, acls.UNDEFINED_ID, 7), (2, 1001, 5),
                                    (4, acls.UNDEFINED_ID, 5), (16, acls.UNDEFINED_ID, 7),
                                    (32, acls.UNDEFINED_ID, 0)]
    assert (2, 1001, 7) not in acls.decode(access)


def test_a_bad_acl_block_fails_alone():
    text = ('# file: docs/files/y\nuser::rwx\n\n'                 # no group:: nor other::
            + BLOCK.format('docs/files/after', 'alice'))
    planned = ibays.plan(facts(acl_text=text))
    assert [(s.key, s.message) for s in planned if isinstance(s, Note) and
            s.key == 'ibays.acl-bad-line'] == [
        ('ibays.acl-bad-line', 'acls.dump line 1: the ACL has no group:: entry: not restored')]
    assert [parts for parts, _a, _d in migrate_step(planned).acls] == [('files', 'after')]


def test_apply_an_ibay_without_data_and_a_record_a_killed_run_left():
    # no directory on the source: the record alone, "0 file(s) placed", a private folder
    # never asked for; and a record written before the run was killed: created anyway
    f = facts([src_ibay(problem='is missing from the source tree')])
    dest = FakeDestination()
    rep = run_plan(dest, f)
    assert '[INFO] shared folder docs: 0 file(s) placed' in rep.stream.getvalue().splitlines()
    assert dest.merge_options == []
    first = migrate_step(ibays.plan(facts()))
    dest = FakeDestination(state={ibays.JOURNAL: ['claimed docs']})
    dest.db('accounts').merge_props('docs', first.record, type_='ibay')
    rep = reporter()
    assert steps.apply(ibays.plan(facts(existing={'docs': dict(first.record)},
                                        journal=('claimed docs',))), dest, rep) == 1
    assert dest.called('signal_event') == [('ibay-create', 'docs')]
    assert dest.merge_options == [('/var/lib/nethserver/ibay/docs', (), True, 0o700)]
    assert '[INFO] shared folder docs: 0 file(s) placed' in rep.stream.getvalue().splitlines()


def test_a_failed_event_still_counts_the_record_written():
    dest = FakeDestination(fail={('ibay-create', 'docs')})
    assert steps.apply(ibays.plan(facts()), dest, reporter()) == 1


def test_the_progress_counter_asks_for_new_entries():
    seen = []
    counted = ibays._progress(lambda st, placed=False: seen.append(placed) or (0, 0, None),
                              'docs', reporter())
    counted(st(1, 1, F))
    counted(st(1, 1, F), True)
    assert seen == [False, True]
