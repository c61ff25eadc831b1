"""Property-based: whatever the writer accepts, the reader gives back exactly; whatever it
refuses, it refuses before touching the file."""

import os
import shutil
import tempfile

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nethserver_migration import esmithdb

# Any code point (surrogates included), and text made of the format's special characters;
# concatenated, so that both meet in one value.
ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=6)
SPECIAL_TEXT = st.text('\\|\nn=# \t\r\x00\x85\u2028\u00e9\U0001f600\udce9', max_size=6)
TEXT = st.builds(lambda a, b: a + b, st.one_of(SPECIAL_TEXT, ANY_TEXT),
                 st.one_of(SPECIAL_TEXT, ANY_TEXT, st.just('')))


def writable(text):
    """Most of what TEXT gives is refused; this keeps its oddities but drops the refusals
    (pipes, literal backslash-n, trailing backslash, lone surrogates)."""
    text = ''.join(c for c in text if c != '|' and not '\ud800' <= c <= '\udfff')
    return text.replace('\\n', '\\N').rstrip('\\')


def writable_key(text):
    return writable(text).replace('=', '').replace('\n', '').strip().lstrip('#').strip() or 'k'


WRITABLE = TEXT.map(writable)
RECORD = st.one_of(
    st.tuples(TEXT, TEXT, st.dictionaries(TEXT, TEXT, max_size=4)),
    st.tuples(TEXT.map(writable_key), WRITABLE, st.dictionaries(WRITABLE, WRITABLE, max_size=6)))


def accepted(key, type_, props):
    try:
        esmithdb.format_record(esmithdb.Record(key, type_, props))
    except esmithdb.UnwritableValue:
        return False
    return True


def as_dict(records):
    return {k: (r.type, r.props) for k, r in records.items()}


@settings(max_examples=300, deadline=None)
@given(st.lists(RECORD, max_size=6))
@example([('k', 'a\\\nb', {'p\n': '\\\\\n\\', 'q': ''})])
@example([('k', '', {'': ''})])
def test_format_then_parse_gives_back_every_accepted_record(records):
    wanted = {}
    for key, type_, props in records:
        if accepted(key, type_, props):
            wanted[key] = esmithdb.Record(key, type_, props)
    text = esmithdb.format_db(wanted, now=0)
    # Encoded like write_file encodes it, and read back as bytes, like a real file.
    data = text.encode('utf-8', 'surrogateescape')
    back, issues = esmithdb.parse_lines(data.split(b'\n')[:-1])
    assert issues == []
    assert as_dict(back) == as_dict(wanted)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(RECORD, min_size=1, max_size=4))
def test_database_writes_what_it_accepts_and_refuses_the_rest_untouched(records):
    tmp = tempfile.mkdtemp(prefix='esmithdb-rt-')
    try:
        path = os.path.join(tmp, 'db')
        seed = b'seed=t|p|v\n'
        with open(path, 'wb') as stream:
            stream.write(seed)
        expected = {'seed': ('t', {'p': 'v'})}
        db = esmithdb.Database(path, readonly=False)
        for key, type_, props in records:
            before = os.stat(path)
            text = open(path, 'rb').read()
            ok = accepted(key, type_, props)
            try:
                db.set_record(key, type_, props)
            except esmithdb.UnwritableValue:
                assert not ok
                after = os.stat(path)
                assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
                assert open(path, 'rb').read() == text
                continue
            assert ok
            expected[key] = (type_, dict(props))
        assert as_dict(esmithdb.Database(path).reload()._records) == expected
        assert {r.key: (r.type, r.props) for r in esmithdb.Database(path).records()} == expected
        assert sorted(os.listdir(tmp)) in (['db'], ['db', 'db.lock'])
    finally:
        shutil.rmtree(tmp)


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT, TEXT)
def test_props_through_set_prop(key, prop, value):
    tmp = tempfile.mkdtemp(prefix='esmithdb-rt-')
    try:
        path = os.path.join(tmp, 'db')
        db = esmithdb.Database(path, readonly=False, must_exist=False)
        try:
            db.set_prop(key, prop, value, type_='t')
        except esmithdb.UnwritableValue:
            assert not accepted(key, 't', {prop: value})
            assert os.listdir(tmp) == []
            return
        assert esmithdb.Database(path).get_prop(key, prop) == value
    finally:
        shutil.rmtree(tmp)


def test_the_strategies_reach_both_sides():
    """Guard against a vacuous property: plain text is accepted, pipes are not."""
    assert accepted('alice', 'user', {'Desc': 'multi\nline \\ back\\slash \u00e9'})
    assert not accepted('alice', 'user', {'Desc': 'a|b'})
