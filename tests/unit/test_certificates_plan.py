"""The certificates concern: what was read -> the steps decided, as tables."""

import pytest

from nethserver_migration.actions import certificates
from nethserver_migration.steps import Note, SetProps, Signal, WriteFile
from tests.unit.plans import keys, of  # noqa: F401
from tests.unit import golden


GOOD = certificates.Verdict(None, 'PUB-A')


def src(path, data=b'pem', problem=None):
    found = None if problem else '/t' + path
    return certificates.SourceFile(path, found, problem, None if problem else data)


def cert_facts(files=None, verdicts=None, taken=(), ours=(), hostname='h.d'):
    base = {'default_key': src('/home/e-smith/ssl.key/h.d.key', b'KEY'),
            'default_crt': src('/home/e-smith/ssl.crt/h.d.crt', b'CRT')}
    base.update(files or {})
    v = dict((role, GOOD) for role, f in base.items() if f.data is not None)
    v.update(verdicts or {})
    return certificates.Facts('h.d', hostname, base, v, set(taken), set(ours))


def test_self_signed_gets_its_own_names_never_nsrv(request):
    steps = certificates.plan(cert_facts(taken=['/etc/pki/tls/certs/NSRV.crt',
                                                '/etc/pki/tls/private/NSRV.key']))
    golden.plan(request, steps)
    assert [(s.data, s.dst, s.mode, s.journal) for s in of(steps, WriteFile)] == [
        (b'CRT', '/etc/pki/tls/certs/h.d.crt', 0o644, 'certificates.state'),
        (b'KEY', '/etc/pki/tls/private/h.d.key', 0o600, 'certificates.state')]
    assert of(steps, SetProps)[0].props == {'CrtFile': '/etc/pki/tls/certs/h.d.crt',
                                            'KeyFile': '/etc/pki/tls/private/h.d.key'}
    assert of(steps, Signal)[0].event == 'certificate-update'
    assert keys(steps) == []


def test_self_signed_for_another_name_is_not_installed(request):
    steps = certificates.plan(cert_facts(hostname='other.d'))
    golden.plan(request, steps)
    assert keys(steps) == ['certificate.other-name'] and not of(steps, WriteFile)
    assert of(steps, Note)[0].obj == {'host': 'h.d'}


def test_custom_pair_and_chain(request):
    steps = certificates.plan(cert_facts({
        'crt': src('/etc/dehydrated/certs/h/cert.pem'),
        'key': src('/etc/dehydrated/certs/h/privkey.pem'),
        'CertificateChainFile': src('/home/e-smith/ssl.crt/chain.crt')}))
    golden.plan(request, steps)
    assert [(s.dst, s.mode) for s in of(steps, WriteFile)] == [
        ('/etc/pki/tls/certs/cert.pem', 0o644), ('/etc/pki/tls/private/privkey.pem', 0o600),
        ('/etc/pki/tls/certs/chain.crt', 0o644)]
    assert [s.props for s in of(steps, SetProps)] == [
        {'CrtFile': '/etc/pki/tls/certs/cert.pem', 'KeyFile': '/etc/pki/tls/private/privkey.pem',
         'ChainFile': '/etc/pki/tls/certs/chain.crt'}]


def test_a_taken_name_that_is_not_ours_gets_ours_and_is_reported(request):
    chain = src('/home/e-smith/ssl.crt/ca-bundle.crt')
    steps = certificates.plan(cert_facts(
        {'crt': src('/a/cert.pem'), 'key': src('/a/key.pem'), 'CertificateChainFile': chain},
        taken=['/etc/pki/tls/certs/ca-bundle.crt', '/etc/pki/tls/certs/migrated-ca-bundle.crt',
               '/etc/pki/tls/certs/cert.pem'],
        ours=['/etc/pki/tls/certs/cert.pem']))
    golden.plan(request, steps)
    assert [s.dst for s in of(steps, WriteFile)] == [
        '/etc/pki/tls/certs/cert.pem', '/etc/pki/tls/private/key.pem',
        '/etc/pki/tls/certs/migrated-2-ca-bundle.crt']
    # our own file from an earlier run is not journalled again
    assert [s.journal for s in of(steps, WriteFile)] == [None, 'certificates.state',
                                                         'certificates.state']
    renamed = [s for s in of(steps, Note) if s.key]
    assert [(s.key, s.severity, s.obj) for s in renamed] == [
        ('certificate.renamed', 'notice', {'file': '/etc/pki/tls/certs/ca-bundle.crt'})]


def test_chain_with_the_certificate_s_file_name_gets_its_own(request):
    steps = certificates.plan(cert_facts({'crt': src('/a/fullchain.pem'),
                                          'key': src('/a/key.pem'),
                                          'CertificateChainFile': src('/b/fullchain.pem')}))
    golden.plan(request, steps)
    assert [s.dst for s in of(steps, WriteFile)][-1] == \
        '/etc/pki/tls/certs/migrated-fullchain.pem'
    assert 'name of the certificate itself' in [s for s in of(steps, Note) if s.key][0].message


@pytest.mark.parametrize('role, verdict, key', [
    ('crt', certificates.Verdict('not one PEM certificate', None), 'certificate.file-invalid'),
    ('key', certificates.Verdict('openssl cannot read it', None), 'certificate.file-invalid'),
    ('key', certificates.Verdict(None, 'PUB-B'), 'certificate.key-mismatch'),
    ('CertificateChainFile', certificates.Verdict('not only PEM', None),
     'certificate.file-invalid'),
])
def test_anything_that_does_not_check_out_installs_and_signals_nothing(request, role, verdict, key):
    files = {'crt': src('/a/c.pem'), 'key': src('/a/k.pem'),
             'CertificateChainFile': src('/a/ch.pem')}
    steps = certificates.plan(cert_facts(files, {role: verdict}))
    golden.plan(request, steps)
    assert keys(steps) == [key]
    finding = [s for s in of(steps, Note) if s.key][0]
    assert finding.severity == 'warning'
    assert finding.obj == {'file': files[role].path}
    assert not of(steps, (WriteFile, SetProps, Signal))


def test_self_signed_key_mismatch_installs_nothing(request):
    steps = certificates.plan(cert_facts(verdicts={'default_key': certificates.Verdict(
        None, 'PUB-B')}))
    golden.plan(request, steps)
    assert keys(steps) == ['certificate.key-mismatch']
    assert not of(steps, (WriteFile, SetProps, Signal))


def test_custom_crt_outside_tree_or_missing_installs_nothing(request):
    steps = certificates.plan(cert_facts({
        'crt': src('../../etc/shadow', problem='outside'),
        'key': src('/home/e-smith/ssl.key/x.key', problem='missing')}))
    golden.plan(request, steps)
    assert keys(steps) == ['certificate.path-refused', 'certificate.file-missing']
    assert not of(steps, (WriteFile, SetProps, Signal))


def test_locate_refuses_paths_out_of_the_tree(sme_tree):
    from nethserver_migration.source import SourceTree
    source = SourceTree(str(sme_tree))
    assert certificates.locate(source, '../../etc/shadow') == (None, 'outside')
    assert certificates.locate(source, '/home/e-smith/../../../etc/shadow') == (None, 'outside')
    assert certificates.locate(source, '/home/e-smith/ssl.crt/x.crt') == (None, 'missing')
    found, problem = certificates.locate(source, '/etc/passwd')
    assert problem is None and found == str(sme_tree / 'etc' / 'passwd')


@pytest.mark.parametrize('custom', ['crt', 'key'])
def test_one_custom_file_makes_it_custom_whatever_the_name(request, custom):
    """modSSL crt or key alone set: a custom certificate (the other half is SME's default
    file), installed even when the source's name is not this server's."""
    path = '/etc/custom/h.' + custom
    steps = certificates.plan(cert_facts({custom: src(path)}, hostname='other.d'))
    golden.plan(request, steps)
    assert keys(steps) == []
    assert [s.dst for s in of(steps, WriteFile)] == (
        ['/etc/pki/tls/certs/h.crt', '/etc/pki/tls/private/h.d.key'] if custom == 'crt' else
        ['/etc/pki/tls/certs/h.d.crt', '/etc/pki/tls/private/h.key'])


def test_a_file_name_that_cannot_be_one_is_refused(request):
    steps = certificates.plan(cert_facts({'crt': src('/etc/custom/bad\nname.crt')}))
    golden.plan(request, steps)
    assert [(s.key, s.severity, s.obj) for s in of(steps, Note) if s.key] == [
        ('certificate.path-refused', 'warning', {'file': '/etc/custom/bad\nname.crt'})]
    assert not of(steps, (WriteFile, SetProps, Signal))
