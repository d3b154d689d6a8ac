"""The overview at /: each role sees the networks it may see, with their findings."""

import pytest

from networks import services
from tests.conftest import add_core, add_meetings


@pytest.fixture
def networks(draft_welfare, draft_learning, submitted_innovation, other_leader, welfare_type):
    others = services.network_create(
        by=other_leader, type=welfare_type, title="Bedre overgange", theme="Sammenhæng"
    )
    return {
        "welfare": draft_welfare,
        "learning": draft_learning,
        "innovation": submitted_innovation,
        "other": others,
    }


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")


def test_leader_sees_own_networks_and_their_findings(client, leader, networks):
    client.force_login(leader)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mine netværk" in page
    for key in ("welfare", "learning", "innovation"):
        assert networks[key].title in page
    assert networks["other"].title not in page
    assert "Fastlæg sprintens første og sidste dag, før netværket starter." in page
    assert 'lang="da"' in page


def test_direktoerforum_sees_submitted_innovation_networks_but_not_others_drafts(client, direktoer, networks):
    client.force_login(direktoer)
    page = client.get("/").content.decode()
    assert networks["innovation"].title in page
    assert networks["welfare"].title not in page
    assert networks["other"].title not in page


def test_administrator_sees_every_network(client, administrator, networks):
    client.force_login(administrator)
    page = client.get("/").content.decode()
    assert "Alle netværk" in page
    for network in networks.values():
        assert network.title in page


def test_a_leader_without_networks_is_told_so(client, outsider):
    client.force_login(outsider)
    page = client.get("/").content.decode()
    assert "Der er ingen igangværende netværk, du har adgang til." in page


def test_it_rejects_post(client, leader):
    client.force_login(leader)
    assert client.post("/").status_code == 405


def test_query_count_does_not_grow_with_networks(client, administrator, networks, django_assert_num_queries):
    for network in networks.values():
        add_core(network, 3)
        add_meetings(network, 2)
    client.force_login(administrator)
    # session, user, user's groups (role), networks with type and leader, participants, meetings
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200
