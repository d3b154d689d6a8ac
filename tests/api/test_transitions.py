"""POST /api/v1/networks/{id}/transitions/: every transition's 200, 403 and 409, through the services."""

import datetime

import pytest
from django.contrib.auth.models import Group

from networks import roles, services
from networks.models import Decision, DecisionOutcome, Status, StatusChange
from tests.factories import TRACK_OUTCOMES, TRACK_PLANS, api_url, as_user, fresh, ready_to_start, sprint_of


def url(network):
    return api_url(f"networks/{network.pk}/transitions/")


def codes(response):
    return [finding["code"] for finding in response.json()["findings"]]


def last_change(network):
    change = StatusChange.objects.filter(network=network).order_by("pk").last()
    return change.from_status, change.to_status, change.changed_by.username, change.comment


# --- submit -----------------------------------------------------------------------------------


def test_the_leader_submits_an_innovation_network(leader_api, draft_innovation):
    response = leader_api.post(url(draft_innovation), {"action": "submit", "comment": "Klar"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert last_change(draft_innovation) == (Status.DRAFT, Status.SUBMITTED, "leder", "Klar")


def test_submitting_without_a_strategy_is_409_with_the_finding(leader_api, leader, draft_innovation):
    services.network_update(network=draft_innovation, by=leader, strategy_reference="")

    response = leader_api.post(url(draft_innovation), {"action": "submit"}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Netværket kan ikke indstilles endnu. Ret først:",
        "code": "blocked",
        "findings": [
            {
                "level": "blocks",
                "code": "strategy_reference_missing",
                "message": "Angiv den politiske vision eller strategi, netværket bygger på, "
                "før det indstilles til Direktørforum.",
            }
        ],
    }
    assert fresh(draft_innovation).status == Status.DRAFT


def test_a_welfare_network_is_not_submitted(leader_api, draft_welfare):
    response = leader_api.post(url(draft_welfare), {"action": "submit"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "approval_not_required"


def test_only_the_leader_submits(administrator_api, draft_innovation):
    response = administrator_api.post(url(draft_innovation), {"action": "submit"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "not_leader"


# --- approve / reject / request_changes ---------------------------------------------------------


def test_direktoerforum_approves_and_the_decision_is_recorded(direktoer_api, direktoer, submitted_innovation):
    response = direktoer_api.post(
        url(submitted_innovation), {"action": "approve", "meeting_date": "2027-02-03"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    decision = Decision.objects.get(network=submitted_innovation)
    assert (decision.outcome, decision.decided_by, decision.meeting_date) == (
        DecisionOutcome.APPROVED,
        direktoer,
        datetime.date(2027, 2, 3),
    )
    assert last_change(submitted_innovation) == (Status.SUBMITTED, Status.APPROVED, "direktoer", "")


def test_direktoerforum_rejects_with_a_reason(direktoer_api, submitted_innovation):
    response = direktoer_api.post(
        url(submitted_innovation), {"action": "reject", "comment": "Passer ikke i strategien."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["findings"] == []
    assert Decision.objects.get(network=submitted_innovation).comment == "Passer ikke i strategien."


def test_direktoerforum_sends_a_case_back_for_changes(direktoer_api, submitted_innovation):
    response = direktoer_api.post(
        url(submitted_innovation), {"action": "request_changes", "comment": "Skærp formålet."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert Decision.objects.get(network=submitted_innovation).outcome == DecisionOutcome.CHANGES_REQUESTED


@pytest.mark.parametrize("action", ["reject", "request_changes"])
def test_a_refusal_without_a_reason_is_409(direktoer_api, submitted_innovation, action):
    response = direktoer_api.post(
        url(submitted_innovation), {"action": action, "comment": "  "}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Skriv en begrundelse; den sendes til netværkslederen.",
        "code": "comment_required",
        "findings": [],
    }
    assert fresh(submitted_innovation).status == Status.SUBMITTED


@pytest.mark.parametrize("action", ["approve", "reject", "request_changes"])
@pytest.mark.parametrize("persona", ["leader", "administrator"])
def test_only_direktoerforum_decides(api_as, submitted_innovation, action, persona):
    response = api_as(persona).post(
        url(submitted_innovation), {"action": action, "comment": "Nej"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Kun medlemmer af Direktørforum kan træffe beslutning om innovationsnetværk.",
        "code": "not_direktoerforum",
    }
    assert not Decision.objects.exists()


def test_a_direktoerforum_member_does_not_decide_on_a_network_they_lead(direktoer, innovation_type):
    direktoer.groups.add(Group.objects.get(name=roles.LEADERS))
    network = services.network_create(
        by=direktoer,
        type=innovation_type,
        title="Eget netværk",
        theme="Klima",
        purpose="Mindre CO2.",
        strategy_reference="Klimaplanen",
    )
    services.network_submit(network=network, by=direktoer)

    response = as_user(direktoer).post(url(network), {"action": "approve"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "conflict_of_interest"


def test_a_second_decision_on_the_same_submission_is_409(direktoer_api, api_as, submitted_innovation):
    direktoer_api.post(url(submitted_innovation), {"action": "approve"}, format="json")

    response = api_as("direktoer2").post(url(submitted_innovation), {"action": "approve"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "already_decided"
    assert response.json()["detail"].startswith(
        "Der er allerede truffet en beslutning om denne indstilling: godkendt af Dorte Direktør"
    )
    assert Decision.objects.count() == 1


# --- start ------------------------------------------------------------------------------------


def test_the_leader_starts_a_ready_welfare_network(leader_api, ready_welfare):
    response = leader_api.post(url(ready_welfare), {"action": "start"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert last_change(ready_welfare) == (Status.DRAFT, Status.ACTIVE, "leder", "")


def test_starting_before_setup_is_done_is_409_listing_what_is_missing(leader_api, draft_welfare):
    response = leader_api.post(url(draft_welfare), {"action": "start"}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == "Netværket kan ikke starte endnu. Ret først:"
    assert codes(response) == [
        "mandate_not_clarified",
        "too_few_core_participants",
        "sprint_window_missing",
        "track_plan_missing",
    ]
    assert {finding["level"] for finding in response.json()["findings"]} == {"blocks"}
    assert fresh(draft_welfare).status == Status.DRAFT


def test_a_learning_network_with_one_meeting_too_few_cannot_start(leader_api, ready_learning):
    ready_learning.meetings.last().delete()

    response = leader_api.post(url(ready_learning), {"action": "start"}, format="json")

    assert response.status_code == 409
    assert codes(response) == ["too_few_meetings"]


def test_a_learning_network_with_the_fewest_meetings_starts(leader_api, ready_learning):
    assert leader_api.post(url(ready_learning), {"action": "start"}, format="json").status_code == 200


def test_an_innovation_network_cannot_start_before_approval(leader_api, submitted_innovation):
    ready_to_start(submitted_innovation)

    response = leader_api.post(url(submitted_innovation), {"action": "start"}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == "Direktørforum skal godkende netværket, før det kan starte."
    assert codes(response) == ["approval_required"]


def test_an_approved_innovation_network_starts(leader_api, approved_innovation):
    response = leader_api.post(url(approved_innovation), {"action": "start"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "active"


@pytest.mark.parametrize("persona", ["direktoer", "administrator"])
def test_only_the_leader_starts(api_as, approved_innovation, persona):
    response = api_as(persona).post(url(approved_innovation), {"action": "start"}, format="json")

    assert response.status_code == 403
    assert fresh(approved_innovation).status == Status.APPROVED


# --- conclude ---------------------------------------------------------------------------------


def test_the_leader_concludes_with_the_outcome(leader_api, active_welfare):
    response = leader_api.post(
        url(active_welfare),
        {
            "action": "conclude",
            "outcome_summary": "Nye besøgsvenner på to plejecentre.",
            "track_outcomes": TRACK_OUTCOMES,
            "comment": "Tak",
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "concluded"
    assert response.json()["outcome_summary"] == "Nye besøgsvenner på to plejecentre."
    assert response.json()["track_outcomes"] == TRACK_OUTCOMES
    assert last_change(active_welfare) == (Status.ACTIVE, Status.CONCLUDED, "leder", "Tak")


def test_concluding_without_an_outcome_is_409(leader_api, active_welfare):
    response = leader_api.post(url(active_welfare), {"action": "conclude"}, format="json")

    assert response.status_code == 409
    assert codes(response) == ["outcome_summary_missing", "track_outcome_missing"]
    assert fresh(active_welfare).status == Status.ACTIVE


def test_a_draft_cannot_be_concluded(leader_api, draft_welfare):
    response = leader_api.post(
        url(draft_welfare), {"action": "conclude", "outcome_summary": "Intet"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_status"
    assert fresh(draft_welfare).outcome_summary == ""


def test_only_the_leader_concludes(administrator_api, active_welfare):
    response = administrator_api.post(
        url(active_welfare), {"action": "conclude", "outcome_summary": "Intet"}, format="json"
    )

    assert response.status_code == 403


# --- cancel -----------------------------------------------------------------------------------


def test_the_leader_cancels_with_a_reason(leader_api, active_welfare):
    response = leader_api.post(
        url(active_welfare), {"action": "cancel", "comment": "Temaet er opgivet."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert last_change(active_welfare) == (Status.ACTIVE, Status.CANCELLED, "leder", "Temaet er opgivet.")


def test_an_administrator_cancels_someone_elses_network(administrator_api, draft_welfare):
    response = administrator_api.post(
        url(draft_welfare), {"action": "cancel", "comment": "Dublet"}, format="json"
    )

    assert response.status_code == 200
    assert last_change(draft_welfare)[1:3] == (Status.CANCELLED, "administrator")


def test_cancelling_without_a_reason_is_409(leader_api, draft_welfare):
    response = leader_api.post(url(draft_welfare), {"action": "cancel"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "comment_required"


def test_cancelling_twice_is_409(leader_api, draft_welfare):
    leader_api.post(url(draft_welfare), {"action": "cancel", "comment": "Dublet"}, format="json")

    response = leader_api.post(url(draft_welfare), {"action": "cancel", "comment": "Igen"}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == "Netværket er allerede annulleret."


def test_direktoerforum_does_not_cancel(direktoer_api, submitted_innovation):
    response = direktoer_api.post(
        url(submitted_innovation), {"action": "cancel", "comment": "Nej"}, format="json"
    )

    assert response.status_code == 403
    assert fresh(submitted_innovation).status == Status.SUBMITTED


# --- Every action, and the request itself ------------------------------------------------------


@pytest.mark.parametrize(
    "action", ["submit", "approve", "reject", "request_changes", "start", "conclude", "cancel"]
)
def test_someone_elses_network_is_404_for_every_action(api_as, draft_welfare, action):
    response = api_as("other_leader").post(
        url(draft_welfare), {"action": action, "comment": "x"}, format="json"
    )

    assert response.status_code == 404
    assert fresh(draft_welfare).status == Status.DRAFT


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "publish"}, "action"),
        ({"action": "Start"}, "action"),
        ({}, "action"),
        ({"action": ["start"]}, "action"),
        ({"action": "start", "comment": 17 * [1]}, "comment"),
        ({"action": "start", "meeting_date": "2027-02-03"}, "meeting_date"),
        ({"action": "approve", "meeting_date": "3. februar"}, "meeting_date"),
        ({"action": "start", "outcome_summary": "Resultat"}, "outcome_summary"),
        ({"action": "start", "reason": "Nu"}, "reason"),
    ],
    ids=[
        "unknown-action",
        "wrong-case",
        "missing-action",
        "list-action",
        "list-comment",
        "meeting-date-for-start",
        "not-a-date",
        "outcome-for-start",
        "unknown-field",
    ],
)
def test_a_malformed_transition_is_400_and_changes_nothing(leader_api, ready_welfare, body, field):
    response = leader_api.post(url(ready_welfare), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert fresh(ready_welfare).status == Status.DRAFT


def test_an_unknown_action_is_refused_in_danish(leader_api, draft_welfare):
    response = leader_api.post(url(draft_welfare), {"action": "publish"}, format="json")

    assert response.json() == {"action": ['"publish" er ikke et gyldigt valg.']}


def test_transitions_reject_get(leader_api, draft_welfare):
    assert leader_api.get(url(draft_welfare)).status_code == 405


def test_a_welfare_network_goes_from_creation_to_conclusion_through_the_api(leader_api, welfare_type):
    # The walk-through in docs/api.md and the README, as a test.
    created = leader_api.post(
        api_url("networks/"),
        {
            "title": "Frivillige mod ensomhed",
            "theme": "Frivillighed",
            "type": "welfare",
            "mandate": "Aftalt med centerchefen for ældre",
            "mandate_clarified": True,
        },
        format="json",
    )
    network = f"networks/{created.json()['id']}/"
    # The core the type asks for (three in the fixture: Grethe, Ali and Mette), a citizen among them.
    people = [("Grethe Hansen", "citizen"), ("Ali Demir", "volunteer"), ("Mette Berg", "employee")]
    people += [(f"Deltager {n}", "employee") for n in range(welfare_type.min_core_participants)]
    for name, category in people[: max(welfare_type.min_core_participants, 1)]:
        added = leader_api.post(
            api_url(network + "participants/"), {"name": name, "actor_category": category}, format="json"
        )
        assert added.status_code == 201
    longest = sprint_of(welfare_type.sprint_max_days)
    sprint = leader_api.patch(
        api_url(network),
        {"track_plans": TRACK_PLANS, **{field: day.isoformat() for field, day in longest.items()}},
        format="json",
    )
    started = leader_api.post(api_url(network + "transitions/"), {"action": "start"}, format="json")
    concluded = leader_api.post(
        api_url(network + "transitions/"),
        {
            "action": "conclude",
            "outcome_summary": "Fast besøgsven til 12 beboere.",
            "track_outcomes": TRACK_OUTCOMES,
        },
        format="json",
    )
    history = leader_api.get(api_url(network + "history/")).json()["results"]

    assert (created.status_code, sprint.status_code, started.status_code) == (201, 200, 200)
    assert sprint.json()["findings"] == []
    assert (concluded.status_code, concluded.json()["status"]) == (200, "concluded")
    assert [(step["from_status"], step["to_status"]) for step in history] == [
        ("", "draft"),
        ("draft", "active"),
        ("active", "concluded"),
    ]
