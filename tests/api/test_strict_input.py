"""The API takes what its schema says and nothing else: a number is not a text, an empty filter is
not "no filter", a page position must be a whole number, and an unknown field is refused."""

import pytest

from networks.models import Network

NOT_TEXT = "Skal være tekst (en JSON-streng)."


@pytest.mark.parametrize("value", [123, 1.5, True, ["a"], {"a": 1}])
def test_a_text_field_refuses_anything_but_a_string_and_stores_nothing(api_as, network_types, value):
    response = api_as("leader").post(
        "/api/v1/networks/", {"title": value, "theme": "Tema", "type": "welfare"}, format="json"
    )
    assert response.status_code == 400
    assert NOT_TEXT in response.json()["title"][0] or response.json()["title"]
    assert not Network.objects.exists()


def test_a_number_for_a_text_is_refused_with_a_danish_message(api_as, network_types):
    response = api_as("leader").post(
        "/api/v1/networks/", {"title": 123, "theme": "Tema", "type": "welfare"}, format="json"
    )
    assert response.json() == {"title": [NOT_TEXT]}


def test_a_participant_name_and_email_must_be_strings(api_as, draft_welfare):
    url = f"/api/v1/networks/{draft_welfare.pk}/participants/"
    response = api_as("leader").post(url, {"name": 7, "email": 7}, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == [NOT_TEXT]
    assert response.json()["email"] == [NOT_TEXT]


def test_an_empty_type_filter_is_refused_not_ignored(api_as, draft_welfare):
    response = api_as("leader").get("/api/v1/networks/?type=")
    assert response.status_code == 400
    assert "type" in response.json()


@pytest.mark.parametrize("query", ["offset=null", "offset=-1", "limit=0", "limit=abc", "offset=1&offset=2"])
def test_a_page_position_that_is_not_a_whole_number_is_refused(api_as, draft_welfare, query):
    response = api_as("leader").get(f"/api/v1/networks/?{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert response.json()[name] == [f"Skal være ét helt tal på mindst {1 if name == 'limit' else 0}."]


def test_a_valid_page_position_still_pages(api_as, draft_welfare):
    response = api_as("leader").get("/api/v1/networks/?limit=1&offset=0")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_the_schema_says_unknown_fields_are_refused(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    for name in ("NetworkRequest", "PatchedNetworkDetailRequest", "ParticipantRequest", "TransitionRequest"):
        assert schema["components"]["schemas"][name]["additionalProperties"] is False, name
