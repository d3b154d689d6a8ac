"""Browser tests: Playwright (pytest-playwright, sync API) drives Debian's Chromium against
pytest-django's live server, in Danish.

Every module here marks its tests `django_db(transaction=True)` and `needs_chromium` (they skip,
saying why, where /usr/bin/chromium is missing). The live server's thread reads
what the test commits. A transactional test ends by emptying every table, the role groups from the
migrations too, so `_database_as_after_migrate` puts them back before each test.
(`serialized_rollback` cannot: once Playwright runs, the main thread gets new connection objects,
without the copy of the database it restores from.)
"""

import datetime
import importlib
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from networks import roles, services
from networks.models import ActorCategory, MeetingStatus, ParticipantRole
from tests.e2e.support import CONTEXT_ARGS, DESKTOP, LAUNCH_ARGS, log_in
from tests.factories import PASSWORD, add_core, add_meetings, ready_to_start

HERE = Path(__file__).parent


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # The browser tests last (after pytest-django's own ordering): once Playwright has started, its
    # event loop stays in the main thread until the session ends, and the environment variable
    # below stays set; no other test should run in that state.
    items.sort(key=lambda item: item.path.is_relative_to(HERE))


@pytest.fixture(scope="session", autouse=True)
def _allow_the_orm_beside_playwrights_event_loop():
    # Playwright's sync API keeps an asyncio event loop in the main thread, so Django's guard would
    # refuse the tests' (synchronous, single-threaded) setup through the ORM. Set only for the
    # browser tests: `manage.py check --deploy` rightly refuses it in any other environment.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(autouse=True)
def _database_as_after_migrate(transactional_db):
    """The database as `migrate` leaves it: content types, permissions and the role groups with
    the administrators' permissions, as migration 0002 creates them; and nothing cached from an
    earlier test (a cache outlives the flush)."""
    for cache in caches.all():
        cache.clear()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    migration = importlib.import_module("networks.migrations.0002_role_groups")
    for name in migration.GROUPS:
        Group.objects.get_or_create(name=name)
    Group.objects.get(name=roles.ADMINISTRATORS).permissions.set(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in migration.ADMINISTRATOR_PERMISSIONS
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **LAUNCH_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **CONTEXT_ARGS}


@pytest.fixture
def site(live_server, network_types):
    """The live server's address, with the network types loaded as in production."""
    return live_server.url


@pytest.fixture
def browse(site, new_context):
    """A page in a browser of its own (addresses relative to the live server), logged in through
    the login form as `user`, or not logged in when `user` is None."""

    def _browse(user, *, viewport=DESKTOP):
        page = new_context(viewport=viewport, base_url=site).new_page()
        if user is not None:
            log_in(page, site, user.username, PASSWORD)
        return page

    return _browse


@pytest.fixture
def browse_as(browse, request):
    """`browse` for a persona named as in tests/conftest.py ("leader", …), or "anonymous"."""

    def _browse_as(persona: str, *, viewport=DESKTOP):
        return browse(None if persona == "anonymous" else request.getfixturevalue(persona), viewport=viewport)

    return _browse_as


# --- A municipality in full swing, for the page sweeps and the print tests ---------------------


@pytest.fixture
def municipality(leader, other_leader, direktoer, network_types):
    """Networks in every state the pages show, most of them with findings: a leader's welfare
    draft missing everything, an active welfare network and an active learning network (one held
    meeting with minutes), two innovation networks waiting for Direktørforum, one approved, and
    another leader's welfare network whose sprint ended without a conclusion (overdue)."""
    today = timezone.localdate()
    types = network_types
    draft = services.network_create(
        by=leader, type=types["welfare"], title="Bedre overgange fra hospital til eget hjem", theme="Sundhed"
    )

    welfare = services.network_create(
        by=leader,
        type=types["welfare"],
        title="Frivillige mod ensomhed på plejecentrene",
        theme="Frivillighed",
        sprint_start=today - datetime.timedelta(days=3),
        sprint_end=today + datetime.timedelta(days=17),
    )
    ready_to_start(welfare)
    add_core(welfare, 1, category=ActorCategory.CITIZEN, role=ParticipantRole.PERIPHERAL)
    services.network_start(network=welfare, by=leader)

    learning = services.network_create(
        by=leader,
        type=types["learning"],
        title="Hvem er de frivillige? Kortlægning og kompetencer",
        theme="Viden om frivillighed",
        planned_start=today - datetime.timedelta(days=30),
        planned_end=today + datetime.timedelta(days=152),
    )
    ready_to_start(learning)
    meetings = add_meetings(
        learning, types["learning"].min_meetings, first=today - datetime.timedelta(days=20)
    )
    services.network_start(network=learning, by=leader)
    services.meeting_update(
        meeting=meetings[0],
        by=leader,
        status=MeetingStatus.HELD,
        minutes="Vi kortlagde foreningerne i Hyldagerparken.",
        attendees=list(learning.participants.all()[:2]),
    )

    innovation_fields = {
        "type": types["innovation"],
        "theme": "Frivillighed",
        "purpose": "Tænk velfærd og frivillighed forfra.",
        "strategy_reference": "Albertslund Kommunes frivillighedspolitik",
    }
    waiting = [
        services.network_create(by=by, title=title, **innovation_fields)
        for by, title in [
            (leader, "Velfærd i samskabelse med frivillige"),
            (other_leader, "Grøn omstilling i boligområderne"),
        ]
    ]
    for network in waiting:
        add_core(network, 2)
        services.network_submit(network=network, by=network.leader)
    approved = services.network_create(by=other_leader, title="Fællesskaber for unge", **innovation_fields)
    services.network_submit(network=approved, by=other_leader)
    services.network_approve(network=approved, by=direktoer, comment="Godt gået.")

    overdue = services.network_create(
        by=other_leader,
        type=types["welfare"],
        title="Tryg hverdag i Galgebakken",
        theme="Tryghed",
        sprint_start=today - datetime.timedelta(days=40),
        sprint_end=today - datetime.timedelta(days=20),
    )
    ready_to_start(overdue)
    # Started on its sprint's first day, as a sprint must start now.
    with time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(overdue.sprint_start, datetime.time(9)))
    ):
        services.network_start(network=overdue, by=other_leader)

    return SimpleNamespace(
        draft=draft,
        welfare=welfare,
        learning=learning,
        held_meeting=meetings[0],
        waiting=waiting,
        approved=approved,
        overdue=overdue,
    )


@pytest.fixture
def pages_for(municipality):
    """`pages_for(persona)`: the pages the persona reaches in the journeys, in the states
    `municipality` puts them in."""
    return lambda persona: _pages_for(persona, municipality)


def _pages_for(persona: str, m) -> list[str]:
    if persona == "anonymous":
        return ["/accounts/login/", "/tilgaengelighed/", "/privatliv/"]
    if persona == "leader":
        welfare, learning, meeting = m.welfare.pk, m.learning.pk, m.held_meeting.pk
        participant = m.welfare.participants.first().pk
        return [
            "/",
            "/netvaerk/",
            "/netvaerk/?type=welfare&status=active",
            "/netvaerk/guide/",
            "/netvaerk/guide/?complex=nej&political=ja&citizen_near=ja&knowledge=ved_ikke",
            "/netvaerk/ny/",
            "/netvaerk/ny/?type=innovation",
            "/netvaerk/ny/?type=learning",
            f"/netvaerk/{m.draft.pk}/",
            f"/netvaerk/{m.draft.pk}/rediger/",
            f"/netvaerk/{m.draft.pk}/type/",
            f"/netvaerk/{m.draft.pk}/slet/",
            f"/netvaerk/{m.draft.pk}/moeder/planlaeg/",
            f"/netvaerk/{welfare}/",
            f"/netvaerk/{welfare}/deltagere/ny/",
            f"/netvaerk/{welfare}/deltagere/{participant}/rediger/",
            f"/netvaerk/{welfare}/deltagere/import/",
            f"/netvaerk/{welfare}/afslut/",
            f"/netvaerk/{welfare}/annuller/",
            f"/netvaerk/{learning}/",
            f"/netvaerk/{learning}/historik/",
            f"/netvaerk/{learning}/moeder/ny/",
            f"/netvaerk/{learning}/moeder/planlaeg/",
            f"/netvaerk/{learning}/moeder/{meeting}/",
            f"/netvaerk/{learning}/moeder/{meeting}/rediger/",
            f"/netvaerk/{learning}/moeder/{meeting}/referat/",
            f"/netvaerk/{learning}/afslut/",
            f"/netvaerk/{m.waiting[0].pk}/",
        ]
    if persona == "direktoer":
        cases = "&".join(f"sag={n.pk}" for n in m.waiting)
        return [
            "/",
            "/direktoerforum/",
            f"/direktoerforum/sag/{m.waiting[0].pk}/",
            f"/direktoerforum/sag/{m.approved.pk}/",
            f"/direktoerforum/dagsorden/?{cases}",
        ]
    if persona == "administrator":
        return [
            "/",
            "/netvaerk/",
            f"/netvaerk/{m.overdue.pk}/",
            "/direktoerforum/",
            "/rapporter/",
            "/rapporter/?type=welfare&status=active",
            "/rapporter/?type=ukendt&fra=2027-02-30",
        ]
    raise ValueError(persona)
