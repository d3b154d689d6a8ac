"""The lifecycle: draft → (innovation: submitted → approved | rejected | back to draft) → active → concluded,
and cancelled from any open state. Every transition, allowed and refused, for each role."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.utils import timezone

from networks import roles, services
from networks.models import Decision, DecisionOutcome, Network, Status, StatusChange
from tests.factories import TRACK_OUTCOMES, add_core, add_meetings, ready_to_start

# Every test here uses the database; declared so pytest-django orders them before transactional tests.
pytestmark = pytest.mark.django_db

NOT_THE_LEADER = ["other_leader", "direktoer", "administrator", "outsider"]
NOT_DIREKTOERFORUM = ["leader", "other_leader", "administrator", "outsider"]
ALL_STATES = ["draft", "submitted", "approved", "rejected", "active", "concluded", "cancelled"]
OPEN_STATES = ["draft", "submitted", "approved", "active"]
CLOSED_STATES = ["rejected", "concluded", "cancelled"]
READ_ONLY_STATES = ["submitted", "rejected", "concluded", "cancelled"]
EDITABLE_STATES = ["draft", "approved", "active"]


def codes(found):
    return [finding.code for finding in found]


def last_change(network):
    change = StatusChange.objects.filter(network=network).order_by("pk").last()
    return change.from_status, change.to_status, change.changed_by, change.comment


def at(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def fresh(network):
    return Network.objects.get(pk=network.pk)


# --- Innovation networks in every state -------------------------------------------------------


@pytest.fixture
def rejected_innovation(submitted_innovation, direktoer):
    services.network_reject(network=submitted_innovation, by=direktoer, comment="Passer ikke i strategien.")
    return fresh(submitted_innovation)


@pytest.fixture
def concluded_innovation(active_innovation, leader):
    return services.network_conclude(
        network=active_innovation, by=leader, outcome_summary="Anbefalinger til udvalget."
    )


@pytest.fixture
def cancelled_innovation(draft_innovation, leader):
    return services.network_cancel(network=draft_innovation, by=leader, comment="Temaet er opgivet.")


@pytest.fixture
def network_in(request):
    """The innovation network in the state named by the test's `state` parameter."""
    return request.getfixturevalue(f"{request.node.callspec.params['state']}_innovation")


# --- Create -----------------------------------------------------------------------------------


def test_leader_creates_a_draft_and_the_creation_is_recorded(draft_welfare, leader):
    assert draft_welfare.status == Status.DRAFT
    assert draft_welfare.leader == leader
    assert last_change(draft_welfare) == ("", Status.DRAFT, leader, "Oprettet")


def test_administrator_may_create_a_network(administrator, welfare_type):
    network = services.network_create(by=administrator, type=welfare_type, title="Tryghed", theme="Tryghed")

    assert (network.status, network.leader) == (Status.DRAFT, administrator)


@pytest.mark.parametrize("persona", ["direktoer", "outsider"])
def test_only_leaders_and_administrators_may_create_a_network(request, welfare_type, persona):
    with pytest.raises(services.RoleRefused) as excinfo:
        services.network_create(
            by=request.getfixturevalue(persona), type=welfare_type, title="Tryghed", theme="Tryghed"
        )

    assert excinfo.value.code == "not_leader"
    assert not Network.objects.exists()


# --- Submit -----------------------------------------------------------------------------------


def test_leader_submits_an_innovation_draft(draft_innovation, leader):
    network = services.network_submit(network=draft_innovation, by=leader, comment="Klar til mødet.")

    network = fresh(network)
    assert (network.status, network.submission_round) == (Status.SUBMITTED, 1)
    assert last_change(network) == (Status.DRAFT, Status.SUBMITTED, leader, "Klar til mødet.")


@pytest.mark.parametrize("persona", NOT_THE_LEADER)
def test_only_the_leader_may_submit(request, draft_innovation, persona):
    with pytest.raises(services.RoleRefused) as excinfo:
        services.network_submit(network=draft_innovation, by=request.getfixturevalue(persona))

    assert excinfo.value.code == "not_leader"
    network = fresh(draft_innovation)
    assert (network.status, network.submission_round) == (Status.DRAFT, 0)


@pytest.mark.parametrize("draft", ["draft_welfare", "draft_learning"])
def test_only_innovation_networks_are_submitted(request, leader, draft):
    network = request.getfixturevalue(draft)

    with pytest.raises(services.DomainError) as excinfo:
        services.network_submit(network=network, by=leader)

    assert excinfo.value.code == "approval_not_required"
    assert fresh(network).status == Status.DRAFT


@pytest.mark.parametrize("state", [s for s in ALL_STATES if s != "draft"])
def test_submit_is_refused_except_from_draft(network_in, leader, state):
    round_before = network_in.submission_round

    with pytest.raises(services.DomainError) as excinfo:
        services.network_submit(network=network_in, by=leader)

    assert not isinstance(excinfo.value, services.RoleRefused)
    assert excinfo.value.code == "wrong_status"
    network = fresh(network_in)
    assert (network.status, network.submission_round) == (state, round_before)


# --- Decide: approve, reject, request changes -------------------------------------------------

DECISIONS = [
    pytest.param(services.network_approve, DecisionOutcome.APPROVED, Status.APPROVED, id="approve"),
    pytest.param(services.network_reject, DecisionOutcome.REJECTED, Status.REJECTED, id="reject"),
    pytest.param(
        services.network_request_changes,
        DecisionOutcome.CHANGES_REQUESTED,
        Status.DRAFT,
        id="request_changes",
    ),
]


@pytest.mark.parametrize(("decide", "outcome", "to_status"), DECISIONS)
def test_direktoerforum_member_decides_and_the_decision_is_recorded(
    submitted_innovation, direktoer, decide, outcome, to_status
):
    decision = decide(
        network=submitted_innovation,
        by=direktoer,
        comment="Drøftet på mødet.",
        meeting_date=datetime.date(2027, 2, 3),
    )

    decision = Decision.objects.get(pk=decision.pk)
    assert (decision.network_id, decision.round, decision.outcome) == (submitted_innovation.pk, 1, outcome)
    assert (decision.decided_by, decision.comment) == (direktoer, "Drøftet på mødet.")
    assert decision.meeting_date == datetime.date(2027, 2, 3)
    assert decision.decided_at is not None
    network = fresh(submitted_innovation)
    assert network.status == to_status
    assert last_change(network) == (Status.SUBMITTED, to_status, direktoer, "Drøftet på mødet.")


def test_approval_needs_no_comment(submitted_innovation, direktoer):
    decision = services.network_approve(network=submitted_innovation, by=direktoer)

    assert Decision.objects.get(pk=decision.pk).comment == ""
    assert fresh(submitted_innovation).status == Status.APPROVED


@pytest.mark.parametrize(("decide", "outcome", "to_status"), DECISIONS)
@pytest.mark.parametrize("persona", NOT_DIREKTOERFORUM)
def test_only_direktoerforum_members_may_decide(
    request, submitted_innovation, persona, decide, outcome, to_status
):
    with pytest.raises(services.RoleRefused) as excinfo:
        decide(network=submitted_innovation, by=request.getfixturevalue(persona), comment="Begrundelse.")

    assert excinfo.value.code == "not_direktoerforum"
    assert not Decision.objects.exists()
    assert fresh(submitted_innovation).status == Status.SUBMITTED


@pytest.mark.parametrize(("decide", "outcome", "to_status"), DECISIONS)
def test_a_direktoerforum_member_may_not_decide_on_a_network_they_lead(
    submitted_innovation, leader, decide, outcome, to_status
):
    leader.groups.add(Group.objects.get(name=roles.DIREKTOERFORUM))
    leader_in_direktoerforum = User.objects.get(pk=leader.pk)  # a fresh user: roles are cached per object

    with pytest.raises(services.RoleRefused) as excinfo:
        decide(network=submitted_innovation, by=leader_in_direktoerforum, comment="Begrundelse.")

    assert excinfo.value.code == "conflict_of_interest"
    assert excinfo.value.message == "Du leder selv netværket og kan derfor ikke træffe beslutning om det."
    assert not Decision.objects.exists()
    assert fresh(submitted_innovation).status == Status.SUBMITTED


@pytest.mark.parametrize(
    "decide", [services.network_reject, services.network_request_changes], ids=["reject", "request_changes"]
)
@pytest.mark.parametrize("comment", ["", "   "], ids=["empty", "blank"])
def test_reject_and_request_changes_need_a_comment(submitted_innovation, direktoer, decide, comment):
    with pytest.raises(services.DomainError) as excinfo:
        decide(network=submitted_innovation, by=direktoer, comment=comment)

    assert not isinstance(excinfo.value, services.RoleRefused)
    assert excinfo.value.code == "comment_required"
    assert excinfo.value.message == "Skriv en begrundelse; den sendes til netværkslederen."
    assert not Decision.objects.exists()
    assert fresh(submitted_innovation).status == Status.SUBMITTED


def test_changes_requested_returns_to_draft_and_resubmission_is_round_2(
    submitted_innovation, leader, direktoer, direktoer2
):
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skærp formålet.")
    network = fresh(submitted_innovation)
    assert (network.status, network.submission_round) == (Status.DRAFT, 1)

    network = services.network_update(network=network, by=leader, purpose="Et skarpere formål.")
    network = services.network_submit(network=network, by=leader)
    assert fresh(network).submission_round == 2
    services.network_approve(network=network, by=direktoer2)

    decisions = list(Decision.objects.filter(network=network).values_list("round", "outcome", "decided_by"))
    assert decisions == [
        (1, DecisionOutcome.CHANGES_REQUESTED, direktoer.pk),
        (2, DecisionOutcome.APPROVED, direktoer2.pk),
    ]
    steps = list(network.status_changes.order_by("pk").values_list("from_status", "to_status"))
    assert steps == [
        ("", Status.DRAFT),
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.DRAFT),
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.APPROVED),
    ]
    assert fresh(network).status == Status.APPROVED


@pytest.mark.parametrize("state", ["draft", "cancelled"])
def test_deciding_on_a_network_never_submitted_is_refused(network_in, direktoer, state):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_approve(network=network_in, by=direktoer)

    assert excinfo.value.code == "not_submitted"
    assert not Decision.objects.exists()
    assert fresh(network_in).status == state


@pytest.mark.parametrize("state", ["approved", "rejected", "active", "concluded"])
def test_deciding_again_on_a_decided_submission_is_refused(network_in, direktoer2, state):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_reject(network=network_in, by=direktoer2, comment="For sent.")

    assert excinfo.value.code == "already_decided"
    assert Decision.objects.filter(network=network_in).count() == 1
    assert fresh(network_in).status == state


def test_already_decided_names_who_decided_and_when(submitted_innovation, direktoer, direktoer2):
    with time_machine.travel(
        datetime.datetime(2027, 2, 3, 10, 15, tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False
    ):
        services.network_approve(network=submitted_innovation, by=direktoer)

    with pytest.raises(services.DomainError) as excinfo:
        services.network_approve(network=submitted_innovation, by=direktoer2)

    assert excinfo.value.code == "already_decided"
    assert excinfo.value.message.startswith(
        "Der er allerede truffet en beslutning om denne indstilling: godkendt af Dorte Direktør den "
    )
    assert "2027" in excinfo.value.message


# --- Decisions are never changed --------------------------------------------------------------


def test_a_decision_cannot_be_edited(submitted_innovation, direktoer):
    decision = services.network_reject(network=submitted_innovation, by=direktoer, comment="Ikke nu.")
    decision.comment = "Alligevel godkendt."
    decision.outcome = DecisionOutcome.APPROVED

    with pytest.raises(ValidationError):
        decision.save()

    stored = Decision.objects.get(pk=decision.pk)
    assert (stored.outcome, stored.comment) == (DecisionOutcome.REJECTED, "Ikke nu.")


def test_a_decision_cannot_be_deleted(submitted_innovation, direktoer):
    decision = services.network_approve(network=submitted_innovation, by=direktoer)

    with pytest.raises(ValidationError):
        decision.delete()

    assert Decision.objects.filter(pk=decision.pk).exists()


# --- Start ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ready", ["ready_welfare", "ready_learning"])
def test_welfare_and_learning_networks_start_from_draft(request, leader, ready):
    network = request.getfixturevalue(ready)

    network = services.network_start(network=network, by=leader, comment="Vi går i gang.")

    network = fresh(network)
    assert network.status == Status.ACTIVE
    assert network.started_at is not None
    assert last_change(network) == (Status.DRAFT, Status.ACTIVE, leader, "Vi går i gang.")


def test_innovation_network_starts_once_approved(approved_innovation, leader):
    network = services.network_start(network=approved_innovation, by=leader)

    network = fresh(network)
    assert network.status == Status.ACTIVE
    assert last_change(network) == (Status.APPROVED, Status.ACTIVE, leader, "")


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_innovation_network_cannot_start_before_approval(network_in, leader, state):
    network = ready_to_start(network_in)

    with pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=network, by=leader)

    assert not isinstance(excinfo.value, services.RoleRefused)
    assert codes(excinfo.value.findings) == ["approval_required"]
    assert fresh(network).status == state


@pytest.mark.parametrize("state", ["rejected", "active", "concluded", "cancelled"])
def test_innovation_network_cannot_start_from_a_later_state(network_in, leader, state):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=network_in, by=leader)

    assert not isinstance(excinfo.value, services.RoleRefused)
    assert excinfo.value.code == "wrong_status"
    assert fresh(network_in).status == state


def test_welfare_network_cannot_start_twice(active_welfare, leader):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=active_welfare, by=leader)

    assert excinfo.value.code == "wrong_status"
    assert StatusChange.objects.filter(network=active_welfare, to_status=Status.ACTIVE).count() == 1


def test_start_is_refused_with_the_blocking_findings(draft_welfare, leader):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=draft_welfare, by=leader)

    assert excinfo.value.code == "blocked"
    assert excinfo.value.message == "Netværket kan ikke starte endnu. Ret først:"
    assert set(codes(excinfo.value.findings)) == {
        "mandate_not_clarified",
        "too_few_core_participants",
        "sprint_window_missing",
        "track_plan_missing",
    }
    assert all(finding.blocks for finding in excinfo.value.findings)
    network = fresh(draft_welfare)
    assert (network.status, network.started_at) == (Status.DRAFT, None)
    assert not network.status_changes.filter(to_status=Status.ACTIVE).exists()


@pytest.mark.parametrize("persona", NOT_THE_LEADER)
def test_only_the_leader_may_start(request, ready_welfare, persona):
    with pytest.raises(services.RoleRefused) as excinfo:
        services.network_start(network=ready_welfare, by=request.getfixturevalue(persona))

    assert excinfo.value.code == "not_leader"
    assert fresh(ready_welfare).status == Status.DRAFT


# --- Conclude ---------------------------------------------------------------------------------


def test_leader_concludes_an_active_network_passing_the_outcome(active_welfare, leader):
    services.network_conclude(
        network=active_welfare,
        by=leader,
        outcome_summary="  Nye besøgsvenner på plejehjemmene. ",
        track_outcomes=TRACK_OUTCOMES,
        comment="Tak.",
    )

    network = fresh(active_welfare)
    assert network.status == Status.CONCLUDED
    assert network.outcome_summary == "Nye besøgsvenner på plejehjemmene."
    assert network.concluded_at is not None
    assert last_change(network) == (Status.ACTIVE, Status.CONCLUDED, leader, "Tak.")


def test_leader_concludes_with_an_outcome_written_earlier(active_welfare, leader):
    network = services.network_update(network=active_welfare, by=leader, outcome_summary="Nye løsninger.")
    Network.objects.filter(pk=network.pk).update(track_outcomes=TRACK_OUTCOMES)

    services.network_conclude(network=network, by=leader)

    assert fresh(network).status == Status.CONCLUDED


@pytest.mark.parametrize("outcome_summary", [None, "", "   "], ids=["not_given", "empty", "blank"])
def test_conclude_without_an_outcome_is_refused(active_welfare, leader, outcome_summary):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_conclude(
            network=active_welfare, by=leader, outcome_summary=outcome_summary, track_outcomes=TRACK_OUTCOMES
        )

    assert excinfo.value.code == "blocked"
    assert codes(excinfo.value.findings) == ["outcome_summary_missing"]
    network = fresh(active_welfare)
    assert (network.status, network.concluded_at) == (Status.ACTIVE, None)


@pytest.mark.parametrize("state", [s for s in ALL_STATES if s != "active"])
def test_only_an_active_network_can_be_concluded(network_in, leader, state):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_conclude(network=network_in, by=leader, outcome_summary="Resultat.")

    assert excinfo.value.code == "wrong_status"
    assert fresh(network_in).status == state


@pytest.mark.parametrize("persona", NOT_THE_LEADER)
def test_only_the_leader_may_conclude(request, active_innovation, persona):
    with pytest.raises(services.RoleRefused) as excinfo:
        services.network_conclude(
            network=active_innovation, by=request.getfixturevalue(persona), outcome_summary="Resultat."
        )

    assert excinfo.value.code == "not_leader"
    network = fresh(active_innovation)
    assert (network.status, network.outcome_summary) == (Status.ACTIVE, "")


# --- Cancel -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "administrator"])
@pytest.mark.parametrize("state", OPEN_STATES)
def test_leader_or_administrator_cancels_an_open_network(request, network_in, state, persona):
    by = request.getfixturevalue(persona)

    services.network_cancel(network=network_in, by=by, comment="Temaet er opgivet.")

    network = fresh(network_in)
    assert network.status == Status.CANCELLED
    assert last_change(network) == (state, Status.CANCELLED, by, "Temaet er opgivet.")


@pytest.mark.parametrize("comment", ["", "   "], ids=["empty", "blank"])
def test_cancel_needs_a_comment(draft_welfare, leader, comment):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_cancel(network=draft_welfare, by=leader, comment=comment)

    assert excinfo.value.code == "comment_required"
    assert excinfo.value.message == "Skriv, hvorfor netværket annulleres."
    assert fresh(draft_welfare).status == Status.DRAFT


@pytest.mark.parametrize("state", CLOSED_STATES)
def test_a_closed_network_cannot_be_cancelled(network_in, administrator, state):
    changes_before = network_in.status_changes.count()

    with pytest.raises(services.DomainError) as excinfo:
        services.network_cancel(network=network_in, by=administrator, comment="Ryd op.")

    assert excinfo.value.code == "wrong_status"
    assert fresh(network_in).status == state
    assert network_in.status_changes.count() == changes_before


@pytest.mark.parametrize("persona", ["other_leader", "direktoer", "outsider"])
def test_only_the_leader_or_an_administrator_may_cancel(request, draft_innovation, persona):
    with pytest.raises(services.RoleRefused) as excinfo:
        services.network_cancel(
            network=draft_innovation, by=request.getfixturevalue(persona), comment="Ryd op."
        )

    assert excinfo.value.code == "not_leader"
    assert fresh(draft_innovation).status == Status.DRAFT


# --- Read-only states -------------------------------------------------------------------------


def edit_title(network, by):
    services.network_update(network=network, by=by, title="Nyt navn")


def add_participant(network, by):
    services.participant_add(network=network, by=by, name="Ny deltager", email="ny@example.dk")


def add_meeting(network, by):
    services.meeting_create(
        network=network, by=by, title="Ekstra møde", starts_at=at(datetime.date(2027, 5, 3))
    )


EDITS = [
    pytest.param(edit_title, id="network_update"),
    pytest.param(add_participant, id="participant_add"),
    pytest.param(add_meeting, id="meeting_create"),
]


def content(network):
    network = fresh(network)
    return network.title, network.participants.count(), network.meetings.count()


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("state", READ_ONLY_STATES)
def test_a_network_is_read_only_while_submitted_and_once_closed(network_in, leader, state, edit):
    before = content(network_in)

    with pytest.raises(services.DomainError) as excinfo:
        edit(network_in, leader)

    assert excinfo.value.code == "read_only"
    assert content(network_in) == before


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("state", EDITABLE_STATES)
def test_a_network_is_editable_in_draft_approved_and_active(network_in, leader, state, edit):
    before = content(network_in)

    edit(network_in, leader)

    assert content(network_in) != before
    assert fresh(network_in).status == state


def test_the_read_only_message_while_submitted_says_why(submitted_innovation, leader):
    with pytest.raises(services.DomainError) as excinfo:
        edit_title(submitted_innovation, leader)

    assert excinfo.value.message == (
        "Netværket er indstillet til Direktørforum og kan ikke ændres, før der er truffet en beslutning."
    )


@pytest.mark.parametrize(
    ("state", "label"), [("rejected", "afvist"), ("concluded", "afsluttet"), ("cancelled", "annulleret")]
)
def test_the_read_only_message_once_closed_names_the_state(network_in, leader, state, label):
    with pytest.raises(services.DomainError) as excinfo:
        edit_title(network_in, leader)

    assert excinfo.value.message == f"Netværket er {label} og kan ikke længere ændres."


def test_existing_participants_and_meetings_are_read_only_while_submitted(submitted_innovation, leader):
    (existing,) = add_meetings(submitted_innovation, 1)
    (member,) = add_core(submitted_innovation, 1)

    for change in (
        lambda: services.meeting_update(meeting=existing, by=leader, title="Flyttet"),
        lambda: services.meeting_delete(meeting=existing, by=leader),
        lambda: services.participant_update(participant=member, by=leader, name="Omdøbt"),
        lambda: services.participant_delete(participant=member, by=leader),
    ):
        with pytest.raises(services.DomainError) as excinfo:
            change()
        assert excinfo.value.code == "read_only"

    existing.refresh_from_db()
    member.refresh_from_db()
    assert (existing.title, member.name) == ("Netværksmøde 1", "Deltager 0")


# --- The network type -------------------------------------------------------------------------


def test_the_type_can_change_in_draft(draft_welfare, leader, learning_type):
    services.network_update(network=draft_welfare, by=leader, type=learning_type)

    assert fresh(draft_welfare).type == learning_type


@pytest.mark.parametrize("state", ["approved", "active"])
def test_the_type_cannot_change_after_draft(network_in, leader, welfare_type, innovation_type, state):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_update(network=network_in, by=leader, type=welfare_type, title="Nyt navn")

    assert excinfo.value.code == "type_locked"
    assert excinfo.value.message == "Netværkstypen kan kun ændres, mens netværket er en kladde."
    network = fresh(network_in)
    assert (network.type, network.title) == (innovation_type, "Velfærd med frivillige")


# --- Leader-only actions ----------------------------------------------------------------------


def submit(network, by):
    services.network_submit(network=network, by=by)


def start(network, by):
    services.network_start(network=network, by=by)


def conclude(network, by):
    services.network_conclude(network=network, by=by, outcome_summary="Resultat.")


LEADER_ONLY = [
    pytest.param(edit_title, "draft", id="network_update"),
    pytest.param(add_participant, "draft", id="participant_add"),
    pytest.param(add_meeting, "draft", id="meeting_create"),
    pytest.param(submit, "draft", id="network_submit"),
    pytest.param(start, "approved", id="network_start"),
    pytest.param(conclude, "active", id="network_conclude"),
]


@pytest.mark.parametrize(("action", "state"), LEADER_ONLY)
@pytest.mark.parametrize("persona", ["outsider", "other_leader"])
def test_leader_only_actions_are_refused_for_others(request, network_in, persona, action, state):
    before = content(network_in)

    with pytest.raises(services.RoleRefused) as excinfo:
        action(network_in, request.getfixturevalue(persona))

    assert excinfo.value.code == "not_leader"
    assert excinfo.value.message == "Kun netværkets leder kan gøre dette."
    assert fresh(network_in).status == state
    assert content(network_in) == before


@pytest.mark.parametrize(("action", "state"), LEADER_ONLY)
def test_leader_only_actions_work_for_the_leader(network_in, leader, action, state):
    # The counterpart of the refusals above: the same action in the same state succeeds for the leader.
    before = (fresh(network_in).status, content(network_in))

    action(network_in, leader)

    assert (fresh(network_in).status, content(network_in)) != before
