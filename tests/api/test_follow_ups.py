"""The API's follow-ups: on the network's detail, and answered by its leader at
/api/v1/networks/{id}/follow-ups/{follow_up_id}/answer/."""

import datetime

import pytest

from networks.models import NetworkType
from tests.factories import api_url, at, conclude_on

AUGUST_31 = datetime.date(2027, 8, 31)
IN_OPERATION = {"in_operation": "partly", "owner": "Plejecenter Albertshøj"}


@pytest.fixture
def concluded(active_welfare, time_machine):
    return conclude_on(time_machine, active_welfare, AUGUST_31)


def answer_url(follow_up):
    return api_url(f"networks/{follow_up.network_id}/follow-ups/{follow_up.pk}/answer/")


def test_the_detail_lists_the_follow_ups(leader_api, concluded):
    (months,) = NetworkType.objects.get(code="welfare").follow_up_months
    follow_up = concluded.follow_ups.get()
    body = leader_api.get(api_url(f"networks/{concluded.pk}/")).json()
    assert body["follow_ups"] == [
        {
            "id": follow_up.pk,
            "months": months,
            "due": "2027-11-30",
            "status": "upcoming",
            "answers": {},
            "answered_at": None,
        }
    ]


def test_the_list_has_no_follow_ups(leader_api, concluded):
    (row,) = leader_api.get(api_url("networks/")).json()["results"]
    assert "follow_ups" not in row


def test_the_leader_answers_from_the_due_day(leader_api, concluded, time_machine):
    follow_up = concluded.follow_ups.get()
    time_machine.move_to(at(follow_up.due, 15, 32), tick=False)
    response = leader_api.post(answer_url(follow_up), IN_OPERATION, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "id": follow_up.pk,
        "months": follow_up.months,
        "due": "2027-11-30",
        "status": "answered",
        "answers": IN_OPERATION,
        "answered_at": "2027-11-30T15:32:00+01:00",
    }
    detail = leader_api.get(api_url(f"networks/{concluded.pk}/")).json()
    assert detail["follow_ups"][0]["status"] == "answered"


def test_before_the_due_day_it_is_409_with_the_due_date(leader_api, concluded, time_machine):
    follow_up = concluded.follow_ups.get()
    time_machine.move_to(at(follow_up.due - datetime.timedelta(days=1)), tick=False)
    response = leader_api.post(answer_url(follow_up), IN_OPERATION, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "not_due",
        "detail": "Opfølgningen kan først besvares fra den 30. november 2027.",
        "findings": [],
    }


def test_a_second_answer_is_409(leader_api, concluded, time_machine):
    follow_up = concluded.follow_ups.get()
    time_machine.move_to(at(follow_up.due, 9), tick=False)
    assert leader_api.post(answer_url(follow_up), IN_OPERATION, format="json").status_code == 200
    response = leader_api.post(answer_url(follow_up), {"in_operation": "no"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_answered"
    assert response.json()["detail"].startswith(
        "Opfølgningen er allerede besvaret den 30. november 2027 kl. 09.00"
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"in_operation": "yes"},
            {"owner": ["Skriv, hvem der ejer løsningen, når den er helt eller delvist i drift."]},
        ),
        ({"in_operation": 1}, {"in_operation": ["Vælg blandt svarene: “Ja”, “Delvist”, “Nej”."]}),
        (["yes"], {"detail": "Send svarene som et JSON-objekt med ét felt pr. spørgsmål."}),
    ],
)
def test_invalid_answers_are_400_by_question(leader_api, concluded, time_machine, body, errors):
    follow_up = concluded.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    response = leader_api.post(answer_url(follow_up), body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    follow_up.refresh_from_db()
    assert not follow_up.is_answered


@pytest.mark.parametrize(
    ("persona", "status"), [("direktoer", 404), ("administrator", 403), ("other_leader", 404)]
)
def test_only_the_leader_answers(api_as, concluded, time_machine, persona, status):
    # Direktørforum sees no welfare network (404); an administrator sees it but may not answer (403).
    follow_up = concluded.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    response = api_as(persona).post(answer_url(follow_up), IN_OPERATION, format="json")
    assert response.status_code == status
    follow_up.refresh_from_db()
    assert not follow_up.is_answered


def test_direktoerforum_may_not_answer_an_innovation_follow_up(
    direktoer_api, active_innovation, time_machine
):
    network = conclude_on(time_machine, active_innovation, AUGUST_31)
    follow_up = network.follow_ups.get(months=3)
    time_machine.move_to(at(follow_up.due), tick=False)
    response = direktoer_api.post(answer_url(follow_up), {"effect": "X", "next_steps": "Y"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_leader"


def test_an_unknown_follow_up_is_404(leader_api, concluded):
    response = leader_api.post(
        api_url(f"networks/{concluded.pk}/follow-ups/999999/answer/"), {}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("answered", [False, True])
def test_the_detail_of_a_concluded_network_costs_one_query_more(
    leader_api, concluded, leader, time_machine, django_assert_num_queries, answered
):
    if answered:
        follow_up = concluded.follow_ups.get()
        time_machine.move_to(at(follow_up.due), tick=False)
        leader_api.post(answer_url(follow_up), IN_OPERATION, format="json")
    # What any network's detail costs (tests/api/test_networks.py), and the follow-ups
    with django_assert_num_queries(6):
        assert leader_api.get(api_url(f"networks/{concluded.pk}/")).status_code == 200


# token with its user, groups, the network with type and leader, its participants, its meetings;
# the follow-up; a savepoint, the network locked, the follow-up locked, the network's participants,
# the update, the release.
def test_answering_costs_a_fixed_number_of_queries(
    leader_api, concluded, time_machine, django_assert_num_queries
):
    follow_up = concluded.follow_ups.get()
    time_machine.move_to(at(follow_up.due), tick=False)
    with django_assert_num_queries(12):
        assert leader_api.post(answer_url(follow_up), IN_OPERATION, format="json").status_code == 200
