"""migration-extract: real archives (GNU tar, as SME's backup writes them: owners by name
and number, relative names), every format told by content, and hostile archives built
member by member; each refusal named, nothing written outside DIR, a truncated archive
stopped with how far it got and resumed with --force."""

import io
import os
import stat
import subprocess
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
    ('traversal', [member('../../outside.txt')], 'climbs out'),
    ('traversal inside', [member('home/../../outside.txt')], 'climbs out'),
    ('absolute', [member('/tmp/outside.txt')], 'absolute'),
    ('symlink out', [member('home/x', tarfile.SYMTYPE, linkname='/etc')], 'outside the tree'),
    ('symlink up', [member('home/x', tarfile.SYMTYPE, linkname='../../..')],
     'outside the tree'),
    ('write through a symlink it made', [member('home', tarfile.DIRTYPE),
                                         member('home/l', tarfile.SYMTYPE, linkname='.'),
                                         member('home/l/file.txt')], 'symbolic link'),
    ('hard link out', [member('home/h', tarfile.LNKTYPE, linkname='../../etc/passwd')],
     'climbs out'),
    ('hard link to nothing extracted', [member('home/h', tarfile.LNKTYPE,
                                               linkname='etc/passwd')], 'not a file'),
    ('device', [member('home/dev', tarfile.CHRTYPE)], 'device'),
    ('fifo', [member('home/fifo', tarfile.FIFOTYPE)], 'FIFO'),
    ('newline in a name', [member('home/evil\nname')], 'line break'),
    ('a directory replaced by a file', [member('home', tarfile.DIRTYPE), member('home')],
     'directory of that name'),
]


@pytest.mark.parametrize('case, members, why', HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_members_are_refused_and_nothing_leaves(tmp_path, case, members, why):
    hostile(tmp_path / 'evil.tgz', members + [member('home/e-smith/ok.txt')])
    dest = tmp_path / 'box' / 'dst'
    dest.parent.mkdir()
    before = sorted(os.listdir(str(tmp_path)))
    status, out = run(tmp_path / 'evil.tgz', dest)
    assert status == extract.EXIT_REFUSED, out
    refused = [l for l in out.splitlines() if l.startswith('migration-extract: refused')]
    assert len(refused) == 1 and why in refused[0], out
    assert sorted(os.listdir(str(tmp_path))) == before      # nothing beside DIR
    assert os.listdir(str(tmp_path / 'box')) == ['dst']
    assert (dest / 'home' / 'e-smith' / 'ok.txt').read_text() == 'x'   # the rest goes on


def test_a_symlink_chain_that_leaves_is_removed_at_the_end(tmp_path):
    hostile(tmp_path / 'evil.tgz', [
        member('e', tarfile.DIRTYPE), member('e/f', tarfile.SYMTYPE, linkname='..'),
        member('d', tarfile.SYMTYPE, linkname='e/f'),
        member('g', tarfile.SYMTYPE, linkname='d/..')])      # d/.. = DIR/.. : outside
    status, out = run(tmp_path / 'evil.tgz', tmp_path / 'dst')
    assert status == extract.EXIT_REFUSED
    assert "refused 'g': a symlink that leads outside the tree" in out
    assert sorted(os.listdir(str(tmp_path / 'dst'))) == ['d', 'e']


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
