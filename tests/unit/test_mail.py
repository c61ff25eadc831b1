"""The mail concern (domains, addresses, forwards, spam settings, access policy): read from
an SME tree and the FakeDestination, and the plan as tables."""

import pytest

from nethserver_migration import esmithdb
from nethserver_migration.actions import accounts, mail
from nethserver_migration.source import SourceTree
from nethserver_migration.steps import Note, SetProps, SetRecords, Signal
from tests.unit.fakes import FakeDestination

D = 'example.org'
SIGNAL = Signal('nethserver-mail-server-save', (), 'mail')
DOVECOT = {'QuotaDefaultSize': '20', 'SpamFolder': 'Junk', 'SpamRetentionTime': '15d'}
POSTFIX = {'AccessPolicies': ''}


def decision(users=('alice', 'bob'), groups=None, refused=(), blocked=False):
    return accounts.Decision('ldap', blocked, list(users), list(refused),
                             sorted(set(users) | set(refused)), [],
                             {'sales': ['alice', 'bob']} if groups is None else groups)


def facts(domains=((D, {'Description': 'Primary domain'}),), pseudonyms=(), forwards=None,
          spam=None, dest_domains=None, dest_accounts=None, installed=True, pending=False,
          postfix=None, dovecot=None, smtpd_auth='enabled', **kw):
    return mail.Facts(
        source_dir='/src', installed=installed, domain=D,
        source_domains=[(k, 'domain', dict(p)) for k, p in domains],
        decision=kw.pop('decision', decision()), pseudonyms=list(pseudonyms),
        forwards=forwards or {}, spam=spam, smtpd_auth=smtpd_auth,
        dest_domains=dest_domains or {}, dest_accounts=dest_accounts or {},
        postfix=dict(POSTFIX) if postfix is None else postfix,
        dovecot=dict(DOVECOT) if dovecot is None else dovecot, pending=pending)


def records(steps, what):
    """{key: (type, props)} of the SetRecords step named what."""
    found = [s for s in steps if isinstance(s, SetRecords) and s.what == what]
    assert len(found) <= 1
    return dict((k, (t, p)) for s in found for k, t, p in s.records)


def said(steps, *keys):
    return [(s.key, s.severity, s.obj) for s in steps
            if isinstance(s, Note) and s.key and (not keys or s.key in keys)]


def accounts_of(steps):
    return dict((k, p['Account']) for k, (_t, p) in records(steps, 'mail addresses').items())


# -- the module, the domains ------------------------------------------------------------

def test_without_the_module_one_finding_and_nothing_else():
    steps = mail.plan(facts(installed=False))
    assert said(steps) == [('module.missing', 'warning', {'module': 'nethserver-mail-server'})]
    assert len(steps) == 1
    assert 'mail (1 domain(s), 2 user(s))' in steps[0].message
    empty = mail.plan(facts(installed=False, domains=(), decision=decision(users=())))
    assert [(s.severity, s.key) for s in empty] == [('info', None)]


def test_domains_with_the_defaults_a_relay_and_the_ones_kept():
    steps = mail.plan(facts(
        domains=[(D, {'Description': 'Primary domain'}), ('Other.Example', {}),
                 ('relay.example', {'MailServer': ' 10.0.0.9 ', 'Description': 'r'}),
                 ('kept.example', {}), ('bad_domain!', {}), ('other.example', {})],
        dest_domains={'kept.example': ('domain', {'TransportType': 'LocalDelivery'}),
                      'kept2.example': ('domain', {})}))
    base = dict(mail.DOMAIN_DEFAULTS)
    assert records(steps, 'mail domains') == {
        D: ('domain', dict(base, Description='Primary domain')),
        'other.example': ('domain', base),
        'relay.example': ('domain', dict(base, Description='r', TransportType='Relay',
                                         RelayHost='10.0.0.9', RelayPort='25'))}
    assert said(steps, 'mail.domain-refused', 'mail.domain-duplicate', 'mail.domain-kept') == [
        ('mail.domain-refused', 'warning', {'domain': 'bad_domain!'}),
        ('mail.domain-duplicate', 'warning', {'domain': 'other.example'})]
    # a destination domain that differs from the source's is kept and said
    steps = mail.plan(facts(domains=[('kept.example', {'MailServer': 'mx.example'})],
                            dest_domains={'kept.example': ('domain', {
                                'TransportType': 'LocalDelivery'})}))
    assert records(steps, 'mail domains') == {}
    assert said(steps, 'mail.domain-kept') == [('mail.domain-kept', 'notice',
                                                {'domain': 'kept.example'})]


# -- addresses --------------------------------------------------------------------------

PSEUDONYMS = [
    ('alice.smith', {'Account': 'alice'}),
    ('Bob.Jones', {'Account': 'bob'}),                       # upper case key
    ('internal', {'Account': 'alice', 'Visible': 'internal'}),
    ('team', {'Account': 'sales'}),                          # a group
    ('everyone', {'Account': 'shared', 'Visible': 'internal'}),
    ('boss', {'Account': 'admin'}),
    ('chain1', {'Account': 'chain2'}), ('chain2', {'Account': 'chain3'}),
    ('chain3', {'Account': 'BOB'}),                          # upper case target, 3 hops
    ('loop1', {'Account': 'loop2'}), ('loop2', {'Account': 'loop1'}),
    ('ghost', {'Account': 'nosuchaccount'}),
    ('gone', {'Account': 'carol'}),                          # carol is not migrated
    ('ext', {'Account': 'partner@elsewhere.example'}),
    ('badext', {'Account': 'partner@'}),
    ('a/b', {'Account': 'alice'}), ('x*', {'Account': 'alice'}), ('.dot', {'Account': 'alice'}),
    ('info@other.example', {'Account': 'bob'}),
    ('sales@gone-domain.example', {'Account': 'bob'}),
    ('postmaster', {'Account': 'admin'}),
    ('alice', {'Account': 'bob'}),                           # takes a user's address
    ('nobody', {'Account': ''}),
]


def address_facts(**kw):
    return facts(domains=[(D, {}), ('other.example', {})], pseudonyms=PSEUDONYMS,
                 decision=decision(refused=('carol',)), **kw)


def test_every_address_corner_case():
    steps = mail.plan(address_facts())
    assert accounts_of(steps) == {
        'admin@': 'admin@' + D, 'alice@': 'alice@' + D, 'bob@': 'bob@' + D,
        'sales@': 'alice@{0},bob@{0}'.format(D),
        'alice.smith@': 'alice@' + D, 'bob.jones@': 'bob@' + D, 'internal@': 'alice@' + D,
        'team@': 'alice@{0},bob@{0}'.format(D), 'everyone@': 'alice@{0},bob@{0}'.format(D),
        'boss@': 'admin@' + D, 'chain1@': 'bob@' + D, 'chain2@': 'bob@' + D,
        'chain3@': 'bob@' + D,
        'loop1@': 'postmaster@' + D, 'loop2@': 'postmaster@' + D,
        'ghost@': 'postmaster@' + D, 'gone@': 'postmaster@' + D,
        'ext@': 'partner@elsewhere.example', 'badext@': 'postmaster@' + D,
        'info@other.example': 'bob@' + D, 'nobody@': 'postmaster@' + D}
    access = dict((k, p['Access']) for k, (_t, p) in records(steps, 'mail addresses').items())
    assert [k for k, a in sorted(access.items()) if a == 'private'] == ['everyone@', 'internal@']
    assert said(steps, 'mail.target-missing', 'mail.address-refused', 'mail.domain-missing',
                'mail.address-duplicate') == [
        ('mail.address-refused', 'warning', {'pseudonym': '.dot'}),
        ('mail.address-refused', 'warning', {'pseudonym': 'a/b'}),
        ('mail.address-duplicate', 'warning', {'address': 'alice@'}),
        ('mail.target-missing', 'warning', {'pseudonym': 'badext'}),
        ('mail.target-missing', 'warning', {'pseudonym': 'ghost'}),
        ('mail.target-missing', 'warning', {'pseudonym': 'gone'}),
        ('mail.target-missing', 'warning', {'pseudonym': 'loop1'}),
        ('mail.target-missing', 'warning', {'pseudonym': 'loop2'}),
        ('mail.target-missing', 'warning', {'pseudonym': 'nobody'}),
        ('mail.domain-missing', 'notice', {'pseudonym': 'sales@gone-domain.example'}),
        ('mail.address-refused', 'warning', {'pseudonym': 'x*'})]
    messages = dict((s.obj.get('pseudonym'), s.message) for s in steps if isinstance(s, Note)
                    and s.key == 'mail.target-missing')
    assert messages['ghost'] == ('pseudonym ghost: its target nosuchaccount does not exist: it '
                                 'goes to postmaster@example.org instead')
    assert messages['gone'].startswith('pseudonym gone: its target carol is not migrated')
    assert messages['loop1'].startswith('pseudonym loop1: its target chain loops (loop2 -> '
                                        'loop1 -> loop2)')
    assert messages['badext'].startswith("pseudonym badext: its target 'partner@' is not a mail")
    assert messages['nobody'].startswith('pseudonym nobody: it has no target')
    assert not [s for s in steps if isinstance(s, Note) and 'postmaster' in s.message
                and s.key is None and s.severity != 'info']


def test_a_group_without_migrated_members_gets_no_address():
    steps = mail.plan(facts(decision=decision(groups={'empty': [], 'sales': ['alice']})))
    assert said(steps, 'mail.group-empty') == [('mail.group-empty', 'warning',
                                                {'group': 'empty'})]
    assert 'empty@' not in accounts_of(steps)
    assert accounts_of(steps)['sales@'] == 'alice@' + D


def test_existing_destination_addresses_are_never_overwritten():
    dest = {'bob@': ('pseudonym', {'Account': 'bob@' + D, 'Access': 'public'}),
            'alice@': ('pseudonym', {'Account': 'someone@else.example'}),
            'sales@': ('user', {'MailStatus': 'enabled'})}
    steps = mail.plan(facts(dest_accounts=dest))
    assert sorted(accounts_of(steps)) == ['admin@']
    assert said(steps, 'mail.address-kept') == [
        ('mail.address-kept', 'warning', {'address': 'alice@'}),
        ('mail.address-kept', 'warning', {'address': 'sales@'})]
    assert 'mail: 1 address(es) already there' in [s.message for s in steps
                                                   if isinstance(s, Note)]


def test_blocked_accounts_no_address_but_the_domains():
    steps = mail.plan(facts(decision=decision(blocked=True), pseudonyms=PSEUDONYMS))
    assert records(steps, 'mail addresses') == {}
    assert list(records(steps, 'mail domains')) == [D]
    assert any(isinstance(s, Note) and s.message.startswith('mail addresses not migrated')
               for s in steps)


# -- forwards ---------------------------------------------------------------------------

def test_forwards():
    forwards = {'alice': ('forward', 'alice@elsewhere.example'), 'bob': ('both', 'carol'),
                'admin': ('forward', 'boss@elsewhere.example'), 'dave': ('local', 'x@y.z'),
                'erin': ('forward', 'not an address'), 'frank': ('forward', ''),
                'gina': ('both', 'gina@elsewhere.example'), 'hank': ('', '')}
    dest = {'gina@' + D: ('user', {'MailStatus': 'enabled', 'MailForwardStatus': 'enabled',
                                   'MailForwardAddress': 'other@x.example'})}
    steps = mail.plan(facts(forwards=forwards, dest_accounts=dest))
    defaults = {'MailStatus': 'enabled', 'MailAccess': 'public', 'MailQuotaType': 'default',
                'MailQuotaCustom': '20', 'MailSpamRetentionStatus': 'disabled',
                'MailSpamRetentionTime': '15d'}
    assert records(steps, 'mail forwards') == {
        'admin@' + D: ('user', dict(defaults, MailForwardStatus='enabled',
                                    MailForwardAddress='boss@elsewhere.example',
                                    MailForwardKeepMessageCopy='no')),
        'alice@' + D: ('user', dict(defaults, MailForwardStatus='enabled',
                                    MailForwardAddress='alice@elsewhere.example',
                                    MailForwardKeepMessageCopy='no')),
        'bob@' + D: ('user', dict(defaults, MailForwardStatus='enabled',
                                  MailForwardAddress='carol@' + D,
                                  MailForwardKeepMessageCopy='yes'))}
    assert said(steps, 'mail.forward-refused', 'mail.forward-kept') == [
        ('mail.forward-refused', 'warning', {'user': 'erin'}),
        ('mail.forward-refused', 'warning', {'user': 'frank'}),
        ('mail.forward-kept', 'warning', {'user': 'gina'})]


def test_a_forward_merges_into_a_record_without_one():
    dest = {'alice@' + D: ('user', {'MailStatus': 'disabled', 'MailForwardStatus': 'disabled'})}
    steps = mail.plan(facts(forwards={'alice': ('forward', 'a@x.example')}, dest_accounts=dest))
    assert records(steps, 'mail forwards') == {'alice@' + D: ('user', {
        'MailForwardStatus': 'enabled', 'MailForwardAddress': 'a@x.example',
        'MailForwardKeepMessageCopy': 'no'})}
    same = {'alice@' + D: ('user', {'MailForwardStatus': 'enabled',
                                    'MailForwardAddress': 'a@x.example',
                                    'MailForwardKeepMessageCopy': 'no'})}
    steps = mail.plan(facts(forwards={'alice': ('forward', 'a@x.example')}, dest_accounts=same))
    assert records(steps, 'mail forwards') == {} and said(steps, 'mail.forward-kept') == []


# -- spam, access policy, the event -------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('0', ('infinite', False)), ('', ('infinite', False)), (None, ('infinite', False)),
    (' 0 ', ('infinite', False)), ('1', ('1d', False)), ('3', ('2d', True)),
    ('5', ('4d', True)), ('6', ('7d', True)), ('7', ('7d', False)), ('10', ('7d', True)),
    ('11', ('7d', True)), ('12', ('15d', True)), ('90', ('90d', False)),
    ('135', ('90d', True)), ('136', ('180d', True)), ('365', ('180d', True)),
    ('abc', None), ('-3', None), ('7.5', None)])
def test_retention(value, expected):
    assert mail.retention(value) == expected


@pytest.mark.parametrize('spam, dovecot, props, keys', [
    ({'SortSpam': 'enabled', 'MessageRetentionTime': '90'}, DOVECOT,
     {'SpamFolder': 'Junk', 'SpamRetentionTime': '90d'}, []),
    ({'SortSpam': 'disabled', 'MessageRetentionTime': '0'}, DOVECOT,
     {'SpamFolder': '', 'SpamRetentionTime': 'infinite'}, []),
    ({'MessageRetentionTime': '10'}, DOVECOT, {'SpamFolder': '', 'SpamRetentionTime': '7d'},
     [('mail.retention-rounded', 'notice', {'property': 'SpamRetentionTime'})]),
    ({'SortSpam': 'enabled', 'MessageRetentionTime': 'x'}, dict(DOVECOT, SpamFolder=''),
     {'SpamFolder': 'Junk'}, [('mail.bad-value', 'warning',
                               {'property': 'MessageRetentionTime'})]),
    ({'SortSpam': 'enabled', 'MessageRetentionTime': '15'}, DOVECOT, None, []),
    ({'SortSpam': 'enabled'}, None, None, [('mail.no-dovecot', 'warning', {})]),
    (None, DOVECOT, None, []),
])
def test_spam_settings(spam, dovecot, props, keys):
    steps = mail.plan(facts(spam=spam)._replace(dovecot=dovecot))
    found = [s for s in steps if isinstance(s, SetProps) and s.key == 'dovecot']
    assert [s.props for s in found] == ([props] if props else [])
    assert said(steps, 'mail.retention-rounded', 'mail.bad-value', 'mail.no-dovecot') == keys


@pytest.mark.parametrize('current, auth, expected', [
    ('', 'enabled', 'smtpauth,trustednetworks'),
    ('', '', 'smtpauth,trustednetworks'),
    ('', 'disabled', 'trustednetworks'),
    ('trustednetworks', 'enabled', 'trustednetworks,smtpauth'),
    ('smtpauth,trustednetworks', 'enabled', None),
])
def test_access_policy_is_added_to(current, auth, expected):
    steps = mail.plan(facts(postfix={'AccessPolicies': current}, smtpd_auth=auth))
    found = [s.props['AccessPolicies'] for s in steps if isinstance(s, SetProps)
             and s.key == 'postfix']
    assert found == ([expected] if expected else [])


def test_the_event_once_and_only_when_something_changes_or_is_pending():
    steps = mail.plan(facts())
    assert [s for s in steps if isinstance(s, Signal)] == [SIGNAL] and steps[-1] == SIGNAL
    # everything in place: nothing written, nothing signalled
    done = facts(dest_domains={D: ('domain', dict(mail.DOMAIN_DEFAULTS))},
                 dest_accounts=dict((k, ('pseudonym', {'Account': a})) for k, a in
                                    accounts_of(steps).items()),
                 postfix={'AccessPolicies': 'smtpauth,trustednetworks'})
    again = mail.plan(done)
    assert not [s for s in again if isinstance(s, (Signal, SetRecords, SetProps))]
    assert again[-1].message == 'mail: nothing left to change (already done)'
    # a run killed before its event: signalled again
    assert mail.plan(done._replace(pending=True))[-1] == SIGNAL


# -- read -------------------------------------------------------------------------------

def test_read_on_the_saved_decision(sme_tree):
    db = sme_tree / 'home' / 'e-smith' / 'db'
    with open(str(db / 'accounts'), 'a') as f:
        f.write('alias1=pseudonym|Account|admin|Visible|internal\n')
    dest = FakeDestination(dbs={'domains': [esmithdb.Record('x.example', 'domain', {})],
                                'accounts': [esmithdb.Record('p@', 'pseudonym', {}),
                                             esmithdb.Record('docs', 'ibay', {})],
                                'configuration': [esmithdb.Record('dovecot', 'service',
                                                                  dict(DOVECOT))]},
                           state={mail.JOURNAL: ['pending', 'done']})
    dest.json[accounts.DECISION] = decision()._asdict()
    state = mail.read(SourceTree(str(sme_tree)), dest)
    assert state.decision == decision()
    assert ('alias1', {'Account': 'admin', 'Visible': 'internal'}) in state.pseudonyms
    assert state.dest_domains == {'x.example': ('domain', {})}
    assert state.dest_accounts == {'p@': ('pseudonym', {})}
    assert state.dovecot == DOVECOT and state.postfix is None and state.pending is False
    assert state.domain == 'example.org' and state.installed is True
    assert set(state.forwards) <= {'admin', 'alice', 'bob'}
    assert [k for k, t, _p in state.source_domains if t == 'domain']


def test_every_message_word_for_word():
    steps = mail.plan(address_facts(
        spam={'SortSpam': 'enabled', 'MessageRetentionTime': '10'},
        forwards={'erin': ('forward', 'bad one'), 'gina': ('both', 'g@x.example')},
        dest_accounts={'gina@' + D: ('user', {'MailForwardStatus': 'enabled',
                                              'MailForwardAddress': 'o@x.example'}),
                       'team@': ('pseudonym', {'Account': 'z@x.example'})},
        dest_domains={'other.example': ('domain', {'TransportType': 'Relay'})}))
    assert [type(s).__name__ + ' ' + s.what for s in steps if not isinstance(s, Note)] == [
        'SetRecords mail addresses', "SetProps spam folder 'Junk', retention 7d",
        'SetProps postfix AccessPolicies smtpauth,trustednetworks', 'SetRecords mail domains',
        'Signal mail']
    refused = ('warning', 'mail.address-refused', 'pseudonym {!r}: NethServer does not accept '
               'this address (letters, digits, "_", "-" and single dots only): not migrated',
               'create an address of an accepted form in the Server Manager (Email > '
               'Addresses) if it is still needed')
    point = 'point it at an existing mailbox in the Server Manager (Email > Addresses)'
    missing = ('warning', 'mail.target-missing', 'pseudonym {}: {}: it goes to '
               'postmaster@example.org instead', point)
    expected = [
        ('notice', 'mail.domain-kept', 'mail domain other.example: this server already has it '
         'and keeps its settings', 'check it in the Server Manager (Email > Domains)'),
        refused[:2] + (refused[2].format('.dot'), refused[3]),
        refused[:2] + (refused[2].format('a/b'), refused[3]),
        ('warning', 'mail.address-duplicate', 'address alice@ (alice) is already the address '
         'of alice: not migrated', None),
        missing[:2] + (missing[2].format('badext', "its target 'partner@' is not a mail "
                                         "address"), point),
        missing[:2] + (missing[2].format('ghost', 'its target nosuchaccount does not exist'),
                       point),
        missing[:2] + (missing[2].format('gone', 'its target carol is not migrated'), point),
        missing[:2] + (missing[2].format('loop1', 'its target chain loops (loop2 -> loop1 -> '
                                         'loop2)'), point),
        missing[:2] + (missing[2].format('loop2', 'its target chain loops (loop1 -> loop2 -> '
                                         'loop1)'), point),
        missing[:2] + (missing[2].format('nobody', 'it has no target'), point),
        ('info', None, "pseudonym postmaster: postmaster is the mail server's own (to root "
         "unless you change it): not migrated", None),
        ('notice', 'mail.domain-missing', 'pseudonym sales@gone-domain.example: the source no '
         'longer serves the domain gone-domain.example: not migrated', None),
        refused[:2] + (refused[2].format('x*'), refused[3]),
        ('warning', 'mail.address-kept', 'address team@ (team): this server already has it, '
         'going to z@x.example; kept (the source sent it to alice@example.org,bob@example.org)',
         'check it in the Server Manager (Email > Addresses)'),
        ('warning', 'mail.forward-refused', "user erin: its forward address 'bad one' is not a "
         "mail address: mail stays in its mailbox",
         'set the forward in the Server Manager (Users > Email)'),
        ('warning', 'mail.forward-kept', 'user gina: this server already forwards its mail to '
         'o@x.example; kept (the source forwarded to g@x.example)', None),
        ('notice', 'mail.retention-rounded', 'mail: spam was kept 10 days on the source; '
         'NethServer offers 1, 2, 4, 7, 15, 30, 60, 90, 180: 7d is set', None)]
    assert [(s.severity, s.key, s.message, s.remediation) for s in steps
            if isinstance(s, Note)] == expected


def test_the_other_messages_word_for_word():
    steps = mail.plan(facts(domains=[('a.example', {}), ('A.example', {}), ('b_c!', {})],
                            decision=decision(groups={'empty': []}, blocked=False),
                            spam={'MessageRetentionTime': 'x'}))
    assert [(s.key, s.message) for s in steps if isinstance(s, Note) and s.key] == [
        ('mail.domain-duplicate', 'mail domain a.example appears twice in the source (in '
         'other case): the first one is migrated'),
        ('mail.domain-refused', "mail domain 'b_c!' is not a valid domain name: not migrated"),
        ('mail.group-empty', 'group empty: none of its members is migrated: its address '
         'empty@ is not created'),
        ('mail.bad-value', "mail: spam retention 'x' is not a number of days: this server's "
         "15d is kept")]
    blocked = mail.plan(facts(decision=decision(blocked=True)))
    assert [s.message for s in blocked if isinstance(s, Note)][0] == (
        'mail addresses not migrated: the accounts could not be migrated (see the accounts '
        'action\'s blocking finding)')
    nodovecot = mail.plan(facts(spam={'SortSpam': 'enabled'})._replace(dovecot=None))
    found = [s for s in nodovecot if isinstance(s, Note) and s.key == 'mail.no-dovecot'][0]
    assert (found.message, found.remediation) == (
        'mail: this server has no dovecot record: the spam folder and retention are not set',
        'signal-event nethserver-mail-server-update, then run the import again')
    assert [s.message for s in mail.plan(facts(spam=None)) if isinstance(s, Note)] == [
        'mail: the source has no spamassassin settings']


# -- what mutation testing found unasserted ------------------------------------------------

DEFAULTS = {'AlwaysBccAddress': '', 'AlwaysBccStatus': 'disabled', 'Description': '',
            'DisclaimerStatus': 'disabled', 'TransportType': 'LocalDelivery',
            'UnknownRecipientsActionDeliverMailbox': '', 'UnknownRecipientsActionType': 'bounce'}


def test_domain_records_exactly():
    steps = mail.plan(facts(domains=[('x.example', {})]))
    step = [s for s in steps if isinstance(s, SetRecords) and s.db == 'domains'][0]
    assert (step.db, step.what, step.count) == ('domains', 'mail domains', 'mail domains')
    assert step.records == (('x.example', 'domain', DEFAULTS),)
    # a kept domain: the same relay is no conflict, another one is
    same = facts(domains=[('r.example', {'MailServer': 'mx.example'})],
                 dest_domains={'r.example': ('domain', {'TransportType': 'Relay',
                                                        'RelayHost': 'mx.example'})})
    assert said(mail.plan(same), 'mail.domain-kept') == []
    other = same._replace(dest_domains={'r.example': ('domain', {'TransportType': 'Relay'})})
    assert said(mail.plan(other), 'mail.domain-kept') == [
        ('mail.domain-kept', 'notice', {'domain': 'r.example'})]
    typed = same._replace(dest_domains={'r.example': ('other', {'TransportType': 'Relay',
                                                                'RelayHost': 'mx.example'})})
    assert said(mail.plan(typed), 'mail.domain-kept') == [
        ('mail.domain-kept', 'notice', {'domain': 'r.example'})]


def test_address_records_exactly():
    steps = mail.plan(facts(decision=decision(users=('alice',), groups={'g': ['alice']}),
                            pseudonyms=[('multi', {'Account': 'alice, bob@x.example,alice'}),
                                        ('noacc', {}), ('tog', {'Account': 'empty'})],
                            dest_accounts={'kept1@': ('pseudonym', {'Account': 'a'}),
                                           'kept2@': ('pseudonym', {'Account': 'b'})}))
    step = [s for s in steps if isinstance(s, SetRecords)][0]
    assert (step.db, step.what, step.count) == ('accounts', 'mail addresses', 'mail addresses')
    assert dict((k, (t, p)) for k, t, p in step.records) == {
        'admin@': ('pseudonym', {'Account': 'admin@' + D, 'Access': 'public', 'Description': ''}),
        'alice@': ('pseudonym', {'Account': 'alice@' + D, 'Access': 'public', 'Description': ''}),
        'g@': ('pseudonym', {'Account': 'alice@' + D, 'Access': 'public', 'Description': ''}),
        'multi@': ('pseudonym', {'Account': 'alice@{},bob@x.example'.format(D),
                                 'Access': 'public', 'Description': ''}),
        'noacc@': ('pseudonym', {'Account': 'postmaster@' + D, 'Access': 'public',
                                 'Description': ''}),
        'tog@': ('pseudonym', {'Account': 'postmaster@' + D, 'Access': 'public',
                               'Description': ''})}
    messages = dict((s.obj['pseudonym'], s.message) for s in steps
                    if isinstance(s, Note) and s.key == 'mail.target-missing')
    assert messages['noacc'].startswith('pseudonym noacc: it has no target')
    assert messages['tog'].startswith('pseudonym tog: its target empty does not exist')
    group_target = mail.plan(facts(decision=decision(users=('alice',), groups={'e': []}),
                                   pseudonyms=[('toe', {'Account': 'e'})]))
    assert [s.message for s in group_target if isinstance(s, Note) and s.key ==
            'mail.target-missing'] == ['pseudonym toe: its target group e has no migrated '
                                       'member: it goes to postmaster@example.org instead']


def test_kept_addresses_are_counted_and_a_record_without_account_named_by_its_type():
    dest = dict((k, ('pseudonym', {'Account': a})) for k, a in (
        ('admin@', 'admin@' + D), ('alice@', 'alice@' + D), ('bob@', 'bob@' + D)))
    dest['sales@'] = ('user', {})
    steps = mail.plan(facts(dest_accounts=dest))
    assert 'mail: 3 address(es) already there' in [s.message for s in steps
                                                   if isinstance(s, Note)]
    kept = [s for s in steps if isinstance(s, Note) and s.key == 'mail.address-kept'][0]
    assert kept.message == ('address sales@ (sales): this server already has it, going to '
                            'user; kept (the source sent it to alice@example.org,bob@example.org)')


def test_forward_defaults_follow_the_dovecot_record():
    state = facts(forwards={'alice': ('forward', 'a@x.example')},
                  dovecot={'QuotaDefaultSize': '30', 'SpamRetentionTime': '7d'})
    (key, _t, props), = [r for s in mail.plan(state) if isinstance(s, SetRecords)
                         and s.what == 'mail forwards' for r in s.records]
    assert (props['MailQuotaCustom'], props['MailSpamRetentionTime']) == ('30', '7d')
    bare = facts(forwards={'alice': ('forward', 'a@x.example')}, spam=None)._replace(
        dovecot={'SpamFolder': 'Junk'})
    (key, _t, props), = [r for s in mail.plan(bare) if isinstance(s, SetRecords)
                         and s.what == 'mail forwards' for r in s.records]
    assert (props['MailQuotaCustom'], props['MailSpamRetentionTime']) == ('20', '15d')
    step = [s for s in mail.plan(bare) if isinstance(s, SetRecords) and s.what ==
            'mail forwards'][0]
    assert (step.db, step.count) == ('accounts', 'mail forwards')


def test_the_settings_steps_exactly():
    steps = mail.plan(facts(spam={'SortSpam': 'enabled', 'MessageRetentionTime': 'x'},
                            dovecot={'SpamFolder': ''}))
    assert [s for s in steps if isinstance(s, SetProps)] == [
        SetProps('configuration', 'dovecot', 'service', {'SpamFolder': 'Junk'},
                 "spam folder 'Junk', retention kept"),
        SetProps('configuration', 'postfix', 'service',
                 {'AccessPolicies': 'smtpauth,trustednetworks'},
                 'postfix AccessPolicies smtpauth,trustednetworks')]
    assert mail.retention('-0') == ('infinite', False)
    assert mail.retention('00') == ('infinite', False)


def test_only_domains_or_only_users_still_need_the_module():
    only_domains = mail.plan(facts(installed=False, decision=decision(users=())))
    only_users = mail.plan(facts(installed=False, domains=()))
    assert [s.key for s in only_domains] == [s.key for s in only_users] == ['module.missing']
    assert only_domains[0].message.startswith('mail (1 domain(s), 0 user(s)): the source')
    blocked = [s for s in mail.plan(facts(decision=decision(blocked=True)))
               if isinstance(s, Note)][0]
    assert blocked.severity == 'notice'


def test_read_without_a_saved_decision_and_the_journal(sme_tree):
    db = sme_tree / 'home' / 'e-smith' / 'db'
    (db / 'domains').unlink()
    with open(str(db / 'accounts'), 'a') as f:
        f.write('fwd=user|FirstName|F|LastName|L|EmailForward|both|ForwardAddress|x@y.example\n'
                'nofwd=user|FirstName|F|LastName|L\n')
    with open(str(db / 'configuration'), 'a') as f:
        f.write('smtpd=service|Authentication|disabled\n'
                'spamassassin=service|SortSpam|enabled\n')
    dest = FakeDestination(dbs={'configuration': [
        esmithdb.Record('postfix', 'service', {'AccessPolicies': 'x'}),
        esmithdb.Record('dovecot', 'service', {'SpamFolder': 'Junk'})]})
    for journal, pending in (([], False), (['pending'], True), (['pending', 'done'], False),
                             (['done', 'pending'], True), (['pending', 'pending'], True)):
        dest.state[mail.JOURNAL] = journal
        state = mail.read(SourceTree(str(sme_tree)), dest)
        assert state.pending is pending, journal
    assert state.source_domains == []
    assert state.decision.users and 'fwd' in state.decision.users
    assert state.forwards['fwd'] == ('both', 'x@y.example')
    assert state.forwards['nofwd'] == ('', '')
    assert 'admin' in state.forwards
    assert (state.spam, state.smtpd_auth) == ({'SortSpam': 'enabled'}, 'disabled')
    assert (state.postfix, state.dovecot) == ({'AccessPolicies': 'x'}, {'SpamFolder': 'Junk'})


def test_run_journals_pending_then_done_and_not_done_after_an_error(sme_tree):
    import io
    from nethserver_migration.report import Reporter
    dest = FakeDestination()
    mail.run(SourceTree(str(sme_tree)), dest, Reporter('m', stream=io.StringIO(),
                                                       report_dir='/nonexistent'))
    assert dest.state[mail.JOURNAL] == ['pending', 'done']
    assert ('nethserver-mail-server-save',) in dest.called('signal_event')
    failing = FakeDestination(fail={('nethserver-mail-server-save', None)})
    mail.run(SourceTree(str(sme_tree)), failing, Reporter('m', stream=io.StringIO(),
                                                          report_dir='/nonexistent'))
    assert failing.state[mail.JOURNAL] == ['pending']
    quiet = FakeDestination()
    quiet.modules = ()
    mail.run(SourceTree(str(sme_tree)), quiet, Reporter('m', stream=io.StringIO(),
                                                        report_dir='/nonexistent'))
    assert mail.JOURNAL not in quiet.state
