"""The one Destination double of the unit tests: in-memory DBs, users and groups, the
migration's state files, and every call that would change the system recorded in
``calls`` as (method, args...).  A test says what fails (``fail``) or what a command
answers (``answers``); nothing else is mocked.

The sandbox tests run the real Destination against the stand-in NethServer; this double
only lets the unit tests exercise steps.apply and the handlers without a system.
"""

import collections
import contextlib
import os
import stat

from nethserver_migration import esmithdb
from nethserver_migration.destination import CommandResult, Destination
from nethserver_migration.fileops import AclResult, MailboxResult, MergeResult

Passwd = collections.namedtuple('Passwd', 'pw_name pw_passwd pw_uid pw_gid pw_gecos pw_dir '
                                'pw_shell')
Group = collections.namedtuple('Group', 'gr_name gr_passwd gr_gid gr_mem')
OK = CommandResult(0, '', '')


class FakeDb(object):
    """An e-smith DB in memory: the Database methods the concerns use."""

    def __init__(self, records=()):
        self._records = collections.OrderedDict((r.key, r) for r in records)
        self.writes = 0

    def get(self, key):
        return self._records.get(key)

    def __contains__(self, key):
        return key in self._records

    def keys(self):
        return list(self._records)

    def records(self, type_=None):
        return [r for r in self._records.values() if type_ is None or r.type == type_]

    def get_prop(self, key, prop, default=None):
        record = self._records.get(key)
        return record.props.get(prop, default) if record is not None else default

    def get_value(self, key, default=None):
        record = self._records.get(key)
        return record.type if record is not None else default

    def merge_props(self, key, props, type_=None):
        record = self._records.get(key)
        if record is None:
            record = self._records[key] = esmithdb.Record(key, type_ or 'service', {})
        record.props.update(props)
        self.writes += 1

    def set_prop(self, key, prop, value, type_=None):
        self.merge_props(key, {prop: value}, type_)

    def set_value(self, key, value):
        old = self._records.get(key)
        self._records[key] = esmithdb.Record(key, value, old.props if old else {})
        self.writes += 1

    @contextlib.contextmanager
    def batch(self):
        yield self


class FakeDestination(object):
    """users: {name: gecos} (or Passwd); groups: {name: [members]}; dbs: {name: FakeDb or
    [Record]}; fail: {(method or event, first argument)} that fail (first argument None:
    every call); answers: {method: CommandResult or function(*args)}."""

    COMMANDS = Destination.COMMANDS

    def __init__(self, provider='ldap', users=None, groups=None, dbs=None, domain='example.org',
                 local_users=('root', 'postfix', 'vmail'), local_groups=('root', 'vmail'),
                 modules=None, services=('nsdc',), fail=(), answers=None, directory=None,
                 stats=None, state=None, free=10 ** 12, device=None, listing=None):
        self._provider = provider
        self.passwd = {}
        for name, entry in (users or {}).items():
            self._add_user(name, entry)
        self.group = dict((n, Group(n, 'x', 6000 + i, list(m)))
                          for i, (n, m) in enumerate(sorted((groups or {}).items())))
        self.dbs = dict((n, d if isinstance(d, FakeDb) else FakeDb(d))
                        for n, d in (dbs or {}).items())
        self.domain = domain
        self._local_users, self._local_groups = set(local_users), set(local_groups)
        self.modules = modules
        self.services = set(services)
        self.fail = set(fail)
        self.answers = dict(answers or {})
        self.directory = directory
        self.stats = dict(stats or {})
        self.state = dict((k, list(v)) for k, v in (state or {}).items())
        self.json = {}
        self.merge_options = []
        self.free = free
        self.device = device or (lambda path: 1)
        self.listing = dict(listing or {})
        self.calls = []

    # reading ---------------------------------------------------------------------------

    def db(self, name):
        return self.dbs.setdefault(name, FakeDb())

    def provider(self):
        return self._provider

    def domain_name(self):
        return self.domain

    def hostname(self):
        return 'ns7.' + self.domain

    def system_name(self):
        return 'ns7'

    def long_name(self, name):
        return name if '@' in name else '{}@{}'.format(name, self.domain)

    def local_users(self):
        return set(self._local_users)

    def local_groups(self):
        return set(self._local_groups)

    def getpwnam(self, name):
        return self.passwd.get(name)

    def getgrnam(self, name):
        return self.group.get(name)

    def module_installed(self, package):
        return self.modules is None or package in self.modules

    def service_active(self, unit):
        return unit in self.services

    def lstat(self, path):
        return self.stats.get(path)

    def state_lines(self, name):
        return list(self.state.get(name, ()))

    def state_read_json(self, name):
        return self.json.get(name)

    def free_bytes(self, path):
        return self.free

    def device_of(self, path):
        return self.device(path)

    def listdir(self, path):
        return list(self.listing.get(path, ()))

    def read_head(self, path, limit):
        data = self.files.get(path) if hasattr(self, 'files') else None
        return data[:limit] if data is not None else None

    def nsdc_netbios_name(self):
        return 'NSDC'

    # changing (recorded) ---------------------------------------------------------------

    def _call(self, method, *args):
        self.calls.append((method,) + args)
        first = args[0] if args else None
        failed = (method, first) in self.fail or (method, None) in self.fail
        answer = self.answers.get(method)
        if callable(answer):
            return failed, answer(*args)
        return failed, answer

    def called(self, method):
        """The argument tuples of every recorded call of method (or event name)."""
        return [c[1:] for c in self.calls if c[0] == method]

    def signal_event(self, event, *args):
        self.calls.append(('signal_event', event) + args)
        if (event, args[0] if args else None) in self.fail or (event, None) in self.fail:
            return False
        if event == 'user-create':
            self._add_user(args[0], args[1] if len(args) > 1 else '')
        elif event == 'group-create':
            self.group[args[0]] = Group(args[0], 'x', 6000 + len(self.group), list(args[1:]))
        elif event == 'group-modify':
            self.group[args[0]] = self.group[args[0]]._replace(gr_mem=list(args[1:]))
        return True

    def _add_user(self, name, entry):
        if not isinstance(entry, Passwd):
            uid = 5000 + len(self.passwd)
            entry = Passwd(name, 'x', uid, 5000, entry, '/var/lib/nethserver/home/' + name,
                           '/bin/bash')
        self.passwd[name] = entry

    def state_append(self, name, line):
        self.calls.append(('state_append', name, line))
        self.state.setdefault(name, []).append(line)

    def state_write_json(self, name, value):
        self.calls.append(('state_write_json', name))
        self.json[name] = value

    def set_password_hash(self, user, crypt_hash):
        failed, _ = self._call('set_password_hash', user, crypt_hash)
        return not failed

    def set_random_password(self, long_name):
        failed, _ = self._call('set_random_password', long_name)
        return not failed

    def _result(self, method, *args):
        failed, answer = self._call(method, *args)
        if answer is not None:
            return answer
        return CommandResult(1, '', method + ' failed\n') if failed else OK

    def import_nt_hashes(self, smbpasswd_text):
        return self._result('import_nt_hashes', smbpasswd_text)

    def set_timezone(self, zone):
        return self._result('set_timezone', zone)

    def stop_dc_samba(self):
        return self._result('stop_dc_samba')

    def tdb_copy_key(self, path, src_key, dst_key):
        return self._result('tdb_copy_key', path, src_key, dst_key)

    def ldap_libuser(self, calls):
        self.calls.append(('ldap_libuser', [(p, a) for p, a, _ in calls]))
        return self.directory.ldap_libuser(calls)

    def sam_ldb(self, program, args, input=None):
        self.calls.append(('sam_ldb', program))
        return self.directory.sam_ldb(program, args, input=input)

    def merge_tree(self, src, dst, owner=None, exclude=(), link=True, dir_mode=None,
                   ids=None):
        self.merge_ids = ids        # what an answer function may call, as merge_tree would
        # the options apart from calls (whose tuples tests compare whole): (dst, exclude,
        # link, dir_mode) of each merge
        self.merge_options.append((dst, tuple(exclude), link, dir_mode))
        failed, answer = self._call('merge_tree', src, dst, owner)
        if failed:
            raise OSError(28, 'No space left on device')
        return answer(src) if callable(answer) else answer or MergeResult()

    def set_acls(self, root, items):
        failed, answer = self._call('set_acls', root, tuple(items))
        if failed:
            raise OSError(95, 'Operation not supported')
        return answer or AclResult()

    def install_file(self, src, dst, mode=0o644, replace=False, group=None):
        failed, answer = self._call('install_file', src, dst, mode, replace, group)
        if failed:
            raise OSError(13, 'Permission denied')
        return answer or ('installed', dst)

    def write_file(self, path, data, mode=0o644, backup=False):
        failed, answer = self._call('write_file', path, data, mode, backup)
        if failed:
            raise OSError(13, 'Permission denied')
        return answer or 'written'

    def move_into(self, paths, dst_dir):
        failed, answer = self._call('move_into', tuple(paths), dst_dir)
        return answer if answer is not None else [
            (p, os.path.join(dst_dir, os.path.basename(p))) for p in paths]

    def merge_maildir(self, src, dst, owner, folder_map=None, domain=None):
        failed, answer = self._call('merge_maildir', src, dst, owner, folder_map, domain)
        if failed:
            raise OSError(28, 'No space left on device')
        return answer(src) if callable(answer) else answer or MailboxResult()

    def mailbox_home(self, path, owner):
        self._call('mailbox_home', path, owner)

    def make_private(self, root, owner):
        self._call('make_private', root, owner)

    def active_sieve(self, home, script, owner):
        failed, answer = self._call('active_sieve', home, script, owner)
        return answer if answer is not None else not failed

    def write_owned(self, path, data, owner, mode=0o644):
        self._call('write_owned', path, data, owner, mode)

    def write_private_file(self, path, data, mode=0o600):
        failed, _ = self._call('write_private_file', path, mode)
        if failed:
            raise OSError(13, 'Permission denied')

    def make_dirs(self, path, mode=0o700):
        self._call('make_dirs', path, mode)

    def move_aside(self, path, suffix):
        self._call('move_aside', path)
        return None

    def remove_file(self, path):
        self._call('remove_file', path)
        return False


def dir_stat(uid):
    """What lstat says of a directory owned by uid."""
    return os.stat_result((stat.S_IFDIR | 0o700, 0, 0, 2, uid, uid, 4096, 0, 0, 0))
