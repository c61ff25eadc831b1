"""A real Dovecot (Debian's dovecot-imapd) inside the sandbox, with NethServer 7's mail
location (/var/lib/nethserver/vmail/<user>@<domain>/Maildir, vmail:vmail, separator '/'),
a test passdb (any user, password "test") on 127.0.0.1, and an IMAP client (imaplib) that
reports what each user sees: folders, UIDVALIDITY, and per UID the SHA-256 of the body and
the flags.  Also what the SOURCE tree holds, read on the host the same way, so that a test
compares the two.
"""

import hashlib
import json
import os

from nethserver_migration import maildir as md

FLAGS = {'S': '\\Seen', 'R': '\\Answered', 'F': '\\Flagged', 'T': '\\Deleted',
         'D': '\\Draft'}

CONF = r'''
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
base_dir = /run/dovecot-test
state_dir = /var/lib/dovecot-test
log_path = /var/log/dovecot-test.log
mail_location = maildir:~/Maildir
mail_uid = vmail
mail_gid = vmail
first_valid_uid = {uid}
last_valid_uid = {uid}
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = static
  args = password=test
}}
userdb {{
  driver = static
  args = uid=vmail gid=vmail home=/var/lib/nethserver/vmail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = 10143
  }}
}}
service anvil {{
  chroot =
}}
'''

CLIENT = r'''
import hashlib, imaplib, json, os, pwd, re, socket, subprocess, sys, time
users = json.loads(sys.argv[1])
uid = pwd.getpwnam('vmail').pw_uid
os.makedirs('/etc/dovecot-test', exist_ok=True)
for d in ('/run/dovecot-test', '/var/lib/dovecot-test'):
    os.makedirs(d, exist_ok=True)
with open('/etc/dovecot-test/dovecot.conf', 'w') as f:
    f.write(sys.argv[2].format(uid=uid))
proc = subprocess.Popen(['/usr/sbin/dovecot', '-F', '-c', '/etc/dovecot-test/dovecot.conf'])
for _ in range(100):
    try:
        socket.create_connection(('127.0.0.1', 10143), 1).close()
        break
    except OSError:
        time.sleep(0.1)
out = {}
try:
    for user in users:
        imap = imaplib.IMAP4('127.0.0.1', 10143)
        imap.login(user, 'test')
        view = {}
        typ, lines = imap.list()
        for line in lines:
            name = line.decode().rsplit(' ', 1)[1].strip('"')
            typ, _ = imap.select('"{}"'.format(name), readonly=True)
            typ, data = imap.response('UIDVALIDITY')
            validity = int(data[0]) if data and data[0] else None
            msgs = {}
            typ, data = imap.uid('FETCH', '1:*', '(FLAGS BODY.PEEK[])')
            for item in data:
                if not isinstance(item, tuple):
                    continue
                head = item[0].decode()
                number = int(re.search(r'UID (\d+)', head).group(1))
                flags = sorted(f for f in re.search(r'FLAGS \(([^)]*)\)', head).group(1).split()
                               if f != '\\Recent')
                # IMAP serves CRLF; the Maildir may hold LF: compared as LF
                msgs[number] = [hashlib.sha256(item[1].replace(b'\r\n', b'\n')).hexdigest(), flags]
            view[name] = {'validity': validity, 'messages': msgs}
        imap.logout()
        out[user] = view
finally:
    proc.terminate()
    proc.wait(10)
print(json.dumps(out))
'''


def imap_view(sandbox, users):
    """{user: {folder: {'validity': n, 'messages': {uid: [sha256, flags]}}}} as Dovecot
    serves them in the sandbox."""
    proc = sandbox.run(['python3', '-c', CLIENT, json.dumps(sorted(users)), CONF], timeout=300)
    if proc.returncode != 0:
        log = sandbox.path('/var/log/dovecot-test.log')
        raise AssertionError('dovecot check failed: {}{}\n{}'.format(
            proc.stdout, proc.stderr, open(log).read() if os.path.exists(log) else ''))
    view = json.loads(proc.stdout.strip().splitlines()[-1])
    for folders in view.values():
        for folder in folders.values():
            folder['messages'] = dict((int(k), v) for k, v in folder['messages'].items())
    return view


def source_view(root, spam_folder='Junk'):
    """The same view of a source Maildir, read on the host: folder names as NethServer's
    Dovecot shows them (.junkmail -> the spam folder, '.a.b' -> 'a/b'), the uid list's
    uids (None when the source has none) and validity."""
    from nethserver_migration import fileops
    view = {}
    for folder in fileops.maildir_folders(root):
        path = os.path.join(root, folder) if folder else root
        uids = None
        for name, parse in (('dovecot-uidlist', md.parse_uidlist),
                            ('courierimapuiddb', md.parse_courier_uids)):
            if os.path.exists(os.path.join(path, name)):
                uids = parse(open(os.path.join(path, name)).read())
                break
        by_base = dict((b, u) for u, b in uids.entries) if uids else {}
        msgs = {}
        for sub in ('cur', 'new'):
            for name in os.listdir(os.path.join(path, sub)):
                with open(os.path.join(path, sub, name), 'rb') as f:
                    digest = hashlib.sha256(f.read().replace(b'\r\n', b'\n')).hexdigest()
                info = name.split(':2,', 1)[1] if ':2,' in name else ''
                flags = sorted(FLAGS[c] for c in info if c in FLAGS)
                msgs[by_base.get(md.base(name), md.base(name))] = [digest, flags]
        if folder == '.junkmail' and spam_folder:
            shown = spam_folder
        else:
            shown = folder[1:].replace('.', '/') if folder else 'INBOX'
        view[shown] = {'validity': uids.validity if uids else None, 'messages': msgs}
    return view
