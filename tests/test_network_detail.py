"""The read-only network page at /netvaerk/<id>/."""

import pytest

from networks import services


@pytest.fixture
def url(draft_welfare):
    return draft_welfare.get_absolute_url()


def test_it_works_for_the_leader(client, leader, draft_welfare, url):
    services.participant_add(network=draft_welfare, by=leader, name="Grethe", actor_category="citizen")
    client.force_login(leader)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert draft_welfare.title in page
    assert "Grethe" in page and "Borger" in page
    assert "Afklar mandatet" in page
    assert "Der er ikke planlagt nogen møder endnu." in page


def test_someone_elses_network_is_404(client, other_leader, url):
    client.force_login(other_leader)
    assert client.get(url).status_code == 404


def test_a_missing_network_is_404(client, leader, db):
    client.force_login(leader)
    assert client.get("/netvaerk/999999/").status_code == 404


def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_direktoerforum_sees_a_submitted_case_with_its_decisions(
    client, direktoer, submitted_innovation, leader
):
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skærp formålet.")
    services.network_submit(network=submitted_innovation, by=leader)
    client.force_login(direktoer)
    page = client.get(submitted_innovation.get_absolute_url()).content.decode()
    assert "Runde 1: Ændringer ønsket" in page
    assert "Skærp formålet." in page


def test_it_rejects_post(client, leader, url):
    client.force_login(leader)
    assert client.post(url).status_code == 405


def test_query_count(client, leader, draft_welfare, url, django_assert_num_queries):
    client.force_login(leader)
    # session, user, groups, network with type and leader, participants, meetings, decisions, status changes
    with django_assert_num_queries(8):
        client.get(url)
