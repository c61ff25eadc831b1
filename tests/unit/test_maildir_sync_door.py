"""sync-maildirs' door on real files: this server's side (listing, folders, renames,
removals, subscriptions, the state files) and the copy stream, with GNU tar run locally
in place of ssh (the door's one ssh command line is what changes; the world test runs it
over a real sshd)."""

import errno
import io
import json
import os
import stat
import subprocess
import tarfile

import pytest

from nethserver_migration import maildir_sync as ms
from nethserver_migration import maildir_sync_door as door_module
from nethserver_migration.esmithdb import Record

from tests.unit.fakes import FakeDestination, Passwd

MAILBOX = 'alice@example.com'


class LocalDoor(door_module.Door):
    """The door with the source's commands run here by sh instead of over ssh; the
    listing's root ('' on a source) is root."""

    root = ''

    def _ssh(self, script, args):
        if script == ms.list_script():
            args = [args[0], self.root]
        return ['sh', '-c', script, 'sync-maildirs'] + [os.fsencode(a) for a in args]


@pytest.fixture
def door(tmp_path):
    d = LocalDoor(ms.Options(host='sme'), own_dir=str(tmp_path / 'state'),
                  log_path=str(tmp_path / 'log'), staging=str(tmp_path / 'staging'),
                  vmail=str(tmp_path / 'vmail'), known_hosts=str(tmp_path / 'known'))
    d._owner = (os.getuid(), os.getgid())
    return d


def door_on(tmp_path, **fake):
    return door_module.Door(ms.Options(host='sme'), own_dir=str(tmp_path / 'state'),
                            vmail=str(tmp_path / 'vmail'), destination=FakeDestination(**fake))


def write(path, data=b'x', mtime=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_this_servers_listing(door, tmp_path):
    maildir = tmp_path / 'vmail' / MAILBOX / 'Maildir'
    write(str(maildir / 'cur' / '1.a:2,S'))
    write(str(maildir / 'new' / '2.b'))
    write(str(maildir / 'tmp' / '3.c'))                     # not delivered yet
    write(str(maildir / '.Sent' / 'cur' / '4.d:2,RS'))
    os.makedirs(str(maildir / 'cur' / 'adir'))
    os.symlink('/etc/passwd', str(maildir / 'cur' / '5.link'))
    os.symlink(str(maildir / '.Sent'), str(maildir / '.Linked'))
    write(str(maildir / 'dovecot-uidlist'))
    assert door.list_mailbox(MAILBOX) == {
        '': {'1.a': ms.Msg('cur', '1.a:2,S', 0), '2.b': ms.Msg('new', '2.b', 0)},
        '.Sent': {'4.d': ms.Msg('cur', '4.d:2,RS', 0)}}
    assert door.list_mailbox('nobody@example.com') == {}


def test_prepare_makes_private_folders_and_clears_our_leftovers(door, tmp_path):
    home = tmp_path / 'vmail' / MAILBOX
    write(str(home / 'Maildir' / 'tmp' / 'sync-maildirs.99.1'))
    write(str(home / 'Maildir' / 'tmp' / '1700.dovecot-delivery'))   # not ours: kept
    write(str(home / 'sieve' / 'sync-maildirs.99.2'))
    door.prepare_mailbox(MAILBOX, ['.Projects', '.Projects.2026'])
    for folder in ('', '.Projects', '.Projects.2026'):
        for sub in ('', 'cur', 'new', 'tmp'):
            path = os.path.join(str(home / 'Maildir'), folder, sub)
            assert os.path.isdir(path) and mode(path) == 0o700, path
    assert mode(str(home)) == 0o700
    marker = str(home / 'Maildir' / '.Projects' / 'maildirfolder')
    assert os.path.isfile(marker) and mode(marker) == 0o600
    assert not os.path.exists(str(home / 'Maildir' / 'maildirfolder'))
    assert os.listdir(str(home / 'Maildir' / 'tmp')) == ['1700.dovecot-delivery']
    assert os.listdir(str(home / 'sieve')) == []


def test_prepare_refuses_without_a_vmail_user(tmp_path):
    d = door_on(tmp_path, users={})
    with pytest.raises(OSError) as exc:
        d.prepare_mailbox(MAILBOX, [])
    assert exc.value.errno == errno.ENOENT
    assert exc.value.strerror == ('this server has no vmail user (is nethserver-mail-server '
                                  'installed?)')
    assert not (tmp_path / 'vmail').exists()


def test_renames_moves_and_removals(door, tmp_path):
    maildir = tmp_path / 'vmail' / MAILBOX / 'Maildir'
    door.prepare_mailbox(MAILBOX, ['.Archive'])
    write(str(maildir / 'cur' / '1.a:2,S'), b'one')
    write(str(maildir / 'cur' / '2.b:2,S'), b'two')
    write(str(maildir / 'new' / '3.c'), b'three')
    write(str(maildir / 'cur' / '4.d:2,S'), b'four')
    write(str(maildir / 'cur' / '4.d:2,RS'), b'four too')
    assert door.change(MAILBOX, ms.Rename(('', '1.a'), 'cur/1.a:2,S', 'cur/1.a:2,RS')) == \
        (True, None)
    assert door.change(MAILBOX, ms.Move(('.Archive', '2.b'), ('', '2.b'), 'cur/2.b:2,S',
                                        'cur/2.b:2,FS')) == (True, None)
    assert door.change(MAILBOX, ms.Remove(('', '3.c'), 'new/3.c')) == (True, None)
    assert door.change(MAILBOX, ms.Rename(('', '4.d'), 'cur/4.d:2,S', 'cur/4.d:2,RS')) == \
        (False, 'cur/4.d:2,RS exists already: left as it is')
    # changed here meanwhile (Dovecot renamed or expunged it): not an error
    assert door.change(MAILBOX, ms.Remove(('', '9.z'), 'new/9.z')) == (False, None)
    assert door.change(MAILBOX, ms.Rename(('', '9.z'), 'new/9.z', 'cur/9.z:2,S')) == \
        (False, None)
    assert sorted(os.listdir(str(maildir / 'cur'))) == ['1.a:2,RS', '4.d:2,RS', '4.d:2,S']
    assert open(str(maildir / '.Archive' / 'cur' / '2.b:2,FS'), 'rb').read() == b'two'
    assert os.listdir(str(maildir / 'new')) == []


def test_the_state_file(door, tmp_path):
    state = {'': {'1.\udcff': ['cur/:2,S', 'cur/:2,S']}, 'sieve': {'a': ['1:2', '1:2']}}
    assert door.load_state(MAILBOX) is None
    door.save_state(MAILBOX, 'sme:/home/e-smith/files/users/alice', state)
    path = str(tmp_path / 'state' / (MAILBOX + '.state'))
    assert mode(path) == 0o600
    assert door.load_state(MAILBOX) == ('sme:/home/e-smith/files/users/alice', state)
    assert os.listdir(str(tmp_path / 'state')) == [MAILBOX + '.state']   # no temp left
    with open(path, 'w') as f:
        f.write('{"version": 1, "source": "sme", "folders": ')  # cut
    assert door.load_state(MAILBOX) is None
    with open(path, 'w') as f:
        json.dump({'version': 99, 'source': 'sme', 'folders': {}}, f)
    assert door.load_state(MAILBOX) is None
    with open(path, 'w') as f:          # what this version writes, read as it is
        f.write('{"folders":{"":{"1.a":["cur/:2,S","cur/:2,"]}},"source":"sme:/h",'
                '"version":1}')
    assert door.load_state(MAILBOX) == ('sme:/h', {'': {'1.a': ['cur/:2,S', 'cur/:2,']}})
    with open(path) as f:
        door.save_state(MAILBOX, 'sme:/h', {'': {'1.a': ['cur/:2,S', 'cur/:2,']}})
    with open(path) as f:
        assert json.load(f) == {'version': 1, 'source': 'sme:/h',
                                'folders': {'': {'1.a': ['cur/:2,S', 'cur/:2,']}}}


def test_subscriptions_are_appended_once(door, tmp_path):
    door.prepare_mailbox(MAILBOX, [])
    path = str(tmp_path / 'vmail' / MAILBOX / 'Maildir' / 'subscriptions')
    write(path, b'Sent')
    door.subscribe(MAILBOX, ['Projects', 'Sent'])
    door.subscribe(MAILBOX, ['Projects'])
    door.subscribe(MAILBOX, [])
    assert open(path).read() == 'Sent\nProjects\n'
    assert mode(path) == 0o600


def test_sieve_listing_and_active_link(door, tmp_path):
    home = tmp_path / 'vmail' / MAILBOX
    write(str(home / 'sieve' / 'rules.sieve'), b'keep;', mtime=1600000000)
    write(str(home / 'sieve' / (ms.TMP_PREFIX + '1.1')))
    assert door.list_sieve(MAILBOX) == {'rules.sieve': (5, 1600000000)}
    assert not door.has_active_sieve(MAILBOX)
    assert door.activate_sieve(MAILBOX, 'rules.sieve')
    assert os.readlink(str(home / '.dovecot.sieve')) == 'sieve/rules.sieve'
    assert door.has_active_sieve(MAILBOX)


# -- this server, read through the Destination ------------------------------------------

def test_the_defaults_are_nethservers_paths():
    d = door_module.Door(ms.Options(host='sme'))
    assert d.vmail == '/var/lib/nethserver/vmail'
    assert d.own_dir == '/var/lib/nethserver-migration/sync-maildirs'
    assert d.log_path == '/var/log/nethserver-migration/sync-maildirs.log'   # the README's
    # this server is opened read-only, and only when first asked
    assert d._destination is None
    assert d.destination.readonly and d.destination.etc == '/etc'
    assert d.destination is d.destination


def test_vmails_owner_is_read_once(tmp_path):
    d = door_on(tmp_path, users={'vmail': Passwd('vmail', 'x', 97, 12, '', '/', '/sbin/nologin')})
    assert d.owner() == (97, 12)
    d.destination.passwd.clear()
    assert d.owner() == (97, 12)
    assert door_on(tmp_path, users={}).owner() is None     # no mail server here


@pytest.mark.parametrize('props, folder_map', [
    ({'SpamFolder': 'Junk'}, {'.junkmail': '.Junk'}),
    ({'SpamFolder': 'Spam.Old'}, {'.junkmail': '.Spam.Old'}),
    ({'SpamFolder': ''}, {}),
    ({}, {}),
])
def test_the_junk_folder_maps_to_this_servers_spam_folder(tmp_path, props, folder_map):
    d = door_on(tmp_path, dbs={'configuration': [Record('dovecot', 'service', props)]})
    assert d.folder_map() == folder_map


def test_the_domain_is_this_servers_in_lower_case(tmp_path):
    assert door_on(tmp_path, domain='Example.ORG').domain() == 'example.org'


@pytest.mark.parametrize('users, maildir, exists', [
    ({'alice': 'Alice'}, None, True),                  # the user by its short name
    ({'alice@example.org': 'Alice'}, None, True),      # or by its mailbox's name
    ({}, 'dir', True),                                 # or a mailbox already here
    ({}, 'file', False),
    ({'bob': 'Bob'}, None, False),
])
def test_a_user_exists_here_by_name_mailbox_or_maildir(tmp_path, users, maildir, exists):
    d = door_on(tmp_path, users=users)
    path = tmp_path / 'vmail' / 'alice@example.org' / 'Maildir'
    if maildir == 'dir':
        path.mkdir(parents=True)
    elif maildir == 'file':
        path.parent.mkdir(parents=True)
        path.write_text('')
    assert d.user_exists('alice', 'alice@example.org') is exists


def test_the_sieve_listing_holds_regular_files_only(door, tmp_path):
    sieve = tmp_path / 'vmail' / MAILBOX / 'sieve'
    assert door.list_sieve(MAILBOX) == {}                             # no sieve folder
    write(str(sieve / 'a.sieve'), b'keep;\n', mtime=1600000000.7)
    os.symlink('/etc/passwd', str(sieve / 'link.sieve'))
    os.makedirs(str(sieve / 'tmp'))
    write(str(sieve / (ms.TMP_PREFIX + '9.9')), b'half')
    write(str(sieve / ('x' + ms.TMP_PREFIX)), b'kept')
    assert door.list_sieve(MAILBOX) == {'a.sieve': (6, 1600000000),
                                        'x' + ms.TMP_PREFIX: (4, int(os.stat(
                                            str(sieve / ('x' + ms.TMP_PREFIX))).st_mtime))}


def test_the_state_folder_is_private_and_the_state_compact(door, tmp_path):
    door.save_state(MAILBOX, 'sme:/h', {'': {'1.a': ['cur/:2,S', 'cur/:2,S']}})
    assert mode(str(tmp_path / 'state')) == 0o700
    assert open(str(tmp_path / 'state' / (MAILBOX + '.state'))).read() == (
        '{"folders":{"":{"1.a":["cur/:2,S","cur/:2,S"]}},"source":"sme:/h","version":1}')


@pytest.mark.parametrize('script, why', [
    ('echo first >&2; echo "Permission denied" >&2; exit 3', 'Permission denied'),
    ('exit 3', 'exit 3'),
    ('printf "\\377bad\\n" >&2; exit 3', '\ufffdbad'),       # not UTF-8: replaced
    ('printf "not gzip"', 'the listing is damaged ({})'),
])
def test_a_listing_that_fails_says_why(door, script, why):
    door._ssh = lambda script_, args: ['sh', '-c', script]
    with pytest.raises(ms.ListingError) as caught:
        door.list_source('sme8')
    if '{}' in why:          # gzip's own words vary with the Python version
        assert str(caught.value).startswith(why[:-3]) and str(caught.value).endswith(')')
        assert len(str(caught.value)) > len(why)
    else:
        assert str(caught.value) == why


# -- the copy stream ----------------------------------------------------------------------

def source_home(tmp_path):
    home = tmp_path / 'source' / 'alice'
    write(str(home / 'Maildir' / 'cur' / '1.a:2,S'), b'first message\n', mtime=1500000000)
    write(str(home / 'Maildir' / '.Sent' / 'new' / '2.b'), b'second\n' * 1000,
          mtime=1500000100)
    os.link(str(home / 'Maildir' / 'cur' / '1.a:2,S'),
            str(home / 'Maildir' / '.Sent' / 'new' / '3.hard'))
    write(str(home / 'Maildir' / 'cur' / '4.grown:2,S'), b'bigger than listed')
    write(str(home / 'Maildir' / 'cur' / '6.unasked:2,S'), b'not asked for')
    write(str(home / 'sieve' / 'rules.sieve'), b'require "fileinto";', mtime=1500000200)
    name = 'é-\udcff'
    write(os.fsencode(str(home / 'Maildir' / 'cur')) + b'/7.' + os.fsencode(name) + b':2,',
          b'odd name')
    return str(home), '7.' + name + ':2,'


def test_the_copy_places_each_message_like_a_maildir_writer(door, tmp_path):
    home, odd = source_home(tmp_path)
    door.prepare_mailbox(MAILBOX, ['.Sent'])
    copies = [
        ms.Copy(('', '1.a'), 'Maildir/cur/1.a:2,S', 'cur', '1.a:2,S', 14),
        ms.Copy(('.Sent', '2.b'), 'Maildir/.Sent/new/2.b', 'new', '2.b', 7000),
        ms.Copy(('.Sent', '3.hard'), 'Maildir/.Sent/new/3.hard', 'new', '3.hard', 14),
        ms.Copy(('', '4.grown'), 'Maildir/cur/4.grown:2,S', 'cur', '4.grown:2,S', 3),
        ms.Copy(('', '5.vanished'), 'Maildir/cur/5.vanished:2,S', 'cur', '5.vanished:2,S', 1),
        ms.Copy(('', '7.odd'), 'Maildir/cur/' + odd, 'cur', odd, 8),
        ms.SieveCopy(('sieve', 'rules.sieve'), 'sieve/rules.sieve', 'rules.sieve', 19),
    ]
    results = []
    assert door.fetch(MAILBOX, home, copies, lambda *r: results.append(r)) is None
    assert sorted(results) == sorted([
        (('', '1.a'), True, None), (('.Sent', '2.b'), True, None),
        (('.Sent', '3.hard'), True, None),
        (('', '4.grown'), False, 'its size changed on the source during the copy (listed '
                                 '3, sent 18): not placed; run again'),
        (('', '5.vanished'), False, None),
        (('', '7.odd'), True, None), (('sieve', 'rules.sieve'), True, None)])
    maildir = os.path.join(str(tmp_path / 'vmail' / MAILBOX), 'Maildir')
    placed = {
        'cur/1.a:2,S': (b'first message\n', 1500000000),
        '.Sent/new/2.b': (b'second\n' * 1000, 1500000100),
        '.Sent/new/3.hard': (b'first message\n', 1500000000),
        'cur/' + odd: (b'odd name', None),
    }
    for rel, (data, mtime) in placed.items():
        path = os.path.join(maildir, rel)
        st = os.lstat(path)
        assert open(path, 'rb').read() == data, rel
        assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_nlink == 1, rel
        assert (st.st_uid, st.st_gid) == (os.getuid(), os.getgid())
        if mtime:
            assert st.st_mtime == mtime, rel
    assert sorted(os.listdir(os.path.join(maildir, 'cur'))) == sorted(['1.a:2,S', odd])
    for folder in ('', '.Sent'):
        assert os.listdir(os.path.join(maildir, folder, 'tmp')) == []
    rules = os.path.join(str(tmp_path / 'vmail' / MAILBOX), 'sieve', 'rules.sieve')
    assert open(rules, 'rb').read() == b'require "fileinto";'
    assert os.stat(rules).st_mtime == 1500000200


def test_the_copy_never_replaces_a_message_here(door, tmp_path):
    home, _odd = source_home(tmp_path)
    door.prepare_mailbox(MAILBOX, [])
    mine = os.path.join(str(tmp_path / 'vmail' / MAILBOX), 'Maildir', 'cur', '1.a:2,S')
    write(mine, b'this server\'s copy')
    results = []
    door.fetch(MAILBOX, home, [ms.Copy(('', '1.a'), 'Maildir/cur/1.a:2,S', 'cur', '1.a:2,S',
                                       14)], lambda *r: results.append(r))
    assert results == [(('', '1.a'), True, None)]
    assert open(mine, 'rb').read() == b'this server\'s copy'


def test_a_broken_stream_is_said(door, tmp_path):
    door._ssh = lambda script, args: ['sh', '-c', 'printf "not a tar stream at all"; exit 0']
    results = []
    why = door.fetch(MAILBOX, str(tmp_path), [ms.Copy(('', '1.a'), 'Maildir/cur/1.a', 'cur',
                                                      '1.a', 1)], lambda *r: results.append(r))
    assert why.startswith('the stream from the source broke')
    assert results == [(('', '1.a'), False, None)]


def crafted_stream(tmp_path, members, status=0, stderr=b''):
    """The command line of a source that sends this tar stream, then writes stderr and
    exits with status: members [(name, bytes)], (name, ('link', target)) for tar's second
    name of a file, (name, ('symlink', target)) or (name, 'dir')."""
    path = tmp_path / 'stream.tar'
    with tarfile.open(str(path), 'w', format=tarfile.GNU_FORMAT, encoding='utf-8',
                      errors='surrogateescape') as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.mtime = 1500000000
            if data == 'dir':
                info.type = tarfile.DIRTYPE
            elif isinstance(data, tuple):
                info.type = tarfile.LNKTYPE if data[0] == 'link' else tarfile.SYMTYPE
                info.linkname = data[1]
            else:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if isinstance(data, bytes) else None)
    (tmp_path / 'stderr').write_bytes(stderr)
    return ['sh', '-c', 'cat "$0"; cat "$1" >&2; exit "$2"', str(path),
            str(tmp_path / 'stderr'), str(status)]


def test_a_stream_member_not_asked_for_or_sent_twice_is_ignored(door, tmp_path):
    stream = crafted_stream(tmp_path, [('Maildir/cur/9.unasked', b'no'),
                                       ('Maildir/cur/1.a', b'one'),
                                       ('Maildir/cur/1.a', b'two'),
                                       ('Maildir/cur/2.b', b'bb')])
    door._ssh = lambda script, args: stream
    door.prepare_mailbox(MAILBOX, [])
    results = []
    assert door.fetch(MAILBOX, '/h', [ms.Copy(('', '1.a'), 'Maildir/cur/1.a', 'cur', '1.a', 3),
                                      ms.Copy(('', '2.b'), 'Maildir/cur/2.b', 'cur', '2.b', 2)],
                      lambda *r: results.append(r)) is None
    assert results == [(('', '1.a'), True, None), (('', '2.b'), True, None)]
    cur = tmp_path / 'vmail' / MAILBOX / 'Maildir' / 'cur'
    assert sorted(os.listdir(str(cur))) == ['1.a', '2.b']
    assert (cur / '1.a').read_bytes() == b'one'


def copy(name, size, folder=''):
    return ms.Copy((folder, name), 'Maildir/{}cur/{}'.format(folder + '/' if folder else '',
                                                            name), 'cur', name, size)


def fetch_crafted(door, tmp_path, members, copies, **stream):
    door._ssh = lambda script, args: crafted_stream(tmp_path, members, **stream)
    door.prepare_mailbox(MAILBOX, [])
    results = []
    why = door.fetch(MAILBOX, '/h', copies, lambda *r: results.append(r))
    return why, results


def test_what_tar_sends_that_is_no_message_is_not_placed(door, tmp_path):
    odd = '7.\udcff:2,S'                               # not UTF-8 on the source
    why, results = fetch_crafted(door, tmp_path, [
        ('Maildir/cur/' + odd, b'odd'),
        ('Maildir/cur/8.second', ('link', 'Maildir/cur/' + odd)),  # its second name
        ('Maildir/cur/1.link', ('link', 'Maildir/cur/nowhere')),   # a file tar did not send
        ('Maildir/cur/2.grown', b'longer than listed'),
        ('Maildir/cur/3.second', ('link', 'Maildir/cur/2.grown')),  # its first was refused
        ('Maildir/cur/4.sym', ('symlink', '/etc/passwd')),
        ('Maildir/cur/5.dir', 'dir'),
    ], [copy(odd, 3), copy('8.second', 3), copy('1.link', 1), copy('2.grown', 2),
        copy('3.second', 2), copy('4.sym', 1), copy('5.dir', 1)])
    assert why is None
    assert results == [
        (('', odd), True, None),
        (('', '8.second'), True, None),
        (('', '1.link'), False, 'a hard link to a file not sent: not copied'),
        (('', '2.grown'), False, 'its size changed on the source during the copy (listed 2, '
                                 'sent 18): not placed; run again'),
        (('', '3.second'), False, 'its first copy is gone here: run again'),
        (('', '4.sym'), False, 'not a regular file on the source: not copied'),
        (('', '5.dir'), False, 'not a regular file on the source: not copied')]
    cur = os.path.join(str(tmp_path / 'vmail' / MAILBOX), 'Maildir', 'cur')
    assert sorted(os.listdir(cur)) == sorted([odd, '8.second'])
    assert open(os.path.join(cur, '8.second'), 'rb').read() == b'odd'


@pytest.mark.parametrize('status, stderr, why', [
    (255, b'ssh: connect to host sme port 22: Connection refused\n',
     'ssh: connect to host sme port 22: Connection refused'),
    (255, b'', 'the ssh connection failed'),
    (255, b'first\nlast \xff\n', 'last \ufffd'),
    (2, b'tar: something vanished\n', None),   # tar's own status: each file says for itself
    (0, b'', None),
])
def test_a_connection_lost_during_the_copy_is_said(door, tmp_path, status, stderr, why):
    got, results = fetch_crafted(door, tmp_path, [('Maildir/cur/1.a', b'a')],
                                 [copy('1.a', 1), copy('2.b', 1)], status=status,
                                 stderr=stderr)
    assert got == why
    assert results == [(('', '1.a'), True, None), (('', '2.b'), False, None)]


def test_a_message_that_cannot_be_written_fails_alone(door, tmp_path):
    # .Gone was never prepared (no tmp/): the error is the message's, the next one goes on
    why, results = fetch_crafted(door, tmp_path, [('Maildir/.Gone/cur/1.a', b'a'),
                                                  ('Maildir/cur/2.b', b'b')],
                                 [copy('1.a', 1, '.Gone'), copy('2.b', 1)])
    tmp = os.path.join(str(tmp_path / 'vmail' / MAILBOX), 'Maildir', '.Gone', 'tmp')
    assert why is None
    assert results[0][:2] == (('.Gone', '1.a'), False)
    assert results[0][2].startswith("[Errno 2] No such file or directory: '{}/{}".format(
        tmp, ms.TMP_PREFIX))
    assert results[1] == (('', '2.b'), True, None)


def test_a_message_is_written_under_our_own_temporary_name_then_linked(door, tmp_path):
    door.prepare_mailbox(MAILBOX, [])
    maildir = os.path.join(str(tmp_path / 'vmail' / MAILBOX), 'Maildir')
    seen = []

    class Reader(io.BytesIO):
        def read(self, size=-1):
            seen.append(sorted(os.listdir(os.path.join(maildir, 'tmp'))))
            return super().read(size)
    for name in ('1.a', '2.b'):
        door._write(MAILBOX, copy(name, 4), Reader(b'data'), 1500000000)
    prefix = '{}{}.'.format(ms.TMP_PREFIX, os.getpid())
    assert seen == [[prefix + '1']] * 2 + [[prefix + '2']] * 2      # a new name each time
    assert os.listdir(os.path.join(maildir, 'tmp')) == []
    assert sorted(os.listdir(os.path.join(maildir, 'cur'))) == ['1.a', '2.b']


def test_a_planted_temporary_name_is_never_followed(door, tmp_path):
    door.prepare_mailbox(MAILBOX, [])
    maildir = os.path.join(str(tmp_path / 'vmail' / MAILBOX), 'Maildir')
    outside = tmp_path / 'outside'
    outside.write_bytes(b'kept')
    os.symlink(str(outside), os.path.join(maildir, 'tmp', '{}{}.1'.format(ms.TMP_PREFIX,
                                                                           os.getpid())))
    with pytest.raises(FileExistsError):
        door._write(MAILBOX, copy('1.a', 4), io.BytesIO(b'data'), 1500000000)
    assert outside.read_bytes() == b'kept'
    assert not os.path.exists(os.path.join(maildir, 'cur', '1.a'))


@pytest.mark.skipif(os.geteuid() != 0, reason='chown to other ids needs root')
def test_everything_placed_belongs_to_vmail_user_and_group(door, tmp_path):
    door._owner = (1234, 5678)
    door.prepare_mailbox(MAILBOX, ['.Projects'])
    door._write(MAILBOX, copy('1.a', 4), io.BytesIO(b'data'), 1500000000)
    door.subscribe(MAILBOX, ['Projects'])
    home = tmp_path / 'vmail' / MAILBOX
    for rel in ('', 'Maildir', 'Maildir/cur', 'Maildir/.Projects', 'Maildir/.Projects/tmp',
                'Maildir/.Projects/maildirfolder', 'Maildir/cur/1.a',
                'Maildir/subscriptions'):
        st = os.lstat(str(home / rel))
        assert (st.st_uid, st.st_gid) == (1234, 5678), rel


def test_leftovers_are_cleared_in_every_folder_after_one_without_tmp(door, tmp_path):
    maildir = tmp_path / 'vmail' / MAILBOX / 'Maildir'
    os.makedirs(str(maildir / '.A' / 'cur'))                          # no tmp/
    os.makedirs(str(maildir / '.B' / 'cur'))
    write(str(maildir / '.B' / 'tmp' / (ms.TMP_PREFIX + '9.9')))
    write(str(tmp_path / 'vmail' / MAILBOX / 'sieve' / (ms.TMP_PREFIX + '9.8')))
    door.prepare_mailbox(MAILBOX, [])
    assert os.listdir(str(maildir / '.B' / 'tmp')) == []
    assert os.listdir(str(tmp_path / 'vmail' / MAILBOX / 'sieve')) == []


def test_a_change_that_the_system_refuses_says_why(door, tmp_path):
    maildir = tmp_path / 'vmail' / MAILBOX / 'Maildir'
    door.prepare_mailbox(MAILBOX, [])
    os.makedirs(str(maildir / 'new' / '1.a'))                         # a directory
    assert door.change(MAILBOX, ms.Remove(('', '1.a'), 'new/1.a')) == (
        False, "[Errno 21] Is a directory: '{}'".format(maildir / 'new' / '1.a'))
    assert os.path.isdir(str(maildir / 'new' / '1.a'))


@pytest.mark.parametrize('before, folders, after', [
    (None, ['Projects', 'Sent'], b'Projects\nSent\n'),              # no file yet
    (b'', ['Projects'], b'Projects\n'),
    (b'Sent\n', ['Projects', 'Archive'], b'Sent\nProjects\nArchive\n'),
    (b'Caf\xe9\nSent', ['Projects'], b'Caf\xe9\nSent\nProjects\n'),  # not UTF-8: kept
    (b'Sent\n', ['Sent'], b'Sent\n'),
])
def test_subscriptions(door, tmp_path, before, folders, after):
    door.prepare_mailbox(MAILBOX, [])
    path = tmp_path / 'vmail' / MAILBOX / 'Maildir' / 'subscriptions'
    if before is not None:
        path.write_bytes(before)
    # a longer leftover of a killed run under our temporary name is replaced, not reused
    (tmp_path / 'vmail' / MAILBOX / 'Maildir' / 'subscriptions.sync-maildirs').write_bytes(
        b'x' * 100)
    door.subscribe(MAILBOX, folders)
    assert path.read_bytes() == after


def test_a_folder_with_new_mail_only_is_listed(door, tmp_path):
    maildir = tmp_path / 'vmail' / MAILBOX / 'Maildir'
    write(str(maildir / '.Inbox2' / 'new' / '1.a'))                   # no cur/
    write(str(maildir / '.Inbox2' / 'new' / '2.b'))
    assert door.list_mailbox(MAILBOX) == {'': {}, '.Inbox2': {
        '1.a': ms.Msg('new', '1.a', 0), '2.b': ms.Msg('new', '2.b', 0)}}


def test_the_listing_asks_the_sources_own_root(tmp_path):
    d = door_module.Door(ms.Options(host='sme'), own_dir=str(tmp_path))
    asked = []
    d._ssh = lambda script, args: asked.append((script, args)) or ['sh', '-c', 'exit 3']
    with pytest.raises(ms.ListingError):
        d.list_source('sme9')
    assert asked == [(ms.list_script(), ['sme9', ''])]


def test_the_ssh_command_line_is_rsync_migrates(tmp_path):
    d = door_module.Door(ms.Options(host='sme', port=2222), own_dir=str(tmp_path))
    argv = [a.decode() for a in d._ssh(ms.fetch_script(), ['/home/e-smith/files/users/a b'])]
    assert argv[0] == 'ssh' and argv[-2] == 'sme'
    assert argv[argv.index('-p') + 1] == '2222'
    assert 'UserKnownHostsFile=/var/lib/nethserver-migration/rsync-migrate/known_hosts' in argv
    assert 'StrictHostKeyChecking=yes' in argv and 'BatchMode=yes' in argv
    assert argv[-1].endswith("rsync-migrate '/home/e-smith/files/users/a b'")


def test_the_listing_script_is_plain_sh():
    res = subprocess.run(['sh', '-n', '-c', ms.list_script()], stderr=subprocess.PIPE)
    assert res.returncode == 0, res.stderr


def test_the_listing_script_on_a_real_tree(door, tmp_path):
    """The remote listing run here by sh, on an SME layout under tmp_path/src."""
    root = tmp_path / 'src'
    users = root / 'home' / 'e-smith' / 'files' / 'users'
    write(str(root / 'home' / 'e-smith' / 'Maildir' / 'cur' / '1.admin:2,S'), b'a')
    alice = users / 'alice'
    write(str(alice / 'Maildir' / 'cur' / '2.a:2,RS'), b'bb')
    write(str(alice / 'Maildir' / 'new' / '3.b'), b'ccc')
    write(str(alice / 'Maildir' / 'tmp' / '4.c'), b'not yet')
    write(str(alice / 'Maildir' / '.Sent' / 'cur' / '5.d:2,S'), b'dddd')
    write(str(alice / 'Maildir' / 'dovecot-uidlist'), b'3 V1 N9\n')
    write(str(alice / 'Maildir' / 'subscriptions'), b'Sent\n')
    write(str(alice / 'sieve' / 'rules.sieve'), b'keep;', mtime=1600000000)
    os.symlink('sieve/rules.sieve', str(alice / '.dovecot.sieve'))
    os.symlink('/etc', str(alice / 'Maildir' / '.Evil'))              # never followed
    os.symlink('/etc/passwd', str(alice / 'Maildir' / 'cur' / '6.link:2,S'))
    write(str(tmp_path / 'outside'), b'secret')
    os.link(str(tmp_path / 'outside'), str(alice / 'Maildir' / 'cur' / '7.hard:2,S'))
    os.makedirs(str(users / 'bob'))                                   # no Maildir
    os.symlink(str(alice), str(users / 'mallory'))                    # a linked home
    door.root = str(root)
    boxes = door.list_source('sme8')
    assert [b.user for b in boxes] == ['admin', 'alice', 'bob']
    admin, alice_box, bob = boxes
    assert admin.home == str(root / 'home' / 'e-smith')
    assert admin.folders == {'': {'1.admin': ms.Msg('cur', '1.admin:2,S', 1)}}
    assert alice_box.folders == {
        '': {'2.a': ms.Msg('cur', '2.a:2,RS', 2), '3.b': ms.Msg('new', '3.b', 3)},
        '.Sent': {'5.d': ms.Msg('cur', '5.d:2,S', 4)}}
    assert alice_box.skipped == [('Maildir/cur/7.hard:2,S', 'a hard link to a file outside '
                                  'the mailbox: not copied')]
    assert alice_box.subscriptions == ['Sent']
    assert alice_box.sieve == {'rules.sieve': (5, 1600000000)}
    assert alice_box.active == 'rules.sieve' and alice_box.has_maildir
    assert bob.folders == {} and not bob.has_maildir
    # the copy stream from the same home
    door.prepare_mailbox(MAILBOX, ['.Sent'])
    results = []
    door.fetch(MAILBOX, alice_box.home, [
        ms.Copy(('.Sent', '5.d'), 'Maildir/.Sent/cur/5.d:2,S', 'cur', '5.d:2,S', 4)],
        lambda *r: results.append(r))
    assert results == [(('.Sent', '5.d'), True, None)]


def test_the_ns6_layout(door, tmp_path):
    root = tmp_path / 'src'
    write(str(root / 'var/lib/nethserver/vmail/alice/Maildir/cur/1.a:2,S'), b'x')
    write(str(root / 'var/lib/nethserver/vmail/alice/sieve/s.sieve'), b'keep;', mtime=5)
    door.root = str(root)
    (alice,) = door.list_source('ns6')
    assert alice.user == 'alice' and alice.home == str(root / 'var/lib/nethserver/vmail/alice')
    assert alice.folders == {'': {'1.a': ms.Msg('cur', '1.a:2,S', 1)}}
    assert alice.sieve == {'s.sieve': (5, 5)}
    assert door.list_source('sme8') == []


def test_pinning_on_first_contact_makes_rsync_migrates_folder(tmp_path):
    d = door_module.Door(ms.Options(host='sme'), own_dir=str(tmp_path / 'own'),
                         known_hosts=str(tmp_path / 'rsync-migrate' / 'known_hosts'))
    d.pin(['sme ssh-rsa AAAA'])
    assert open(str(tmp_path / 'rsync-migrate' / 'known_hosts')).read() == 'sme ssh-rsa AAAA\n'
    assert mode(str(tmp_path / 'rsync-migrate')) == 0o700
