"""Welfare networks: the sprint window (at most the type's `sprint_max_days`, end after start), setup
before the sprint, citizens involved, meetings inside the sprint, and a reminder when the sprint is over.

The sprint starts on 1 March 2027; its last allowed day is read from the type's row (`last_day`)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from networks import rules, services
from networks.models import (
    ActorCategory,
    Meeting,
    MeetingStatus,
    Network,
    ParticipantRole,
    Status,
)
from tests.factories import add_core, ready_to_start, sprint_of

# Every test here uses the database; declared so pytest-django orders them before transactional tests.
pytestmark = pytest.mark.django_db

MARCH_1 = datetime.date(2027, 3, 1)
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture
def last_day(welfare_type):
    """The last day of the longest sprint the type allows from 1 March 2027."""
    return sprint_of(welfare_type.sprint_max_days, MARCH_1)["sprint_end"]


@pytest.fixture
def day_after(last_day):
    """The first day after that sprint: one day too long for a sprint from 1 March."""
    return last_day + ONE_DAY


def codes(found):
    return [finding.code for finding in found]


def force_sprint(network, start, end):
    """Store a sprint window without validation: data that slipped past the forms (or an older rule)."""
    Network.objects.filter(pk=network.pk).update(sprint_start=start, sprint_end=end)
    network.refresh_from_db()
    return network


def march_sprint(network, leader):
    """The longest sprint the type allows from 1 March 2027, set the way the leader sets it."""
    return services.network_update(
        network=network, by=leader, **sprint_of(network.type.sprint_max_days, MARCH_1)
    )


def meeting_at(network, day, hour, minute=0, *, status=MeetingStatus.PLANNED):
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return Meeting.objects.create(network=network, title="Sprintmøde", starts_at=starts, status=status)


# --- The sprint window ------------------------------------------------------------------------


def test_a_sprint_of_the_types_maximum_length_is_allowed(draft_welfare, leader, last_day):
    network = services.network_update(
        network=draft_welfare, by=leader, sprint_start=MARCH_1, sprint_end=last_day
    )

    network.full_clean()
    network.refresh_from_db()
    assert (network.sprint_start, network.sprint_end) == (MARCH_1, last_day)
    found = codes(rules.all_findings(network))
    assert "sprint_too_long" not in found
    assert "sprint_end_not_after_start" not in found
    assert "sprint_window_missing" not in found


def test_a_sprint_one_day_over_the_maximum_is_refused_on_the_sprint_end_field(
    draft_welfare, welfare_type, last_day, day_after
):
    draft_welfare.sprint_start, draft_welfare.sprint_end = MARCH_1, day_after

    with pytest.raises(ValidationError) as excinfo:
        draft_welfare.full_clean()

    most = welfare_type.sprint_max_days
    assert excinfo.value.message_dict["sprint_end"] == [
        f"Sprinten må højst vare {most} dage, første og sidste dag medregnet; den valgte varer "
        f"{most + 1} dage. Flyt den sidste dag til senest {last_day:%d.%m.%Y}."
    ]


def test_a_sprint_one_day_over_the_maximum_is_not_saved_by_network_update(draft_welfare, leader, day_after):
    with pytest.raises(ValidationError) as excinfo:
        services.network_update(network=draft_welfare, by=leader, sprint_start=MARCH_1, sprint_end=day_after)

    assert "sprint_end" in excinfo.value.message_dict
    draft_welfare.refresh_from_db()
    assert (draft_welfare.sprint_start, draft_welfare.sprint_end) == (None, None)


def test_a_sprint_one_day_over_the_maximum_blocks_start(draft_welfare, leader, day_after):
    network = force_sprint(ready_to_start(draft_welfare), MARCH_1, day_after)

    assert codes(rules.blocking(network, rules.Action.START)) == ["sprint_too_long"]
    with pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=network, by=leader)

    assert excinfo.value.code == "blocked"
    assert codes(excinfo.value.findings) == ["sprint_too_long"]
    network.refresh_from_db()
    assert network.status == Status.DRAFT


@pytest.mark.parametrize(
    "end",
    [MARCH_1, datetime.date(2027, 2, 28)],
    ids=["end_on_the_first_day", "end_before_the_first_day"],
)
def test_sprint_that_does_not_end_after_it_starts_is_refused(draft_welfare, end):
    draft_welfare.sprint_start, draft_welfare.sprint_end = MARCH_1, end

    with pytest.raises(ValidationError) as excinfo:
        draft_welfare.full_clean()

    assert excinfo.value.message_dict["sprint_end"] == ["Sprintens sidste dag skal ligge efter den første."]
    found = rules.all_findings(draft_welfare)
    assert "sprint_end_not_after_start" in codes(found)
    assert "sprint_too_long" not in codes(found)


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, None), (MARCH_1, None), (None, datetime.date(2027, 3, 20))],
    ids=["no_window", "no_last_day", "no_first_day"],
)
def test_missing_sprint_window_blocks_start(draft_welfare, leader, start, end):
    network = services.network_update(
        network=ready_to_start(draft_welfare), by=leader, sprint_start=start, sprint_end=end
    )

    with pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=network, by=leader)

    assert excinfo.value.code == "blocked"
    assert codes(excinfo.value.findings) == ["sprint_window_missing"]
    assert excinfo.value.findings[0].message == (
        "Fastlæg sprintens første og sidste dag, før netværket starter."
    )


def test_welfare_network_with_setup_done_and_a_sprint_window_starts(draft_welfare, leader):
    network = march_sprint(ready_to_start(draft_welfare), leader)

    assert rules.blocking(network, rules.Action.START) == []
    network = services.network_start(network=network, by=leader)

    assert network.status == Status.ACTIVE


# --- Citizens ---------------------------------------------------------------------------------


def test_no_citizens_warning_appears_without_a_citizen_participant(draft_welfare):
    add_core(draft_welfare, 3, category=ActorCategory.EMPLOYEE)

    found = [f for f in rules.findings(draft_welfare) if f.code == "no_citizens"]

    assert len(found) == 1
    assert found[0].level == rules.Level.WARNS


@pytest.mark.parametrize("role", [ParticipantRole.CORE, ParticipantRole.PERIPHERAL])
def test_no_citizens_warning_disappears_with_a_citizen_participant(draft_welfare, role):
    add_core(draft_welfare, 3, category=ActorCategory.EMPLOYEE)
    add_core(draft_welfare, 1, category=ActorCategory.CITIZEN, role=role)

    assert "no_citizens" not in codes(rules.findings(draft_welfare))


def test_a_citizen_who_has_left_does_not_count_as_involved(draft_welfare):
    (citizen,) = add_core(draft_welfare, 1, category=ActorCategory.CITIZEN)
    citizen.left_on = datetime.date(2027, 2, 1)
    citizen.save()

    assert "no_citizens" in codes(rules.findings(draft_welfare))


# --- Meetings after the sprint ----------------------------------------------------------------


def test_meeting_late_on_the_sprints_last_day_gives_no_warning(draft_welfare, leader, last_day):
    draft_welfare = march_sprint(draft_welfare, leader)
    meeting_at(draft_welfare, last_day, 23, 30)

    assert "meetings_after_sprint" not in codes(rules.findings(draft_welfare))


def test_meeting_just_after_midnight_after_the_sprint_warns(draft_welfare, leader, day_after):
    # 00:30 on the day after the sprint in Copenhagen is still its last day in UTC: the rule must use
    # the local date.
    draft_welfare = march_sprint(draft_welfare, leader)
    meeting_at(draft_welfare, day_after, 0, 30)

    found = [f for f in rules.findings(draft_welfare) if f.code == "meetings_after_sprint"]

    assert len(found) == 1
    assert found[0].level == rules.Level.WARNS
    assert found[0].message == (
        "1 møde ligger efter sprintens sidste dag. Flyt det ind i sprinten, eller aflys det."
    )


def test_meetings_after_sprint_warning_counts_the_late_meetings(draft_welfare, leader, day_after):
    draft_welfare = march_sprint(draft_welfare, leader)
    meeting_at(draft_welfare, MARCH_1, 9)
    meeting_at(draft_welfare, day_after, 9)
    meeting_at(draft_welfare, day_after + datetime.timedelta(days=14), 9)

    (found,) = [f for f in rules.findings(draft_welfare) if f.code == "meetings_after_sprint"]

    assert found.message.startswith("2 møder ligger efter sprintens sidste dag.")


def test_a_cancelled_meeting_after_the_sprint_gives_no_warning(draft_welfare, leader, day_after):
    draft_welfare = march_sprint(draft_welfare, leader)
    meeting_at(draft_welfare, day_after, 9, status=MeetingStatus.CANCELLED)

    assert "meetings_after_sprint" not in codes(rules.findings(draft_welfare))


# --- Sprint over, network not concluded -------------------------------------------------------


@pytest.mark.parametrize(
    "days_before_the_end", [None, 1, 0], ids=["first_day", "day_before_last", "last_day"]
)
def test_no_sprint_ended_warning_during_the_sprint_or_on_its_last_day(
    active_welfare, last_day, days_before_the_end
):
    today = (
        MARCH_1 if days_before_the_end is None else last_day - datetime.timedelta(days=days_before_the_end)
    )

    assert "sprint_ended_not_concluded" not in codes(rules.findings(active_welfare, today=today))


def test_sprint_ended_warning_appears_the_day_after_the_sprint(active_welfare, day_after):
    found = [
        f for f in rules.findings(active_welfare, today=day_after) if f.code == "sprint_ended_not_concluded"
    ]

    assert len(found) == 1
    assert found[0].level == rules.Level.WARNS
    assert found[0].message == "Sprinten sluttede for 1 dag siden. Skriv resultatet, og afslut netværket."


def test_sprint_ended_warning_uses_the_local_date_of_the_clock(active_welfare, last_day):
    # 23:30 UTC on the sprint's last day is already the next day in Copenhagen, in summer time or not
    # (summer time begins in the night after 28 March 2027).
    late_on_the_last_day = datetime.datetime.combine(last_day, datetime.time(23, 30), tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(late_on_the_last_day, tick=False):
        found = codes(rules.findings(active_welfare))
    eight_days_later = datetime.datetime.combine(
        last_day + datetime.timedelta(days=8), datetime.time(12), tzinfo=ZoneInfo("Europe/Copenhagen")
    )
    with time_machine.travel(eight_days_later):
        (later,) = [f for f in rules.findings(active_welfare) if f.code == "sprint_ended_not_concluded"]

    assert "sprint_ended_not_concluded" in found
    assert later.message.startswith("Sprinten sluttede for 8 dage siden.")


def test_sprint_ended_warning_is_only_for_active_networks(draft_welfare, leader, last_day):
    draft_welfare = march_sprint(draft_welfare, leader)

    found = rules.findings(draft_welfare, today=last_day + datetime.timedelta(days=33))

    assert "sprint_ended_not_concluded" not in codes(found)


# --- A sprint that starts now -------------------------------------------------------------------


def start_findings(network, today):
    return [
        f for f in rules.blocking(network, rules.Action.START, today=today) if f.code.startswith("sprint")
    ]


@pytest.mark.parametrize(
    ("days_into_the_sprint", "refused"),
    [(0, False), ("grace", False), ("grace+1", True)],
    ids=["on_the_first_day", "exactly_the_grace_days_in", "one_day_more"],
)
def test_a_network_starts_at_most_the_grace_days_into_its_sprint(
    draft_welfare, leader, welfare_type, days_into_the_sprint, refused
):
    grace = welfare_type.sprint_start_grace_days
    days = {"grace": grace, "grace+1": grace + 1}.get(days_into_the_sprint, days_into_the_sprint)
    network = march_sprint(ready_to_start(draft_welfare), leader)
    today = MARCH_1 + datetime.timedelta(days=days)

    found = start_findings(network, today)

    if not refused:
        assert found == []
        return
    earliest = today - datetime.timedelta(days=grace)
    assert codes(found) == ["sprint_started_too_long_ago"]
    assert found[0].field == "sprint_start"
    assert found[0].message == (
        f"Sprinten begyndte den 1. marts 2027; et netværk kan højst starte {grace} dage inde i sprinten. "
        f"Flyt sprintens første dag til den {earliest.day}. marts 2027 eller senere."
    )
    noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    with time_machine.travel(noon), pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=network, by=leader)
    assert "sprint_started_too_long_ago" in codes(excinfo.value.findings)
    assert Network.objects.get(pk=network.pk).status == Status.DRAFT


def test_without_a_grace_parameter_only_an_ended_sprint_blocks_the_start(
    draft_welfare, leader, welfare_type, last_day
):
    welfare_type.sprint_start_grace_days = None
    welfare_type.save()
    network = march_sprint(ready_to_start(draft_welfare), leader)

    assert start_findings(Network.objects.get(pk=network.pk), last_day) == []
    assert codes(start_findings(Network.objects.get(pk=network.pk), last_day + ONE_DAY)) == [
        "sprint_already_ended"
    ]


def test_a_sprint_whose_last_day_is_today_may_start(draft_welfare, leader, welfare_type, last_day):
    welfare_type.sprint_start_grace_days = None  # only the end matters here
    welfare_type.save()
    network = march_sprint(ready_to_start(draft_welfare), leader)

    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(last_day, datetime.time(12)))):
        started = services.network_start(network=Network.objects.get(pk=network.pk), by=leader)

    assert started.status == Status.ACTIVE


def test_a_sprint_that_ended_yesterday_blocks_the_start_and_says_to_move_it(
    draft_welfare, leader, day_after, last_day
):
    network = march_sprint(ready_to_start(draft_welfare), leader)

    found = start_findings(network, day_after)

    assert "sprint_already_ended" in codes(found)
    ended = next(f for f in found if f.code == "sprint_already_ended")
    assert ended.message == (
        f"Sprinten sluttede den {last_day.day}. marts 2027. Flyt sprinten frem, så den begynder nu, "
        "før netværket starter."
    )
    assert rules.Action.START in ended.actions


def test_a_sprint_in_the_future_may_start(draft_welfare, leader):
    network = march_sprint(ready_to_start(draft_welfare), leader)

    assert start_findings(network, MARCH_1 - datetime.timedelta(days=60)) == []


def test_the_start_rules_say_nothing_once_the_network_runs(active_welfare, day_after):
    found = codes(rules.all_findings(active_welfare, today=day_after + datetime.timedelta(days=30)))

    assert "sprint_already_ended" not in found
    assert "sprint_started_too_long_ago" not in found


# --- The three tracks -------------------------------------------------------------------------


TRACKS = ["relational_coordination", "citizen_participation", "innovation"]


@pytest.mark.parametrize("blank", TRACKS)
def test_a_blank_track_plan_blocks_the_start_naming_the_track(draft_welfare, leader, blank):
    network = march_sprint(ready_to_start(draft_welfare), leader)
    plans = {track: "En plan." for track in TRACKS} | {blank: "   "}
    network = services.network_update(network=network, by=leader, track_plans=plans)

    (found,) = [f for f in rules.blocking(network, rules.Action.START) if f.code == "track_plan_missing"]

    label = {
        "relational_coordination": "Relationel koordinering",
        "citizen_participation": "Borgerdeltagelse",
        "innovation": "Innovation",
    }[blank]
    assert found.message == f"Beskriv, hvordan netværket arbejder i sporet “{label}”, før netværket starter."
    assert found.field == "track_plans"
    with pytest.raises(services.DomainError):
        services.network_start(network=network, by=leader)


def test_no_plan_at_all_names_the_three_tracks_in_one_finding(draft_welfare):
    found = [f for f in rules.all_findings(draft_welfare) if f.code == "track_plan_missing"]

    assert [f.message for f in found] == [
        "Beskriv, hvordan netværket arbejder i sporene “Relationel koordinering”, “Borgerdeltagelse” og "
        "“Innovation”, før netværket starter."
    ]


def test_a_plan_for_every_track_lets_the_network_start_and_the_checklist_step_is_done(draft_welfare, leader):
    network = march_sprint(ready_to_start(draft_welfare), leader)

    steps = {step.code: step.done for step in rules.checklist(network)}

    assert steps["track_plan_missing"] is True
    assert services.network_start(network=network, by=leader).status == Status.ACTIVE


@pytest.mark.parametrize(
    "value",
    [["innovation"], {"idræt": "Løb"}, {"innovation": 3}, "innovation"],
    ids=["a_list", "an_unknown_track", "not_a_text", "a_string"],
)
def test_track_plans_of_the_wrong_shape_are_refused_on_save(draft_welfare, value):
    draft_welfare.track_plans = value

    with pytest.raises(ValidationError) as excinfo:
        draft_welfare.full_clean()

    assert excinfo.value.message_dict["track_plans"] == [
        "Angiv sporene som et objekt med nøglerne relational_coordination, citizen_participation, "
        "innovation og en tekst til hvert spor."
    ]


def test_a_blank_track_outcome_blocks_the_conclusion(active_welfare, leader):
    outcomes = {
        "relational_coordination": "Et fast møde.",
        "citizen_participation": "",
        "innovation": "Et forsøg.",
    }

    with pytest.raises(services.DomainError) as excinfo:
        services.network_conclude(
            network=active_welfare, by=leader, outcome_summary="Resultat.", track_outcomes=outcomes
        )

    assert codes(excinfo.value.findings) == ["track_outcome_missing"]
    assert excinfo.value.findings[0].message == (
        "Skriv resultatet i sporet “Borgerdeltagelse”, før netværket afsluttes."
    )
    network = Network.objects.get(pk=active_welfare.pk)
    assert (network.status, network.track_outcomes) == (Status.ACTIVE, {})


def test_an_outcome_for_every_track_concludes_the_network(active_welfare, leader):
    outcomes = {track: f" Resultat i {track}. " for track in TRACKS}

    services.network_conclude(
        network=active_welfare, by=leader, outcome_summary="Resultat.", track_outcomes=outcomes
    )

    network = Network.objects.get(pk=active_welfare.pk)
    assert network.status == Status.CONCLUDED
    assert network.track_outcomes == {track: f"Resultat i {track}." for track in TRACKS}


# --- Citizens along the way -------------------------------------------------------------------


def citizen_attended_codes(network):
    return [
        f
        for f in rules.findings(Network.objects.with_related().get(pk=network.pk))
        if f.code == "no_citizen_attended"
    ]


def test_held_meetings_without_a_citizen_warn_while_the_network_runs(active_welfare):
    add_core(active_welfare, 1, category=ActorCategory.CITIZEN)
    employees = list(active_welfare.participants.filter(actor_category=ActorCategory.EMPLOYEE))
    for day in (MARCH_1, MARCH_1 + datetime.timedelta(days=7)):
        meeting_at(active_welfare, day, 10, status=MeetingStatus.HELD).attendees.set(employees)

    (found,) = citizen_attended_codes(active_welfare)

    assert found.level == rules.Level.WARNS
    assert found.message == (
        "Ingen borgere var med til de 2 afholdte møder. Inviter borgere til de næste møder, "
        "og notér dem som fremmødte."
    )


def test_one_citizen_at_one_held_meeting_is_enough(active_welfare):
    (citizen,) = add_core(active_welfare, 1, category=ActorCategory.CITIZEN)
    meeting_at(active_welfare, MARCH_1, 10, status=MeetingStatus.HELD)
    meeting_at(active_welfare, MARCH_1 + ONE_DAY, 10, status=MeetingStatus.HELD).attendees.set([citizen])

    assert citizen_attended_codes(active_welfare) == []


def test_a_citizen_at_a_planned_or_cancelled_meeting_does_not_count(active_welfare):
    (citizen,) = add_core(active_welfare, 1, category=ActorCategory.CITIZEN)
    meeting_at(active_welfare, MARCH_1, 10, status=MeetingStatus.HELD)
    for status in (MeetingStatus.PLANNED, MeetingStatus.CANCELLED):
        meeting_at(active_welfare, MARCH_1 + ONE_DAY, 10, status=status).attendees.set([citizen])

    assert len(citizen_attended_codes(active_welfare)) == 1


def test_no_held_meeting_gives_no_attendance_warning(active_welfare):
    meeting_at(active_welfare, MARCH_1, 10)  # planned, not held

    assert citizen_attended_codes(active_welfare) == []


def test_a_network_that_does_not_run_gives_no_attendance_warning(draft_welfare):
    meeting_at(draft_welfare, MARCH_1, 10, status=MeetingStatus.HELD)

    assert "no_citizen_attended" not in codes(rules.all_findings(Network.objects.get(pk=draft_welfare.pk)))
