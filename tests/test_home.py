"""The start page at /: own networks for leaders, the cases for Direktørforum, all for administrators."""

import datetime

import pytest
import time_machine

from networks import services
from networks.models import ActorCategory, MeetingStatus, Network
from tests.factories import add_core, add_meetings, assert_sent_to_login, ready_to_start

NEW_YEAR = datetime.datetime(2027, 1, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def networks(draft_welfare, draft_learning, submitted_innovation, other_leader, welfare_type):
    others = services.network_create(by=other_leader, type=welfare_type, title="Bedre overgange", theme="S")
    return {
        "welfare": draft_welfare,
        "learning": draft_learning,
        "innovation": submitted_innovation,
        "other": others,
    }


def test_anonymous_is_sent_to_login(client, db):
    assert_sent_to_login(client.get("/"))


def test_it_rejects_post(login, leader):
    assert login("leader").post("/").status_code == 405


def test_a_leader_sees_own_networks_with_status_progress_and_findings(login, networks):
    page = login("leader").get("/").content.decode()
    assert "<h1" in page and "Mine netværk" in page
    for key in ("welfare", "learning", "innovation"):
        assert networks[key].title in page
    assert networks["other"].title not in page
    assert "Indstillet til Direktørforum" in page and "Kladde" in page
    assert "0 af 4 trin" in page
    assert "<strong>Mangler:</strong> Fastlæg sprintens første og sidste dag, før netværket starter." in page
    assert 'lang="da"' in page


@time_machine.travel(NEW_YEAR)
def test_the_next_meeting_and_the_sprint_days_left_are_shown(login, leader, draft_welfare):
    Network.objects.filter(pk=draft_welfare.pk).update(
        sprint_start=datetime.date(2026, 12, 28), sprint_end=datetime.date(2027, 1, 20)
    )
    add_meetings(draft_welfare, 2, first=datetime.date(2026, 12, 29))  # Dec 29 (past) and Jan 28
    page = login("leader").get("/").content.decode()
    assert "torsdag 28. januar kl. 09.00 – Netværksmøde 2" in page
    assert "20 dage tilbage af sprinten, i dag medregnet (dag 5 af 24)." in page


def test_networks_with_blocking_findings_come_first(login, leader, learning_type, draft_welfare):
    ready = services.network_create(by=leader, type=learning_type, title="Aaa klar", theme="T")
    ready_to_start(ready)
    add_meetings(ready, learning_type.min_meetings)
    rows = login("leader").get("/").context["my_open"]
    assert [row.network.title for row in rows] == ["Frivillige mod ensomhed", "Aaa klar"]
    assert rows[1].blocking == []


def test_closed_networks_are_listed_apart(login, leader, draft_welfare, draft_learning):
    services.network_cancel(network=draft_learning, by=leader, comment="Droppet")
    response = login("leader").get("/")
    assert [row.network.title for row in response.context["my_closed"]] == ["Hvem er de frivillige?"]
    assert "Vis afsluttede, afviste og annullerede netværk" in response.content.decode()


@pytest.mark.parametrize("persona", ["leader", "outsider"])
def test_someone_without_networks_is_pointed_to_the_type_guide(login, persona, outsider, leader):
    page = login(persona).get("/").content.decode()
    assert "Du har ingen netværk endnu" in page
    assert 'href="/netvaerk/guide/">Find din netværkstype</a>' in page


def test_only_those_who_may_register_get_the_register_button(login, leader, outsider):
    assert 'href="/netvaerk/ny/"' in login("leader").get("/").content.decode()
    assert 'href="/netvaerk/ny/"' not in login("outsider").get("/").content.decode()


def test_direktoerforum_sees_the_cases_awaiting_a_decision_but_not_others_drafts(login, direktoer, networks):
    response = login("direktoer").get("/")
    page = response.content.decode()
    assert "Netværk og sager til Direktørforum" in page
    assert [row.network.title for row in response.context["awaiting_decision"]] == ["Velfærd med frivillige"]
    assert networks["welfare"].title not in page and networks["other"].title not in page


def test_an_administrator_sees_every_open_network(login, administrator, networks):
    response = login("administrator").get("/")
    page = response.content.decode()
    assert "Alle netværk" in page
    for network in networks.values():
        assert network.title in page
    assert "Du har ingen netværk endnu" not in page


@pytest.mark.parametrize("size", [1, 3])
def test_query_count_does_not_grow_with_networks(
    login, administrator, leader, welfare_type, django_assert_num_queries, size
):
    for number in range(size):
        network = services.network_create(by=leader, type=welfare_type, title=f"N{number}", theme="T")
        add_core(network, size)
        add_meetings(network, size)
    # session, user, user's groups (role), networks with type, leader and next meeting, their
    # participants and meetings grouped for the rules (whether a citizen attended a held meeting
    # included: one query for the page, not one per network); a leader's follow-ups to answer (1
    # more: only those with networks of their own); an administrator's count of emails that could
    # not be sent (1 more)
    for persona, queries in (("leader", 7), ("administrator", 7)):
        client = login(persona)
        with django_assert_num_queries(queries):
            assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        ("leader", {"/netvaerk/guide/"}),
        ("direktoer", {"/netvaerk/guide/", "/direktoerforum/"}),
        (
            "administrator",
            {"/netvaerk/guide/", "/direktoerforum/", "/rapporter/", "/admin-vaerktoejer/persondata/"},
        ),
    ],
)
def test_the_menu_offers_each_role_its_own_tools_and_no_others(db, login, persona, links):
    page = login(persona).get("/").content.decode()
    offered = {path for path in ALL_TOOLS if f'class="nav-link" href="{path}"' in page}
    assert offered == links


ALL_TOOLS = ("/netvaerk/guide/", "/direktoerforum/", "/rapporter/", "/admin-vaerktoejer/persondata/")


def test_the_menu_marks_the_persondata_page_as_current_for_an_administrator(db, login):
    page = login("administrator").get("/admin-vaerktoejer/persondata/").content.decode()
    assert 'href="/admin-vaerktoejer/persondata/" aria-current="page"' in page


@pytest.mark.parametrize("size", [1, 3])
def test_citizens_attendance_is_read_once_for_the_page(
    login, leader, welfare_type, django_assert_num_queries, size
):
    for number in range(size):
        network = services.network_create(by=leader, type=welfare_type, title=f"N{number}", theme="T")
        (citizen,) = add_core(network, 1, category=ActorCategory.CITIZEN)
        for meeting in add_meetings(network, 2, status=MeetingStatus.HELD):
            meeting.attendees.add(citizen)
    client = login("leader")
    # as above: the held meetings' citizens come with the grouped meetings
    with django_assert_num_queries(7):
        assert client.get("/").status_code == 200
