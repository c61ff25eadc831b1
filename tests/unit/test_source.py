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
    with pytest.raises(NotASourceTree, match='is not a directory'):
        SourceTree(str(tmp_path / 'nope'))


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
