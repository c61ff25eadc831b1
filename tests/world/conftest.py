"""Fixtures of the test world (sandbox_factory, sandbox, ad_sandbox, installed_sandbox)."""

from tests.world.fixtures import *  # noqa: F401,F403
