"""POST /api/v1/auth/token/, token and session authentication, and anonymous requests."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import add_core, add_meetings, api_url

TOKEN_URL = api_url("auth/token/")


def test_a_user_gets_a_token_for_the_right_password(leader):
    response = APIClient().post(TOKEN_URL, {"username": "leder", "password": "pw"}, format="json")

    assert response.status_code == 200
    token = Token.objects.get(user=leader)
    assert response.json()["token"] == token.key
    assert set(response.json()) == {"token", "created", "expires"}


def test_asking_again_gives_the_same_token(leader):
    first = APIClient().post(TOKEN_URL, {"username": "leder", "password": "pw"}, format="json")
    second = APIClient().post(TOKEN_URL, {"username": "leder", "password": "pw"}, format="json")

    assert first.json()["token"] == second.json()["token"]
    assert Token.objects.filter(user=leader).count() == 1


def test_a_wrong_password_is_refused_in_danish(leader):
    response = APIClient().post(TOKEN_URL, {"username": "leder", "password": "forkert"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Kunne ikke logge ind med den angivne legitimation."]}
    assert not Token.objects.exists()


def test_a_deactivated_user_gets_no_token(leader):
    leader.is_active = False
    leader.save()

    response = APIClient().post(TOKEN_URL, {"username": "leder", "password": "pw"}, format="json")

    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [{}, {"username": "leder"}, {"username": ["leder"], "password": {"pw": 1}}, [1, 2], "leder"],
    ids=["empty", "no-password", "wrong-types", "list", "string"],
)
def test_a_malformed_token_request_is_400(leader, body):
    assert APIClient().post(TOKEN_URL, body, format="json").status_code == 400


def test_the_token_endpoint_rejects_get(db):
    assert APIClient().get(TOKEN_URL).status_code == 405


def test_a_token_authenticates_the_following_requests(leader, draft_welfare):
    token = (
        APIClient().post(TOKEN_URL, {"username": "leder", "password": "pw"}, format="json").json()["token"]
    )

    response = APIClient().get(api_url("networks/"), HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert [network["id"] for network in response.json()["results"]] == [draft_welfare.pk]


def test_an_unknown_token_is_401(db):
    response = APIClient().get(api_url("networks/"), HTTP_AUTHORIZATION="Token 0123456789abcdef")

    assert response.status_code == 401
    assert response.json() == {"detail": "Ugyldigt token."}


def test_the_token_of_a_deactivated_user_stops_working(leader, leader_api):
    leader.is_active = False
    leader.save()

    assert leader_api.get(api_url("networks/")).status_code == 401


ENDPOINTS = [
    ("get", "networks/"),
    ("post", "networks/"),
    ("get", "networks/{network}/"),
    ("patch", "networks/{network}/"),
    ("delete", "networks/{network}/"),
    ("post", "networks/{network}/transitions/"),
    ("get", "networks/{network}/participants/"),
    ("post", "networks/{network}/participants/"),
    ("get", "participants/{participant}/"),
    ("patch", "participants/{participant}/"),
    ("delete", "participants/{participant}/"),
    ("get", "networks/{network}/meetings/"),
    ("post", "networks/{network}/meetings/"),
    ("get", "meetings/{meeting}/"),
    ("patch", "meetings/{meeting}/"),
    ("delete", "meetings/{meeting}/"),
    ("get", "networks/{network}/decisions/"),
    ("get", "networks/{network}/history/"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_requests_are_401_and_change_nothing(draft_learning, method, path):
    (participant,) = add_core(draft_learning, 1)
    (meeting,) = add_meetings(draft_learning, 1)
    url = api_url(path.format(network=draft_learning.pk, participant=participant.pk, meeting=meeting.pk))

    response = getattr(APIClient(), method)(url, {"title": "Anonym"}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    draft_learning.refresh_from_db()
    assert draft_learning.title == "Hvem er de frivillige?"
    assert draft_learning.meetings.count() == 1
    assert draft_learning.participants.count() == 1


def test_a_browser_session_works_for_reading(client, leader, draft_welfare):
    client.force_login(leader)

    response = client.get(api_url("networks/"))

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_browser_session_needs_the_csrf_token_to_change_anything(leader, welfare_type):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(leader)
    body = {"title": "Tryghed", "theme": "Tryghed", "type": "welfare"}

    without = client.post(api_url("networks/"), body, format="json")
    csrf_token = client.get("/accounts/login/").cookies["csrftoken"].value
    with_token = client.post(api_url("networks/"), body, format="json", HTTP_X_CSRFTOKEN=csrf_token)

    assert without.status_code == 403
    assert "CSRF" in without.json()["detail"]
    assert with_token.status_code == 201
