"""GET/POST /api/v1/networks/{id}/participants/ and GET/PATCH/DELETE /api/v1/participants/{id}/."""

import datetime

import pytest

from networks import services
from networks.models import Participant
from tests.factories import TRACK_OUTCOMES, add_core, api_url


def list_url(network):
    return api_url(f"networks/{network.pk}/participants/")


def detail_url(participant):
    return api_url(f"participants/{participant.pk}/")


GRETHE = {"name": "Grethe Hansen", "email": "Grethe@Example.dk", "actor_category": "citizen"}


@pytest.fixture
def grethe(draft_welfare, leader):
    return services.participant_add(
        network=draft_welfare,
        by=leader,
        name="Grethe Hansen",
        email="grethe@example.dk",
        actor_category="citizen",
        joined_on=datetime.date(2027, 2, 1),
    )


# --- List -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"), [("leader", 200), ("other_leader", 404), ("administrator", 200)]
)
def test_who_may_list_the_participants(api_as, grethe, draft_welfare, persona, expected):
    response = api_as(persona).get(list_url(draft_welfare))

    assert response.status_code == expected
    if expected == 200:
        assert response.json()["results"] == [
            {
                "id": grethe.pk,
                "network": draft_welfare.pk,
                "name": "Grethe Hansen",
                "email": "grethe@example.dk",
                "organisation": "",
                "actor_category": "citizen",
                "role": "core",
                "joined_on": "2027-02-01",
                "left_on": None,
                "commitment": "",
                "no_commitment_reason": "",
            }
        ]


def test_direktoerforum_lists_the_participants_of_a_submitted_case(direktoer_api, submitted_innovation):
    add_core(submitted_innovation, 2)

    assert direktoer_api.get(list_url(submitted_innovation)).json()["count"] == 2


def test_direktoerforum_does_not_see_a_welfare_networks_participants(direktoer_api, grethe, draft_welfare):
    assert direktoer_api.get(list_url(draft_welfare)).status_code == 404
    assert direktoer_api.get(detail_url(grethe)).status_code == 404


def test_the_participant_list_costs_the_same_queries_for_few_or_many(
    leader_api, draft_welfare, django_assert_num_queries
):
    add_core(draft_welfare, 2)
    # token with its user, groups, the network with type and leader, its participants, its meetings;
    # the page is cut from the participants already loaded with the network
    with django_assert_num_queries(5):
        leader_api.get(list_url(draft_welfare))
    add_core(draft_welfare, 30)
    with django_assert_num_queries(5):
        assert leader_api.get(list_url(draft_welfare)).json()["count"] == 32


def test_the_participant_list_is_paginated(leader_api, draft_welfare):
    add_core(draft_welfare, 3)

    page = leader_api.get(list_url(draft_welfare), {"limit": 2}).json()

    assert (page["count"], len(page["results"])) == (3, 2)
    assert page["next"].endswith("?limit=2&offset=2")


# --- Add --------------------------------------------------------------------------------------


def test_the_leader_adds_a_participant(leader_api, draft_welfare):
    response = leader_api.post(list_url(draft_welfare), {**GRETHE, "joined_on": "2027-02-01"}, format="json")

    assert response.status_code == 201
    participant = Participant.objects.get(pk=response.json()["id"])
    assert (participant.network, participant.email, participant.joined_on) == (
        draft_welfare,
        "grethe@example.dk",
        datetime.date(2027, 2, 1),
    )


def test_adding_counts_towards_the_networks_findings(leader_api, draft_welfare):
    leader_api.post(list_url(draft_welfare), GRETHE, format="json")

    findings = leader_api.get(api_url(f"networks/{draft_welfare.pk}/")).json()["findings"]

    assert "no_citizens" not in [finding["code"] for finding in findings]


def test_the_same_email_twice_in_one_network_is_400(leader_api, grethe, draft_welfare):
    response = leader_api.post(list_url(draft_welfare), {**GRETHE, "name": "G. Hansen"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Der er allerede en deltager med denne e-mail i netværket."]
    }
    assert draft_welfare.participants.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"email": "ikke en e-mail"}, "email"),
        ({"actor_category": "alien"}, "actor_category"),
        ({"role": "boss"}, "role"),
        ({"joined_on": "2027-13-01"}, "joined_on"),
        ({"joined_on": "2027-03-01", "left_on": "2027-02-28"}, "left_on"),
        ({"organisation": "x" * 201}, "organisation"),
        ({"commitment": "x" * 20_001}, "commitment"),
        ({"network": 1, "alder": 80}, "alder"),
    ],
    ids=[
        "empty-name",
        "bad-email",
        "unknown-actor-category",
        "unknown-role",
        "no-such-date",
        "left-before-joined",
        "organisation-too-long",
        "commitment-too-long",
        "unknown-field",
    ],
)
def test_invalid_participant_data_is_400(leader_api, draft_welfare, change, field):
    response = leader_api.post(list_url(draft_welfare), {**GRETHE, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not draft_welfare.participants.exists()


def test_leaving_before_joining_is_refused_with_the_models_message(leader_api, draft_welfare):
    response = leader_api.post(
        list_url(draft_welfare), {**GRETHE, "joined_on": "2027-03-01", "left_on": "2027-02-28"}, format="json"
    )

    assert response.json() == {
        "left_on": ["Udtrædelsesdatoen kan ikke ligge før den dato, deltageren kom med."]
    }


def test_a_submitted_case_takes_no_new_participants(leader_api, submitted_innovation):
    response = leader_api.post(list_url(submitted_innovation), GRETHE, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "read_only"


def test_direktoerforum_adds_no_participants(direktoer_api, submitted_innovation):
    assert direktoer_api.post(list_url(submitted_innovation), GRETHE, format="json").status_code == 403


@pytest.mark.parametrize(("persona", "expected"), [("other_leader", 404), ("administrator", 403)])
def test_only_the_leader_adds_participants(api_as, draft_welfare, persona, expected):
    assert api_as(persona).post(list_url(draft_welfare), GRETHE, format="json").status_code == expected
    assert not draft_welfare.participants.exists()


# --- One participant ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("leader", 200), ("other_leader", 404), ("direktoer", 404), ("administrator", 200)],
)
def test_who_may_read_a_participant(api_as, grethe, persona, expected):
    response = api_as(persona).get(detail_url(grethe))

    assert response.status_code == expected


def test_an_unknown_participant_is_404(leader_api, db):
    assert leader_api.get(api_url("participants/424242/")).status_code == 404


def test_the_leader_records_that_a_participant_left(leader_api, grethe):
    response = leader_api.patch(detail_url(grethe), {"left_on": "2027-03-15"}, format="json")

    assert response.status_code == 200
    assert response.json()["left_on"] == "2027-03-15"
    grethe.refresh_from_db()
    assert grethe.left_on == datetime.date(2027, 3, 15)


def test_a_change_that_breaks_a_rule_is_400_and_not_saved(leader_api, grethe):
    response = leader_api.patch(
        detail_url(grethe), {"name": "Grethe H.", "left_on": "2027-01-31"}, format="json"
    )

    assert response.status_code == 400
    grethe.refresh_from_db()
    assert (grethe.name, grethe.left_on) == ("Grethe Hansen", None)


@pytest.mark.parametrize(("persona", "expected"), [("other_leader", 404), ("administrator", 403)])
def test_only_the_leader_changes_a_participant(api_as, grethe, persona, expected):
    assert api_as(persona).patch(detail_url(grethe), {"name": "X"}, format="json").status_code == expected
    grethe.refresh_from_db()
    assert grethe.name == "Grethe Hansen"


def test_a_participant_of_a_concluded_network_cannot_change(leader_api, leader, active_welfare):
    participant = active_welfare.participants.first()
    services.network_conclude(
        network=active_welfare, by=leader, outcome_summary="Færdig.", track_outcomes=TRACK_OUTCOMES
    )

    response = leader_api.patch(detail_url(participant), {"name": "X"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "read_only"


def test_the_leader_removes_a_participant(leader_api, grethe):
    assert leader_api.delete(detail_url(grethe)).status_code == 204
    assert not Participant.objects.filter(pk=grethe.pk).exists()


@pytest.mark.parametrize(("persona", "expected"), [("other_leader", 404), ("administrator", 403)])
def test_only_the_leader_removes_a_participant(api_as, grethe, persona, expected):
    assert api_as(persona).delete(detail_url(grethe)).status_code == expected
    assert Participant.objects.filter(pk=grethe.pk).exists()


def test_participants_are_not_created_at_their_own_address(leader_api, grethe):
    assert leader_api.post(detail_url(grethe), GRETHE, format="json").status_code == 405
