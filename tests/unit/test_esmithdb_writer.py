"""esmithdb writes like NethServer: header, sorted keys and props, escaped newlines, the
<file>.lock flock, <file>.<pid> renamed over the DB, mode and owner kept; and it refuses
what the format cannot carry, before touching the file."""

import fcntl
import gc
import os
import socket
import threading
import time

import pytest

from nethserver_migration import esmithdb

STAMP = 'Thu Mar 28 15:29:31 2002'
HEADER = (b'# DO NOT MODIFY THIS FILE.\n'
          b'# This file is automatically maintained by NethServer\n'
          b'# configuration software.  Manually editing this file may put your \n'
          b'# system in an unknown state.\n'
          b'#\n'
          b'# updated: ' + STAMP.encode() + b'\n')


@pytest.fixture
def fixed_time(monkeypatch):
    monkeypatch.setattr(esmithdb.time, 'ctime', lambda *args: STAMP)


@pytest.fixture
def dbpath(tmp_path):
    return str(tmp_path / 'accounts')


def write_db(path, text):
    with open(path, 'wb') as stream:
        stream.write(text)


def content(path):
    with open(path, 'rb') as stream:
        return stream.read()


def new_db(path):
    return esmithdb.Database(path, readonly=False, must_exist=False)


# -- format ---------------------------------------------------------------------------

def test_header_is_byte_exact():
    now = 1017347371.0
    text = esmithdb.format_db({}, now=now)
    assert text.encode() == (HEADER.replace(STAMP.encode(), time.ctime(now).encode()))
    lines = text.split('\n')
    assert len(lines) == 7 and lines[6] == ''           # six lines, each ended
    assert lines[2].endswith('may put your ')           # NethServer's trailing blank


def test_updated_is_time_ctime(dbpath):
    before = time.time()
    new_db(dbpath).set_value('a', 'b')
    line = content(dbpath).split(b'\n')[5].decode()
    assert line.startswith('# updated: ')
    stamp = time.mktime(time.strptime(line[len('# updated: '):], '%a %b %d %H:%M:%S %Y'))
    assert before - 2 <= stamp <= time.time() + 1
    assert line == '# updated: ' + time.ctime(stamp)


def test_whole_file_is_byte_exact(dbpath, fixed_time):
    db = new_db(dbpath)
    with db.batch():
        db.new_record('zeta', 'user', {'Uid': '5002', 'FirstName': 'Zeta', 'LastName': 'Z'})
        db.new_record('Alpha', 'pseudonym', {'Account': 'zeta'})
        db.new_record('alpha', 'group', {'Members': 'zeta', 'Description': 'two\nlines'})
        db.set_value('MinUid', '5000')
        db.new_record('\u00e9t\u00e9', 'ibay', {'Name': 'Caf\u00e9'})
        db.new_record('beta', 'user', {'Empty': '', 'b': '1', 'B': '2', 'a': '3'})
    assert content(dbpath) == HEADER + (
        'Alpha=pseudonym|Account|zeta\n'
        'MinUid=5000\n'
        'alpha=group|Description|two\\nlines|Members|zeta\n'
        'beta=user|B|2|Empty||a|3|b|1\n'
        'zeta=user|FirstName|Zeta|LastName|Z|Uid|5002\n'
        '\u00e9t\u00e9=ibay|Name|Caf\u00e9\n').encode('utf-8')


def test_keys_sorted_in_byte_order():
    records = {k: esmithdb.Record(k, 't') for k in ['b', 'B', 'a', '_', '0', '\u00e9', 'z',
                                                   '\u4e2d', '~']}
    text = esmithdb.format_db(records, now=0)
    keys = [l.split('=')[0] for l in text.split('\n')[6:-1]]
    assert keys == sorted(keys, key=lambda k: k.encode('utf-8'))
    assert keys == ['0', 'B', '_', 'a', 'b', 'z', '~', '\u00e9', '\u4e2d']


FORMAT_CASES = [
    (esmithdb.Record('k', 't'), 'k=t'),
    (esmithdb.Record('k', ''), 'k='),
    (esmithdb.Record('k', 'with=equals'), 'k=with=equals'),
    (esmithdb.Record('k', 't', {'p': ''}), 'k=t|p|'),
    (esmithdb.Record('k', 't', {'p': None}), 'k=t|p|'),
    (esmithdb.Record('k', 't', {'b': '2', 'a': '1'}), 'k=t|a|1|b|2'),
    (esmithdb.Record('k', 't', {'p': 'l1\nl2\n'}), 'k=t|p|l1\\nl2\\n'),
    (esmithdb.Record('k', 'a\nb'), 'k=a\\nb'),
    (esmithdb.Record('k', 't', {'p': 'C:\\dir\\x'}), 'k=t|p|C:\\dir\\x'),
    (esmithdb.Record('k', 't', {'p': 'back\\\nslash'}), 'k=t|p|back\\\\nslash'),
    (esmithdb.Record('k', 't', {'p': ' spaced '}), 'k=t|p| spaced '),
]


@pytest.mark.parametrize('record,line', FORMAT_CASES, ids=[c[1] for c in FORMAT_CASES])
def test_format_record(record, line):
    assert esmithdb.format_record(record) == line
    back, issues = esmithdb.parse_lines([line])
    expected = dict((k, v or '') for k, v in record.props.items())
    assert back[record.key] == esmithdb.Record(record.key, record.type, expected)
    assert not issues


# -- refusals -------------------------------------------------------------------------

# (key, type, props, the error word for word)
Q = 'which the e-smith DB format cannot store unchanged'
N = 'which would not read back unchanged'
B = 'which would escape the next separator'
REFUSED = [
    ('alice', 'user', {'FirstName': 'a | b'},
     'key \'alice\': property \'FirstName\' contains "|", ' + Q),
    ('alice', 'user', {'Fi|rst': 'x'},
     'key \'alice\': property \'Fi|rst\' contains "|", ' + Q),
    ('alice', 'us|er', {},
     'key \'alice\': type contains "|", ' + Q),
    ('alice', 'user', {'Desc': 'literal \\n here'},
     "key 'alice': property 'Desc' contains a literal backslash-n, which would read back "
     "as a newline"),
    ('alice', 'user', {'Path': 'C:\\'},
     "key 'alice': property 'Path' ends with a backslash, " + B),
    ('alice', 'user\\', {},
     "key 'alice': type ends with a backslash, " + B),
    ('alice', 'user', {'P\\': 'v'},
     "key 'alice': property 'P\\\\' ends with a backslash, " + B),
    ('alice', 'user', {'Name': 'Jos\udce9'},
     "key 'alice': property 'Name' is not valid Unicode (lone surrogate 'Jos\\udce9'), " + N),
    ('alice', 'user', {'Na\ud800me': 'x'},
     "key 'alice': property name 'Na\\ud800me' is not valid Unicode (lone surrogate "
     "'Na\\ud800me'), " + N),
    ('alice', '\udce9', {},
     "key 'alice': type is not valid Unicode (lone surrogate '\\udce9'), " + N),
    ('al\udce9ce', 'user', {},
     "key 'al\\udce9ce' is not valid Unicode (lone surrogate 'al\\udce9ce'), " + N),
    ('', 'user', {},
     "invalid DB key ''"),
    (' alice', 'user', {},
     "invalid DB key ' alice'"),
    ('alice ', 'user', {},
     "invalid DB key 'alice '"),
    ('al=ice', 'user', {},
     "invalid DB key 'al=ice'"),
    ('al\nice', 'user', {},
     "invalid DB key 'al\\nice'"),
    ('#alice', 'user', {},
     "invalid DB key '#alice'"),
    ('alice\r', 'user', {},
     "invalid DB key 'alice\\r'"),
]


@pytest.mark.parametrize('key,type_,props,message', REFUSED,
                         ids=[repr((r[0], r[1], r[2])) for r in REFUSED])
def test_refused_values(dbpath, key, type_, props, message):
    write_db(dbpath, b'alice=user|Uid|5001\n')
    before = os.stat(dbpath)
    db = esmithdb.Database(dbpath, readonly=False)
    with pytest.raises(esmithdb.UnwritableValue) as caught:
        db.set_record(key, type_, props)
    assert str(caught.value) == message
    with pytest.raises(esmithdb.UnwritableValue):
        esmithdb.format_record(esmithdb.Record(key, type_, props))
    with pytest.raises(esmithdb.UnwritableValue):
        db.new_record(key, type_, props)
    if props:
        with pytest.raises(esmithdb.UnwritableValue):
            db.merge_props(key, props, type_=type_)
    else:
        with pytest.raises(esmithdb.UnwritableValue):
            db.set_value(key, type_)
    # Nothing touched: same inode, same bytes, no temp file, not even the lock.
    after = os.stat(dbpath)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert content(dbpath) == b'alice=user|Uid|5001\n'
    assert sorted(os.listdir(os.path.dirname(dbpath))) == ['accounts']


def test_unwritable_value_is_a_db_error():
    assert issubclass(esmithdb.UnwritableValue, esmithdb.DbError)


# -- the write cycle ------------------------------------------------------------------

def test_no_write_when_nothing_changes(dbpath):
    db = new_db(dbpath)
    db.new_record('alice', 'user', {'Uid': '5001'})
    first = os.stat(dbpath)
    text = content(dbpath)
    time.sleep(0.01)
    db.set_prop('alice', 'Uid', '5001')
    db.merge_props('alice', {'Uid': '5001'})
    db.set_record('alice', 'user', {'Uid': '5001'})
    db.delete_prop('alice', 'NotThere')
    db.delete('bob')
    with db.batch():
        db.set_prop('alice', 'Uid', '9999')
        db.set_prop('alice', 'Uid', '5001')
    again = os.stat(dbpath)
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    assert content(dbpath) == text


def test_mode_and_owner_kept(dbpath):
    if os.geteuid() != 0:
        pytest.skip('needs root to give the file another owner')
    write_db(dbpath, b'alice=user|Uid|5001\n')
    os.chmod(dbpath, 0o640)
    os.chown(dbpath, 1234, 5678)
    db = esmithdb.Database(dbpath, readonly=False)
    db.set_prop('alice', 'Gid', '5001')
    st = os.stat(dbpath)
    assert oct(st.st_mode & 0o7777) == oct(0o640)
    assert (st.st_uid, st.st_gid) == (1234, 5678)
    assert esmithdb.Database(dbpath).get_prop('alice', 'Gid') == '5001'


def test_odd_mode_kept(dbpath):
    write_db(dbpath, b'a=b\n')
    os.chmod(dbpath, 0o604)
    esmithdb.Database(dbpath, readonly=False).set_value('a', 'c')
    assert os.stat(dbpath).st_mode & 0o7777 == 0o604


def test_new_file_mode(dbpath):
    old = os.umask(0o022)
    try:
        new_db(dbpath).set_value('a', 'b')
    finally:
        os.umask(old)
    assert os.stat(dbpath).st_mode & 0o7777 == 0o640


def test_temp_file_renamed_and_lock_file_used(dbpath, mocker):
    opened = mocker.spy(esmithdb.os, 'open')
    renamed = mocker.spy(esmithdb.os, 'rename')
    new_db(dbpath).set_value('a', 'b')
    tmp = '{}.{}'.format(dbpath, os.getpid())
    # the lock, the temporary file, then the new DB file, held open (see Database)
    assert [c[0][0] for c in opened.call_args_list] == [dbpath + '.lock', tmp, dbpath]
    renamed.assert_called_once_with(tmp, dbpath)
    assert not os.path.exists(tmp)
    assert os.path.exists(dbpath + '.lock')      # never unlinked (see the module doc)
    assert sorted(os.listdir(os.path.dirname(dbpath))) == ['accounts', 'accounts.lock']


def test_temp_file_removed_when_the_write_fails(dbpath, mocker):
    write_db(dbpath, b'a=b\n')
    mocker.patch.object(esmithdb.os, 'rename', side_effect=OSError(28, 'No space left'))
    with pytest.raises(OSError):
        esmithdb.Database(dbpath, readonly=False).set_value('a', 'c')
    assert content(dbpath) == b'a=b\n'
    assert sorted(os.listdir(os.path.dirname(dbpath))) == ['accounts', 'accounts.lock']


def test_writer_waits_for_the_lock(dbpath):
    write_db(dbpath, b'a=b\n')
    db = esmithdb.Database(dbpath, readonly=False)
    fd = os.open(dbpath + '.lock', os.O_RDWR | os.O_CREAT, 0o600)
    errors = []

    def change():
        try:
            db.set_prop('a', 'p', 'v', type_='t')
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        worker = threading.Thread(target=change)
        worker.start()
        worker.join(0.5)
        assert worker.is_alive(), 'the writer did not wait for <file>.lock'
        assert content(dbpath) == b'a=b\n'
        # What another writer does while holding the lock is what the waiter starts from.
        write_db(dbpath, b'a=b\nz=other\n')
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    worker.join(10)
    assert not worker.is_alive() and not errors
    db2 = esmithdb.Database(dbpath)
    assert db2.get_prop('a', 'p') == 'v' and db2.get_value('z') == 'other'


def test_each_change_rereads_the_file(dbpath):
    write_db(dbpath, b'a=t|p|1\n')
    db = esmithdb.Database(dbpath, readonly=False)
    write_db(dbpath, b'a=t|p|1\nb=t|q|2\n')          # another writer, after our read
    db.set_prop('a', 'p', '3')
    assert esmithdb.Database(dbpath).get('b') == esmithdb.Record('b', 't', {'q': '2'})
    assert db.get_prop('b', 'q') == '2' and db.get_prop('a', 'p') == '3'


def test_a_db_removed_after_our_read_is_read_again_not_brought_back(dbpath):
    # the file we read is gone (someone removed it): its old records are not written back
    write_db(dbpath, b'a=t|p|1\n')
    db = esmithdb.Database(dbpath, readonly=False)
    os.unlink(dbpath)
    with pytest.raises(esmithdb.DbError) as caught:
        db.set_prop('a', 'p', '2')
    assert str(caught.value) == "{}: no record 'a' to set props on".format(dbpath)
    assert not os.path.exists(dbpath) and db.issues == []
    db.set_value('b', 'x')
    assert content(dbpath).endswith(b'\nb=x\n') and b'a=t' not in content(dbpath)


def test_read_only_db_refuses_every_write(dbpath):
    write_db(dbpath, b'a=t|p|1\n')
    db = esmithdb.Database(dbpath)
    calls = [lambda: db.set_prop('a', 'p', '2'), lambda: db.merge_props('a', {'p': '2'}),
             lambda: db.delete_prop('a', 'p'), lambda: db.set_type('a', 'u'),
             lambda: db.set_value('b', 'x'), lambda: db.new_record('b', 't'),
             lambda: db.set_record('a', 't'), lambda: db.delete('a')]
    for call in calls:
        with pytest.raises(esmithdb.DbError, match='read-only'):
            call()
    with pytest.raises(esmithdb.DbError, match='read-only'):
        with db.batch():
            pass
    assert content(dbpath) == b'a=t|p|1\n'
    assert not os.path.exists(dbpath + '.lock')


def test_missing_db_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(esmithdb, 'DB_DIR', str(tmp_path))
    with pytest.raises(esmithdb.DbError, match='{}.*does not exist'.format(tmp_path / 'nosuch')):
        esmithdb.Database.open('nosuch')
    with pytest.raises(esmithdb.DbError, match='nosuch'):
        esmithdb.Database(str(tmp_path / 'nosuch'))
    with pytest.raises(esmithdb.DbError, match='nosuch'):
        esmithdb.Database.open(str(tmp_path / 'nosuch'), readonly=False)
    assert os.listdir(str(tmp_path)) == []


def test_open_create(tmp_path, monkeypatch):
    monkeypatch.setattr(esmithdb, 'DB_DIR', str(tmp_path))
    db = esmithdb.Database.open('accounts', readonly=False, create=True)
    assert len(db) == 0
    db.new_record('alice', 'user', {'Uid': '5001'})
    assert content(str(tmp_path / 'accounts')).endswith(b'\nalice=user|Uid|5001\n')


def test_open_by_name_and_by_path(tmp_path, monkeypatch):
    monkeypatch.setattr(esmithdb, 'DB_DIR', str(tmp_path))
    write_db(str(tmp_path / 'accounts'), b'admin=user|Uid|1000\n')
    assert esmithdb.resolve('accounts') == str(tmp_path / 'accounts')
    assert esmithdb.resolve('./accounts') == './accounts'
    assert esmithdb.Database.open('accounts').get_prop('admin', 'Uid') == '1000'
    assert esmithdb.Database.open(str(tmp_path / 'accounts')).get_prop('admin', 'Uid') == '1000'
    assert esmithdb.Database.open('accounts').readonly


def test_configuration_by_name_derives_virtual_keys(tmp_path, monkeypatch):
    monkeypatch.setattr(esmithdb, 'DB_DIR', str(tmp_path))
    monkeypatch.setattr(socket, 'gethostname', lambda: 'mig.example.org')
    path = str(tmp_path / 'configuration')
    write_db(path, b'SystemName=old\nDomainName=old.tld\nsshd=service|status|enabled\n')
    db = esmithdb.Database.open('configuration', readonly=False)
    assert db.get_value('SystemName') == 'mig'
    assert db.get_value('DomainName') == 'example.org'
    assert db.get_value('TimeZone')
    for key in ('SystemName', 'DomainName', 'TimeZone'):
        with pytest.raises(esmithdb.DbError, match=key):
            db.set_value(key, 'x')
        with pytest.raises(esmithdb.DbError, match=key):
            db.set_prop(key, 'p', 'x', type_='t')
    db.set_prop('sshd', 'TCPPort', '2222')
    assert db.get_value('SystemName') == 'mig'               # still derived after a write
    text = content(path)
    assert b'sshd=service|TCPPort|2222|status|enabled\n' in text
    assert b'mig' not in text and b'example.org' not in text  # derived values never stored
    # Opened by path, the same file is a plain DB: what is stored is what you get.
    plain = esmithdb.Database.open(path)
    assert plain.get_value('SystemName') == 'old'
    monkeypatch.setattr(socket, 'gethostname', lambda: 'plainhost')
    db.reload()
    assert db.get_value('SystemName') == 'plainhost' and db.get_value('DomainName') == ''


def test_new_record_on_an_existing_key_raises(dbpath):
    write_db(dbpath, b'alice=user|Uid|5001\n')
    db = esmithdb.Database(dbpath, readonly=False)
    with pytest.raises(esmithdb.DbError, match='alice.*already exists'):
        db.new_record('alice', 'group', {'Gid': '1'})
    assert content(dbpath) == b'alice=user|Uid|5001\n'
    assert db.get('alice') == esmithdb.Record('alice', 'user', {'Uid': '5001'})
    db.new_record('bob', 'user', {'Uid': '5002'})              # a new key: written at once
    assert content(dbpath).endswith(b'\nalice=user|Uid|5001\nbob=user|Uid|5002\n')


def test_set_prop_on_a_missing_record(dbpath):
    write_db(dbpath, b'alice=user|Uid|5001\n')
    db = esmithdb.Database(dbpath, readonly=False)
    with pytest.raises(esmithdb.DbError, match="'bob'"):
        db.set_prop('bob', 'Uid', '5002')
    with pytest.raises(esmithdb.DbError, match="'bob'"):
        db.set_type('bob', 'user')
    assert content(dbpath) == b'alice=user|Uid|5001\n'
    db.set_prop('bob', 'Uid', '5002', type_='user')
    db.set_prop('alice', 'Shell', '/bin/sh', type_='ignored-for-existing')
    fresh = esmithdb.Database(dbpath)
    assert fresh.get('bob') == esmithdb.Record('bob', 'user', {'Uid': '5002'})
    assert fresh.get('alice') == esmithdb.Record('alice', 'user',
                                                 {'Uid': '5001', 'Shell': '/bin/sh'})


def test_every_mutator(dbpath):
    db = new_db(dbpath)
    db.new_record('a', 'user', {'p': '1', 'q': '2'})
    db.merge_props('a', {'q': '3', 'r': '4'})
    db.delete_prop('a', 'p')
    db.set_type('a', 'group')
    db.set_value('MinUid', '5000')
    db.set_record('b', 'ibay', {'Name': 'B'})
    db.set_record('b', 'ibay', {'Group': 'g'})
    db.new_record('c', 'x')
    db.delete('c')
    fresh = esmithdb.Database(dbpath)
    assert {r.key: (r.type, r.props) for r in fresh.records()} == {
        'MinUid': ('5000', {}), 'a': ('group', {'q': '3', 'r': '4'}),
        'b': ('ibay', {'Group': 'g'})}
    assert fresh.keys() == ['MinUid', 'a', 'b']
    assert [r.key for r in fresh.records('ibay')] == ['b']
    assert {r.key: (r.type, r.props) for r in db.records()} == \
        {r.key: (r.type, r.props) for r in fresh.records()}


def test_batch_writes_once(dbpath, mocker):
    write_db(dbpath, b'alice=user|Uid|5001\n')
    db = esmithdb.Database(dbpath, readonly=False)
    writes = mocker.spy(esmithdb, 'write_file')
    with db.batch():
        for i in range(20):
            db.new_record('user{:02d}'.format(i), 'user', {'Uid': str(6000 + i)})
        db.set_prop('alice', 'Shell', '/bin/sh')
        with db.batch():                              # nested: still one write
            db.delete('user00')
        assert db.get_prop('user05', 'Uid') == '6005'  # visible inside the batch
        assert b'user05' not in content(dbpath)        # but not written yet
    assert writes.call_count == 1
    fresh = esmithdb.Database(dbpath)
    assert len(fresh) == 20 and 'user00' not in fresh and fresh.get_prop('alice', 'Shell')


def test_batch_holds_the_lock(dbpath):
    write_db(dbpath, b'a=b\n')
    db = esmithdb.Database(dbpath, readonly=False)
    with db.batch():
        fd = os.open(dbpath + '.lock', os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)


def test_batch_with_an_error_writes_nothing(dbpath):
    write_db(dbpath, b'a=b\n')
    db = esmithdb.Database(dbpath, readonly=False)
    with pytest.raises(RuntimeError):
        with db.batch():
            db.set_value('x', 'y')
            raise RuntimeError('stop')
    assert content(dbpath) == b'a=b\n'
    db.set_value('z', 'w')                             # the DB is usable after that
    assert esmithdb.Database(dbpath).keys() == ['a', 'z']


def test_batch_goes_on_after_a_caught_refusal(dbpath):
    write_db(dbpath, b'a=b\n')
    db = esmithdb.Database(dbpath, readonly=False)
    with db.batch():
        db.set_value('x', '1')
        with pytest.raises(esmithdb.DbError):
            db.new_record('a', 't')                   # exists: refused, caught
        with pytest.raises(esmithdb.DbError):
            db.set_prop('missing', 'p', 'v')           # no such record: refused, caught
        db.set_value('y', '2')
    assert esmithdb.Database(dbpath).keys() == ['a', 'x', 'y']


def test_db_with_an_unreadable_line_is_not_rewritten(dbpath):
    original = b'# header\nalice=user|Uid|5001\nthis line has no equals\nbob=user|Uid|5002\n'
    write_db(dbpath, original)
    db = esmithdb.Database(dbpath, readonly=False)
    assert sorted(db.keys()) == ['alice', 'bob'] and len(db.issues) == 1
    with pytest.raises(esmithdb.DbError) as caught:
        db.set_prop('alice', 'Shell', '/bin/sh')
    assert str(caught.value) == (
        "refusing to rewrite {0}: it has unreadable lines ({0}:3: not a key=value line "
        "('this line has no equals')); fix them first so that nothing is lost".format(dbpath))
    with pytest.raises(esmithdb.DbError, match='unreadable'):
        with db.batch():
            db.set_prop('alice', 'Shell', '/bin/sh')
    assert content(dbpath) == original


def test_latin1_db_rewritten_as_utf8(dbpath):
    write_db(dbpath, b'alice=user|FirstName|Jos\xe9\n')
    db = esmithdb.Database(dbpath, readonly=False)
    db.set_prop('alice', 'Uid', '5001')
    assert content(dbpath).endswith('alice=user|FirstName|Jos\u00e9|Uid|5001\n'.encode('utf-8'))
    assert esmithdb.Database(dbpath).get_prop('alice', 'FirstName') == 'Jos\u00e9'


def test_the_whole_file_form_writes_a_latin1_line_as_utf8():
    records, _ = esmithdb.parse_bytes(b'alice=user|FirstName|Jos\xe9\nbob=user\n')
    data = esmithdb.format_db_bytes(records, now=0)
    assert data.endswith('alice=user|FirstName|Jos\u00e9\nbob=user\n'.encode('utf-8'))
    assert esmithdb.format_db(records, now=0) == data.decode('utf-8')


def test_rewrite_keeps_every_other_record_verbatim_and_drops_comments(dbpath, fixed_time):
    # Like NethServer, which stores raw strings: a record nobody changed is written back
    # as it was read (here: its props unsorted); only changed records are re-serialised.
    write_db(dbpath, b'# old header\nb=t|y|2|x|1\n\na=t|p|v\\nw\nb2=\n')
    esmithdb.Database(dbpath, readonly=False).set_value('c', 'd')
    assert content(dbpath) == HEADER + b'a=t|p|v\\nw\nb=t|y|2|x|1\nb2=\nc=d\n'
    esmithdb.Database(dbpath, readonly=False).set_prop('b', 'z', '3')
    assert content(dbpath) == HEADER + b'a=t|p|v\\nw\nb=t|x|1|y|2|z|3\nb2=\nc=d\n'


# Records the reader accepts but the writer could not produce (Perl rewrites them raw):
# a change elsewhere in the DB keeps them byte for byte; changing them is refused.
UNWRITABLE_IN_FILE = [
    (b'a=t|p|v\\|w\n', 'a', 'p'),            # escaped pipe: reads as 'v|w'
    (b' spaced key=x\n', ' spaced key', None),  # untrimmed key (dummy.conf)
    (b'a=t|p|ends in backslash\\\n', 'a', 'p'),
]


@pytest.mark.parametrize('line,key,prop', UNWRITABLE_IN_FILE)
def test_unwritable_record_in_the_file_is_kept_verbatim(dbpath, fixed_time, line, key, prop):
    write_db(dbpath, b'z=t|q|1\n' + line)
    db = esmithdb.Database(dbpath, readonly=False)
    assert not db.issues
    db.set_prop('z', 'q', '2')
    assert content(dbpath) == HEADER + b''.join(sorted([line, b'z=t|q|2\n']))
    before = content(dbpath)
    if prop is not None:
        with pytest.raises(esmithdb.UnwritableValue) as caught:
            db.set_prop(key, prop, db.get(key).prop(prop) + '|more')
        assert repr(key) in str(caught.value)
        assert content(dbpath) == before
    assert sorted(os.listdir(os.path.dirname(dbpath))) == ['accounts', 'accounts.lock']


# -- bytes kept (a rewrite changes only what it means to) -------------------------------

@pytest.mark.parametrize('line', [
    b'latin=user|FirstName|Jos\xe9|City|K\xf6ln\n',        # Latin-1, as SME 7 wrote it
    b'broken=user|Note|caf\xc3 \xff\xfe end\n',            # not UTF-8, not meant as anything
    b'mixed=user|A|\xc3\xa9t\xe9\n',                       # UTF-8 and Latin-1 on one line
    b'k\xf6ln=user|City|K\xf6ln\n',                         # a Latin-1 key, too
])
def test_untouched_non_utf8_lines_survive_a_rewrite_byte_for_byte(dbpath, fixed_time, line):
    write_db(dbpath, b'a=t|p|1\n' + line + b'z=t|q|1\n')
    db = esmithdb.Database(dbpath, readonly=False)
    db.set_prop('a', 'p', '2')
    db.set_value('new', 'record')
    data = content(dbpath)
    assert line in data
    assert data == HEADER + b'a=t|p|2\n' + line + b'new=record\nz=t|q|1\n'


def test_an_escaped_pipe_survives_a_change_of_another_prop(dbpath, fixed_time):
    write_db(dbpath, b'acme=user|Company|A\\|B Ltd|Phone|1\n')
    db = esmithdb.Database(dbpath, readonly=False)
    assert db.get_prop('acme', 'Company') == 'A|B Ltd'
    db.set_prop('acme', 'Phone', '2')
    assert content(dbpath) == HEADER + b'acme=user|Company|A\\|B Ltd|Phone|2\n'
    db.set_prop('acme', 'City', 'Pesaro')
    assert content(dbpath) == HEADER + b'acme=user|City|Pesaro|Company|A\\|B Ltd|Phone|2\n'
    assert esmithdb.Database(dbpath).get_prop('acme', 'Company') == 'A|B Ltd'
    with pytest.raises(esmithdb.UnwritableValue):            # only a NEW pipe is refused
        db.set_prop('acme', 'Company', 'C|D')
    db.set_prop('acme', 'Company', 'C D')                    # a new value replaces the raw
    assert b'Company|C D|' in content(dbpath)


def test_a_type_as_read_survives_a_change_of_a_prop(dbpath, fixed_time):
    # a type keeps its escaped pipe when read (Perl's split): written back as it was
    write_db(dbpath, b'b=two\\nlines\\|pipe|p|1\nk=odd\\|type|p|1\nn=multi\\nline|p|1\n')
    db = esmithdb.Database(dbpath, readonly=False)
    assert (db.get('b').type, db.get('k').type, db.get('n').type) == (
        'two\nlines\\|pipe', 'odd\\|type', 'multi\nline')
    for key in ('b', 'k', 'n'):
        db.set_prop(key, 'p', '2')
    assert content(dbpath) == HEADER + (b'b=two\\nlines\\|pipe|p|2\nk=odd\\|type|p|2\n'
                                        b'n=multi\\nline|p|2\n')
    with pytest.raises(esmithdb.UnwritableValue):            # a NEW type with a pipe
        db.set_type('k', 'new|type')


def test_a_prop_name_with_a_newline_round_trips():
    line = esmithdb.format_record(esmithdb.Record('k', 't', {'a\nb': '1', 'c': 'x\ny'}))
    assert line == 'k=t|a\\nb|1|c|x\\ny'
    records, issues = esmithdb.parse_text(line + '\n')
    assert (records['k'].props, issues) == ({'a\nb': '1', 'c': 'x\ny'}, [])


def test_an_escaped_newline_survives_a_change_of_another_prop(dbpath, fixed_time):
    write_db(dbpath, b'u=user|Street|1 Main\\nFloor 2|Uid|5\n')
    db = esmithdb.Database(dbpath, readonly=False)
    db.set_prop('u', 'Uid', '6')
    assert content(dbpath) == HEADER + b'u=user|Street|1 Main\\nFloor 2|Uid|6\n'


def test_a_trailing_pipe_is_no_property_and_round_trips(dbpath, fixed_time):
    write_db(dbpath, b'key=type|Name|x|\nz=t\n')
    db = esmithdb.Database(dbpath, readonly=False)
    assert db.get('key').props == {'Name': 'x'}
    db.set_value('z', 'u')
    assert content(dbpath) == HEADER + b'key=type|Name|x|\nz=u\n'
    with pytest.raises(esmithdb.UnwritableValue, match=r"^key 'key': a property with an "
                       r"empty name would not read back \(the reader hides it\)$"):
        db.set_prop('key', '', 'v')


def test_a_file_replaced_since_our_read_is_read_again(dbpath):
    write_db(dbpath, b'a=t|p|1\n')
    db = esmithdb.Database(dbpath, readonly=False)
    db.set_prop('a', 'p', '2')                  # our own write: the file stays ours
    st = os.stat(dbpath)
    # Another writer replaces it with the same size within the same mtime tick: only the
    # inode tells, and we hold ours open so that it cannot be reused.
    tmp = dbpath + '.other'
    with open(tmp, 'wb') as f:
        f.write(open(dbpath, 'rb').read().replace(b'a=t|p|2', b'b=t|p|9'))
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.rename(tmp, dbpath)
    db.set_prop('a', 'p', '3', type_='t')
    fresh = esmithdb.Database(dbpath)
    assert fresh.get_prop('b', 'p') == '9' and fresh.get_prop('a', 'p') == '3'


def test_a_file_still_ours_is_not_read_again(dbpath, mocker):
    write_db(dbpath, b'a=t|p|1\n')
    db = esmithdb.Database(dbpath, readonly=False)
    reads = mocker.spy(esmithdb, 'read_file')
    for i in range(5):
        db.set_prop('a', 'p', str(i + 2))
    with db.batch():
        db.set_prop('a', 'p', '10')
        db.set_prop('a', 'q', '11')
    assert reads.call_count == 0
    assert esmithdb.Database(dbpath).get('a').props == {'p': '10', 'q': '11'}


def test_set_type_and_set_value_write_only_a_change(dbpath, fixed_time):
    write_db(dbpath, HEADER + b'a=old|p|1\nMinUid=5000\n')
    db = esmithdb.Database(dbpath, readonly=False)
    st = os.stat(dbpath)
    db.set_type('a', 'old')                 # the same type: the file is not rewritten
    db.set_value('MinUid', '5000')          # the same value, no props: not rewritten
    assert os.stat(dbpath).st_ino == st.st_ino
    db.set_type('a', 'new')
    assert content(dbpath) == HEADER + b'MinUid=5000\na=new|p|1\n'
    with pytest.raises(esmithdb.DbError, match="no record 'missing'"):
        db.set_type('missing', 'x')
    # a value over a record with props makes a type-only record
    db.set_value('a', 'plain')
    assert content(dbpath) == HEADER + b'MinUid=5000\na=plain\n'


@pytest.mark.parametrize('link, zone', [
    ('/usr/share/zoneinfo/Europe/Rome', 'Europe/Rome'),
    ('../usr/share/zoneinfo/America/New_York', 'America/New_York'),
    ('/etc/zoneinfo/zoneinfo/Odd', 'zoneinfo/Odd'),       # split at the first only
    ('/somewhere/else', 'UTC'), (OSError(22, 'Invalid argument'), 'UTC')])
@pytest.mark.parametrize('host, system, domain', [
    ('ns7.example.org', 'ns7', 'example.org'), ('ns7', 'ns7', '')])
def test_the_virtual_configuration_values(monkeypatch, link, zone, host, system, domain):
    asked = []

    def readlink(path):
        asked.append(path)
        if isinstance(link, Exception):
            raise link
        return link
    monkeypatch.setattr(esmithdb.os, 'readlink', readlink)
    monkeypatch.setattr(socket, 'gethostname', lambda: host)
    assert esmithdb._virtual_config_values() == {'SystemName': system, 'DomainName': domain,
                                                 'TimeZone': zone}
    assert asked == ['/etc/localtime']


def test_write_file_takes_text_as_utf8_and_makes_a_private_lock(dbpath):
    umask = os.umask(0)             # the modes asked for, not the umask's
    try:
        esmithdb.write_file(dbpath, 'caf\u00e9 \udce9\n')
        with esmithdb.exclusive_lock(dbpath):
            pass
    finally:
        os.umask(umask)
    assert content(dbpath) == b'caf\xc3\xa9 \xe9\n'
    assert oct(os.stat(dbpath).st_mode & 0o777) == '0o660'       # a new file: 0660
    assert oct(os.stat(dbpath + '.lock').st_mode & 0o777) == '0o600'


def held_open(path):
    """This process's descriptors on path (the current file or a replaced one)."""
    out = []
    for fd in os.listdir('/proc/self/fd'):
        try:
            out.append(os.readlink('/proc/self/fd/' + fd))
        except OSError:
            pass        # listdir's own descriptor, closed since
    return [link for link in out if link.startswith(path)]


def test_a_db_holds_one_descriptor_however_often_it_writes(dbpath):
    write_db(dbpath, b'a=t|n|0\n')
    db = esmithdb.Database(dbpath, readonly=False)
    for n in range(1, 20):
        db.set_prop('a', 'n', str(n))
        esmithdb.write_file(dbpath, content(dbpath))          # another writer: read again
    assert db.get_prop('a', 'n') == '19'
    assert held_open(dbpath) == [dbpath + ' (deleted)']     # the file it last wrote, held open, alone


def test_a_db_that_does_not_exist_yet_has_no_issues(tmp_path):
    db = esmithdb.Database(str(tmp_path / 'new'), readonly=False, must_exist=False)
    assert (db.issues, len(db)) == ([], 0)
    db.set_value('MinUid', '5000')
    assert esmithdb.Database(str(tmp_path / 'new')).get_value('MinUid') == '5000'


def test_the_db_errors_word_for_word(tmp_path, monkeypatch):
    monkeypatch.setattr(esmithdb, 'DB_DIR', str(tmp_path))
    with pytest.raises(esmithdb.DbError) as caught:
        esmithdb.Database.open('nosuch')
    assert str(caught.value) == 'DB {} does not exist'.format(tmp_path / 'nosuch')
    write_db(str(tmp_path / 'configuration'), b'sshd=service|status|enabled\n')
    with pytest.raises(esmithdb.DbError) as caught:
        esmithdb.Database.open('configuration').set_prop('sshd', 'status', 'disabled')
    assert str(caught.value) == 'DB {} is open read-only'.format(tmp_path / 'configuration')
    with pytest.raises(esmithdb.DbError) as caught:
        esmithdb.Database.open('configuration', readonly=False).set_value('TimeZone', 'UTC')
    assert str(caught.value) == 'configuration DB: TimeZone is read-only on NethServer 7 ' \
        '(derived from the host name and /etc/localtime)'
    with pytest.raises(esmithdb.DbError) as caught:
        with esmithdb.Database.open('configuration').batch():
            pass
    assert str(caught.value) == 'DB {} is open read-only'.format(tmp_path / 'configuration')
    db = esmithdb.Database.open('configuration', readonly=False)
    with pytest.raises(esmithdb.DbError) as caught:
        db.set_type('nosuch', 'service')
    assert str(caught.value) == "{}: no record 'nosuch'".format(tmp_path / 'configuration')
    with pytest.raises(esmithdb.DbError) as caught:
        db.new_record('sshd', 'service')
    assert str(caught.value) == "{}: record 'sshd' already exists".format(
        tmp_path / 'configuration')
    assert content(str(tmp_path / 'configuration')) == b'sshd=service|status|enabled\n'


def test_the_virtual_keys_are_plain_keys_in_any_other_db(dbpath):
    # only the destination's configuration DB opened by name derives them (Database.open)
    write_db(dbpath, b'SystemName=old\n')
    db = esmithdb.Database(dbpath, readonly=False)
    for key in ('SystemName', 'DomainName', 'TimeZone'):
        db.set_value(key, 'new')
    assert esmithdb.Database(dbpath).get_value('SystemName') == 'new'
    assert esmithdb.Database(dbpath).get_value('TimeZone') == 'new'


def test_a_db_dropped_closes_the_file_it_held(dbpath):
    write_db(dbpath, b'a=t|n|0\n')
    db = esmithdb.Database(dbpath, readonly=False)
    assert held_open(dbpath) == [dbpath]
    del db
    gc.collect()
    assert held_open(dbpath) == []


def test_a_db_by_name_is_nethservers_own():
    # where NethServer 7 keeps its DBs (reference/ns7-destination.md): a bare name goes there
    assert esmithdb.resolve('accounts') == '/var/lib/nethserver/db/accounts'


def test_escapes_together_survive_a_change_of_another_prop(dbpath, fixed_time):
    # a value with an escaped newline AND an escaped pipe, a name with a newline whose
    # value has an escaped pipe: kept as read (re-formatted, the pipe would be refused)
    line = b'k=t|a|x\\ny\\|z|n\\nm|p\\|q|q|1\n'
    write_db(dbpath, line)
    db = esmithdb.Database(dbpath, readonly=False)
    assert db.get('k').props == {'a': 'x\ny|z', 'n\nm': 'p|q', 'q': '1'}
    db.set_prop('k', 'q', '2')
    assert content(dbpath) == HEADER + b'k=t|a|x\\ny\\|z|n\\nm|p\\|q|q|2\n'
