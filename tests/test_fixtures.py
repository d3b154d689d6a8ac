"""The type parameters and the demo load cleanly and tell the seed's volunteering story."""

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from networks import roles, rules
from networks.dates import add_months
from networks.models import (
    ActorCategory,
    ChangeRequest,
    ChangeRequestStatus,
    FollowUp,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    Status,
)


@pytest.fixture
def demo(db):
    call_command("loaddata", "network_types", "demo", verbosity=0)


def test_network_types_hold_the_rule_parameters(network_types):
    assert set(network_types) == {"innovation", "welfare", "learning"}
    innovation, welfare, learning = (network_types[c] for c in ("innovation", "welfare", "learning"))
    assert innovation.requires_approval and not welfare.requires_approval and not learning.requires_approval
    assert welfare.sprint_max_days == 28
    assert (learning.min_meetings, learning.max_meetings, learning.plan_months) == (4, 5, 6)
    assert innovation.plan_months == 12
    for network_type in network_types.values():
        network_type.full_clean()


def test_the_minimum_of_core_participants_comes_from_the_type(innovation_type, welfare_type, learning_type):
    # The fixture's parameters; the rule tests read them from the rows (tests/test_rules_innovation.py).
    assert (innovation_type.min_core_participants, welfare_type.min_core_participants) == (5, 3)
    assert learning_type.min_core_participants == 3


def test_loading_the_type_fixture_twice_changes_nothing(network_types):
    call_command("loaddata", "network_types", verbosity=0)
    assert NetworkType.objects.count() == 3


def test_demo_users_log_in_with_the_demo_password_and_have_their_roles(demo):
    for username in ("leder", "leder2", "direktoer", "admin"):
        assert authenticate(username=username, password="demo") is not None, username
    leader = authenticate(username="leder", password="demo")
    direktoer = authenticate(username="direktoer", password="demo")
    admin = authenticate(username="admin", password="demo")
    assert roles.is_leader(leader) and not roles.is_direktoerforum(leader)
    assert roles.is_direktoerforum(direktoer) and not roles.is_leader(direktoer)
    assert roles.is_administrator(admin) and admin.is_superuser


def test_demo_tells_the_volunteering_theme_in_each_type(demo):
    led = Network.objects.with_related().filter(leader__username="leder").exclude(status=Status.CONCLUDED)
    by_type = {n.type.code: n for n in led}
    assert set(by_type) == {"innovation", "welfare", "learning"}
    assert {n.theme for n in by_type.values()} == {"Frivillighed i Albertslund"}

    innovation = by_type["innovation"]
    assert innovation.status == Status.SUBMITTED
    assert innovation.submission_round == 1 and not innovation.decisions.exists()

    welfare = by_type["welfare"]
    assert welfare.status == Status.ACTIVE
    assert welfare.sprint_start and welfare.sprint_end
    assert welfare.participants.filter(actor_category=ActorCategory.CITIZEN).count() >= 2

    learning = by_type["learning"]
    assert learning.status == Status.ACTIVE
    assert learning.meetings.exclude(status=MeetingStatus.CANCELLED).count() == 5

    assert Network.objects.filter(leader__username="leder2").exists()


def test_demo_networks_are_valid_and_keep_the_rules(demo):
    for network in Network.objects.with_related():
        network.full_clean()
        for participant in network.participants.all():
            participant.full_clean()
        for meeting in network.meetings.all():
            meeting.full_clean()
        # Nothing in the demo breaks a rule that makes data invalid (blocks every action).
        assert [f.code for f in rules.all_findings(network) if f.blocks and not f.actions] == []


def test_demo_draft_of_the_second_leader_shows_what_it_needs_before_it_starts(demo):
    draft = Network.objects.with_related().get(leader__username="leder2", status=Status.DRAFT)
    codes = {f.code for f in rules.findings(draft)}
    assert {"mandate_not_clarified", "too_few_core_participants", "sprint_window_missing"} <= codes


# --- load_demo: the demo moved up to the day it is loaded -------------------------------------------


def _finding_codes(today: datetime.date) -> dict[str, set[str]]:
    return {n.title: {f.code for f in rules.findings(n, today=today)} for n in Network.objects.with_related()}


# What the demo shows on the day it was taken, network by network (rules.findings on 2026-11-26).
SNAPSHOT_FINDINGS = {
    "Velfærd i samskabelse med frivillige": {"approval_required"},
    "Frivillige mod ensomhed på plejecentrene": {"outcome_summary_missing", "track_outcome_missing"},
    # Halfway through its meetings: it cannot conclude before more are held and the core has committed.
    "Hvem er de frivillige? Kortlægning og kompetencer": {
        "outcome_summary_missing",
        "too_few_meetings_held",
        "commitments_missing",
    },
    "Bedre overgange fra hospital til eget hjem": {
        "mandate_not_clarified",
        "sprint_window_missing",
        "too_few_core_participants",
        "no_citizens",
        "track_plan_missing",
    },
    # Approved and running, with a change request waiting for Direktørforum.
    "Fællesskaber i boligområderne": {"outcome_summary_missing"},
    # Concluded: nothing left to act on but its follow-up, which is not a finding.
    "Frivilligkoordinatorer lærer af hinanden": set(),
}


def _load_demo_on(day: str):
    call_command("loaddata", "network_types", verbosity=0)
    call_command("load_demo", today=day, verbosity=0, stdout=io.StringIO())


def test_load_demo_moves_the_story_by_whole_weeks_to_the_day_it_is_loaded(db):
    # 2027-06-10 is 28 weeks after the snapshot (2026-11-26): every date 196 days later.
    _load_demo_on("2027-06-10")
    welfare = Network.objects.get(leader__username="leder", type__code="welfare")
    assert (welfare.sprint_start, welfare.sprint_end) == (
        datetime.date(2027, 5, 31),
        datetime.date(2027, 6, 25),
    )
    assert welfare.participants.first().joined_on == datetime.date(2027, 4, 15)
    first = welfare.meetings.order_by("starts_at").first()
    local = timezone.localtime(first.starts_at)
    # Same weekday and the same local time (13:00), although summer time began in between.
    assert (local.date(), local.time()) == (datetime.date(2027, 6, 1), datetime.time(13, 0))


@pytest.mark.parametrize("day", ["2026-11-26", "2026-12-02", "2027-06-10", "2031-01-01"])
def test_load_demo_tells_the_same_story_whatever_the_day(db, day):
    _load_demo_on(day)
    today = datetime.date.fromisoformat(day)
    welfare = Network.objects.get(leader__username="leder", type__code="welfare")
    assert welfare.sprint_start <= today <= welfare.sprint_end
    assert (welfare.sprint_end - welfare.sprint_start).days + 1 == 26
    for meeting in Meeting.objects.all():
        local_day = timezone.localtime(meeting.starts_at).date()
        if meeting.status == MeetingStatus.HELD:
            assert local_day < today, meeting.title
        else:
            assert local_day > today, meeting.title
    learning = Network.objects.get(leader__username="leder", type__code="learning", status=Status.ACTIVE)
    assert learning.planned_start <= today <= learning.planned_end
    # Every network has the same findings on the day it is loaded as the snapshot had on its day.
    assert _finding_codes(today) == SNAPSHOT_FINDINGS
    # A change request waits for Direktørforum, and a follow-up has just fallen due.
    waiting = ChangeRequest.objects.get(status=ChangeRequestStatus.PENDING)
    assert waiting.network.status == Status.ACTIVE and waiting.network.type.requires_approval
    assert waiting.previous == {"purpose": waiting.network.purpose}
    follow_up = FollowUp.objects.get()
    assert follow_up.status_on(today) == "due"
    # Three months after the (moved) day the network concluded, which lies about a week before the
    # day the demo is loaded: due whatever the day.
    concluded = timezone.localdate(follow_up.network.concluded_at)
    assert follow_up.due == add_months(concluded, follow_up.months) < today


def test_without_moving_the_dates_the_demo_goes_stale(db):
    call_command("loaddata", "network_types", "demo", verbosity=0)
    stale = _finding_codes(datetime.date(2027, 6, 10))
    assert "sprint_ended_not_concluded" in stale["Frivillige mod ensomhed på plejecentrene"]
    assert stale != SNAPSHOT_FINDINGS


def test_load_demo_twice_resets_the_demo_instead_of_moving_it_twice(db):
    _load_demo_on("2027-06-10")
    _load_demo_on("2027-06-10")
    assert Network.objects.get(leader__username="leder", type__code="welfare").sprint_start == (
        datetime.date(2027, 5, 31)
    )
    assert Network.objects.count() == 6


def test_load_demo_leaves_the_networks_people_made_themselves_alone(db):
    _load_demo_on("2027-06-10")
    own = Network.objects.create(
        title="Eget netværk",
        theme="Tema",
        type=NetworkType.objects.get(code="learning"),
        leader=User.objects.get(username="leder2"),
        planned_start=datetime.date(2027, 1, 4),
        planned_end=datetime.date(2027, 6, 30),
    )
    _load_demo_on("2027-12-09")
    own.refresh_from_db()
    assert (own.planned_start, own.planned_end) == (datetime.date(2027, 1, 4), datetime.date(2027, 6, 30))


def test_load_demo_refuses_a_malformed_date_and_a_database_without_the_types(db):
    with pytest.raises(CommandError, match="Ugyldig dato"):
        call_command("load_demo", today="10-06-2027")
    with pytest.raises(CommandError, match="netværkstyperne"):
        call_command("load_demo")
    assert Network.objects.count() == 0


def test_the_demo_shows_a_waiting_change_request_and_a_follow_up_due_on_the_pages(client, db):
    _load_demo_on(timezone.localdate().isoformat())
    client.force_login(User.objects.get(username="direktoer"))
    dashboard = client.get("/direktoerforum/").content.decode()
    assert "Fællesskaber i boligområderne" in dashboard
    change_request = ChangeRequest.objects.get()
    assert client.get(f"/direktoerforum/aendringsanmodning/{change_request.pk}/").status_code == 200
    client.force_login(User.objects.get(username="leder"))
    home = client.get("/").content.decode()
    assert "Frivilligkoordinatorer lærer af hinanden" in home
    follow_up = FollowUp.objects.get()
    page = client.get(f"/netvaerk/{follow_up.network_id}/opfoelgning/{follow_up.pk}/")
    assert page.status_code == 200 and "<form" in page.content.decode()
