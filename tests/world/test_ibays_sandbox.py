"""Ibays through the REAL event, with permissions checked by the KERNEL.

A generated SME 9 tree with one ibay per access value (the legacy underscored spelling
included), all of one group, is migrated with signal-event migration-import on a local
LDAP and on a local AD.  Then, for each migrated shared folder, three real users act as
themselves (setpriv --reuid/--regid/--groups inside the sandbox): a member of the owning
group, a member of another group, a user in no group; each tries to list files/, read,
write and create in it.  What the kernel lets them do must be what the access value
means, and what the restored ACLs add.  The owners are checked by name; acls.dump's
hostile lines are refused and nothing outside the ibay is touched; a second run changes
nothing; a run killed in an ibay-create converges.
"""

import hashlib
import os
import stat

import pytest

from tests import reports
from tests.world import killer, smegen
from tests.world.sandbox import Sandbox

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SRC = '/var/lib/migration'
D = 'example.org'
IBAY = '/var/lib/nethserver/ibay'
ACTION = 'nethserver-migration-ibays'
SEED = 11

pytestmark = pytest.mark.sandbox

# The generated ibays, in order: (access, what each kind of user may do) with L list
# files/, R read a file, W write it, C create one.
ACCESS = [
    ('wr-admin-rd-group', {'member': 'LR--', 'other': '----', 'nogroup': '----'}),
    ('wr-group-rd-group', {'member': 'LRWC', 'other': '----', 'nogroup': '----'}),
    ('wr-group-rd-everyone', {'member': 'LRWC', 'other': 'LR--', 'nogroup': 'LR--'}),
    ('wr_admin_rd_group', {'member': 'LR--', 'other': '----', 'nogroup': '----'}),
]

PROBE = r'''#!/bin/sh
# stdin: "label setpriv-groups-option uid gid folder" lines; prints "label folder LRWC".
while read -r label groups uid gid dir; do
    as() { setpriv --reuid="$uid" --regid="$gid" "$groups" -- "$@" >/dev/null 2>&1; }
    r=''
    if as ls "$dir/files"; then r="${r}L"; else r="${r}-"; fi
    if as cat "$dir/files/Readme.txt"; then r="${r}R"; else r="${r}-"; fi
    if as sh -c ': >> "$1"' sh "$dir/files/Readme.txt"; then r="${r}W"; else r="${r}-"; fi
    if as sh -c 'touch "$1" && rm "$1"' sh "$dir/files/probe.$label"; then r="${r}C"; else r="${r}-"; fi
    echo "$label $dir $r"
done
'''


def generate(sandbox):
    return smegen.generate(sandbox.path(SRC), seed=SEED, users=6, groups=2, ibays=4,
                           pseudonyms=0, domains=1, messages=1,
                           ibay_access=[(0, access) for access, _ in ACCESS])


def people(manifest):
    """{kind: user} from the manifest: a member of the ibays' group (the first), a
    member of the other group only, a user in no group."""
    groups = list(manifest['groups'])
    first = set(manifest['groups'][groups[0]]['members'] or [])
    second = set(manifest['groups'][groups[1]]['members'] or [])
    users = set(manifest['users'])
    kinds = {'member': sorted(first - second), 'other': sorted(second - first),
             'nogroup': sorted(users - first - second)}
    assert all(kinds.values()), 'seed {} lacks a kind of user: {}'.format(SEED, kinds)
    return dict((k, v[0]) for k, v in kinds.items()), groups[0]


def ibay_names(manifest):
    """The ibays in the order of ACCESS."""
    order = [a for a, _ in ACCESS]
    return sorted(manifest['ibays'], key=lambda n: order.index(
        manifest['ibays'][n]['user_access']))


def migrate(sandbox):
    return sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', SRC], timeout=600)


def with_dump(sandbox, manifest, who):
    """acls.dump (NethService) for the wr-group-rd-group ibay: the user in no group may
    list files/ and read Readme.txt; plus hostile and stale lines; an inside symlink."""
    name = [n for n in manifest['ibays']
            if manifest['ibays'][n]['user_access'] == 'wr-group-rd-group'][0]
    files = sandbox.path('{}/home/e-smith/files/ibays/{}/files'.format(SRC, name))
    os.symlink('Reports', os.path.join(files, 'inlink'))
    base = 'user::rwx\ngroup::rwx\nother::---\n'
    grant = 'user::rwx\nuser:{}:r-x\ngroup::rwx\nmask::rwx\nother::---\n'.format(who)
    text = ''.join([
        '# file: {}/files\n# owner: admin\n# group: x\n{}\n'.format(name, grant),
        '# file: {}/files/Readme.txt\n{}\n'.format(name, grant.replace('r-x', 'r--')),
        '# file: ../../../../etc/shadow\nuser::rw-\ngroup:shared:rw-\ngroup::---\n'
        'mask::rw-\nother::---\n\n',
        '# file: /etc/passwd\n{}\n'.format(grant),
        '# file: {}/files/inlink/2014-Q1.txt\n{}\n'.format(name, grant),
        '# file: {}/files/gone.txt\n{}\n'.format(name, base),
    ])
    with open(sandbox.path(SRC + '/home/e-smith/db/acls.dump'), 'w') as f:
        f.write(text)
    return name


def world(tmp, provider, dump=False):
    sandbox = Sandbox(tmp, provider=provider)
    manifest = generate(sandbox)
    who, group = people(manifest)
    names = ibay_names(manifest)
    # drift and an owner nobody knows: SME's own modes come back, root gets the file
    readme = '{}/home/e-smith/files/ibays/{}/files/Readme.txt'
    os.chmod(sandbox.path(readme.format(SRC, names[1])), 0o600)
    os.chown(sandbox.path(readme.format(SRC, names[2])), 5999, 5999)
    dumped = with_dump(sandbox, manifest, who['nogroup']) if dump else None
    sandbox.install_package(os.path.join(TOP, 'root'))
    return dict(sb=sandbox, m=manifest, who=who, group=group, names=names, dumped=dumped)


def probe(sandbox, who, names):
    """{(kind, ibay): 'LRWC'} as the kernel answers, each user acting as itself."""
    lines = []
    for kind, user in sorted(who.items()):
        long_name = '{}@{}'.format(user, D)
        uid = sandbox.run(['id', '-u', long_name], check=True).stdout.strip()
        gid = sandbox.run(['id', '-g', long_name], check=True).stdout.strip()
        groups = sandbox.run(['id', '-G', long_name], check=True).stdout.split()
        option = '--groups=' + ','.join(groups) if groups else '--clear-groups'
        for name in names:
            lines.append('{} {} {} {} {}/{}\n'.format(kind, option, uid, gid, IBAY, name))
    with open(sandbox.path('/root/probe.sh'), 'w') as f:
        f.write(PROBE)
    res = sandbox.run(['sh', '/root/probe.sh'], input=''.join(lines), check=True)
    out = {}
    for line in res.stdout.split('\n'):
        if line:
            kind, path, got = line.split()
            out[(kind, os.path.basename(path))] = got
    return out


def snapshot(sandbox, with_ctime=False):
    """Every entry under the ibay base: owner, group, mode, ACL attributes, content."""
    root = sandbox.path(IBAY)
    out = {}
    for top, dirs, files in os.walk(root):
        for name in ['.'] + dirs + files if top == root else dirs + files:
            path = os.path.normpath(os.path.join(top, name))
            st = os.lstat(path)
            acl = tuple(_xattr(path, n) for n in ('system.posix_acl_access',
                                                  'system.posix_acl_default'))
            if stat.S_ISREG(st.st_mode):
                with open(path, 'rb') as f:
                    body = hashlib.sha256(f.read()).hexdigest()
            else:
                body = os.readlink(path) if stat.S_ISLNK(st.st_mode) else None
            out[os.path.relpath(path, root)] = (st.st_uid, st.st_gid, st.st_mode, acl, body) + (
                (st.st_ctime_ns,) if with_ctime else ())
    return out


def _xattr(path, name):
    try:
        return os.getxattr(path, name, follow_symlinks=False)
    except OSError:
        return None


def findings(sandbox):
    report = reports.load(sandbox.path('/var/log/nethserver-migration/latest.json'))
    section = [a for a in report['actions'] if a['action'] == ACTION][-1]
    return section


def owner_of(sandbox, path):
    return sandbox.run(['stat', '-c', '%U:%G:%a', path], check=True).stdout.strip()


@pytest.fixture(scope='module', params=['ldap', 'ad'])
def migrated(request, tmp_path_factory):
    w = world(tmp_path_factory.mktemp('ibays-' + request.param), request.param)
    w['res'] = migrate(w['sb'])
    return w


def test_the_import_succeeds_and_says_what_it_did(migrated):
    section = findings(migrated['sb'])
    assert migrated['res'].returncode == 0, migrated['res'].stdout + migrated['res'].stderr
    assert section['counts']['shared folders migrated'] == len(migrated['names']) + 1  # Primary
    keys = [(f['key'], f['object']) for f in section['findings']]
    assert ('ibays.owner-unmapped', {'ibay': migrated['names'][2]}) in keys
    assert ('ibays.web-primary', {'ibay': 'Primary'}) in keys


def test_the_kernel_allows_what_each_access_value_means(migrated):
    got = probe(migrated['sb'], migrated['who'], migrated['names'])
    want = {}
    for name, (_access, table) in zip(migrated['names'], ACCESS):
        for kind, allowed in table.items():
            want[(kind, name)] = allowed
    assert got == want


def test_records(migrated):
    sb, group = migrated['sb'], migrated['group']
    db = sb.db('accounts', readonly=True)
    by_access = dict(zip([a for a, _ in ACCESS], migrated['names']))
    for access, name in by_access.items():
        rec = db.get(name)
        assert rec.type == 'ibay'
        assert rec.prop('SmbProfileType') == 'migration'
        assert rec.prop('OwningGroup') == '{}@{}'.format(group, D)
        assert rec.prop('Description') == migrated['m']['ibays'][name]['name']
    assert (db.get(by_access['wr_admin_rd_group']).prop('GroupAccess'),
            db.get(by_access['wr_admin_rd_group']).prop('OtherAccess')) == ('r', '')
    assert (db.get(by_access['wr-group-rd-everyone']).prop('GroupAccess'),
            db.get(by_access['wr-group-rd-everyone']).prop('OtherAccess')) == ('rw', 'r')
    events = [c for c in sb.journal(kind='event') if c['name'] == 'ibay-create']
    assert sorted(c['args'][0] for c in events) == sorted(migrated['names'] + ['Primary'])


def test_owners_by_name_and_modes_of_the_access_table(migrated):
    sb, names, group = migrated['sb'], migrated['names'], migrated['group']
    g = '{}@{}'.format(group, D)
    members = migrated['m']['groups'][group]['members']
    files = IBAY + '/{}/files/Readme.txt'
    # wr-admin-rd-group: SME gives the files to admin
    assert owner_of(sb, files.format(names[0])) == 'admin@{}:{}:640'.format(D, g)
    # the drifted 0600 file is back to the access value's 0660, its owner by name
    assert owner_of(sb, files.format(names[1])) == '{}@{}:{}:660'.format(members[0], D, g)
    # the file of uid 5999 (nobody's): root, the owning group
    assert owner_of(sb, files.format(names[2])) == 'root:{}:664'.format(g)
    assert owner_of(sb, IBAY + '/{}/files/Reports'.format(names[2])) == \
        '{}@{}:{}:2775'.format(members[0], D, g)


def test_a_second_run_changes_nothing(migrated):
    sb = migrated['sb']
    creates = len([c for c in sb.journal(kind='event') if c['name'] == 'ibay-create'])
    before = snapshot(sb, with_ctime=True)      # the probes touched some directories
    res = migrate(sb)
    assert res.returncode == 0
    assert snapshot(sb, with_ctime=True) == before
    assert len([c for c in sb.journal(kind='event') if c['name'] == 'ibay-create']) == creates
    assert findings(sb)['counts'].get('shared folder files placed', 0) == 0


# -- acls.dump (NethService), both providers ---------------------------------------------

@pytest.fixture(scope='module', params=['ldap', 'ad'])
def dumped(request, tmp_path_factory):
    w = world(tmp_path_factory.mktemp('ibays-dump-' + request.param), request.param, dump=True)
    etc = w['sb'].path('/etc/shadow')
    w['shadow'] = (os.lstat(etc).st_ctime_ns, _xattr(etc, 'system.posix_acl_access'))
    w['res'] = migrate(w['sb'])
    return w


def test_acls_grant_what_the_dump_says_and_the_kernel_agrees(dumped):
    got = probe(dumped['sb'], dumped['who'], [dumped['dumped']])
    assert got == {('member', dumped['dumped']): 'LRWC', ('other', dumped['dumped']): '----',
                   ('nogroup', dumped['dumped']): 'LR--'}


def test_restored_acls_read_back_with_getfacl(dumped):
    sb, name, who = dumped['sb'], dumped['dumped'], dumped['who']['nogroup']
    res = sb.run(['getfacl', '-p', '--omit-header', '{}/{}/files'.format(IBAY, name)],
                 check=True)
    assert 'user:{}@{}:r-x'.format(who, D) in res.stdout.split()
    res = sb.run(['getfacl', '-p', '--omit-header',
                  '{}/{}/files/Readme.txt'.format(IBAY, name)], check=True)
    assert 'user:{}@{}:r--'.format(who, D) in res.stdout.split()


def test_hostile_lines_are_refused_and_nothing_outside_is_touched(dumped):
    sb = dumped['sb']
    section = findings(sb)
    said = [(f['key'], f['object'].get('file')) for f in section['findings']
            if f['key'].startswith('ibays.acl')]
    name = dumped['dumped']
    assert ('ibays.acl-refused', '../../../../etc/shadow') in said
    assert ('ibays.acl-refused', '/etc/passwd') in said
    assert ('ibays.acl-refused', '{}/{}/files/inlink/2014-Q1.txt'.format(IBAY, name)) in said
    assert ('ibays.acl-stale', None) in said
    etc = sb.path('/etc/shadow')
    assert (os.lstat(etc).st_ctime_ns, _xattr(etc, 'system.posix_acl_access')) == \
        dumped['shadow']
    target = sb.path('{}/{}/files/Reports/2014-Q1.txt'.format(IBAY, name))
    assert _xattr(target, 'system.posix_acl_access') is None
    messages = open(sb.path('/var/log/messages'), encoding='utf-8').read()
    assert "'../../../../etc/shadow' refused: the path climbs out" in messages


# -- interrupted ---------------------------------------------------------------------------

def test_killed_in_an_ibay_create_the_next_run_converges(tmp_path):
    clean = world(tmp_path / 'clean', 'ldap')
    assert migrate(clean['sb']).returncode == 0
    w = world(tmp_path / 'killed', 'ldap')
    sb = w['sb']
    hook = sb.path('/etc/e-smith/events/ibay-create/S01test-killer')
    with open(hook, 'w') as f:
        f.write(killer.script(ACTION))
    os.chmod(hook, 0o755)
    with open(sb.path('/var/lib/killer.after'), 'w') as f:
        f.write('3')
    first = migrate(sb)
    assert first.returncode != 0
    os.unlink(hook)
    assert migrate(sb).returncode == 0
    assert snapshot(sb) == snapshot(clean['sb'])
    assert records(sb) == records(clean['sb'])


def records(sandbox):
    db = sandbox.db('accounts', readonly=True)
    return dict((r.key, dict(r.props)) for r in db.records('ibay'))
