"""Builders the tests share: users, participants, meetings, a network ready to start, the API's clients
and the report's known world.

Plain functions and constants, imported by the test modules (`from tests.factories import ...`); the
fixtures built from them are in the `conftest.py` of the folder that shares them. Test data is built
here in code; the JSON files in fixtures/ are the type parameters and the demo. A number a rule
depends on (the longest sprint, the meeting plan, the core minimum) is read from the type's row, so
a changed parameter breaks only tests/test_fixtures.py, which pins the fixture's values.
"""

import datetime
import threading
import zoneinfo
from dataclasses import dataclass

import time_machine
from django.contrib.auth.models import Group, User
from django.db import connections
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from networks import rules, services
from networks.dates import add_months
from networks.models import (
    ActorCategory,
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    Participant,
    ParticipantRole,
    Status,
    StatusChange,
)

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
# What make_user gives every persona (the browser tests log in with it).
PASSWORD = "pw"


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """`day` at `hour` o'clock in Copenhagen."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=COPENHAGEN)


# --- People and networks ------------------------------------------------------------------------


def make_user(username, *groups, **extra):
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


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
    """`count` two-hour meetings at 9:00, 30 days apart from `first`, straight into the database."""
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


# A welfare network's plan for each of the three tracks, and its outcome in each.
TRACK_PLANS = {
    "relational_coordination": "Et fast ugentligt møde på tværs af faggrupperne.",
    "citizen_participation": "Beboerne er med på hvert møde.",
    "innovation": "Tre små forsøg i sprinten.",
}
TRACK_OUTCOMES = {
    "relational_coordination": "Mødet fortsætter.",
    "citizen_participation": "Beboerne valgte forsøget.",
    "innovation": "Ét forsøg er gjort til fast praksis.",
}


def ready_to_start(network):
    """Mandate clarified and enough core participants: the setup every type needs before it starts
    (and a plan for each track, which only a welfare network's rules read)."""
    Network.objects.filter(pk=network.pk).update(
        mandate_clarified=True, mandate="Aftalt med chefen", track_plans=TRACK_PLANS
    )
    add_core(network, network.type.min_core_participants)
    network.refresh_from_db()
    return network


SPRINT_START = datetime.date(2027, 3, 1)


def sprint_of(days: int, start: datetime.date = SPRINT_START) -> dict[str, datetime.date]:
    """A sprint window of `days` calendar days from `start` (first and last day counted), as the
    fields a network takes: `sprint_of(welfare_type.sprint_max_days)` is the longest allowed."""
    return {"sprint_start": start, "sprint_end": start + datetime.timedelta(days=days - 1)}


def plan_end(type_, start: datetime.date, days_off: int = 0) -> datetime.date:
    """The end of a plan from `start` that is the type's `plan_months` long, moved by `days_off` days."""
    return add_months(start, type_.plan_months) + datetime.timedelta(days=days_off)


# The edges of a plan's length around the type's months, for `plan_end(..., days_off=direction *
# (duration_tolerance_days + past_the_tolerance))`: (direction, past_the_tolerance, warns).
PLAN_EDGES = [(0, 0, False), (1, 0, False), (1, 1, True), (-1, 0, False), (-1, 1, True)]
PLAN_EDGE_IDS = [
    "exactly_plan_months",
    "late_by_the_tolerance",
    "a_day_later",
    "early_by_the_tolerance",
    "a_day_earlier",
]


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- The API ------------------------------------------------------------------------------------


def api_url(path: str) -> str:
    return f"/api/v1/{path}"


def as_user(user) -> APIClient:
    """A client that authenticates the way an integration does: `Authorization: Token …`."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def fresh(network: Network) -> Network:
    return Network.objects.get(pk=network.pk)


# --- Direktørforum's agenda ---------------------------------------------------------------------

DIREKTOERFORUM_URL = "/direktoerforum/"
AGENDA_URL = "/direktoerforum/dagsorden/"
PICK_ONE_CASE = "Vælg mindst én ventende sag til dagsordenen."


def admin_inline_forms() -> dict[str, int]:
    """The management forms of every inline on the admin's network page, all empty: a POST that
    changes only the network's own fields."""
    from django.contrib import admin

    from networks.admin import NetworkAdmin

    prefixes = [
        inline.model._meta.get_field(inline.fk_name or "network").remote_field.related_name
        for inline in (inline_class(Network, admin.site) for inline_class in NetworkAdmin.inlines)
    ]
    return {f"{prefix}-{count}": 0 for prefix in prefixes for count in ("TOTAL_FORMS", "INITIAL_FORMS")}


def agenda_query(*ids) -> str:
    return "?" + "&".join(f"sag={i}" for i in ids)


def get_on(client, time_machine, user, path, day=datetime.date(2027, 1, 20)):
    """`path` as `user` at noon on `day` (logged in after the clock is set, so the session is fresh)."""
    time_machine.move_to(at(day, 12), tick=False)
    client.force_login(user)
    return client.get(path)


# --- The report's known world -------------------------------------------------------------------
#
# Built straight into the database with explicit dates — set-up data, not the behaviour under test —
# and asked "as of" REPORT_DAY, so the figure, page and export tests agree on every number.

REPORT_DAY = datetime.date(2027, 3, 15)
CREATED = datetime.date(2026, 9, 1)  # when the world's networks were registered, unless said otherwise
# The type parameters the world's answers were worked out for (a 28-day sprint is "exactly the
# longest", 3 meetings too few, 5 the most, a plan of 11½ months far from 6). The world sets them on
# the rows, so the report tests test the report, not the numbers in fixtures/network_types.json.
WORLD_PARAMETERS = {
    "welfare": {"sprint_max_days": 28},
    "learning": {"min_meetings": 4, "max_meetings": 5, "plan_months": 6, "duration_tolerance_days": 31},
}


def make_network(type_, leader, title, *, status, started=None, concluded=None, created=CREATED, **fields):
    network = Network.objects.create(
        type=type_,
        leader=leader,
        title=title,
        theme="Frivillighed",
        status=status,
        started_at=at(started) if started else None,
        concluded_at=at(concluded) if concluded else None,
        mandate_clarified=True,
        **fields,
    )
    Network.objects.filter(pk=network.pk).update(created_at=at(created))
    return network


def change_status(network, to_status, day, by):
    change = StatusChange.objects.create(network=network, to_status=to_status, changed_by=by)
    StatusChange.objects.filter(pk=change.pk).update(changed_at=at(day))


def decide(network, round_, outcome, day, by):
    # Decisions can never be changed, not even in bulk: the clock is set when one is recorded.
    with time_machine.travel(at(day), tick=False):
        Decision.objects.create(
            network=network,
            round=round_,
            outcome=outcome,
            comment="" if outcome == DecisionOutcome.APPROVED else "Begrundelse",
            decided_by=by,
        )


def person(
    network,
    name,
    email="",
    *,
    category=ActorCategory.EMPLOYEE,
    role=ParticipantRole.CORE,
    organisation="",
    **dates,
):
    return Participant.objects.create(
        network=network,
        name=name,
        email=email,
        actor_category=category,
        role=role,
        organisation=organisation,
        **dates,
    )


def meeting(network, day, status=MeetingStatus.HELD, attendees=()):
    held = Meeting.objects.create(
        network=network, title=f"Møde {day:%d.%m.%Y}", starts_at=at(day, 9), status=status
    )
    held.attendees.set(attendees)
    return held


@dataclass
class World:
    types: dict
    w1: Network  # welfare, active, sprint ended five days ago
    w2: Network  # welfare, concluded, a sprint of exactly 28 days
    w3: Network  # welfare, concluded, a sprint of 30 days and no outcome
    w4: Network  # welfare draft, planned end today (not overdue)
    c1: Network  # welfare, cancelled in 2026
    l1: Network  # learning, active, one cancelled meeting among five
    l2: Network  # learning, active, planned end yesterday, three meetings
    l3: Network  # learning, concluded, a plan of about eleven and a half months
    i1: Network  # innovation, approved before it started
    i2: Network  # innovation, started before it was approved
    i3: Network  # innovation, changes requested, then rejected
    i4: Network  # innovation, waiting for Direktørforum


def build_known_world(leader, other_leader, direktoer) -> World:
    for code, parameters in WORLD_PARAMETERS.items():
        NetworkType.objects.filter(code=code).update(**parameters)
    types = {t.code: t for t in NetworkType.objects.all()}
    welfare, learning, innovation = types["welfare"], types["learning"], types["innovation"]
    D, PERIPHERAL = datetime.date, ParticipantRole.PERIPHERAL

    w1 = make_network(
        welfare, leader, "Sprint der er slut", status=Status.ACTIVE, started=D(2027, 2, 15),
        sprint_start=D(2027, 2, 15), sprint_end=D(2027, 3, 10),
    )  # fmt: skip
    w2 = make_network(
        welfare, other_leader, "Sprint til tiden", status=Status.CONCLUDED, started=D(2027, 1, 4),
        concluded=D(2027, 2, 2), sprint_start=D(2027, 1, 4), sprint_end=D(2027, 1, 31),
        outcome_summary="Nye løsninger i plejen.",
    )  # fmt: skip
    # Created past the model's validation: as if the sprint limit was lowered after it ran.
    w3 = make_network(
        welfare, leader, "For lang sprint", status=Status.CONCLUDED, started=D(2027, 1, 1),
        concluded=D(2027, 2, 10), sprint_start=D(2027, 1, 1), sprint_end=D(2027, 1, 30),
        outcome_summary="   ",
    )  # fmt: skip
    w4 = make_network(welfare, other_leader, "Velfærdskladde", status=Status.DRAFT, planned_end=REPORT_DAY)
    c1 = make_network(welfare, leader, "Annulleret sprint", status=Status.CANCELLED, created=D(2026, 5, 1))
    change_status(c1, Status.CANCELLED, D(2026, 6, 1), leader)

    l1 = make_network(
        learning, leader, "Stabil kerne", status=Status.ACTIVE, started=D(2026, 10, 1),
        planned_start=D(2026, 10, 1), planned_end=D(2027, 3, 31),
    )  # fmt: skip
    l2 = make_network(
        learning, other_leader, "Få møder", status=Status.ACTIVE, started=D(2026, 9, 14),
        planned_start=D(2026, 9, 14), planned_end=D(2027, 3, 14),
    )  # fmt: skip
    l3 = make_network(
        learning, leader, "Lang plan", status=Status.CONCLUDED, started=D(2026, 1, 5),
        concluded=D(2026, 12, 22), planned_start=D(2026, 1, 5), planned_end=D(2026, 12, 20),
        outcome_summary="Viden, vi bruger.", created=D(2025, 12, 1),
    )  # fmt: skip

    i1 = make_network(innovation, leader, "Godkendt først", status=Status.ACTIVE, started=D(2027, 1, 10))
    change_status(i1, Status.SUBMITTED, D(2026, 12, 1), leader)
    decide(i1, 1, DecisionOutcome.APPROVED, D(2026, 12, 10), direktoer)  # 9 days
    i2 = make_network(
        innovation, other_leader, "Startet før godkendelse", status=Status.ACTIVE, started=D(2027, 2, 1)
    )
    change_status(i2, Status.SUBMITTED, D(2027, 1, 20), other_leader)
    decide(i2, 1, DecisionOutcome.APPROVED, D(2027, 2, 3), direktoer)  # 14 days
    i3 = make_network(innovation, leader, "Afvist i anden runde", status=Status.REJECTED)
    change_status(i3, Status.SUBMITTED, D(2027, 1, 2), leader)
    decide(i3, 1, DecisionOutcome.CHANGES_REQUESTED, D(2027, 1, 5), direktoer)  # 3 days
    change_status(i3, Status.SUBMITTED, D(2027, 1, 10), leader)
    decide(i3, 2, DecisionOutcome.REJECTED, D(2027, 2, 9), direktoer)  # 30 days
    change_status(i3, Status.REJECTED, D(2027, 2, 9), direktoer)
    i4 = make_network(innovation, other_leader, "Venter", status=Status.SUBMITTED)
    change_status(i4, Status.SUBMITTED, D(2027, 3, 1), other_leader)

    # One person in three networks, with the email capitalised three ways.
    volunteer = {"category": ActorCategory.VOLUNTEER}
    mette_w1 = person(
        w1, "Mette Frivillig", "Mette@Example.dk", organisation="Frivilligcenter Albertslund", **volunteer
    )
    anna = person(w1, "Anna Borger", category=ActorCategory.CITIZEN)
    person(w1, "Bent Borger", category=ActorCategory.CITIZEN, role=PERIPHERAL)
    person(w1, "Quinn Medarbejder", "Q@kommune.dk", organisation="Albertslund Kommune")
    person(w2, "Søren Sosu", "soren@kommune.dk", organisation="Albertslund Kommune")
    alma = person(l1, "Alma", "a@kommune.dk", organisation="Albertslund Kommune")
    bo = person(l1, "Bo", "b@kommune.dk", organisation="Albertslund Kommune")
    cai = person(l1, "Cai", "c@kommune.dk", organisation="Albertslund Kommune")
    dina = person(
        l1, "Dina", "d@uni.example.dk", category=ActorCategory.EXPERT, role=PERIPHERAL,
        organisation="Københavns Universitet",
    )  # fmt: skip
    person(
        l1,
        "Mette Frivillig",
        "mette@example.dk",
        role=PERIPHERAL,
        organisation="Frivilligcenter Albertslund",
        **volunteer,
    )
    per = person(l2, "Per", "p@kommune.dk", organisation="Albertslund Kommune")
    quinn = person(
        l2, "Quinn Medarbejder", "q@kommune.dk", organisation="Albertslund Kommune", left_on=D(2026, 11, 15)
    )
    person(l2, "Rikke", "r@kommune.dk", organisation="Albertslund Kommune", joined_on=D(2026, 11, 1))
    person(l2, "Bo", "B@Kommune.dk", role=PERIPHERAL, organisation="Albertslund Kommune")
    person(
        i1, "Mette Frivillig", "METTE@EXAMPLE.DK", role=PERIPHERAL,
        organisation="FRIVILLIGCENTER ALBERTSLUND ", **volunteer,
    )  # fmt: skip
    person(i1, "Pia Politiker", category=ActorCategory.POLITICIAN)

    meeting(w1, D(2027, 2, 20), attendees=[mette_w1, anna])
    meeting(l1, D(2026, 10, 8), attendees=[alma, bo, cai, dina])
    meeting(l1, D(2026, 11, 12), attendees=[alma, bo])
    meeting(l1, D(2026, 12, 10), MeetingStatus.CANCELLED)
    meeting(l1, D(2027, 1, 14), attendees=[alma, bo, cai])
    meeting(l1, D(2027, 4, 8), MeetingStatus.PLANNED)
    meeting(l2, D(2026, 9, 20), attendees=[per, quinn])
    meeting(l2, D(2026, 12, 1), attendees=[per])
    meeting(l2, D(2027, 2, 1), MeetingStatus.PLANNED)
    for month in (2, 4, 6, 8, 10):
        meeting(l3, D(2026, month, 3), MeetingStatus.PLANNED)

    return World(types, w1, w2, w3, w4, c1, l1, l2, l3, i1, i2, i3, i4)


def add_networks(count, types, leader, other_leader, direktoer):
    """`count` more networks of every type, each with participants, meetings, attendance and decisions."""
    for index in range(count):
        day = datetime.date(2026, 10, 1) + datetime.timedelta(days=index)
        welfare = make_network(
            types["welfare"], leader, f"Velfærd {index}", status=Status.ACTIVE, started=day,
            sprint_start=day, sprint_end=day + datetime.timedelta(days=20),
        )  # fmt: skip
        learning = make_network(
            types["learning"], other_leader, f"Læring {index}", status=Status.CONCLUDED, started=day,
            concluded=day + datetime.timedelta(days=150), planned_start=day,
            planned_end=day + datetime.timedelta(days=180), outcome_summary="Viden",
        )  # fmt: skip
        innovation = make_network(
            types["innovation"], leader, f"Innovation {index}", status=Status.ACTIVE, started=day
        )
        change_status(innovation, Status.SUBMITTED, day - datetime.timedelta(days=10), leader)
        decide(innovation, 1, "approved", day - datetime.timedelta(days=2), direktoer)
        for network in (welfare, learning, innovation):
            core = [
                person(
                    network, f"Kerne {index}.{n}", f"kerne{n}@example.dk", organisation="Albertslund Kommune"
                )
                for n in range(3)
            ]
            person(network, "Borger", category=ActorCategory.CITIZEN)
            meeting(network, day + datetime.timedelta(days=3), attendees=core)
            meeting(network, day + datetime.timedelta(days=9), MeetingStatus.CANCELLED)


# --- Change requests ----------------------------------------------------------------------------

PLANNED_START = datetime.date(2027, 3, 1)


def approved_innovation_with_plan(leader, direktoer, innovation_type, title="Velfærd med frivillige"):
    """An innovation network Direktørforum has approved, with a planned period of the type's
    `plan_months` from PLANNED_START: the content a change request is about."""
    network = services.network_create(
        by=leader,
        type=innovation_type,
        title=title,
        theme="Frivillighed",
        purpose="Tænk velfærd og frivillighed forfra.",
        strategy_reference="Albertslund Kommunes frivillighedspolitik",
        planned_start=PLANNED_START,
        planned_end=plan_end(innovation_type, PLANNED_START),
    )
    network = ready_to_start(network)
    services.network_submit(network=network, by=leader)
    services.network_approve(network=network, by=direktoer)
    return fresh(network)


# --- Follow-ups ---------------------------------------------------------------------------------


def conclude_on(clock, network, day: datetime.date, *, outcome="Nye besøgsvenner på plejecentret."):
    """Conclude an active network at 10:00 in Copenhagen on `day` (its follow-ups count from that
    day), with `clock` the test's `time_machine`; it stays there: move it on to the day a test is about."""
    clock.move_to(at(day), tick=False)
    return services.network_conclude(
        network=network, by=network.leader, outcome_summary=outcome, **outcomes_per_track(network)
    )


def outcomes_per_track(network) -> dict:
    """The outcome per track where the type asks for one (welfare), as `network_conclude` takes it."""
    return (
        {"track_outcomes": TRACK_OUTCOMES}
        if "track_plans" in rules.spec_for(network.type).form_fields
        else {}
    )


# --- Two people at once -------------------------------------------------------------------------

RACE_TIMEOUT = 30  # seconds; a thread still running after this is a deadlock, not a slow machine


def meet_past_the_page_checks(monkeypatch, transaction_function: str) -> None:
    """Hold two requests until both have passed the page's checks, the tightest interleaving of two
    decisions on one row; `transaction_function` names the service's `@transaction.atomic` helper.

    On PostgreSQL they meet inside their transactions, just before the row lock (`_locked`), so
    only the lock stands between them. On SQLite a transaction takes the database's one write lock
    at BEGIN (IMMEDIATE, docs/drift.md): the second cannot begin while the first waits inside, so
    they meet just before their transactions instead, and only that lock stands between them."""
    meet = threading.Barrier(2)
    name = "_locked" if connections["default"].vendor == "postgresql" else transaction_function
    original = getattr(services, name)

    def together(*args, **kwargs):
        meet.wait(timeout=RACE_TIMEOUT)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, name, together)


def post_at_once(url, posts):
    """POST each (user, data) from its own Client in its own thread, released together by a barrier;
    the final page (after the redirect) per user, or the exception a thread raised."""
    clients = []
    for user, _data in posts:
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(posts))
    results = [None] * len(posts)

    def run(index):
        try:
            barrier.wait(timeout=RACE_TIMEOUT)
            results[index] = clients[index].post(url, posts[index][1], follow=True)
        except Exception as exc:  # reported by the assertions below, not swallowed
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a request did not finish: deadlock?"
    return results
