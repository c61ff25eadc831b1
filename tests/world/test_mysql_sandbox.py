"""MySQL through the REAL event into a REAL MariaDB (Debian's mariadb-server, its data and
socket inside the sandbox at NethServer 7's paths; tests/world/mariadb.py), which already
holds NethServer's own database and accounts.

A generated SME 9 tree brings SME's pre-backup dumps (mysqldump 5.1 output: the mysql
system database with SME's and two applications' accounts, two application databases
whose rows exercise every escape); beside them, three bad dumps: one cut short, one with
an error in the middle, one that tries to drop NethServer's database.  After
signal-event migration-import, read back through MariaDB: the databases' rows equal the
generator's (each value's bytes), the applications' accounts log in with their SME
passwords and hold exactly their grants, NethServer's databases, accounts and passwords
are as they were, nothing of the bad dumps is left, each is reported; a second run loads
nothing twice."""

import os

import pytest

from tests import reports
from tests.world import smegen
from tests.world.mariadb import MariaDB
from tests.world.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SRC = '/var/lib/migration'
DUMPS = SRC + '/home/e-smith/db/mysql/'
ACTION = 'nethserver-migration-mysql'
MODULES = ('nethserver-samba', 'nethserver-mail-server', 'nethserver-mail-filter',
           'nethserver-mysql')

BROKEN = {
    # cut short: no "-- Dump completed" line
    'cut': lambda good: good[:len(good) // 2],
    # complete, but an error in the middle (after a table was made)
    'halfway': lambda good: good.replace(b'INSERT INTO `invoices`', b'INSERT INTO invoices`'),
    # complete, but it tries to drop this server's own database
    'greedy': lambda good: good.replace(b'USE `greedy`;\n', b'USE `greedy`;\n'
                                        b'DROP DATABASE ns7app;\n'),
    # an error halfway, into a database this server has without a row
    'keepme': lambda good: good.replace(b'INSERT INTO `invoices`', b'INSERT INTO invoices`'),
}
# what NethServer's modules made before the import: empty databases (nethserver-sogo's
# fresh `sogo`); SME's dump of one is loaded into it, the other's failed load puts it back
EMPTY = ("CREATE DATABASE sogo; CREATE TABLE sogo.sogo_folder_info (c_folder_id int);"
         "CREATE DATABASE keepme; CREATE TABLE keepme.t (a int);")


def findings(sandbox):
    report = reports.load(sandbox.path('/var/log/nethserver-migration/latest.json'))
    return [a for a in report['actions'] if a['action'] == ACTION][-1]


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('mysql')
    sandbox = Sandbox(tmp / 'ns7', provider='ldap', modules=MODULES)
    manifest = smegen.generate(sandbox.path(SRC), seed=31, version='9', users=4, groups=1,
                               ibays=0, pseudonyms=0, domains=1, messages=1,
                               databases=True)
    with open(sandbox.path(DUMPS + 'crm.dump'), 'rb') as f:
        crm = f.read()
    for name, spoil in BROKEN.items():
        data = crm.replace(b'`crm`', '`{}`'.format(name).encode())
        with open(sandbox.path(DUMPS + name + '.dump'), 'wb') as f:
            f.write(spoil(data))
    with open(sandbox.path(DUMPS + 'sogo.dump'), 'wb') as f:
        f.write(crm.replace(b'`crm`', b'`sogo`'))
    sandbox.install_package(os.path.join(TOP, 'root'))
    db = MariaDB(sandbox)
    db.query(EMPTY)
    before = {'hash': db.query("SELECT Password FROM mysql.user WHERE User = 'report';"),
              'users': db.query('SELECT User, Host FROM mysql.user ORDER BY 1, 2;')}
    res = sandbox.run(['/sbin/e-smith/signal-event', 'migration-import', SRC], timeout=600)
    yield dict(sb=sandbox, m=manifest, db=db, res=res, before=before)
    db.stop()


def columns(db, database, table):
    return [r[0] for r in db.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = '{}' AND "
        "table_name = '{}' ORDER BY ordinal_position;".format(database, table))]


def rows_hex(db, database, table):
    cols = columns(db, database, table)
    sql = 'SELECT {} FROM `{}`.`{}` ORDER BY `{}`;'.format(
        ', '.join('HEX(CAST(`{0}` AS BINARY)), `{0}` IS NULL'.format(c) for c in cols),
        database, table, cols[0])
    out = []
    for row in db.query(sql):
        values = []
        for hexed, null in zip(row[0::2], row[1::2]):
            values.append(None if null == '1' else hexed)
        out.append(values)
    return out


def test_the_databases_arrive_byte_for_byte(world):
    db, expected = world['db'], world['m']['mysql']['databases']
    for database, tables in expected.items():
        for table, rows in tables.items():
            want = sorted(rows, key=lambda r: int(bytes.fromhex(r[0]).decode()))
            assert rows_hex(db, database, table) == want, (database, table)


def test_a_dump_goes_into_this_servers_empty_database_of_its_name(world):
    db = world['db']
    want = world['m']['mysql']['databases']['crm']['contacts']
    assert rows_hex(db, 'sogo', 'contacts') == sorted(
        want, key=lambda r: int(bytes.fromhex(r[0]).decode()))
    assert db.query('SELECT COUNT(*) FROM sogo.sogo_folder_info;') == [['0']]


def test_the_applications_accounts_log_in_and_hold_their_grants(world):
    db = world['db']
    assert db.can_login('crmapp', "crm pass 'quoted'")
    assert not db.can_login('crmapp', 'wrong')
    assert db.can_login('wikiuser', 'wiki')
    grants = sorted(r[0] for r in db.query("SHOW GRANTS FOR 'wikiuser'@'localhost';"))
    assert grants == sorted([
        "GRANT USAGE ON *.* TO `wikiuser`@`localhost` IDENTIFIED BY PASSWORD "
        "'*A5DB2D927D6DF94DA5E1CE4B293AEAAB4D8304EA'",
        'GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER ON `wiki`.* TO '
        '`wikiuser`@`localhost`',
        'GRANT SELECT ON `crm`.`contacts` TO `wikiuser`@`localhost`'])
    # the table grant is a table grant: contacts yes, invoices no
    assert db.query('SELECT COUNT(*) FROM crm.contacts;', user='wikiuser', password='wiki')
    with pytest.raises(RuntimeError) as exc:
        db.query('SELECT COUNT(*) FROM crm.invoices;', user='wikiuser', password='wiki')
    assert 'denied' in str(exc.value)
    tool = [r[0] for r in db.query("SHOW GRANTS FOR 'admin_tool'@'localhost';")]
    assert len(tool) == 2
    assert tool[0].startswith('GRANT SELECT, PROCESS ON *.* TO `admin_tool`@`localhost`')
    assert tool[0].endswith('WITH GRANT OPTION')
    assert tool[1] == 'GRANT SELECT ON `wiki\\_%`.* TO `admin_tool`@`localhost`'


def test_this_servers_own_is_kept(world):
    db, before = world['db'], world['before']
    assert db.can_login('root', 'ns7-root-secret')             # NethServer's secret
    assert not db.can_login('root', 'sme-root-secret')
    assert db.query("SELECT v FROM ns7app.settings WHERE k = 'owner';") == [['nethserver']]
    assert db.can_login('ns7app', 'ns7app-secret')
    # SME's report@192.168.1.% exists here already: NethServer's password stays
    assert db.query("SELECT Password FROM mysql.user WHERE User = 'report';") == \
        before['hash']
    users = db.query('SELECT User, Host FROM mysql.user ORDER BY 1, 2;')
    added = [u for u in users if u not in before['users']]
    assert sorted(added) == [['admin_tool', 'localhost'], ['crmapp', 'localhost'],
                             ['wikiuser', 'localhost']]                 # no anonymous, no root


def test_bad_dumps_leave_nothing_and_are_said(world):
    db, section = world['db'], findings(world['sb'])
    assert world['res'].returncode != 0                   # the failed loads are failures
    databases = set(r[0] for r in db.query('SHOW DATABASES;'))
    assert {'crm', 'wiki', 'ns7app', 'sogo', 'keepme'} <= databases
    assert not databases & (set(BROKEN) - {'keepme'})
    # the empty database whose load failed: as it was, its one table and no row
    assert db.query("SELECT table_name FROM information_schema.tables WHERE table_schema "
                    "= 'keepme';") == [['t']]
    assert db.query('SELECT COUNT(*) FROM keepme.t;') == [['0']]
    assert db.query("SELECT User FROM mysql.user WHERE User = 'nsmig_load';") == []
    keys = sorted((f['key'], f['severity'], f['object'].get('database') or
                   f['object'].get('account')) for f in section['findings'])
    assert ('mysql.dump-truncated', 'error', 'cut') in keys
    assert ('mysql.load-failed', 'error', 'halfway') in keys
    assert ('mysql.load-failed', 'error', 'greedy') in keys
    assert ('mysql.load-failed', 'error', 'keepme') in keys
    assert ('mysql.load-into-empty', 'notice', 'sogo') in keys
    assert ('mysql.account-kept', 'warning', 'report@192.168.1.%') in keys
    assert ('mysql.root-kept', 'notice', None) in keys
    assert ('mysql.anonymous-skipped', 'notice', '@localhost') in keys
    assert ('mysql.grants-not-migrated', 'warning', None) in keys
    assert section['counts']['databases loaded'] == 3          # crm, wiki, sogo
    assert section['counts']['MySQL accounts created'] == 3
    greedy = [f for f in section['findings'] if f['object'].get('database') == 'greedy'][0]
    assert 'DROP command denied' in greedy['message'] or 'denied' in greedy['message']


def test_a_second_run_loads_nothing_twice(world):
    sb, db = world['sb'], world['db']
    counts = dict((t, db.query('SELECT COUNT(*) FROM crm.`{}`;'.format(t))[0][0])
                  for t in ('contacts', 'invoices'))
    sb.run(['/sbin/e-smith/signal-event', 'migration-import', SRC], timeout=600)
    section = findings(sb)
    assert section['counts']['databases already loaded'] == 3
    assert section['counts']['MySQL accounts already created'] == 3
    assert 'databases loaded' not in section['counts']
    for table, n in counts.items():
        assert db.query('SELECT COUNT(*) FROM crm.`{}`;'.format(table))[0][0] == n
    # the bad ones are refused again, the same way
    keys = [(f['key'], f['object'].get('database')) for f in section['findings']]
    assert ('mysql.load-failed', 'greedy') in keys and ('mysql.dump-truncated', 'cut') in keys
