"""getmail: NethService's fetchmail DB and SME's FM-Accounts -> getmail records, as tables."""

import binascii

import pytest

from nethserver_migration import esmithdb
from nethserver_migration.actions import accounts, getmail
from nethserver_migration.source import SourceTree
from nethserver_migration.steps import Note, SetRecords, Signal
from tests.unit.fakes import FakeDestination

D = 'example.org'
SIGNAL = Signal('nethserver-getmail-save', (), 'getmail')


def hexed(text):
    return binascii.hexlify(text.encode('utf-8')).decode()


def fetch(key='alice@pop.isp.example', user='alice', protocol='pop3', keep=True, enabled=True,
          server='pop.isp.example', username='alice', password='pw'):
    return getmail.Fetch('fetchmail', key, user, server, username, password, protocol, keep,
                         enabled)


def facts(fetches=(), problems=(), existing=None, installed=True):
    return getmail.Facts('/src', installed, D, list(fetches), list(problems),
                         {'alice', 'bob', 'admin'}, existing or {})


def record(**kw):
    out = {'Account': 'alice@' + D, 'Server': 'pop.isp.example', 'Username': 'alice',
           'Password': 'pw', 'Retriever': 'SimplePOP3Retriever', 'Delete': '-1', 'Time': '30',
           'FilterCheck': 'enabled', 'status': 'enabled'}
    out.update(kw)
    return out


def said(steps):
    return [(s.key, s.obj) for s in steps if isinstance(s, Note) and s.key]


def written(steps):
    return dict((k, p) for s in steps if isinstance(s, SetRecords) for k, _t, p in s.records)


@pytest.mark.parametrize('one, props, key', [
    (fetch(), record(), None),
    (fetch(keep=False, enabled=False), record(Delete='0', status='disabled'), None),
    (fetch(protocol='imaps'), record(Retriever='SimpleIMAPSSLRetriever'), None),
    (fetch(protocol='imap'), record(Retriever='SimpleIMAPRetriever'), None),
    (fetch(protocol='pop3s'), record(Retriever='SimplePOP3SSLRetriever'), None),
    (fetch(protocol='etrn'), None, 'getmail.refused'),
    (fetch(user='carol'), None, 'getmail.refused'),
    (fetch(server='bad server'), None, 'getmail.refused'),
    (fetch(username=''), None, 'getmail.refused'),
    (fetch(password='a|b'), None, 'getmail.refused'),
])
def test_plan(one, props, key):
    steps = getmail.plan(facts([one]))
    assert written(steps) == ({one.key: props} if props else {})
    assert said(steps) == ([(key, {'getmail': one.key})] if key else [])
    assert (steps[-1] == SIGNAL) is bool(props)
    assert not any('pw' in (getattr(s, 'message', '') or '') or 'a|b' in (
        getattr(s, 'message', '') or '') for s in steps)


def test_an_existing_record_is_kept_and_a_duplicate_said():
    steps = getmail.plan(facts([fetch(), fetch(key='x@pop.isp.example'),
                                fetch(key='x@pop.isp.example', user='bob')],
                               existing={'alice@pop.isp.example': record(Delete='7')}))
    assert list(written(steps)) == ['x@pop.isp.example']
    assert said(steps) == [('getmail.kept', {'getmail': 'alice@pop.isp.example'}),
                           ('getmail.refused', {'getmail': 'x@pop.isp.example'})]
    same = getmail.plan(facts([fetch()], existing={'alice@pop.isp.example': record()}))
    assert not [s for s in same if isinstance(s, (SetRecords, Signal))]


def test_fm_accounts():
    text = 'pop.isp.example,pop3,{},{};imap.other.example,IMAP,{},{};bad;x,pop3,zz,00'.format(
        hexed('jmunoz'), hexed('s3cret'), hexed('j@other.example'), hexed('pässword'))
    fetches, problems = getmail.parse_fm_accounts('jmunoz', text, True)
    assert fetches == [
        getmail.Fetch('FM-Accounts', 'jmunoz@pop.isp.example', 'jmunoz', 'pop.isp.example',
                      'jmunoz', 's3cret', 'pop3', True, True),
        getmail.Fetch('FM-Accounts', 'j@other.example', 'jmunoz', 'imap.other.example',
                      'j@other.example', 'pässword', 'imap', True, True)]
    assert problems == [('jmunoz', 3, 'it has 1 fields, not 4 (server,type,user,password)'),
                        ('jmunoz', 4, 'its user name or password is not hex-encoded text')]
    steps = getmail.plan(facts(problems=problems))
    assert said(steps) == [('getmail.bad-entry', {'user': 'jmunoz'})] * 2
    assert getmail.parse_fm_accounts('u', '', False) == ([], [])


def test_nothing_and_the_module_missing():
    assert [s.severity for s in getmail.plan(facts())] == ['info']
    assert said(getmail.plan(facts([fetch()], installed=False))) == [
        ('module.missing', {'module': 'nethserver-mail-getmail'})]


def test_read_both_sources(sme_tree):
    db = sme_tree / 'home' / 'e-smith' / 'db'
    (db / 'fetchmail').write_text('alice@pop.isp.example=getmail|account|alice|active|YES|'
                                  'nokeep|YES|password|pw|popserver|pop.isp.example|'
                                  'username|alice\n')
    with open(str(db / 'accounts'), 'a') as f:
        f.write('fmuser=user|FirstName|F|LastName|M|FM-Accounts|pop.x.example,pop3,{},{}|'
                'FM-KeepOption|keep\n'.format(hexed('fm'), hexed('pw2')))
    dest = FakeDestination(dbs={'getmail': [esmithdb.Record('old', 'getmail', {'a': 'b'})]})
    dest.json[accounts.DECISION] = accounts.Decision('ldap', False, ['alice', 'fmuser'], [],
                                                     ['alice', 'fmuser'], [], {})._asdict()
    state = getmail.read(SourceTree(str(sme_tree)), dest)
    assert state.fetches == [
        getmail.Fetch('fetchmail', 'alice@pop.isp.example', 'alice', 'pop.isp.example',
                      'alice', 'pw', 'pop3', False, True),
        getmail.Fetch('FM-Accounts', 'fm@pop.x.example', 'fmuser', 'pop.x.example', 'fm',
                      'pw2', 'pop3', True, True)]
    assert state.users == {'alice', 'fmuser', 'admin'} and state.existing == {'old': {'a': 'b'}}


def test_every_message_word_for_word():
    steps = getmail.plan(facts([
        fetch(protocol='etrn'), fetch(key='b', user='carol'), fetch(key='c', server='bad server'),
        fetch(key='d', username=''), fetch(key='e', password='a|b'), fetch(key='f')],
        problems=[('u', 2, 'why')], existing={'f': {}}))
    add = 'add it in the Server Manager (Email > Connector)'
    assert [(s.severity, s.message, s.remediation) for s in steps if isinstance(s, Note)] == [
        ('warning', 'user u: fetchmail account 2 of FM-Accounts is not migrated: why', add),
        ('warning', "remote mailbox alice@pop.isp.example (for alice) not migrated: getmail "
         "cannot fetch with 'etrn'", add),
        ('warning', "remote mailbox b (for carol) not migrated: its local user 'carol' is not "
         "migrated", add),
        ('warning', "remote mailbox c (for alice) not migrated: its server 'bad server' is not "
         "a host name", add),
        ('warning', 'remote mailbox d (for alice) not migrated: it has no user name', add),
        ('warning', 'remote mailbox e (for alice) not migrated: its user name or password holds '
         'a character the e-smith DB cannot store ("|" or a control character)', add),
        ('notice', 'remote mailbox f: this server already fetches it; its settings are kept',
         None),
        ('info', 'getmail: nothing left to add (already done)', None)]
    missing = getmail.plan(facts([fetch()], installed=False))[0]
    assert missing.message.startswith('remote mailboxes fetched (1): the source uses it')
    assert getmail.plan(facts())[0].message == 'getmail: the source fetches no remote mailbox'
    one = getmail.plan(facts([fetch()]))
    assert [type(s).__name__ for s in one] == ['SetRecords', 'Signal']
    assert (one[0].db, one[0].what, one[0].count) == ('getmail', 'remote mailboxes fetched',
                                                      'remote mailboxes')


@pytest.mark.parametrize('protocol, retriever', [
    ('pop3', 'SimplePOP3Retriever'), ('pop', 'SimplePOP3Retriever'),
    ('pop3s', 'SimplePOP3SSLRetriever'), ('pops', 'SimplePOP3SSLRetriever'),
    ('imap', 'SimpleIMAPRetriever'), ('imaps', 'SimpleIMAPSSLRetriever')])
def test_every_protocol(protocol, retriever):
    steps = getmail.plan(facts([fetch(protocol=protocol)]))
    (key, type_, props), = steps[0].records
    assert (type_, props['Retriever']) == ('getmail', retriever)


def test_duplicates_and_problems_of_several_users():
    steps = getmail.plan(facts([fetch(), fetch(user='bob')]))
    assert [s.message for s in steps if isinstance(s, Note)] == [
        'remote mailbox alice@pop.isp.example (for bob) not migrated: another source account '
        'has the same name']
    fetches, problems = getmail.parse_fm_accounts('u', 'bad;pop.x.example,pop3,{},{}'.format(
        hexed('a'), hexed('b')), False)
    assert [f.key for f in fetches] == ['a@pop.x.example'] and len(problems) == 1


def test_read_without_a_saved_decision_nor_a_fetchmail_db(sme_tree):
    db = sme_tree / 'home' / 'e-smith' / 'db'
    with open(str(db / 'accounts'), 'a') as f:
        f.write('fm1=user|FirstName|F|LastName|M|FM-Accounts|bad\n'
                'fm2=user|FirstName|F|LastName|M|FM-Accounts|also bad\n'
                'fm3=user|FirstName|F|LastName|M\n')
    state = getmail.read(SourceTree(str(sme_tree)), FakeDestination())
    assert [(u, n) for u, n, _w in state.problems] == [('fm1', 1), ('fm2', 1)]
    assert {'fm1', 'fm2', 'fm3', 'admin'} <= state.users
    (db / 'fetchmail').write_text('acct=getmail|active|NO\n')
    state = getmail.read(SourceTree(str(sme_tree)), FakeDestination())
    assert state.fetches[0] == getmail.Fetch('fetchmail', 'acct', '', '', '', '', 'pop3', True,
                                             False)


def test_an_undecodable_entry_fails_alone():
    fetches, problems = getmail.parse_fm_accounts(
        'u', 'pop.x.example,pop3,zz,00;pop.y.example,pop3,{},{}'.format(hexed('b'), hexed('c')),
        True)
    assert [f.key for f in fetches] == ['b@pop.y.example']
    assert problems == [('u', 1, 'its user name or password is not hex-encoded text')]
