"""Mailboxes through the REAL event, read back through a REAL Dovecot in the sandbox.

A generated SME 9 tree (Dovecot v3 uid lists, folders, junkmail, sieve) is migrated with
signal-event migration-import on a local LDAP; Dovecot (Debian's dovecot-imapd, NethServer
7's mail location) then serves every user and admin over IMAP, and each sees every folder,
every message (SHA-256 of each body equal to the source's), the same flags, the source's
UIDVALIDITY and UIDs.  One user's mailbox already received mail before the import: merged,
nothing lost, nothing twice.  The import killed at 10 points in the copy converges.
"""

import hashlib
import os
import subprocess

import pytest

from tests.world import dovecot, smegen
from tests.world.sandbox import Sandbox

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SRC = '/var/lib/migration'
D = 'example.org'
VMAIL = '/var/lib/nethserver/vmail'

pytestmark = pytest.mark.sandbox

EARLY = ('1700000000.M1P1.ns7:2,', b'From: a@b.example\r\nSubject: early\r\n\r\narrived '
         b'on NethServer before the import\r\n')


def world(tmp, seed=21, version='9'):
    sandbox = Sandbox(tmp, provider='ldap')
    manifest = smegen.generate(sandbox.path(SRC), seed=seed, version=version, users=4,
                               groups=1, ibays=0, pseudonyms=0, domains=1, messages=40)
    sandbox.install_package(os.path.join(TOP, 'root'))
    return sandbox, manifest


def migrate(sandbox):
    return sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', SRC], timeout=600)


def users_with_mail(sandbox, manifest):
    out = {}
    for user in ['admin'] + sorted(manifest['users']):
        src = sandbox.path(SRC + ('/home/e-smith/Maildir' if user == 'admin' else
                                  '/home/e-smith/files/users/{}/Maildir'.format(user)))
        if os.path.isdir(src) and os.path.isdir(sandbox.path(
                '{}/{}@{}'.format(VMAIL, user, D))):
            out['{}@{}'.format(user, D)] = src
    return out


def expected(sources):
    return dict((user, dovecot.source_view(src)) for user, src in sources.items())


@pytest.fixture(scope='module')
def mailworld(tmp_path_factory):
    sandbox, manifest = world(tmp_path_factory.mktemp('mailboxes'))
    # One user got mail on NethServer before the import: its mailbox exists already.
    first = sorted(u for u in manifest['users'] if u.isalpha() and u not in (
        'postfix', 'vmail'))[0]
    inbox = sandbox.path('{}/{}@{}/Maildir'.format(VMAIL, first, D))
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(inbox, sub))
    with open(os.path.join(inbox, 'cur', EARLY[0]), 'wb') as f:
        f.write(EARLY[1])
    # Its SME home has Sieve scripts (the webmail's filters) and the active-script link.
    home = sandbox.path('{}/home/e-smith/files/users/{}'.format(SRC, first))
    os.mkdir(os.path.join(home, 'sieve'))
    for name in ('roundcube.sieve', 'vacation.sieve'):
        with open(os.path.join(home, 'sieve', name), 'w') as f:
            f.write('require ["fileinto"];\n')
    os.symlink('sieve/roundcube.sieve', os.path.join(home, '.dovecot.sieve'))
    migrate(sandbox)
    sources = users_with_mail(sandbox, manifest)
    view = dovecot.imap_view(sandbox, sources)
    return dict(sb=sandbox, m=manifest, first=first, sources=sources, view=view)


def strip_uids(view):
    """{folder: sorted [(sha, flags)]}: the content, whatever the uids."""
    return dict((f, sorted((m[0], tuple(m[1])) for m in v['messages'].values()))
                for f, v in view.items())


def test_every_user_sees_every_folder_and_message(mailworld):
    want = expected(mailworld['sources'])
    assert len(want) >= 3 and 'admin@' + D in want
    for user, folders in want.items():
        got = mailworld['view'][user]
        if user.startswith(mailworld['first'] + '@'):
            continue                    # the merged one: below
        assert strip_uids(got) == strip_uids(folders), user


def test_uidvalidity_and_uids_kept(mailworld):
    want = expected(mailworld['sources'])
    for user, folders in want.items():
        if user.startswith(mailworld['first'] + '@'):
            continue
        for name, folder in folders.items():
            got = mailworld['view'][user][name]
            assert got['validity'] == folder['validity'], (user, name)
            assert got['messages'] == folder['messages'], (user, name)


def test_a_mailbox_that_received_mail_first_is_merged(mailworld):
    user = mailworld['first'] + '@' + D
    got = strip_uids(mailworld['view'][user])
    want = strip_uids(expected(mailworld['sources'])[user])
    early = (hashlib.sha256(EARLY[1].replace(b'\r\n', b'\n')).hexdigest(), ())
    assert early in got['INBOX']
    got['INBOX'].remove(early)
    assert got == want                  # every source message, none twice


def test_owner_modes_sieve_and_no_acl(mailworld):
    sb = mailworld['sb']
    home = sb.path('{}/{}@{}'.format(VMAIL, mailworld['first'], D))
    vmail = int(sb.getent('passwd', 'vmail')[2])
    for top, dirs, files in os.walk(home):
        for name in dirs + files:
            path = os.path.join(top, name)
            st = os.lstat(path)
            if os.path.islink(path):
                continue
            assert st.st_uid == vmail, path
            assert st.st_mode & 0o077 == 0, path
    link = os.path.join(home, '.dovecot.sieve')
    assert os.readlink(link) == 'sieve/roundcube.sieve'
    assert os.path.isfile(os.path.join(home, 'sieve', 'roundcube.sieve'))
    acl = subprocess.run(['getfacl', '-R', '--skip-base', '-p', home], stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    assert acl.strip() == ''


def test_a_second_run_places_nothing(mailworld, tmp_path):
    sb = mailworld['sb']
    migrate(sb)
    again = dovecot.imap_view(sb, mailworld['sources'])
    assert again == mailworld['view']               # the same messages, uids and flags
    total = sum(len(f['messages']) for v in again.values() for f in v.values())
    assert total > 100


def action_seconds(sandbox, name):
    """How long the action took, as signal-event logged it ("Action: PATH SUCCESS [s]")."""
    for line in sandbox.messages():
        if 'Action: ' in line and name in line and '[' in line:
            return float(line.rsplit('[', 1)[1].rstrip(']'))
    return None


def test_killed_at_ten_points_converges(mailworld, tmp_path):
    action = '/etc/e-smith/events/actions/nethserver-migration-mailboxes'
    whole = max(action_seconds(mailworld['sb'], 'nethserver-migration-mailboxes') or 1, 0.3)
    sandbox, manifest = world(tmp_path / 'k')
    # The same tree, with the early message: the same result expected as mailworld's.
    inbox = sandbox.path('{}/{}@{}/Maildir'.format(VMAIL, mailworld['first'], D))
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(inbox, sub))
    with open(os.path.join(inbox, 'cur', EARLY[0]), 'wb') as f:
        f.write(EARLY[1])
    for stage in ('accounts', 'homes'):
        sandbox.run(['/etc/e-smith/events/actions/nethserver-migration-' + stage,
                     'migration-import', SRC], timeout=300)
    for n in range(10):             # killed at 10 points spread over one run's duration
        sandbox.run(['timeout', '-s', 'KILL', '{:.2f}'.format(whole * (n + 1) / 11),
                     action, 'migration-import', SRC], timeout=300)
    sandbox.run([action, 'migration-import', SRC], timeout=300)
    assert dovecot.imap_view(sandbox, users_with_mail(sandbox, manifest)) == mailworld['view']
