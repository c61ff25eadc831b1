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
])
def test_bad_command_lines(argv, says):
    with pytest.raises(rm.Usage) as exc:
        ms.parse_args(argv)
    assert str(exc.value) == says


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
        for step in copies:
            self.tick()
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
    plan = ms.plan_mailbox(box, here, old)
    assert [type(s).__name__ for s in plan.steps] == ['Rename', 'Copy', 'Remove']
    assert ms.state_after(plan, old, set()) == old
    assert ms.state_after(plan, old, {('', '2.b')}) == {'': {'1.a': [S, S], '2.b': [S, S],
                                                             '3.c': [S, S]}}
    assert ms.state_after(plan, old, {('', '1.a'), ('', '2.b'), ('', '3.c')}) == plan.state


def test_describe():
    box = ms.SourceBox('a', '/h', {'': {'1.a': ms.Msg('cur', '1.a:2,S', 2048)}}, [], [],
                       {'x.sieve': (10, 1)}, None)
    assert ms.describe(ms.plan_mailbox(box, {}, {})) == '1 to copy (2.0 KB), 1 sieve script'
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
