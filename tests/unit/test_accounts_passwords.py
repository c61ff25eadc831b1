"""passwords: what of a password can be carried, and the lock state (sme-source.md §5 26-29)."""

import base64

import pytest

from nethserver_migration.actions.accounts import passwords
from nethserver_migration.source import ShadowEntry, SmbpasswdEntry, EMPTY_LM, EMPTY_NT, NO_HASH

MD5 = '$1$abcdefgh$0123456789abcdefghijkl'
SHA = '$6$salt$' + 'x' * 86
DES = 'abJnggxhB/yWI'
NT = '8846F7EAEE8FB117AD06BDD830B7586C'


def shadow(field):
    return ShadowEntry('u', field, '', '', '', '', '', '', '')


def smb(nt=NT, flags='U', lm=NO_HASH):
    return SmbpasswdEntry('u', 5000, lm, nt, frozenset(flags), 'LCT-00000000')


@pytest.mark.parametrize('kw, crypt, nt, locked, never', [
    (dict(shadow=shadow(MD5), smb=smb()), MD5, NT, False, False),
    (dict(shadow=shadow('!' + MD5), smb=smb()), MD5, NT, True, False),      # shadow lock
    (dict(shadow=shadow(MD5), smb=smb(flags='UD')), MD5, NT, True, False),  # smb D only
    (dict(shadow=shadow(MD5), smb=smb(), password_set='no'), MD5, NT, True, False),
    (dict(shadow=shadow('!!'), smb=smb(nt=NO_HASH, flags='UD')), None, None, True, True),
    (dict(shadow=shadow(SHA)), SHA, None, False, False),                    # $6$
    (dict(shadow=shadow(DES)), DES, None, False, False),                    # DES
    (dict(shadow=shadow('*')), None, None, True, True),
    (dict(shadow=shadow(MD5), smb=smb(nt=EMPTY_NT, lm=EMPTY_LM)), MD5, None, False, False),
    (dict(smb=smb()), None, NT, False, False),                              # NT only
    (dict(), None, None, True, True),                                       # nothing at all
    (dict(ldif={'userpassword': '{CRYPT}' + MD5}), MD5, None, False, False),
    (dict(ldif={'userpassword': '{CRYPT}!' + MD5}), MD5, None, True, False),
    (dict(ldif={'userpassword': '{SSHA}abc', 'sambantpassword': NT}), None, NT, False, False),
    (dict(ldif={'userpassword': '{crypt}' + MD5, 'sambaacctflags': '[UD    ]'}),
     MD5, None, True, False),
])
def test_credential(kw, crypt, nt, locked, never):
    cred = passwords.credential(**kw)
    assert (cred.crypt, cred.nt, cred.locked, cred.never) == (crypt, nt, locked, never)


def test_ldap_authentication_prefers_the_ldif():
    cred = passwords.credential(shadow=shadow(DES), ldif={'userpassword': '{CRYPT}' + MD5},
                                prefer_ldif=True)
    assert (cred.crypt, cred.origin) == (MD5, 'ldif')
    cred = passwords.credential(shadow=shadow(DES), ldif={'userpassword': '{CRYPT}' + MD5})
    assert (cred.crypt, cred.origin) == (DES, 'shadow')


def test_lpasswd_input_one_lock_mark():
    assert passwords.lpasswd_input(passwords.credential(shadow=shadow(MD5))) == MD5
    locked = passwords.credential(shadow=shadow('!' + MD5), smb=smb(flags='UD'))
    assert passwords.lpasswd_input(locked) == '!' + MD5


def test_parse_ldif_base64_folded_and_plain():
    b64 = base64.b64encode(('{CRYPT}' + MD5).encode()).decode()
    text = ('dn: dc=example,dc=org\nobjectClass: dcObject\n\n'
            'dn: uid=jdoe,ou=Users,dc=example,dc=org\nuid: jdoe\n'
            'userPassword:: ' + b64[:20] + '\n ' + b64[20:] + '\n'
            'sambaNTPassword: ' + NT + '\nsambaAcctFlags: [UD         ]\n\n'
            'dn: uid=ann,ou=Users,dc=example,dc=org\nuid: ann\nuserPassword: {CRYPT}' + DES +
            '\n\ndn: cn=sales,ou=Groups,dc=example,dc=org\ncn: sales\nmemberUid: jdoe\n')
    entries = passwords.parse_ldif(text.splitlines(True))
    assert set(entries) == {'jdoe', 'ann'}
    assert entries['jdoe']['userpassword'] == '{CRYPT}' + MD5
    assert entries['jdoe']['sambantpassword'] == NT
    assert passwords.credential(ldif=entries['jdoe']).locked
    assert passwords.credential(ldif=entries['ann']).crypt == DES


def test_smbpasswd_line_has_no_lm_and_the_lock_flag():
    cred = passwords.credential(smb=smb(flags='UD'))
    line = passwords.smbpasswd_line('jdoe', 5001, cred)
    name, uid, lm, nt, flags = line.split(':')[:5]
    assert (name, uid, lm, nt) == ('jdoe', '5001', NO_HASH, NT)
    assert flags == '[UD         ]' and len(flags) == 13



@pytest.mark.parametrize('value, bare', [
    (MD5, MD5), ('!' + MD5, MD5), ('!!' + MD5, MD5), ('{CRYPT}' + MD5, MD5),
    ('{crypt}!' + MD5, MD5), ('{Crypt}' + DES, DES), (SHA, SHA), (DES, DES),
    ('$2a$10$' + 'a' * 53, '$2a$10$' + 'a' * 53), ('$2b$x', '$2b$x'), ('$2y$x', '$2y$x'),
    ('$2x$x', '$2x$x'), ('$2$x', '$2$x'), ('$5$salt$h', '$5$salt$h'),
    ('$7$salt$h', None), ('$1$', None), ('$1$a b', None), ('$1$a:b', None),
    (DES[:12], None), (DES + 'x', None), ('ab!nggxhB/yWI', None),
    ('*', None), ('!!', None), ('x', None), ('', None), (None, None), ('{SSHA}abc', None),
    ('{CRYPT}', None), ('!' * 3, None), ('x' + MD5, None), (MD5 + '\n', None),
    ('XabJnggxhB/yW', 'XabJnggxhB/yW'),           # a DES hash may start with X
])
def test_usable_crypt(value, bare):
    assert passwords.usable_crypt(value) == bare


@pytest.mark.parametrize('value, nt', [
    (NT, NT), (NT.lower(), NT), (NO_HASH, None), (EMPTY_NT, None), (EMPTY_NT.lower(), None),
    (NT[:31], None), (NT + 'A', None), ('G' * 32, None), ('', None), (None, None),
    (' ' + NT[1:], None), (NT + '\n', None),
])
def test_usable_nt(value, nt):
    assert passwords.usable_nt(value) == nt


@pytest.mark.parametrize('kw, fields', [
    # (crypt, nt, locked, never, origin, uncarried)
    (dict(shadow=shadow(MD5), smb=smb()), (MD5, NT, False, False, 'shadow', None)),
    (dict(smb=smb()), (None, NT, False, False, 'smbpasswd', None)),
    (dict(ldif={'sambantpassword': NT.lower()}), (None, NT, False, False, 'smbpasswd', None)),
    (dict(smb=smb(nt=NO_HASH), ldif={'sambantpassword': NT}),
     (None, NT, False, False, 'smbpasswd', None)),
    (dict(ldif={'userpassword': '{CRYPT}' + MD5}), (MD5, None, False, False, 'ldif', None)),
    (dict(shadow=shadow('!!'), password_set='no', smb=smb()),
     (None, NT, True, True, 'smbpasswd', None)),           # SME never set one
    (dict(shadow=shadow('!!'), smb=smb()), (None, NT, True, False, 'smbpasswd', None)),
    (dict(shadow=shadow('*'), password_set='no', smb=smb()),
     (None, NT, True, False, 'smbpasswd', None)),
    (dict(ldif={'userpassword': '{SSHA}abc'}), (None, None, True, False, None, '{SSHA}')),
    (dict(ldif={'userpassword': '{ssha}abc'}), (None, None, True, False, None, '{SSHA}')),
    (dict(ldif={'userpassword': 'secret'}),
     (None, None, True, False, None, 'a clear text password')),
    (dict(ldif={'userpassword': '{SSHA}abc'}, smb=smb()), (None, NT, False, False,
                                                         'smbpasswd', None)),
    (dict(ldif={'userpassword': ' !* '}), (None, None, True, True, None, None)),
    (dict(ldif={'userpassword': '{CRYPT}*'}), (None, None, True, True, None, None)),
    (dict(ldif={'userpassword': 'X'}),
     (None, None, True, False, None, 'a clear text password')),
    (dict(ldif={'userpassword': '{SHA'}),
     (None, None, True, False, None, 'a clear text password')),
    (dict(shadow=shadow(MD5), ldif={'sambaacctflags': '[U          ]'}),
     (MD5, None, False, False, 'shadow', None)),
    (dict(shadow=shadow(MD5), ldif={'sambaacctflags': '[DU         ]'}),
     (MD5, None, True, False, 'shadow', None)),
    (dict(shadow=shadow(MD5), ldif={'userpassword': 'x!' + MD5}),
     (MD5, None, False, False, 'shadow', None)),
    (dict(shadow=shadow(MD5), ldif={'userpassword': '{CRYPT}' + DES}, prefer_ldif=True),
     (DES, None, False, False, 'ldif', None)),
    (dict(shadow=shadow(MD5), ldif={'userpassword': '{SSHA}x'}, prefer_ldif=True),
     (MD5, None, False, False, 'shadow', None)),
    (dict(shadow=shadow(MD5), password_set='yes'), (MD5, None, False, False, 'shadow', None)),
])
def test_credential_every_field(kw, fields):
    assert tuple(passwords.credential(**kw)) == fields


def test_lpasswd_input_and_smbpasswd_line_exactly():
    cred = passwords.credential(shadow=shadow(MD5), smb=smb())
    assert passwords.lpasswd_input(cred) == MD5
    assert passwords.smbpasswd_line('jdoe', 5001, cred) == \
        'jdoe:5001:{}:{}:[U          ]:LCT-00000000:\n'.format(NO_HASH, NT)
    locked = passwords.credential(shadow=shadow('!!' + MD5), smb=smb(flags='UD'))
    assert passwords.lpasswd_input(locked) == '!' + MD5
    assert passwords.smbpasswd_line('ann', 0, locked) == \
        'ann:0:{}:{}:[UD         ]:LCT-00000000:\n'.format(NO_HASH, NT)


def test_parse_ldif_keeps_the_wanted_attributes_first_values_only():
    text = ('dn: uid=a,ou=People,dc=x\nuid: a\nuid: a2\ncn: A\nuserPassword: {CRYPT}' + DES +
            '\nuserPassword: other\nsambaAcctFlags: [U ]\nmail: a@x\n\n'
            'dn: cn=g,dc=x\ncn: g\nuserPassword: {CRYPT}' + MD5 + '\n\n'
            'dn: uid=,dc=x\nuid: \n\n')
    assert passwords.parse_ldif(text) == {
        'a': {'uid': 'a', 'userpassword': '{CRYPT}' + DES, 'sambaacctflags': '[U ]'}}
    assert passwords.parse_ldif([]) == {}
    assert passwords.parse_ldif(text.splitlines(True)) == passwords.parse_ldif(text)
