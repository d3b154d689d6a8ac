"""GET /api/v1/networks/{id}/decisions/ and GET /api/v1/networks/{id}/history/ (read-only)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from networks import services
from tests.factories import api_url

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def decisions_url(network):
    return api_url(f"networks/{network.pk}/decisions/")


def history_url(network):
    return api_url(f"networks/{network.pk}/history/")


@pytest.fixture
def decided_twice(submitted_innovation, leader, direktoer, direktoer2):
    """Sent back once, submitted again and approved: two rounds, two decisions."""
    with time_machine.travel(datetime.datetime(2027, 2, 3, 10, 15, tzinfo=COPENHAGEN), tick=False):
        services.network_request_changes(
            network=submitted_innovation,
            by=direktoer,
            comment="Skærp formålet.",
            meeting_date=datetime.date(2027, 2, 3),
        )
    with time_machine.travel(datetime.datetime(2027, 3, 3, 10, 0, tzinfo=COPENHAGEN), tick=False):
        services.network_submit(network=submitted_innovation, by=leader, comment="Formålet er skærpet.")
        services.network_approve(network=submitted_innovation, by=direktoer2)
    return submitted_innovation


def test_the_decisions_are_listed_oldest_first(leader_api, decided_twice):
    response = leader_api.get(decisions_url(decided_twice))

    assert response.status_code == 200
    assert [{k: v for k, v in d.items() if k != "id"} for d in response.json()["results"]] == [
        {
            "round": 1,
            "outcome": "changes_requested",
            "comment": "Skærp formålet.",
            "decided_by": "direktoer",
            "decided_at": "2027-02-03T10:15:00+01:00",
            "meeting_date": "2027-02-03",
        },
        {
            "round": 2,
            "outcome": "approved",
            "comment": "",
            "decided_by": "direktoer2",
            "decided_at": "2027-03-03T10:00:00+01:00",
            "meeting_date": None,
        },
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("leader", 200), ("other_leader", 404), ("direktoer", 200), ("administrator", 200)],
)
def test_who_may_read_the_decisions(api_as, decided_twice, persona, expected):
    assert api_as(persona).get(decisions_url(decided_twice)).status_code == expected


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_decisions_are_only_made_through_transitions(direktoer_api, submitted_innovation, method):
    response = getattr(direktoer_api, method)(
        decisions_url(submitted_innovation), {"outcome": "approved"}, format="json"
    )

    assert response.status_code == 405
    assert not submitted_innovation.decisions.exists()


def test_a_network_without_decisions_has_an_empty_list(leader_api, draft_welfare):
    assert leader_api.get(decisions_url(draft_welfare)).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_the_decision_list_costs_a_fixed_number_of_queries(
    leader_api, decided_twice, django_assert_num_queries
):
    # token with its user, groups, the network with type and leader, its participants, its meetings;
    # the decisions' count, the page of decisions with who made them
    with django_assert_num_queries(7):
        assert leader_api.get(decisions_url(decided_twice)).json()["count"] == 2


def test_the_history_shows_every_status_change_made_on_pages_or_through_the_api(
    leader_api, direktoer_api, decided_twice
):
    with time_machine.travel(datetime.datetime(2027, 3, 10, 9, 0, tzinfo=COPENHAGEN), tick=False):
        cancelled = leader_api.post(
            api_url(f"networks/{decided_twice.pk}/transitions/"),
            {"action": "cancel", "comment": "Temaet er opgivet."},
            format="json",
        )
    assert cancelled.status_code == 200

    history = direktoer_api.get(history_url(decided_twice)).json()["results"]

    assert [(s["from_status"], s["to_status"], s["changed_by"], s["comment"]) for s in history] == [
        ("", "draft", "leder", "Oprettet"),
        ("draft", "submitted", "leder", ""),
        ("submitted", "draft", "direktoer", "Skærp formålet."),
        ("draft", "submitted", "leder", "Formålet er skærpet."),
        ("submitted", "approved", "direktoer2", ""),
        ("approved", "cancelled", "leder", "Temaet er opgivet."),
    ]
    assert history[-1]["changed_at"] == "2027-03-10T09:00:00+01:00"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("leader", 200), ("other_leader", 404), ("direktoer", 404), ("administrator", 200)],
)
def test_who_may_read_the_history_of_a_draft(api_as, draft_welfare, persona, expected):
    assert api_as(persona).get(history_url(draft_welfare)).status_code == expected


def test_the_history_is_read_only(leader_api, draft_welfare):
    assert leader_api.post(history_url(draft_welfare), {}, format="json").status_code == 405


def test_the_history_costs_a_fixed_number_of_queries(leader_api, decided_twice, django_assert_num_queries):
    # token with its user, groups, the network with type and leader, its participants, its meetings;
    # the changes' count, the page of changes with who made them
    with django_assert_num_queries(7):
        assert leader_api.get(history_url(decided_twice)).json()["count"] == 5
