"""esmithdb reads every real SME DB file in the sample set, with their real content.

The samples are SME package test fixtures (see SOURCES.md next to them), found by
tests/samples.py (tests/data/sme-samples, or $SME_SAMPLES); if they are not there the
tests fail (they never skip silently).
"""

import glob
import os

import pytest

from nethserver_migration import esmithdb
from tests.samples import samples_dir as shared_samples_dir


# Files in the sample folder that are e-smith DBs although their name has no .conf.
EXTRA_DBS = ['e-smith-base-4.18.1/system_configuration',
             'e-smith-base-4.18.1/system_configuration.previous']
NOT_A_DB = 'smeserver-lib/uidgid.conf'


def samples_dir():
    try:
        return shared_samples_dir()
    except RuntimeError as exc:
        pytest.fail(str(exc))


def db_files():
    root = samples_dir()
    found = sorted(os.path.relpath(p, root)
                   for p in glob.glob(os.path.join(root, '**', '*.conf'), recursive=True))
    return found + EXTRA_DBS


def read(rel):
    return esmithdb.read_file(os.path.join(samples_dir(), rel))


def open_db(rel):
    return esmithdb.Database(os.path.join(samples_dir(), rel))


def test_the_sample_set_is_the_one_we_know():
    files = db_files()
    # 15 .conf files (14 DBs + uidgid.conf) and 2 extra DBs; a missing file is a failure.
    assert len(files) == 17, files
    for rel in ['smeserver-lib/db_dummy.conf', 'smeserver-lib/dummy.conf',
                'e-smith-base-4.18.1/accounts.conf', 'e-smith-hosts-1.14.0/hosts.conf',
                'e-smith-backup-1.15.0/backuphistory.conf', NOT_A_DB]:
        assert rel in files


# Every DB file: parsed without a single issue, with this many records.
RECORD_COUNTS = {
    'e-smith-backup-1.15.0/backuphistory.conf': 1,
    'e-smith-base-4.18.1/accounts.conf': 77,
    'e-smith-base-4.18.1/configuration.conf': 95,
    'e-smith-base-4.18.1/domains.conf': 2,
    'e-smith-base-4.18.1/networks.conf': 3,
    'e-smith-base-4.18.1/system_configuration': 13,
    'e-smith-base-4.18.1/system_configuration.previous': 1,
    'e-smith-hosts-1.14.0/configuration.conf': 100,
    'e-smith-hosts-1.14.0/hosts.conf': 4,
    'smeserver-lib/accounts.conf': 75,
    'smeserver-lib/configuration.conf': 94,
    'smeserver-lib/db_dummy.conf': 6,
    'smeserver-lib/domains.conf': 3,
    'smeserver-lib/dummy.conf': 7,
    'smeserver-lib/hosts.conf': 7,
    'smeserver-lib/networks.conf': 1,
}


@pytest.mark.parametrize('rel', sorted(RECORD_COUNTS))
def test_every_sample_db_parses_cleanly(rel):
    path = os.path.join(samples_dir(), rel)
    records, issues = esmithdb.read_file(path)
    assert issues == []
    assert len(records) == RECORD_COUNTS[rel]
    # Every non-comment, non-blank line of the file became a record (no duplicates there).
    with open(path, 'rb') as stream:
        lines = [l for l in stream.read().split(b'\n')
                 if l.strip() and not l.strip().startswith(b'#')]
    assert len(lines) == len(records)
    db = esmithdb.Database(path)
    assert len(db) == len(records)
    assert db.issues == []


def test_every_conf_file_is_covered_by_the_table():
    assert sorted(f for f in db_files() if f != NOT_A_DB) == sorted(RECORD_COUNTS)


def test_uidgid_conf_is_not_a_db_and_is_reported_line_by_line():
    path = os.path.join(samples_dir(), NOT_A_DB)
    records, issues = esmithdb.read_file(path)  # never raises
    assert records == {}
    with open(path, 'rb') as stream:
        lines = stream.read().decode('ascii').split('\n')[:-1]
    expected = [n for n, l in enumerate(lines, 1) if l.strip() and not l.startswith('#')]
    assert [i.lineno for i in issues] == expected
    assert expected[:3] == [4, 5, 6]
    assert all(i.path == path for i in issues)
    assert issues[0].text == '[passwd]'
    assert issues[1].text == '0  root  0'
    assert str(issues[0]).startswith('{}:4: '.format(path))
    # The Database object reads it too, keeping the issues.
    db = esmithdb.Database(path)
    assert len(db) == 0 and len(db.issues) == len(expected)


# (file, key, type, props or None = do not check props, subset of props to check)
RECORDS = [
    # smeserver-lib accounts
    ('smeserver-lib/accounts.conf', 'admin', 'system', {'Gid': '101', 'Uid': '101'}),
    ('smeserver-lib/accounts.conf', 'bart', 'user', {'FirstName': 'Bart', 'LastName': 'Simpson'}),
    ('smeserver-lib/accounts.conf', 'schwern', 'user',
     {'Uid': '500', 'Gid': '501', 'FirstName': 'Michael', 'LastName': 'Schwern'}),
    ('smeserver-lib/accounts.conf', 'Bart.Simpson', 'pseudonym', {'Account': 'bart'}),
    ('smeserver-lib/accounts.conf', 'everyone', 'pseudonym',
     {'Account': 'shared', 'Visible': 'internal'}),
    ('smeserver-lib/accounts.conf', 'simpsons', 'group',
     {'Description': 'bar', 'Gid': '5005', 'Members': 'bart,lisa,homer,maggie', 'Uid': '5005'}),
    ('smeserver-lib/accounts.conf', 'somegroup', 'group', {'Gid': '42', 'Members': 'admin'}),
    ('smeserver-lib/accounts.conf', 'netlogon', 'netlogon',
     {'Comment': 'placeholder for netlogon share'}),
    ('smeserver-lib/accounts.conf', 'apache', 'existing', {'Gid': '48', 'Uid': '48'}),
    ('smeserver-lib/accounts.conf', 'cgi-bin', 'url', {}),
    ('smeserver-lib/accounts.conf', 'Primary', 'system', {}),
    # e-smith-base accounts: ibay, duplicate Uid, group without Members
    ('e-smith-base-4.18.1/accounts.conf', 'admin', 'system', {'Gid': '101', 'Uid': '101'}),
    ('e-smith-base-4.18.1/accounts.conf', 'webstats', 'ibay',
     {'CgiBin': 'disabled', 'Gid': '5017', 'Group': 'shared', 'Name': 'Web Statistics',
      'PasswordSet': 'no', 'PublicAccess': 'global', 'Uid': '5017',
      'UserAccess': 'wr-group-rd-group'}),
    ('e-smith-base-4.18.1/accounts.conf', 'simpsons', 'group',
     {'Description': 'Simpsons Family', 'Gid': '5005', 'Members': 'bart,lisa,homer',
      'Uid': '5005'}),
    ('e-smith-base-4.18.1/accounts.conf', 'flanders', 'group',
     {'Description': 'Flanders Family', 'Gid': '5006', 'Members': 'ned,rod,tod',
      'Uid': '5005'}),
    ('e-smith-base-4.18.1/accounts.conf', 'somegroup', 'group', {'Gid': '42'}),
    ('smeserver-lib/accounts.conf', 'wwwpublic', 'system', {}),
    # configuration: scalars are type-only records, services carry props
    ('smeserver-lib/configuration.conf', 'SystemName', 'pretz', {}),
    ('smeserver-lib/configuration.conf', 'AdminEmail', '', {}),
    ('smeserver-lib/configuration.conf', 'MinUid', '5000', {}),
    ('smeserver-lib/configuration.conf', 'PreviousConfiguration',
     '/home/e-smith/db/configuration.previous', {}),
    ('smeserver-lib/configuration.conf', 'wibble', '42', {}),
    ('smeserver-lib/configuration.conf', 'vpn', 'configuration',
     {'sessions': '10', 'status': 'disabled'}),
    ('smeserver-lib/configuration.conf', 'named', 'service',
     {'chroot': 'yes', 'status': 'enabled', 'Forwarder1': '1.2.3.4'}),
    ('smeserver-lib/configuration.conf', 'dhcpd', 'service',
     {'InitscriptOrder': '65', 'end': '192.168.16.250', 'start': '192.168.16.65',
      'status': 'disabled'}),
    ('e-smith-base-4.18.1/configuration.conf', 'maxIbayNameLength', '2', {}),
    ('e-smith-base-4.18.1/configuration.conf', 'EmailUnknownUser', 'returntosender', {}),
    ('e-smith-base-4.18.1/configuration.conf', 'httpd-admin', 'service',
     {'InitscriptOrder': '86', 'status': 'enabled',
      'ValidFrom': '10.1.2.0/255.255.255.0,1.2.3.4/255.255.255.255,5.4.3.2/255.255.255.255'}),
    ('e-smith-hosts-1.14.0/configuration.conf', 'SystemName', 'chocky', {}),
    ('e-smith-hosts-1.14.0/configuration.conf', 'smb', 'service',
     {'DomainMaster': 'no', 'InitscriptOrder': '91', 'RoamingProfiles': 'no',
      'ServerName': 'chocky', 'Workgroup': 'mitel-networks', 'status': 'enabled'}),
    # domains: a non-domain type; Content Primary / an ibay
    ('smeserver-lib/domains.conf', 'test', 'domain', {'foo': 'bar'}),
    ('smeserver-lib/domains.conf', 'wombat', 'notadomain', {}),
    ('e-smith-base-4.18.1/domains.conf', 'frog.pond', 'domain',
     {'Description': 'Frog Pond', 'Content': 'Primary'}),
    ('e-smith-base-4.18.1/domains.conf', 'swamp.hollow.log', 'domain',
     {'Description': 'Swamp Hollow', 'Content': 'webstats'}),
    # hosts: empty props, and the malformed odd-field record
    ('smeserver-lib/hosts.conf', 'otherhost.mydomain.xxx', 'host',
     {'ExternalIP': '', 'HostType': 'Local', 'InternalIP': '192.168.1.3', 'MACAddress': '',
      'Visibility': 'Local'}),
    ('e-smith-hosts-1.14.0/hosts.conf', 'foo.invalid.tld', 'host',
     {'ExternalIP': '', 'HostType': 'Self', 'InternalIP': '', 'MACAddress': '',
      'Visibility': 'Local'}),
    ('e-smith-hosts-1.14.0/hosts.conf', 'wibble.invalid.tld', 'host',
     {'ExternalIP': 'InternalIP', 'MACAddress': '', 'Visibility': 'self'}),
    # networks
    ('smeserver-lib/networks.conf', '10.0.0.0', 'network',
     {'Mask': '255.255.255.0', 'Router': 'default'}),
    ('e-smith-base-4.18.1/networks.conf', '10.35.127.16', 'network',
     {'Mask': '255.255.255.240', 'RemoteVPNSubnet': 'yes', 'Router': 'default'}),
    # backups
    ('e-smith-backup-1.15.0/backuphistory.conf', '1053551285', 'backup_record',
     {'BackupType': 'desktop', 'StartEpochTime': '1053551285', 'EndEpochTime': '1053551299',
      'Result': '0'}),
    ('e-smith-base-4.18.1/system_configuration', 'SystemMode', 'servergateway-private', {}),
    ('e-smith-base-4.18.1/system_configuration.previous', 'SystemMode', 'junk4testing', {}),
    # db_dummy.conf: escaped pipe, newlines, empty trailing prop
    ('smeserver-lib/db_dummy.conf', 'Foo', 'Bar', {}),
    ('smeserver-lib/db_dummy.conf', 'Squid', 'cephalopod', {'arms': '10', 'species': 'Loligo'}),
    ('smeserver-lib/db_dummy.conf', 'Pipe', 'art', {'pipe': 'this is not a | got that?'}),
    ('smeserver-lib/db_dummy.conf', 'Haiku', 'poem',
     {'words': 'Damian Conway\nGod damn! Damian Conway\nDamian Conway'}),
    ('smeserver-lib/db_dummy.conf', 'Octopus', 'cephalopod', {'arms': '8', 'species': ''}),
    # dummy.conf: whitespace kept, '=' in values
    ('smeserver-lib/dummy.conf', 'foo', 'bar', {}),
    ('smeserver-lib/dummy.conf', 'this key', 'has whitespace', {}),
    ('smeserver-lib/dummy.conf', 'that key ', 'has trailing whitespace', {}),
    ('smeserver-lib/dummy.conf', ' another key', 'has leading whitespace', {}),
    ('smeserver-lib/dummy.conf', 'this value', ' has leading whitespace', {}),
    ('smeserver-lib/dummy.conf', 'that value', 'has trailing whitespace ', {}),
    ('smeserver-lib/dummy.conf', 'tricky value', 'with=equals.', {}),
]


@pytest.mark.parametrize('rel,key,type_,props', RECORDS,
                         ids=['{}:{}'.format(r[0], r[1]) for r in RECORDS])
def test_real_records(rel, key, type_, props):
    db = open_db(rel)
    record = db.get(key)
    assert record is not None, key
    assert record.key == key
    assert record.type == type_
    assert db.get_value(key) == type_
    # The whole props dict, exactly: nothing missing, nothing extra.
    assert record.props == props
    for name, value in props.items():
        assert db.get_prop(key, name) == value


def test_accounts_by_type():
    db = open_db('e-smith-base-4.18.1/accounts.conf')
    assert [r.key for r in db.records('ibay')] == ['webstats']
    assert [r.key for r in db.records('group')] == ['flanders', 'simpsons', 'somegroup']
    assert [r.key for r in db.records('user')] == ['bart', 'schwern']
    assert [r.key for r in db.records('pseudonym')] == [
        'Bart.Simpson', 'Bart_Simpson', 'everyone', 'mailer-daemon', 'postmaster']
    assert 'admin' not in [r.key for r in db.records('user')]
    uids = [r.prop('Uid') for r in db.records('group')]
    assert uids.count('5005') == 2  # flanders and simpsons share a Uid
    assert db.get_prop('somegroup', 'Members') is None
    assert db.get_prop('somegroup', 'Members', 'none') == 'none'
    assert db.get_prop('nosuchkey', 'Uid') is None
    assert db.get('nosuchkey') is None and 'nosuchkey' not in db


def test_domains_only_domain_type():
    db = open_db('smeserver-lib/domains.conf')
    assert [r.key for r in db.records('domain')] == ['foo', 'test']
    assert db.keys() == ['foo', 'test', 'wombat']


def test_dummy_conf_comments_are_not_records():
    db = open_db('smeserver-lib/dummy.conf')
    assert not any('#' in k or 'comment' in k for k in db.keys())
    # The untrimmed keys are the only way to reach those records.
    assert db.get('another key') is None and db.get('that key') is None


def test_configuration_is_read_only_when_opened_by_path(tmp_path):
    db = open_db('smeserver-lib/configuration.conf')
    assert db.readonly
    with pytest.raises(esmithdb.DbError, match='read-only'):
        db.set_value('SystemName', 'other')
    assert db.get_value('SystemName') == 'pretz'


def test_open_source_db(tmp_path):
    dbdir = tmp_path / 'home' / 'e-smith' / 'db'
    dbdir.mkdir(parents=True)
    with open(os.path.join(samples_dir(), 'smeserver-lib', 'db_dummy.conf'), 'rb') as src:
        (dbdir / 'dummy').write_bytes(src.read())
    db = esmithdb.open_source_db(str(tmp_path), 'dummy')
    assert db.readonly
    assert db.get_prop('Pipe', 'pipe') == 'this is not a | got that?'
    with pytest.raises(esmithdb.DbError):
        esmithdb.open_source_db(str(tmp_path), 'accounts')
