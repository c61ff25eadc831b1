"""sourcehost.Door's reading of the staged copy (the ssh and rsync parts run against a
real sshd in tests/world/test_rsync_migrate_sandbox.py): modSSL's props, which name the
certificate files to pull from outside the copied paths."""

import os

import pytest

from nethserver_migration import sourcehost
from nethserver_migration.rsync_migrate import Options

DB = 'home/e-smith/db'


@pytest.fixture
def door(tmp_path):
    return sourcehost.Door(Options('sme'), own_dir=str(tmp_path / 'own'),
                           log_path=str(tmp_path / 'log'), key_path=str(tmp_path / 'key'),
                           staging=str(tmp_path / 'staging'))


def stage(door, name, text):
    path = os.path.join(door.staging, DB, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


def test_the_props_of_the_staged_configuration(door):
    stage(door, 'accounts', 'admin=system\n')
    stage(door, 'configuration', 'modSSL=service|crt|/etc/pki/my.crt|key|/etc/pki/my.key\n'
                                 'sshd=service|status|enabled\n')
    assert door.staged_modssl() == {'crt': '/etc/pki/my.crt', 'key': '/etc/pki/my.key'}


@pytest.mark.parametrize('accounts, configuration', [
    (None, None),                                      # nothing copied yet
    (None, 'modSSL=service|crt|/c\n'),                  # half a tree: not a source tree
    ('admin=system\n', 'sshd=service\n'),               # no modSSL record
    ('admin=system\n', 'directory'),                    # not a DB: refused
])
def test_no_props_when_they_cannot_be_read(door, accounts, configuration):
    if accounts is not None:
        stage(door, 'accounts', accounts)
    if configuration == 'directory':
        os.makedirs(os.path.join(door.staging, DB, 'configuration'))
    elif configuration is not None:
        stage(door, 'configuration', configuration)
    assert door.staged_modssl() == {}
