"""Shared fixtures of the unit tests: small SME trees built from tests/data/sme-samples."""

import os
import shutil

import pytest

from tests.samples import samples_dir



def sample(*parts):
    path = os.path.join(samples_dir(), *parts)
    if not os.path.exists(path):
        raise RuntimeError('sample {} not found'.format(path))
    return path


@pytest.fixture
def sme_tree(tmp_path):
    """An SME 7 tree made of the e-smith-base 4.18.1 fixtures and e-smith-backup's
    passwd/group samples."""
    db = tmp_path / 'home' / 'e-smith' / 'db'
    db.mkdir(parents=True)
    for name in ('accounts', 'configuration', 'domains', 'networks'):
        shutil.copy(sample('e-smith-base-4.18.1', name + '.conf'), str(db / name))
    shutil.copy(sample('e-smith-hosts-1.14.0', 'hosts.conf'), str(db / 'hosts'))
    etc = tmp_path / 'etc'
    (etc / 'samba').mkdir(parents=True)
    shutil.copy(sample('e-smith-backup-1.15.0', 'passwd-restored'), str(etc / 'passwd'))
    shutil.copy(sample('e-smith-backup-1.15.0', 'group-restored'), str(etc / 'group'))
    return tmp_path
