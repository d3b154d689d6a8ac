"""Personas and builders shared by the tests.

Test data is built here in code; the JSON files in fixtures/ are the type parameters and the demo.
"""

import datetime
import os
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import override_settings

from networks import roles, services
from networks.models import (
    ActorCategory,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    Participant,
    ParticipantRole,
)

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")


def pytest_collection_modifyitems(config, items):
    # Tests marked postgres skip, with a visible reason, when the suite runs on SQLite.
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (make test-postgres)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # Where the environment promises every dependency (NO_SKIPS=1, as CI sets on PostgreSQL),
    # a skipped test is a failure: it would hide a test that never ran.
    if os.environ.get("NO_SKIPS") == "1" and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line("NO_SKIPS=1 but tests were skipped; failing the run.", red=True)
        terminalreporter._session.exitstatus = 1


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # A test database of its own per run on PostgreSQL, so two suites on one server
    # (a developer's and a helper script's) never drop each other's database.
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("TEST", {})["NAME"] = f"test_{database['NAME']}_{os.getpid()}"


@pytest.fixture(autouse=True, scope="session")
def _test_settings():
    # Production serves hashed files from collectstatic's manifest; tests render pages without
    # running collectstatic first (tests/test_static.py proves the manifest build separately).
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_AUTOREFRESH=True,
        # A fast hasher for the many users tests create; PBKDF2 stays so the demo's passwords check.
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ],
    ):
        yield


@pytest.fixture
def network_types(db):
    call_command("loaddata", "network_types", verbosity=0)
    return {t.code: t for t in NetworkType.objects.all()}


@pytest.fixture
def innovation_type(network_types):
    return network_types["innovation"]


@pytest.fixture
def welfare_type(network_types):
    return network_types["welfare"]


@pytest.fixture
def learning_type(network_types):
    return network_types["learning"]


def make_user(username, *groups, **extra):
    user = User.objects.create_user(username=username, password="pw", **extra)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def leader(db):
    return make_user("leder", roles.LEADERS, first_name="Lene", last_name="Leder")


@pytest.fixture
def other_leader(db):
    return make_user("leder2", roles.LEADERS, first_name="Ole", last_name="Anden")


@pytest.fixture
def direktoer(db):
    return make_user("direktoer", roles.DIREKTOERFORUM, first_name="Dorte", last_name="Direktør")


@pytest.fixture
def direktoer2(db):
    return make_user("direktoer2", roles.DIREKTOERFORUM, first_name="Dan", last_name="Direktør")


@pytest.fixture
def administrator(db):
    return make_user("administrator", roles.ADMINISTRATORS, is_staff=True)


@pytest.fixture
def outsider(db):
    return make_user("udenfor")


def add_core(network, count, *, category=ActorCategory.EMPLOYEE, role=ParticipantRole.CORE):
    """Participants straight into the database: setup data for tests, not the behaviour under test."""
    start = network.participants.count()
    return [
        Participant.objects.create(
            network=network,
            name=f"Deltager {start + i}",
            email=f"deltager{start + i}@example.dk",
            actor_category=category,
            role=role,
        )
        for i in range(count)
    ]


def add_meetings(network, count, *, status=MeetingStatus.PLANNED, first=datetime.date(2027, 1, 10)):
    from django.utils import timezone

    meetings = []
    for i in range(count):
        day = first + datetime.timedelta(days=30 * i)
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        meetings.append(
            Meeting.objects.create(
                network=network,
                title=f"Netværksmøde {i + 1}",
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                status=status,
            )
        )
    return meetings


@pytest.fixture
def draft_welfare(leader, welfare_type):
    return services.network_create(
        by=leader, type=welfare_type, title="Frivillige mod ensomhed", theme="Frivillighed"
    )


@pytest.fixture
def draft_learning(leader, learning_type):
    return services.network_create(
        by=leader, type=learning_type, title="Hvem er de frivillige?", theme="Frivillighed"
    )


@pytest.fixture
def draft_innovation(leader, innovation_type):
    return services.network_create(
        by=leader,
        type=innovation_type,
        title="Velfærd med frivillige",
        theme="Frivillighed",
        purpose="Tænk velfærd og frivillighed forfra.",
        strategy_reference="Albertslund Kommunes frivillighedspolitik",
    )


@pytest.fixture
def submitted_innovation(draft_innovation, leader):
    return services.network_submit(network=draft_innovation, by=leader)


@pytest.fixture
def submit_on(time_machine, leader, innovation_type):
    """Create and submit an innovation network with the clock at 10:00 (Copenhagen) on `day`."""

    def submit(title, day, **fields):
        time_machine.move_to(datetime.datetime.combine(day, datetime.time(10), tzinfo=COPENHAGEN), tick=False)
        network = services.network_create(
            by=leader,
            type=innovation_type,
            title=title,
            theme=f"Tema: {title}",
            purpose=fields.pop("purpose", f"Formål: {title}"),
            strategy_reference="Albertslund Kommunes frivillighedspolitik",
            **fields,
        )
        return services.network_submit(network=network, by=leader)

    return submit


@pytest.fixture
def decided_case(leader, direktoer, innovation_type):
    """An innovation network Direktørforum has approved: no longer on any agenda."""
    approved = ready_to_start(
        services.network_create(
            by=leader,
            type=innovation_type,
            title="Godkendt sag",
            theme="Frivillighed",
            purpose="Et formål.",
            strategy_reference="En strategi",
        )
    )
    services.network_submit(network=approved, by=leader)
    return services.network_approve(network=approved, by=direktoer)


def ready_to_start(network):
    """Mandate clarified and enough core participants: the setup every type needs before it starts."""
    Network.objects.filter(pk=network.pk).update(mandate_clarified=True, mandate="Aftalt med chefen")
    add_core(network, network.type.min_core_participants)
    network.refresh_from_db()
    return network


# --- For the page tests -----------------------------------------------------------------------


@pytest.fixture
def login(client, request, db):
    """Log the test client in as a persona named by its fixture; "anonymous" stays logged out.

    Asks for `db` itself: the personas are fetched by name at run time, so pytest-django could not
    otherwise see that the test uses the database, and would run it after the tests that flush it
    (and with it the role groups the migrations made)."""

    def _login(persona: str):
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return _login


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
