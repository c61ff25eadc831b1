"""sync-maildirs: the command line, the source's listing, and the three-way merge as
mbsync's tests do it: each case a table (source, this server, the last sync's state ->
this server and the state after), run through Run with a double of the door that holds
both sides in memory; then the same case interrupted before each of its operations and
run again, which must end exactly where the uninterrupted run does."""

import collections
import io

import pytest

from nethserver_migration import maildir as md
from nethserver_migration import maildir_sync as ms
from nethserver_migration import rsync_migrate as rm
from nethserver_migration.sourcehost import Result

DOMAIN = 'example.com'
JUNK_MAP = {'.junkmail': '.Junk'}


# -- the command line --------------------------------------------------------------------------

@pytest.mark.parametrize('argv, expected', [
    (['-s', 'sme'], ms.Options(host='sme')),
    (['-s', 'root@sme'], ms.Options(host='sme')),
    (['-p', '2222', '-s', '10.0.0.2'], ms.Options(host='10.0.0.2', port=2222)),
    (['-p2222', '-s10.0.0.2'], ms.Options(host='10.0.0.2', port=2222)),
    (['-ns', 'sme', '-t', 'ns6'], ms.Options(host='sme', dry_run=True, kind='ns6')),
    (['-s', 'sme', '-y', '--dry-run'], ms.Options(host='sme', yes=True, dry_run=True)),
    (['-h'], ms.Options(help=True)),
    (['--help', '-s'], ms.Options(help=True)),     # help wins over a half line
    (['-s', 'fe80::1%eth0'], ms.Options(host='fe80::1%eth0')),
    (['-nh'], ms.Options(help=True, dry_run=True)),
    (['--yes', '-s', 'sme'], ms.Options(host='sme', yes=True)),
    (['--dry-run', '-s', 'sme', '-p', '1'], ms.Options(host='sme', dry_run=True, port=1)),
    (['-s', 'sme', '-p', '65535'], ms.Options(host='sme', port=65535)),
    (['-ys', 'sme', '-tns6'], ms.Options(host='sme', yes=True, kind='ns6')),
])
def test_command_lines(argv, expected):
    assert ms.parse_args(argv) == expected


@pytest.mark.parametrize('argv, says', [
    ([], 'the source is missing: -s HOST'),
    (['-n'], 'the source is missing: -s HOST'),
    (['-s'], '-s needs a value'),
    (['-s', 'sme', '-p'], '-p needs a value'),
    (['-s', 'sme', '-p', '0'], "'0' is not a port (1-65535)"),
    (['-s', 'sme', '-p', '65536'], "'65536' is not a port (1-65535)"),
    (['-s', 'sme', '-p', 'ssh'], "'ssh' is not a port (1-65535)"),
    (['-s', 'sme', '-t', 'sme9'], "-t takes sme8 or ns6, not 'sme9'"),
    (['-s', 'a b'], "'a b' is not a host name or address"),
    (['-s', 'u@sme'], "'u@sme' is not a host name or address"),
    (['-s', '-x'], "'-x' is not a host name or address"),
    (['-s', 'sme', '-x'], 'unknown option -x'),
    (['-s', 'sme', 'extra'], "unexpected argument 'extra'"),
    (['-s', 'sme', '--delete'], "unexpected argument '--delete'"),
    (['-s', 'sme', '-'], "unexpected argument '-'"),
])
def test_bad_command_lines(argv, says):
    with pytest.raises(rm.Usage) as exc:
        ms.parse_args(argv)
    assert str(exc.value) == says


def test_exit_statuses_are_the_documented_numbers():
    assert (ms.EXIT_OK, ms.EXIT_FAILED, ms.EXIT_USAGE, ms.EXIT_CONNECT, ms.EXIT_BUSY,
            ms.EXIT_INTERRUPTED) == (0, 1, 2, 3, 7, 130)
    assert repr(ms.Options(host='sme')) == ("Options(host='sme', port=22, dry_run=False, "
                                            "kind='sme8', yes=False, help=False)")


def test_main_usage_and_help(capsys):
    assert ms.main(['-s'], door=object()) == ms.EXIT_USAGE
    assert capsys.readouterr().err == \
        'sync-maildirs: -s needs a value (sync-maildirs -h for help)\n'
    out = io.StringIO()
    assert ms.main(['-h'], door=object(), stream=out) == ms.EXIT_OK
    text = out.getvalue()
    assert text == ms.HELP
    for status in ('  0  every', '  1  some', '  2  bad usage', '  3  no connection',
                   '  7  another', '  130 interrupted'):
        assert status in text


def test_the_doc_directory_script_runs_the_command():
    import os
    top = os.path.join(os.path.dirname(__file__), '..', '..')
    with open(os.path.join(top, 'sync_maildirs.sh')) as f:
        lines = [l for l in f.read().splitlines() if l and not l.startswith('#')]
    assert lines == ['exec /usr/sbin/sync-maildirs "$@"']
    with open(os.path.join(top, 'nethserver-migration.spec')) as f:
        assert '%doc sync_maildirs.sh\n' in f.read()


# -- the listing ------------------------------------------------------------------------------

def listing(*records):
    return b''.join(r.encode('utf-8') + b'\0' for rec in records for r in rec)


def test_a_listing_is_parsed_mailbox_by_mailbox():
    data = listing(
        ['U', 'admin', '/home/e-smith'], ['D'], ['M', './cur', '1.a:2,S', '10'], ['E'],
        ['U', 'alice', '/home/e-smith/files/users/alice'], ['D'],
        ['M', './new', '2.b', '20'], ['M', './.Sent/cur', '3.c:2,RS', '30'],
        ['M', './.junkmail/cur', '4.d:2,', '40'],
        ['M', './tmp', '5.e', '1'],                    # tmp/ is not mail
        ['M', './.Sent/tmp', '6.f', '1'],
        ['M', './cur/sub', '7.g', '1'],                # a directory inside cur/
        ['M', './../cur', '8.h', '1'], ['M', './..x/cur', '9.i', '1'],
        ['M', './cur', '10.j', 'big'],
        ['S', 'subscriptions', 'Sent\njunkmail\n'],
        ['S', 'courierimapsubscribed', 'INBOX.Archive\nINBOX.Sent\n'],
        ['V', 'rules.sieve', '120', '1600000000.5'], ['V', 'bad', 'x', '1'],
        ['A', 'sieve/rules.sieve'], ['E'],
        ['U', 'bob', '/home/e-smith/files/users/bob'], ['A', '/etc/shadow'], ['E'], ['Z'])
    admin, alice, bob = ms.parse_listing(data)
    assert admin == ms.SourceBox('admin', '/home/e-smith',
                                 {'': {'1.a': ms.Msg('cur', '1.a:2,S', 10)}}, [], [], {}, None,
                                 True)
    assert alice.folders == {
        '': {'2.b': ms.Msg('new', '2.b', 20)},
        '.Sent': {'3.c': ms.Msg('cur', '3.c:2,RS', 30)},
        '.junkmail': {'4.d': ms.Msg('cur', '4.d:2,', 40)},
        '..x': {'9.i': ms.Msg('cur', '9.i', 1)}}
    assert alice.subscriptions == ['Sent', 'junkmail', 'Archive']
    assert alice.sieve == {'rules.sieve': (120, 1600000000)}
    assert alice.active == 'rules.sieve' and alice.has_maildir
    assert bob.active is None and bob.folders == {} and not bob.has_maildir


def test_a_cut_listing_is_an_error():
    whole = listing(['U', 'alice', '/h'], ['M', './cur', '1.a', '1'], ['E'], ['Z'])
    assert len(ms.parse_listing(whole)) == 1
    for end in range(len(whole) - 2):
        with pytest.raises(ms.ListingError):
            ms.parse_listing(whole[:end])
    with pytest.raises(ms.ListingError):
        ms.parse_listing(listing(['M', './cur', '1.a', '1'], ['Z']))
    with pytest.raises(ms.ListingError):
        ms.parse_listing(listing(['U', 'a', '/h'], ['Q', 'x'], ['E'], ['Z']))


def test_hard_links_to_files_outside_the_mailbox_are_not_copied():
    data = listing(
        ['U', 'eve', '/home/e-smith/files/users/eve'],
        ['H', './cur', '1.shadow:2,S', '900', '2', '77'],        # one link elsewhere
        ['H', './cur', '2.twin:2,S', '50', '2', '88'],           # both links listed:
        ['H', './.Archive/cur', '2.twin:2,S', '50', '2', '88'],  # Dovecot's hard copy
        ['M', './cur', '3.plain', '5'], ['E'], ['Z'])
    (eve,) = ms.parse_listing(data)
    assert eve.folders == {'': {'2.twin': ms.Msg('cur', '2.twin:2,S', 50),
                                '3.plain': ms.Msg('cur', '3.plain', 5)},
                           '.Archive': {'2.twin': ms.Msg('cur', '2.twin:2,S', 50)}}
    assert eve.skipped == [('Maildir/cur/1.shadow:2,S',
                            'a hard link to a file outside the mailbox: not copied')]


def test_two_files_of_one_message_keep_the_first():
    data = listing(['U', 'a', '/h'], ['M', './cur', '1.x:2,S', '5'],
                   ['M', './new', '1.x', '5'], ['E'], ['Z'])
    (box,) = ms.parse_listing(data)
    assert box.folders == {'': {'1.x': ms.Msg('cur', '1.x:2,S', 5)}}
    assert box.skipped == [('Maildir/new/1.x', 'a second file of the same message in this '
                                               'folder: not copied')]


def test_non_utf8_names_come_through_unchanged():
    import os
    raw = b'U\0a\0/h\0M\0./cur\0' + b'1.\xff:2,S' + b'\0' + b'3\0E\0Z\0'
    (box,) = ms.parse_listing(raw)
    (msg,) = box.folders[''].values()
    assert os.fsencode(msg.name) == b'1.\xff:2,S'


# -- the door double: both sides in memory ----------------------------------------------------------

def body(base):
    return 'message {}\n'.format(base).encode('ascii')


class Door(object):
    """sync-maildirs' door with the source and this server in memory.
    source: {user: {folder: [names as 'cur/1.a:2,S']}}; here: {mailbox: the same};
    states: {mailbox: state}.  interrupt_at: the operation (1..) before which the run is
    killed; ops counts them (every change, every message placed, every state save)."""

    def __init__(self, source, here=None, states=None, staged=None, users=None,
                 sieve=None, sieve_here=None, active_here=(), subscriptions=None,
                 interrupt_at=None, fail=()):
        self.source = source
        self.here = dict((box, dict((f, dict((_split(n), body(md.base(n.split('/', 1)[1])))
                                             for n in names))
                                    for f, names in folders.items()))
                         for box, folders in (here or {}).items())
        self.states = dict(states or {})
        self.staged = staged or {}
        self.users = set(source) if users is None else set(users)
        self.sieve = sieve or {}
        self.sieve_here = dict((k, dict(v)) for k, v in (sieve_here or {}).items())
        self.active_here = set(active_here)
        self.subs_source = subscriptions or {}
        self.subscribed = collections.defaultdict(list)
        self.activated = {}
        self.interrupt_at = interrupt_at
        self.fail = set(fail)
        self.ops = 0
        self.lines = []
        self.sources = {}
        self.no_maildir = set()
        self.prepared = []

    def tick(self):
        self.ops += 1
        if self.interrupt_at is not None and self.ops == self.interrupt_at:
            raise rm.Interrupted('test')

    # contact (rsync-migrate's, tested there)
    def ensure_key(self):
        return False

    def pinned(self):
        return True

    def connect(self):
        return Result(True, None, '')

    def log(self, line):
        self.lines.append(line)

    def isatty(self):
        return False

    def close(self):
        pass

    # this server
    def owner(self):
        return (5000, 5000)

    def domain(self):
        return DOMAIN

    def folder_map(self):
        return dict(JUNK_MAP)

    def user_exists(self, user, mailbox):
        return user in self.users

    def list_source(self, kind):
        boxes = []
        for user in sorted(self.source):
            folders = {}
            for folder, names in self.source[user].items():
                for name in names:
                    sub, file = name.split('/', 1)
                    folders.setdefault(folder, {})[md.base(file)] = ms.Msg(
                        sub, file, len(body(md.base(file))))
            boxes.append(ms.SourceBox(user, '/home/e-smith/files/users/' + user, folders,
                                      [], list(self.subs_source.get(user, [])),
                                      dict(self.sieve.get(user, {})), None,
                                      user not in self.no_maildir))
        return boxes

    def list_mailbox(self, mailbox):
        out = {}
        for folder, files in self.here.get(mailbox, {}).items():
            out[folder] = dict((md.base(name), ms.Msg(sub, name, 0))
                               for (sub, name) in files)
        return out

    def staged_folders(self, user):
        return dict((f, dict((md.base(n.split('/', 1)[1]), ms.Msg(*(n.split('/', 1) + [0])))
                             for n in names)) for f, names in self.staged.get(user, {}).items())

    def list_sieve(self, mailbox):
        return dict(self.sieve_here.get(mailbox, {}))

    def has_active_sieve(self, mailbox):
        return mailbox in self.active_here

    def load_state(self, mailbox):
        import copy
        if mailbox not in self.states:
            return None
        source = self.sources.get(mailbox, 'sme:/home/e-smith/files/users/' +
                                  mailbox.split('@')[0])
        return source, copy.deepcopy(self.states[mailbox])

    def save_state(self, mailbox, source, state):
        self.tick()
        import copy
        self.states[mailbox] = copy.deepcopy(state)
        self.sources[mailbox] = source

    def prepare_mailbox(self, mailbox, new_folders):
        self.prepared.append((mailbox, list(new_folders)))
        if mailbox in self.fail:
            raise OSError(13, 'Permission denied')
        box = self.here.setdefault(mailbox, {})
        for folder in [''] + list(new_folders):
            box.setdefault(folder, {})

    def change(self, mailbox, step):
        self.tick()
        box = self.here[mailbox]
        old_folder = step.old_key[0] if isinstance(step, ms.Move) else step.key[0]
        old = _split(step.old)
        if old not in box.get(old_folder, {}):
            return False, None
        data = box[old_folder].pop(old)
        if not isinstance(step, ms.Remove):
            box.setdefault(step.key[0], {})[_split(step.new)] = data
        return True, None

    def fetch(self, mailbox, home, copies, placed):
        user = mailbox.split('@')[0]
        assert home == '/home/e-smith/files/users/' + user
        for step in copies:
            self.tick()
            if isinstance(step, ms.SieveCopy):
                assert step.src == 'sieve/' + step.name
                assert step.size == self.sieve[user][step.name][0]
            else:
                folder = [f for f, names in self.source[user].items()
                          if step.sub + '/' + step.name in names][0]
                assert step.src == 'Maildir/' + (folder + '/' if folder else '') + \
                    step.sub + '/' + step.name
                assert step.size == len(body(step.key[1]))
            if isinstance(step, ms.SieveCopy):
                self.sieve_here.setdefault(mailbox, {})[step.name] = \
                    self.sieve[mailbox.split('@')[0]][step.name]
            else:
                self.here[mailbox].setdefault(step.key[0], {})[(step.sub, step.name)] = \
                    body(step.key[1])
            placed(step.key, True, None)
        return None

    def subscribe(self, mailbox, folders):
        self.subscribed[mailbox] += [f for f in folders if f not in self.subscribed[mailbox]]

    def activate_sieve(self, mailbox, script):
        self.activated[mailbox] = script

    # what a test compares
    def view(self, mailbox='alice@' + DOMAIN):
        return dict((f, sorted('{}/{}'.format(s, n) for s, n in files))
                    for f, files in self.here.get(mailbox, {}).items() if files)


def _split(name):
    sub, file = name.split('/', 1)
    return sub, file


def sync(door, *argv):
    out = io.StringIO()
    opts = ms.parse_args(['-s', 'sme'] + list(argv))
    status = ms.Run(opts, door, out).run()
    return status, out.getvalue()


# -- the three-way merge, as tables -------------------------------------------------------------

S, RS, FS = 'cur/:2,S', 'cur/:2,RS', 'cur/:2,FS'

CASES = [
    # id, source {folder: names}, here, state -> here after, state after
    ('new on the source: copied',
     {'': ['cur/1.a:2,S', 'new/2.b']}, {}, None,
     {'': ['cur/1.a:2,S', 'new/2.b']}, {'': {'1.a': [S, S], '2.b': ['new/', 'new/']}}),
    ('level, no earlier sync: nothing done, the state recorded',
     {'': ['cur/1.a:2,S']}, {'': ['cur/1.a:2,S']}, None,
     {'': ['cur/1.a:2,S']}, {'': {'1.a': [S, S]}}),
    ('flags changed on the source: renamed here',
     {'': ['cur/1.a:2,RS']}, {'': ['cur/1.a:2,S']}, {'': {'1.a': [S, S]}},
     {'': ['cur/1.a:2,RS']}, {'': {'1.a': [RS, RS]}}),
    ('read on the source (new/ -> cur/): follows',
     {'': ['cur/1.a:2,S']}, {'': ['new/1.a']}, {'': {'1.a': ['new/', 'new/']}},
     {'': ['cur/1.a:2,S']}, {'': {'1.a': [S, S]}}),
    ('flags changed here: kept',
     {'': ['cur/1.a:2,S']}, {'': ['cur/1.a:2,FS']}, {'': {'1.a': [S, S]}},
     {'': ['cur/1.a:2,FS']}, {'': {'1.a': [S, FS]}}),
    ('flags changed on both sides: this server wins',
     {'': ['cur/1.a:2,RS']}, {'': ['cur/1.a:2,FS']}, {'': {'1.a': [S, S]}},
     {'': ['cur/1.a:2,FS']}, {'': {'1.a': [RS, FS]}}),
    ('after a conflict, a new change there follows if here did not change again',
     {'': ['cur/1.a:2,DRS']}, {'': ['cur/1.a:2,FS']}, {'': {'1.a': [RS, FS]}},
     {'': ['cur/1.a:2,DRS']}, {'': {'1.a': ['cur/:2,DRS', 'cur/:2,DRS']}}),
    ('flags differ with no earlier sync: kept as here',
     {'': ['cur/1.a:2,RS']}, {'': ['cur/1.a:2,FS']}, None,
     {'': ['cur/1.a:2,FS']}, {'': {'1.a': [RS, FS]}}),
    ('deleted on the source, unchanged here: removed here',
     {'': ['cur/0.stays:2,S']}, {'': ['cur/0.stays:2,S', 'cur/1.a:2,S', 'cur/2.b:2,S']},
     {'': {'0.stays': [S, S], '1.a': [S, S], '2.b': [S, S]}},
     {'': ['cur/0.stays:2,S']}, {'': {'0.stays': [S, S]}}),
    ('deleted on the source, changed here: kept, forgotten',
     {'': ['cur/0.stays:2,S']}, {'': ['cur/0.stays:2,S', 'cur/1.a:2,FS']},
     {'': {'0.stays': [S, S], '1.a': [S, S]}},
     {'': ['cur/0.stays:2,S', 'cur/1.a:2,FS']}, {'': {'0.stays': [S, S]}}),
    ('deleted here, still on the source: not copied again',
     {'': ['cur/1.a:2,S']}, {}, {'': {'1.a': [S, S]}},
     {}, {'': {'1.a': [S, S]}}),
    ('delivered here after the MX switch: kept, never in the state',
     {'': ['cur/1.a:2,S']}, {'': ['cur/1.a:2,S', 'new/9.here']}, {'': {'1.a': [S, S]}},
     {'': ['cur/1.a:2,S', 'new/9.here']}, {'': {'1.a': [S, S]}}),
    ('deleted on both sides: forgotten',
     {}, {}, {'': {'1.a': [S, S]}}, {}, {}),
    ('moved to another folder on the source: moved here, not sent again',
     {'.Archive': ['cur/1.a:2,RS']}, {'': ['cur/1.a:2,S']}, {'': {'1.a': [S, S]}},
     {'.Archive': ['cur/1.a:2,RS']}, {'.Archive': {'1.a': [RS, RS]}}),
    ('one message in two folders (a hard-linked copy), deleted from both on the source',
     {'': ['cur/0.stays:2,S']},
     {'': ['cur/0.stays:2,S', 'cur/1.a:2,S'], '.Archive': ['cur/1.a:2,S']},
     {'': {'0.stays': [S, S], '1.a': [S, S]}, '.Archive': {'1.a': [S, S]}},
     {'': ['cur/0.stays:2,S']}, {'': {'0.stays': [S, S]}}),
    ('one of the two copies moved to a third folder on the source',
     {'': ['cur/0.stays:2,S'], '.Keep': ['cur/1.a:2,S']},
     {'': ['cur/0.stays:2,S', 'cur/1.a:2,S'], '.Archive': ['cur/1.a:2,S']},
     {'': {'0.stays': [S, S], '1.a': [S, S]}, '.Archive': {'1.a': [S, S]}},
     {'': ['cur/0.stays:2,S'], '.Keep': ['cur/1.a:2,S']},
     {'': {'0.stays': [S, S]}, '.Keep': {'1.a': [S, S]}}),
    ("SME's junkmail folder is this server's spam folder",
     {'.junkmail': ['cur/1.a:2,']}, {'.Junk': []}, None,
     {'.Junk': ['cur/1.a:2,']}, {'.Junk': {'1.a': ['cur/:2,', 'cur/:2,']}}),
    ('a folder made on the source after the import: made here',
     {'': ['cur/1.a:2,S'], '.Projects.2026': ['cur/2.b:2,S']}, {'': ['cur/1.a:2,S']},
     {'': {'1.a': [S, S]}},
     {'': ['cur/1.a:2,S'], '.Projects.2026': ['cur/2.b:2,S']},
     {'': {'1.a': [S, S]}, '.Projects.2026': {'2.b': [S, S]}}),
    ('a busy mailbox: every rule at once',
     {'': ['cur/1.new:2,S', 'cur/2.flag:2,RS', 'cur/3.keep:2,S', 'cur/5.gonehere:2,S'],
      '.Sent': ['cur/7.sent:2,S']},
     {'': ['cur/2.flag:2,S', 'cur/3.keep:2,FS', 'cur/4.gonethere:2,S', 'new/6.local'],
      '.Sent': ['cur/7.sent:2,S']},
     {'': {'2.flag': [S, S], '3.keep': [S, S], '4.gonethere': [S, S],
           '5.gonehere': [S, S]}, '.Sent': {'7.sent': [S, S]}},
     {'': ['cur/1.new:2,S', 'cur/2.flag:2,RS', 'cur/3.keep:2,FS', 'new/6.local'],
      '.Sent': ['cur/7.sent:2,S']},
     {'': {'1.new': [S, S], '2.flag': [RS, RS], '3.keep': [S, FS], '5.gonehere': [S, S]},
      '.Sent': {'7.sent': [S, S]}}),
]


# What each case leaves alone, as the run says it ('  <mailbox>: N why').
COUNTS = {
    'flags changed here: kept': {},
    'flags changed on both sides: this server wins': {
        'flags changed on both sides: kept as here': 1},
    'flags differ with no earlier sync: kept as here': {
        'flags differ, no earlier sync: kept as here': 1},
    'deleted on the source, changed here: kept, forgotten': {
        'deleted on the source but changed here: kept': 1},
    'deleted here, still on the source: not copied again': {
        'deleted here, not copied again': 1},
    'delivered here after the MX switch: kept, never in the state': {'only here, kept': 1},
    'a busy mailbox: every rule at once': {
        'deleted here, not copied again': 1, 'only here, kept': 1},
}


def said_counts(out, mailbox='alice@' + DOMAIN):
    import re
    found = {}
    for line in out.splitlines():
        match = re.match(r'^sync-maildirs:   {}: (\d+) (.*)$'.format(re.escape(mailbox)), line)
        if match:
            found[match.group(2)] = int(match.group(1))
    return found


def world(case, **kw):
    _id, source, here, state, _after, _state = case
    return Door({'alice': source}, here={'alice@' + DOMAIN: here},
                states={'alice@' + DOMAIN: state} if state is not None else {}, **kw)


@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_three_way_merge(case):
    door = world(case)
    status, out = sync(door)
    assert status == ms.EXIT_OK, out
    assert door.view() == dict((f, sorted(n)) for f, n in case[4].items() if n)
    assert door.states['alice@' + DOMAIN] == case[5]
    assert said_counts(out) == COUNTS.get(case[0], {})
    # every copied message holds its own body
    for files in door.here['alice@' + DOMAIN].values():
        for (_sub, name), data in files.items():
            if not name.startswith(('6.local', '9.here')):
                assert data in (body(md.base(name)), b'kept')
    # a second run finds nothing to do and changes nothing
    before, ops = door.view(), door.ops
    status, out = sync(door)
    assert status == ms.EXIT_OK
    assert 'alice@example.com: level' in out
    assert door.view() == before and door.ops == ops + 1    # the one state save


@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_an_interrupted_run_resumes_to_the_same_end(case):
    straight = world(case)
    assert sync(straight)[0] == ms.EXIT_OK
    for at in range(1, straight.ops + 1):
        door = world(case, interrupt_at=at)
        status, out = sync(door)
        assert status == ms.EXIT_INTERRUPTED, (at, out)
        assert 'interrupted: run again, it resumes' in out
        door.interrupt_at = None
        status, out = sync(door)
        assert status == ms.EXIT_OK, (at, out)
        assert door.view() == straight.view(), at
        assert door.states == straight.states, at


def test_the_counts_say_what_was_left_alone():
    door = world(CASES[-1])
    status, out = sync(door)
    assert status == ms.EXIT_OK
    lines = out.splitlines()
    assert 'sync-maildirs: [1/1] alice@example.com: 1 to copy (14 bytes), 1 flag change, ' \
           '1 deleted on the source' in lines
    assert 'sync-maildirs:   alice@example.com: 1 deleted here, not copied again' in lines
    assert 'sync-maildirs:   alice@example.com: 1 only here, kept' in lines
    assert lines[-1] == 'sync-maildirs: summary: 1 mailboxes synced; messages: 1 copied ' \
                        '(14 bytes), 1 renamed (flags), 0 moved, 1 removed; 0 sieve ' \
                        'scripts copied'


def test_mail_delivered_here_survives_any_number_of_syncs():
    door = Door({'alice': {'': ['cur/1.a:2,S']}}, here={'alice@' + DOMAIN: {'': []}})
    for round in range(5):
        door.here['alice@' + DOMAIN][''][('new', '{}.here'.format(round))] = b'kept'
        assert sync(door)[0] == ms.EXIT_OK
    assert door.view() == {'': ['cur/1.a:2,S'] + ['new/{}.here'.format(r) for r in range(5)]}


def test_the_first_sync_takes_the_imported_copy_as_the_common_ancestor():
    # imported: 1 (unread), 2, 3.  Since: 1 read on the source; 2 deleted on the source;
    # 3 deleted here by its user (it comes back once: it cannot be told from a message
    # the import did not place, and losing that would be worse)
    door = Door({'alice': {'': ['cur/1.a:2,S', 'cur/3.c:2,S']}},
                here={'alice@' + DOMAIN: {'': ['new/1.a', 'cur/2.b:2,S']}},
                staged={'alice': {'': ['new/1.a', 'cur/2.b:2,S', 'cur/3.c:2,S']}})
    assert sync(door)[0] == ms.EXIT_OK
    assert door.view() == {'': ['cur/1.a:2,S', 'cur/3.c:2,S']}


def test_new_folders_are_subscribed_when_the_source_subscribes_them():
    door = Door({'alice': {'': [], '.Projects': ['cur/1.a:2,S'], '.junkmail': ['cur/2.b:2,'],
                           '.Old': ['cur/3.c:2,S']}},
                subscriptions={'alice': ['Projects', 'junkmail', 'Sent']})
    assert sync(door)[0] == ms.EXIT_OK
    assert door.subscribed['alice@' + DOMAIN] == ['Projects', 'Junk']


def test_sieve_scripts():
    mailbox = 'alice@' + DOMAIN
    door = Door({'alice': {}}, sieve={'alice': {'new.sieve': (10, 100), 'changed.sieve':
                                                (20, 200), 'mine.sieve': (30, 300),
                                                'deleted.sieve': (5, 50)}},
                sieve_here={mailbox: {'changed.sieve': (15, 150), 'mine.sieve': (33, 333),
                                      'local.sieve': (1, 1)}},
                states={mailbox: {'sieve': {'changed.sieve': ['15:150', '15:150'],
                                            'mine.sieve': ['30:300', '30:300'],
                                            'deleted.sieve': ['5:50', '5:50']}}})
    status, out = sync(door)
    assert status == ms.EXIT_OK, out
    assert door.sieve_here[mailbox] == {'new.sieve': (10, 100), 'changed.sieve': (20, 200),
                                        'mine.sieve': (33, 333), 'local.sieve': (1, 1)}
    assert door.states[mailbox] == {'sieve': {
        'new.sieve': ['10:100', '10:100'], 'changed.sieve': ['20:200', '20:200'],
        'mine.sieve': ['30:300', '33:333'], 'deleted.sieve': ['5:50', '5:50']}}
    assert '1 sieve scripts deleted here, not copied again' in out


def test_the_active_script_is_linked_when_this_server_has_none():
    box = ms.SourceBox('alice', '/h', {}, [], [], {'rules.sieve': (1, 1)}, 'rules.sieve')
    assert ms.plan_mailbox(box, {}, {}, active_here=False).active == 'rules.sieve'
    assert ms.plan_mailbox(box, {}, {}, active_here=True).active is None
    gone = box._replace(sieve={})
    assert ms.plan_mailbox(gone, {}, {}, active_here=False).active is None


# -- users, failures, the dry run ---------------------------------------------------------------

def test_users_missing_here_are_listed_and_bad_names_fail_alone():
    door = Door({'alice': {'': ['cur/1.a:2,S']}, 'carol': {'': ['cur/2.b:2,S']},
                 'Bad Name': {'': []}, 'root': {'': []}, 'x\ny': {'': []}},
                users=['alice', 'Bad Name', 'root', 'x\ny'])
    status, out = sync(door)
    assert status == ms.EXIT_FAILED
    assert door.view() == {'': ['cur/1.a:2,S']}
    assert 'sync-maildirs: 1 source users have no account here (not synced): carol' in out
    assert 'FAILED: Bad Name: not synced: not a valid account name' in out
    assert 'FAILED: root: not synced: a system account' in out
    assert "FAILED: x\ny: not synced: unsafe user name 'x\\ny': it cannot be used as a " \
        "file name" in out
    assert 'sync-maildirs: 5 mailboxes on sme (sme8 sync); 1 with a user here' in out


def test_one_failing_mailbox_does_not_stop_the_others():
    door = Door({'alice': {'': ['cur/1.a:2,S']}, 'bob': {'': ['cur/2.b:2,S']}},
                fail=['alice@' + DOMAIN])
    status, out = sync(door)
    assert status == ms.EXIT_FAILED
    assert door.view('bob@' + DOMAIN) == {'': ['cur/2.b:2,S']}
    assert 'sync-maildirs: [1/2] alice@example.com: FAILED: [Errno 13] Permission denied' \
        in out
    assert 'alice@' + DOMAIN not in door.states


def test_a_dry_run_changes_nothing():
    case = CASES[-1]
    door = world(case)
    before = door.view()
    status, out = sync(door, '-n')
    assert status == ms.EXIT_OK
    assert door.view() == before and door.ops == 0
    assert door.states['alice@' + DOMAIN] == case[3]
    assert 'dry run: 1 to copy, 1 flag changes, 0 moves, 1 removals, 0 sieve scripts; ' \
           'nothing was changed' in out
    assert '(dry run)' in out


def test_no_mail_server_here():
    door = Door({'alice': {'': ['cur/1.a:2,S']}})
    door.owner = lambda: None
    status, out = sync(door)
    assert status == ms.EXIT_FAILED
    assert 'this server has no vmail user' in out and door.here == {}


def test_a_listing_that_fails_is_a_connection_failure():
    door = Door({})

    def cut(kind):
        raise ms.ListingError('the listing is cut short')
    door.list_source = cut
    status, out = sync(door)
    assert status == ms.EXIT_CONNECT
    assert 'cannot list the mailboxes of sme: the listing is cut short' in out


def test_a_failed_step_is_planned_again_by_the_next_run():
    case = CASES[2]                                  # a rename
    door = world(case)
    door.change = lambda mailbox, step: (False, 'Read-only file system')
    status, out = sync(door)
    assert status == ms.EXIT_FAILED
    assert 'alice@example.com: 1.a: Read-only file system' in out
    assert 'FAILED: alice@example.com: 1 change not made (above)' in out
    assert door.states['alice@' + DOMAIN] == case[3]     # the old entry kept
    del door.change
    assert sync(door)[0] == ms.EXIT_OK
    assert door.view() == {'': ['cur/1.a:2,RS']}


def test_state_after_keeps_old_entries_of_steps_not_done():
    box = ms.SourceBox('a', '/h', {'': {'1.a': ms.Msg('cur', '1.a:2,RS', 1),
                                        '2.b': ms.Msg('cur', '2.b:2,S', 1)}}, [], [], {}, None)
    here = {'': {'1.a': ms.Msg('cur', '1.a:2,S', 0), '3.c': ms.Msg('cur', '3.c:2,S', 0)}}
    old = {'': {'1.a': [S, S], '3.c': [S, S]}}
    plan = ms.plan_mailbox(box, here, old, active_here=False)
    assert [type(s).__name__ for s in plan.steps] == ['Rename', 'Copy', 'Remove']
    assert ms.state_after(plan, old, set()) == old
    assert ms.state_after(plan, old, {('', '2.b')}) == {'': {'1.a': [S, S], '2.b': [S, S],
                                                             '3.c': [S, S]}}
    assert ms.state_after(plan, old, {('', '1.a'), ('', '2.b'), ('', '3.c')}) == plan.state


def test_describe():
    box = ms.SourceBox('a', '/h', {'': {'1.a': ms.Msg('cur', '1.a:2,S', 2048)}}, [], [],
                       {'x.sieve': (10, 1)}, None)
    assert ms.describe(ms.plan_mailbox(box, {}, {}, active_here=True)) == \
        '1 to copy (2.0 KB), 1 sieve script'
    assert ms.describe(ms.Plan([], {}, {}, [], [], None)) == 'level'
    assert ms.human(5 * 1024 * 1024) == '5.0 MB' and ms.human(3) == '3 bytes'


def test_a_source_mailbox_that_lists_nothing_removes_nothing_here():
    # its Maildir moved away or unreadable on the source: an empty listing is not "every
    # message deleted"
    state = {'': {'1.a': [S, S], '2.b': [S, S]}}
    for missing in (True, False):
        door = Door({'alice': {}}, here={'alice@' + DOMAIN: {'': ['cur/1.a:2,S',
                                                                  'cur/2.b:2,S']}},
                    states={'alice@' + DOMAIN: state})
        if missing:
            door.no_maildir.add('alice')
        status, out = sync(door)
        assert status == ms.EXIT_OK
        assert door.view() == {'': ['cur/1.a:2,S', 'cur/2.b:2,S']}
        assert '2 not removed: the source lists no message in this mailbox' in out
        assert door.states['alice@' + DOMAIN] == state
        assert ('the source has no readable Maildir for alice' in out) == missing
    # one message left there: the other was deleted, and goes
    door = Door({'alice': {'': ['cur/1.a:2,S']}},
                here={'alice@' + DOMAIN: {'': ['cur/1.a:2,S', 'cur/2.b:2,S']}},
                states={'alice@' + DOMAIN: state})
    assert sync(door)[0] == ms.EXIT_OK
    assert door.view() == {'': ['cur/1.a:2,S']}


def test_a_state_of_another_source_removes_nothing():
    mailbox = 'alice@' + DOMAIN
    door = Door({'alice': {'': ['cur/1.a:2,RS']}},
                here={mailbox: {'': ['cur/1.a:2,S', 'cur/2.b:2,S']}},
                states={mailbox: {'': {'1.a': [S, S], '2.b': [S, S]}}})
    door.sources[mailbox] = 'old-sme:/home/e-smith/files/users/alice'
    status, out = sync(door)
    assert status == ms.EXIT_OK
    assert 'the last run was from old-sme:/home/e-smith/files/users/alice, not ' \
           'sme:/home/e-smith/files/users/alice: nothing is removed or renamed' in out
    assert door.view() == {'': ['cur/1.a:2,S', 'cur/2.b:2,S']}
    assert door.sources[mailbox] == 'sme:/home/e-smith/files/users/alice'
    assert door.states[mailbox] == {'': {'1.a': [RS, S]}}


def test_a_first_run_seeds_from_the_staging_tree_of_an_sme_source_only():
    mailbox = 'alice@' + DOMAIN
    for kind, expected in (('sme8', {'': ['cur/1.a:2,S']}),
                           ('ns6', {'': ['cur/1.a:2,S', 'cur/2.b:2,S']})):
        door = Door({'alice': {'': ['cur/1.a:2,S']}},
                    here={mailbox: {'': ['cur/1.a:2,S', 'cur/2.b:2,S']}},
                    staged={'alice': {'': ['cur/1.a:2,S', 'cur/2.b:2,S']}})
        assert sync(door, '-t', kind)[0] == ms.EXIT_OK
        assert door.view() == expected, kind


# -- what the mutation testing showed untested ------------------------------------------------

@pytest.mark.parametrize('head, where', [
    ('./cur', ('', 'cur')), ('./new', ('', 'new')), ('./.Sent/new', ('.Sent', 'new')),
    ('./.a.b/cur', ('.a.b', 'cur')), ('./tmp', None), ('./.Sent/tmp', None),
    ('./Sent/cur', None), ('./../cur', None), ('./././cur', None), ('./.Sent/cur/x', None),
    ('cur', ('', 'cur')),
])
def test_folder_of(head, where):
    assert ms._folder_of(head) == where


def test_listing_errors_say_what_is_wrong():
    def error(data):
        with pytest.raises(ms.ListingError) as exc:
            ms.parse_listing(data)
        return str(exc.value)
    assert error(listing(['U', 'a', '/h'], ['E'])) == \
        'the listing is cut short (the connection ended early?)'
    assert error(listing(['U', 'a', '/h'], ['E'], ['M', './cur', '1.a', '1'], ['Z'])) == \
        'the listing does not start with a mailbox'
    assert error(listing(['U', 'a', '/h'], ['Q' * 30], ['E'], ['Z'])) == \
        "unexpected record '{}' in the listing".format('Q' * 20)
    assert error(listing(['U', 'a'])) == 'the listing is cut short'


def test_a_listing_without_its_last_nul_is_cut():
    whole = listing(['U', 'a', '/h'], ['E'], ['Z'])
    assert len(ms.parse_listing(whole)) == 1
    with pytest.raises(ms.ListingError):
        ms.parse_listing(whole[:-3])


def test_links_are_judged_per_file_and_the_active_link_in_any_spelling():
    data = listing(
        ['U', 'eve', '/h'], ['D'],
        ['H', './cur', '1.ok:2,S', '5', '2', '10'], ['H', './.Keep/cur', '1.ok:2,S', '5', '2', '10'],
        ['H', './.Archive/cur', '2.out:2,S', '7', '3', '11'],
        ['A', 'sieve//rules.sieve'], ['E'], ['Z'])
    (eve,) = ms.parse_listing(data)
    assert eve.folders == {'': {'1.ok': ms.Msg('cur', '1.ok:2,S', 5)},
                           '.Keep': {'1.ok': ms.Msg('cur', '1.ok:2,S', 5)},
                           '.Archive': {}}
    assert eve.skipped == [('Maildir/.Archive/cur/2.out:2,S',
                            'a hard link to a file outside the mailbox: not copied')]
    assert eve.active == 'rules.sieve'


def test_a_source_box_has_its_maildir_unless_told():
    assert ms.SourceBox('a', '/h', {}, [], [], {}, None).has_maildir is True


def test_system_and_invalid_accounts():
    assert ms.check_user('vmail') == 'a system account'
    assert ms.check_user('root') == 'a system account'
    assert ms.check_user('Alice') == 'not a valid account name'
    assert ms.check_user('alice.smith') is None
    assert ms.mailbox_name('alice', 'example.com') == 'alice@example.com'


def test_describe_every_kind_and_human_sizes():
    steps = [ms.Copy(('', 'a'), 'Maildir/cur/a', 'cur', 'a', 10),
             ms.Copy(('', 'b'), 'Maildir/cur/b', 'cur', 'b', 20),
             ms.Rename(('', 'c'), 'cur/c', 'cur/c:2,S'), ms.Rename(('', 'd'), 'x', 'y'),
             ms.Move(('.A', 'e'), ('', 'e'), 'cur/e', 'cur/e'),
             ms.Remove(('', 'f'), 'cur/f'), ms.Remove(('', 'g'), 'cur/g'),
             ms.SieveCopy(('sieve', 'h'), 'sieve/h', 'h', 5),
             ms.SieveCopy(('sieve', 'i'), 'sieve/i', 'i', 5)]
    assert ms.describe(ms.Plan(steps, {}, {}, [], [], None)) == (
        '2 to copy (40 bytes), 2 flag changes, 1 moved between folders, 2 deleted on the '
        'source, 2 sieve scripts')
    assert ms.describe(ms.Plan(steps[2:3], {}, {}, [], [], None)) == '1 flag change'
    assert [ms.human(n) for n in (1023, 1024, 1536, 1024 ** 2, 3 * 1024 ** 3,
                                  5 * 1024 ** 4)] == [
        '1023 bytes', '1.0 KB', '1.5 KB', '1.0 MB', '3.0 GB', '5120.0 GB']


def test_the_run_says_each_thing_in_its_own_words():
    door = Door({'alice': {'': ['cur/1.a:2,S']}})
    door.owner = lambda: None
    assert sync(door)[1].splitlines()[-1] == (
        'sync-maildirs: this server has no vmail user: install nethserver-mail-server (and '
        'run the import) first')
    door = Door({'alice': {'': ['cur/1.a:2,S'], '.New': ['cur/2.b:2,S']}},
                here={'alice@' + DOMAIN: {'': []}}, interrupt_at=2)
    status, out = sync(door, '-t', 'sme8')
    assert status == ms.EXIT_INTERRUPTED
    lines = out.splitlines()
    assert 'sync-maildirs: interrupted: run again, it resumes where this run stopped' in lines
    assert lines[0] == 'sync-maildirs: 1 mailboxes on sme (sme8 sync); 1 with a user here'
    assert door.prepared == [('alice@' + DOMAIN, ['.New'])]


def test_the_summary_adds_up_every_mailbox():
    door = Door({'alice': {'': ['cur/1.a:2,S', 'cur/2.b:2,S'], '.X': ['cur/9.z:2,S']},
                 'bob': {'': ['cur/3.c:2,RS', 'new/4.d']}},
                here={'bob@' + DOMAIN: {'': ['cur/3.c:2,S', 'cur/5.e:2,S', 'cur/6.f:2,S']},
                      'alice@' + DOMAIN: {'.Y': ['cur/9.z:2,S']}},
                states={'bob@' + DOMAIN: {'': {'3.c': [S, S], '5.e': [S, S], '6.f': [S, S]}},
                        'alice@' + DOMAIN: {'.Y': {'9.z': [S, S]}}},
                sieve={'bob': {'a.sieve': (3, 1), 'b.sieve': (4, 2)}})
    status, out = sync(door)
    assert status == ms.EXIT_OK, out
    size = sum(len(body(b)) for b in ('1.a', '2.b', '4.d')) + 7
    assert out.splitlines()[-1] == (
        'sync-maildirs: summary: 2 mailboxes synced; messages: 3 copied ({} bytes), 1 renamed '
        '(flags), 1 moved, 2 removed; 2 sieve scripts copied'.format(size))


def test_a_dry_run_sums_up_what_it_would_do():
    door = Door({'alice': {'': ['cur/1.a:2,S', 'cur/2.b:2,S'], '.X': ['cur/9.z:2,S']}},
                here={'alice@' + DOMAIN: {'': ['cur/3.c:2,S', 'cur/4.d:2,S'],
                                          '.Y': ['cur/9.z:2,S']}},
                states={'alice@' + DOMAIN: {'': {'3.c': [S, S], '4.d': [S, S]},
                                            '.Y': {'9.z': [S, S]}}},
                sieve={'alice': {'a.sieve': (3, 1), 'b.sieve': (4, 2)}})
    assert sync(door, '-n')[1].splitlines()[-1] == (
        'sync-maildirs: dry run: 2 to copy, 0 flag changes, 1 moves, 2 removals, 2 sieve '
        'scripts; nothing was changed')


def test_the_state_is_saved_as_it_stands_while_copying(monkeypatch):
    monkeypatch.setattr(ms.Run, 'CHECKPOINT_EVERY', 0.0)
    door = Door({'alice': {'': ['cur/1.a:2,S', 'cur/2.b:2,S']}},
                here={'alice@' + DOMAIN: {'': []}}, interrupt_at=3)
    status, out = sync(door)         # op 1: copy 1.a, op 2: its checkpoint, op 3: copy 2.b
    assert status == ms.EXIT_INTERRUPTED
    assert door.states['alice@' + DOMAIN] == {'': {'1.a': [S, S]}}
    assert 'sync-maildirs:   alice@example.com: 1 of 2 copied' in out.splitlines()
    door.interrupt_at = None
    assert sync(door)[0] == ms.EXIT_OK
    assert door.states['alice@' + DOMAIN] == {'': {'1.a': [S, S], '2.b': [S, S]}}


def test_a_failed_move_keeps_both_old_entries():
    mailbox = 'alice@' + DOMAIN
    state = {'': {'0.k': [S, S], '1.a': [S, S]}}
    door = Door({'alice': {'': ['cur/0.k:2,S'], '.A': ['cur/1.a:2,RS']}},
                here={mailbox: {'': ['cur/0.k:2,S', 'cur/1.a:2,S']}}, states={mailbox: state})
    door.change = lambda m, step: (False, 'EIO')
    status, out = sync(door)
    assert status == ms.EXIT_FAILED
    assert door.states[mailbox] == state
    assert 'sync-maildirs:   alice@example.com: .A/1.a: EIO' in out.splitlines()


def test_the_seed_maps_junkmail_and_takes_both_sides_as_equal():
    staged = {'.junkmail': {'1.a': ms.Msg('cur', '1.a:2,S', 0)},
              '': {'2.b': ms.Msg('new', '2.b', 0), '3.c': ms.Msg('cur', '3.c:2,', 0)}}
    here = {'.Junk': {'1.a': ms.Msg('cur', '1.a:2,S', 0)},
            '': {'2.b': ms.Msg('cur', '2.b:2,S', 0)}}
    assert ms.seed_state(staged, here, JUNK_MAP) == {
        '.Junk': {'1.a': [S, S]}, '': {'2.b': ['new/', 'new/']}}
    assert ms.seed_state(staged, here) == {'': {'2.b': ['new/', 'new/']}}


def test_a_folder_only_here_is_counted_and_left_alone():
    door = Door({'alice': {'': ['cur/1.a:2,S']}},
                here={'alice@' + DOMAIN: {'': ['cur/1.a:2,S'], '.Local': ['cur/7.l:2,S',
                                                                           'new/8.m']}})
    status, out = sync(door)
    assert said_counts(out) == {'only here, kept': 2}
    assert door.view()['.Local'] == ['cur/7.l:2,S', 'new/8.m']


def test_subscriptions_are_not_doubled_when_two_names_map_to_one_folder():
    door = Door({'alice': {'': [], '.junkmail': ['cur/1.a:2,'], '.Junk': ['cur/2.b:2,']}},
                subscriptions={'alice': ['junkmail', 'Junk']})
    assert sync(door)[0] == ms.EXIT_OK
    assert door.subscribed['alice@' + DOMAIN] == ['Junk']


def test_a_sieve_script_changed_on_both_sides_stays_as_here():
    mailbox = 'alice@' + DOMAIN
    door = Door({'alice': {}}, sieve={'alice': {'r.sieve': (20, 200)}},
                sieve_here={mailbox: {'r.sieve': (30, 300)}},
                states={mailbox: {'sieve': {'r.sieve': ['10:100', '15:150']}}})
    assert sync(door)[0] == ms.EXIT_OK
    assert door.sieve_here[mailbox] == {'r.sieve': (30, 300)}
    assert door.states[mailbox] == {'sieve': {'r.sieve': ['20:200', '30:300']}}
    # changed there only (here as at the last run, though the sides differed then)
    door = Door({'alice': {}}, sieve={'alice': {'r.sieve': (20, 200)}},
                sieve_here={mailbox: {'r.sieve': (15, 150)}},
                states={mailbox: {'sieve': {'r.sieve': ['10:100', '15:150']}}})
    assert sync(door)[0] == ms.EXIT_OK
    assert door.sieve_here[mailbox] == {'r.sieve': (20, 200)}


class MainDoor(Door):
    """Door with the lock and the log of main()."""

    def __init__(self, *args, **kw):
        self.busy = kw.pop('busy', None)
        Door.__init__(self, *args, **kw)
        self.events = []

    def lock(self):
        self.events.append('lock')
        return self.busy

    def unlock(self):
        self.events.append('unlock')

    def log_open(self, what):
        self.events.append(('open', what))

    def log_close(self, result):
        self.events.append(('close', result))


def test_main_locks_logs_and_returns_the_runs_status(capsys, monkeypatch):
    door = MainDoor({'alice': {'': ['cur/1.a:2,S']}})
    out = io.StringIO()
    assert ms.main(['-s', 'sme', '-n'], door=door, stream=out) == ms.EXIT_OK
    assert door.events == ['lock', ('open', 'sync-maildirs dry run of root@sme port 22 (sme8)'),
                           ('close', 'exit 0'), 'unlock']
    door = MainDoor({}, busy='pid 42')
    assert ms.main(['-s', 'sme'], door=door, stream=out) == ms.EXIT_BUSY
    assert capsys.readouterr().err == \
        'sync-maildirs: another sync-maildirs is running (pid 42); wait for it to end\n'
    assert door.events == ['lock']
    # argv from the command line, and the real door when none is given
    made = []
    monkeypatch.setattr('sys.argv', ['sync-maildirs', '-s', 'other', '-p', '2222'])
    from nethserver_migration import maildir_sync_door

    def fake_door(opts):
        made.append(opts)
        return MainDoor({})
    monkeypatch.setattr(maildir_sync_door, 'Door', fake_door)
    assert ms.main(stream=out) == ms.EXIT_OK
    assert made == [ms.Options(host='other', port=2222)]


def test_output_is_utf8_whatever_the_locale():
    raw = io.BytesIO()
    ascii_stream = io.TextIOWrapper(raw, encoding='ascii')
    wrapped = ms._utf8(ascii_stream)
    wrapped.write('caf\u00e9 \udcff\n')
    wrapped.flush()
    assert raw.getvalue() == 'caf\u00e9 ?\n'.encode('utf-8')
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding='UTF-8')
    assert ms._utf8(utf8) is utf8


def test_the_summary_counts_what_was_not_copied_and_what_changed_meanwhile():
    door = Door({'alice': {'': ['cur/1.a:2,S', 'cur/2.b:2,S']}},
                here={'alice@' + DOMAIN: {'': ['cur/1.a:2,']}},
                states={'alice@' + DOMAIN: {'': {'1.a': ['cur/:2,', 'cur/:2,']}}})
    listed = door.list_source

    def with_skipped(kind):
        boxes = listed(kind)
        boxes[0].skipped.extend([('Maildir/cur/x', 'a hard link to a file outside the '
                                  'mailbox: not copied'), ('Maildir/cur/y', 'why')])
        return boxes
    door.list_source = with_skipped
    door.change = lambda m, step: (False, None)        # Dovecot renamed it meanwhile
    status, out = sync(door)
    assert status == ms.EXIT_OK
    lines = out.splitlines()
    assert 'sync-maildirs:   alice@example.com: Maildir/cur/x: a hard link to a file ' \
        'outside the mailbox: not copied' in lines
    assert lines[-2:] == ['sync-maildirs: 2 source files not copied (each said above)',
                          'sync-maildirs: 1 messages changed during the run: left for the '
                          'next run']
    assert door.states['alice@' + DOMAIN][''] == {'1.a': ['cur/:2,', 'cur/:2,'],
                                                  '2.b': [S, S]}
