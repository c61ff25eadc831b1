import os

import pytest

from nethserver_migration import esmithdb
from nethserver_migration.source import (NotASourceTree, SourceTree, UnsafePath, check_name,
                                         confined)


def test_refuses_a_directory_that_is_not_a_tree(tmp_path):
    with pytest.raises(NotASourceTree) as err:
        SourceTree(str(tmp_path))
    assert 'home/e-smith/db/configuration is missing' in str(err.value)
    assert '\n' not in str(err.value)


def test_refuses_a_missing_directory(tmp_path):
    with pytest.raises(NotASourceTree) as err:
        SourceTree(str(tmp_path / 'nope'))
    assert str(err.value) == '{} is not a directory'.format(tmp_path / 'nope')


def test_reads_the_sample_dbs_read_only_and_lazily(sme_tree):
    tree = SourceTree(str(sme_tree))
    assert tree._dbs == {}
    assert tree.accounts.get('admin').type == 'system'
    assert tree.accounts.get('admin').prop('Uid') == '101'
    assert [r.key for r in tree.accounts.records('ibay')] == ['webstats']
    assert tree.system_name == 'pretz' and tree.domain_name == 'e-smith.com'
    with pytest.raises(esmithdb.DbError, match='read-only'):
        tree.accounts.set_prop('admin', 'Uid', '1')


def test_optional_db_missing_is_none_required_is_an_error(sme_tree):
    tree = SourceTree(str(sme_tree))
    assert tree.db('spamassassin', optional=True) is None
    with pytest.raises(esmithdb.DbError, match='spamassassin is missing'):
        tree.db('spamassassin')


def test_parses_passwd_and_group_samples(sme_tree):
    tree = SourceTree(str(sme_tree))
    assert tree.passwd['root'].uid == 0
    assert tree.passwd['root'].home == '/root'
    assert 'admin' in tree.group['root'].members
    assert tree.shadow == {}  # absent file: empty, never an exception


def test_shadow_and_smbpasswd(sme_tree):
    (sme_tree / 'etc' / 'shadow').write_text(
        'bart:$1$abc$def:14000:0:99999:7:::\nlisa:!$1$x$y:14000::::::\nnew:!!:14000::::::\n')
    (sme_tree / 'etc' / 'samba' / 'smbpasswd').write_text(
        'bart:5001:' + 'A' * 32 + ':' + 'B' * 32 + ':[UX         ]:LCT-4B6A1F00:\n'
        'lisa:5002:' + 'X' * 32 + ':' + 'X' * 32 + ':[DU         ]:LCT-4B6A1F00:\n'
        'broken line\n')
    tree = SourceTree(str(sme_tree))
    assert tree.shadow['bart'].hash == '$1$abc$def'
    assert tree.shadow['lisa'].hash.startswith('!')
    assert tree.smbpasswd['bart'].flags == frozenset('UX')
    assert 'D' in tree.smbpasswd['lisa'].flags
    assert tree.bad_lines['etc/samba/smbpasswd'] == [(3, 'broken line')]


@pytest.mark.parametrize('props, expected', [
    ({'ServerRole': 'PDC'}, 'PDC'),
    ({'ServerRole': 'ADS'}, 'ADS'),
    ({'DomainMaster': 'yes'}, 'PDC'),
    ({'DomainMaster': 'no'}, 'WS'),
    ({}, 'WS'),
])
def test_server_role_before_and_after_sme_7_4(sme_tree, props, expected):
    path = str(sme_tree / 'home' / 'e-smith' / 'db' / 'configuration')
    db = esmithdb.Database(path, readonly=False)
    db.set_record('smb', 'service', props)
    db.set_value('SambaDomainMaster', 'no')
    assert SourceTree(str(sme_tree)).server_role == expected


@pytest.mark.parametrize('release, ldap_auth, expected', [
    ('9.2', None, 9), ('8.1', 'enabled', 8), ('7.5rc1', None, 7), ('', 'disabled', 8), ('', None, None),
])
def test_major_version(sme_tree, release, ldap_auth, expected):
    db = esmithdb.Database(str(sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'), readonly=False)
    if release:
        db.set_record('sysconfig', 'configuration', {'ReleaseVersion': release})
    if ldap_auth:
        db.set_prop('ldap', 'Authentication', ldap_auth)
    assert SourceTree(str(sme_tree)).major_version == expected


def test_flavour_nethservice_from_acls_dump(sme_tree):
    assert SourceTree(str(sme_tree)).flavour == 'sme'
    (sme_tree / 'home' / 'e-smith' / 'db' / 'acls.dump').write_text('# file: x\n')
    assert SourceTree(str(sme_tree)).flavour == 'nethservice'


@pytest.mark.parametrize('name', ['..', '.', '', 'a/b', 'a\0b', 'x\ny', '/etc'])
def test_unsafe_names_are_refused(name):
    with pytest.raises(UnsafePath):
        check_name(name)


def test_paths_are_confined_to_the_tree(sme_tree, tmp_path_factory):
    tree = SourceTree(str(sme_tree))
    with pytest.raises(UnsafePath):
        tree.path('..', 'etc', 'shadow')
    with pytest.raises(UnsafePath):
        tree.path('/etc/shadow')
    outside = tmp_path_factory.mktemp('outside')
    os.symlink(str(outside), str(sme_tree / 'escape'))
    with pytest.raises(UnsafePath, match='points outside'):
        tree.path('escape', 'file')
    assert not tree.exists('escape')
    with pytest.raises(UnsafePath):
        tree.home_of('../../etc')
    assert confined(str(sme_tree), 'home') == str(sme_tree / 'home')


def test_admin_lives_in_home_e_smith(sme_tree):
    tree = SourceTree(str(sme_tree))
    assert tree.home_of('admin') == str(sme_tree / 'home' / 'e-smith')
    assert tree.maildir_of('admin') == str(sme_tree / 'home' / 'e-smith' / 'Maildir')
    assert tree.maildir_of('bart') == str(sme_tree / 'home' / 'e-smith' / 'files' / 'users' / 'bart' / 'Maildir')


def test_the_ldap_dump_and_secrets_tdb_are_read_through_the_tree(sme_tree):
    from nethserver_migration.source import SourceTree
    tree = SourceTree(str(sme_tree))
    assert tree.ldap_dump_lines() == [] and tree.secrets_tdb() is None
    dump = sme_tree / 'home' / 'e-smith' / 'db' / 'ldap'
    dump.mkdir(parents=True)
    (dump / 'ldif').write_bytes(b'dn: uid=a,ou=Users\nuid: a\ncn: Jos\xc3\xa9\n')
    (sme_tree / 'etc' / 'samba' / 'secrets.tdb').write_bytes(b'TDB file\x00\x01')
    assert tree.ldap_dump_lines() == ['dn: uid=a,ou=Users\n', 'uid: a\n', 'cn: Jos\u00e9\n']
    assert tree.secrets_tdb() == b'TDB file\x00\x01'
    # a symlink out of the tree is never followed
    (sme_tree / 'etc' / 'samba' / 'secrets.tdb').unlink()
    (sme_tree / 'etc' / 'samba' / 'secrets.tdb').symlink_to('/etc/passwd')
    assert tree.secrets_tdb() is None


# --- the colon files, field by field (each column distinct, so a swapped column shows) ---

def _tree_with(sme_tree, rel, data):
    path = sme_tree.joinpath(*rel.split('/'))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return SourceTree(str(sme_tree))


def test_passwd_columns_comments_blank_and_bad_lines(sme_tree):
    tree = _tree_with(sme_tree, 'etc/passwd', (
        b'# a comment line\n'
        b'\n'
        b'bart:x:5001:5002:Bart Simpson:/home/e-smith/files/users/bart:/usr/bin/rssh\n'
        b'short:x:1\n'
        b'nogid:x:5003:five:g:/h:/bin/sh\n'
        b'nouid:x:five:5003:g:/h:/bin/sh\n'
        b'jose:pw:5004:5005:Jos\xe9:/home/jose:/bin/sh:odd\n'))
    from nethserver_migration.source import PasswdEntry
    assert tree.passwd['bart'] == PasswdEntry('bart', 'x', 5001, 5002, 'Bart Simpson',
                                              '/home/e-smith/files/users/bart', '/usr/bin/rssh')
    # latin-1 when not UTF-8; the shell keeps any extra colon
    assert tree.passwd['jose'] == PasswdEntry('jose', 'pw', 5004, 5005, 'Jos\u00e9',
                                              '/home/jose', '/bin/sh:odd')
    assert list(tree.passwd) == ['bart', 'jose']
    # the comment and the blank line are not "bad"; the rest are, with their line numbers
    assert tree.bad_lines['etc/passwd'] == [(4, 'short:x:1'),
                                            (5, 'nogid:x:5003:five:g:/h:/bin/sh'),
                                            (6, 'nouid:x:five:5003:g:/h:/bin/sh')]


def test_shadow_short_lines_are_padded(sme_tree):
    from nethserver_migration.source import ShadowEntry
    tree = _tree_with(sme_tree, 'etc/shadow', b'new:!!\nbart:$1$a$b:14000:0:99999:7:1:2:3\n')
    assert tree.shadow['new'] == ShadowEntry('new', '!!', '', '', '', '', '', '', '')
    assert tree.shadow['bart'] == ShadowEntry('bart', '$1$a$b', '14000', '0', '99999', '7',
                                              '1', '2', '3')
    assert 'etc/shadow' not in tree.bad_lines


def test_group_columns_and_members(sme_tree):
    from nethserver_migration.source import GroupEntry
    tree = _tree_with(sme_tree, 'etc/group', b'staff:pw:100:a,b,,c\nempty:x:101:\n'
                                             b'odd:x:102:a:b\nbad:x:g:a\n')
    assert tree.group['staff'] == GroupEntry('staff', 'pw', 100, ['a', 'b', 'c'])
    assert tree.group['empty'] == GroupEntry('empty', 'x', 101, [])
    assert tree.group['odd'].members == ['a:b']
    assert tree.bad_lines['etc/group'] == [(4, 'bad:x:g:a')]


@pytest.mark.parametrize('line, entry', [
    # the usual line: a trailing colon makes seven fields
    ('bart:5001:' + 'a' * 32 + ':' + 'b' * 32 + ':[UX         ]:LCT-4B6A1F00:',
     ('bart', 5001, 'A' * 32, 'B' * 32, frozenset('UX'), 'LCT-4B6A1F00')),
    # six fields (no trailing colon) are enough; flags without padding keep every letter
    ('lisa:5002:' + 'c' * 32 + ':' + 'd' * 32 + ':[UX]:LCT-1',
     ('lisa', 5002, 'C' * 32, 'D' * 32, frozenset('UX'), 'LCT-1')),
    ('homer:5003:' + 'e' * 32 + ':' + 'f' * 32 + ':[U          ]:',
     ('homer', 5003, 'E' * 32, 'F' * 32, frozenset('U'), '')),
])
def test_smbpasswd_columns(sme_tree, line, entry):
    from nethserver_migration.source import SmbpasswdEntry
    tree = _tree_with(sme_tree, 'etc/samba/smbpasswd', line.encode() + b'\n')
    assert tuple(tree.smbpasswd.values()) == (SmbpasswdEntry(*entry),)
    assert 'etc/samba/smbpasswd' not in tree.bad_lines


def test_the_colon_files_are_read_once(sme_tree):
    tree = SourceTree(str(sme_tree))
    first = tree.passwd
    (sme_tree / 'etc' / 'passwd').write_text('other:x:1:1::/:/bin/sh\n')
    assert tree.passwd is first


def test_the_well_known_hashes():
    from nethserver_migration import source
    # LM and NT hashes of the empty password, and SME's "no password" placeholder
    assert source.EMPTY_LM == 'AAD3B435B51404EEAAD3B435B51404EE'
    assert source.EMPTY_NT == '31D6CFE0D16AE931B73C59D7E0C089C0'
    assert source.NO_HASH == 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'


# --- names and paths: the messages say what was refused ---

@pytest.mark.parametrize('call, message', [
    (lambda: check_name('a/b'), "unsafe name 'a/b': it cannot be used as a file name"),
    (lambda: check_name('a\rb', 'user name'), "unsafe user name 'a\\rb'"),
])
def test_check_name_says_what_it_refused(call, message):
    with pytest.raises(UnsafePath) as err:
        call()
    assert str(err.value).startswith(message)


def test_the_tree_names_the_kind_of_name_it_refused(sme_tree):
    tree = SourceTree(str(sme_tree))
    for call, what in ((lambda: tree.home_of('a/b'), 'user name'),
                       (lambda: tree.ibay_dir('a/b'), 'ibay name'),
                       (lambda: tree.db('a/b'), 'DB name')):
        with pytest.raises(UnsafePath, match="unsafe {} 'a/b'".format(what)):
            call()
    assert tree.ibay_dir('docs') == str(sme_tree / 'home' / 'e-smith' / 'files' / 'ibays' / 'docs')


@pytest.mark.parametrize('part', ['/etc', 'a\0b', 'home/..', '../x', 'home/../home'])
def test_confined_refuses_a_climbing_part_even_when_it_lands_inside(sme_tree, part):
    with pytest.raises(UnsafePath, match='^path .* leaves '):
        confined(str(sme_tree), 'home', part)


def test_confined_names_where_a_symlink_leads(sme_tree, tmp_path_factory):
    outside = tmp_path_factory.mktemp('outside')
    os.symlink(str(outside), str(sme_tree / 'escape'))
    with pytest.raises(UnsafePath) as err:
        confined(str(sme_tree), 'escape')
    assert str(err.value) == '{} points outside {} (to {})'.format(
        sme_tree / 'escape', sme_tree, os.path.realpath(str(outside)))
    assert confined(str(sme_tree)) == str(sme_tree)


# --- read_bytes: regular files only, at most limit + 1 bytes ---

@pytest.mark.parametrize('size, limit, expected', [
    (10, 10, 10), (10, 9, 10), (10, 5, 6), (10, 0, 1), (0, 5, 0),
    (3 << 20, 3 << 20, 3 << 20), ((3 << 20) + 7, (5 << 19), (5 << 19) + 1),
])
def test_read_bytes_reads_up_to_one_byte_past_the_limit(sme_tree, size, limit, expected):
    data = bytes(bytearray(i % 251 for i in range(size)))
    (sme_tree / 'blob').write_bytes(data)
    tree = SourceTree(str(sme_tree))
    assert tree.read_bytes(tree.path('blob'), limit) == data[:expected]


def test_read_bytes_refuses_symlinks_directories_and_fifos_without_blocking(sme_tree):
    import errno
    import signal
    tree = SourceTree(str(sme_tree))
    (sme_tree / 'target').write_bytes(b'secret')
    os.symlink('target', str(sme_tree / 'link'))
    with pytest.raises(OSError) as err:
        tree.read_bytes(tree.path('link'), 100)
    assert err.value.errno == errno.ELOOP
    with pytest.raises(UnsafePath) as err:
        tree.read_bytes(tree.path('etc'), 100)
    assert str(err.value) == '{} is not a regular file'.format(sme_tree / 'etc')
    os.mkfifo(str(sme_tree / 'fifo'))

    def hung(_number, _frame):
        raise AssertionError('opening a FIFO blocked')
    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(3)
    try:
        with pytest.raises(UnsafePath, match='fifo is not a regular file'):
            tree.read_bytes(tree.path('fifo'), 100)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --- tree_bytes ---

def test_tree_bytes_counts_regular_files_only(sme_tree):
    top = sme_tree / 'home' / 'e-smith' / 'files' / 'ibays' / 'docs'
    (top / 'sub').mkdir(parents=True)
    (top / 'a').write_bytes(b'x' * 100)
    (top / 'sub' / 'b').write_bytes(b'y' * 23)
    os.symlink('/etc/passwd', str(top / 'sub' / 'link'))
    os.symlink('gone', str(top / 'dangling'))
    os.mkfifo(str(top / 'fifo'))
    tree = SourceTree(str(sme_tree))
    assert tree.tree_bytes('home', 'e-smith', 'files', 'ibays', 'docs') == 123
    assert tree.tree_bytes('home', 'e-smith', 'files', 'ibays', 'nope') == 0
    assert tree.tree_bytes('..') == 0


def test_tree_bytes_skips_a_file_that_vanished(sme_tree, monkeypatch):
    top = sme_tree / 'data'
    top.mkdir()
    for name, size in (('a', 5), ('b', 7), ('c', 11)):
        (top / name).write_bytes(b'z' * size)
    real_lstat = os.lstat

    def lstat(path, *args, **kwargs):
        if path.endswith(os.sep + 'a') or path.endswith(os.sep + 'b'):
            raise FileNotFoundError(path)
        return real_lstat(path, *args, **kwargs)
    monkeypatch.setattr(os, 'lstat', lstat)
    assert SourceTree(str(sme_tree)).tree_bytes('data') == 11


# --- the DBs: refused, missing, truncated ---

def test_a_required_db_that_is_a_directory_refuses_the_tree(sme_tree):
    db = sme_tree / 'home' / 'e-smith' / 'db'
    (db / 'accounts').unlink()
    (db / 'accounts').mkdir()
    with pytest.raises(NotASourceTree) as err:
        SourceTree(str(sme_tree))
    assert str(err.value) == '{}: home/e-smith/db/accounts is not a regular file: refused'.format(
        sme_tree)


def test_a_missing_required_db_names_itself(sme_tree):
    (sme_tree / 'home' / 'e-smith' / 'db' / 'accounts').unlink()
    with pytest.raises(NotASourceTree) as err:
        SourceTree(str(sme_tree))
    assert str(err.value).startswith(
        '{} is not an SME Server or NethService tree: home/e-smith/db/accounts is missing'
        .format(sme_tree))


def test_an_unreadable_db_is_recorded_with_its_reason(sme_tree, tmp_path_factory):
    db = sme_tree / 'home' / 'e-smith' / 'db'
    (db / 'hylafax').mkdir()
    outside = tmp_path_factory.mktemp('elsewhere') / 'spam'
    outside.write_text('x=y\n')
    os.symlink(str(outside), str(db / 'spamassassin'))
    tree = SourceTree(str(sme_tree))
    assert tree.db('hylafax', optional=True) is None
    assert tree.db('mailpatterns', optional=True) is None
    assert tree.db('spamassassin', optional=True) is None
    assert tree.refused_dbs == {
        'hylafax': 'is not a regular file',
        'spamassassin': 'points outside the tree ({})'.format(os.path.realpath(str(outside)))}
    with pytest.raises(esmithdb.DbError) as err:
        tree.db('hylafax')
    assert str(err.value) == 'source DB home/e-smith/db/hylafax is not a regular file'
    assert tree.db('hosts') is tree.db('hosts')


@pytest.mark.parametrize('data, truncated', [
    (b'', False), (b'a=b\n', False), (b'a=b', True), (b'a=b\nc=d|x', True), (b'\n', False),
    (b'a=b\n\n', False),
])
def test_db_truncated(sme_tree, data, truncated):
    (sme_tree / 'home' / 'e-smith' / 'db' / 'hosts').write_bytes(data)
    tree = SourceTree(str(sme_tree))
    assert tree.db_truncated('hosts') is truncated
    assert tree.db_truncated('missing') is False


# --- facts ---

def _config(sme_tree):
    return esmithdb.Database(str(sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'),
                             readonly=False)


def test_release_names_and_ldap_authentication_default_to_empty(sme_tree):
    db = _config(sme_tree)
    for key in ('sysconfig', 'SystemName', 'DomainName', 'ldap'):
        db.delete(key)
    tree = SourceTree(str(sme_tree))
    assert (tree.release, tree.system_name, tree.domain_name) == ('', '', '')
    assert tree.ldap_authentication is False
    assert tree.describe() == 'SME Server release unknown ({}), host .'.format(tree.root)


def test_describe_and_ldap_authentication(sme_tree):
    db = _config(sme_tree)
    db.set_record('sysconfig', 'configuration', {'ReleaseVersion': '8.1'})
    db.set_record('ldap', 'service', {'Authentication': 'enabled'})
    tree = SourceTree(str(sme_tree))
    assert tree.ldap_authentication is True
    assert tree.major_version == 8
    assert tree.describe() == 'SME Server 8.1 ({}), host pretz.e-smith.com'.format(tree.root)
    db.set_prop('ldap', 'Authentication', 'disabled')
    db.set_record('sysconfig', 'configuration', {'ReleaseVersion': '10.0.3'})
    (sme_tree / 'home' / 'e-smith' / 'db' / 'acls.dump').write_text('')
    tree = SourceTree(str(sme_tree))
    assert tree.ldap_authentication is False
    assert tree.major_version == 10
    assert tree.describe() == 'NethService 10.0.3 ({}), host pretz.e-smith.com'.format(tree.root)


def test_major_version_from_samba_role_alone(sme_tree):
    db = _config(sme_tree)
    db.delete('sysconfig')
    db.delete('ldap')
    db.set_record('smb', 'service', {'ServerRole': 'WS'})
    assert SourceTree(str(sme_tree)).major_version == 7
    db.set_record('smb', 'service', {})
    assert SourceTree(str(sme_tree)).major_version is None


def test_server_role_from_the_old_samba_domain_master_value(sme_tree):
    db = _config(sme_tree)
    db.set_record('smb', 'service', {})
    db.set_value('SambaDomainMaster', 'yes')
    assert SourceTree(str(sme_tree)).server_role == 'PDC'
    db.set_value('SambaDomainMaster', 'no')
    assert SourceTree(str(sme_tree)).server_role == 'WS'
    db.delete('SambaDomainMaster')
    assert SourceTree(str(sme_tree)).server_role == 'WS'


@pytest.mark.parametrize('extra', ['sogo_sources', 'sogod', 'ADS', 'ProxyPass'])
def test_flavour_nethservice_from_each_extra(sme_tree, extra):
    assert SourceTree(str(sme_tree)).flavour == 'sme'
    db = sme_tree / 'home' / 'e-smith' / 'db'
    if extra == 'sogo_sources':
        (db / 'sogo_sources').write_text('')
    elif extra == 'sogod':
        _config(sme_tree).set_record('sogod', 'service', {'status': 'enabled'})
    elif extra == 'ADS':
        _config(sme_tree).set_record('smb', 'service', {'ServerRole': 'ADS'})
    else:
        esmithdb.Database(str(db / 'accounts'), readonly=False).set_record(
            'wiki', 'ProxyPass', {'Target': 'http://10.0.0.2/'})
    assert SourceTree(str(sme_tree)).flavour == 'nethservice'


def test_the_ldap_dump_keeps_going_past_bytes_that_are_not_utf8(sme_tree):
    dump = sme_tree / 'home' / 'e-smith' / 'db' / 'ldap'
    dump.mkdir(parents=True)
    (dump / 'ldif').write_bytes(b'cn: Jos\xe9\nuid: a\n')
    assert SourceTree(str(sme_tree)).ldap_dump_lines() == ['cn: Jos\ufffd\n', 'uid: a\n']


def test_secrets_tdb_is_read_up_to_64_mib(sme_tree, monkeypatch):
    (sme_tree / 'etc' / 'samba' / 'secrets.tdb').write_bytes(b'TDB')
    tree = SourceTree(str(sme_tree))
    asked = []
    real = tree.read_bytes
    monkeypatch.setattr(tree, 'read_bytes', lambda path, limit: asked.append(limit) or
                        real(path, limit))
    assert tree.secrets_tdb() == b'TDB'
    assert asked == [64 << 20]
