"""Participants: add, edit and mark as left (CSV import has its own file)."""

import datetime

import pytest
import time_machine

from networks import services
from networks.models import Participant
from tests.factories import add_core, assert_sent_to_login


@pytest.fixture
def add_url(draft_welfare):
    return f"/netvaerk/{draft_welfare.pk}/deltagere/ny/"


@pytest.fixture
def grethe(leader, draft_welfare):
    return services.participant_add(
        network=draft_welfare,
        by=leader,
        name="Grethe Hansen",
        email="grethe@example.dk",
        actor_category="citizen",
        joined_on=datetime.date(2027, 1, 4),
    )


@pytest.fixture
def edit_url(draft_welfare, grethe):
    return f"/netvaerk/{draft_welfare.pk}/deltagere/{grethe.pk}/rediger/"


@pytest.fixture
def left_url(draft_welfare, grethe):
    return f"/netvaerk/{draft_welfare.pk}/deltagere/{grethe.pk}/udtraadt/"


# --- Adding ---------------------------------------------------------------------------------------


def test_the_add_form_labels_every_field(login, add_url):
    page = login("leader").get(add_url).content.decode()
    for name in ("name", "email", "organisation", "actor_category"):
        assert f'for="id_{name}"' in page
    assert "<legend" in page  # the role radio buttons
    assert 'name="commitment"' not in page  # only learning networks record commitments


def test_a_learning_network_asks_for_the_commitment(login, draft_learning):
    page = login("leader").get(f"/netvaerk/{draft_learning.pk}/deltagere/ny/").content.decode()
    assert 'name="commitment"' in page


@time_machine.travel(datetime.datetime(2027, 2, 1, 10, 0, tzinfo=datetime.UTC))
def test_adding_a_participant_saves_and_returns_to_the_list(login, add_url, draft_welfare):
    response = login("leader").post(
        add_url,
        {
            "name": " Ali Demir ",
            "email": " ALI@Example.dk",
            "actor_category": "volunteer",
            "role": "peripheral",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/netvaerk/{draft_welfare.pk}/#deltagere"
    ali = draft_welfare.participants.get()
    assert (ali.name, ali.email, ali.actor_category, ali.role) == (
        "Ali Demir",
        "ali@example.dk",
        "volunteer",
        "peripheral",
    )
    assert ali.joined_on == datetime.date(2027, 2, 1)
    assert [str(m) for m in response.wsgi_request._messages] == ["Ali Demir er tilføjet."]


def test_save_and_add_another_returns_to_an_empty_form(login, add_url):
    response = login("leader").post(
        add_url, {"name": "A", "actor_category": "citizen", "role": "core", "another": "1"}
    )
    assert response["Location"] == add_url


def test_a_duplicate_email_is_refused_on_the_email_field(login, add_url, grethe):
    page = (
        login("leader")
        .post(
            add_url, {"name": "G", "email": "GRETHE@example.dk", "actor_category": "citizen", "role": "core"}
        )
        .content.decode()
    )
    assert "Der er allerede en deltager med denne e-mail i netværket." in page
    assert 'id="id_email_error"' in page
    assert Participant.objects.count() == 1


def test_missing_name_and_bad_email_get_danish_messages(login, add_url):
    page = (
        login("leader")
        .post(add_url, {"email": "ikke-en-mail", "actor_category": "x", "role": "core"})
        .content
    )
    page = page.decode()
    assert "Skriv deltagerens navn." in page
    assert "Angiv en gyldig e-mailadresse." in page
    assert "Marker en gyldig valgmulighed." in page
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("other_leader", 404), ("direktoer", 404), ("administrator", 403)]
)
def test_only_the_leader_may_add(login, add_url, persona, status):
    assert login(persona).get(add_url).status_code == status
    assert (
        login(persona).post(add_url, {"name": "X", "actor_category": "citizen", "role": "core"}).status_code
        == status
    )
    assert not Participant.objects.exists()


def test_add_sends_anonymous_to_login(client, add_url):
    assert_sent_to_login(client.get(add_url))


def test_add_rejects_put(login, add_url):
    assert login("leader").put(add_url).status_code == 405


def test_a_closed_network_sends_the_leader_back_with_the_reason(login, add_url, draft_welfare, leader):
    services.network_cancel(network=draft_welfare, by=leader, comment="Droppet")
    response = login("leader").post(add_url, {"name": "X", "actor_category": "citizen", "role": "core"})
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Netværket er annulleret og kan ikke længere ændres."
    ]
    assert not Participant.objects.exists()


# --- Editing and leaving -------------------------------------------------------------------------


def test_the_edit_form_shows_the_current_values(login, edit_url):
    page = login("leader").get(edit_url).content.decode()
    assert 'value="Grethe Hansen"' in page and 'value="2027-01-04"' in page
    assert 'name="left_on"' in page


def test_editing_saves(login, edit_url, grethe):
    response = login("leader").post(
        edit_url,
        {"name": "Grethe H.", "email": "grethe@example.dk", "actor_category": "citizen", "role": "peripheral",
         "joined_on": "2027-01-04"},
    )  # fmt: skip
    assert response.status_code == 302
    grethe.refresh_from_db()
    assert (grethe.name, grethe.role) == ("Grethe H.", "peripheral")


def test_leaving_before_joining_is_refused_on_the_left_field(login, edit_url, grethe):
    page = login("leader").post(
        edit_url,
        {"name": "Grethe", "actor_category": "citizen", "role": "core", "joined_on": "2027-01-04",
         "left_on": "2027-01-03"},
    ).content.decode()  # fmt: skip
    assert "Udtrædelsesdatoen kan ikke ligge før den dato, deltageren kom med." in page
    assert 'id="id_left_on_error"' in page
    grethe.refresh_from_db()
    assert grethe.left_on is None


@pytest.mark.parametrize(
    ("persona", "status"), [("other_leader", 404), ("direktoer", 404), ("administrator", 403)]
)
def test_only_the_leader_may_edit(login, edit_url, persona, status):
    assert login(persona).get(edit_url).status_code == status


def test_a_participant_of_another_network_is_404(login, draft_welfare, draft_learning, leader):
    (other,) = add_core(draft_learning, 1)
    assert (
        login("leader").get(f"/netvaerk/{draft_welfare.pk}/deltagere/{other.pk}/rediger/").status_code == 404
    )


def test_edit_sends_anonymous_to_login(client, edit_url):
    assert_sent_to_login(client.get(edit_url))


@time_machine.travel(datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC))
def test_marking_as_left_records_today_and_keeps_the_participant(login, left_url, grethe, draft_welfare):
    response = login("leader").post(left_url)
    assert response["Location"] == f"/netvaerk/{draft_welfare.pk}/#deltagere"
    grethe.refresh_from_db()
    assert grethe.left_on == datetime.date(2027, 3, 1)
    assert [str(m) for m in response.wsgi_request._messages] == ["Grethe Hansen er markeret som udtrådt."]
    page = login("leader").get(draft_welfare.get_absolute_url()).content.decode()
    assert "Udtrådte" in page and "udtrådt 1.3.2027" in page


def test_marking_as_left_needs_post(login, left_url):
    assert login("leader").get(left_url).status_code == 405


@pytest.mark.parametrize(
    ("persona", "status"), [("other_leader", 404), ("direktoer", 404), ("administrator", 403)]
)
def test_only_the_leader_may_mark_someone_as_left(login, left_url, grethe, persona, status):
    assert login(persona).post(left_url).status_code == status
    grethe.refresh_from_db()
    assert grethe.left_on is None


def test_mark_left_sends_anonymous_to_login(client, left_url):
    assert_sent_to_login(client.post(left_url))


def test_query_counts_do_not_grow_with_participants(
    login, add_url, edit_url, draft_welfare, django_assert_num_queries
):
    add_core(draft_welfare, 15)
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings
    with django_assert_num_queries(6):
        assert client.get(add_url).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(edit_url).status_code == 200
