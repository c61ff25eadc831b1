"""migration-extract: real archives (GNU tar, as SME's backup writes them: owners by name
and number, relative names), every format told by content, and hostile archives built
member by member; each refusal named, nothing written outside DIR, a truncated archive
stopped with how far it got and resumed with --force."""

import io
import os
import stat
import subprocess
import sys
import tarfile

import pytest

from nethserver_migration import extract


def make_tree(root):
    """A small SME-like tree: a home, an ibay with a symlink and a hard link, passwd."""
    home = root / 'home' / 'e-smith' / 'files' / 'users' / 'alice'
    home.mkdir(parents=True)
    (home / 'notes.txt').write_text('notes\n')
    os.chown(str(home / 'notes.txt'), 5001, 5001)
    os.chmod(str(home / 'notes.txt'), 0o640)
    os.utime(str(home / 'notes.txt'), (1300000000, 1300000000))
    ibay = root / 'home' / 'e-smith' / 'files' / 'ibays' / 'docs' / 'files'
    ibay.mkdir(parents=True)
    (ibay / 'a.txt').write_text('a' * 5000)
    os.link(str(ibay / 'a.txt'), str(ibay / 'a-again.txt'))
    os.symlink('ibays/docs', str(root / 'home' / 'e-smith' / 'files' / 'primary'))
    os.chmod(str(ibay), 0o2770)
    os.chown(str(ibay), 5001, 5003)
    (root / 'home' / 'e-smith' / 'db').mkdir()
    (root / 'home' / 'e-smith' / 'db' / 'accounts').write_text('alice=user\n')
    (root / 'etc').mkdir()
    (root / 'etc' / 'passwd').write_text('root:x:0:0::/root:/bin/sh\n'
                                         'alice:x:5001:5001::/home:/bin/false\n')
    (root / 'etc' / 'group').write_text('root:x:0:\nalice:x:5001:\nsales:x:5003:\n')


def pack(src, archive, compress='-z', *extra):
    subprocess.check_call(['tar', '--create', compress, '--file', str(archive),
                           '--directory', str(src)] + list(extra) + ['home', 'etc'])


def run(archive, dest, *args):
    out = io.StringIO()
    status = extract.main([str(archive), str(dest), '--no-check'] + list(args), stream=out)
    return status, out.getvalue()


def listing(root):
    out = {}
    for top, dirs, files in os.walk(str(root)):
        for name in dirs + files:
            path = os.path.join(top, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, str(root))
            if stat.S_ISLNK(st.st_mode):
                body = ('link', os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                with open(path, 'rb') as f:
                    body = f.read()
            else:
                body = 'dir'
            out[rel] = (body, st.st_uid, st.st_gid, oct(st.st_mode),
                        int(st.st_mtime) if not stat.S_ISDIR(st.st_mode) else None)
    return out


@pytest.mark.parametrize('compress, name', [('-z', 'smeserver.tgz'), ('-J', 'backup.zip'),
                                            ('-j', 'x.tar.bz2'), ('--no-auto-compress', 'x')])
def test_a_real_archive_extracts_as_it_was(tmp_path, compress, name):
    src = tmp_path / 'src'
    make_tree(src)
    # a symlink's own time is kept too (an old one: "now" would pass by chance)
    os.utime(str(src / 'home/e-smith/files/primary'), (1500000000, 1500000000),
             follow_symlinks=False)
    pack(src, tmp_path / name, compress)
    status, out = run(tmp_path / name, tmp_path / 'dst')
    assert status == extract.EXIT_OK, out
    assert listing(tmp_path / 'dst') == listing(src)
    a = os.lstat(str(tmp_path / 'dst/home/e-smith/files/ibays/docs/files/a.txt'))
    b = os.lstat(str(tmp_path / 'dst/home/e-smith/files/ibays/docs/files/a-again.txt'))
    assert a.st_ino == b.st_ino                                 # hard links kept
    assert 'refused' in out and ', 0 refused' in out


def test_not_an_archive_and_usage(tmp_path):
    (tmp_path / 'junk').write_bytes(b'PK\x03\x04 not a tar')
    assert run(tmp_path / 'junk', tmp_path / 'dst')[0] == extract.EXIT_USAGE
    assert run(tmp_path / 'missing', tmp_path / 'dst')[0] == extract.EXIT_USAGE
    (tmp_path / 'full').mkdir()
    (tmp_path / 'full' / 'x').write_text('x')
    src = tmp_path / 'src'
    make_tree(src)
    pack(src, tmp_path / 'a.tgz')
    assert run(tmp_path / 'a.tgz', tmp_path / 'full')[0] == extract.EXIT_USAGE
    assert run(tmp_path / 'a.tgz', tmp_path / 'full', '--force')[0] == extract.EXIT_OK
    assert extract.main(['--help'], stream=io.StringIO()) == 0


def test_owners_by_the_sources_own_names(tmp_path):
    # the archive says alice's file is uid 5001 (and gid 5003, sales); the source's own
    # passwd, later in the archive, says alice is 5005; bob is nobody there: his number
    notes, _ = member('home/notes.txt')
    notes.uid, notes.uname, notes.gid, notes.gname = 5001, 'alice', 5003, 'sales'
    other, _ = member('home/other.txt')
    other.uid, other.uname, other.gid, other.gname = 5002, 'bob', 5003, 'sales'
    passwd = b'alice:x:5005:5001::/home:/bin/false\n'
    group = b'sales:x:5009:\n'
    hostile(tmp_path / 'a.tgz', [(notes, io.BytesIO(b'x')), (other, io.BytesIO(b'x')),
                                 member('etc/passwd', data=passwd),
                                 member('etc/group', data=group)])
    assert run(tmp_path / 'a.tgz', tmp_path / 'dst')[0] == extract.EXIT_OK
    st = os.lstat(str(tmp_path / 'dst/home/notes.txt'))
    assert (st.st_uid, st.st_gid) == (5005, 5009)
    st = os.lstat(str(tmp_path / 'dst/home/other.txt'))
    assert (st.st_uid, st.st_gid) == (5002, 5009)


def test_acls_and_xattrs_where_the_archive_has_them(tmp_path):
    src = tmp_path / 'src'
    make_tree(src)
    f = src / 'home/e-smith/files/ibays/docs/files/a.txt'
    subprocess.check_call(['setfacl', '-m', 'u:5001:rw-', str(f)])
    subprocess.check_call(['setfattr', '-n', 'user.origin', '-v', 'sme', str(f)])
    pack(src, tmp_path / 'a.tgz', '-z', '--acls', '--xattrs', '--xattrs-include=user.*')
    status, out = run(tmp_path / 'a.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_OK, out
    got = tmp_path / 'dst/home/e-smith/files/ibays/docs/files/a.txt'
    acl = subprocess.check_output(['getfacl', '-n', '-p', '--omit-header', str(got)],
                                  universal_newlines=True).split()
    assert 'user:5001:rw-' in acl
    assert os.getxattr(str(got), 'user.origin') == b'sme'


# -- hostile archives, member by member -------------------------------------------------

def member(name, kind=tarfile.REGTYPE, data=b'x', linkname=''):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.mode = 0o644 if kind != tarfile.DIRTYPE else 0o755
    return info, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def hostile(path, members):
    with tarfile.open(str(path), 'w:gz', format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, data)


HOSTILE = [
    # (case, members, the member refused, why: word for word)
    ('traversal', [member('../../outside.txt')], '../../outside.txt',
     'the path climbs out with ".."'),
    ('traversal inside', [member('home/../../outside.txt')], 'home/../../outside.txt',
     'the path climbs out with ".."'),
    ('absolute', [member('/tmp/outside.txt')], '/tmp/outside.txt', 'an absolute path'),
    ('symlink out', [member('home/x', tarfile.SYMTYPE, linkname='/etc')], 'home/x',
     "a symlink to '/etc', outside the tree"),
    ('symlink up', [member('home/x', tarfile.SYMTYPE, linkname='../../..')], 'home/x',
     "a symlink to '../../..', outside the tree"),
    ('symlink to nothing', [member('home/x', tarfile.SYMTYPE, linkname='')], 'home/x',
     "a symlink to '', outside the tree"),
    ('write through a symlink it made', [member('home', tarfile.DIRTYPE),
                                         member('home/l', tarfile.SYMTYPE, linkname='.'),
                                         member('home/l/file.txt')], 'home/l/file.txt',
     'home/l is a symbolic link or not a directory: nothing is written through it'),
    ('hard link out', [member('home/h', tarfile.LNKTYPE, linkname='../../etc/passwd')],
     'home/h', 'the path climbs out with ".."'),
    ('hard link to nothing extracted', [member('home/h', tarfile.LNKTYPE,
                                               linkname='etc/passwd')], 'home/h',
     "a hard link to 'etc/passwd', which is not a file this archive put in the tree"),
    ('hard link to a directory', [member('home/d', tarfile.DIRTYPE),
                                  member('home/h', tarfile.LNKTYPE, linkname='home/d')],
     'home/h', "a hard link to 'home/d', which is not a file this archive put in the tree"),
    ('device', [member('home/dev', tarfile.CHRTYPE)], 'home/dev', 'a device node'),
    ('block device', [member('home/blk', tarfile.BLKTYPE)], 'home/blk', 'a device node'),
    ('fifo', [member('home/fifo', tarfile.FIFOTYPE)], 'home/fifo', 'a FIFO'),
    ('unknown type', [member('home/c', b'Z')], 'home/c',
     'a member of an unknown type'),
    ('newline in a name', [member('home/evil\nname')], 'home/evil\nname',
     'its name holds a line break'),
    ('carriage return in a name', [member('home/evil\rname')], 'home/evil\rname',
     'its name holds a line break'),
    ('a temporary name of this tool', [member('home/x.migration-extract')],
     'home/x.migration-extract', "its name ends like this tool's temporary files"),
    ('a directory replaced by a file', [member('home', tarfile.DIRTYPE), member('home')],
     'home', 'a directory of that name is already there'),
    ('a file replaced by a directory', [member('home/f'), member('home/f', tarfile.DIRTYPE)],
     'home/f', 'a file or symlink of that name is already there'),
    ('a deeper file replaced by a directory', [member('home/a/f'),
                                               member('home/a/f', tarfile.DIRTYPE)],
     'home/a/f', 'a file or symlink of that name is already there'),
    ('a symlink replaced by a directory', [
        member('home/s', tarfile.SYMTYPE, linkname='e-smith'),
        member('home/s', tarfile.DIRTYPE)], 'home/s',
     'a file or symlink of that name is already there'),
]


@pytest.mark.parametrize('case, members, name, why', HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_members_are_refused_and_nothing_leaves(tmp_path, case, members, name, why):
    hostile(tmp_path / 'evil.tgz', members + [member('home/e-smith/ok.txt')])
    dest = tmp_path / 'box' / 'dst'
    dest.parent.mkdir()
    before = sorted(os.listdir(str(tmp_path)))
    status, out = run(tmp_path / 'evil.tgz', dest)
    assert status == extract.EXIT_REFUSED, out
    refused = [l for l in out.splitlines() if l.startswith('migration-extract: refused')]
    # repr(): a line break in a name is shown as \n, never cut into two lines
    assert refused == ['migration-extract: refused {!r}: {}'.format(name, why)], out
    assert sorted(os.listdir(str(tmp_path))) == before      # nothing beside DIR
    assert os.listdir(str(tmp_path / 'box')) == ['dst']
    assert (dest / 'home' / 'e-smith' / 'ok.txt').read_text() == 'x'   # the rest goes on
    assert out.splitlines()[-1].endswith(', 1 refused')


def test_a_symlink_chain_that_leaves_is_removed_at_the_end(tmp_path):
    hostile(tmp_path / 'evil.tgz', [
        member('e', tarfile.DIRTYPE), member('e/f', tarfile.SYMTYPE, linkname='..'),
        member('d', tarfile.SYMTYPE, linkname='e/f'),
        member('g', tarfile.SYMTYPE, linkname='d/..'),       # d/.. = DIR/.. : outside
        member('x', tarfile.DIRTYPE),
        member('x/h', tarfile.SYMTYPE, linkname='../d/..')])  # the same, one level down
    status, out = run(tmp_path / 'evil.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_REFUSED
    outside = os.path.dirname(os.path.realpath(str(tmp_path / 'dst')))
    assert [l for l in out.splitlines() if 'refused' in l and 'members' not in l] == [
        "migration-extract: refused '{}': a symlink that leads outside the tree through "
        "other links ({}): removed".format(name, outside) for name in ('g', 'x/h')]
    assert sorted(os.listdir(str(tmp_path / 'dst'))) == ['d', 'e', 'x']
    assert os.listdir(str(tmp_path / 'dst' / 'x')) == []


def test_a_member_larger_than_the_free_space(tmp_path, monkeypatch):
    class Full(object):                      # 100 MB free, 64 MB of them kept back
        f_bavail, f_frsize = 100 << 8, 4096
    monkeypatch.setattr(extract.os, 'statvfs', lambda fd: Full())
    hostile(tmp_path / 'big.tgz', [member('home/small', data=b'\0' * 1000),
                                   member('home/big', data=b'\0' * (40 << 20))])
    status, out = run(tmp_path / 'big.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_REFUSED
    assert "refused 'home/big': 41943040 bytes, more than the free space (104857600 bytes " \
        "free)" in out
    assert not os.path.exists(str(tmp_path / 'dst' / 'home' / 'big'))
    assert os.path.getsize(str(tmp_path / 'dst' / 'home' / 'small')) == 1000


def test_a_truncated_archive_stops_and_force_resumes(tmp_path):
    src = tmp_path / 'src'
    make_tree(src)
    big = src / 'home' / 'e-smith' / 'files' / 'users' / 'alice' / 'big.bin'
    big.write_bytes(os.urandom(400000))
    pack(src, tmp_path / 'a.tgz')
    data = (tmp_path / 'a.tgz').read_bytes()
    (tmp_path / 'cut.tgz').write_bytes(data[:len(data) // 2])
    status, out = run(tmp_path / 'cut.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_CORRUPT, out
    assert 'truncated or corrupt' in out and '--force' in out
    assert not [p for p in listing(tmp_path / 'dst') if p.endswith(extract.TMP_SUFFIX)]
    status, out = run(tmp_path / 'a.tgz', tmp_path / 'dst', '--force')
    assert status == extract.EXIT_OK, out
    assert listing(tmp_path / 'dst') == listing(src)


@pytest.mark.parametrize('parts, target, ok', [
    (['a', 'b'], 'c', True), (['a', 'b'], '../c', True), (['a', 'b'], '../../c', False),
    (['a'], './x/../y', True), (['a'], '/etc', False), (['a'], '', False)])
def test_link_inside(parts, target, ok):
    if ok:
        extract.link_inside(parts, target)
    else:
        with pytest.raises(extract.Refused):
            extract.link_inside(parts, target)


def test_parse_acl_text():
    entries = extract.parse_acl_text('user::rw-,user:alice:rw-:5001,group::r--,mask::rw-,'
                                     'other::r--')
    assert entries[1] == extract.acls.Entry('user', '5001', 6)
    with pytest.raises(ValueError):
        extract.parse_acl_text('user::rwz')


# -- the pieces, as tables -----------------------------------------------------------------

@pytest.mark.parametrize('name, parts', [
    ('a/./b//c/', ['a', 'b', 'c']), ('.', []), ('./', []), ('', []),
    ('x.migration-extract/y', ['x.migration-extract', 'y'])])
def test_parts_of(name, parts):
    assert extract.parts_of(name) == parts


@pytest.mark.parametrize('name, why', [
    ('a\0b', 'its name holds a NUL byte'), ('a\nb', 'its name holds a line break'),
    ('a\rb', 'its name holds a line break'), ('/a', 'an absolute path'),
    ('a/../../b', 'the path climbs out with ".."'), ('a/..', 'the path climbs out with ".."'),
    ('a/b.migration-extract', "its name ends like this tool's temporary files")])
def test_parts_of_refuses(name, why):
    with pytest.raises(extract.Refused) as exc:
        extract.parts_of(name)
    assert str(exc.value) == why


@pytest.mark.parametrize('parts, target, ok', [
    (['a'], '..', False), (['a', 'b'], '..', True), (['a'], 'x/../..', False),
    (['a'], 'x/..', True), (['a'], 'b\0', False), (['a'], './/.', True),
    (['a', 'b', 'c'], '../../x', True), (['a', 'b', 'c'], '../../../x', False),
    # empty and '.' parts go nowhere; each name goes one down
    (['a'], 'b//../..', False), (['a'], 'b/./../..', False), (['a'], 'x/y/../..', True)])
def test_link_inside_depths(parts, target, ok):
    if ok:
        assert extract.link_inside(parts, target) is None
    else:
        with pytest.raises(extract.Refused) as exc:
            extract.link_inside(parts, target)
        assert str(exc.value) == 'a symlink to {!r}, outside the tree'.format(target)


USTAR = b'\0' * 257 + b'ustar'


@pytest.mark.parametrize('head, argv', [
    (b'\x1f\x8b\x08\x00', ['gzip', '-dc']), (b'\xfd7zXZ\x00\x00', ['xz', '-dc']),
    (b'BZh91AY', ['bzip2', '-dc']), (USTAR, []), (USTAR + b'\0' * 250, []),
    (USTAR[:-1], None), (b'\0' * 256 + b'ustar', None), (b'\xfd7zXZ', None),
    (b'PK\x03\x04', None), (b'', None), (b'x' * 300, None)])
def test_detect(head, argv):
    assert extract.detect(head) == argv


E = extract.acls.Entry


@pytest.mark.parametrize('text, entries', [
    ('user::rw-\ngroup::r--\nother::---', [E('user', '', 6), E('group', '', 4),
                                            E('other', '', 0)]),
    (' user::rwx , ,other::r-x\n', [E('user', '', 7), E('other', '', 5)]),
    ('user:alice:-w-:', [E('user', 'alice', 2)]),
    ('user:alice:--x:5001', [E('user', '5001', 1)]),
    ('group:sales:r--,mask::rwx', [E('group', 'sales', 4), E('mask', '', 7)])])
def test_parse_acl_text_table(text, entries):
    assert extract.parse_acl_text(text) == entries


@pytest.mark.parametrize('item', [
    'user:rw-', 'user:a:rw-:1:2', 'bogus::rw-', 'u::rw-', 'user::rw', 'user::rwxx',
    'user::wr-', 'user::r-r', 'user::rwr', 'user::-rx', 'user::X--', 'user::rX-', 'user::r-X'])
def test_parse_acl_text_refuses(item):
    with pytest.raises(ValueError) as exc:
        extract.parse_acl_text('other::r--,' + item)
    assert str(exc.value) == 'not an ACL entry: {!r}'.format(item)


# -- the command's words and exit codes ----------------------------------------------------

def test_usage_errors_say_what_is_wrong(tmp_path, capsys):
    missing = str(tmp_path / 'missing')
    assert run(missing, tmp_path / 'dst')[0] == extract.EXIT_USAGE
    assert capsys.readouterr().err == 'migration-extract: {}: no such archive\n'.format(missing)
    hostile(tmp_path / 'a.tgz', [member('home/f')])
    (tmp_path / 'file').write_text('x')
    assert run(tmp_path / 'a.tgz', tmp_path / 'file')[0] == extract.EXIT_USAGE
    assert capsys.readouterr().err == 'migration-extract: {} exists and is not a ' \
        'directory\n'.format(tmp_path / 'file')
    os.symlink(str(tmp_path / 'nowhere'), str(tmp_path / 'dangling'))
    assert run(tmp_path / 'a.tgz', tmp_path / 'dangling')[0] == extract.EXIT_USAGE
    assert 'exists and is not a directory' in capsys.readouterr().err
    (tmp_path / 'full').mkdir()
    (tmp_path / 'full' / 'x').write_text('x')
    assert run(tmp_path / 'a.tgz', tmp_path / 'full')[0] == extract.EXIT_USAGE
    assert capsys.readouterr().err == (
        'migration-extract: {} is not empty: give an empty directory, or --force to extract '
        'into it (to resume an interrupted run)\n'.format(tmp_path / 'full'))
    (tmp_path / 'junk').write_bytes(b'PK\x03\x04 not a tar')
    assert run(tmp_path / 'junk', tmp_path / 'dst')[0] == extract.EXIT_USAGE
    assert capsys.readouterr().err == 'migration-extract: {} is not a tar archive (nor gzip, ' \
        'xz or bzip2 compressed)\n'.format(tmp_path / 'junk')
    assert extract.main(['--bogus'], stream=io.StringIO()) == extract.EXIT_USAGE
    assert extract.main([], stream=io.StringIO()) == extract.EXIT_USAGE


def test_help_tells_the_exit_codes(capsys):
    assert extract.main(['--help'], stream=io.StringIO()) == extract.EXIT_OK
    out = ' '.join(capsys.readouterr().out.split())
    assert 'usage: migration-extract [-h] [--force] [--no-check] ARCHIVE DIR' in out
    assert 'Explode an SME Server / NethService full backup (smeserver.tgz; also tar, ' \
        'tar.gz, tar.xz, tar.bz2, told apart by content) safely into DIR, then run ' \
        'migration-check DIR.' in out
    assert ' '.join(extract.EPILOG.split()) in out
    assert '0 extracted and nothing blocks the import; 1 extracted, but some members were ' \
        'refused' in out and '4 extracted, but migration-check found something that ' \
        'blocks the import.' in out
    assert (extract.EXIT_OK, extract.EXIT_REFUSED, extract.EXIT_USAGE, extract.EXIT_CORRUPT,
            extract.EXIT_BLOCKED) == (0, 1, 2, 3, 4)


def test_the_summary_line(tmp_path, monkeypatch):
    hostile(tmp_path / 'a.tgz', [member('home', tarfile.DIRTYPE),
                                 member('home/big', data=b'\1' * (3 << 19)),
                                 member('home/x\n', data=b'')])
    clock = [1000.0]            # the start, then 2.4 s later
    monkeypatch.setattr(extract.time, 'time', lambda: clock.append(1002.4) or clock.pop(0))
    status, out = run(tmp_path / 'a.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_REFUSED
    assert out.splitlines() == [
        "migration-extract: refused 'home/x\\n': its name holds a line break",
        'migration-extract: 2 members (1 MB) extracted into {} in 2 s, 1 refused'.format(
            tmp_path / 'dst')]
    assert stat.S_IMODE(os.stat(str(tmp_path / 'dst')).st_mode) == 0o700


@pytest.mark.parametrize('blocked, refused, status', [
    (0, False, extract.EXIT_OK), (1, False, extract.EXIT_BLOCKED),
    (1, True, extract.EXIT_REFUSED), (0, True, extract.EXIT_REFUSED)])
def test_migration_check_runs_at_the_end(tmp_path, monkeypatch, blocked, refused, status):
    from nethserver_migration import check
    calls = []
    monkeypatch.setattr(check, 'main', lambda argv, stream: calls.append(argv) or blocked)
    hostile(tmp_path / 'a.tgz', [member('home/f')] + ([member('/abs')] if refused else []))
    out = io.StringIO()
    assert extract.main([str(tmp_path / 'a.tgz'), str(tmp_path / 'dst')], stream=out) == status
    assert calls == [[str(tmp_path / 'dst')]]
    assert out.getvalue().splitlines()[-1] == \
        'migration-extract: running migration-check {}'.format(tmp_path / 'dst')


def _plain_tar(path, members):
    with tarfile.open(str(path), 'w', format=tarfile.GNU_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, data)
    return path.read_bytes()


def test_a_plain_tar_cut_inside_a_file(tmp_path):
    data = _plain_tar(tmp_path / 'a.tar', [member('f1', data=b'1' * 100),
                                           member('f2', data=b'2' * 5000)])
    (tmp_path / 'cut.tar').write_bytes(data[:1024 + 512 + 1000])
    status, out = run(tmp_path / 'cut.tar', tmp_path / 'dst')
    assert status == extract.EXIT_CORRUPT
    assert out.splitlines()[-1] == (
        "migration-extract: the archive is truncated or corrupt: the archive ends inside "
        "'f2'; it stopped after 1 members (0 MB). {} is left as it stands: get a complete "
        "archive, then run again with --force to resume.".format(tmp_path / 'dst'))
    assert os.listdir(str(tmp_path / 'dst')) == ['f1']       # no temporary file left


def test_a_plain_tar_cut_between_members_or_damaged(tmp_path):
    data = _plain_tar(tmp_path / 'a.tar', [member('f1', data=b'1' * 100),
                                           member('f2', data=b'2')])
    (tmp_path / 'cut.tar').write_bytes(data[:1024])
    status, out = run(tmp_path / 'cut.tar', tmp_path / 'd1')
    assert status == extract.EXIT_CORRUPT
    assert 'corrupt: the archive ends without its end-of-archive blocks after byte 1024; ' \
        'it stopped after 1 members' in out
    damaged = bytearray(data)
    damaged[1024 + 148:1024 + 156] = b'0000000\0'             # f2's checksum
    (tmp_path / 'bad.tar').write_bytes(bytes(damaged))
    status, out = run(tmp_path / 'bad.tar', tmp_path / 'd2')
    assert status == extract.EXIT_CORRUPT
    assert 'corrupt: a damaged member header at byte 1536: bad checksum; it stopped after ' \
        '1 members' in out


def test_a_cut_gzip_says_what_gzip_said(tmp_path):
    hostile(tmp_path / 'a.tgz', [member('f', data=os.urandom(300000))])
    data = (tmp_path / 'a.tgz').read_bytes()
    (tmp_path / 'cut.tgz').write_bytes(data[:len(data) // 2])
    status, out = run(tmp_path / 'cut.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_CORRUPT
    assert "corrupt: the archive ends inside 'f' (gzip: stdin: unexpected end of file); " \
        "it stopped after 0 members" in out


# -- what waits for the end: owners, ACLs, directories -------------------------------------

def owned(name, uid, uname, gid, gname, kind=tarfile.REGTYPE, **kw):
    info, data = member(name, kind, **kw)
    info.uid, info.uname, info.gid, info.gname = uid, uname, gid, gname
    return info, data


def test_owners_fixed_past_the_ones_already_right(tmp_path):
    # sorted by (kind, name): group alice (right) comes before group sales (to fix)
    hostile(tmp_path / 'a.tgz', [
        owned('home/a', 5001, 'alice', 5001, 'alice'),
        owned('home/s', 5001, 'alice', 5003, 'sales'),
        owned('home/d', 5001, 'alice', 5003, 'sales', tarfile.DIRTYPE),
        owned('home/l', 5001, 'alice', 5003, 'sales', tarfile.SYMTYPE, linkname='a'),
        member('etc/passwd', data=b'root:x:0:0::/:/bin/sh\nshort:x\nodd:x:abc:1::/:\n'
                                  b'alice:x:5001:5001::/:\nalice:x:7777:1::/:\n'),
        member('etc/group', data=b'alice:x:5001:\nsales:x:5009:\nsales:x:8888:\n')])
    assert run(tmp_path / 'a.tgz', tmp_path / 'dst')[0] == extract.EXIT_OK
    got = dict((n, os.lstat(str(tmp_path / 'dst' / 'home' / n))) for n in 'asdl')
    assert dict((n, (st.st_uid, st.st_gid)) for n, st in got.items()) == {
        'a': (5001, 5001), 's': (5001, 5009), 'd': (5001, 5009), 'l': (5001, 5009)}
    assert os.readlink(str(tmp_path / 'dst' / 'home' / 'l')) == 'a'


def test_a_passwd_that_is_a_symlink_is_not_the_sources_table(tmp_path):
    hostile(tmp_path / 'a.tgz', [
        owned('home/a', 5001, 'alice', 5001, 'alice'),
        member('etc/fake', data=b'alice:x:7777:7777::/:\n'),
        member('etc/passwd', tarfile.SYMTYPE, linkname='fake'),
        member('etc/group', tarfile.SYMTYPE, linkname='fake')])
    assert run(tmp_path / 'a.tgz', tmp_path / 'dst')[0] == extract.EXIT_OK
    st = os.lstat(str(tmp_path / 'dst' / 'home' / 'a'))
    assert (st.st_uid, st.st_gid) == (5001, 5001)


def with_pax(info_data, **headers):
    info, data = info_data
    info.pax_headers = dict(headers)
    return info, data


def getfacl(path, default=False):
    argv = ['getfacl', '-n', '-p', '--omit-header'] + (['-d'] if default else []) + [path]
    return subprocess.check_output(argv, universal_newlines=True).split()


def test_acls_by_the_sources_names_and_what_is_left_out(tmp_path):
    acl = 'user::rw-,user:alice:rw-,user:ghost:r--,user:6001:r--,group::r--,mask::rw-,' \
          'other::---'
    hostile(tmp_path / 'a.tgz', [
        with_pax(member('home/f'), **{'SCHILY.acl.access': acl,
                                      'SCHILY.acl.default': 'user::rwx,group::r-x,other::---',
                                      'SCHILY.xattr.user.origin': 'café',
                                      'SCHILY.xattr.trusted.evil': 'x'}),
        with_pax(member('home/d', tarfile.DIRTYPE), **{
            'SCHILY.acl.default': 'user::rwx,group:sales:r-x,group::r-x,other::---'}),
        with_pax(member('home/bad'), **{'SCHILY.acl.access': 'user::rw-,bogus'}),
        with_pax(member('home/short'), **{'SCHILY.acl.access': 'user::rw-,group::r--'}),
        member('etc/passwd', data=b'alice:x:5005:5005::/:\n'),
        member('etc/group', data=b'sales:x:5009:\n')])
    status, out = run(tmp_path / 'a.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_REFUSED
    assert [l for l in out.splitlines() if 'refused' in l and 'members' not in l] == [
        "migration-extract: refused 'home/bad': its ACL is not restored: not an ACL entry: "
        "'bogus'",
        "migration-extract: refused 'home/f': ACL entries for unknown names left out: "
        "user:ghost",
        "migration-extract: refused 'home/short': its ACL is not restored: the ACL has no "
        "other:: entry"]
    f = str(tmp_path / 'dst' / 'home' / 'f')
    assert getfacl(f) == ['user::rw-', 'user:5005:rw-', 'user:6001:r--', 'group::r--',
                          'mask::rw-', 'other::---']
    assert getfacl(f, default=True) == []               # a file has no default ACL
    assert os.getxattr(f, 'user.origin') == 'café'.encode('utf-8')
    assert 'trusted.evil' not in os.listxattr(f)
    assert getfacl(str(tmp_path / 'dst' / 'home' / 'd'), default=True) == [
        'user::rwx', 'group::r-x', 'group:5009:r-x', 'mask::r-x', 'other::---']


def test_modes_and_times_of_directories_and_special_bits(tmp_path):
    d, _ = member('home/d', tarfile.DIRTYPE)
    d.mode, d.mtime = 0o2750, 1400000000
    f, data = owned('home/d/f', 5001, '', 5003, '', data=b'x')
    f.mode, f.mtime = 0o2755, 1300000000
    s, sdata = member('home/d/s')
    s.mode = 0o4711
    top, _ = member('.', tarfile.DIRTYPE)
    top.mode = 0o777
    hostile(tmp_path / 'a.tgz', [(top, None), (d, None), (f, data), (s, sdata)])
    assert run(tmp_path / 'a.tgz', tmp_path / 'dst')[0] == extract.EXIT_OK
    st = os.stat(str(tmp_path / 'dst' / 'home' / 'd'))
    assert (oct(stat.S_IMODE(st.st_mode)), st.st_mtime) == ('0o2750', 1400000000)
    st = os.stat(str(tmp_path / 'dst' / 'home' / 'd' / 'f'))
    assert (oct(stat.S_IMODE(st.st_mode)), st.st_uid, st.st_gid, st.st_mtime) == (
        '0o2755', 5001, 5003, 1300000000)
    assert oct(stat.S_IMODE(os.stat(str(tmp_path / 'dst/home/d/s')).st_mode)) == '0o4711'
    # "." is DIR itself: its mode stays; a directory made on the way is 0700
    assert stat.S_IMODE(os.stat(str(tmp_path / 'dst')).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(str(tmp_path / 'dst' / 'home')).st_mode) == 0o700


def test_a_sparse_member_is_refused(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    with open(str(src / 'sparse'), 'wb') as f:
        f.truncate(1 << 20)
        f.write(b'end')
    (src / 'after').write_text('a')
    subprocess.check_call(['tar', '--sparse', '--format=gnu', '-czf', str(tmp_path / 's.tgz'),
                           '-C', str(src), 'sparse', 'after'])
    status, out = run(tmp_path / 's.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_REFUSED
    assert "migration-extract: refused 'sparse': a sparse file (not supported: extract it " \
        "with tar by hand)" in out.splitlines()
    assert sorted(os.listdir(str(tmp_path / 'dst'))) == ['after']


# -- resuming: what an earlier run left ----------------------------------------------------

def test_force_keeps_complete_files_and_replaces_the_rest(tmp_path):
    good, gdata = member('home/good', data=b'good')
    good.mtime = 1300000000
    stale, sdata = member('home/stale', data=b'new!')
    stale.mtime = 1300000000
    hostile(tmp_path / 'a.tgz', [(good, gdata), (stale, sdata),
                                 member('home/h', tarfile.LNKTYPE, linkname='home/good'),
                                 member('home/l', tarfile.SYMTYPE, linkname='good'),
                                 member('home/m', tarfile.SYMTYPE, linkname='good')])
    dst = tmp_path / 'dst'
    (dst / 'home').mkdir(parents=True)
    (dst / 'home' / 'good').write_bytes(b'GOOD')              # same size and mtime: kept
    os.utime(str(dst / 'home' / 'good'), (1300000000, 1300000000))
    (dst / 'home' / 'stale').write_bytes(b'old!')             # another mtime: replaced
    (dst / 'home' / 'good.migration-extract').write_text('killed run')
    (dst / 'home' / 'h.migration-extract').write_text('killed run')
    os.symlink('good', str(dst / 'home' / 'l'))                 # as in the archive: kept
    (dst / 'home' / 'm').write_text('a file where the archive has a link')
    link_ino = os.lstat(str(dst / 'home' / 'l')).st_ino
    status, out = run(tmp_path / 'a.tgz', dst, '--force')
    assert status == extract.EXIT_OK, out
    assert (dst / 'home' / 'good').read_bytes() == b'GOOD'
    assert (dst / 'home' / 'stale').read_bytes() == b'new!'
    assert os.lstat(str(dst / 'home' / 'h')).st_ino == os.lstat(str(dst / 'home' / 'good')).st_ino
    assert os.lstat(str(dst / 'home' / 'l')).st_ino == link_ino
    assert os.readlink(str(dst / 'home' / 'm')) == 'good'
    assert sorted(os.listdir(str(dst / 'home'))) == ['good', 'h', 'l', 'm', 'stale']


def test_a_temporary_name_left_beside_a_new_file_is_replaced(tmp_path, monkeypatch):
    hostile(tmp_path / 'a.tgz', [member('new', data=b'fresh')])
    dst = tmp_path / 'dst'
    dst.mkdir()
    (dst / 'new.migration-extract').write_text('a killed run left this')
    modes = []
    real_write = os.write

    def write(fd, data):        # the new temporary file, private while it is written
        modes.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return real_write(fd, data)
    monkeypatch.setattr(extract.os, 'write', write)
    assert run(tmp_path / 'a.tgz', dst, '--force')[0] == extract.EXIT_OK
    assert modes == [0o600]
    assert sorted(os.listdir(str(dst))) == ['new']
    assert (dst / 'new').read_bytes() == b'fresh'


# -- the free space, the progress line, the decompressor's pipe ----------------------------

def test_the_free_space_is_asked_again_only_when_it_may_not_suffice(tmp_path, monkeypatch):
    asked = []

    class Disk(object):
        f_frsize = 1
        f_bavail = (64 << 20) + 10000          # 64 MiB kept back (the README's figure)
    monkeypatch.setattr(extract.os, 'statvfs', lambda fd: asked.append(fd) or Disk())
    hostile(tmp_path / 'a.tgz', [member('a', data=b'1' * 3000), member('b', data=b'2' * 3000),
                                 member('c', data=b'3' * 3000), member('d', data=b'4' * 10000),
                                 member('e', data=b'5' * 10001)])
    status, out = run(tmp_path / 'a.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_REFUSED
    # a: asked (nothing known); b: R+7000 left >= 2*3000+R, not asked; c: asked; d: asked,
    # exactly the free space: written; e: one byte more than there is
    assert len(asked) == 4
    assert "refused 'e': 10001 bytes, more than the free space ({} bytes free)".format(
        (64 << 20) + 10000) in out
    assert sorted(os.listdir(str(tmp_path / 'dst'))) == ['a', 'b', 'c', 'd']


class FakeReader(object):
    def __init__(self, done):
        self.done = done

    def position(self):
        return self.done


def test_the_progress_line(tmp_path, monkeypatch, capsys):
    now = [100.0]
    monkeypatch.setattr(extract.time, 'time', lambda: now[0])
    run_ = extract.Extractor(str(tmp_path), stream=io.StringIO(), progress=True)
    run_.members, run_.bytes = 7, 5 << 20
    run_.progress(FakeReader(333), 1000)
    assert capsys.readouterr().err == '\r7 members, 5 MB written (33% of the archive)   '
    now[0] = 100.9                                  # less than a second later: nothing
    run_.progress(FakeReader(500), 1000)
    assert capsys.readouterr().err == ''
    now[0] = 101.0
    run_.progress(FakeReader(500), 0)               # a size unknown: no share
    assert capsys.readouterr().err == '\r7 members, 5 MB written   '
    quiet = extract.Extractor(str(tmp_path), stream=io.StringIO(), progress=False)
    quiet.progress(FakeReader(1), 2)
    assert capsys.readouterr().err == ''
    run_.finish()
    quiet.finish()


def test_progress_ends_its_line(tmp_path, capsys):
    hostile(tmp_path / 'a.tgz', [member('f')])
    (tmp_path / 'dst').mkdir()
    extract.extract(str(tmp_path / 'a.tgz'), str(tmp_path / 'dst'), stream=io.StringIO(),
                    progress=True)
    err = capsys.readouterr().err
    assert err.startswith('\r1 members, 0 MB written (') and err.endswith('   \n')


def test_the_reader_widens_the_pipe_and_knows_how_far_it_is(tmp_path):
    import fcntl
    hostile(tmp_path / 'a.tgz', [member('f', data=os.urandom(3 << 20))])
    reader = extract.Reader(str(tmp_path / 'a.tgz'))
    assert reader.argv == ['gzip', '-dc']
    assert fcntl.fcntl(reader.stream.fileno(), 1032) == 1 << 20     # F_GETPIPE_SZ
    reader.stream.read(1 << 16)
    # gzip waits on the full pipe: part of the file read, from its descriptor's offset
    assert 0 < reader.position() < reader.size == os.path.getsize(str(tmp_path / 'a.tgz'))
    reader.drain()
    assert reader.close() is None
    data = _plain_tar(tmp_path / 'a.tar', [member('f', data=b'x' * 2000)])
    reader = extract.Reader(str(tmp_path / 'a.tar'))
    assert (reader.argv, reader.proc, reader.position()) == ([], None, 0)
    assert reader.stream.read(1024) == data[:1024]
    assert reader.position() == 1024
    assert reader.close() is None


def test_a_deep_tree_with_few_descriptors_kept_open(tmp_path, monkeypatch):
    # the cache of directory descriptors is emptied between members when it is full:
    # every member still lands where it belongs, and no descriptor is left open
    monkeypatch.setattr(extract, 'OPEN_DIRS', 2)
    members = [member('a/b/c/d/f{}'.format(i), data=str(i).encode()) for i in range(3)]
    members += [member('x/y/z/g', data=b'g'), member('a/b/h', data=b'h')]
    hostile(tmp_path / 'a.tgz', members)
    before = len(os.listdir('/proc/self/fd'))
    assert run(tmp_path / 'a.tgz', tmp_path / 'dst')[0] == extract.EXIT_OK
    assert len(os.listdir('/proc/self/fd')) == before
    got = dict((os.path.relpath(os.path.join(top, n), str(tmp_path / 'dst')),
                open(os.path.join(top, n)).read())
               for top, _dirs, files in os.walk(str(tmp_path / 'dst')) for n in files)
    assert got == {'a/b/c/d/f0': '0', 'a/b/c/d/f1': '1', 'a/b/c/d/f2': '2', 'x/y/z/g': 'g',
                   'a/b/h': 'h'}


def test_extract_counts_every_byte_and_writes_privately(tmp_path, monkeypatch):
    hostile(tmp_path / 'a.tgz', [member('a', data=b'1' * 1000), member('b', data=b'2' * 24),
                                 member('c', data=b'')])
    modes = []
    real_write = os.write

    def write(fd, data):
        modes.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return real_write(fd, data)
    monkeypatch.setattr(extract.os, 'write', write)
    (tmp_path / 'dst').mkdir()
    members, refused, problem, written = extract.extract(
        str(tmp_path / 'a.tgz'), str(tmp_path / 'dst'), stream=io.StringIO())
    assert (members, refused, problem, written) == (3, [], None, 1024)
    assert modes == [0o600, 0o600]          # a file being written is nobody else's
    assert oct(stat.S_IMODE(os.stat(str(tmp_path / 'dst' / 'a')).st_mode)) == '0o644'


def test_an_acl_never_lands_through_a_symlink_that_replaced_its_file(tmp_path):
    # a file with an ACL, then a symlink of the same name: the ACL is refused, never set
    # on what the link points at
    hostile(tmp_path / 'a.tgz', [
        member('b', data=b'target'),
        with_pax(member('a'), **{'SCHILY.acl.access': 'user::rw-,user:5001:rw-,group::r--,'
                                                      'mask::rw-,other::r--'}),
        member('a', tarfile.SYMTYPE, linkname='b')])
    status, out = run(tmp_path / 'a.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_REFUSED
    assert "migration-extract: refused 'a': its ACL is not restored: " in out
    assert getfacl(str(tmp_path / 'dst' / 'b')) == ['user::rw-', 'group::r--', 'other::r--']


def test_names_read_from_latin1_tables_and_every_unknown_name_said(tmp_path):
    hostile(tmp_path / 'a.tgz', [
        owned('home/a', 5001, 'alice', 5011, 'nomembers'),
        with_pax(member('home/f'), **{'SCHILY.acl.access': 'user::rw-,user:ghost:rw-,'
                                                           'user:spook:r--,group::r--,'
                                                           'mask::rw-,other::---'}),
        member('etc/passwd', data=b'alice:x:5005:5005:Jos\xe9:/:/bin/false\n'),
        member('etc/group', data=b'nomembers:x:5012\n')])       # no members field at all
    status, out = run(tmp_path / 'a.tgz', tmp_path / 'dst')
    st = os.lstat(str(tmp_path / 'dst' / 'home' / 'a'))
    assert (st.st_uid, st.st_gid) == (5005, 5012)
    assert "migration-extract: refused 'home/f': ACL entries for unknown names left out: " \
        "user:ghost, user:spook" in out.splitlines()


def test_a_cut_inside_a_refused_member_and_after_a_megabyte(tmp_path):
    data = _plain_tar(tmp_path / 'a.tar', [member('big', data=b'b' * (3 << 19)),
                                           member('/abs', data=b'x' * 5000)])
    (tmp_path / 'cut.tar').write_bytes(data[:512 + (3 << 19) + 512 + 1000])
    status, out = run(tmp_path / 'cut.tar', tmp_path / 'dst')
    assert status == extract.EXIT_CORRUPT
    assert out.splitlines()[-1].startswith(
        'migration-extract: the archive is truncated or corrupt: the archive ends inside a '
        'member; it stopped after 1 members (1 MB).')


def test_a_decompressor_that_fails_without_a_word(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, 'MAGIC', ((b'SILENT', ['sh', '-c', 'exit 3']),))
    (tmp_path / 'a.silent').write_bytes(b'SILENT and nothing else')
    status, out = run(tmp_path / 'a.silent', tmp_path / 'dst')
    assert status == extract.EXIT_CORRUPT
    assert 'corrupt: the archive ends without its end-of-archive blocks after byte 0 (sh ' \
        'failed); it stopped after 0 members' in out


def test_a_member_the_system_refuses_fails_alone(tmp_path):
    hostile(tmp_path / 'a.tgz', [member('n' * 300), member('ok')])
    status, out = run(tmp_path / 'a.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_REFUSED
    (line,) = [l for l in out.splitlines() if 'refused' in l and 'members' not in l]
    assert line.startswith("migration-extract: refused '{}': not written: [Errno 36] File "
                           "name too long".format('n' * 300))
    assert os.listdir(str(tmp_path / 'dst')) == ['ok']


def test_latin1_member_names_keep_their_bytes(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    with open(os.path.join(str(src).encode(), b'caf\xe9'), 'wb') as f:
        f.write(b'x')
    subprocess.check_call([b'tar', b'-czf', str(tmp_path / 'a.tgz').encode(), b'-C',
                           str(src).encode(), b'caf\xe9'])
    assert run(tmp_path / 'a.tgz', tmp_path / 'dst')[0] == extract.EXIT_OK
    assert os.listdir(str(tmp_path / 'dst').encode()) == [b'caf\xe9']


def test_the_command_line_and_its_help(tmp_path, monkeypatch, capsys):
    hostile(tmp_path / 'a.tgz', [member('f')])
    monkeypatch.setattr(sys, 'argv', ['migration-extract', str(tmp_path / 'a.tgz'),
                                      str(tmp_path / 'dst'), '--no-check'])
    assert extract.main(stream=io.StringIO()) == extract.EXIT_OK
    assert os.listdir(str(tmp_path / 'dst')) == ['f']
    assert capsys.readouterr().err == ''          # no terminal: no progress line
    assert extract.main(['--help'], stream=io.StringIO()) == extract.EXIT_OK
    out = ' '.join(capsys.readouterr().out.split())
    for words in ('ARCHIVE the backup (smeserver.tgz)',
                  'DIR where to explode it, usually /var/lib/migration (created if missing; '
                  'must be empty)',
                  '--force extract into a DIR that is not empty (resumes an interrupted run: '
                  'complete files are kept)',
                  '--no-check do not run migration-check at the end'):
        assert words in out


def test_extract_says_no_progress_unless_asked(tmp_path, capsys):
    hostile(tmp_path / 'a.tgz', [member('f')])
    (tmp_path / 'dst').mkdir()
    extract.extract(str(tmp_path / 'a.tgz'), str(tmp_path / 'dst'), stream=io.StringIO())
    assert capsys.readouterr().err == ''
