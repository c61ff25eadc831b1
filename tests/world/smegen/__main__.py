"""python3 -m tests.world.smegen --out DIR [options]: write an SME source tree."""

import argparse
import json
import sys

from . import ROLES, VERSIONS, generate
from .corner import COVERED, NOT_COVERED


def parser():
    p = argparse.ArgumentParser(
        prog='python3 -m tests.world.smegen',
        description='Write a deterministic SME Server 7/8/9 or NethService source tree '
                    '(an exploded smeserver.tgz: home/e-smith, etc/..., root/) into --out. '
                    'Same options, same bytes, modes, owners and link targets. Run as root '
                    'to get the SME numeric owners (otherwise files keep your own).',
        epilog='Corner cases added by --corner-cases (numbered as in tests/world/smegen/README.md): '
               '{}. Not covered: {}.'.format(', '.join(map(str, COVERED)),
                                             ', '.join(map(str, sorted(NOT_COVERED)))))
    p.add_argument('--out', required=True, help='destination directory (created; must be empty)')
    p.add_argument('--seed', type=int, default=1, help='RNG seed (default 1)')
    p.add_argument('--version', choices=VERSIONS, default='9',
                   help='source flavour: SME 7 (Courier IMAP files), 8, 9, or nethservice '
                        '(acls.dump, sieve, fetchmail DB, ProxyPass, sogod) (default 9)')
    p.add_argument('--role', choices=ROLES, default='WS', help='smb ServerRole (default WS)')
    p.add_argument('--ldap-auth', action='store_true',
                   help='ldap{Authentication}=enabled (8+): users and groups only in '
                        'home/e-smith/db/ldap/ldif, not in passwd/shadow/group/smbpasswd')
    p.add_argument('--corner-cases', action='store_true',
                   help='add the odd data listed in tests/world/smegen/README.md (see below)')
    for name, default, what in (
            ('users', 10, 'user accounts'),
            ('groups', 3, 'groups'),
            ('ibays', 3, 'ibays besides Primary'),
            ('pseudonyms', 5, 'extra pseudonyms besides the built-in and the automatic '
                              'first.last/first_last ones'),
            ('domains', 2, 'domains, the primary one included'),
            ('networks', 2, 'trusted networks besides the local one'),
            ('hosts', 5, 'hosts DB records'),
            ('messages', 5, 'messages per mailbox (every user and admin)')):
        p.add_argument('--' + name, type=int, default=default,
                       help='number of {} (default {})'.format(what, default))
    p.add_argument('--manifest', metavar='FILE',
                   help='also write the manifest (what was generated) as JSON to FILE')
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        manifest = generate(args.out, seed=args.seed, version=args.version, users=args.users,
                            groups=args.groups, ibays=args.ibays, pseudonyms=args.pseudonyms,
                            domains=args.domains, networks=args.networks, hosts=args.hosts,
                            messages=args.messages, corner_cases=args.corner_cases,
                            ldap_auth=args.ldap_auth, role=args.role)
    except ValueError as exc:
        print('smegen: {}'.format(exc), file=sys.stderr)
        return 2
    if args.manifest:
        with open(args.manifest, 'w') as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
    print('SME {version} tree in {out}: {u} users, {g} groups, {i} ibays, {p} pseudonyms, '
          '{m} messages ({b} bytes) in {mb} mailboxes'.format(
              version=manifest['version'], out=args.out, u=len(manifest['users']),
              g=len(manifest['groups']), i=len(manifest['ibays']),
              p=len(manifest['pseudonyms']), m=manifest['messages_total'],
              b=manifest['bytes_total'], mb=len(manifest['mailboxes'])))
    return 0


if __name__ == '__main__':
    sys.exit(main())
