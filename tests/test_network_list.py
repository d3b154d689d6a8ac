"""The list at /netvaerk/: every network the user may see, filtered by type and status, paginated."""

import datetime

import pytest

from networks import services
from networks.models import ActorCategory, MeetingStatus, Network, Status
from networks.views.leader import PAGE_SIZE
from tests.factories import add_core, add_meetings, assert_sent_to_login

URL = "/netvaerk/"


@pytest.fixture
def networks(draft_welfare, draft_learning, submitted_innovation, other_leader, welfare_type):
    others = services.network_create(by=other_leader, type=welfare_type, title="Bedre overgange", theme="S")
    return {
        "welfare": draft_welfare,
        "learning": draft_learning,
        "innovation": submitted_innovation,
        "other": others,
    }


def titles(response):
    return [row.network.title for row in response.context["rows"]]


def test_a_leader_sees_own_networks_in_title_order(login, networks):
    response = login("leader").get(URL)
    assert response.status_code == 200
    assert titles(response) == ["Frivillige mod ensomhed", "Hvem er de frivillige?", "Velfærd med frivillige"]
    assert "3 netværk" in response.content.decode()


def test_the_type_filter(login, networks):
    assert titles(login("leader").get(URL, {"type": "learning"})) == ["Hvem er de frivillige?"]


def test_the_status_filter(login, networks):
    assert titles(login("leader").get(URL, {"status": Status.SUBMITTED})) == ["Velfærd med frivillige"]


def test_both_filters_together_can_match_nothing(login, networks):
    response = login("leader").get(URL, {"type": "learning", "status": Status.ACTIVE})
    assert titles(response) == []
    assert "Ingen netværk passer til filteret." in response.content.decode()


def test_an_unknown_filter_value_is_explained_and_nothing_is_filtered(login, networks):
    response = login("leader").get(URL, {"status": "hemmelig"})
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed. hemmelig er ikke en af de tilgængelige valgmuligheder." in (
        response.content.decode()
    )
    assert len(titles(response)) == 3


def test_the_filters_are_labelled(login, networks):
    page = login("leader").get(URL).content.decode()
    assert 'for="id_type"' in page and 'for="id_status"' in page


def test_direktoerforum_sees_only_innovation_networks_that_were_submitted(login, direktoer, networks):
    assert titles(login("direktoer").get(URL)) == ["Velfærd med frivillige"]


def test_an_administrator_sees_every_network(login, administrator, networks):
    assert len(titles(login("administrator").get(URL))) == 4


def test_a_long_list_is_paginated_and_keeps_its_filters(login, leader, welfare_type, networks):
    for number in range(PAGE_SIZE + 2):
        services.network_create(by=leader, type=welfare_type, title=f"Netværk {number:02d}", theme="T")
    client = login("leader")
    first = client.get(URL, {"type": "welfare"})
    assert len(titles(first)) == PAGE_SIZE
    page = first.content.decode()
    assert "Side 1 af 2" in page
    assert 'href="?type=welfare&amp;side=2"' in page
    second = client.get(URL, {"type": "welfare", "side": "2"})
    assert len(titles(second)) == 3  # 27 created here and the draft welfare fixture


def test_a_page_number_out_of_range_shows_the_last_page(login, networks):
    assert titles(login("leader").get(URL, {"side": "99"})) == titles(login("leader").get(URL))
    assert login("leader").get(URL, {"side": "x"}).status_code == 200


def test_anonymous_is_sent_to_login(client, db):
    assert_sent_to_login(client.get(URL))


def test_it_rejects_post(login, leader):
    assert login("leader").post(URL).status_code == 405


@pytest.mark.parametrize("size", [1, 4])
def test_query_count_does_not_grow_with_networks_participants_or_meetings(
    login, administrator, leader, learning_type, django_assert_num_queries, size
):
    for number in range(size):
        network = services.network_create(by=leader, type=learning_type, title=f"N{number}", theme="T")
        add_core(network, size)
        add_meetings(network, size)
    assert Network.objects.count() == size
    client = login("administrator")
    # session, user, groups, count, networks with type, leader and next meeting, their participants
    # and meetings grouped for the rules
    with django_assert_num_queries(7):
        assert client.get(URL, {"type": "learning"}).status_code == 200


@pytest.mark.parametrize("size", [1, 4])
def test_citizens_at_held_meetings_cost_no_query_per_network(
    login, leader, welfare_type, django_assert_num_queries, size
):
    # The welfare rule "a citizen attended a held meeting" is read for the whole page at once.
    for number in range(size):
        network = services.network_create(by=leader, type=welfare_type, title=f"V{number}", theme="T")
        citizen = add_core(network, 1, category=ActorCategory.CITIZEN)[0]
        for meeting in add_meetings(network, 2, status=MeetingStatus.HELD):
            meeting.attendees.set([citizen])
        add_meetings(network, 1, first=datetime.date(2099, 1, 1))
    client = login("leader")
    with django_assert_num_queries(7):
        response = client.get(URL)
    rows = response.context["rows"]
    assert len(rows) == size
    assert all(row.next_meeting.starts_at.date() == datetime.date(2099, 1, 1) for row in rows)
    assert all(row.network.rule_facts.citizen_attended_held for row in rows)


def test_every_status_has_its_badge_with_its_word(login, leader, welfare_type):
    from networks.choices import STATUS_BADGE

    assert set(STATUS_BADGE) == set(Status)
    network = services.network_create(by=leader, type=welfare_type, title="Farver", theme="T")
    client = login("leader")
    for status, colour in [(Status.DRAFT, "text-bg-secondary"), (Status.CANCELLED, "text-bg-danger")]:
        Network.objects.filter(pk=network.pk).update(status=status)
        page = client.get(URL).content.decode()
        assert f'<span class="badge rounded-pill {colour}">{status.label}</span>' in page
