"""The demo: an SME Server migrated into a stand-in NethServer 7, inside the sandbox.

    python3 -m tests.world.demo [--source DIR] [--provider ldap|ad|remote-ad|none] [--keep]

Without --source it generates a medium SME Server 9 (smegen, fixed seed).  With --source it
COPIES your tree into the sandbox (the import hard-links and chowns what it migrates, so it
never works on your own files).  It installs this checkout's package into the sandbox, runs
the real ``signal-event migration-import /var/lib/migration``, prints the event's log lines,
the migration report, and a before/after summary.  Exit status: the event's (0 = success).
"""

import argparse
import ipaddress
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from tests.world.sandbox import Sandbox, SandboxError
from tests.world import smegen

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
STAGING = '/var/lib/migration'
MEDIUM = dict(seed=9, version='9', users=40, groups=8, ibays=6, pseudonyms=10, domains=3,
              networks=2, hosts=6, messages=20)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='./demo', description='Migrate a generated SME Server 9 (or your own SME tree) '
        'into a stand-in NethServer 7 inside a bubblewrap sandbox, and print the report.')
    parser.add_argument('--source', metavar='DIR',
                        help='your own SME tree (an exploded smeserver.tgz); it is copied, '
                             'never changed')
    parser.add_argument('--provider', default='ldap', choices=('ldap', 'ad', 'remote-ad', 'none'),
                        help='the destination accounts provider (default: ldap)')
    parser.add_argument('--keep', action='store_true',
                        help='keep the sandbox directory and print its path')
    return parser.parse_args(argv)


def prepare_source(args, directory):
    """The source tree in directory (generated, or a copy of --source); a description."""
    if args.source:
        if not os.path.isdir(os.path.join(args.source, 'home', 'e-smith', 'db')):
            raise SystemExit('demo: {} is not an SME tree (no home/e-smith/db)'.format(args.source))
        subprocess.check_call(['cp', '-a', os.path.abspath(args.source).rstrip('/') + '/.',
                               directory + '/'])
        return 'your tree {}'.format(args.source)
    manifest = smegen.generate(directory, **MEDIUM)
    return 'a generated SME Server {} ({} users, {} messages)'.format(
        manifest['release'], len(manifest['users']), manifest['messages_total'])


def replacement_server(directory):
    """Sandbox settings of a NethServer that replaces the source, as an admin sets one up:
    the source's host and domain name, a green address on the source's LAN."""
    from nethserver_migration import esmithdb
    from nethserver_migration.source import NotASourceTree, SourceTree, UnsafePath
    try:
        tree = SourceTree(directory)
        tree.system_name, tree.config_value('LocalIP')
    except (NotASourceTree, UnsafePath, esmithdb.DbError):
        return {}       # the import says what is wrong with the tree, in one line
    settings = {}
    if tree.system_name and tree.domain_name:
        settings['hostname'] = '{}.{}'.format(tree.system_name, tree.domain_name)
    try:
        lan = ipaddress.ip_interface('{}/{}'.format(tree.config_value('LocalIP'),
                                                    tree.config_value('LocalNetmask')))
    except ValueError:
        return settings
    hosts = [h for h in lan.network.hosts() if h != lan.ip]
    if hosts:
        settings.update(green_ip=str(hosts[-2] if len(hosts) > 1 else hosts[0]),
                        green_netmask=str(lan.netmask))
        gateway = tree.config_value('GatewayIP') or ''
        if gateway:
            settings['gateway'] = gateway
    return settings


def count_files(root):
    n = 0
    for _top, _dirs, files in os.walk(root):
        n += len(files)
    return n


def source_summary(sandbox):
    from nethserver_migration import esmithdb
    from nethserver_migration.source import NotASourceTree, SourceTree, UnsafePath
    try:
        tree = SourceTree(sandbox.path(STAGING))
        return _source_rows(tree)
    except (NotASourceTree, UnsafePath, esmithdb.DbError) as exc:
        return [('cannot be read', str(exc).replace(sandbox.path(STAGING), STAGING))]


def _source_rows(tree):
    accounts = tree.accounts
    users = [r.key for r in accounts.records('user')]
    mail = 0
    for user in users + ['admin']:
        try:
            mail += count_files(tree.maildir_of(user))
        except Exception:  # an unsafe name: counted as nothing, the import reports it
            pass
    return [('users', len(users)), ('groups', len(accounts.records('group'))),
            ('shared folders (ibays)', len(accounts.records('ibay'))),
            ('pseudonyms', len(accounts.records('pseudonym'))),
            ('mail domains', len(tree.db('domains', optional=True).records('domain'))
             if tree.db('domains', optional=True) else 0),
            ('Maildir files', mail),
            ('hosts', len(tree.db('hosts', optional=True).records('host')) if tree.db('hosts', optional=True) else 0)]


def destination_summary(sandbox):
    # The stand-in lists each provider account twice (user@domain, then user): count one.
    # NethServer's own admin is not one of the source's users: it is left out of the count.
    def accounts(path):
        if not os.path.exists(path):
            return 0
        with open(path) as stream:
            return sum(1 for line in stream if '@' in line.split(':', 1)[0]
                       and line.split('@', 1)[0] != 'admin')
    users = accounts(sandbox.path('/var/lib/extrausers/passwd'))
    groups = accounts(sandbox.path('/var/lib/extrausers/group'))
    vmail = sandbox.path('/var/lib/nethserver/vmail')
    ibay = sandbox.path('/var/lib/nethserver/ibay')
    homes = sandbox.path('/var/lib/nethserver/home')
    return [('users (admin aside)', users), ('provider groups', groups),
            ('homes', len(os.listdir(homes)) if os.path.isdir(homes) else 0),
            ('mailbox files', count_files(vmail) if os.path.isdir(vmail) else 0),
            ('shared folders', len(os.listdir(ibay)) if os.path.isdir(ibay) else 0),
            ('shared folder files', count_files(ibay) if os.path.isdir(ibay) else 0),
            ('hosts records', len(sandbox.db('hosts').records()) if os.path.exists(sandbox.path('/var/lib/nethserver/db/hosts')) else 0),
            ('routes records', len(sandbox.db('routes').records()) if os.path.exists(sandbox.path('/var/lib/nethserver/db/routes')) else 0)]


def db_snapshot(sandbox):
    """{db name: {key: (type, props)}} of every destination DB, to show what changed."""
    from nethserver_migration import esmithdb
    base = sandbox.path('/var/lib/nethserver/db')
    snap = {}
    for name in sorted(os.listdir(base)):
        path = os.path.join(base, name)
        if os.path.isfile(path) and '.' not in name:
            records, _issues = esmithdb.read_file(path)
            snap[name] = {k: (r.type, r.props) for k, r in records.items()}
    return snap


def settings_changes(before, after):
    rows = []
    for name in sorted(after):
        old, new = before.get(name, {}), after[name]
        added = len(set(new) - set(old))
        changed = sum(1 for k in set(new) & set(old) if new[k] != old[k])
        if added or changed:
            rows.append(('DB ' + name, '{} records added, {} changed'.format(added, changed)))
    return rows or [('DBs', 'no record added or changed')]


def print_table(title, rows):
    print(title)
    for name, value in rows:
        print('  {:<26} {}'.format(name, value))


def run_event(sandbox):
    """Run the import, printing each action's end and every progress line as they come
    (a large tree takes minutes: the demo is never silent that long).  The result."""
    done = {}

    def target():
        done['result'] = sandbox.run(['/sbin/e-smith/signal-event', 'migration-import',
                                      STAGING], timeout=1800)
    thread = threading.Thread(target=target)
    thread.start()
    shown = 0
    while True:
        thread.join(1.0)
        lines = sandbox.messages()
        for line in lines[shown:]:
            text = line.split(': ', 1)[-1]
            if 'esmith::event' in line and ('Action:' in line or 'Event:' in line or
                                            ' of ' in text and '[INFO]' in text):
                print('  ' + text, flush=True)
        shown = len(lines)
        if not thread.is_alive():
            break
    if 'result' not in done:
        raise RuntimeError('the event did not finish (see the messages above)')
    return done['result']


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    subprocess.check_call([os.path.join(TOP, 'createlinks')], stdout=subprocess.DEVNULL)
    tmp = tempfile.mkdtemp(prefix='nethserver-migration-demo-')
    try:
        return _demo(args, tmp)
    except (Exception, KeyboardInterrupt) as exc:
        # One line, and the sandbox kept to look at: never a bare traceback.
        print('demo: stopped: {}: {}'.format(type(exc).__name__, exc), file=sys.stderr)
        print('Sandbox kept in {}'.format(tmp), file=sys.stderr)
        args.keep = True
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def _demo(args, tmp):
    """Build, migrate, print; the exit status (0 = the event succeeded)."""
    source_dir = os.path.join(tmp, 'source')
    os.makedirs(source_dir)
    what = prepare_source(args, source_dir)
    try:
        sandbox = Sandbox(os.path.join(tmp, 'sandbox'), provider=args.provider,
                          **replacement_server(source_dir))
    except SandboxError as exc:
        print('demo: {}'.format(exc), file=sys.stderr)
        return 1
    staging = sandbox.path(STAGING)
    if os.path.isdir(staging):
        os.rmdir(staging)
    os.rename(source_dir, staging)
    sandbox.install_package(os.path.join(TOP, 'root'))
    print('Source: {}'.format(what))
    print('Destination: stand-in NethServer 7 {} (accounts provider {})'.format(
        sandbox.hostname, args.provider))
    print_table('Before (source):', source_summary(sandbox))
    dbs_before = db_snapshot(sandbox)
    print('\n$ signal-event migration-import {}'.format(STAGING))
    started = time.time()
    result = run_event(sandbox)
    elapsed = time.time() - started
    print('\nEvent exit status {} after {:.1f} s'.format(result.returncode, elapsed))
    report_txt = sandbox.path('/var/log/nethserver-migration/latest.txt')
    if os.path.exists(report_txt):
        with open(report_txt, encoding='utf-8') as stream:
            print('\n' + stream.read())
    print_table('After (destination):', destination_summary(sandbox)
                + settings_changes(dbs_before, db_snapshot(sandbox)))
    if args.keep:
        print('\nSandbox kept in {}'.format(tmp))
    return 0 if result.returncode == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
