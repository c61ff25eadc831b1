"""`--corner-cases`: the cases of reference/sme-source.md §5, by number.

Three hooks, called by generate():
  accounts(model, rng)   adds odd accounts before pseudonyms are derived;
  model_extras(model)    adds odd pseudonyms, domains, hosts, networks, and returns the
                         raw DB lines and record patches;
  files(tree, model)     adds odd files after the normal tree is written.
What each case put where is recorded in model.corner_notes for the tests.
"""

import os
import subprocess

from nethserver_migration import esmithdb

from . import dbs as dbs_writer
from . import files as files_mod
from .model import Group, Ibay, Pseudonym, new_user

R = esmithdb.Record
# Always true of every generated tree, corner cases or not.
ALWAYS = (20, 21, 30, 35, 36)
COVERED = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23,
           24, 25, 26, 27, 29, 30, 31, 32, 33, 34, 35, 36)
NOT_COVERED = {
    18: 'collisions on the destination depend on the destination; no ibay is named after '
        'a NethServer 7 system account',
    28: 'not a corner case here: use ldap_auth=True / --ldap-auth (SME 8/9)',
}
LATIN1 = 'surrogateescape'


def latin1(text):
    """A str whose utf-8/surrogateescape encoding is the Latin-1 bytes of text."""
    return text.encode('latin-1').decode('utf-8', LATIN1)


UNSAFE_PSEUDONYMS = ('sales&marketing', 'cash$flow', 'back`tick', 'a/b', 'star*', 'bang!',
                     'what?now', 'x~tilde', 'c^2', 'a+b', '100%', 'it#dept')
RESERVED_USERS = ('administrator', 'guest', 'krbtgt', 'postfix', 'vmail')


def accounts(model, rng):
    n = model.corner_notes

    def user(name, first='Test', last='User', **kw):
        u = new_user(model, rng, name, first, last, 2)
        for k, v in kw.items():
            setattr(u, k, v)
        model.users.append(u)
        return u

    # 8: a dotted user name that is also Mario Rossi's auto pseudonym, '-'/'_', a digit.
    user('mario.rossi', 'Mario', 'Rossi')
    user('mrossi', 'Mario', 'Rossi')
    user('web-dev_2', 'Web', 'Developer')
    user('3rdfloor', 'Third', 'Floor')
    n['dotted_user'] = 'mario.rossi'
    # 9: longer than AD's 20 characters.
    user('christopher.montgomery-smith', 'Christopher', 'Montgomery-Smith')
    n['long_user'] = 'christopher.montgomery-smith'
    # 10: names reserved on the destination.
    for name in RESERVED_USERS:
        user(name, name.capitalize(), 'Reserved')
    n['reserved_users'] = list(RESERVED_USERS)
    # 4: Latin-1 bytes in FirstName/LastName.
    u = user('jmunoz', latin1('José'), latin1('Muñoz'))
    n['latin1_user'] = {'name': 'jmunoz', 'FirstName': 'José', 'LastName': 'Muñoz'}
    # 1: a newline in a value (written escaped as \n by format_db).
    u.props['Street'] = 'Via Roma 1\nScala B'
    n['newline_user'] = {'name': 'jmunoz', 'Street': 'Via Roma 1\nScala B'}
    # 5: contrib props on a user.
    u.props.update({'FM-Accounts': 'pop.isp.example,pop3,6a6d756e6f7a,736563726574',
                    'FM-KeepOption': 'keep', 'Sudoer': 'yes', 'Shell': 'bash'})
    # 19: no home, no Maildir, no .junkmail, no passwd entry.
    user('nohome', has_home=False)
    user('nomaildir', has_maildir=False)
    user('nojunk', has_junkmail=False)
    user('notinpasswd', in_passwd=False)
    n['user_without'] = {'home': 'nohome', 'maildir': 'nomaildir', 'junkmail': 'nojunk',
                         'passwd': 'notinpasswd'}
    model.orphan_homes.append('orphan')
    # 26: each lock indicator alone, and all together.
    user('lockedall', state='locked')
    user('neverset', state='never')
    u = user('lockshadow', shadow_field='')
    u.shadow_field = '!' + u.hash
    user('locksmb', smb_flags='UD')
    u = user('lockprop')
    u.props['PasswordSet'] = 'no'
    n['locked'] = {'all': 'lockedall', 'never': 'neverset', 'shadow_only': 'lockshadow',
                   'smbpasswd_only': 'locksmb', 'passwordset_only': 'lockprop'}
    # 27: a SHA-512 hash ($6$) from a hand-edited system.
    u = user('sha512user')
    u.shadow_hash = subprocess.run(
        ['openssl', 'passwd', '-6', '-salt', 'smegen{}'.format(model.seed), u.password],
        check=True, capture_output=True, text=True).stdout.strip()
    n['sha512_user'] = 'sha512user'
    # 29: empty-password hashes in smbpasswd.
    user('emptypw', smb_hashes=('AAD3B435B51404EEAAD3B435B51404EE',
                                '31D6CFE0D16AE931B73C59D7E0C089C0'))
    n['empty_smb_hash_user'] = 'emptypw'
    # 29: machine accounts, even on a WS server (left from an old PDC setup).
    if not model.machines:
        model.machines = ['oldpc$']
    members = [x.name for x in model.users[:3]]
    # 14: empty, missing, dangling/duplicate and admin-only Members; no ids/Description.
    _group(model, 'emptygrp', 'Empty group', [''])
    _group(model, 'nomembers', 'No members prop', None)
    _group(model, 'ghosts', 'Ghost members', [members[0], members[0], 'ghostuser'])
    _group(model, 'adminonly', 'Admin only', ['admin'])
    g = _group(model, 'bare', None, members[:1])
    g.has_ids = False
    n['groups'] = {'empty': 'emptygrp', 'missing': 'nomembers', 'dangling': 'ghosts',
                   'admin_only': 'adminonly', 'no_ids': 'bare'}
    # 9: a 30-character group name; 4: a Latin-1 Description.
    _group(model, 'international-sales-department', latin1('Comptabilité export'), members[:2])
    n['long_group'] = 'international-sales-department'
    # 15: a group whose Uid repeats another group's.
    first = next(gr for gr in model.groups if gr.has_ids)
    g = _group(model, 'dupuid', 'Duplicate uid', members[:1])
    g.uid = first.uid
    n['duplicate_uid'] = {'group': 'dupuid', 'uid': first.uid, 'same_as': first.name}
    # 16: ibay Group naming a deleted group, Group=admin, the legacy UserAccess.
    _ibay(model, 'orphanbay', 'Group was deleted', 'deletedgroup', 'wr-group-rd-group')
    _ibay(model, 'adminbay', 'Admin only', 'admin', 'wr-admin-rd-group')
    _ibay(model, 'legacybay', 'From e-smith 3', 'shared', 'wr_admin_rd_group')
    n['ibays'] = {'deleted_group': 'orphanbay', 'admin_group': 'adminbay',
                  'legacy_access': 'legacybay', 'odd_files': 'oddfiles',
                  'escaped_pipe': 'pipebay'}
    # 24 (+ 22, 23): an ibay with odd file names, symlinks and a recycle bin.
    b = _ibay(model, 'oddfiles', latin1('Français'), 'shared', 'wr-group-rd-everyone')
    b.recycle = 'enabled'
    # 5: contrib (NFS) props; 1: a pipe in an ibay's Name (written as \|).
    b.props.update({'NfsStatus': 'enabled', 'NfsClient': '192.168.1.5:192.168.1.6'})
    _ibay(model, 'pipebay', 'Sales | Marketing', 'shared', 'wr-group-rd-everyone')
    n['escaped_pipe'] = {'key': 'pipebay', 'Name': 'Sales | Marketing'}


def _group(model, name, desc, members):
    g = Group(name=name, gid=model.take_uid(), description=desc, members=members)
    model.groups.append(g)
    return g


def _ibay(model, name, desc, group, access):
    b = Ibay(name=name, uid=model.take_uid(), description=desc, group=group,
             user_access=access, public_access='none')
    model.ibays.append(b)
    return b


def model_extras(model):
    """Odd pseudonyms/domains/hosts/networks; returns (raw lines, record patches)."""
    n = model.corner_notes
    users = [u.name for u in model.users if u.name not in ('mario.rossi',)]
    target = users[0]
    p = model.pseudonyms

    def alias(key, account, **props):
        p.append(Pseudonym(key, account, props))
    # 7: upper case in a key and in a target (pre-SME-7 data).
    u0 = model.users[0]
    alias('{}.{}'.format(u0.first, u0.last), u0.name)
    alias('oldalias', target.upper())
    n['uppercase_pseudonyms'] = {'{}.{}'.format(u0.first, u0.last): u0.name,
                                 'oldalias': target.upper()}
    # 11: shell-unsafe keys.
    for key in UNSAFE_PSEUDONYMS:
        alias(key, target)
    n['unsafe_pseudonyms'] = list(UNSAFE_PSEUDONYMS)
    # 12: domain-specific, on a live domain and on a deleted one.
    other = model.domains[1]['key'] if len(model.domains) > 1 else model.domain_name
    alias('info@' + other, target)
    alias('sales@gone-domain.example', target)
    n['domain_pseudonyms'] = {'live': 'info@' + other, 'deleted_domain': 'sales@gone-domain.example'}
    # 13: chains of 2 and 3 hops, to a group, to shared, to admin, to nobody.
    grp = next(g.name for g in model.groups if g.members)
    alias('chain2', target)
    alias('chain1', 'chain2')
    alias('deep3', target)
    alias('deep2', 'deep3')
    alias('deep1', 'deep2')
    alias('to-group', grp)
    alias('to-shared', 'shared')
    alias('to-admin', 'admin')
    alias('to-missing', 'nosuchaccount')
    n['pseudonym_chains'] = {'chain1': target, 'deep1': None, 'to-group': grp,
                             'to-shared': 'shared', 'to-admin': 'admin', 'to-missing': None}
    # 17: a domain serving a deleted ibay, and a contrib virtual host.
    model.domains.append({'key': 'oldsite.example', 'type': 'domain', 'props': {
        'Content': 'deletedibay', 'Description': 'Old site', 'Nameservers': 'internet'}})
    model.domains.append({'key': 'blog.example', 'type': 'domain', 'props': {
        'Content': 'wordpress', 'Description': 'Blog', 'Nameservers': 'internet',
        'TemplatePath': 'WebAppVirtualHost', 'DocumentRoot': '/usr/share/wordpress'}})
    # 34: a Remote host whose ExternalIP is a name; networks with Router=default / no Mask.
    model.hosts.append({'key': 'cname.' + model.domain_name, 'type': 'host', 'props': {
        'Comment': 'alias', 'ExternalIP': 'www.partner.example', 'HostType': 'Remote',
        'InternalIP': '', 'MACAddress': ''}})
    model.networks.append({'key': '10.250.1.0', 'type': 'network', 'props': {
        'Mask': '255.255.255.0', 'Router': 'default'}})
    model.networks.append({'key': '10.250.2.0', 'type': 'network', 'props': {
        'Router': model.local_ip.rsplit('.', 1)[0] + '.254'}})
    n['hosts'] = {'cname': 'cname.' + model.domain_name, 'wibble': 'wibble.' + model.domain_name,
                  'odd': 'oddhost.' + model.domain_name}
    n['networks'] = {'router_default': '10.250.1.0', 'no_mask': '10.250.2.0'}
    return _raw_lines(model), _patches(model)


def _raw_lines(model):
    """Lines no writer of today's API produces, as hand edits and old tools left them."""
    n = model.corner_notes
    u0 = model.users[0]
    dup = R(u0.name, 'user', dict(u0.props, Uid=str(u0.uid), Gid=str(u0.gid), Phone='555-9999'))
    raw = {
        'accounts': [
            b'\n',
            b'   # hand edited by the admin, 2009\n',
            # 3: a key with a trailing blank: a distinct, unreachable key for Perl.
            b'spaced =pseudonym|Account|admin\n',
            # 3: a duplicate key, the last line wins.
            dbs_writer.escaped_line(dup).decode('utf-8', 'surrogateescape').encode('utf-8', LATIN1),
            # 6: leftovers of interrupted deletions.
            b'olduser=user-deleted|FirstName|Old|LastName|User|Uid|4800|Gid|4800\n',
            b'oldgroup=group-deleted|Description|Old group|Members|\n',
            b'oldibay=ibay-deleted|Name|Old ibay|Group|shared\n',
            b'gonealias=pseudonym-deleted|Account|admin\n',
            # 5: contrib record types.
            b'docs-share=share|Name|Shared docs|Group|shared|Status|enabled\n',
            b'laser=printer|Description|Laser printer|Location|Office|Address|192.168.1.30|RemoteName|lp\n',
            # 1: a record with an escaped pipe and an escaped newline, db_dummy style.
            b'pipe-note=pseudonym|Account|admin|Comment|this is not a \\| got that?\\nsecond line\n',
        ],
        'hosts': [
            # 2: the malformed record of the e-smith-hosts fixture (odd field count).
            'wibble.{}=host|ExternalIP|InternalIP|MACAddress||Visibility|self\n'.format(
                model.domain_name).encode(),
            # 2: a truly odd field count: the last prop has no value.
            'oddhost.{}=host|HostType|Self|Comment\n'.format(model.domain_name).encode(),
        ],
        'domains': [b'gone.example=domain-deleted|Content|Primary|Description|Gone\n'],
        'networks': [b'10.99.0.0=network-deleted|Mask|255.255.0.0\n'],
        'configuration': [b'# local addition\n', b'tricky=service|Args|--opt=value|status|enabled\n'],
    }
    n['duplicate_key'] = {'key': u0.name, 'Phone': '555-9999'}
    n['raw'] = {'spaced_key': 'spaced ', 'equals_value': ('tricky', 'Args', '--opt=value'),
                'escaped': ('pipe-note', 'Comment', 'this is not a | got that?\nsecond line'),
                'deleted': ['olduser', 'oldgroup', 'oldibay', 'gonealias'],
                'unknown_types': {'docs-share': 'share', 'laser': 'printer'}}
    return raw


def _patches(model):
    def configuration(recs):
        out = []
        for r in recs:
            props = dict(r.props)
            if r.key == 'smb':
                # 31: pre-7.4 data: no ServerRole, DomainMaster says it. 32: drive with colon.
                props.pop('ServerRole', None)
                props['DomainMaster'] = 'yes' if model.role == 'PDC' else 'no'
                props['LogonDrive'] = 'Z:'
            elif r.key == 'modSSL':
                # 33: a letsencrypt contrib's files, outside the backup, and a missing chain.
                base = '/etc/dehydrated/certs/' + model.fqdn
                props.update(crt=base + '/cert.pem', key=base + '/privkey.pem',
                             CertificateChainFile='/home/e-smith/ssl.crt/chain.crt')
            elif r.key == 'spamassassin':
                props['MessageRetentionTime'] = '0'      # 23: spam kept forever
            out.append(R(r.key, r.type, props))
        return out
    model.corner_notes['config'] = {'ServerRole': None, 'LogonDrive': 'Z:',
                                    'modSSL_crt': '/etc/dehydrated/certs/{}/cert.pem'.format(model.fqdn)}
    return {'configuration': configuration}


# Odd names inside the oddfiles ibay: blank, Latin-1, CR/LF, a leading dash.
ODD_NAMES = (b'Quarterly report 2014.txt', b'caf\xe9 menu.txt', b'line\nbreak.txt',
             b'carriage\rreturn.txt', b'-rf', b'tab\there.txt')


def files(tree, model):
    n = model.corner_notes
    ibay = next(b for b in model.ibays if b.name == 'oddfiles')
    rel = 'home/e-smith/files/ibays/oddfiles/files'
    uid, gid = files_mod.ADMIN, files_mod.SHARED
    base = os.fsencode(tree.path(rel))
    for name in ODD_NAMES:
        path = os.path.join(base, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o664)
        os.write(fd, b'odd name\n')
        if tree.chown:
            os.fchown(fd, uid, gid)
        os.close(fd)
    # 23: a recycle bin with content, and the shadow-copy area.
    tree.mkdir(rel + '/Recycle Bin', 0o2775, uid, gid)
    tree.write(rel + '/Recycle Bin/deleted draft.doc', b'x' * 4096, 0o664, uid, gid)
    tree.mkdir('home/e-smith/files/.shadow', 0o755)
    tree.write('home/e-smith/files/.shadow/snapshot.tar', b'\0' * 8192, 0o600)
    # 22: symlinks pointing out of the tree (absolute, climbing) and one inside.
    tree.symlink('/etc', rel + '/link-to-etc', uid, gid)
    tree.symlink('../../../../../../../../etc/passwd', rel + '/climb', uid, gid)
    tree.symlink('Recycle Bin', rel + '/inside-link', uid, gid)
    victim = next(u for u in model.users if u.has_home and u.has_maildir)
    tree.symlink('/var/spool/mail', 'home/e-smith/files/users/{}/home/spool'.format(victim.name),
                 victim.uid, victim.gid)
    n['odd_files'] = [x.decode('latin-1') for x in ODD_NAMES]
    n['symlinks_out'] = [rel + '/link-to-etc', rel + '/climb',
                         'home/e-smith/files/users/{}/home/spool'.format(victim.name)]
    # 19: a home with no account.
    tree.mkdir('home/e-smith/files/users/orphan', 0o700, 5999, 5999)
    tree.write('home/e-smith/files/users/orphan/old.txt', b'left behind\n', 0o600, 5999, 5999)
    del ibay
    return _acl_extras(model)


def _acl_extras(model):
    """25: acls.dump blocks for a deleted ibay and user; 24: octal escapes in paths."""
    entries = ['user::rwx', 'user:ghostuser:rwx', 'group::r-x', 'mask::rwx', 'other::---']
    return [files_mod.acl_block('deletedbay/files', 'admin', 'ghostgroup', entries),
            files_mod.acl_block('oddfiles/files/Recycle Bin', 'admin', 'shared',
                                ['user::rwx', 'user:ghostuser:r-x', 'group::rwx',
                                 'mask::rwx', 'other::r-x'], default=False)]
