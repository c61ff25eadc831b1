"""The openssh concern (sshd settings, host keys): what was read -> the steps decided, as tables."""

import pytest

from nethserver_migration.actions import openssh
from nethserver_migration.steps import Note, SetProps, Signal, WriteFile
from tests.unit.plans import keys, of  # noqa: F401
from tests.unit import golden


RSA = openssh.HostKey(b'rsa-private', b'ssh-rsa AAAArsa root@sme\n', 'ssh-rsa AAAArsa')


def ssh_state(sshd, keys_=None, installed=True):
    keys_ = keys_ or {}
    return openssh.Facts(source_dir='/x', sshd=sshd, installed=installed,
                         keys=dict((n, keys_.get(n, openssh.HostKey(None, None, None)))
                                   for n in openssh.HOST_KEYS + openssh.OBSOLETE_KEYS))


def test_sshd_known_props_only_and_access_mapped(request):
    steps = openssh.plan(ssh_state({'access': 'public', 'TCPPort': '2222',
                                    'PermitRootLogin': 'no', 'status': 'disabled',
                                    'InitscriptOrder': '85', 'Foo': 'bar'}))
    golden.plan(request, steps)
    assert of(steps, SetProps)[0].props == {'access': 'green,red', 'TCPPort': '2222',
                                            'PermitRootLogin': 'no'}
    assert keys(steps) == ['sshd.status-kept']


def test_host_keys_0600_only_complete_pairs_no_dsa(request):
    steps = openssh.plan(ssh_state({}, {
        'ssh_host_rsa_key': RSA,
        'ssh_host_ecdsa_key': openssh.HostKey(b'ecdsa', None, None),
        'ssh_host_dsa_key': openssh.HostKey(b'dsa', b'ssh-dss AAAA', None)}))
    golden.plan(request, steps)
    assert of(steps, WriteFile) == [
        WriteFile(b'rsa-private', '/etc/ssh/ssh_host_rsa_key', 0o600, None, True,
                  'SSH host key'),
        WriteFile(b'ssh-rsa AAAArsa root@sme\n', '/etc/ssh/ssh_host_rsa_key.pub', 0o644,
                  None, True, 'SSH host public key')]
    assert keys(steps) == ['sshd.host-key-incomplete']
    assert [s for s in of(steps, Note) if s.key][0].obj == {
        'file': 'etc/ssh/ssh_host_ecdsa_key'}


@pytest.mark.parametrize('key, why', [
    (RSA._replace(derived=None), 'ssh-keygen cannot read'),
    (RSA._replace(public=b'ssh-rsa AAAAother root@sme\n'), 'not the public half'),
    (RSA._replace(public=b'ssh-ed25519 AAAArsa\n'), 'not the public half'),
    (RSA._replace(private=b'x' * (openssh.MAX_KEY_BYTES + 1)), 'larger than 64 KiB'),
])
def test_host_key_that_does_not_check_out_is_one_finding_and_nothing_written(request, key, why):
    steps = openssh.plan(ssh_state({}, {'ssh_host_rsa_key': key,
                                        'ssh_host_ed25519_key': RSA}))
    golden.plan(request, steps)
    bad = [s for s in of(steps, Note) if s.key]
    assert [(s.key, s.severity, s.obj) for s in bad] == [
        ('sshd.host-key-invalid', 'warning', {'file': 'etc/ssh/ssh_host_rsa_key'})]
    assert why in bad[0].message
    assert [s.dst for s in of(steps, WriteFile)] == [
        '/etc/ssh/ssh_host_ed25519_key', '/etc/ssh/ssh_host_ed25519_key.pub']


def test_no_host_keys_says_so_only_when_nothing_was_found(request):
    steps = openssh.plan(ssh_state({'TCPPort': '22'}))
    golden.plan(request, steps, '1')
    assert any('none in the source tree' in s.message for s in of(steps, Note))
    steps = openssh.plan(ssh_state({}, {'ssh_host_rsa_key': RSA._replace(derived=None)}))
    golden.plan(request, steps, '2')
    assert not any('none in the source tree' in s.message for s in of(steps, Note))


def test_openssh_not_installed_changes_nothing(request):
    steps = openssh.plan(ssh_state({'access': 'private'}, {'ssh_host_rsa_key': RSA},
                                   installed=False))
    golden.plan(request, steps)
    assert keys(steps) == ['module.missing']
    assert not of(steps, (SetProps, WriteFile, Signal))


def test_openssh_read(sme_tree, tmp_path_factory):
    """The keys are read through the tree (no link followed, at most MAX_KEY_BYTES + 1);
    only a current key type with both halves is given to ssh-keygen."""
    import os
    from nethserver_migration import esmithdb
    from nethserver_migration.source import SourceTree
    from tests.unit.fakes import FakeDestination
    esmithdb.Database(str(sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'),
                      readonly=False).set_record('sshd', 'service', {'TCPPort': '2222'})
    ssh = sme_tree / 'etc' / 'ssh'
    ssh.mkdir()
    (ssh / 'ssh_host_rsa_key').write_bytes(b'rsa-private')
    (ssh / 'ssh_host_rsa_key.pub').write_bytes(b'ssh-rsa AAAA root@sme\n')
    (ssh / 'ssh_host_ecdsa_key').write_bytes(b'ecdsa-private')                 # no .pub
    (ssh / 'ssh_host_ed25519_key').write_bytes(b'x' * (openssh.MAX_KEY_BYTES + 5))
    (ssh / 'ssh_host_ed25519_key.pub').write_bytes(b'ssh-ed25519 AAAA\n')
    (ssh / 'ssh_host_dsa_key').write_bytes(b'dsa-private')
    (ssh / 'ssh_host_dsa_key.pub').write_bytes(b'ssh-dss AAAA\n')
    outside = tmp_path_factory.mktemp('out') / 'key'
    outside.write_bytes(b'not yours')
    os.symlink(str(outside), str(ssh / 'ssh_host_key'))
    (ssh / 'ssh_host_key.pub').mkdir()
    asked = []

    def derive(private):
        asked.append(private)
        return 'ssh-rsa AAAA'
    dest = FakeDestination(modules=())
    dest.ssh_public_of_private = derive
    source = SourceTree(str(sme_tree))
    facts = openssh.read(source, dest)
    assert facts.source_dir == source.root
    assert facts.sshd == {'TCPPort': '2222'} and facts.installed is False
    assert facts.keys == {
        'ssh_host_rsa_key': openssh.HostKey(b'rsa-private', b'ssh-rsa AAAA root@sme\n',
                                            'ssh-rsa AAAA'),
        'ssh_host_ecdsa_key': openssh.HostKey(b'ecdsa-private', None, None),
        'ssh_host_ed25519_key': openssh.HostKey(b'x' * (openssh.MAX_KEY_BYTES + 1),
                                                b'ssh-ed25519 AAAA\n', None),
        'ssh_host_dsa_key': openssh.HostKey(b'dsa-private', b'ssh-dss AAAA\n', None),
        'ssh_host_key': openssh.HostKey(None, None, None)}
    assert asked == [b'rsa-private']


def test_openssh_read_without_sshd_record(sme_tree):
    from nethserver_migration.source import SourceTree
    from tests.unit.fakes import FakeDestination
    facts = openssh.read(SourceTree(str(sme_tree)), FakeDestination())
    assert facts.installed is True
    assert set(facts.keys) == set(openssh.HOST_KEYS + openssh.OBSOLETE_KEYS)
    assert set(facts.keys.values()) == {openssh.HostKey(None, None, None)}


@pytest.mark.parametrize('sshd, written, bad', [
    ({'TCPPort': '0'}, {}, ['sshd TCPPort']),
    ({'TCPPort': ' 22 ', 'PasswordAuthentication': 'maybe'}, {'TCPPort': '22'},
     ['sshd PasswordAuthentication']),
    ({'PermitRootLogin': 'prohibit-password', 'PasswordAuthentication': 'no'},
     {'PermitRootLogin': 'prohibit-password', 'PasswordAuthentication': 'no'}, []),
    ({'access': 'private', 'PermitRootLogin': 'always'}, {'access': 'green'},
     ['sshd PermitRootLogin']),
    ({'access': 'everyone', 'status': 'enabled', 'InitscriptOrder': '85'}, {},
     ['sshd access']),
    ({}, {}, []),
], ids=['port 0', 'bad yes/no', 'all good', 'bad root login', 'bad access', 'nothing'])
def test_sshd_values_checked_one_by_one(request, sshd, written, bad):
    steps = openssh.plan(ssh_state(sshd))
    golden.plan(request, steps)
    assert [s.props for s in of(steps, SetProps)] == ([written] if written else [])
    assert [s.obj['setting'] for s in steps
            if getattr(s, 'key', None) == 'config.bad-value'] == bad
    assert of(steps, Signal) == [Signal('nethserver-openssh-update', (), 'sshd')]


@pytest.mark.parametrize('name, value', [
    ('PermitRootLogin', v) for v in ('yes', 'no', 'without-password', 'prohibit-password',
                                     'forced-commands-only')] + [
    ('PasswordAuthentication', 'yes'), ('PasswordAuthentication', 'no')])
def test_sshd_every_valid_value_is_taken(name, value):
    steps = openssh.plan(ssh_state({name: value}))
    assert [s.props for s in of(steps, SetProps)] == [{name: value}]


def test_sshd_host_keys_without_an_sshd_record(request):
    ecdsa = openssh.HostKey(b'ec-private', b'ecdsa-sha2-nistp256 AAAAec root@sme\n',
                            'ecdsa-sha2-nistp256 AAAAec')
    half = openssh.HostKey(b'rsa-private', None, None)
    steps = openssh.plan(ssh_state(None, {'ssh_host_rsa_key': half,
                                          'ssh_host_ecdsa_key': ecdsa}))
    golden.plan(request, steps)
    assert [s.dst for s in of(steps, WriteFile)] == ['/etc/ssh/ssh_host_ecdsa_key',
                                                      '/etc/ssh/ssh_host_ecdsa_key.pub']
    assert keys(steps) == ['sshd.host-key-incomplete']
    only_public = openssh.plan(ssh_state(None, {'ssh_host_rsa_key': openssh.HostKey(
        None, b'ssh-rsa AAAA\n', None)}))
    assert keys(only_public) == ['sshd.host-key-incomplete']


def test_sshd_lists_what_it_leaves(request):
    obsolete = openssh.HostKey(b'dsa', b'ssh-dss AAAA\n', None)
    steps = openssh.plan(ssh_state({'Foo': '1', 'Bar': '2'},
                                   {'ssh_host_dsa_key': obsolete, 'ssh_host_key': obsolete}))
    golden.plan(request, steps)
    texts = [s.message for s in of(steps, Note)]
    assert 'sshd: Bar, Foo not migrated (not NethServer 7 settings)' in texts
    assert 'SSH host keys ssh_host_dsa_key, ssh_host_key: obsolete (DSA, SSH-1), not migrated' \
        in texts
    # obsolete keys alone: the source still had none to migrate, and that is said
    assert any(t.startswith('SSH host keys: none in the source tree') for t in texts)


def test_sshd_nothing_at_all(request):
    steps = openssh.plan(ssh_state(None))
    golden.plan(request, steps)
    assert [s.message for s in steps] == ['sshd: the source has no sshd settings and no host '
                                          'keys']


@pytest.mark.parametrize('size, why', [
    (openssh.MAX_KEY_BYTES, None), (openssh.MAX_KEY_BYTES + 1, 'larger than 64 KiB')])
def test_host_key_size_limit_is_inclusive(size, why):
    private = b'k' * size
    public = b'ssh-rsa AAAArsa \xff comment\n'
    assert openssh._key_problem(openssh.HostKey(private, public, 'ssh-rsa AAAArsa')) == why
    assert openssh._key_problem(openssh.HostKey(b'k', b'p' * size, 'x')) == (
        why or 'the .pub file is not the public half of the private key')
