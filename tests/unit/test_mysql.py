"""MySQL: SME's dumps read as data (mysqldump), the plan as tables (what each dump and
account becomes), and the handlers through the shared Destination double.  The real
MariaDB side is tests/world/test_mysql_sandbox.py."""

import io
import os

import pytest

from nethserver_migration import mysqldump as md
from nethserver_migration.actions import mysql
from nethserver_migration.destination import CommandResult
from nethserver_migration.steps import Count, Note, SetProps, Signal, apply
from nethserver_migration.report import Reporter
from nethserver_migration.source import SourceTree
from tests.unit import golden
from tests.unit.fakes import FakeDestination

HEAD = ('-- MySQL dump 10.13\n/*!40101 SET NAMES utf8 */;\n'
        'CREATE DATABASE /*!32312 IF NOT EXISTS*/ `crm` /*!40100 DEFAULT CHARACTER SET '
        'latin1 */;\n\nUSE `crm`;\n')


# -- the dumps -------------------------------------------------------------------------------

@pytest.mark.parametrize('head, names', [
    (HEAD, ['crm']),
    ('USE `a``b`;\n', ['a`b']),
    ('CREATE DATABASE `x`;\nUSE `y`;\n', ['x', 'y']),
    ('-- USE `comment`\nCREATE TABLE t (a int);\n', []),
])
def test_dump_databases(head, names):
    assert md.dump_databases(head) == names


@pytest.mark.parametrize('tail, complete', [
    ('...;\n\n-- Dump completed on 2026-11-30 22:00:01\n', True),
    ('-- Dump completed\n', True),
    ("INSERT INTO `t` VALUES (1,'a'", False),
    ('-- Dump completed on 2026\nDROP TABLE x;\n', False),
    ('', False),
])
def test_is_complete(tail, complete):
    assert md.is_complete(tail) is complete


def test_parse_values_undoes_mysqldumps_escapes():
    text = r"(1,'a\'b\"c\\d\0e\nf\rg\Zh\bi\tj',NULL,'',-2.5),(2,'it''s','\%\_x')"
    assert md.parse_values(text) == [
        ['1', 'a\'b"c\\d\0e\nf\rg\x1ah\bi\tj', None, '', '-2.5'], ['2', "it's", '\\%\\_x']]
    for cut in ("(1,'abc", '(1,2', "(1,'abc\\"):          # the last: cut after a backslash
        with pytest.raises(ValueError):
            md.parse_values(cut)


USER_TABLE = (
    'CREATE TABLE `user` (\n  `Host` char(60) NOT NULL,\n  `User` char(16) NOT NULL,\n'
    '  `Password` char(41) NOT NULL,\n  `Select_priv` enum(\'N\',\'Y\') NOT NULL,\n'
    '  `Process_priv` enum(\'N\',\'Y\') NOT NULL,\n  `Grant_priv` enum(\'N\',\'Y\') NOT NULL,\n'
    '  PRIMARY KEY (`Host`,`User`)\n) ENGINE=MyISAM;\n'
    "INSERT INTO `user` VALUES ('localhost','root','*AA','Y','Y','Y'),"
    "('LocalHost','app','*BB','N','N','N'),('%','ro','','Y','N','N'),"
    "('localhost','','','N','N','N');\n"
    'CREATE TABLE `db` (\n  `Host` char(60),\n  `Db` char(64),\n  `User` char(16),\n'
    '  `Select_priv` enum(\'N\',\'Y\'),\n  `Insert_priv` enum(\'N\',\'Y\'),\n'
    '  `Grant_priv` enum(\'N\',\'Y\')\n) ENGINE=MyISAM;\n'
    "INSERT INTO `db` VALUES ('localhost','app\\\\_db','app','Y','Y','Y'),"
    "('localhost','nothing','app','N','N','N'),('localhost','x','ghost','Y','N','N');\n"
    'CREATE TABLE `tables_priv` (\n  `Host` char(60),\n  `Db` char(64),\n'
    '  `User` char(16),\n  `Table_name` char(64),\n  `Grantor` char(77),\n'
    '  `Timestamp` timestamp,\n  `Table_priv` set(\'Select\'),\n  `Column_priv` set(\'Select\')\n'
    ') ENGINE=MyISAM;\n'
    "INSERT INTO `tables_priv` VALUES ('localhost','crm','app','t`1','root@localhost',"
    "'2026-01-01 00:00:00','Select,Insert,Grant','');\n"
    'INSERT INTO `procs_priv` (`Host`,`Db`,`User`) VALUES (\'localhost\',\'crm\',\'app\');\n')


def test_accounts_of_the_grant_tables():
    accounts, orphans, left = md.accounts(md.grant_tables(USER_TABLE))
    assert accounts == [
        md.Account('root', 'localhost', '*AA', ('SELECT', 'PROCESS'), True, (), ()),
        md.Account('app', 'localhost', '*BB', (), False,
                   (('app\\_db', ('SELECT', 'INSERT'), True),),
                   (('crm', 't`1', ('SELECT', 'INSERT'), True),)),
        md.Account('ro', '%', '', ('SELECT',), False, (), ()),
        md.Account('', 'localhost', '', (), False, (), ())]
    assert orphans == [('db', ('ghost', 'localhost'), 'x')]
    assert left == [('procs_priv', ('app', 'localhost'), 'crm')]


def test_account_sql():
    accounts, _o, _l = md.accounts(md.grant_tables(USER_TABLE))
    assert md.account_sql(accounts[1]) == [
        "CREATE USER 'app'@'localhost' IDENTIFIED BY PASSWORD '*BB';",
        "GRANT SELECT, INSERT ON `app\\_db`.* TO 'app'@'localhost' WITH GRANT OPTION;",
        "GRANT SELECT, INSERT ON `crm`.`t``1` TO 'app'@'localhost' WITH GRANT OPTION;"]
    assert md.account_sql(accounts[2]) == ["CREATE USER 'ro'@'%';",
                                           "GRANT SELECT ON *.* TO 'ro'@'%';"]
    odd = md.Account("o'b\\", "h'", "*C'", (), False, (), ())
    assert md.account_sql(odd) == ["CREATE USER 'o\\'b\\\\'@'h\\'' IDENTIFIED BY PASSWORD "
                                   "'*C\\'';"]


def test_table_privileges_of_no_account_or_none_and_column_privileges():
    text = USER_TABLE + (
        "INSERT INTO `tables_priv` (`Host`,`Db`,`User`,`Table_name`,`Table_priv`) VALUES "
        "('localhost','crm','ghost','t2','Select'),('%','crm','ro','t3','');\n"
        "INSERT INTO `columns_priv` (`Host`,`Db`,`User`,`Table_name`) VALUES "
        "('localhost','crm','app','t`1');\n")
    accounts, orphans, left = md.accounts(md.grant_tables(text))
    assert [a.tables for a in accounts if a.user == 'ro'] == [()]       # no privilege: none
    assert orphans == [('db', ('ghost', 'localhost'), 'x'),
                       ('tables_priv', ('ghost', 'localhost'), 't2')]
    assert left == [('columns_priv', ('app', 'localhost'), 'crm'),
                    ('procs_priv', ('app', 'localhost'), 'crm')]


def test_a_grant_option_without_privileges_is_granted_with_usage():
    account = md.Account('adm', 'localhost', '', (), True, (('crm', (), True),), ())
    assert md.account_sql(account) == [
        "CREATE USER 'adm'@'localhost';",
        "GRANT USAGE ON *.* TO 'adm'@'localhost' WITH GRANT OPTION;",
        "GRANT USAGE ON `crm`.* TO 'adm'@'localhost' WITH GRANT OPTION;"]


def test_a_row_that_does_not_fit_its_table_is_an_error():
    with pytest.raises(ValueError) as caught:
        md.grant_tables(USER_TABLE.replace("'Y','Y','Y'),", "'Y','Y'),", 1))
    assert str(caught.value) == 'a row of user has 5 values for 6 columns'
    with pytest.raises(ValueError) as caught:
        md.grant_tables("INSERT INTO `user` VALUES ('a','b');\n")
    assert str(caught.value) == 'rows of user without its CREATE TABLE'


def test_the_grant_tables_among_the_others_of_a_real_dump():
    # mysqldump goes in name order: `event`, `func`... come before `tables_priv` and `user`
    text = ("INSERT INTO `event` VALUES ('x');\n" + USER_TABLE.replace(
        "('localhost','nothing','app','N','N','N')",
        "('localhost','nothing','app','N','N','N'),('localhost','ro_db','app','Y','N','N')"))
    accounts, _orphans, _left = md.accounts(md.grant_tables(text))
    assert [a.user for a in accounts] == ['root', 'app', 'ro', '']
    # a database's privileges without its grant option are carried too
    assert accounts[1].databases == (('app\\_db', ('SELECT', 'INSERT'), True),
                                     ('ro_db', ('SELECT',), False))


def test_an_insert_that_names_its_columns():
    # mysqldump --complete-insert: the columns come with the rows, quoted, in any order
    tables = md.grant_tables("INSERT INTO `db` (`User`, `Host`,`Db`, `Select_priv`, "
                             "`Grant_priv`) VALUES ('app','LOCALHOST','crm','Y','N');\n")
    assert tables['db'] == [{'User': 'app', 'Host': 'LOCALHOST', 'Db': 'crm',
                             'Select_priv': 'Y', 'Grant_priv': 'N'}]


# -- the plan --------------------------------------------------------------------------------

def dump(name, size=100, mtime=1000000, databases=None, complete=True):
    return mysql.Dump(name, '/src/home/e-smith/db/mysql/{}.dump'.format(name), size, mtime,
                      (name,) if databases is None else databases, complete)


def facts(**kw):
    base = dict(source_dir='/src', installed=True, dumps=[dump('mysql'), dump('crm')],
                accounts=[], orphans=[], left=[], grant_error=None, server_error=None,
                databases={'mysql', 'information_schema', 'ns7app', 'sogo'},
                empty=frozenset({'sogo'}),
                existing={('root', 'localhost'), ('ns7app', 'localhost')},
                journal={'database': {}, 'account': set()}, mysqld_source={},
                mysqld_here={'LocalNetworkingOnly': 'yes', 'status': 'enabled'},
                audit=False, faxweb=False)
    base.update(kw)
    return mysql.Facts(**base)


def keys(steps):
    return [(s.key, s.severity, s.obj.get('database') or s.obj.get('account'))
            if isinstance(s, Note) else type(s).__name__ if not isinstance(s, Count)
            else ('count', s.label) for s in steps]


def test_nothing_to_do_without_dumps_and_the_module(request):
    for label, kw in (('no dumps', dict(dumps=[])), ('not installed', dict(installed=False)),
                      ('not installed, accounts', dict(
                          installed=False, dumps=[dump('mysql'), dump('crm')],
                          accounts=[account('root'), account('app'), account('ro')])),
                      ('system alone', dict(dumps=[dump('mysql'), dump('test')],
                                            accounts=[account('root'), account('')])),
                      ('server down', dict(server_error="ERROR 2002 (HY000): Can't connect"))):
        golden.plan(request, mysql.plan(facts(**kw)), label)
    assert keys(mysql.plan(facts(dumps=[]))) == [(None, 'info', None)]
    (missing,) = mysql.plan(facts(installed=False))
    assert (missing.key, missing.obj) == ('module.missing', {'module': 'nethserver-mysql'})
    assert 'MySQL (crm)' in missing.message
    (missing,) = mysql.plan(facts(installed=False, dumps=[dump('mysql')],
                                  accounts=[account('root'), account('app')]))
    assert 'MySQL (1 accounts)' in missing.message
    # SME's own system database alone (every SME has it): no module needed
    for installed in (False, True):
        (only,) = mysql.plan(facts(installed=installed, dumps=[dump('mysql'), dump('test')],
                                   accounts=[account('root'), account('')]))
        assert (only.key, only.severity) == (None, 'info')
        assert 'nothing to migrate' in only.message
    (down,) = mysql.plan(facts(server_error='ERROR 2002 (HY000): Can\'t connect'))
    assert (down.key, down.severity) == ('mysql.server-unavailable', 'error')


@pytest.mark.parametrize('dumps, journal, expected', [
    ([dump('crm')], {}, ['LoadDump']),
    ([dump('crm')], {'crm': (100, 1000000)}, [('count', 'databases already loaded')]),
    ([dump('crm')], {'crm': (999, 1000000)},
     [('mysql.database-exists', 'warning', 'crm')]),
    ([dump('ns7app')], {}, [('mysql.database-exists', 'warning', 'ns7app')]),
    ([dump('sogo')], {}, [('mysql.load-into-empty', 'notice', 'sogo'), 'LoadDump']),
    ([dump('crm', complete=False)], {}, [('mysql.dump-truncated', 'error', 'crm')]),
    ([dump('crm', databases=('crm', 'mysql'))], {},
     [('mysql.dump-mismatch', 'error', 'crm')]),
    ([dump('crm', databases=())], {}, [('mysql.dump-mismatch', 'error', 'crm')]),
    ([dump('bad name')], {}, [('mysql.bad-name', 'warning', 'bad name')]),
    ([dump('information_schema'), dump('performance_schema'), dump('sys'), dump('test')], {},
     [(None, 'info', None)]),
    ([dump('information_schema'), dump('crm')], {}, ['LoadDump']),
    ([dump('old', mtime=1000000 - 7200), dump('crm')], {},
     [('mysql.dump-stale', 'warning', 'old'), 'LoadDump', 'LoadDump']),
    ([dump('recent', mtime=1000000 - 3000), dump('crm')], {}, ['LoadDump', 'LoadDump']),
    # exactly an hour older is not stale yet; a second more is
    ([dump('hour', mtime=1000000 - 3600), dump('crm')], {}, ['LoadDump', 'LoadDump']),
    ([dump('hour', mtime=1000000 - 3601), dump('crm')], {},
     [('mysql.dump-stale', 'warning', 'hour'), 'LoadDump', 'LoadDump']),
])
def test_each_dump(request, dumps, journal, expected):
    steps = mysql.plan(facts(dumps=dumps, journal={'database': journal, 'account': set()}))
    golden.plan(request, steps)
    assert keys(steps) == expected
    loads = [s for s in steps if isinstance(s, mysql.LoadDump)]
    assert [(s.name, s.path, s.size, s.mtime, s.existing) for s in loads] == [
        (d.name, d.path, d.size, d.mtime, d.name == 'sogo') for d in dumps
        if d.name in [s.name for s in loads]]


def account(user, host='localhost', password='*AB', **kw):
    return md.Account(user, host, password, kw.get('privs', ()), False,
                      kw.get('dbs', ()), ())


@pytest.mark.parametrize('accounts, existing, journal, expected', [
    ([account('root'), account('root', '127.0.0.1')], set(), set(),
     [('mysql.root-kept', 'notice', None)]),
    ([account('')], set(), set(), [('mysql.anonymous-skipped', 'notice', '@localhost')]),
    ([account('app')], set(), set(), ['CreateAccount']),
    ([account('app')], set(), {'app@localhost'}, [('count', 'MySQL accounts already created')]),
    ([account('app')], {('app', 'localhost')}, set(),
     [('mysql.account-kept', 'warning', 'app@localhost')]),
    ([account('app', '%')], {('app', 'localhost')}, set(), ['CreateAccount']),
    ([account('app', password='')], set(), set(),
     [('mysql.account-no-password', 'warning', 'app@localhost'), 'CreateAccount']),
])
def test_each_account(request, accounts, existing, journal, expected):
    accounts = accounts + [account('other', 'h')]       # one more: the source uses MySQL
    existing = set(existing) | {('other', 'h')}
    steps = mysql.plan(facts(dumps=[dump('mysql')], accounts=accounts, existing=existing,
                             journal={'database': {}, 'account': journal}))
    golden.plan(request, steps)
    assert keys(steps) == expected + [('mysql.account-kept', 'warning', 'other@h')]
    for step in steps:
        if isinstance(step, mysql.CreateAccount):
            src = accounts[0]
            assert step.name == '{}@{}'.format(src.user, src.host)
            assert step.who == md.account_name(src)
            assert step.statements == tuple(md.account_sql(src))


def test_grants_that_are_not_migrated_are_listed(request):
    steps = mysql.plan(facts(dumps=[dump('mysql'), dump('crm')], journal={
        'database': {'crm': (100, 1000000)}, 'account': set()},
                             orphans=[('db', ('ghost', 'h'), 'x')],
                             left=[('procs_priv', ('app', 'localhost'), 'crm'),
                                   ('proxies_priv', ('app', '%'), '')]))
    golden.plan(request, steps)
    (_loaded, lost) = steps
    assert lost.key == 'mysql.grants-not-migrated'
    assert 'db ghost@h on x; procs_priv app@localhost on crm; proxies_priv app@%' in \
        lost.message
    (bad,) = mysql.plan(facts(dumps=[dump('mysql')], grant_error='a row of user has 3 values'))
    golden.plan(request, [bad], 'unreadable')
    assert bad.key == 'mysql.grants-unreadable'
    assert (bad.key, bad.severity) == ('mysql.grants-unreadable', 'error')


@pytest.mark.parametrize('source, here, expected', [
    ({'LocalNetworkingOnly': 'no'}, {'LocalNetworkingOnly': 'yes'},
     [SetProps('configuration', 'mysqld', 'service', {'LocalNetworkingOnly': 'no'},
               'MySQL: LocalNetworkingOnly=no as on the source'),
      Signal('nethserver-mysql-update', (), 'MySQL settings applied')]),
    ({'LocalNetworkingOnly': 'yes'}, {'LocalNetworkingOnly': 'no'},
     [SetProps('configuration', 'mysqld', 'service', {'LocalNetworkingOnly': 'yes'},
               'MySQL: LocalNetworkingOnly=yes as on the source'),
      Signal('nethserver-mysql-update', (), 'MySQL settings applied')]),
    ({'LocalNetworkingOnly': 'yes'}, {'LocalNetworkingOnly': 'yes'}, []),
    ({'LocalNetworkingOnly': 'maybe'}, {'LocalNetworkingOnly': 'yes'}, []),
    ({'status': 'disabled'}, {}, ['note']),
])
def test_the_service_settings(request, source, here, expected):
    steps = mysql.plan(facts(dumps=[dump('mysql')], accounts=[account('app')],
                             existing={('app', 'localhost')},
                             mysqld_source=source, mysqld_here=here))[1:]
    golden.plan(request, steps)
    if expected == ['note']:
        assert [(s.key, s.severity) for s in steps] == [('mysql.source-disabled', 'notice')]
    else:
        assert steps == expected


def test_samba_audit_and_faxweb2(request):
    done = {'database': {'crm': (100, 1000000)}, 'account': set()}
    steps = mysql.plan(facts(journal=done, audit=True, faxweb=True))
    golden.plan(request, steps)
    assert steps[1:] == [mysql.AuditGrant('smbd@localhost'), mysql.FaxPaths('faxdb')]
    steps = mysql.plan(facts(journal=done, audit=True, existing={('smbd', 'localhost')}))
    assert steps[1:] == []


# -- the handlers through the Destination double ------------------------------------------------

class Maria(object):
    """The mysql answers of a destination double: databases present, statements seen."""

    def __init__(self, databases=(), fail_load=None, fail_sql=None, fax=True):
        self.databases = set(databases)
        self.fax = fax
        self.sql = []
        self.loads = []
        self.fail_load = fail_load
        self.fail_sql = fail_sql

    def mysql(self, sql, user='root', password=None, timeout=600):
        self.sql.append(sql)
        if self.fail_sql and self.fail_sql in sql:
            return CommandResult(1, '', 'ERROR 1146 (42S02) at line 2: Table doesn\'t exist\n')
        if sql.startswith('SHOW DATABASES LIKE'):
            name = sql.split("'")[1].replace('\\_', '_')
            return CommandResult(0, name + '\n' if name in self.databases else '', '')
        if 'faxweb_fax' in sql and sql.startswith('SELECT'):
            return CommandResult(0, '1\n' if self.fax else '0\n', '')
        if sql.startswith('SELECT COUNT(*) FROM information_schema.tables'):
            return CommandResult(0, '2\n', '')
        return CommandResult(0, '', '')

    def mysql_load(self, path, user, password):
        self.loads.append((path, user))
        if self.fail_load:
            return CommandResult(1, '', self.fail_load)
        return CommandResult(0, '', '')


def recorder():
    rep = Reporter('nethserver-migration-mysql', stream=io.StringIO(),
                   report_dir='/nonexistent')
    rep.text = rep.stream.getvalue
    return rep


def destination(maria, **kw):
    dest = FakeDestination(**kw)
    dest.mysql = maria.mysql
    dest.mysql_load = maria.mysql_load
    dest.read_secret = lambda name: {'smbd': 'audit-secret'}.get(name)
    return dest


def test_a_load_runs_as_an_account_of_that_database_alone():
    maria, reporter = Maria(), recorder()
    dest = destination(maria)
    apply([mysql.LoadDump('my_db', '/src/my_db.dump', 10, 20, False)], dest, reporter)
    assert maria.loads == [('/src/my_db.dump', 'nsmig_load')]
    made = [s for s in maria.sql if 'CREATE USER' in s][0]
    assert "GRANT ALL ON `my\\_db`.* TO 'nsmig_load'@'localhost';" in made
    assert maria.sql[-2] == "DROP USER 'nsmig_load'@'localhost';"
    assert dest.state['mysql.journal'] == ['database my_db 10 20']
    assert reporter.counts['databases loaded'] == 1
    assert 'MySQL: database my_db loaded (2 tables)' in reporter.text()


def test_a_failed_load_is_undone_and_said():
    maria = Maria(fail_load='ERROR 1044 (42000) at line 30: Access denied for user '
                            '\'nsmig_load\'@\'localhost\' to database \'ns7app\'\n')
    reporter = recorder()
    dest = destination(maria)
    apply([mysql.LoadDump('greedy', '/src/greedy.dump', 10, 20, False)], dest, reporter)
    assert maria.sql[-1] == 'DROP DATABASE IF EXISTS `greedy`;'
    assert "DROP USER 'nsmig_load'@'localhost';" in maria.sql
    (finding,) = reporter.findings
    assert (finding.key, finding.severity, finding.obj) == \
        ('mysql.load-failed', 'error', {'database': 'greedy'})
    assert "Access denied for user 'nsmig_load'@'localhost' to database 'ns7app'" in \
        finding.message
    assert 'mysql.journal' not in dest.state


def test_a_database_that_appeared_meanwhile_is_not_loaded_over():
    maria, reporter = Maria(databases={'crm'}), recorder()
    apply([mysql.LoadDump('crm', '/src/crm.dump', 10, 20, False)], destination(maria), reporter)
    assert maria.loads == []
    assert [f.key for f in reporter.findings] == ['mysql.database-exists']


def test_an_account_that_fails_is_dropped_again():
    step = mysql.CreateAccount('app@localhost', "'app'@'localhost'",
                               ("CREATE USER 'app'@'localhost';",
                                "GRANT SELECT ON `crm`.`gone` TO 'app'@'localhost';"))
    maria, reporter = Maria(fail_sql='GRANT SELECT'), recorder()
    dest = destination(maria)
    apply([step], dest, reporter)
    assert maria.sql[-1] == "DROP USER 'app'@'localhost';"
    assert [(f.key, f.obj) for f in reporter.findings] == \
        [('mysql.account-failed', {'account': 'app@localhost'})]
    maria, reporter = Maria(), recorder()
    dest = destination(maria)
    apply([step], dest, reporter)
    assert maria.sql == ['\n'.join(step.statements)]
    assert dest.state['mysql.journal'] == ['account app@localhost']
    assert reporter.counts['MySQL accounts created'] == 1


def test_the_audit_grant_reads_its_secret_in_the_handler():
    maria, reporter = Maria(), recorder()
    apply([mysql.AuditGrant('smbd@localhost')], destination(maria), reporter)
    assert maria.sql == ["GRANT ALL ON smbaudit.* TO 'smbd'@'localhost' IDENTIFIED BY "
                         "'audit-secret';\nFLUSH PRIVILEGES;"]
    assert 'audit-secret' not in repr(mysql.AuditGrant('smbd@localhost'))


def test_faxweb2_paths_only_when_its_table_is_there():
    maria, reporter = Maria(), recorder()
    apply([mysql.FaxPaths('faxdb')], destination(maria), reporter)
    assert maria.sql[-1].startswith("UPDATE faxdb.faxweb_fax SET path = REPLACE(path, "
                                    "'/home/e-smith/', '/var/lib/nethserver/')")
    maria, reporter = Maria(fax=False), recorder()
    apply([mysql.FaxPaths('faxdb')], destination(maria), reporter)
    assert len(maria.sql) == 1 and 'no faxdb.faxweb_fax table' in reporter.text()


class EmptyHere(Maria):
    """A database here with one table and no row."""

    def __init__(self, rows='0', **kw):
        Maria.__init__(self, databases={'sogo'}, **kw)
        self.rows = rows

    def mysql(self, sql, user='root', password=None, timeout=600):
        if "table_type = 'BASE TABLE'" in sql:
            self.sql.append(sql)
            return CommandResult(0, 'sogo_folder_info\n', '')
        if sql.startswith('SELECT (SELECT COUNT(*) FROM `sogo`.`sogo_folder_info`)'):
            self.sql.append(sql)
            return CommandResult(0, self.rows + '\n', '')
        return Maria.mysql(self, sql, user, password, timeout)


def test_a_failed_load_into_an_empty_database_puts_its_schema_back():
    maria, reporter = EmptyHere(fail_load='ERROR 1064 (42000) at line 9: syntax\n'), recorder()
    dest = destination(maria)
    dest.mysql_schema = lambda name: CommandResult(0, 'CREATE DATABASE `sogo`;\n', '')
    apply([mysql.LoadDump('sogo', '/src/sogo.dump', 10, 20, True)], dest, reporter)
    assert maria.loads == [('/src/sogo.dump', 'nsmig_load')]
    assert maria.sql[-2:] == ['DROP DATABASE IF EXISTS `sogo`;', 'CREATE DATABASE `sogo`;\n']
    assert [f.key for f in reporter.findings] == ['mysql.load-failed']


def test_an_empty_database_that_got_rows_meanwhile_is_not_loaded_into():
    maria, reporter = EmptyHere(rows='3'), recorder()
    dest = destination(maria)
    dest.mysql_schema = lambda name: CommandResult(0, 'CREATE DATABASE `sogo`;\n', '')
    apply([mysql.LoadDump('sogo', '/src/sogo.dump', 10, 20, True)], dest, reporter)
    assert maria.loads == []
    assert [f.key for f in reporter.findings] == ['mysql.database-exists']


def test_the_journal_of_earlier_runs():
    dest = FakeDestination(state={mysql.JOURNAL: [
        'database crm 100 200', 'account app@localhost', "account my user@%",
        'database broken 1', 'database bad x 2', 'other line']})
    assert mysql._journal(dest) == {'database': {'crm': (100, 200)},
                                    'account': {'app@localhost', 'my user@%'}}


ALL_WORDS = ('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'RELOAD', 'SHUTDOWN',
             'PROCESS', 'FILE', 'REFERENCES', 'INDEX', 'ALTER', 'SHOW DATABASES', 'SUPER',
             'CREATE TEMPORARY TABLES', 'LOCK TABLES', 'EXECUTE', 'REPLICATION SLAVE',
             'REPLICATION CLIENT', 'CREATE VIEW', 'SHOW VIEW', 'CREATE ROUTINE',
             'ALTER ROUTINE', 'CREATE USER', 'EVENT', 'TRIGGER')
ALL_COLUMNS = ('Select', 'Insert', 'Update', 'Delete', 'Create', 'Drop', 'Reload',
               'Shutdown', 'Process', 'File', 'References', 'Index', 'Alter', 'Show_db',
               'Super', 'Create_tmp_table', 'Lock_tables', 'Execute', 'Repl_slave',
               'Repl_client', 'Create_view', 'Show_view', 'Create_routine', 'Alter_routine',
               'Create_user', 'Event', 'Trigger')


def test_every_mysql_5_privilege_column_is_its_grant_word():
    columns = ['Host', 'User', 'Password'] + ['{}_priv'.format(c) for c in ALL_COLUMNS]
    text = ('CREATE TABLE `user` (\n' + ''.join('  `{}` char(1),\n'.format(c)
                                                for c in columns) + ') ENGINE=MyISAM;\n'
            "INSERT INTO `user` VALUES ('h','u','*H'" + ",'Y'" * len(ALL_COLUMNS) + ');\n')
    (account,), _o, _l = md.accounts(md.grant_tables(text))
    assert account.global_privs == ALL_WORDS and account.global_grant is False
    assert md.account_sql(account)[1] == "GRANT {} ON *.* TO 'u'@'h';".format(
        ', '.join(ALL_WORDS))
    # each one alone
    for i, word in enumerate(ALL_WORDS):
        flags = ['N'] * len(ALL_COLUMNS)
        flags[i] = 'Y'
        one = text.replace(",'Y'" * len(ALL_COLUMNS), ''.join(",'{}'".format(f)
                                                               for f in flags))
        (account,), _o, _l = md.accounts(md.grant_tables(one))
        assert account.global_privs == (word,), word


def test_every_table_privilege_is_its_grant_word():
    text = ("INSERT INTO `user` (`Host`,`User`,`Password`) VALUES ('h','u','');\n"
            "INSERT INTO `tables_priv` (`Host`,`Db`,`User`,`Table_name`,`Table_priv`) VALUES "
            "('H','d','u','t','Select,Insert,Update,Delete,Create,Drop,Grant,References,"
            "Index,Alter,Create View,Show view,Trigger');\n")
    (account,), orphans, _l = md.accounts(md.grant_tables(text))
    assert orphans == []
    assert account.tables == (('d', 't', ('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE',
                                          'DROP', 'REFERENCES', 'INDEX', 'ALTER',
                                          'CREATE VIEW', 'SHOW VIEW', 'TRIGGER'), True),)


@pytest.mark.parametrize('text, rows', [
    ("('a(b)c', 'd,e' ,'f;g')", [['a(b)c', 'd,e', 'f;g']]),
    (r"('back\\','\x\y')", [['back\\', 'xy']]),
    (r"('\\\'')", [["\\'"]]),
    ("(1, 2 ,3)", [['1', '2', '3']]),
    ("()", [[]]),
    ('', []),
])
def test_parse_values_corners(text, rows):
    assert md.parse_values(text) == rows


@pytest.mark.parametrize('text, says', [
    ("('abc", 'an unterminated string in the dump'),
    ("('a\\", 'an unterminated string in the dump'),
    ('(1,2', 'an unterminated row in the dump'),
])
def test_parse_values_says_what_is_cut(text, says):
    with pytest.raises(ValueError) as exc:
        md.parse_values(text)
    assert str(exc.value) == says


def test_quoting():
    assert md.quote_string("a'b\\c\0d") == "'a\\'b\\\\c\\0d'"
    assert md.quote_name('we`ird') == '`we``ird`'
    assert md.account_name(md.Account("u'", 'h', '', (), False, (), ())) == "'u\\''@'h'"


# -- read: the dumps of the tree, what this server's MariaDB answers ------------------------

def _dumps_tree(sme_tree, tmp_path_factory):
    folder = sme_tree / 'home' / 'e-smith' / 'db' / 'mysql'
    folder.mkdir(parents=True)
    done = '\n-- Dump completed on 2026-11-30 22:00:01\n'
    (folder / 'mysql.dump').write_text(USER_TABLE + done)
    (folder / 'crm.dump').write_text(HEAD + 'x' * (mysql.HEAD + 10) + done)
    (folder / 'wiki.dump').write_text('USE `wiki`;\nINSERT INTO `t` VALUES (1,')   # cut
    (folder / 'test.dump').write_text('USE `test`;\n' + done)
    (folder / 'notes.txt').write_text('not a dump')
    (folder / 'dir.dump').mkdir()
    outside = tmp_path_factory.mktemp('out') / 'secret.dump'
    outside.write_text('USE `secret`;\n' + done)
    os.symlink(str(outside), str(folder / 'link.dump'))
    os.utime(str(folder / 'crm.dump'), (1500000000, 1500000000))
    return folder


def _maria(answers):
    calls = []

    def run(statements):
        calls.append(statements)
        for start, result in answers:
            if statements.startswith(start):
                return result
        raise AssertionError('unexpected statement: ' + statements)
    return run, calls


def test_read_the_dumps_and_what_this_server_has(sme_tree, tmp_path_factory):
    folder = _dumps_tree(sme_tree, tmp_path_factory)
    run, calls = _maria([
        ('SHOW DATABASES', CommandResult(0, 'mysql\ncrm\nwiki\nroot\tlocalhost\napp\tLocalHost\n'
                                            'a\tb\tc\n', '')),
        ("SELECT table_name FROM information_schema.tables WHERE table_schema = 'crm'",
         CommandResult(0, 't1\nt2\n', '')),
        ("SELECT table_name FROM information_schema.tables WHERE table_schema = 'wiki'",
         CommandResult(0, '', '')),
        ('SELECT (SELECT COUNT(*) FROM `crm`.`t1`) + (SELECT COUNT(*) FROM `crm`.`t2`);',
         CommandResult(0, '0\n', ''))])
    dest = FakeDestination(modules=('nethserver-mysql', 'nethserver-faxweb2'))
    dest.mysql = run
    source = SourceTree(str(sme_tree))
    facts = mysql.read(source, dest)
    assert [d.name for d in facts.dumps] == ['crm', 'mysql', 'test', 'wiki']
    crm = facts.dumps[0]
    assert crm == mysql.Dump('crm', str(folder / 'crm.dump'), os.path.getsize(
        str(folder / 'crm.dump')), 1500000000, ('crm',), True)
    assert (facts.dumps[3].databases, facts.dumps[3].complete) == (('wiki',), False)
    assert [(a.user, a.host) for a in facts.accounts] == [
        ('root', 'localhost'), ('app', 'localhost'), ('ro', '%'), ('', 'localhost')]
    assert facts.orphans == [('db', ('ghost', 'localhost'), 'x')]
    assert facts.grant_error is None and facts.server_error is None
    assert facts.databases == {'mysql', 'crm', 'wiki'}
    assert facts.existing == {('root', 'localhost'), ('app', 'localhost')}
    # crm and wiki are here without a row; mysql is never counted
    assert facts.empty == frozenset({'crm', 'wiki'})
    assert (facts.installed, facts.audit, facts.faxweb) == (True, False, True)
    assert facts.journal == {'database': {}, 'account': set()}
    assert len(calls) == 4


def test_read_says_why_the_server_could_not_be_asked(sme_tree, tmp_path_factory):
    _dumps_tree(sme_tree, tmp_path_factory)
    run, calls = _maria([('SHOW DATABASES', CommandResult(
        1, '', "ERROR 2002 (HY000): Can't connect to local MySQL server\nmore\n"))])
    dest = FakeDestination()
    dest.mysql = run
    facts = mysql.read(SourceTree(str(sme_tree)), dest)
    assert facts.server_error == "ERROR 2002 (HY000): Can't connect to local MySQL server"
    assert (facts.databases, facts.existing, facts.empty) == (set(), set(), frozenset())


def test_read_without_the_module_asks_nothing(sme_tree, tmp_path_factory):
    _dumps_tree(sme_tree, tmp_path_factory)
    run, calls = _maria([])
    dest = FakeDestination(modules=('nethserver-samba-audit',))
    dest.mysql = run
    facts = mysql.read(SourceTree(str(sme_tree)), dest)
    assert calls == [] and facts.installed is False
    assert (facts.mysqld_here, facts.audit, facts.faxweb) == (None, False, False)


def test_read_a_broken_grant_dump_and_no_dumps_at_all(sme_tree, tmp_path_factory):
    folder = sme_tree / 'home' / 'e-smith' / 'db' / 'mysql'
    folder.mkdir(parents=True)
    (folder / 'mysql.dump').write_text("CREATE TABLE `user` (\n  `Host` char(60)\n);\n"
                                       "INSERT INTO `user` VALUES ('localhost','x');\n")
    run, calls = _maria([])
    dest = FakeDestination()
    dest.mysql = run
    facts = mysql.read(SourceTree(str(sme_tree)), dest)
    assert facts.grant_error and facts.accounts == [] and calls == []
    (folder / 'mysql.dump').unlink()
    folder.rmdir()
    assert mysql.read(SourceTree(str(sme_tree)), dest).dumps == []


def _broken_mysql(*_args):
    raise OSError(2, 'No such file or directory', 'mysql')


@pytest.mark.parametrize('step, key, obj', [
    (mysql.LoadDump('app', '/src/app.dump', 10, 20, False), 'mysql.load-failed',
     {'database': 'app'}),
    (mysql.CreateAccount('bob@localhost', "'bob'@'localhost'", ('CREATE USER x;',)),
     'mysql.account-failed', {'account': 'bob@localhost'}),
    (mysql.AuditGrant('smbd@localhost'), 'mysql.audit-failed', {'account': 'smbd@localhost'}),
    (mysql.FaxPaths('faxdb'), 'mysql.faxweb-failed', {'database': 'faxdb'})])
def test_a_step_the_system_refuses_fails_alone_with_its_key(step, key, obj):
    dest = FakeDestination()
    dest.mysql = dest.mysql_load = dest.mysql_schema = _broken_mysql
    dest.read_secret = lambda name: 'secret'
    reporter = recorder()
    apply([step, Count('after')], dest, reporter)
    (finding,) = reporter.findings
    assert (finding.key, finding.severity, finding.message, finding.obj,
            finding.remediation) == (
        key, 'error', "{} of {}: not done: [Errno 2] No such file or directory: "
        "'mysql'".format(type(step).op, step.name), obj, 'fix the cause and run the import '
        'again')
    assert reporter.counts == {'after': 1}           # the rest goes on


def test_loads_say_their_progress_as_databases():
    maria, reporter = Maria(), recorder()
    steps = [mysql.LoadDump('db{}'.format(i), '/src/db{}.dump'.format(i), 1, 2, False)
             for i in range(100)]
    apply(steps, destination(maria), reporter)
    assert '[INFO] databases: 100 of 100' in reporter.text().splitlines()
    assert (mysql.LoadDump.op, mysql.CreateAccount.op, mysql.AuditGrant.op,
            mysql.FaxPaths.op) == ('load-dump', 'create-account', 'samba-audit-grant',
                                   'faxweb2-paths')


def test_a_stale_dump_says_how_much_older():
    (stale, _load, _other) = mysql.plan(facts(dumps=[dump('old', mtime=1000000 - 9500),
                                                     dump('crm')]))
    assert stale.message == ('MySQL: old.dump is 3 hours older than the newest dump (its '
                             'database may be gone on the source, or its dump failed '
                             'there): loaded as it is')


def test_read_asks_for_the_audit_and_faxweb_modules_only_with_mysql(sme_tree,
                                                                   tmp_path_factory):
    _dumps_tree(sme_tree, tmp_path_factory)
    source = SourceTree(str(sme_tree))
    for modules, audit in ((('nethserver-mysql', 'nethserver-samba-audit'), True),
                           (('nethserver-mysql', 'nethserver-faxweb2'), False)):
        dest = FakeDestination(modules=modules)
        dest.mysql = lambda sql: CommandResult(1, '', 'ERROR 2002 (HY000): down\n')
        assert mysql.read(source, dest).audit is audit


def test_read_the_service_settings_latin1_grants_and_an_uncountable_table(sme_tree,
                                                                         tmp_path_factory):
    from nethserver_migration import esmithdb
    folder = _dumps_tree(sme_tree, tmp_path_factory)
    # a Latin-1 byte in the grant dump (a comment): the accounts are still read
    with open(str(folder / 'mysql.dump'), 'ab') as f:
        f.write(b'-- caf\xe9\n')
    esmithdb.Database(str(sme_tree / 'home' / 'e-smith' / 'db' / 'configuration'),
                      readonly=False).set_record('mysqld', 'service',
                                                 {'LocalNetworkingOnly': 'no'})
    run, calls = _maria([
        ('SHOW DATABASES', CommandResult(0, 'mysql\ncrm\n', '')),
        ("SELECT table_name FROM information_schema.tables WHERE table_schema = 'crm'",
         CommandResult(0, 't1\n', '')),
        ('SELECT (SELECT COUNT(*) FROM `crm`.`t1`);', CommandResult(1, '0\n', 'ERROR 1146\n'))])
    dest = FakeDestination(modules=('nethserver-mysql',), dbs={'configuration': [
        esmithdb.Record('mysqld', 'service', {'status': 'enabled'})]})
    dest.mysql = run
    facts = mysql.read(SourceTree(str(sme_tree)), dest)
    assert facts.grant_error is None
    assert [(a.user, a.host) for a in facts.accounts][:2] == [('root', 'localhost'),
                                                             ('app', 'localhost')]
    assert (facts.mysqld_source, facts.mysqld_here) == ({'LocalNetworkingOnly': 'no'},
                                                        {'status': 'enabled'})
    assert facts.empty == frozenset()          # a failed count is not "empty", whatever it printed


@pytest.mark.parametrize('text, first', [
    ("ERROR 2002 (HY000): Can't connect\nmore\n", "ERROR 2002 (HY000): Can't connect"),
    ('Warning: x\n  ERROR 1045 (28000): denied  \n', 'ERROR 1045 (28000): denied'),
    ('------------\nSHOW DATABASES\n------------\n', 'SHOW DATABASES'),
    ('\n  \nsomething odd\n', 'something odd'), ('', 'exit status not zero'),
    (None, 'exit status not zero')])
def test_the_first_error_of_a_failed_command(text, first):
    assert mysql._first_error(text) == first


def findings(reporter):
    return [(f.key, f.severity, f.message, f.obj, f.remediation) for f in reporter.findings]


def test_the_handlers_say_word_for_word():
    maria, reporter = Maria(databases={'crm'}), recorder()
    assert apply([mysql.LoadDump('crm', '/s/crm.dump', 1, 2, False)], destination(maria),
                 reporter) == 0
    assert findings(reporter) == [('mysql.database-exists', 'warning', 'MySQL: database crm '
                                   'appeared on this server meanwhile: crm.dump is not loaded',
                                   {'database': 'crm'}, '')]
    maria, reporter = EmptyHere(rows='3'), recorder()
    dest = destination(maria)
    dest.mysql_schema = lambda name: CommandResult(0, 'CREATE DATABASE `sogo`;\n', '')
    assert apply([mysql.LoadDump('sogo', '/s/sogo.dump', 1, 2, True)], dest, reporter) == 0
    assert findings(reporter) == [('mysql.database-exists', 'warning', 'MySQL: database sogo '
                                   'here holds rows now (or its schema cannot be saved): '
                                   'sogo.dump is not loaded', {'database': 'sogo'}, '')]
    maria, reporter = Maria(fail_load='ERROR 1064 (42000) at line 9: syntax\n'), recorder()
    assert apply([mysql.LoadDump('app', '/s/app.dump', 1, 2, False)], destination(maria),
                 reporter) == 0
    assert findings(reporter) == [(
        'mysql.load-failed', 'error', 'MySQL: app.dump did not load (ERROR 1064 (42000) at '
        'line 9: syntax): nothing of it was kept', {'database': 'app'}, 'fix the dump (or dump '
        'it again on the source with signal-event pre-backup), then run the import again')]
    maria, reporter = EmptyHere(fail_load='ERROR 1064 (42000) at line 9: syntax\n'), recorder()
    dest = destination(maria)
    dest.mysql_schema = lambda name: CommandResult(0, 'CREATE BROKEN;\n', '')
    maria.fail_sql = 'CREATE BROKEN'
    apply([mysql.LoadDump('sogo', '/s/sogo.dump', 1, 2, True)], dest, reporter)
    # undone first (what was there put back, or said), then the load's own failure
    assert [f[0] for f in findings(reporter)] == ['mysql.restore-failed', 'mysql.load-failed']
    assert findings(reporter)[0] == (
        'mysql.restore-failed', 'error', "MySQL: the empty database sogo could not be put back "
        "after the failed load (ERROR 1146 (42S02) at line 2: Table doesn't exist)",
        {'database': 'sogo'}, 'reinstall the module that owns it (yum reinstall), or signal '
        'its -update event')


def test_a_load_uses_a_fresh_strong_secret_and_says_its_tables():
    import re
    maria, reporter = Maria(), recorder()
    assert apply([mysql.LoadDump('my_db', '/s/my_db.dump', 1, 2, False)], destination(maria),
                 reporter) == 1
    made = [s for s in maria.sql if 'CREATE USER' in s][0]
    match = re.match(r"GRANT USAGE ON \*\.\* TO 'nsmig_load'@'localhost' IDENTIFIED BY "
                     r"'([A-Za-z0-9]{32})'; DROP USER 'nsmig_load'@'localhost';\n"
                     r"CREATE USER 'nsmig_load'@'localhost' IDENTIFIED BY '([A-Za-z0-9]{32})';"
                     r"\nGRANT ALL ON `my\\_db`\.\* TO 'nsmig_load'@'localhost';\Z", made)
    assert match and match.group(1) == match.group(2)
    secret = match.group(1)
    assert len(set(secret)) > 8                    # not one character 32 times
    apply([mysql.LoadDump('other', '/s/other.dump', 1, 2, False)], destination(maria),
          reporter)
    assert secret not in [s for s in maria.sql if 'CREATE USER' in s][-1]
    assert '[INFO] MySQL: database my_db loaded (2 tables)' in reporter.text().splitlines()


def test_the_name_is_matched_literally_in_show_databases():
    maria = Maria()
    apply([mysql.LoadDump('a_b%c\\d', '/s/x.dump', 1, 2, False)], destination(maria),
          recorder())
    assert maria.sql[0] == "SHOW DATABASES LIKE 'a\\\\_b\\\\%c\\\\\\\\d';"


def test_every_bad_dump_is_said_and_the_next_one_still_loads(request):
    steps = mysql.plan(facts(dumps=[
        dump('ns7app'), dump('cut', complete=False), dump('two', databases=('two', 'x')),
        dump('bad name'), dump('information_schema'), dump('crm')],
        journal={'database': {}, 'account': set()}))
    golden.plan(request, steps)
    assert [s.name for s in steps if isinstance(s, mysql.LoadDump)] == ['crm']


class Answers(Maria):
    """A MariaDB that answers given statements (by their start) with given results."""

    def __init__(self, answers, **kw):
        Maria.__init__(self, **kw)
        self.answers = answers

    def mysql(self, sql, user='root', password=None, timeout=600):
        for start, result in self.answers:
            if sql.startswith(start):
                self.sql.append(sql)
                return result
        return Maria.mysql(self, sql, user, password, timeout)


def test_accounts_audit_and_faxweb_say_word_for_word_and_what_they_changed():
    step = mysql.CreateAccount('app@localhost', "'app'@'localhost'", ("GRANT x;",))
    maria, reporter = Maria(fail_sql='GRANT x'), recorder()
    assert apply([step], destination(maria), reporter) == 0
    assert findings(reporter) == [(
        'mysql.account-failed', 'error', "MySQL: account app@localhost not created: ERROR 1146 "
        "(42S02) at line 2: Table doesn't exist", {'account': 'app@localhost'},
        'fix the cause (a grant on a table that is not here?), then run the import again')]
    maria, reporter = Maria(), recorder()
    assert apply([step], destination(maria), reporter) == 1
    assert '[INFO] MySQL: account app@localhost created with its grants' in \
        reporter.text().splitlines()
    # samba-audit: its secret, or a clear error
    maria, reporter = Maria(), recorder()
    dest = destination(maria)
    dest.read_secret = lambda name: None
    assert apply([mysql.AuditGrant('smbd@localhost')], dest, reporter) == 0
    assert findings(reporter) == [(
        'mysql.audit-failed', 'error', "MySQL: samba-audit's account not granted: no secret in "
        "/var/lib/nethserver/secrets/smbd", {}, 'signal-event nethserver-samba-audit-update')]
    assert maria.sql == []
    maria, reporter = Maria(), recorder()
    assert apply([mysql.AuditGrant('smbd@localhost')], destination(maria), reporter) == 1
    assert "[INFO] MySQL: samba-audit's account smbd@localhost granted on smbaudit" in \
        reporter.text().splitlines()
    maria, reporter = Maria(fail_sql='GRANT ALL ON smbaudit'), recorder()
    assert apply([mysql.AuditGrant('smbd@localhost')], destination(maria), reporter) == 0
    assert [f[:2] for f in findings(reporter)] == [('mysql.audit-failed', 'error')]
    # faxweb2: the rows moved, or nothing to do
    maria, reporter = Answers([('UPDATE faxdb', CommandResult(0, '7\n', ''))]), recorder()
    assert apply([mysql.FaxPaths('faxdb')], destination(maria), reporter) == 1
    assert maria.sql[-1] == ("UPDATE faxdb.faxweb_fax SET path = REPLACE(path, "
                             "'/home/e-smith/', '/var/lib/nethserver/') WHERE path LIKE "
                             "'/home/e-smith/%';\nSELECT ROW_COUNT();")
    assert '[INFO] MySQL: faxweb2 paths moved to /var/lib/nethserver/ (7 rows)' in \
        reporter.text().splitlines()
    maria, reporter = Maria(), recorder()
    apply([mysql.FaxPaths('faxdb')], destination(maria), reporter)
    assert '[INFO] MySQL: faxweb2 paths moved to /var/lib/nethserver/ (0 rows)' in \
        reporter.text().splitlines()
    for answer in (CommandResult(0, '0\n', ''), CommandResult(1, '1\n', 'ERROR')):
        maria = Answers([('SELECT COUNT(*) FROM information_schema.tables WHERE table_schema '
                          "= 'faxdb'", answer)])
        reporter = recorder()
        assert apply([mysql.FaxPaths('faxdb')], destination(maria), reporter) == 0
        assert maria.sql == ["SELECT COUNT(*) FROM information_schema.tables WHERE "
                             "table_schema = 'faxdb' AND table_name = 'faxweb_fax';"]
        assert '[INFO] MySQL: no faxdb.faxweb_fax table: no faxweb2 path to rewrite' in \
            reporter.text().splitlines()
    maria, reporter = Maria(fail_sql='UPDATE faxdb'), recorder()
    assert apply([mysql.FaxPaths('faxdb')], destination(maria), reporter) == 0
    assert [f[:2] for f in findings(reporter)] == [('mysql.faxweb-failed', 'error')]


def test_a_load_says_its_tables_or_a_question_mark():
    maria = Answers([('SELECT COUNT(*) FROM information_schema.tables WHERE table_schema',
                      CommandResult(0, '', ''))])
    reporter = recorder()
    assert apply([mysql.LoadDump('d', '/s/d.dump', 1, 2, False)], destination(maria),
                 reporter) == 1
    assert maria.sql[-1] == "SELECT COUNT(*) FROM information_schema.tables WHERE " \
        "table_schema = 'd';"
    assert '[INFO] MySQL: database d loaded (? tables)' in reporter.text().splitlines()


def test_a_loading_account_that_cannot_be_made_fails_that_load():
    maria, reporter = Maria(fail_sql='CREATE USER'), recorder()
    assert apply([mysql.LoadDump('d', '/s/d.dump', 1, 2, False)], destination(maria),
                 reporter) == 0
    assert findings(reporter) == [(
        'mysql.load-failed', 'error', "load-dump of d: not done: the loading account: ERROR 1146 "
        "(42S02) at line 2: Table doesn't exist", {'database': 'd'},
        'fix the cause and run the import again')]
    assert maria.loads == []
