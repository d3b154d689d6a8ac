"""API clients per persona, and another leader's network for the API tests to be kept out of.

The personas and the networks most tests start from are fixtures in tests/conftest.py; here the
personas get a token each (tests/factories.py's `as_user`).
"""

import pytest

from networks import services
from tests.factories import as_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The personas are created with a password; the default hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tokens_outlive_the_clock(settings):
    # These tests move the clock by months (follow-ups, reports, decisions) after the personas got
    # their tokens; a token's lifetime is what tests/security/test_tokens.py tests.
    settings.API_TOKEN_LIFETIME_DAYS = 100 * 365


@pytest.fixture
def api_as(request):
    """`api_as("leader")`: a token client for the named persona fixture; `api_as(None)`: anonymous."""

    def make(persona):
        return as_user(None if persona is None else request.getfixturevalue(persona))

    return make


@pytest.fixture
def leader_api(leader):
    return as_user(leader)


@pytest.fixture
def direktoer_api(direktoer):
    return as_user(direktoer)


@pytest.fixture
def administrator_api(administrator):
    return as_user(administrator)


@pytest.fixture
def others_welfare(other_leader, welfare_type):
    return services.network_create(
        by=other_leader, type=welfare_type, title="Tryghed i Hyldespjældet", theme="Tryghed"
    )
