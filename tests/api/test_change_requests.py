"""Change requests through the API: the leader asks, Direktørforum decides, and approved content
cannot be patched in place (409 `approved_content_locked`)."""

import datetime

import pytest

from networks import services
from networks.models import ChangeRequest, ChangeRequestStatus
from tests.factories import api_url, approved_innovation_with_plan, fresh


@pytest.fixture
def active(leader, direktoer, innovation_type):
    network = approved_innovation_with_plan(leader, direktoer, innovation_type)
    return services.network_start(network=network, by=leader)


def requests_url(network):
    return api_url(f"networks/{network.pk}/change-requests/")


def decision_url(network, change_request):
    return api_url(f"networks/{network.pk}/change-requests/{change_request.pk}/decision/")


def ask(client, network, changes=None, reason="Byrådet har udvidet visionen."):
    body = {"changes": changes if changes is not None else {"theme": "Frivillighed og fællesskab"}}
    if reason is not None:
        body["reason"] = reason
    return client.post(requests_url(network), body, format="json")


# --- Patching approved content ----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["theme", "purpose", "strategy_reference", "mandate"])
def test_patching_approved_content_is_409(leader_api, active, field):
    response = leader_api.patch(api_url(f"networks/{active.pk}/"), {field: "Noget andet"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "approved_content_locked"
    assert "Anmod i stedet Direktørforum om en ændring" in response.json()["detail"]


def test_patching_the_type_of_an_approved_network_is_409(leader_api, active):
    response = leader_api.patch(api_url(f"networks/{active.pk}/"), {"type": "learning"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "type_locked"


@pytest.mark.parametrize(("past", "status"), [(0, 200), (1, 409)])
def test_patching_the_planned_end_within_the_tolerance_only(leader_api, active, past, status):
    moved = active.planned_end + datetime.timedelta(days=active.type.duration_tolerance_days + past)
    response = leader_api.patch(
        api_url(f"networks/{active.pk}/"), {"planned_end": moved.isoformat()}, format="json"
    )
    assert response.status_code == status
    assert (fresh(active).planned_end == moved) is (status == 200)


def test_patching_a_welfare_network_is_not_locked(leader_api, active_welfare):
    response = leader_api.patch(api_url(f"networks/{active_welfare.pk}/"), {"theme": "Nyt"}, format="json")
    assert response.status_code == 200


# --- Asking -----------------------------------------------------------------------------------------


def test_the_leader_asks_and_gets_the_request_back(leader_api, active):
    response = ask(leader_api, active, {"theme": "Frivillighed og fællesskab", "planned_end": "2028-05-01"})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["changes"] == {"theme": "Frivillighed og fællesskab", "planned_end": "2028-05-01"}
    assert body["previous"] == {"theme": "Frivillighed", "planned_end": active.planned_end.isoformat()}
    assert body["reason"] == "Byrådet har udvidet visionen."
    assert body["requested_by"] == "leder"
    assert body["decided_by"] is None
    assert set(body) >= {"id", "requested_at"}


def test_the_list_is_for_whoever_sees_the_network(api_as, active, leader):
    services.change_request_create(network=active, by=leader, changes={"mandate": "Nyt"}, reason="Fordi.")
    for persona in ("leader", "direktoer", "administrator"):
        response = api_as(persona).get(requests_url(active))
        assert response.status_code == 200
        assert [row["changes"] for row in response.json()["results"]] == [{"mandate": "Nyt"}]
    assert api_as("other_leader").get(requests_url(active)).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("other_leader", 404), ("direktoer", 403)])
def test_only_the_leader_asks(api_as, active, persona, status):
    assert ask(api_as(persona), active).status_code == status
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "reason", "key"),
    [
        ({"title": "Nyt navn"}, "Fordi.", "changes"),
        (["theme"], "Fordi.", "changes"),
        ("theme", "Fordi.", "changes"),
        ({"theme": 5}, "Fordi.", "theme"),
        ({"theme": ["a"]}, "Fordi.", "theme"),
        ({"planned_end": 20280501}, "Fordi.", "planned_end"),
        ({"planned_end": "2028-02-30"}, "Fordi.", "planned_end"),
        ({"theme": "Frivillighed"}, "Fordi.", "theme"),
        ({}, "Fordi.", "changes"),
        ({"theme": "Nyt"}, "", "reason"),
        ({"theme": "Nyt"}, None, "reason"),
    ],
)
def test_bad_input_is_400_with_the_field_named(leader_api, active, changes, reason, key):
    response = ask(leader_api, active, changes, reason)
    assert response.status_code == 400
    assert key in response.json()
    assert not ChangeRequest.objects.exists()


def test_an_unknown_field_is_named_in_danish(leader_api, active):
    response = ask(leader_api, active, {"status": "draft"})
    assert "Ukendt: status." in response.json()["changes"][0]


def test_a_second_request_while_one_waits_is_409(leader_api, active):
    assert ask(leader_api, active).status_code == 201
    response = ask(leader_api, active, {"mandate": "Nyt"})
    assert response.status_code == 409
    assert response.json()["code"] == "change_request_pending"


def test_a_request_for_a_draft_is_409(leader_api, draft_innovation):
    response = ask(leader_api, draft_innovation)
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_status"


# --- Deciding ---------------------------------------------------------------------------------------


@pytest.fixture
def waiting(active, leader):
    return services.change_request_create(
        network=active, by=leader, changes={"theme": "Frivillighed og fællesskab"}, reason="Bredere."
    )


def test_direktoerforum_approves_and_the_change_is_applied(direktoer_api, active, waiting):
    response = direktoer_api.post(decision_url(active, waiting), {"outcome": "approved"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"] == "direktoer"
    assert fresh(active).theme == "Frivillighed og fællesskab"


def test_a_rejection_without_a_comment_is_409_and_with_one_200(direktoer_api, active, waiting):
    url = decision_url(active, waiting)
    response = direktoer_api.post(url, {"outcome": "rejected"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "comment_required")
    response = direktoer_api.post(url, {"outcome": "rejected", "comment": "Hold fast."}, format="json")
    assert response.status_code == 200
    assert response.json()["comment"] == "Hold fast."
    assert fresh(active).theme == "Frivillighed"


def test_the_leader_cannot_decide(leader_api, active, waiting):
    response = leader_api.post(decision_url(active, waiting), {"outcome": "approved"}, format="json")
    assert response.status_code == 403
    assert ChangeRequest.objects.get().status == ChangeRequestStatus.PENDING


def test_an_already_decided_request_is_409(direktoer_api, direktoer2, active, waiting):
    services.change_request_approve(change_request=waiting, by=direktoer2)
    response = direktoer_api.post(
        decision_url(active, waiting), {"outcome": "rejected", "comment": "Nej."}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_decided"
    assert (
        "Der er allerede truffet en beslutning om ændringsanmodningen: godkendt af"
        in response.json()["detail"]
    )


@pytest.mark.parametrize("body", [{"outcome": "maybe"}, {}, {"outcome": "approved", "extra": 1}, []])
def test_a_malformed_decision_is_400(direktoer_api, active, waiting, body):
    response = direktoer_api.post(decision_url(active, waiting), body, format="json")
    assert response.status_code == 400


def test_a_request_of_another_network_is_404(direktoer_api, active, waiting, submitted_innovation):
    response = direktoer_api.post(
        decision_url(submitted_innovation, waiting), {"outcome": "approved"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_query_count_does_not_grow(
    leader_api, active, leader, direktoer, count, django_assert_num_queries
):
    for _ in range(count):
        waiting = services.change_request_create(
            network=active, by=leader, changes={"mandate": "Nyt"}, reason="Fordi."
        )
        services.change_request_reject(change_request=waiting, by=direktoer, comment="Nej.")
    # token with user, groups, network with type and leader, its participants, its meetings,
    # the count for the page, the page of change requests with requester and decider
    with django_assert_num_queries(7):
        assert leader_api.get(requests_url(active)).status_code == 200
