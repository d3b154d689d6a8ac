"""The fixtures every test folder shares: the type rows, the personas, networks of each type in the
states many tests start from, and the report's known world.

The builders they use are plain functions in tests/factories.py, which test modules import too; test
data is built in code; the JSON files in fixtures/ are the type parameters and the demo.
"""

import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from networks import roles, services
from networks.models import NetworkType
from tests.factories import (
    REPORT_DAY,
    add_meetings,
    at,
    build_known_world,
    fresh,
    make_user,
    ready_to_start,
    sprint_of,
)

# Whether this run collected a test marked `concurrent` (threads, each with its own connection).
RUNS_CONCURRENT_TESTS = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config, items):
    config.stash[RUNS_CONCURRENT_TESTS] = any("concurrent" in item.keywords for item in items)
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
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        # A test database of its own per run on PostgreSQL, so two suites on one server
        # (a developer's and a helper script's) never drop each other's database.
        database.setdefault("TEST", {})["NAME"] = f"test_{database['NAME']}_{os.getpid()}"
    elif request.config.stash.get(RUNS_CONCURRENT_TESTS, False):
        # SQLite's test database is in memory, where threads share one cache and a blocked writer
        # fails at once ("database table is locked") instead of waiting for the lock. The
        # concurrent tests need what the app has in production: a file, its lock and its busy
        # timeout. One file per process (per xdist worker); Django deletes it afterwards. In
        # /dev/shm where there is one: a file on a memory-backed disk runs the rest of the suite as
        # fast as the in-memory database (on a real disk, about 40 % slower). Runs without a
        # concurrent test keep the in-memory database.
        shared_memory = Path("/dev/shm")
        directory = shared_memory if shared_memory.is_dir() else Path(tempfile.gettempdir())
        name = directory / f"netvaerk-test-{os.getpid()}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


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
def emails(leader, direktoer, direktoer2):
    """Addresses for the leader and two Direktørforum members, for the tests of what they are sent."""
    for user, address in (
        (leader, "lene@albertslund.dk"),
        (direktoer, "dorte@albertslund.dk"),
        (direktoer2, "dan@albertslund.dk"),
    ):
        user.email = address
        user.save(update_fields=["email"])


@pytest.fixture
def administrator(db):
    return make_user("administrator", roles.ADMINISTRATORS, is_staff=True)


@pytest.fixture
def outsider(db):
    return make_user("udenfor")


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
        time_machine.move_to(at(day), tick=False)
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
def approved_innovation(submitted_innovation, direktoer):
    network = ready_to_start(submitted_innovation)
    services.network_approve(network=network, by=direktoer)
    return fresh(network)


@pytest.fixture
def active_innovation(approved_innovation, leader):
    return services.network_start(network=approved_innovation, by=leader)


@pytest.fixture
def ready_welfare(draft_welfare, leader, welfare_type):
    """Ready to start, with the longest sprint the type allows (from 1 March 2027)."""
    return services.network_update(
        network=ready_to_start(draft_welfare), by=leader, **sprint_of(welfare_type.sprint_max_days)
    )


@pytest.fixture
def active_welfare(ready_welfare, leader):
    return services.network_start(network=ready_welfare, by=leader)


@pytest.fixture
def ready_learning(draft_learning, learning_type):
    """Ready to start, with the fewest meetings the type allows."""
    network = ready_to_start(draft_learning)
    add_meetings(network, learning_type.min_meetings)
    return network


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


# --- The report's known world (tests/factories.py builds it) ----------------------------------


@pytest.fixture
def world(network_types, leader, other_leader, direktoer):
    return build_known_world(leader, other_leader, direktoer)


@pytest.fixture
def on_the_day(time_machine):
    """The clock at noon on the report's day; log in after this, so the session is fresh then."""
    time_machine.move_to(at(REPORT_DAY, 12), tick=False)


@pytest.fixture
def report_client(client, on_the_day, administrator):
    """The test client, logged in as the administrator on the report's day."""
    client.force_login(administrator)
    return client
