"""Maildirs with real RFC 822 messages, and the IMAP server's UID files of each flavour.

This is the hot path of a big tree: one open/write/fchown/close per message, bodies
assembled from a few fixed templates, no subprocess.
"""

import os
import time

from . import names

FLAG_SETS = ('S', 'S', 'S', 'RS', 'FS', '')   # most read, some replied/flagged, some unseen


def _body(i):
    para = ('Hello,\n\nplease find below the figures we discussed during the call. Let me '
            'know if anything looks wrong before Friday.\n\n')
    if i == 0:
        return para + 'Regards\n'
    if i == 1:
        return para * 6 + 'Best,\n--\nsent from the office\n'
    if i == 2:
        return para * 20 + 'Thanks\n'
    # A small multipart message with a base64 attachment.
    attach = ('QmFzZTY0IGF0dGFjaG1lbnQgZGF0YSBmb3IgdGhlIFNNRSB0ZXN0IHRyZWUuCg==\n' * 24)
    return ('This is a multi-part message in MIME format.\n\n--b1\n'
            'Content-Type: text/plain; charset=us-ascii\n\n' + para +
            '--b1\nContent-Type: application/octet-stream; name="data.bin"\n'
            'Content-Transfer-Encoding: base64\n'
            'Content-Disposition: attachment; filename="data.bin"\n\n' + attach + '--b1--\n')


BODIES = tuple(_body(i) for i in range(4))
HEADER = (
    'Return-Path: <{frm}>\n'
    'Delivered-To: {to}\n'
    'Received: (qmail {pid} invoked by uid 453); {date}\n'
    'Received: from mx.partner.example (HELO mx.partner.example) (203.0.113.7)\n'
    '  by {host} with SMTP; {date}\n'
    'Date: {date}\n'
    'From: {name} <{frm}>\n'
    'To: {to}\n'
    'Subject: {subject} #{n}\n'
    'Message-ID: <{t}.{n}.{seed}@partner.example>\n'
    'MIME-Version: 1.0\n'
    '{ctype}'
    'X-Spam-Status: {spam}, score=0.1 required=4.0\n'
    '\n'
)
CT_PLAIN = 'Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n'
CT_MULTI = 'Content-Type: multipart/mixed; boundary="b1"\n'


class MailWriter:
    """Writes mailboxes; counts what it wrote (the manifest's figures)."""

    def __init__(self, model, rng):
        self.model = model
        self.rng = rng
        self.messages = 0
        self.bytes = 0
        self.sizes = []                     # for bench/generate's baseline
        self.clock = 1300000000
        self.chown = os.geteuid() == 0

    def _mkdir(self, path, uid, gid, mode=0o700):
        os.mkdir(path, mode)
        if self.chown:
            os.chown(path, uid, gid)

    def _write(self, path, data, uid, gid, mode=0o600):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            os.write(fd, data)
            if self.chown:
                os.fchown(fd, uid, gid)
        finally:
            os.close(fd)

    def maildir(self, root, owner, address, counts, uid, gid, junk=True):
        """A whole Maildir: INBOX plus folders, with UID lists and subscriptions."""
        self._mkdir(root, uid, gid)
        folders = [f for f in counts if f != '.junkmail' or junk]
        if '.junkmail' not in counts and junk:
            folders.append('.junkmail')
        total_bytes = total = 0
        for folder in folders:
            path = os.path.join(root, folder) if folder else root
            if folder:
                self._mkdir(path, uid, gid)
                if not self.model.courier:
                    self._write(os.path.join(path, 'maildirfolder'), b'', uid, gid)
            for sub in ('cur', 'new', 'tmp'):
                self._mkdir(os.path.join(path, sub), uid, gid)
            names_, size = self._messages(path, folder, address, counts.get(folder, 0), uid, gid)
            total += len(names_)
            total_bytes += size
            self._uidlist(path, names_, uid, gid)
        subscribed = [f[1:] for f in folders if f]
        if self.model.courier:
            data = ''.join('INBOX.{}\n'.format(f) for f in subscribed).encode()
            self._write(os.path.join(root, 'courierimapsubscribed'), data, uid, gid)
        else:
            data = ''.join('{}\n'.format(f) for f in subscribed).encode()
            self._write(os.path.join(root, 'subscriptions'), data, uid, gid)
        self._write(os.path.join(root, 'maildirsize'),
                    '0S,0C\n{:>14} {:>14}\n'.format(total_bytes, total).encode(), uid, gid)
        return total

    def _messages(self, path, folder, address, count, uid, gid):
        host = self.model.fqdn
        seed = self.model.seed
        rng = self.rng
        written = []
        size_sum = 0
        subjects = names.SUBJECTS
        for n in range(count):
            self.clock += 37
            t = self.clock
            pid = 1000 + (n * 7919) % 30000
            body_i = n % 4
            spam = 'Yes' if folder == '.junkmail' else 'No'
            data = (HEADER.format(
                frm='sender{}@partner.example'.format(n % 13), to=address, pid=pid,
                date=time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime(t)),
                host=host, name='Sender {}'.format(n % 13), subject=subjects[n % len(subjects)],
                n=n, t=t, seed=seed, ctype=CT_MULTI if body_i == 3 else CT_PLAIN, spam=spam)
                + BODIES[body_i]).encode('ascii')
            base = '{}.{}_{}.{}'.format(t, pid, n, host)
            # A sixth of INBOX is still in new/ (never seen by a client); the rest in cur/.
            if folder == '' and n % 6 == 1:
                name = os.path.join(path, 'new', base)
            else:
                flags = 'ST' if folder == '.Trash' else \
                    'S' if folder in ('.Sent', '.Drafts') else FLAG_SETS[n % len(FLAG_SETS)]
                name = os.path.join(path, 'cur', '{}:2,{}'.format(base, flags))
            self._write(name, data, uid, gid)
            written.append(base)
            size_sum += len(data)
            self.sizes.append(len(data))
        del rng
        self.messages += count
        self.bytes += size_sum
        return written, size_sum

    def _uidlist(self, path, bases, uid, gid):
        """dovecot-uidlist (v1 on SME 8's Dovecot 1.x, v3 on SME 9's 2.x) or Courier's db."""
        uidv = self.clock           # deterministic, and grows like a real UIDVALIDITY
        nxt = len(bases) + 1
        v = self.model.version
        if v == '7':
            head = '1 {} {}\n'.format(uidv, nxt)
            lines = ''.join('{} {}\n'.format(b, i) for i, b in enumerate(bases, 1))
            self._write(os.path.join(path, 'courierimapuiddb'), (head + lines).encode(), uid, gid)
            return
        if v == '9':
            head = '3 V{} N{} G{:032x}\n'.format(uidv, nxt, uidv * 7919 + nxt)
            lines = ''.join('{} :{}\n'.format(i, b) for i, b in enumerate(bases, 1))
        else:
            head = '1 {} {}\n'.format(uidv, nxt)
            lines = ''.join('{} {}\n'.format(i, b) for i, b in enumerate(bases, 1))
        self._write(os.path.join(path, 'dovecot-uidlist'), (head + lines).encode(), uid, gid)


SIEVE_SCRIPT = b'''require ["fileinto", "vacation"];
# rule:[spam]
if header :contains "X-Spam-Flag" "YES" {
    fileinto "junkmail";
    stop;
}
'''
