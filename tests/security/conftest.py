"""Shared by the security and reliability tests: the personas of the access matrix, a network for
them to aim at, a CSRF token the test client can send, and the figures the tests report.

The figures (matrix size, inputs tried, ...) are printed at the end of the run; with
RELIABILITY_FIGURES=1 (as .ci/run sets it) they are also written into docs/RELIABILITY.md.
"""

import datetime
import os

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from networks import roles, services
from networks.models import Status
from tests.conftest import add_core, add_meetings, make_user, ready_to_start
from tests.security import figures


def routes_and_views(patterns=None, prefix=""):
    """Every URL pattern of the project as (route, view callback), includes flattened."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes_and_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def row_counts() -> dict[str, int]:
    """Rows per table the app, its users and its admin log write: equal before and after = nothing saved."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ("networks", "auth", "authtoken")
        or model._meta.db_table == "django_admin_log"
    }


def fuzz_settings(examples: int) -> hypothesis_settings:
    """The same, repeatable fuzzing for forms and the API: fixed examples, no deadline, no example
    database (the suite runs in fresh clones)."""
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
        derandomize=True,
        database=None,
    )


# Who the matrix asks, in the order its table lists them.
ROLES = ("anonymous", "leader", "other_leader", "direktoer", "administrator", "deactivated")
# A CSRF secret the client sends both as the cookie and in the form (or the X-CSRFToken header).
CSRF_TOKEN = "a" * 32


@pytest.fixture
def deactivated(db):
    """A former superuser and administrator whose account has been deactivated: nothing is left."""
    return make_user(
        "tidligere", roles.ADMINISTRATORS, roles.LEADERS, is_staff=True, is_superuser=True, is_active=False
    )


@pytest.fixture
def world(leader, other_leader, direktoer, administrator, deactivated, innovation_type, welfare_type):
    """The leader's approved innovation network (Direktørforum sees it, the other leader does not),
    with participants, meetings and a decision; the other leader's own draft."""
    network = services.network_create(
        by=leader,
        type=innovation_type,
        title="Velfærd med frivillige",
        theme="Frivillighed",
        purpose="Tænk velfærd og frivillighed forfra.",
        strategy_reference="Frivillighedspolitikken",
    )
    network = services.network_submit(network=network, by=leader)
    network = ready_to_start(network)
    add_core(network, 2)
    services.network_approve(network=network, by=direktoer, comment="")
    network.refresh_from_db()
    assert network.status == Status.APPROVED
    meetings = add_meetings(network, 2, first=datetime.date(2027, 2, 1))
    meetings[0].attendees.set(network.participants.all()[:2])
    others = services.network_create(by=other_leader, type=welfare_type, title="Tryghed", theme="Tryghed")
    return {
        "network": network,
        "participant": network.participants.order_by("pk").first(),
        "meeting": meetings[0],
        "others": others,
        "users": {
            "leader": leader,
            "other_leader": other_leader,
            "direktoer": direktoer,
            "administrator": administrator,
            "deactivated": deactivated,
        },
    }


def client_as(world, role: str, *, csrf: bool = True) -> Client:
    """A client that enforces CSRF like a browser, logged in as `role`, with a CSRF cookie if asked."""
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        client.force_login(world["users"][role])
    if csrf:
        client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
    return client


class WriteWatch:
    """Records every statement that would change the database while it is active."""

    WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "TRUNCATE")

    def __init__(self):
        self.writes: list[str] = []
        # A database cache (settings.CACHES) is a cache, not the app's data.
        self.ignored = [
            cache["LOCATION"]
            for cache in settings.CACHES.values()
            if cache["BACKEND"].endswith("DatabaseCache")
        ]

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(self.WRITES) and not any(
            f'"{table}"' in sql or f" {table} " in sql for table in self.ignored
        ):
            self.writes.append(sql[:200])
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = figures.summary_lines()
    if not lines:
        return
    terminalreporter.section("reliability figures")
    for line in lines:
        terminalreporter.write_line(line)
    if os.environ.get("RELIABILITY_FIGURES") == "1" and exitstatus == 0:
        engine = connection.vendor
        figures.write_section(f"tests-{engine}", figures.markdown(engine))
