"""Mail domains, addresses and forwards through the REAL event, in the sandbox.

A generated SME tree (with its corner-case pseudonyms) plus a table of pseudonyms appended
here, migrated with signal-event migration-import on a local LDAP with 3 domains and on a
local AD with 1; the destination already holds an address of its own.  Assertions on the
destination's DB files (domains, accounts), the report's findings and the stand-in's
journal of events.
"""

import os

import pytest

from tests import reports
from tests.world import smegen
from tests.world import killer
from tests.world.sandbox import Sandbox

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SRC = '/var/lib/migration'
D = 'example.org'
ACTION = 'nethserver-migration-mail'

pytestmark = pytest.mark.sandbox

# The table: source pseudonym line -> (destination key, Account, Access), appended to the
# generated accounts DB.  {u} is a migrated user, {g} a group with members.
TABLE = [
    ('tbl-user=pseudonym|Account|{u}', 'tbl-user@', '{u}@' + D, 'public'),
    ('tbl-int=pseudonym|Account|{u}|Visible|internal', 'tbl-int@', '{u}@' + D, 'private'),
    ('TBL-Upper=pseudonym|Account|{u}', 'tbl-upper@', '{u}@' + D, 'public'),
    ('tbl-ext=pseudonym|Account|friend@partner.example', 'tbl-ext@', 'friend@partner.example',
     'public'),
    ('tbl-admin=pseudonym|Account|admin', 'tbl-admin@', 'admin@' + D, 'public'),
    ('tbl-hop2=pseudonym|Account|tbl-hop1', 'tbl-hop2@', '{u}@' + D, 'public'),
    ('tbl-hop1=pseudonym|Account|tbl-user', 'tbl-hop1@', '{u}@' + D, 'public'),
    ('tbl-missing=pseudonym|Account|zzz-nobody', 'tbl-missing@', 'postmaster@' + D, 'public'),
    ('tbl-kept=pseudonym|Account|{u}', 'tbl-kept@', 'someone@else.example', 'public'),
]


def world(tmp, provider, domains, role='WS'):
    sandbox = Sandbox(tmp, provider=provider)
    manifest = smegen.generate(sandbox.path(SRC), seed=11, version='9', users=6, groups=2,
                               ibays=0, pseudonyms=4, domains=domains, messages=1,
                               corner_cases=True, role=role)
    user = sorted(u for u in manifest['users'] if u.isalpha() and u not in (
        'postfix', 'vmail', 'administrator', 'guest', 'krbtgt'))[0]
    with open(sandbox.path(SRC + '/home/e-smith/db/accounts'), 'a') as f:
        for line, _k, _a, _x in TABLE:
            f.write(line.format(u=user) + '\n')
    # The destination already has one of the addresses, going elsewhere.
    with open(sandbox.path('/var/lib/nethserver/db/accounts'), 'a') as f:
        f.write('tbl-kept@=pseudonym|Access|public|Account|someone@else.example|'
                'Description|\n')
    sandbox.install_package(os.path.join(TOP, 'root'))
    return sandbox, manifest, user


def migrate(sandbox):
    return sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', SRC], timeout=300)


def db_bytes(sandbox, *names):
    return dict((n, open(sandbox.path('/var/lib/nethserver/db/' + n), 'rb').read())
                for n in names)


def findings(sandbox, key=None):
    data = reports.load(sandbox.path('/var/log/nethserver-migration/latest.json'))
    section = next(a for a in data['actions'] if a['action'] == ACTION)
    return [(f['key'], f['severity'], f['object']) for f in section['findings']
            if key is None or f['key'] == key], section


def saves(sandbox):
    return [r for r in sandbox.journal('event', 'nethserver-mail-server-save')]


@pytest.fixture(scope='module')
def ldap(tmp_path_factory):
    sandbox, manifest, user = world(tmp_path_factory.mktemp('mail-ldap'), 'ldap', 3)
    migrate(sandbox)
    first = db_bytes(sandbox, 'accounts', 'domains', 'configuration')
    report = findings(sandbox)
    saves_first = len(saves(sandbox))
    migrate(sandbox)
    return dict(sb=sandbox, m=manifest, u=user, first=first, report=report,
                saves_first=saves_first)


def test_ldap_domains_every_source_domain_with_the_defaults(ldap):
    domains = ldap['sb'].db('domains', readonly=True)
    for name in ldap['m']['domains']:
        record = domains.get(name.lower())
        assert record is not None and record.type == 'domain', name
        assert record.prop('TransportType') == 'LocalDelivery'
        assert record.prop('UnknownRecipientsActionType') == 'bounce'
    assert len(ldap['m']['domains']) >= 3


def test_ldap_every_table_case(ldap):
    accounts = ldap['sb'].db('accounts', readonly=True)
    for line, key, account, access in TABLE:
        record = accounts.get(key)
        assert record is not None and record.type == 'pseudonym', key
        assert (record.prop('Account'), record.prop('Access')) == (
            account.format(u=ldap['u']), access), key
    keys, _section = ldap['report']
    assert ('mail.address-kept', 'warning', {'address': 'tbl-kept@'}) in keys
    assert ('mail.target-missing', 'warning', {'pseudonym': 'tbl-missing'}) in keys


def test_ldap_users_and_groups_have_their_address_on_every_domain(ldap):
    sb = ldap['sb']
    accounts = sb.db('accounts', readonly=True)
    store = sb.provider_store()
    for name in store['users']:
        record = accounts.get(name + '@')
        assert record is not None and record.prop('Account') == '{}@{}'.format(name, D), name
    for group, info in store['groups'].items():
        if group in ('locals', 'domain admins'):
            continue
        record = accounts.get(group + '@')
        members = set('{}@{}'.format(m, D) for m in info['members'])
        if members:
            assert set(record.prop('Account').split(',')) == members, group
        else:
            assert record is None


def test_ldap_corner_case_pseudonyms(ldap):
    notes = ldap['m']['corner_notes']
    accounts = ldap['sb'].db('accounts', readonly=True)
    keys, _section = ldap['report']
    for key in notes['unsafe_pseudonyms']:
        assert accounts.get(key + '@') is None
    refused = [o['pseudonym'] for k, _s, o in keys if k == 'mail.address-refused']
    assert set(refused) >= set(k for k in notes['unsafe_pseudonyms']
                               if not k.replace('.', '').replace('-', '').replace('_', '')
                               .isalnum())
    live, gone = notes['domain_pseudonyms']['live'], notes['domain_pseudonyms']['deleted_domain']
    assert accounts.get(live) is not None and accounts.get(gone) is None
    assert ('mail.domain-missing', 'notice', {'pseudonym': gone}) in keys
    # deep1 -> deep2 -> deep3 -> a user: followed to its end (SME stopped after 2)
    assert accounts.get('deep1@').prop('Account') == accounts.get('deep3@').prop('Account')
    assert accounts.get('to-missing@').prop('Account') == 'postmaster@' + D
    assert accounts.get('to-admin@').prop('Account') == 'admin@' + D
    assert accounts.get('postmaster@').prop('Account') == 'root'   # the mail server's own


def test_ldap_one_event_and_a_second_run_writes_nothing(ldap):
    sb = ldap['sb']
    assert ldap['saves_first'] == 1
    assert len(saves(sb)) == 1                       # none on the second run
    assert db_bytes(sb, 'accounts', 'domains', 'configuration') == ldap['first']
    _keys, section = findings(sb)
    assert section['exit_status'] == 0


def test_ldap_forwards_and_spam_settings(ldap):
    sb, m = ldap['sb'], ldap['m']
    accounts = sb.db('accounts', readonly=True)
    forwarded = [n for n, u in m['users'].items() if accounts.get('{}@{}'.format(n, D))]
    for name in forwarded:
        record = accounts.get('{}@{}'.format(name, D))
        assert record.type == 'user' and record.prop('MailForwardStatus') == 'enabled'
        assert '@' in record.prop('MailForwardAddress')
    config = sb.db('configuration', readonly=True)
    assert config.get_prop('dovecot', 'SpamFolder') == 'Junk'
    assert config.get_prop('dovecot', 'SpamRetentionTime') == 'infinite'   # 0 on the source
    # the generated SME had SMTP AUTH off on port 25 (smtpd Authentication disabled): only
    # the relay for the trusted networks is added
    assert config.get_prop('postfix', 'AccessPolicies') == 'trustednetworks'


def test_migration_check_shows_the_addresses_it_would_create(tmp_path):
    sandbox, _m, _u = world(tmp_path, 'ldap', 1)
    proc = sandbox.run(['migration-check', '-v', SRC])
    assert proc.returncode in (0, 1)
    lines = proc.stdout.splitlines()
    summary = [l for l in lines if l.startswith('mail ')]
    listed = [l for l in lines if 'step: mail addresses: ' in l]
    assert len(summary) == 1 and ' mail addresses' in summary[0], proc.stdout
    count = int(listed[0].split('step: mail addresses: ')[1].split(' ')[0])
    assert '{} mail addresses'.format(count) in summary[0]
    assert count > len(TABLE)
    assert not os.path.exists(sandbox.path('/var/lib/nethserver-migration/mail-events'))


KILLER = killer.script('nethserver-migration-mail')


def test_killed_in_its_event_the_next_run_signals_it_and_converges(ldap, tmp_path):
    sandbox, _m, _u = world(tmp_path, 'ldap', 3)
    killer = sandbox.path('/etc/e-smith/events/nethserver-mail-server-save/S01test-killer')
    os.makedirs(os.path.dirname(killer), exist_ok=True)
    with open(killer, 'w') as f:
        f.write(KILLER)
    os.chmod(killer, 0o755)
    migrate(sandbox)
    os.unlink(killer)
    migrate(sandbox)
    assert len(saves(sandbox)) == 2              # the killed one, then the one it owed
    for name in ('accounts', 'domains'):         # the same records as one clean run
        assert records(sandbox.db(name, readonly=True)) == records(ldap['sb'].db(
            name, readonly=True)), name


def records(db):
    return dict((r.key, (r.type, dict(r.props))) for r in db.records())


def test_ad_one_domain(tmp_path):
    sandbox, manifest, user = world(tmp_path, 'ad', 1)
    migrate(sandbox)
    accounts = sandbox.db('accounts', readonly=True)
    assert accounts.get(user + '@').prop('Account') == '{}@{}'.format(user, D)
    assert accounts.get('tbl-hop2@').prop('Account') == '{}@{}'.format(user, D)
    assert len(saves(sandbox)) == 1
    _keys, section = findings(sandbox)
    assert section['exit_status'] == 0


# -- smarthost, filter lists, getmail ---------------------------------------------------

def test_ldap_smarthost_without_its_password_anywhere_but_the_db(ldap):
    sb = ldap['sb']
    config = sb.db('configuration', readonly=True)
    postfix = config.get('postfix')
    # the generated SME relays through smtp.isp.example:587 with authentication
    assert (postfix.prop('SmartHostName'), postfix.prop('SmartHostPort'),
            postfix.prop('SmartHostStatus')) == ('smtp.isp.example', '587', 'enabled')
    assert postfix.prop('SmartHostPassword') == 'smarthost-secret'
    report = open(sb.path('/var/log/nethserver-migration/latest.json')).read()
    journal = open(sb.path('/var/log/ns7-standin/journal.jsonl')).read()
    assert 'smarthost-secret' not in report and 'smarthost-secret' not in journal
    assert 'smarthost-secret' not in '\n'.join(sb.messages())
    assert len(sb.journal('event', 'nethserver-mail-smarthost-save')) == 1


def test_ldap_filter_lists(ldap):
    rspamd = ldap['sb'].db('configuration', readonly=True).get('rspamd')
    assert rspamd.prop('SenderBlackList') == 'junk.example,spam@bad.example'
    assert rspamd.prop('SenderWhiteList') == 'partner@{},trusted.example'.format(
        ldap['m']['domain_name'])
    assert rspamd.prop('RecipientWhiteList') == 'postmaster@' + ldap['m']['domain_name']
    data = reports.load(ldap['sb'].path('/var/log/nethserver-migration/latest.json'))
    section = next(a for a in data['actions'] if a['action'] == 'nethserver-migration-mailfilter')
    # the first run's findings are said again on the second: the same rules are skipped
    assert sorted(f['object']['rule'] for f in section['findings']) == [
        'ceo@' + ldap['m']['domain_name'], 'spam*@odd.example']
    assert len(ldap['sb'].journal('event', 'nethserver-mail-filter-save')) == 1


def test_ldap_getmail_module_missing_is_said(ldap):
    data = reports.load(ldap['sb'].path('/var/log/nethserver-migration/latest.json'))
    section = next(a for a in data['actions'] if a['action'] == 'nethserver-migration-getmail')
    assert [(f['key'], f['object']) for f in section['findings']] == [
        ('module.missing', {'module': 'nethserver-mail-getmail'})]


def test_nethservice_getmail_accounts(tmp_path):
    sandbox = Sandbox(tmp_path, provider='ldap', modules=(
        'nethserver-samba', 'nethserver-mail-server', 'nethserver-mail-filter',
        'nethserver-mail-getmail'))
    manifest = smegen.generate(sandbox.path(SRC), seed=5, version='nethservice', users=5,
                               groups=1, ibays=0, pseudonyms=0, domains=1, messages=1)
    sandbox.install_package(os.path.join(TOP, 'root'))
    migrate(sandbox)
    getmail = sandbox.db('getmail', readonly=True)
    keys = sorted(r.key for r in getmail.records())
    assert keys and all(k.endswith('@pop.isp.example') for k in keys)
    for record in getmail.records():
        user = record.key.split('@')[0]
        assert (record.prop('Account'), record.prop('Password'), record.prop('Delete'),
                record.prop('Retriever')) == ('{}@{}'.format(user, D), 'fetch-' + user, '-1',
                                              'SimplePOP3Retriever')
    assert len(sandbox.journal('event', 'nethserver-getmail-save')) == 1
    assert 'fetch-' not in open(sandbox.path('/var/log/nethserver-migration/latest.json')).read()
    migrate(sandbox)
    assert len(sandbox.journal('event', 'nethserver-getmail-save')) == 1
