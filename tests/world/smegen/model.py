"""The server being generated, as plain data drawn from one seeded RNG.

Everything the writers put on disk comes from a Model; the manifest is a view of it.
The order of RNG draws is part of the output: change it and every seed changes.
"""

import random
from dataclasses import dataclass, field
from typing import Optional

from . import hashes, names

VERSIONS = ('7', '8', '9', 'nethservice')
ROLES = ('WS', 'PDC', 'ADS')
RELEASE = {'7': '7.5.1', '8': '8.2', '9': '9.2', 'nethservice': '8.0'}
MIN_UID = 5000
# A fixed clock: ctime in DB headers, message dates, LCT in smbpasswd.
EPOCH = 1400000000
USER_SHELL = '/usr/bin/rssh'


@dataclass
class User:
    name: str
    uid: int
    first: str
    last: str
    password: str
    salt: str
    # 'active', 'locked' (shadow "!hash", smbpasswd D, PasswordSet no) or 'never' ("!!").
    state: str = 'active'
    props: dict = field(default_factory=dict)
    has_home: bool = True
    has_maildir: bool = True
    has_junkmail: bool = True
    in_passwd: bool = True
    shadow_hash: str = ''          # set when a corner case wants another hash format
    # Corner cases: one lock indicator without the others, odd smbpasswd lines.
    shadow_field: str = ''         # the whole shadow password field, as is
    smb_flags: str = ''            # e.g. 'UD' on an account that shadow says is active
    smb_hashes: tuple = ()         # (LM, NT) as written, e.g. the empty-password pair
    messages: dict = field(default_factory=dict)   # folder ('' = INBOX) -> count

    @property
    def gid(self):
        return self.uid

    @property
    def hash(self):
        return self.shadow_hash or hashes.md5_crypt(self.password, self.salt)


@dataclass
class Group:
    name: str
    gid: int
    description: Optional[str]
    members: Optional[list]       # None = no Members prop at all
    uid: Optional[int] = None
    has_ids: bool = True

    def __post_init__(self):
        if self.uid is None:
            self.uid = self.gid


@dataclass
class Ibay:
    name: str
    uid: int
    description: str
    group: str
    user_access: str
    public_access: str
    cgi: str = 'disabled'
    recycle: str = 'disabled'
    password: str = ''
    salt: str = ''
    props: dict = field(default_factory=dict)

    @property
    def gid(self):
        return self.uid


@dataclass
class Pseudonym:
    key: str
    account: str
    props: dict = field(default_factory=dict)


@dataclass
class Model:
    seed: int
    version: str
    role: str
    ldap_auth: bool
    system_name: str
    domain_name: str
    local_ip: str
    local_net: str
    users: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    ibays: list = field(default_factory=list)
    pseudonyms: list = field(default_factory=list)
    domains: list = field(default_factory=list)       # dicts: key, props
    hosts: list = field(default_factory=list)
    networks: list = field(default_factory=list)
    machines: list = field(default_factory=list)      # 'pc01$'
    admin_password: str = ''
    admin_salt: str = ''
    admin_messages: dict = field(default_factory=dict)
    next_uid: int = MIN_UID
    corner: list = field(default_factory=list)        # corner-case numbers applied
    corner_notes: dict = field(default_factory=dict)  # details the tests check
    orphan_homes: list = field(default_factory=list)

    @property
    def fqdn(self):
        return '{}.{}'.format(self.system_name, self.domain_name)

    @property
    def nethservice(self):
        return self.version == 'nethservice'

    @property
    def courier(self):
        return self.version == '7'

    def take_uid(self):
        uid = self.next_uid
        self.next_uid += 1
        return uid

    def user(self, name):
        return next((u for u in self.users if u.name == name), None)

    def group(self, name):
        return next((g for g in self.groups if g.name == name), None)


def _salt(rng):
    return ''.join(rng.choice(hashes.SALT_CHARS) for _ in range(8))


def _password(rng):
    return ''.join(rng.choice('abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789')
                   for _ in range(10)) + '!'


def _numbered(base, index, width):
    """Names from a finite list, numbered once the list is used up: sales, ..., sales2."""
    word = base[index % len(base)]
    round_ = index // len(base)
    return word if round_ == 0 else '{}{}'.format(word, round_ + 1)


# Which folder the i-th message of a mailbox goes to: INBOX about half, then Sent,
# junkmail, Trash, a subfolder of INBOX and Drafts.  A cycle rather than shares, so that
# even 3 messages a mailbox reach a folder besides INBOX.
FOLDER_CYCLE = ('', '.Sent', '', '.junkmail', '', '.Trash', '', '.INBOX.Archive', '', '.Sent',
                '', '.Drafts', '', '.junkmail', '', '', '.Sent', '', '.Trash', '')
FOLDERS = ('', '.Sent', '.junkmail', '.Trash', '.INBOX.Archive', '.Drafts')


def _folders(rng, total):
    """Split one mailbox's messages over INBOX and the usual folders (sum = total)."""
    del rng                      # no draw: the split depends on the size only
    full, part = divmod(total, len(FOLDER_CYCLE))
    counts = {f: full * FOLDER_CYCLE.count(f) for f in FOLDERS}
    for f in FOLDER_CYCLE[:part]:
        counts[f] += 1
    return counts


def build(seed, version, role, ldap_auth, users, groups, ibays, pseudonyms, domains,
          networks, hosts, messages, extra_accounts=None, ibay_access=None):
    """The model; extra_accounts(model, rng) runs before pseudonyms are derived, so the
    accounts it adds get their auto pseudonyms like any other.  ibay_access: [(group,
    UserAccess)] for the first ibays (group: an index into the groups, or 'shared' /
    'admin'), the others drawn at random."""
    rng = random.Random('smegen:{}'.format(seed))
    dom_word = rng.choice(names.DOMAIN_WORDS)
    model = Model(
        seed=seed, version=version, role=role, ldap_auth=ldap_auth,
        system_name=rng.choice(('mail', 'server', 'sme', 'gw', 'fileserver')),
        domain_name='{}.{}'.format(dom_word, rng.choice(names.TLDS)),
        local_ip='192.168.{}.1'.format(rng.randint(1, 200)), local_net='')
    model.local_net = model.local_ip.rsplit('.', 1)[0] + '.0'
    model.admin_password, model.admin_salt = _password(rng), _salt(rng)
    model.admin_messages = _folders(rng, messages)
    _add_users(model, rng, users, messages)
    _add_groups(model, rng, groups)
    _add_ibays(model, rng, ibays, ibay_access or ())
    if extra_accounts is not None:
        extra_accounts(model, rng)
    _add_pseudonyms(model, rng, pseudonyms)
    _add_domains(model, rng, domains, dom_word)
    _add_hosts(model, rng, hosts)
    _add_networks(model, rng, networks)
    if role == 'PDC':
        model.machines = ['pc{:02d}$'.format(i + 1) for i in range(3)]
    return model, rng


def _add_users(model, rng, count, messages):
    taken = set()
    for i in range(count):
        first = names.FIRST_NAMES[rng.randrange(len(names.FIRST_NAMES))]
        last = names.LAST_NAMES[rng.randrange(len(names.LAST_NAMES))]
        base = (first[0] + last).lower()
        name, n = base, 1
        while name in taken:
            n += 1
            name = '{}{}'.format(base, n)
        taken.add(name)
        # Most accounts are active; some locked after use, a few never had a password.
        state = rng.choices(('active', 'locked', 'never'), (85, 10, 5))[0]
        model.users.append(new_user(model, rng, name, first, last, messages, state))


def new_user(model, rng, name, first, last, messages, state='active'):
    """A user record as the server manager creates it, uid from the shared counter."""
    forward = rng.choices(('local', 'forward', 'both'), (80, 10, 10))[0]
    user = User(name=name, uid=model.take_uid(), first=first, last=last,
                password=_password(rng), salt=_salt(rng), state=state)
    user.props = {
        'FirstName': first, 'LastName': last,
        'Phone': '555-{:04d}'.format(rng.randrange(10000)),
        'Company': 'XYZ Corporation', 'Dept': rng.choice(('Main', 'Sales', 'R&D')),
        'City': rng.choice(names.CITIES), 'Street': '{} Main Street'.format(rng.randint(1, 999)),
        'EmailForward': forward,
        'ForwardAddress': '{}@elsewhere.example'.format(name) if forward != 'local' else '',
        'PasswordSet': 'yes' if state == 'active' else 'no',
        'Shell': USER_SHELL,
    }
    if model.version != '7':
        user.props['VPNClientAccess'] = 'no'
    user.messages = _folders(rng, messages)
    return user


def _add_groups(model, rng, count):
    user_names = [u.name for u in model.users]
    for i in range(count):
        name = _numbered([g for g, _ in names.GROUPS], i, 0)
        desc = names.GROUPS[i % len(names.GROUPS)][1]
        if i >= len(names.GROUPS):
            desc = '{} {}'.format(desc, i // len(names.GROUPS) + 1)
        size = min(len(user_names), rng.randint(1, 8))
        members = sorted(rng.sample(user_names, size)) if size else ['admin']
        model.groups.append(Group(name=name, gid=model.take_uid(), description=desc,
                                  members=members))


def _add_ibays(model, rng, count, fixed=()):
    group_names = [g.name for g in model.groups]
    for i in range(max(count, len(fixed))):
        name = _numbered([b for b, _ in names.IBAYS], i, 0)
        if name == 'shared':           # the key space is shared with the system 'shared'
            name = 'common'
        desc = names.IBAYS[i % len(names.IBAYS)][1]
        group = rng.choice(group_names + ['shared', 'admin']) if group_names else 'shared'
        public = rng.choices(('none', 'local', 'local-pw', 'global', 'global-pw',
                              'global-pw-remote'), (50, 15, 5, 20, 5, 5))[0]
        ibay = Ibay(name=name, uid=model.take_uid(), description=desc, group=group,
                    user_access=rng.choice(('wr-admin-rd-group', 'wr-group-rd-group',
                                            'wr-group-rd-everyone')),
                    public_access=public, cgi=rng.choice(('enabled', 'disabled')),
                    recycle=rng.choice(('enabled', 'disabled')))
        if i < len(fixed):
            group, ibay.user_access = fixed[i]
            ibay.group = group_names[group] if isinstance(group, int) else group
        if public.endswith('-pw') or public.endswith('-pw-remote'):
            ibay.password, ibay.salt = _password(rng), _salt(rng)
        model.ibays.append(ibay)


def _auto_pseudonyms(model):
    """first.last and first_last for every user, unless the key is taken (SME rule)."""
    taken = {u.name for u in model.users} | {g.name for g in model.groups} | \
        {b.name for b in model.ibays} | {'admin', 'shared', 'everyone'}
    out = []
    for user in model.users:
        full = ' '.join('{} {}'.format(user.first, user.last).split()).lower()
        if not full.isascii():
            continue
        for sep in ('.', '_'):
            key = full.replace(' ', sep)
            if key not in taken:
                taken.add(key)
                out.append(Pseudonym(key, user.name))
    return out


BUILTIN_PSEUDONYMS = (
    Pseudonym('postmaster', 'admin', {'Removable': 'no'}),
    Pseudonym('mailer-daemon', 'admin', {'Removable': 'no'}),
    Pseudonym('abuse', 'admin', {'Removable': 'no'}),
    Pseudonym('anonymous', 'admin', {'Removable': 'no'}),
    Pseudonym('everyone', 'shared', {'Changeable': 'no', 'Removable': 'no',
                                     'Visible': 'internal'}),
    Pseudonym('admin_raidreport', 'admin', {'Removable': 'no', 'Visible': 'internal'}),
)


def _add_pseudonyms(model, rng, count):
    model.pseudonyms = [Pseudonym(p.key, p.account, dict(p.props)) for p in BUILTIN_PSEUDONYMS]
    model.pseudonyms += _auto_pseudonyms(model)
    targets = [u.name for u in model.users] + [g.name for g in model.groups] or ['admin']
    taken = {p.key for p in model.pseudonyms}
    for i in range(count):
        key = _numbered(names.PSEUDONYMS, i, 0)
        if key in taken:
            continue
        props = {'Visible': 'internal'} if rng.random() < 0.2 else {}
        model.pseudonyms.append(Pseudonym(key, rng.choice(targets), props))
        taken.add(key)


def _add_domains(model, rng, count, dom_word):
    model.domains = [{'key': model.domain_name, 'type': 'domain', 'props': {
        'Content': 'Primary', 'Description': 'Primary domain', 'Nameservers': 'localhost',
        'Removable': 'no', 'SystemPrimaryDomain': 'yes'}}]
    words = [w for w in names.DOMAIN_WORDS if w != dom_word]
    ibay_names = [b.name for b in model.ibays]
    for i in range(max(0, count - 1)):
        key = '{}.{}'.format(_numbered(words, i, 0), names.TLDS[i % len(names.TLDS)])
        content = rng.choice(['Primary'] + ibay_names)
        model.domains.append({'key': key, 'type': 'domain', 'props': {
            'Content': content, 'Description': 'Domain {}'.format(key),
            'Nameservers': rng.choice(('localhost', 'internet'))}})


def _add_hosts(model, rng, count):
    """Self names of the server first, then Local (with and without MAC) and Remote."""
    kinds = ('Self', 'Local', 'Local-mac', 'Remote', 'Remote-cname')
    base = model.local_ip.rsplit('.', 1)[0]
    for i in range(count):
        kind = kinds[i % len(kinds)]
        word = ('www', 'ftp', 'mail')[i % 3] if kind == 'Self' else \
            _numbered(names.HOST_WORDS, i, 0)
        key = '{}.{}'.format(word, model.domain_name)
        if any(h['key'] == key for h in model.hosts):
            key = '{}{}.{}'.format(word, i, model.domain_name)
        props = {'Comment': '', 'ExternalIP': '', 'HostType': kind.split('-')[0],
                 'InternalIP': '', 'MACAddress': ''}
        if kind.startswith('Local'):
            props['InternalIP'] = '{}.{}'.format(base, 10 + i % 200)
            if kind == 'Local-mac':
                props['MACAddress'] = ':'.join('{:02x}'.format(rng.randrange(256))
                                               for _ in range(6))
        elif kind == 'Remote':
            props['ExternalIP'] = '203.0.113.{}'.format(1 + i % 250)
        elif kind == 'Remote-cname':
            # A Remote host whose "IP" is a name: NethServer skips it ("CNAME").
            props['ExternalIP'] = 'alias.{}'.format(model.domain_name)
        model.hosts.append({'key': key, 'type': 'host', 'props': props})


def _add_networks(model, rng, count):
    model.networks = [{'key': model.local_net, 'type': 'network', 'props': {
        'Mask': '255.255.255.0', 'SystemLocalNetwork': 'yes'}}]
    for i in range(count):
        key = '10.{}.{}.0'.format(10 + i // 200, i % 200)
        model.networks.append({'key': key, 'type': 'network', 'props': {
            'Mask': '255.255.255.0', 'Router': model.local_ip.rsplit('.', 1)[0] + '.254'}})
