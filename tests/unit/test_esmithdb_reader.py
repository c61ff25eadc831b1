"""esmithdb reads like NethServer's Perl (esmith::config::_readconf + esmith::DB::db::Record).

A table: raw lines (bytes, as in the file) -> records {key: (type, props)} and the line
numbers reported as unreadable.
"""

import pytest

from nethserver_migration import esmithdb

# id, file lines (bytes, without their '\n'), expected records, expected issue line numbers
CASES = [
    ('simple', [b'foo=bar'], {'foo': ('bar', {})}, []),
    ('split at first =', [b'tricky value=with=equals.', b'k=t|p|a=b=c'],
     {'tricky value': ('with=equals.', {}), 'k': ('t', {'p': 'a=b=c'})}, []),
    ('blank lines ignored', [b'', b'   ', b'\t', b'a=b', b''], {'a': ('b', {})}, []),
    ('comments ignored', [b'# a comment', b'#x=y', b'    # indented = comment', b'\t#tab',
                          b'a=b'], {'a': ('b', {})}, []),
    ('hash inside key is a key', [b'a#b=c'], {'a#b': ('c', {})}, []),
    ('duplicate key, last wins', [b'a=t|p|1|q|2', b'b=x', b'a=u|p|3'],
     {'a': ('u', {'p': '3'}), 'b': ('x', {})}, []),
    ('type only', [b'MinUid=5000', b'AdminEmail='],
     {'MinUid': ('5000', {}), 'AdminEmail': ('', {})}, []),
    ('props', [b'k=service|status|enabled|InitscriptOrder|65'],
     {'k': ('service', {'status': 'enabled', 'InitscriptOrder': '65'})}, []),
    ('odd field count: last prop empty',
     [b'w=host|ExternalIP|InternalIP|MACAddress||Visibility|self'],
     {'w': ('host', {'ExternalIP': 'InternalIP', 'MACAddress': '', 'Visibility': 'self'})},
     []),
    ('single dangling prop', [b'k=t|lonely'], {'k': ('t', {'lonely': ''})}, []),
    # a property with an empty name is hidden (nobody can use it); the raw text keeps it
    ('empty values', [b'k=a||b|x'], {'k': ('a', {'x': ''})}, []),
    ('empty values in props', [b'k=t|a||b|x'], {'k': ('t', {'a': '', 'b': 'x'})}, []),
    ('trailing empty fields kept', [b'k=t|a|'], {'k': ('t', {'a': ''})}, []),
    ('trailing empty fields kept, even count', [b'k=t|a||'], {'k': ('t', {'a': ''})}, []),
    ('trailing pipe', [b'key=type|Name|x|'], {'key': ('type', {'Name': 'x'})}, []),
    ('no type', [b'k=|p|v'], {'k': ('', {'p': 'v'})}, []),
    ('duplicate prop, last wins', [b'k=t|p|1|p|2'], {'k': ('t', {'p': '2'})}, []),
    ('escaped pipe', [b'Pipe=art|pipe|this is not a \\| got that?'],
     {'Pipe': ('art', {'pipe': 'this is not a | got that?'})}, []),
    # Perl splits with /(?<!\\)\|/: a pipe after ANY backslash is no separator, so \\| keeps
    # the pipe in the field, and then \| -> | leaves one backslash.
    ('backslash backslash pipe', [b'k=t|p|a\\\\|b|q|c'],
     {'k': ('t', {'p': 'a\\|b', 'q': 'c'})}, []),
    ('escaped pipe in the type stays', [b'k=a\\|b|p|v'], {'k': ('a\\|b', {'p': 'v'})}, []),
    ('escaped pipe in a prop name stays', [b'k=t|a\\|b|v'], {'k': ('t', {'a\\|b': 'v'})}, []),
    ('escaped pipe at the end', [b'k=t|p|v\\|'], {'k': ('t', {'p': 'v|'})}, []),
    ('newline escape', [b'Haiku=poem|words|one\\ntwo\\nthree'],
     {'Haiku': ('poem', {'words': 'one\ntwo\nthree'})}, []),
    ('newline escape in type and key-only value', [b'k=a\\nb'], {'k': ('a\nb', {})}, []),
    ('backslash before the newline escape', [b'k=t|p|a\\\\nb'],
     {'k': ('t', {'p': 'a\\\nb'})}, []),
    ('lone backslashes stay', [b'k=t|p|C:\\dir\\x'], {'k': ('t', {'p': 'C:\\dir\\x'})}, []),
    ('whitespace is not trimmed', [b' k =  t | p | v '],
     {' k ': ('  t ', {' p ': ' v '})}, []),
    ('utf-8', ['k=user|FirstName|Jos\u00e9|LastName|\u5c71\u7530'.encode('utf-8')],
     {'k': ('user', {'FirstName': 'Jos\u00e9', 'LastName': '\u5c71\u7530'})}, []),
    ('latin-1 line', [b'k=user|FirstName|Jos\xe9|LastName|M\xfcller'],
     {'k': ('user', {'FirstName': 'Jos\u00e9', 'LastName': 'M\u00fcller'})}, []),
    ('latin-1 key', [b'caf\xe9=t|Name|\xe9t\xe9'], {'caf\u00e9': ('t', {'Name': '\u00e9t\u00e9'})},
     []),
    ('latin-1 and utf-8 lines decoded each on its own',
     [b'a=t|n|Jos\xe9', 'b=t|n|Jos\u00e9'.encode('utf-8')],
     {'a': ('t', {'n': 'Jos\u00e9'}), 'b': ('t', {'n': 'Jos\u00e9'})}, []),
    ('any byte: never a crash', [bytes(range(0x80, 0x100)).replace(b'|', b'') + b'=x'],
     {bytes(range(0x80, 0x100)).decode('latin-1'): ('x', {})}, []),
    ('NUL and control bytes', [b'k\x00=t|p|\x01\x1b[0m'], {'k\x00': ('t', {'p': '\x01\x1b[0m'})},
     []),
    ('tabs kept', [b'k\t=\tt|p|\tv'], {'k\t': ('\tt', {'p': '\tv'})}, []),
    # Perl's chomp removes "\n" only: a CR stays at the end of the last field.
    ('CRLF: CR kept', [b'a=b\r', b'c=t|p|v\r'], {'a': ('b\r', {}), 'c': ('t', {'p': 'v\r'})},
     []),
    ('CR-only line is blank', [b'\r', b'a=b'], {'a': ('b', {})}, []),
    ('comment with CR', [b'# header\r', b'a=b'], {'a': ('b', {})}, []),
    ('line without =', [b'a=b', b'garbage', b'c=d'], {'a': ('b', {}), 'c': ('d', {})}, [2]),
    ('line with empty key', [b'=value', b'a=b'], {'a': ('b', {})}, [1]),
    ('ini-like lines', [b'[passwd]', b'0  root  0', b'', b'# c', b'k=v', b'1 bin 1'],
     {'k': ('v', {})}, [1, 2, 6]),
    ('bad latin-1 line reported', [b'ok=1', b'caf\xe9 au lait', b'x=2'],
     {'ok': ('1', {}), 'x': ('2', {})}, [2]),
]


@pytest.mark.parametrize('lines,expected,issue_lines', [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_reader_table(lines, expected, issue_lines):
    records, issues = esmithdb.parse_lines(lines, path='/x/db')
    assert {k: (r.type, r.props) for k, r in records.items()} == expected
    assert [i.lineno for i in issues] == issue_lines
    for issue in issues:
        assert issue.path == '/x/db'
        assert str(issue).startswith('/x/db:{}:'.format(issue.lineno))
    for key, record in records.items():
        assert record.key == key


@pytest.mark.parametrize('lines,expected,issue_lines', [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_reader_table_through_a_file(tmp_path, lines, expected, issue_lines):
    """The same, from a file on disk, through Database (which never raises on bad lines)."""
    path = tmp_path / 'db'
    path.write_bytes(b'\n'.join(lines) + b'\n')
    db = esmithdb.Database(str(path))
    assert {r.key: (r.type, r.props) for r in db.records()} == expected
    assert [(i.path, i.lineno) for i in db.issues] == [(str(path), n) for n in issue_lines]


def test_str_lines_are_read_too():
    records, issues = esmithdb.parse_lines(['a=t|p|v\n', 'b=x'])
    assert records['a'].props == {'p': 'v'} and records['b'].type == 'x' and not issues


def test_last_line_without_newline(tmp_path):
    path = tmp_path / 'db'
    path.write_bytes(b'a=1\nb=t|p|2')
    records, issues = esmithdb.read_file(str(path))
    assert records['b'].props == {'p': '2'} and len(records) == 2 and not issues


def test_file_ending_in_blank_lines(tmp_path):
    path = tmp_path / 'db'
    path.write_bytes(b'a=1\n\n\n')
    records, issues = esmithdb.read_file(str(path))
    assert list(records) == ['a'] and not issues


def test_issue_names_file_line_and_text(tmp_path):
    path = tmp_path / 'accounts'
    path.write_bytes(b'# header\nalice=user|Uid|5001\nthis is broken\nbob=user|Uid|5002\n')
    records, issues = esmithdb.read_file(str(path))
    assert sorted(records) == ['alice', 'bob']
    assert len(issues) == 1
    message = str(issues[0])
    assert str(path) in message and ':3:' in message and 'this is broken' in message


def test_missing_file_is_a_db_error(tmp_path):
    with pytest.raises(esmithdb.DbError, match='nosuch'):
        esmithdb.read_file(str(tmp_path / 'nosuch'))


def test_big_line_and_many_props():
    props = {'P{:03d}'.format(i): 'v' * i for i in range(300)}
    raw = 'k=t|' + '|'.join('{}|{}'.format(k, v) for k, v in sorted(props.items()))
    records, issues = esmithdb.parse_lines([raw.encode()])
    assert records['k'].props == props and not issues


def test_record_helpers():
    record = esmithdb.Record('k', 't', {'a': '1'})
    assert record.prop('a') == '1' and record.prop('b') is None and record.prop('b', 'x') == 'x'
    assert record == esmithdb.Record('k', 't', {'a': '1'})
    assert record != esmithdb.Record('k', 't', {'a': '2'})
    assert record != esmithdb.Record('k', 'u', {'a': '1'})
    assert record != esmithdb.Record('j', 't', {'a': '1'})
    assert repr(record) == "Record('k', 't', {'a': '1'})"
    assert (record.raw, record.latin1) == (None, False)      # made here: written as UTF-8


# -- the reader's edges -------------------------------------------------------------------

@pytest.mark.parametrize('raw, type_, props', [
    ('t|a|1|b', 't', {'a': '1', 'b': ''}),                  # an odd last name gets ''
    ('t|a|1|b|2', 't', {'a': '1', 'b': '2'}),
    ('t|a\\|x|1|b', 't', {'a\\|x': '1', 'b': ''}),        # escaped: values are unescaped, names not
    ('t|a|x\\|y|b', 't', {'a': 'x|y', 'b': ''}),
    ('t|a|1|', 't', {'a': '1'}),                           # an empty name is not shown
    ('t', 't', {})])
def test_parse_raw_value(raw, type_, props):
    record = esmithdb.parse_raw_value('k', raw)
    assert (record.key, record.type, record.props, record.raw, record.latin1) == (
        'k', type_, props, raw, False)


def test_a_line_it_cannot_read_names_its_file_and_number():
    records, issues = esmithdb.parse_text('a=t\nno equals here\nb=t\n')
    assert sorted(records) == ['a', 'b']
    assert [str(i) for i in issues] == ["<text>:2: not a key=value line ('no equals here')"]
    assert repr(issues[0]) == str(issues[0])
    assert (issues[0].path, issues[0].lineno, issues[0].text, issues[0].reason) == (
        '<text>', 2, 'no equals here', 'not a key=value line')
    long_line = 'x' * 100
    (issue,) = esmithdb.parse_lines([long_line])[1]
    assert str(issue) == '<text>:1: not a key=value line ({!r})'.format('x' * 60)


def test_parse_lines_takes_lines_with_or_without_their_newline():
    assert esmithdb.parse_lines([]) == ({}, [])
    with_nl = esmithdb.parse_lines(['a=t|p|1\n', 'b=t\n'])
    without = esmithdb.parse_lines(['a=t|p|1', 'b=t'])
    assert with_nl == without
    assert with_nl[0]['a'] == esmithdb.Record('a', 't', {'p': '1'})
    records, issues = esmithdb.parse_lines([b'c=t|n|caf\xe9', 'bad\n'], path='db')
    assert (records['c'].props, records['c'].latin1) == ({'n': 'caf\u00e9'}, True)
    assert [str(i) for i in issues] == ["db:2: not a key=value line ('bad')"]


def test_read_file_says_which_file_and_why(tmp_path):
    missing = str(tmp_path / 'nosuch')
    with pytest.raises(esmithdb.DbError) as caught:
        esmithdb.read_file(missing)
    assert str(caught.value) == 'cannot read DB {}: No such file or directory'.format(missing)
    with pytest.raises(esmithdb.DbError) as caught:
        esmithdb.read_file(str(tmp_path))
    assert str(caught.value) == 'cannot read DB {}: Is a directory'.format(tmp_path)


def test_parse_bytes_a_last_line_without_its_newline():
    records, issues = esmithdb.parse_bytes(b'a=t|p|1\nb=t|q|2')
    assert records['b'] == esmithdb.Record('b', 't', {'q': '2'})
    records, issues = esmithdb.parse_bytes(b'a=t\nbad')
    assert [str(i) for i in issues] == ["<bytes>:2: not a key=value line ('bad')"]
    # not UTF-8: line by line, the same rule
    records, issues = esmithdb.parse_bytes(b'a=t|n|caf\xe9\nbad')
    assert records['a'].latin1 and [str(i) for i in issues] == [
        "<bytes>:2: not a key=value line ('bad')"]
    assert esmithdb.parse_bytes(b'') == ({}, [])


def test_parse_lines_numbers_lines_as_given():
    # lines that end with their newline count once each: the bad one is line 2
    records, issues = esmithdb.parse_lines(['a=t\n', 'no equals X\n', b'c=t|n|caf\xe9\n'])
    assert [(i.lineno, i.text) for i in issues] == [(2, 'no equals X')]
    assert (records['a'].latin1, records['c'].latin1) == (False, True)
