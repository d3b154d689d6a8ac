"""GET /api/v1/reports/summary/: the report's figures as JSON, for administrators only."""

import datetime
import json

import pytest
import time_machine

from networks import reporting, services
from networks.reporting import cache
from tests.factories import add_core, add_meetings, api_url

URL = api_url("reports/summary/")


@pytest.fixture
def portfolio(draft_welfare, draft_learning, submitted_innovation, leader):
    add_core(draft_welfare, 2)
    add_meetings(draft_learning, 3)
    return [draft_welfare, draft_learning, submitted_innovation]


@time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_it_gives_the_administrator_the_same_figures_as_the_report(administrator_api, portfolio):
    response = administrator_api.get(URL)
    assert response.status_code == 200
    expected = reporting.summary(reporting.ReportFilter.from_params({}))
    assert response.json() == json.loads(json.dumps(expected, default=str))
    assert response.json()["networks"] == 3


def test_a_filter_narrows_the_figures(administrator_api, portfolio):
    body = administrator_api.get(URL, {"type": "welfare"}).json()
    assert body["networks"] == 1
    assert body["filter"]["type"] == "welfare"


def test_a_bad_filter_is_a_400_with_danish_messages_per_parameter(administrator_api, portfolio):
    response = administrator_api.get(URL, {"fra": "31-02-2027", "type": "ukendt"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Filteret er ugyldigt."
    assert set(body["errors"]) == {"fra", "type"}


@pytest.mark.parametrize("persona", ["leader", "other_leader", "direktoer"])
def test_other_roles_are_refused(api_as, persona, portfolio):
    response = api_as(persona).get(URL)
    assert response.status_code == 403
    assert response.json()["detail"] == "Kun administratorer har adgang til rapporterne."


def test_anonymous_is_refused(api_as, db):
    assert api_as(None).get(URL).status_code == 401


def test_it_rejects_post(administrator_api, db):
    assert administrator_api.post(URL, {}, format="json").status_code == 405


def test_no_participant_name_or_email_is_in_the_figures(administrator_api, draft_welfare, leader):
    services.participant_add(
        network=draft_welfare, by=leader, name="Hemmelig Person", email="hemmelig@example.dk"
    )
    text = administrator_api.get(URL).content.decode()
    assert "Hemmelig Person" not in text
    assert "hemmelig@example.dk" not in text


def test_query_count_does_not_grow_with_networks(
    administrator_api, portfolio, leader, welfare_type, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40) as few:
        administrator_api.get(URL)
    baseline = len(few.captured_queries)
    for i in range(5):
        network = services.network_create(by=leader, type=welfare_type, title=f"Ekstra {i}", theme="T")
        add_core(network, 3)
        add_meetings(network, 2)
    with django_assert_max_num_queries(baseline):
        assert administrator_api.get(URL).status_code == 200


def test_the_second_request_reads_the_figures_from_the_shared_cache(
    administrator_api, portfolio, monkeypatch, django_assert_max_num_queries
):
    first = administrator_api.get(URL).json()
    monkeypatch.setattr(cache, "summary", lambda *args, **kwargs: pytest.fail("computed again"))
    # Token, user and groups, the data's version, the cached row: nothing is counted again.
    with django_assert_max_num_queries(5):
        assert administrator_api.get(URL).json() == first


def test_a_change_shows_on_the_next_request(administrator_api, portfolio, leader, welfare_type):
    before = administrator_api.get(URL).json()["networks"]
    services.network_create(by=leader, type=welfare_type, title="Nyt netværk", theme="T")
    assert administrator_api.get(URL).json()["networks"] == before + 1


def test_each_filter_is_cached_on_its_own(administrator_api, portfolio):
    assert administrator_api.get(URL).json()["networks"] == 3
    assert administrator_api.get(URL, {"type": "welfare"}).json()["networks"] == 1
    assert administrator_api.get(URL).json()["networks"] == 3
