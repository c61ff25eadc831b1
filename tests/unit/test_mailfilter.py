"""The mail filter lists: spamassassin wbl -> rspamd lists, as tables."""

import pytest

from nethserver_migration import esmithdb
from nethserver_migration.actions import mailfilter
from nethserver_migration.source import SourceTree
from nethserver_migration.steps import Note, SetProps, Signal
from tests.unit.fakes import FakeDestination

SIGNAL = Signal('nethserver-mail-filter-save', (), 'mail filter')
EMPTY = {'RecipientWhiteList': '', 'SenderWhiteList': '', 'SenderBlackList': ''}


def facts(senders=None, recipients=None, rspamd=None, installed=True):
    return mailfilter.Facts('/src', installed, senders, recipients,
                            dict(EMPTY) if rspamd is None else rspamd)


def said(steps):
    return [(s.key, s.obj) for s in steps if isinstance(s, Note) and s.key]


@pytest.mark.parametrize('rule, out', [
    ('spam@bad.example', 'spam@bad.example'), ('*@junk.example', 'junk.example'),
    ('Spam@Bad.Example', 'spam@bad.example'), (' *@x.example ', 'x.example'),
    ('bad.example', 'bad.example'), ('spam*@odd.example', None), ('*', None),
    ('*@', None), ('a b@c', None), ('a,b', None), ('', None), ('*@*.example', None)])
def test_translate(rule, out):
    assert mailfilter.translate(rule) == out


def test_lists_are_merged_sorted_and_deduplicated():
    steps = mailfilter.plan(facts(
        senders={'spam@bad.example': 'Black', '*@junk.example': 'black',
                 'partner@x.example': 'White', 'b@keep.example': 'White',
                 'spam*@odd.example': 'Black', 'who@x.example': 'Grey'},
        recipients={'postmaster@x.example': 'White', 'ceo@x.example': 'Black'},
        rspamd={'RecipientWhiteList': '', 'SenderWhiteList': 'z@first.example,b@keep.example',
                'SenderBlackList': ''}))
    assert [s.props for s in steps if isinstance(s, SetProps)] == [{
        'RecipientWhiteList': 'postmaster@x.example',
        'SenderWhiteList': 'z@first.example,b@keep.example,partner@x.example',
        'SenderBlackList': 'junk.example,spam@bad.example'}]
    assert steps[-1] == SIGNAL
    assert said(steps) == [('mailfilter.rule-skipped', {'rule': 'ceo@x.example'}),
                           ('mailfilter.rule-skipped', {'rule': 'spam*@odd.example'}),
                           ('mailfilter.rule-skipped', {'rule': 'who@x.example'})]
    messages = [s.message for s in steps if isinstance(s, Note) and s.key]
    assert 'NethServer has no recipient Black list' in messages[0]
    assert "its kind 'Grey' is neither White nor Black" in messages[2]


def test_a_second_run_changes_nothing():
    state = facts(senders={'spam@bad.example': 'Black'})
    assert [s for s in mailfilter.plan(state._replace(rspamd=dict(
        EMPTY, SenderBlackList='spam@bad.example'))) if isinstance(s, (SetProps, Signal))] == []


@pytest.mark.parametrize('state, key', [
    (facts(), None),                                    # no wbl records: nothing
    (facts(senders={'a@b.example': 'Black'}, installed=False), 'module.missing'),
    (facts(senders={'a@b.example': 'Black'})._replace(rspamd=None), 'mailfilter.no-rspamd'),
])
def test_nothing_to_do_or_cannot(state, key):
    steps = mailfilter.plan(state)
    assert [s.key for s in steps if isinstance(s, Note) and s.key] == ([key] if key else [])
    assert not [s for s in steps if isinstance(s, (SetProps, Signal))]


def test_read_without_and_with_the_db(sme_tree):
    dest = FakeDestination(dbs={'configuration': [esmithdb.Record('rspamd', 'service', EMPTY)]})
    state = mailfilter.read(SourceTree(str(sme_tree)), dest)
    assert (state.senders, state.recipients, state.rspamd) == (None, None, EMPTY)
    (sme_tree / 'home' / 'e-smith' / 'db' / 'spamassassin').write_text(
        'wbl.global=list|spam@bad.example|Black\nwbl.global_to=list|ceo@x.example|White\n')
    state = mailfilter.read(SourceTree(str(sme_tree)), dest)
    assert (state.senders, state.recipients) == ({'spam@bad.example': 'Black'},
                                                 {'ceo@x.example': 'White'})


def test_every_message_word_for_word():
    steps = mailfilter.plan(facts(senders={'a@b.example': 'Black', 'x*': 'White'},
                                  recipients={'c@d.example': 'Black', 'e@f.example': 'grey'}))
    add = 'add an equivalent rule in the Server Manager (Email > Filter) if it is still wanted'
    assert [(s.severity, s.message, s.remediation) for s in steps if isinstance(s, Note)] == [
        ('warning', "mail filter recipient rule 'c@d.example' not migrated: NethServer has no "
         "recipient Black list", add),
        ('warning', "mail filter recipient rule 'e@f.example' not migrated: its kind 'grey' is "
         "neither White nor Black", add),
        ('warning', "mail filter sender rule 'x*' not migrated: rspamd takes an address, a "
         "domain or *@domain, not this pattern", add)]
    assert [s.what for s in steps if not isinstance(s, Note)] == [
        'mail filter lists: SenderBlackList +1', 'mail filter']
    assert [s.message for s in mailfilter.plan(facts())] == [
        'mail filter: the source has no white or black list']
    assert mailfilter.plan(facts(senders={'a@b.example': 'Black'}, installed=False))[0].message \
        .startswith('mail filter lists (1 rule(s)): the source uses it')
    norspamd = mailfilter.plan(facts(senders={'a@b.example': 'Black'})._replace(rspamd=None))[0]
    assert (norspamd.message, norspamd.remediation) == (
        'mail filter: this server has no rspamd record: the lists are not migrated',
        'signal-event nethserver-mail-filter-update, then run the import again')
    done = mailfilter.plan(facts(senders={'a@b.example': 'Black'},
                                 rspamd=dict(EMPTY, SenderBlackList='a@b.example')))
    assert [s.message for s in done] == ['mail filter lists (already done)']
    two = mailfilter.plan(facts(senders={'a@b.example': 'White', 'c@d.example': 'White'},
                                rspamd=dict(EMPTY, SenderWhiteList='z@z.example')))
    assert two[0].what == 'mail filter lists: SenderWhiteList +2'


def test_the_step_itself_and_the_counts():
    steps = mailfilter.plan(facts(
        senders={'a@b.example': 'Black', 'c@d.example': 'White', 'e@f.example': ''},
        recipients={'g@h.example': 'White'},
        rspamd=dict(EMPTY, SenderBlackList='x@y.example,z@y.example')))
    step = steps[0]
    assert (step.db, step.key, step.type) == ('configuration', 'rspamd', 'service')
    assert step.props == {'RecipientWhiteList': 'g@h.example', 'SenderWhiteList': 'c@d.example',
                          'SenderBlackList': 'x@y.example,z@y.example,a@b.example'}
    assert step.what == ('mail filter lists: RecipientWhiteList +1, SenderBlackList +1, '
                         'SenderWhiteList +1')
    empty = [s for s in steps if isinstance(s, Note)][0]
    assert empty.message == ("mail filter sender rule 'e@f.example' not migrated: its kind '' "
                             "is neither White nor Black")
    missing = mailfilter.plan(facts(senders={'a@b.example': 'Black'},
                                    recipients={'c@d.example': 'White', 'e@f.example': 'White'},
                                    installed=False))[0]
    assert (missing.severity, missing.obj) == ('warning', {'module': 'nethserver-mail-filter'})
    assert missing.message.startswith('mail filter lists (3 rule(s))')
    norspamd = mailfilter.plan(facts(senders={'a@b.example': 'Black'})._replace(rspamd=None))[0]
    assert norspamd.severity == 'warning'
