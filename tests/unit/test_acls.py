"""acls.dump: the parser, the confinement of its paths, the name mapping, the kernel's
attribute encoding, and fileops.set_acls on real files (read back with getfacl)."""

import os
import subprocess

import pytest

from nethserver_migration import acls, fileops

DUMP = '''# getfacl: Removing leading '/' from absolute path names
# file: docs/files
# owner: admin
# group: sales
# flags: -s-
user::rwx
user:alice:rwx
group::r-x
group:shared:r-x\t#effective:r-x
mask::rwx
other::---
default:user::rwx
default:group::r-x
default:other::---

# file: docs/files/My\\040Folder/caf\\303\\251.txt
# owner: alice
# group: sales
user::rw-
u:bob:r--
g::rw-
m::rw-
o::---
'''

U, G, O, M = acls.TAGS['user'], acls.TAGS['group'], acls.TAGS['other'], acls.TAGS['mask']
NU, NG = acls.NAMED['user'], acls.NAMED['group']
UNDEF = acls.UNDEFINED_ID


def test_parse_reads_blocks_entries_and_escapes():
    blocks, problems = acls.parse(DUMP)
    assert problems == []
    assert [(b.line, b.path) for b in blocks] == [
        (2, 'docs/files'), (16, 'docs/files/My Folder/café.txt')]
    first = blocks[0]
    assert first.access == (acls.Entry('user', '', 7), acls.Entry('user', 'alice', 7),
                            acls.Entry('group', '', 5), acls.Entry('group', 'shared', 5),
                            acls.Entry('mask', '', 7), acls.Entry('other', '', 0))
    assert first.default == (acls.Entry('user', '', 7), acls.Entry('group', '', 5),
                             acls.Entry('other', '', 0))
    assert blocks[1].access[1] == acls.Entry('user', 'bob', 4)      # short tags read


GOOD = '\n# file: z\nuser::rwx\ngroup::r-x\nother::---\n'
LONG = 'user:' + 'x' * 100 + ':rwz'


@pytest.mark.parametrize('text, problems, paths', [
    ('user::rwx\n' + GOOD, [(1, 'an ACL entry outside a "# file:" block')], ['z']),
    ('# file: a/b\nuser::rwx\nuser:x:rwz\nother::---\n' + GOOD,      # the whole block out
     [(3, "not an ACL entry: 'user:x:rwz'")], ['z']),
    ('# file: a/b\nuser::rwx\nmask:x:rwx\nother::---\n' + GOOD,      # a mask names no one
     [(3, 'a mask entry cannot name anyone')], ['z']),
    ('# file: a/b\nuser::rwx\ngroup::r-x\nother::---\n\n# file: a/c\nbogus\n',
     [(7, "not an ACL entry: 'bogus'")], ['a/b']),
    ('# file: a/b\n' + LONG + '\n', [(2, 'not an ACL entry: {!r}'.format(LONG[:80]))], []),
    ('# file: a/b\r\nuser::rwx\r\n', [], ['a/b']),               # CRLF tolerated
])
def test_parse_refuses_a_bad_block_whole(text, problems, paths):
    blocks, said = acls.parse(text)
    assert said == problems
    assert [b.path for b in blocks] == paths


def test_unescape_odd_bytes():
    assert acls.unescape('a\\040b\\134c') == 'a b\\c'
    odd = b'caf\xe9'.decode('utf-8', 'surrogateescape')          # Latin-1 read as text
    assert acls.unescape(odd + '\\040x') == odd + ' x'
    assert acls.unescape('x\\377') == 'x' + b'\xff'.decode('utf-8', 'surrogateescape')
    assert acls.unescape('\\012') == '\n'


@pytest.mark.parametrize('path, out', [
    ('docs/files', ('docs', ['files'])),
    ('./docs/files/a', ('docs', ['files', 'a'])),
    ('home/e-smith/files/ibays/docs/files', ('docs', ['files'])),
    ('docs', ('docs', [])),
    ('docs//files/./x', ('docs', ['files', 'x'])),
])
def test_locate_inside(path, out):
    assert acls.locate(path, {'docs'}) == out


CLIMBS, ABSOLUTE, NOIBAY = ('the path climbs out with ".."', 'an absolute path',
                           'it names no ibay being migrated')


@pytest.mark.parametrize('path, why', [
    ('../../../../etc/shadow', CLIMBS),
    ('docs/../../etc/shadow', CLIMBS),
    ('/etc/shadow', ABSOLUTE),
    ('/var/lib/nethserver/ibay/docs/x', ABSOLUTE),
    ('var/lib/nethserver/ibay/docs', NOIBAY),
    ('other/files', NOIBAY),
    ('docs\0/x', 'a NUL byte in the path'),
    ('', NOIBAY),
])
def test_locate_refuses(path, why):
    with pytest.raises(acls.Refused) as info:
        acls.locate(path, {'docs'})
    assert str(info.value) == why


def test_resolve_maps_names_joins_and_adds_a_mask():
    blocks, _ = acls.parse(DUMP)
    entries, dropped = acls.resolve(blocks[0].access, {'alice': 1001}, {'shared': 100})
    assert entries == [(U, UNDEF, 7), (NU, 1001, 7), (G, UNDEF, 5), (NG, 100, 5),
                       (M, UNDEF, 7), (O, UNDEF, 0)]
    assert dropped == []
    # bob unknown: left out and said; the mask stays as written
    entries, dropped = acls.resolve(blocks[1].access, {}, {})
    assert dropped == ['user:bob'] and (M, UNDEF, 6) in entries
    # two source names on one destination group: one entry, both permissions
    raw = [acls.Entry('user', '', 6), acls.Entry('group', '', 0), acls.Entry('other', '', 0),
           acls.Entry('group', 'shared', 4), acls.Entry('group', 'www', 2)]
    entries, _ = acls.resolve(raw, {}, {'shared': 7, 'www': 7})
    assert entries == [(U, UNDEF, 6), (G, UNDEF, 0), (NG, 7, 6), (M, UNDEF, 6), (O, UNDEF, 0)]


def test_resolve_mask_is_the_union_of_the_group_class_and_only_when_needed():
    raw = [acls.Entry('user', '', 6), acls.Entry('group', '', 1), acls.Entry('other', '', 0),
           acls.Entry('user', 'a', 4), acls.Entry('group', 'g', 2)]
    entries, _ = acls.resolve(raw, {'a': 5}, {'g': 6})
    assert (M, UNDEF, 7) in entries
    base = raw[:3]
    assert acls.resolve(base, {}, {})[0] == [(U, UNDEF, 6), (G, UNDEF, 1), (O, UNDEF, 0)]


@pytest.mark.parametrize('raw, why', [
    ([acls.Entry('user', '', 7), acls.Entry('group', '', 5)], 'the ACL has no other:: entry'),
    ([acls.Entry('group', '', 5), acls.Entry('other', '', 0)], 'the ACL has no user:: entry'),
    ([acls.Entry('user', '', 7), acls.Entry('other', '', 0)], 'the ACL has no group:: entry'),
    ([acls.Entry('user', '', 7), acls.Entry('user', '', 6), acls.Entry('group', '', 5),
      acls.Entry('other', '', 0)], 'the user entry is repeated'),
])
def test_resolve_refuses_an_incomplete_acl(raw, why):
    with pytest.raises(ValueError) as info:
        acls.resolve(raw, {}, {})
    assert str(info.value) == why


def test_xattr_roundtrip_sorted():
    entries = [(O, UNDEF, 0), (NU, 5, 7), (U, UNDEF, 6), (NU, 2, 4), (G, UNDEF, 4)]
    value = acls.xattr(entries)
    assert value[:4] == b'\x02\x00\x00\x00' and len(value) == 4 + 8 * 5
    assert acls.decode(value) == sorted(entries)
    with pytest.raises(ValueError) as info:
        acls.decode(b'\x01\x00\x00\x00')
    assert str(info.value) == 'not a POSIX ACL attribute'


# -- fileops.set_acls on real files ---------------------------------------------------

def getfacl(path):
    return subprocess.run(['getfacl', '-n', '-p', '--omit-header', path], check=True,
                          stdout=subprocess.PIPE, universal_newlines=True).stdout.split()


def value(*named):
    return acls.xattr([(U, UNDEF, 7), (G, UNDEF, 5), (O, UNDEF, 0), (M, UNDEF, 7)]
                      + list(named))


def test_set_acls_writes_access_and_default(tmp_path):
    (tmp_path / 'files' / 'sub').mkdir(parents=True)
    (tmp_path / 'files' / 'f').write_text('x')
    items = [(('files',), value((NU, 4321, 7)), value((NG, 4322, 5))),
             (('files', 'f'), value((NG, 4322, 6)), value((NG, 1, 1)))]
    result = fileops.set_acls(str(tmp_path), items)
    assert (result.applied, result.refused, result.errors) == (2, [], [])
    assert getfacl(str(tmp_path / 'files')) == [
        'user::rwx', 'user:4321:rwx', 'group::r-x', 'mask::rwx', 'other::---',
        'default:user::rwx', 'default:group::r-x', 'default:group:4322:r-x',
        'default:mask::rwx', 'default:other::---']
    # a file takes no default ACL
    assert getfacl(str(tmp_path / 'files' / 'f')) == [
        'user::rwx', 'group::r-x', 'group:4322:rw-', 'mask::rwx', 'other::---']
    again = fileops.set_acls(str(tmp_path), items)
    assert (again.applied, again.unchanged) == (0, 2)


def test_set_acls_never_follows_a_link(tmp_path):
    root = tmp_path / 'ibay'
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'secret').write_text('s')
    (root / 'files').mkdir(parents=True)
    os.symlink(str(outside), str(root / 'files' / 'link-dir'))
    os.symlink(str(outside / 'secret'), str(root / 'files' / 'link-file'))
    os.mkfifo(str(root / 'files' / 'fifo'))
    before = getfacl(str(outside)) + getfacl(str(outside / 'secret'))
    items = [(('files', 'link-dir', 'secret'), value((NU, 4321, 7)), None),
             (('files', 'link-file'), value((NU, 4321, 7)), None),
             (('files', 'link-dir'), value((NU, 4321, 7)), None),
             (('files', 'fifo'), value((NU, 4321, 7)), None),
             (('files', 'gone'), value((NU, 4321, 7)), None)]
    result = fileops.set_acls(str(root), items)
    assert [(os.path.basename(p), why) for p, why in result.refused] == [
        ('secret', 'a symbolic link'), ('link-file', 'a symbolic link'),
        ('link-dir', 'a symbolic link'), ('fifo', 'a special file')]
    assert result.missing == [str(root / 'files' / 'gone')]
    assert result.applied == 0
    assert getfacl(str(outside)) + getfacl(str(outside / 'secret')) == before


def test_set_acls_goes_on_after_a_missing_file_and_an_error(tmp_path):
    (tmp_path / 'files').mkdir()
    (tmp_path / 'files' / 'f').write_text('x')
    (tmp_path / 'files' / 'g').write_text('y')
    items = [(('files', 'gone'), value((NU, 4321, 7)), None),
             (('files', 'f'), value((NU, 4321, 7)), None),
             (('files', 'f', 'under-a-file'), value((NU, 4321, 7)), None),
             (('files', 'n' * 300), value((NU, 4321, 7)), None),        # ENAMETOOLONG
             (('files', 'g'), value((NU, 4321, 6)), None)]
    result = fileops.set_acls(str(tmp_path), items)
    assert result.missing == [str(tmp_path / 'files' / 'gone')]
    assert result.refused == [(str(tmp_path / 'files' / 'f' / 'under-a-file'),
                               'not a directory')]
    assert [p for p, _why in result.errors] == [str(tmp_path / 'files' / ('n' * 300))]
    assert result.applied == 2
    assert 'user:4321:rw-' in getfacl(str(tmp_path / 'files' / 'g'))


def test_set_acls_a_base_acl_replaces_named_entries_even_when_the_mode_matches(tmp_path):
    # the file's mode already says rwxr-x---, but it holds a named entry the dump has not:
    # the base ACL is written, the stale entry goes
    (tmp_path / 'f').write_text('x')
    os.chmod(str(tmp_path / 'f'), 0o750)
    subprocess.check_call(['setfacl', '-m', 'u:4321:rwx', str(tmp_path / 'f')])
    os.chmod(str(tmp_path / 'f'), 0o750)          # the mask back to r-x: mode bits 750
    base = acls.xattr([(U, UNDEF, 7), (G, UNDEF, 5), (O, UNDEF, 0)])
    result = fileops.set_acls(str(tmp_path), [(('f',), base, None)])
    assert (result.applied, result.unchanged) == (1, 0)
    assert getfacl(str(tmp_path / 'f')) == ['user::rwx', 'group::r-x', 'other::---']


def test_parse_keeps_a_path_whatever_its_last_letter():
    # only a carriage return is taken off a line's end (a dump written on Windows)
    blocks, problems = acls.parse('# file: docs/files/BOX\r\nuser::rw-\r\ngroup::r--\r\n'
                                  'other::---\r\n')
    assert ([b.path for b in blocks], problems) == (['docs/files/BOX'], [])
