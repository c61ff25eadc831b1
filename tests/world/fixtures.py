"""pytest fixtures for the NethServer 7 sandbox.

Register them in a conftest.py with ``from tests.world.fixtures import *  # noqa``
(or ``pytest_plugins = ['tests.world.fixtures']`` in the top conftest), or import them
explicitly in a test module.

* ``sandbox_factory(**kw)`` -> a new Sandbox in its own sub-directory of tmp_path;
  keywords as Sandbox() (hostname, provider, modules, remote_users, remote_groups...).
* ``sandbox``        local LDAP provider, default modules (samba, mail server, filter).
* ``ad_sandbox``     local Samba AD provider.
* ``installed_sandbox``  ``sandbox`` with this repository's root/ installed.
"""

import os

import pytest

from tests.world.sandbox import Sandbox

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE_ROOT = os.path.join(REPO, 'root')

__all__ = ['sandbox_factory', 'sandbox', 'ad_sandbox', 'installed_sandbox', 'PACKAGE_ROOT']


@pytest.fixture
def sandbox_factory(tmp_path):
    made = []

    def make(**kw):
        sb = Sandbox(tmp_path / 'sandbox{}'.format(len(made)), **kw)
        made.append(sb)
        return sb
    return make


@pytest.fixture
def sandbox(sandbox_factory):
    return sandbox_factory(provider='ldap')


@pytest.fixture
def ad_sandbox(sandbox_factory):
    return sandbox_factory(provider='ad')


@pytest.fixture
def installed_sandbox(sandbox):
    sandbox.install_package(PACKAGE_ROOT)
    return sandbox
