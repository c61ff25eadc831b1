r"""The pyparsing grammar is the definition; the reader's fast split must agree with it.

split_fields (one re.split) == split_fields_by_grammar (the pyparsing VALUE grammar) ==
Perl's split /(?<!\\)\|/, -1, on any raw value, backslashes and pipes included.
"""

import os

import pyparsing as pp
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nethserver_migration import esmithdb

# Small alphabets make the interesting neighbours (\\|, \|, ||, trailing |) frequent.
TRICKY = st.text(alphabet='\\|na= \t\r#\u00e9', max_size=40)
ANY = st.text(max_size=60).map(lambda s: s.replace('\n', ''))


def perl_split(raw):
    """Perl's split on unescaped pipes, limit -1, written out by hand: a third opinion."""
    fields, current = [], []
    for i, char in enumerate(raw):
        if char == '|' and (i == 0 or raw[i - 1] != '\\'):
            fields.append(''.join(current))
            current = []
        else:
            current.append(char)
    fields.append(''.join(current))
    return fields


SPLIT_CASES = [
    ('', ['']),
    ('a', ['a']),
    ('|', ['', '']),
    ('a||b|x', ['a', '', 'b', 'x']),
    ('a|b|', ['a', 'b', '']),
    ('a|b||', ['a', 'b', '', '']),
    ('\\|', ['\\|']),
    ('a\\|b|c', ['a\\|b', 'c']),
    ('a\\\\|b', ['a\\\\|b']),
    ('\\||', ['\\|', '']),
    ('|\\|', ['', '\\|']),
    ('a\\', ['a\\']),
    ('a\\b|c', ['a\\b', 'c']),
]


@pytest.mark.parametrize('raw,fields', SPLIT_CASES)
def test_split_table(raw, fields):
    assert esmithdb.split_fields(raw) == fields
    assert esmithdb.split_fields_by_grammar(raw) == fields
    assert perl_split(raw) == fields


@settings(max_examples=500, deadline=None)
@given(st.one_of(TRICKY, ANY))
@example('\\\\\\|')
@example('|||')
@example('\\')
def test_fast_split_equals_grammar(raw):
    fast = esmithdb.split_fields(raw)
    assert fast == esmithdb.split_fields_by_grammar(raw)
    assert fast == perl_split(raw)
    # Joining back with the separators gives the raw value: nothing lost or added.
    assert '|'.join(fast) == raw


@settings(max_examples=300, deadline=None)
@given(st.one_of(TRICKY, ANY), st.one_of(TRICKY, ANY))
def test_line_grammar_splits_at_first_equals(key, raw):
    key = key.replace('=', '')
    line = '{}={}'.format(key, raw)
    records, issues = esmithdb.parse_lines([line])
    stripped = key.lstrip(' \t\r\f\v')
    if stripped.startswith('#'):
        assert records == {} and issues == []          # a comment
    elif key == '':
        assert records == {} and len(issues) == 1      # '=...' has no key
    else:
        assert issues == []
        assert list(records) == [key]
        record = records[key]
        fields = esmithdb.split_fields(raw.replace('\\n', '\n'))
        assert record.type == fields[0]


def test_grammar_elements_are_named_and_parse_lines():
    parse = getattr(esmithdb.LINE, 'parse_string', None) or esmithdb.LINE.parseString
    assert list(parse('k=t|p|v')) == ['k', 't|p|v']
    assert list(parse('  # comment')) == []
    assert list(parse('')) == []
    assert list(parse('k=')) == ['k', '']
    with pytest.raises(pp.ParseException):
        parse('no equals here')
    with pytest.raises(pp.ParseException):
        parse('=no key')
    # each element named (pyparsing's messages and a debugger show the names)
    e = esmithdb
    assert [str(x) for x in (e.KEY, e.EQUALS, e.RAW_VALUE, e.RECORD, e.COMMENT, e.BLANK,
                             e.LINE, e.FIELD, e.PIPE, e.VALUE, e.RECORD_LINE,
                             e.COMMENT_LINE, e.BLANK_LINE, e.FILE)] == [
        'key', '"="', 'value', 'record', 'comment', 'blank line', 'line', 'field', '"|"',
        'fields', 'record line', 'comment line', 'blank line', 'file']
    assert str(e.FILE.expr) == 'line'                   # the one inside FILE's repetition


def test_grammar_is_really_pyparsing():
    assert isinstance(esmithdb.LINE, pp.ParserElement)
    assert isinstance(esmithdb.VALUE, pp.ParserElement)


def test_no_deprecated_pyparsing_call(tmp_path):
    """Our grammar and reader call nothing that pyparsing (2.4 or 3.x) deprecates: with
    every DeprecationWarning an error (after pyparsing's own import), build, read, write."""
    import subprocess
    import sys
    db = tmp_path / 'db'
    db.write_text('a=t|p|v\\|w\n# c\n\nb=x\n')
    code = ('import warnings, pyparsing\n'
            'warnings.simplefilter("error")\n'
            'from nethserver_migration import esmithdb\n'
            'd = esmithdb.Database({!r}, readonly=False)\n'
            'assert d.get("a").prop("p") == "v|w"\n'
            'assert esmithdb.split_fields_by_grammar("a|b\\\\|c") == ["a", "b\\\\|c"]\n'
            'd.set_prop("b", "q", "1")\n').format(str(db))
    lib = os.path.join(os.path.dirname(__file__), '..', '..', 'root', 'usr', 'lib', 'python3.6',
                       'site-packages')
    proc = subprocess.run([sys.executable, '-c', code], env=dict(os.environ, PYTHONPATH=lib),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    assert proc.returncode == 0, proc.stdout


def by_line_grammar(text):
    """The reference reader: the LINE grammar on each line, last key wins."""
    parse = getattr(esmithdb.LINE, 'parse_string', None) or esmithdb.LINE.parseString
    records, bad = {}, []
    for lineno, line in enumerate(text.split('\n')[:-1], 1):
        try:
            tokens = parse(line)
        except pp.ParseException:
            bad.append(lineno)
            continue
        if tokens:
            records[tokens[0]] = tokens[1]
    return records, bad


LINES = st.lists(st.one_of(
    st.tuples(TRICKY.map(lambda k: k.replace('=', '')), TRICKY).map(lambda kv: '='.join(kv)),
    TRICKY, st.just(''), st.just('  # a comment = x'), st.just('no equals')), max_size=12)


@settings(max_examples=400, deadline=None)
@given(LINES)
@example(['a=b', 'bad line', 'c=d', '', '=e', 'f=g'])
def test_whole_file_pass_equals_the_line_grammar(lines):
    text = ''.join(line.replace('\n', '') + '\n' for line in lines)
    want, bad = by_line_grammar(text)
    records, issues = esmithdb.parse_text(text)
    assert dict((k, r.raw) for k, r in records.items()) == want
    assert [i.lineno for i in issues] == bad
