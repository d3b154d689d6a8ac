"""Learning networks: a plan of between the type's `min_meetings` and `max_meetings` network meetings
(cancelled ones don't count) over about `plan_months`, experts invited, and the participants'
commitments recorded before concluding. Every limit is read from the type's row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from networks import rules, services
from networks.models import ActorCategory, Meeting, MeetingStatus, ParticipantRole, Status
from tests.factories import PLAN_EDGE_IDS, PLAN_EDGES, add_core, add_meetings, fresh, plan_end, ready_to_start

# Every test here uses the database; declared so pytest-django orders them before transactional tests.
pytestmark = pytest.mark.django_db

JAN_1 = datetime.date(2027, 1, 1)


def codes(found):
    return [finding.code for finding in found]


def at(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def non_cancelled(network):
    return network.meetings.exclude(status=MeetingStatus.CANCELLED).count()


@pytest.fixture
def ready_learning(draft_learning):
    return ready_to_start(draft_learning)


@pytest.fixture
def active_learning(ready_learning, leader, learning_type):
    add_meetings(ready_learning, learning_type.min_meetings)
    return services.network_start(network=ready_learning, by=leader)


@pytest.fixture
def most(learning_type):
    """The most network meetings the plan may hold."""
    return learning_type.max_meetings


def one_too_many(network, most):
    """The meeting after the plan's last allowed one, as the leader would add it."""
    return Meeting(network=network, title=f"Netværksmøde {most + 1}", starts_at=at(datetime.date(2027, 7, 1)))


# --- How many meetings ------------------------------------------------------------------------


def test_learning_network_with_one_meeting_too_few_cannot_start(ready_learning, leader, learning_type):
    fewest = learning_type.min_meetings
    add_meetings(ready_learning, fewest - 1)

    with pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=ready_learning, by=leader)

    assert excinfo.value.code == "blocked"
    assert codes(excinfo.value.findings) == ["too_few_meetings"]
    assert excinfo.value.findings[0].message == (
        f"Planlæg mindst {fewest} netværksmøder, før netværket starter (har {fewest - 1}; "
        "aflyste møder tæller ikke)."
    )
    ready_learning.refresh_from_db()
    assert ready_learning.status == Status.DRAFT


@pytest.mark.parametrize("limit", ["min_meetings", "max_meetings"])
def test_learning_network_with_the_fewest_or_the_most_meetings_starts(ready_learning, leader, limit):
    add_meetings(ready_learning, getattr(ready_learning.type, limit))

    network = services.network_start(network=ready_learning, by=leader)

    assert network.status == Status.ACTIVE


def test_a_planned_meeting_over_the_maximum_is_refused_on_the_status_field(draft_learning, most):
    add_meetings(draft_learning, most)

    with pytest.raises(ValidationError) as excinfo:
        one_too_many(draft_learning, most).full_clean()

    assert list(excinfo.value.message_dict) == ["status"]


def test_the_refusal_of_a_meeting_over_the_maximum_is_correct_danish(draft_learning, most):
    # "netværk" is neuter in Danish: "et læringsnetværk", never "en læringsnetværk".
    add_meetings(draft_learning, most)

    with pytest.raises(ValidationError) as excinfo:
        one_too_many(draft_learning, most).full_clean()

    (message,) = excinfo.value.message_dict["status"]
    assert f"{most} netværksmøder" in message
    assert "et læringsnetværk" in message
    assert "en læringsnetværk" not in message


def test_a_planned_meeting_over_the_maximum_is_refused_by_meeting_create_and_not_saved(
    draft_learning, leader, most
):
    add_meetings(draft_learning, most)

    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(
            network=draft_learning, by=leader, title="Ekstra møde", starts_at=at(datetime.date(2027, 7, 1))
        )

    assert "status" in excinfo.value.message_dict
    assert draft_learning.meetings.count() == most


def test_a_held_meeting_over_the_maximum_is_refused_too(draft_learning, leader, most):
    add_meetings(draft_learning, most, status=MeetingStatus.HELD)

    with pytest.raises(ValidationError):
        services.meeting_create(
            network=draft_learning,
            by=leader,
            title="Ekstra møde",
            starts_at=at(datetime.date(2027, 7, 1)),
            status=MeetingStatus.HELD,
        )

    assert draft_learning.meetings.count() == most


def test_the_last_allowed_meeting_is_accepted_by_meeting_create(draft_learning, leader, most):
    add_meetings(draft_learning, most - 1)

    meeting = services.meeting_create(
        network=draft_learning, by=leader, title="Sidste møde", starts_at=at(datetime.date(2027, 6, 1))
    )

    assert meeting.pk is not None
    assert non_cancelled(draft_learning) == most


def test_a_cancelled_meeting_over_the_maximum_is_allowed(draft_learning, leader, most):
    add_meetings(draft_learning, most)

    meeting = services.meeting_create(
        network=draft_learning,
        by=leader,
        title="Aflyst møde",
        starts_at=at(datetime.date(2027, 7, 1)),
        status=MeetingStatus.CANCELLED,
    )

    assert meeting.pk is not None
    assert draft_learning.meetings.count() == most + 1
    assert non_cancelled(draft_learning) == most


def test_a_cancelled_meeting_leaves_room_for_the_last_allowed_one(draft_learning, leader, most):
    add_meetings(draft_learning, most - 1)
    add_meetings(draft_learning, 1, status=MeetingStatus.CANCELLED, first=datetime.date(2027, 6, 1))

    services.meeting_create(
        network=draft_learning, by=leader, title="Sidste møde", starts_at=at(datetime.date(2027, 6, 15))
    )

    assert non_cancelled(draft_learning) == most


def test_the_most_planned_and_1_cancelled_meeting_can_start(ready_learning, leader, most):
    add_meetings(ready_learning, most)
    add_meetings(ready_learning, 1, status=MeetingStatus.CANCELLED, first=datetime.date(2027, 7, 1))

    assert "too_many_meetings" not in codes(rules.all_findings(ready_learning))
    network = services.network_start(network=ready_learning, by=leader)

    assert network.status == Status.ACTIVE


def test_one_planned_too_few_and_2_cancelled_meetings_cannot_start(ready_learning, leader, learning_type):
    planned = learning_type.min_meetings - 1
    add_meetings(ready_learning, planned)
    add_meetings(ready_learning, 2, status=MeetingStatus.CANCELLED, first=datetime.date(2027, 5, 1))

    with pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=ready_learning, by=leader)

    assert codes(excinfo.value.findings) == ["too_few_meetings"]
    assert f"(har {planned};" in excinfo.value.findings[0].message


def test_uncancelling_a_meeting_when_the_most_are_planned_is_refused(draft_learning, leader, most):
    add_meetings(draft_learning, most)
    (cancelled,) = add_meetings(
        draft_learning, 1, status=MeetingStatus.CANCELLED, first=datetime.date(2027, 7, 1)
    )

    with pytest.raises(ValidationError) as excinfo:
        services.meeting_update(meeting=cancelled, by=leader, status=MeetingStatus.PLANNED)

    assert "status" in excinfo.value.message_dict
    cancelled.refresh_from_db()
    assert cancelled.status == MeetingStatus.CANCELLED
    assert non_cancelled(draft_learning) == most


def test_uncancelling_a_meeting_when_one_less_than_the_most_are_planned_is_allowed(
    draft_learning, leader, most
):
    add_meetings(draft_learning, most - 1)
    (cancelled,) = add_meetings(
        draft_learning, 1, status=MeetingStatus.CANCELLED, first=datetime.date(2027, 7, 1)
    )

    services.meeting_update(meeting=cancelled, by=leader, status=MeetingStatus.PLANNED)

    cancelled.refresh_from_db()
    assert cancelled.status == MeetingStatus.PLANNED


def test_editing_one_of_the_most_planned_meetings_is_allowed(draft_learning, leader, most):
    # The meeting being edited is already in the plan, so it must not count against itself.
    meetings = add_meetings(draft_learning, most)

    services.meeting_update(meeting=meetings[-1], by=leader, title="Opsamling", status=MeetingStatus.HELD)

    meetings[-1].refresh_from_db()
    assert (meetings[-1].title, meetings[-1].status) == ("Opsamling", MeetingStatus.HELD)


# --- About plan_months ------------------------------------------------------------------------


@pytest.mark.parametrize(("direction", "past_the_tolerance", "warns"), PLAN_EDGES, ids=PLAN_EDGE_IDS)
def test_plan_duration_warning_around_plan_months(
    draft_learning, leader, learning_type, direction, past_the_tolerance, warns
):
    days_off = direction * (learning_type.duration_tolerance_days + past_the_tolerance)
    network = services.network_update(
        network=draft_learning,
        by=leader,
        planned_start=JAN_1,
        planned_end=plan_end(learning_type, JAN_1, days_off),
    )

    found = [f for f in rules.findings(network) if f.code == "plan_duration_unusual"]

    assert len(found) == (1 if warns else 0)
    assert all(f.level == rules.Level.WARNS for f in found)


def test_plan_duration_warning_is_correct_danish(draft_learning, leader, learning_type):
    end = plan_end(learning_type, JAN_1, learning_type.duration_tolerance_days + 1)
    network = services.network_update(network=draft_learning, by=leader, planned_start=JAN_1, planned_end=end)

    (found,) = [f for f in rules.findings(network) if f.code == "plan_duration_unusual"]

    # "netværk" is neuter in Danish: "et læringsnetværk", never "en læringsnetværk".
    days = (end - JAN_1).days
    assert found.message.startswith(
        f"Planen strækker sig over {days} dage; et læringsnetværk er typisk planlagt"
    )
    assert f"ca. {learning_type.plan_months} måneder" in found.message


def test_missing_planned_period_warns_instead_of_plan_duration(draft_learning):
    found = codes(rules.findings(draft_learning))

    assert "planned_period_missing" in found
    assert "plan_duration_unusual" not in found


def test_plan_duration_warning_does_not_block_start(ready_learning, leader, learning_type):
    add_meetings(ready_learning, learning_type.min_meetings)
    end = plan_end(learning_type, JAN_1, learning_type.duration_tolerance_days + 1)
    network = services.network_update(network=ready_learning, by=leader, planned_start=JAN_1, planned_end=end)
    assert "plan_duration_unusual" in codes(rules.findings(network))

    assert services.network_start(network=network, by=leader).status == Status.ACTIVE


# --- Experts and commitments ------------------------------------------------------------------


def test_no_experts_warning_appears_without_an_expert(draft_learning):
    add_core(draft_learning, 3)

    found = [f for f in rules.findings(draft_learning) if f.code == "no_experts"]

    assert len(found) == 1
    assert found[0].level == rules.Level.WARNS


def test_no_experts_warning_disappears_with_an_invited_expert(draft_learning):
    add_core(draft_learning, 3)
    add_core(draft_learning, 1, category=ActorCategory.EXPERT, role=ParticipantRole.PERIPHERAL)

    assert "no_experts" not in codes(rules.findings(draft_learning))


# --- Conclusion on meetings held ----------------------------------------------------------------


def hold(network, count):
    """Mark the first `count` planned meetings as held."""
    pks = list(network.meetings.filter(status=MeetingStatus.PLANNED).values_list("pk", flat=True)[:count])
    network.meetings.filter(pk__in=pks).update(status=MeetingStatus.HELD)


def committed(network):
    network.participants.update(commitment="Bruger det lærte i min afdeling.")
    return network


def test_planned_meetings_do_not_let_a_learning_network_conclude(active_learning, leader, learning_type):
    committed(active_learning)
    fewest = learning_type.min_meetings
    hold(active_learning, fewest - 1)

    with pytest.raises(services.DomainError) as excinfo:
        services.network_conclude(network=active_learning, by=leader, outcome_summary="Viden.")

    assert codes(excinfo.value.findings) == ["too_few_meetings_held"]
    assert excinfo.value.findings[0].message == (
        f"Der er afholdt {fewest - 1} netværksmøder; der skal være afholdt mindst {fewest}, før netværket "
        "kan afsluttes. Planlagte møder tæller ikke: markér møderne som afholdt, når de har fundet sted."
    )
    active_learning.refresh_from_db()
    assert active_learning.status == Status.ACTIVE


def test_a_learning_network_concludes_once_the_fewest_meetings_are_held(
    active_learning, leader, learning_type
):
    committed(active_learning)
    hold(active_learning, learning_type.min_meetings)

    network = services.network_conclude(network=active_learning, by=leader, outcome_summary="Viden.")

    assert network.status == Status.CONCLUDED


def test_meetings_held_are_not_asked_of_a_draft(draft_learning, learning_type):
    add_meetings(draft_learning, learning_type.min_meetings)

    assert "too_few_meetings_held" not in codes(rules.findings(draft_learning))


def test_a_cancelled_meeting_that_leaves_too_few_shows_at_once_on_an_active_network(
    active_learning, leader, learning_type
):
    fewest = learning_type.min_meetings
    assert "too_few_meetings" not in codes(rules.findings(active_learning))
    meeting = active_learning.meetings.last()
    services.meeting_update(meeting=meeting, by=leader, status=MeetingStatus.CANCELLED)

    found = [f for f in rules.findings(fresh(active_learning)) if f.code == "too_few_meetings"]

    assert [f.message for f in found] == [
        f"Mødeplanen har kun {fewest - 1} møder tilbage (afholdte og planlagte); der skal afholdes mindst "
        f"{fewest}, før netværket kan afsluttes. Planlæg flere møder."
    ]
    assert found[0].blocks and found[0].actions == (rules.Action.CONCLUDE,)


# --- Spread over the period ----------------------------------------------------------------------


def meetings_on(network, *days):
    for day in days:
        Meeting.objects.create(network=network, title="Netværksmøde", starts_at=at(day))


@pytest.mark.parametrize(
    ("days_apart", "warns"), [("gap", False), ("gap_minus_one", True), ("gap_plus_one", False)]
)
def test_meetings_closer_than_the_gap_are_bunched(draft_learning, learning_type, days_apart, warns):
    gap = learning_type.min_meeting_gap_days
    apart = {"gap": gap, "gap_minus_one": gap - 1, "gap_plus_one": gap + 1}[days_apart]
    meetings_on(draft_learning, JAN_1, JAN_1 + datetime.timedelta(days=apart))

    found = [f for f in rules.findings(draft_learning) if f.code == "meetings_bunched"]

    assert len(found) == (1 if warns else 0)
    if warns:
        assert found[0].level == rules.Level.WARNS
        assert found[0].message == (
            f"1 møde ligger mindre end {gap} dage efter det forrige (fx den 1. januar 2027 og den "
            f"{(JAN_1 + datetime.timedelta(days=apart)).day}. januar 2027). Spred møderne, så deltagerne kan "
            "afprøve det lærte imellem."
        )


def test_a_cancelled_meeting_is_not_bunched(draft_learning, learning_type):
    meetings_on(draft_learning, JAN_1)
    Meeting.objects.create(
        network=draft_learning, title="Aflyst", starts_at=at(JAN_1 + datetime.timedelta(days=1)),
        status=MeetingStatus.CANCELLED,
    )  # fmt: skip

    assert "meetings_bunched" not in codes(rules.findings(draft_learning))


def test_no_gap_set_means_no_bunching_check(draft_learning, learning_type):
    learning_type.min_meeting_gap_days = None
    learning_type.save()
    meetings_on(draft_learning, JAN_1, JAN_1)

    assert "meetings_bunched" not in codes(rules.findings(fresh(draft_learning)))


@pytest.mark.parametrize(("span_days", "warns"), [(91, False), (90, True), (92, False)])
def test_meetings_spanning_less_than_half_the_planned_period_warn(draft_learning, span_days, warns):
    # A planned period of 182 days: half is 91.
    draft_learning.planned_start = JAN_1
    draft_learning.planned_end = JAN_1 + datetime.timedelta(days=182)
    draft_learning.save()
    meetings_on(draft_learning, JAN_1, JAN_1 + datetime.timedelta(days=span_days))

    found = [f for f in rules.findings(draft_learning) if f.code == "meetings_span_short"]

    assert len(found) == (1 if warns else 0)
    if warns:
        assert found[0].message == (
            "Møderne ligger inden for 90 dage, under halvdelen af den planlagte periode på 182 dage. "
            "Spred dem over hele perioden."
        )


def test_without_a_planned_period_the_span_is_measured_against_the_plan_months(draft_learning, learning_type):
    half = (plan_end(learning_type, JAN_1) - JAN_1).days / 2
    meetings_on(draft_learning, JAN_1, JAN_1 + datetime.timedelta(days=int(half) - 1))
    assert "meetings_span_short" in codes(rules.findings(draft_learning))

    meetings_on(draft_learning, JAN_1 + datetime.timedelta(days=int(half) + 1))
    assert "meetings_span_short" not in codes(rules.findings(fresh(draft_learning)))


def test_one_meeting_has_no_span(draft_learning):
    meetings_on(draft_learning, JAN_1)

    assert "meetings_span_short" not in codes(rules.findings(draft_learning))


# --- Every core participant commits ----------------------------------------------------------------


def test_each_core_participant_without_a_commitment_blocks_conclusion_by_name(active_learning, leader):
    hold(active_learning, active_learning.type.min_meetings)
    first, *rest = active_learning.participants.filter(role=ParticipantRole.CORE)
    services.participant_update(participant=first, by=leader, commitment="Bruger kortlægningen.")

    with pytest.raises(services.DomainError) as excinfo:
        services.network_conclude(network=active_learning, by=leader, outcome_summary="Viden.")

    (finding,) = excinfo.value.findings
    assert finding.code == "commitments_missing"
    assert finding.message.startswith(f"{len(rest)} kernedeltagere mangler at notere en forpligtelse (")
    assert all(p.name in finding.message for p in rest[:3])


def test_many_missing_are_named_a_few_and_counted(active_learning):
    add_core(active_learning, 5)
    found = [f for f in rules.findings(active_learning) if f.code == "commitments_missing"]
    names = sorted(p.name for p in active_learning.participants.all())

    count = len(names)
    assert found[0].message.startswith(
        f"{count} kernedeltagere mangler at notere en forpligtelse "
        f"({names[0]}, {names[1]}, {names[2]} og {count - 3} andre)."
    )


@pytest.mark.parametrize(
    ("answer", "blocks"),
    [
        ({"commitment": "Bruger kortlægningen."}, False),
        ({"no_commitment_reason": "Går på pension til sommer."}, False),
        ({}, True),
    ],
)
def test_a_core_participant_commits_or_says_why_not(active_learning, leader, answer, blocks):
    hold(active_learning, active_learning.type.min_meetings)
    *others, last = active_learning.participants.filter(role=ParticipantRole.CORE)
    for participant in others:
        services.participant_update(participant=participant, by=leader, commitment="Deler det med teamet.")
    if answer:
        services.participant_update(participant=last, by=leader, **answer)

    assert ("commitments_missing" in codes(rules.blocking(active_learning, rules.Action.CONCLUDE))) is blocks


def test_peripheral_and_former_participants_need_no_commitment(active_learning, leader):
    committed(active_learning)
    add_core(active_learning, 1, role=ParticipantRole.PERIPHERAL)
    (gone,) = add_core(active_learning, 1)
    services.participant_mark_left(participant=gone, by=leader, left_on=datetime.date(2027, 2, 1))

    assert "commitments_missing" not in codes(rules.findings(active_learning))


def test_commitments_are_not_asked_of_a_draft(draft_learning):
    add_core(draft_learning, 3)

    assert "commitments_missing" not in codes(rules.findings(draft_learning))


def test_a_commitment_and_a_reason_at_once_is_refused(active_learning, leader):
    participant = active_learning.participants.first()

    with pytest.raises(ValidationError) as excinfo:
        services.participant_update(
            participant=participant, by=leader, commitment="Bruger det.", no_commitment_reason="Ingen tid."
        )

    assert excinfo.value.message_dict == {
        "no_commitment_reason": [
            "Skriv enten en forpligtelse eller hvorfor der ingen forpligtelse er – ikke begge dele."
        ]
    }
    participant.refresh_from_db()
    assert (participant.commitment, participant.no_commitment_reason) == ("", "")
