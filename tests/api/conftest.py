"""API clients per persona, and the networks the API tests start from.

The personas and builders themselves are in tests/conftest.py; here they get a token each.
"""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from networks import services
from networks.models import Network
from tests.conftest import add_meetings, ready_to_start

SPRINT = {"sprint_start": datetime.date(2027, 3, 1), "sprint_end": datetime.date(2027, 3, 28)}
PERSONAS = ["leader", "other_leader", "direktoer", "administrator"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The personas are created with a password; the default hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api_url(path: str) -> str:
    return f"/api/v1/{path}"


def as_user(user) -> APIClient:
    """A client that authenticates the way an integration does: `Authorization: Token …`."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


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


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def fresh(network: Network) -> Network:
    return Network.objects.get(pk=network.pk)


@pytest.fixture
def ready_welfare(draft_welfare, leader):
    return services.network_update(network=ready_to_start(draft_welfare), by=leader, **SPRINT)


@pytest.fixture
def active_welfare(ready_welfare, leader):
    return services.network_start(network=ready_welfare, by=leader)


@pytest.fixture
def ready_learning(draft_learning):
    network = ready_to_start(draft_learning)
    add_meetings(network, 4)
    return network


@pytest.fixture
def approved_innovation(submitted_innovation, direktoer):
    network = ready_to_start(submitted_innovation)
    services.network_approve(network=network, by=direktoer)
    return fresh(network)


@pytest.fixture
def active_innovation(approved_innovation, leader):
    return services.network_start(network=approved_innovation, by=leader)


@pytest.fixture
def others_welfare(other_leader, welfare_type):
    return services.network_create(
        by=other_leader, type=welfare_type, title="Tryghed i Hyldespjældet", theme="Tryghed"
    )
