"""What a certificate, key or chain file must be before it is installed: the PEM
structure (pem.py, pure) and openssl's reading (certificates.check, through the real
Destination: openssl runs for real, the bytes go on stdin)."""

import os
import subprocess

import pytest

from nethserver_migration import pem
from nethserver_migration.actions import certificates
from nethserver_migration.destination import Destination


def _pair(tmp, name, kind='rsa'):
    key, crt = str(tmp / (name + '.key')), str(tmp / (name + '.crt'))
    newkey = 'rsa:2048' if kind == 'rsa' else 'ec'
    extra = [] if kind == 'rsa' else ['-pkeyopt', 'ec_paramgen_curve:prime256v1']
    subprocess.run(['openssl', 'req', '-x509', '-newkey', newkey] + extra +
                   ['-nodes', '-keyout', key, '-out', crt, '-subj', '/CN=' + name,
                    '-days', '2'], check=True, capture_output=True)
    return open(crt, 'rb').read(), open(key, 'rb').read()


@pytest.fixture(scope='module')
def pki(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('pki')
    a_crt, a_key = _pair(tmp, 'a')
    b_crt, b_key = _pair(tmp, 'b', 'ec')
    enc = subprocess.run(['openssl', 'pkey', '-aes256', '-passout', 'pass:x'],
                         input=a_key, capture_output=True, check=True).stdout
    return {'a_crt': a_crt, 'a_key': a_key, 'b_crt': b_crt, 'b_key': b_key, 'enc': enc}


def test_pem_structure_of_real_files(pki):
    assert pem.certificate_problem(pki['a_crt']) is None
    assert pem.key_problem(pki['a_key']) is None and pem.key_problem(pki['b_key']) is None
    assert pem.chain_problem(pki['a_crt'] + pki['b_crt']) is None
    assert 'blocks: CERTIFICATE, CERTIFICATE' in pem.certificate_problem(
        pki['a_crt'] + pki['b_crt'])
    # a certificate file that also holds the key would be installed world-readable
    assert 'PRIVATE KEY' in pem.certificate_problem(pki['a_crt'] + pki['a_key'])
    assert 'PRIVATE KEY' in pem.chain_problem(pki['b_crt'] + pki['a_key'])
    assert 'encrypted' in pem.key_problem(pki['enc'])


@pytest.mark.parametrize('data, needle', [
    (b'', 'no PEM block'),
    (b'root:$6$salt$hash:17000:0:99999:7:::\n', 'no PEM block'),
    (b'-----BEGIN CERTIFICATE-----\nAAAA\n', 'BEGIN line without its END'),
    (b'-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n',
     'not base64'),
    (b'x' * (pem.MAX_BYTES + 1), 'larger than 1024 KiB'),
])
def test_pem_refuses_what_is_not_a_certificate(data, needle):
    assert needle in pem.certificate_problem(data)
    assert needle in pem.key_problem(data)


def test_check_through_openssl(pki):
    dest = Destination()
    crt = certificates.check(dest, 'crt', pki['a_crt'])
    key = certificates.check(dest, 'key', pki['a_key'])
    other = certificates.check(dest, 'default_key', pki['b_key'])
    assert crt.problem is None and key.problem is None and other.problem is None
    assert crt.public == key.public and crt.public.startswith('-----BEGIN PUBLIC KEY-----')
    assert other.public != crt.public
    assert certificates.check(dest, 'CertificateChainFile',
                              pki['a_crt'] + pki['b_crt']) == certificates.Verdict(None, None)


def test_check_refuses_a_well_shaped_block_that_openssl_cannot_read(pki):
    dest = Destination()
    fake = b'-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'
    fake_key = b'-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'
    assert 'X.509' in certificates.check(dest, 'crt', fake).problem
    assert 'private key' in certificates.check(dest, 'key', fake_key).problem
    assert 'certificate 2 of the chain' in certificates.check(
        dest, 'CertificateChainFile', pki['a_crt'] + fake).problem


def test_read_checks_the_files_of_a_tree(sme_tree, pki, mocker):
    from nethserver_migration.source import SourceTree
    ssl = sme_tree / 'home' / 'e-smith'
    for folder, name, data in (('ssl.crt', 'c.crt', pki['a_crt']),
                               ('ssl.key', 'c.key', pki['b_key'])):
        (ssl / folder).mkdir(parents=True, exist_ok=True)
        (ssl / folder / name).write_bytes(data)
    source = SourceTree(str(sme_tree))
    mocker.patch.object(source.configuration, 'get', return_value=mocker.Mock(props={
        'crt': '/home/e-smith/ssl.crt/c.crt', 'key': '/home/e-smith/ssl.key/c.key'}))
    dest = Destination()
    mocker.patch.object(dest, 'listdir', return_value=['NSRV.crt'])
    mocker.patch.object(dest, 'state_lines', return_value=['wrote /etc/pki/tls/certs/x'])
    facts = certificates.read(source, dest)
    assert facts.files['crt'].data == pki['a_crt']
    assert facts.verdicts['crt'].public != facts.verdicts['key'].public
    assert facts.ours == {'/etc/pki/tls/certs/x'}
    assert '/etc/pki/tls/certs/NSRV.crt' in facts.taken
    steps = certificates.plan(facts)
    assert [s.key for s in steps if getattr(s, 'key', None)] == ['certificate.key-mismatch']


# -- pem, exactly (each verdict's words, each label, each boundary) ---------------------

def block(label, body=b'QUJD\n', headers=b''):
    return (b'-----BEGIN ' + label + b'-----\n' + headers + body + b'-----END ' + label +
            b'-----\n')


CERT, RSA, EC, PKCS8 = (block(b'CERTIFICATE'), block(b'RSA PRIVATE KEY'),
                        block(b'EC PRIVATE KEY'), block(b'PRIVATE KEY'))


@pytest.mark.parametrize('data, why', [
    (CERT, None),
    (CERT + CERT, 'not one PEM certificate (blocks: CERTIFICATE, CERTIFICATE)'),
    (b'', 'not one PEM certificate (no PEM block)'),
    (RSA, 'not one PEM certificate (blocks: RSA PRIVATE KEY)'),
    (b'x' * pem.MAX_BYTES, 'not one PEM certificate (no PEM block)'),     # the limit itself
    (b'x' * (pem.MAX_BYTES + 1), 'larger than 1024 KiB: not a certificate'),
    (block(b'CERTIFICATE', b'!!\n'), 'not a PEM certificate (a BEGIN line without its END, '
                                     'or a body that is not base64)'),
])
def test_certificate_verdicts(data, why):
    assert pem.certificate_problem(data) == why


@pytest.mark.parametrize('data, why', [
    (CERT + CERT, None),
    (CERT + PKCS8, 'not only PEM certificate chain blocks (blocks: CERTIFICATE, PRIVATE KEY)'),
    (b'', 'not only PEM certificate chain blocks (no PEM block)'),
    (b'x' * (pem.MAX_BYTES + 1), 'larger than 1024 KiB: not a certificate chain'),
])
def test_chain_verdicts(data, why):
    assert pem.chain_problem(data) == why


@pytest.mark.parametrize('data, why', [
    (RSA, None), (EC, None), (PKCS8, None),
    (block(b'EC PARAMETERS') + EC, None),                    # openssl ecparam -genkey
    (RSA + CERT, None),                                      # a combined file
    (RSA + RSA, 'not one PEM private key (blocks: RSA PRIVATE KEY, RSA PRIVATE KEY)'),
    (RSA + block(b'X509 CRL'), 'not one PEM private key (blocks: RSA PRIVATE KEY, X509 CRL)'),
    (CERT, 'not one PEM private key (blocks: CERTIFICATE)'),
    (b'', 'not one PEM private key (no PEM block)'),
    (block(b'ENCRYPTED PRIVATE KEY'), 'the private key is encrypted (a server cannot start '
                                      'with it)'),
    (block(b'RSA PRIVATE KEY', headers=b'Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n'),
     'the private key is encrypted (a server cannot start with it)'),
    (b'x' * (pem.MAX_BYTES + 1), 'larger than 1024 KiB: not a private key'),
    (b'x' * pem.MAX_BYTES, 'not one PEM private key (no PEM block)'),     # the limit itself
    (b'-----BEGIN PRIVATE KEY-----\n' + b'x' * pem.MAX_BYTES,           # broken, and large
     'larger than 1024 KiB: not a private key'),
    (b'-----BEGIN PRIVATE KEY-----\n' + b'x' * (pem.MAX_BYTES - 28),    # broken, at the limit
     'not a PEM private key (a BEGIN line without its END, or a body that is not base64)'),
    (block(b'PRIVATE KEY', b'@@@\n'), 'not a PEM private key (a BEGIN line without its END, '
                                      'or a body that is not base64)'),
])
def test_key_verdicts(data, why):
    assert pem.key_problem(data) == why


def test_headers_are_not_body_and_blocks_keep_their_text():
    with_headers = block(b'RSA PRIVATE KEY', headers=b'Comment: made by hand\n')
    found = pem.blocks(with_headers)
    assert [(b.label, b.text) for b in found] == [('RSA PRIVATE KEY', with_headers)]
    assert pem.key_of(CERT + with_headers) == with_headers
    assert pem.key_of(CERT) is None
    assert pem.certificates_of(CERT + RSA + CERT) == [CERT, CERT]
    assert pem.blocks(b'-----BEGIN CERTIFICATE-----\nQUJD\n') is None


# -- check: each role's verdict, word for word -----------------------------------------

def test_check_each_role_exactly(pki):
    dest = Destination()
    fake = b'-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'
    fake_key = b'-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'
    a_public = certificates.check(dest, 'crt', pki['a_crt']).public
    assert certificates.check(dest, 'default_crt', pki['a_crt']) == \
        certificates.Verdict(None, a_public)
    assert certificates.check(dest, 'default_key', pki['a_key']) == \
        certificates.Verdict(None, a_public)
    assert certificates.check(dest, 'crt', fake) == certificates.Verdict(
        'openssl cannot read it as an X.509 certificate', None)
    assert certificates.check(dest, 'key', fake_key) == certificates.Verdict(
        'openssl cannot read it as a private key', None)
    # the PEM structure comes first: openssl would read the certificate of a crt+key file
    assert certificates.check(dest, 'crt', pki['a_crt'] + pki['a_key']).problem == \
        pem.certificate_problem(pki['a_crt'] + pki['a_key'])
    assert certificates.check(dest, 'key', pki['enc']).problem == \
        'the private key is encrypted (a server cannot start with it)'
    assert certificates.check(dest, 'CertificateChainFile', pki['a_crt'] + pki['a_key']) \
        .problem == pem.chain_problem(pki['a_crt'] + pki['a_key'])
    # the first bad certificate of a chain is the one named
    assert certificates.check(dest, 'CertificateChainFile', fake + pki['a_crt'] + fake) == \
        certificates.Verdict('openssl cannot read certificate 1 of the chain', None)


# -- read: which files, found where, and what this server already has --------------------

def _modssl_tree(sme_tree, props):
    from nethserver_migration import esmithdb
    from nethserver_migration.source import SourceTree
    esmithdb.Database(str(sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'),
                      readonly=False).set_record('modSSL', 'service', props)
    return SourceTree(str(sme_tree))


def test_read_defaults_to_the_self_signed_pair_of_the_sources_name(sme_tree, pki, mocker):
    ssl = sme_tree / 'home' / 'e-smith'
    (ssl / 'ssl.crt').mkdir(parents=True)
    (ssl / 'ssl.crt' / 'pretz.e-smith.com.crt').write_bytes(pki['a_crt'])
    source = _modssl_tree(sme_tree, {'crt': ' ', 'key': '', 'status': 'enabled'})
    dest = Destination()
    mocker.patch.object(dest, 'listdir', side_effect=lambda path: {
        '/etc/pki/tls/certs': ['NSRV.crt'], '/etc/pki/tls/private': ['NSRV.key']}[path])
    mocker.patch.object(dest, 'state_lines', return_value=[
        'wrote /etc/pki/tls/certs/with space.crt', 'checked /etc/pki/tls/certs/other'])
    mocker.patch.object(dest, 'hostname', return_value='ns7.example.org')
    facts = certificates.read(source, dest)
    assert facts.fqdn == 'pretz.e-smith.com' and facts.hostname == 'ns7.example.org'
    assert sorted(facts.files) == ['default_crt', 'default_key']
    assert facts.files['default_crt'] == certificates.SourceFile(
        '/home/e-smith/ssl.crt/pretz.e-smith.com.crt',
        str(ssl / 'ssl.crt' / 'pretz.e-smith.com.crt'), None, pki['a_crt'])
    assert facts.files['default_key'] == certificates.SourceFile(
        '/home/e-smith/ssl.key/pretz.e-smith.com.key', None, 'missing', None)
    assert sorted(facts.verdicts) == ['default_crt']
    assert facts.taken == {'/etc/pki/tls/certs/NSRV.crt', '/etc/pki/tls/private/NSRV.key'}
    assert facts.ours == {'/etc/pki/tls/certs/with space.crt'}


def test_read_takes_the_custom_files_modssl_names(sme_tree, pki, mocker, tmp_path_factory):
    ssl = sme_tree / 'home' / 'e-smith' / 'ssl'
    ssl.mkdir(parents=True)
    (ssl / 'my.crt').write_bytes(pki['a_crt'])
    (ssl / 'my.key').write_bytes(pki['a_key'])
    outside = tmp_path_factory.mktemp('out') / 'chain.pem'
    outside.write_bytes(pki['b_crt'])
    os.symlink(str(outside), str(ssl / 'chain.pem'))
    source = _modssl_tree(sme_tree, {'crt': ' /home/e-smith/ssl/my.crt ',
                                     'key': 'home/e-smith/ssl/my.key',
                                     'CertificateChainFile': '/home/e-smith/ssl/chain.pem'})
    dest = Destination()
    mocker.patch.object(dest, 'listdir', return_value=[])
    mocker.patch.object(dest, 'state_lines', return_value=[])
    facts = certificates.read(source, dest)
    assert facts.files['crt'] == certificates.SourceFile(
        '/home/e-smith/ssl/my.crt', str(ssl / 'my.crt'), None, pki['a_crt'])
    assert facts.files['key'].found == str(ssl / 'my.key')
    assert facts.files['CertificateChainFile'] == certificates.SourceFile(
        '/home/e-smith/ssl/chain.pem', None, 'outside', None)
    assert facts.verdicts['crt'].public == facts.verdicts['key'].public
    assert 'CertificateChainFile' not in facts.verdicts


def test_read_refuses_a_symlink_that_stays_inside_the_tree(sme_tree, pki, mocker):
    """read_bytes never follows a link: the file is taken as 'outside', not read."""
    ssl = sme_tree / 'home' / 'e-smith' / 'ssl'
    ssl.mkdir(parents=True)
    (ssl / 'real.crt').write_bytes(pki['a_crt'])
    os.symlink('real.crt', str(ssl / 'link.crt'))
    source = _modssl_tree(sme_tree, {'crt': '/home/e-smith/ssl/link.crt'})
    dest = Destination()
    mocker.patch.object(dest, 'listdir', return_value=[])
    mocker.patch.object(dest, 'state_lines', return_value=[])
    facts = certificates.read(source, dest)
    assert facts.files['crt'] == certificates.SourceFile('/home/e-smith/ssl/link.crt', None,
                                                         'outside', None)
