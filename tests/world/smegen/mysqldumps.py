"""SME's MySQL dumps as its pre-backup writes them (mysqldump 5.1 `--opt --databases`, one
file a database in home/e-smith/db/mysql/): the mysql system database with SME's own
accounts and an application's, and two application databases whose rows exercise
mysqldump's escaping (quotes, backslashes, NUL, CR/LF, ^Z, UTF-8, NULL, binary).

dumps(model) -> ({file name: bytes}, expected) where expected describes what a correct
load gives: {'databases': {db: {table: [row tuple of bytes or None]}}, 'accounts':
[(user, host, hash, global privs, [(db, privs)], [(db, table, privs)])]}.
"""

import hashlib

HEAD = ('-- MySQL dump 10.13  Distrib 5.1.73, for redhat-linux-gnu (i386)\n--\n'
        '-- Host: localhost    Database: {db}\n'
        '-- ------------------------------------------------------\n'
        '-- Server version\t5.1.73\n\n'
        '/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n'
        '/*!40101 SET NAMES utf8 */;\n'
        '/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n'
        "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n\n"
        '--\n-- Current Database: `{db}`\n--\n\n'
        'CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{db}` /*!40100 DEFAULT CHARACTER SET '
        'latin1 */;\n\nUSE `{db}`;\n')
TAIL = ('/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n'
        '/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n'
        '/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n\n'
        '-- Dump completed on 2026-11-30 22:00:01\n')

PRIVS_51 = ('Select', 'Insert', 'Update', 'Delete', 'Create', 'Drop', 'Reload', 'Shutdown',
            'Process', 'File', 'Grant', 'References', 'Index', 'Alter', 'Show_db', 'Super',
            'Create_tmp_table', 'Lock_tables', 'Execute', 'Repl_slave', 'Repl_client',
            'Create_view', 'Show_view', 'Create_routine', 'Alter_routine', 'Create_user',
            'Event', 'Trigger')
DB_PRIVS_51 = ('Select', 'Insert', 'Update', 'Delete', 'Create', 'Drop', 'Grant',
               'References', 'Index', 'Alter', 'Create_tmp_table', 'Lock_tables',
               'Create_view', 'Show_view', 'Create_routine', 'Alter_routine', 'Execute',
               'Event', 'Trigger')
WORDS = {'Show_db': 'SHOW DATABASES', 'Create_tmp_table': 'CREATE TEMPORARY TABLES',
         'Lock_tables': 'LOCK TABLES', 'Repl_slave': 'REPLICATION SLAVE',
         'Repl_client': 'REPLICATION CLIENT', 'Create_view': 'CREATE VIEW',
         'Show_view': 'SHOW VIEW', 'Create_routine': 'CREATE ROUTINE',
         'Alter_routine': 'ALTER ROUTINE', 'Create_user': 'CREATE USER'}


def word(priv):
    return WORDS.get(priv, priv.upper())


def value(v):
    """A value as mysqldump writes it (mysql_real_escape_string)."""
    if v is None:
        return b'NULL'
    if isinstance(v, int):
        return str(v).encode()
    data = v.encode('utf-8') if isinstance(v, str) else v
    out = bytearray(b"'")
    for byte in data:
        ch = bytes([byte])
        out += {b'\0': b'\\0', b"'": b"\\'", b'"': b'\\"', b'\\': b'\\\\', b'\n': b'\\n',
                b'\r': b'\\r', b'\x1a': b'\\Z'}.get(ch, ch)
    return bytes(out + b"'")


def insert(table, rows):
    if not rows:
        return b''
    body = b','.join(b'(' + b','.join(value(v) for v in row) + b')' for row in rows)
    return (b'LOCK TABLES `' + table.encode() + b'` WRITE;\n/*!40000 ALTER TABLE `' +
            table.encode() + b'` DISABLE KEYS */;\nINSERT INTO `' + table.encode() +
            b'` VALUES ' + body + b';\n/*!40000 ALTER TABLE `' + table.encode() +
            b'` ENABLE KEYS */;\nUNLOCK TABLES;\n')


def table(name, columns, rows, engine='MyISAM'):
    create = ('\n--\n-- Table structure for table `{0}`\n--\n\nDROP TABLE IF EXISTS `{0}`;\n'
              'CREATE TABLE `{0}` (\n{1}\n) ENGINE={2} DEFAULT CHARSET=utf8;\n\n'
              '--\n-- Dumping data for table `{0}`\n--\n\n').format(
                  name, ',\n'.join('  ' + c for c in columns), engine)
    return create.encode() + insert(name, rows)


def mysql_hash(password):
    """MySQL 4.1+'s PASSWORD(): '*' + upper hex SHA1(SHA1(password))."""
    return '*' + hashlib.sha1(hashlib.sha1(password.encode()).digest()).hexdigest().upper()


def _mysql_db(host, applications):
    accounts = [
        # user, host, password, global privileges, [(db, privs)], [(db, table, privs)]
        ('root', 'localhost', 'sme-root-secret', PRIVS_51, [], []),
        ('root', host, 'sme-root-secret', PRIVS_51, [], []),
        ('root', '127.0.0.1', 'sme-root-secret', PRIVS_51, [], []),
        ('', 'localhost', '', (), [], []),
        ('', host, '', (), [], []),
        ('crmapp', 'localhost', 'crm pass \'quoted\'', (),
         [('crm', ('Select', 'Insert', 'Update', 'Delete', 'Lock_tables'))], []),
        ('wikiuser', 'localhost', 'wiki', (),
         [('wiki', ('Select', 'Insert', 'Update', 'Delete', 'Create', 'Drop', 'Index',
                    'Alter'))], [('crm', 'contacts', ('Select',))]),
        ('report', '192.168.1.%', 'reports', ('Select',), [], []),
        ('admin_tool', 'localhost', 'tool', ('Select', 'Process', 'Grant'),
         [('wiki\\_%', ('Select',))], []),
    ]
    if not applications:      # a plain SME: root and the anonymous accounts alone
        accounts = [a for a in accounts if a[0] in ('root', '')]
    user_cols = ['`Host` char(60) COLLATE utf8_bin NOT NULL DEFAULT \'\'',
                 '`User` char(16) COLLATE utf8_bin NOT NULL DEFAULT \'\'',
                 '`Password` char(41) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL '
                 'DEFAULT \'\'']
    user_cols += ['`{}_priv` enum(\'N\',\'Y\') CHARACTER SET utf8 NOT NULL DEFAULT \'N\''
                  .format(p) for p in PRIVS_51]
    user_cols += ['`ssl_type` enum(\'\',\'ANY\',\'X509\',\'SPECIFIED\') CHARACTER SET utf8 '
                  'NOT NULL DEFAULT \'\'', '`ssl_cipher` blob NOT NULL',
                  '`x509_issuer` blob NOT NULL', '`x509_subject` blob NOT NULL',
                  '`max_questions` int(11) unsigned NOT NULL DEFAULT \'0\'',
                  '`max_updates` int(11) unsigned NOT NULL DEFAULT \'0\'',
                  '`max_connections` int(11) unsigned NOT NULL DEFAULT \'0\'',
                  '`max_user_connections` int(11) unsigned NOT NULL DEFAULT \'0\'',
                  'PRIMARY KEY (`Host`,`User`)']
    user_rows, db_rows, table_rows = [], [], []
    for user, h, password, privs, dbs, tables in accounts:
        user_rows.append([h, user, mysql_hash(password) if password else ''] +
                         ['Y' if p in privs else 'N' for p in PRIVS_51] +
                         ['', '', '', '', 0, 0, 0, 0])
        for db, dprivs in dbs:
            db_rows.append([h, db, user] + ['Y' if p in dprivs else 'N' for p in DB_PRIVS_51])
        for db, tname, tprivs in tables:
            table_rows.append([h, db, user, tname, 'root@localhost', '2026-11-01 10:00:00',
                               ','.join(tprivs), ''])
    db_cols = ['`Host` char(60) COLLATE utf8_bin NOT NULL DEFAULT \'\'',
               '`Db` char(64) COLLATE utf8_bin NOT NULL DEFAULT \'\'',
               '`User` char(16) COLLATE utf8_bin NOT NULL DEFAULT \'\'']
    db_cols += ['`{}_priv` enum(\'N\',\'Y\') CHARACTER SET utf8 NOT NULL DEFAULT \'N\''
                .format(p) for p in DB_PRIVS_51] + ['PRIMARY KEY (`Host`,`Db`,`User`)']
    tp_cols = ['`Host` char(60) NOT NULL DEFAULT \'\'', '`Db` char(64) NOT NULL DEFAULT \'\'',
               '`User` char(16) NOT NULL DEFAULT \'\'',
               '`Table_name` char(64) NOT NULL DEFAULT \'\'',
               '`Grantor` char(77) NOT NULL DEFAULT \'\'',
               '`Timestamp` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP',
               '`Table_priv` set(\'Select\',\'Insert\',\'Update\',\'Delete\',\'Create\','
               '\'Drop\',\'Grant\',\'References\',\'Index\',\'Alter\',\'Create View\','
               '\'Show view\',\'Trigger\') NOT NULL DEFAULT \'\'',
               '`Column_priv` set(\'Select\',\'Insert\',\'Update\',\'References\') NOT NULL '
               'DEFAULT \'\'', 'PRIMARY KEY (`Host`,`Db`,`User`,`Table_name`)']
    cp_cols = ['`Host` char(60) NOT NULL DEFAULT \'\'', '`Db` char(64) NOT NULL DEFAULT \'\'',
               '`User` char(16) NOT NULL DEFAULT \'\'',
               '`Table_name` char(64) NOT NULL DEFAULT \'\'',
               '`Column_name` char(64) NOT NULL DEFAULT \'\'',
               '`Timestamp` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP',
               '`Column_priv` set(\'Select\',\'Insert\',\'Update\',\'References\') NOT NULL '
               'DEFAULT \'\'']
    columns_rows = [['localhost', 'crm', 'crmapp', 'invoices', 'amount',
                     '2026-11-01 10:00:00', 'Select']] if applications else []
    text = (HEAD.format(db='mysql').encode() +
            table('columns_priv', cp_cols, columns_rows) + table('db', db_cols, db_rows) +
            table('host', ['`Host` char(60) NOT NULL DEFAULT \'\''], []) +
            table('tables_priv', tp_cols, table_rows) + table('user', user_cols, user_rows) +
            TAIL.encode())
    expected = []
    for user, h, password, privs, dbs, tables in accounts:
        expected.append((user, h, mysql_hash(password) if password else '',
                         tuple(word(p) for p in privs if p != 'Grant'),
                         [(db, tuple(word(p) for p in dp if p != 'Grant')) for db, dp in dbs],
                         [(db, t, tuple(p.upper() for p in tp)) for db, t, tp in tables]))
    return text, expected


def _crm(users, domain):
    contacts = [(i + 1, name, '{}@{}'.format(name, domain),
                 'note of {} with a \'quote\', a "double", a back\\slash,\nlines\r\nand '
                 'caf\u00e9 \u2603'.format(name) if i % 3 == 0 else None)
                for i, name in enumerate(users)]
    invoices = [(n + 1, (n % max(1, len(users))) + 1, '{}.{:02d}'.format(100 + n * 7, n % 100),
                 '2026-{:02d}-{:02d}'.format(1 + n % 12, 1 + n % 28)) for n in range(40)]
    text = (HEAD.format(db='crm').encode() +
            table('contacts', ['`id` int(11) NOT NULL AUTO_INCREMENT', '`name` varchar(64) '
                               'NOT NULL', '`email` varchar(128) DEFAULT NULL',
                               '`notes` text', 'PRIMARY KEY (`id`)'], contacts, 'InnoDB') +
            table('invoices', ['`id` int(11) NOT NULL AUTO_INCREMENT',
                               '`contact` int(11) NOT NULL', '`amount` decimal(10,2) NOT NULL',
                               '`issued` date NOT NULL', 'PRIMARY KEY (`id`)'], invoices) +
            TAIL.encode())
    return text, {'contacts': contacts, 'invoices': invoices}


def _wiki():
    pages = [(1, 'Home', b'\x00binary\x1a\'"\\\n\r' + bytes(range(256))),
             (2, 'Empty', b''), (3, 'Null', None)]
    text = (HEAD.format(db='wiki').encode() +
            table('pages', ['`id` int(11) NOT NULL', '`title` varchar(255) NOT NULL',
                            '`body` mediumblob', 'PRIMARY KEY (`id`)'], pages) +
            TAIL.encode())
    return text, {'pages': pages}


def dumps(model, applications=False):
    host = model.fqdn.split('.')[0] if getattr(model, 'fqdn', None) else 'sme'
    users = [u.name for u in model.users[:20]] or ['none']
    mysql, accounts = _mysql_db(host, applications)
    files = {'mysql.dump': mysql}
    if not applications:
        return files, {'databases': {}, 'accounts': [[u, h, p, list(g), [], []]
                                                    for u, h, p, g, _d, _t in accounts]}
    crm, crm_rows = _crm(users, model.domain_name)
    wiki, wiki_rows = _wiki()
    files.update({'crm.dump': crm, 'wiki.dump': wiki})
    # JSON-safe (the manifest is JSON): each value as the hex of its bytes, or None
    databases = dict((db, dict((t, [[_hex(v) for v in row] for row in rows])
                               for t, rows in tables.items()))
                     for db, tables in (('crm', crm_rows), ('wiki', wiki_rows)))
    return files, {'databases': databases,
                   'accounts': [[u, h, p, list(g), [[d, list(x)] for d, x in dbs],
                                 [[d, t, list(x)] for d, t, x in tbs]]
                                for u, h, p, g, dbs, tbs in accounts]}


def _hex(v):
    if v is None:
        return None
    if isinstance(v, int):
        v = str(v)
    return (v.encode('utf-8') if isinstance(v, str) else v).hex().upper()
