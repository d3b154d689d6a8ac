"""A network leader's two changes to a draft: deleting it, and changing its type.

Both pages are for the network's leader (someone else's network is 404, a role that may see it
but not change it 403); the services decide whether the network may be deleted or change type,
and the pages offer the actions only where they would.
"""

import datetime
import re

import pytest

from networks import services
from networks.models import Meeting, Network, NetworkType, Participant, Status, StatusChange
from tests.factories import add_core, add_meetings, assert_sent_to_login, ready_to_start

NOT_DELETABLE = "Kun en kladde, der aldrig har været indstillet, kan slettes. Annullér netværket i stedet."
TYPE_LOCKED = "Netværkstypen kan kun ændres, mens netværket er en kladde."
SUBMITTED_READ_ONLY = (
    "Netværket er indstillet til Direktørforum og kan ikke ændres, før der er truffet en beslutning."
)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def delete_url(network):
    return f"/netvaerk/{network.pk}/slet/"


def type_url(network):
    return f"/netvaerk/{network.pk}/type/"


def counts():
    return (
        Network.objects.count(),
        Participant.objects.count(),
        Meeting.objects.count(),
        StatusChange.objects.count(),
    )


@pytest.fixture
def filled_draft(draft_welfare):
    """A fresh welfare draft with two participants and three meetings."""
    add_core(draft_welfare, 2)
    add_meetings(draft_welfare, 3)
    return draft_welfare


@pytest.fixture
def active_learning(leader, draft_learning):
    ready_to_start(draft_learning)
    add_meetings(draft_learning, draft_learning.type.min_meetings)
    return services.network_start(network=draft_learning, by=leader)


@pytest.fixture
def approved_innovation(submitted_innovation, direktoer):
    ready_to_start(submitted_innovation)
    services.network_approve(network=submitted_innovation, by=direktoer)
    submitted_innovation.refresh_from_db()
    return submitted_innovation


@pytest.fixture
def returned_draft(submitted_innovation, direktoer):
    """A draft again after Direktørforum asked for changes: it has a history, so it is not deletable."""
    services.network_request_changes(network=submitted_innovation, by=direktoer, comment="Skarpere formål.")
    submitted_innovation.refresh_from_db()
    assert submitted_innovation.status == Status.DRAFT
    return submitted_innovation


# --- Deleting a draft -------------------------------------------------------------------------------


def test_get_shows_the_confirmation_and_deletes_nothing(login, filled_draft):
    before = counts()
    response = login("leader").get(delete_url(filled_draft))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="h2">Slet kladden “Frivillige mod ensomhed”</h1>' in page
    assert "Kladden slettes sammen med sine deltagere og møder. Det kan ikke fortrydes." in page
    assert "<li>2 deltagere</li>" in page
    assert "<li>3 møder</li>" in page
    assert '<form method="post">' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<button type="submit" class="btn btn-danger">Slet kladden</button>' in page
    assert counts() == before


def test_the_confirmation_counts_in_the_singular(login, draft_welfare):
    add_core(draft_welfare, 1)
    add_meetings(draft_welfare, 1)
    page = login("leader").get(delete_url(draft_welfare)).content.decode()
    assert "<li>1 deltager</li>" in page
    assert "<li>1 møde</li>" in page


def test_post_deletes_the_draft_with_its_participants_and_meetings(login, filled_draft, draft_learning):
    add_core(draft_learning, 1)
    before = counts()
    response = login("leader").post(delete_url(filled_draft))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert messages_of(response) == ["“Frivillige mod ensomhed” er slettet."]
    assert not Network.objects.filter(pk=filled_draft.pk).exists()
    assert not Participant.objects.filter(network_id=filled_draft.pk).exists()
    assert not Meeting.objects.filter(network_id=filled_draft.pk).exists()
    assert not StatusChange.objects.filter(network_id=filled_draft.pk).exists()
    # The draft, its 2 participants, 3 meetings and its one status change ("Oprettet"); nothing else.
    assert counts() == (before[0] - 1, before[1] - 2, before[2] - 3, before[3] - 1)
    assert Network.objects.filter(pk=draft_learning.pk).exists()


def test_the_start_page_after_deleting_shows_the_message(login, draft_welfare):
    response = login("leader").post(delete_url(draft_welfare), follow=True)
    assert response.status_code == 200
    assert "“Frivillige mod ensomhed” er slettet." in response.content.decode()


def test_a_started_network_is_refused_and_nothing_is_deleted(login, active_learning):
    client = login("leader")
    page = client.get(delete_url(active_learning)).content.decode()
    assert NOT_DELETABLE in page
    assert "Slet kladden</button>" not in page
    assert f'href="/netvaerk/{active_learning.pk}/annuller/"' in page
    before = counts()
    response = client.post(delete_url(active_learning))
    assert response.status_code == 302
    assert response["Location"] == active_learning.get_absolute_url()
    assert messages_of(response) == [NOT_DELETABLE]
    assert counts() == before


def test_a_draft_that_was_ever_submitted_must_be_cancelled_instead(login, returned_draft):
    client = login("leader")
    page = client.get(delete_url(returned_draft)).content.decode()
    assert NOT_DELETABLE in page
    assert "annullér det i stedet" in page
    assert "Slet kladden</button>" not in page
    before = counts()
    response = client.post(delete_url(returned_draft))
    assert messages_of(response) == [NOT_DELETABLE]
    assert counts() == before


def test_a_submitted_network_is_refused_and_nothing_is_deleted(login, submitted_innovation):
    # A submitted network cannot be changed at all, so the page (like the edit page) sends the
    # leader back to the network with that reason.
    before = counts()
    client = login("leader")
    for method in (client.get, client.post):
        response = method(delete_url(submitted_innovation), follow=True)
        assert response.redirect_chain == [(submitted_innovation.get_absolute_url(), 302)]
        page = response.content.decode()
        assert SUBMITTED_READ_ONLY in page
        assert "Slet kladde" not in page
    assert counts() == before


def test_another_leader_gets_404_and_nothing_is_deleted(login, draft_welfare, other_leader):
    client = login("other_leader")
    before = counts()
    assert client.get(delete_url(draft_welfare)).status_code == 404
    assert client.post(delete_url(draft_welfare)).status_code == 404
    assert counts() == before


@pytest.mark.parametrize(
    ("persona", "network"), [("administrator", "draft_welfare"), ("direktoer", "submitted_innovation")]
)
def test_a_role_that_may_see_but_not_change_gets_403(login, request, persona, network):
    network = request.getfixturevalue(network)
    client = login(persona)
    before = counts()
    assert client.get(delete_url(network)).status_code == 403
    assert client.post(delete_url(network)).status_code == 403
    assert counts() == before


def test_anonymous_is_sent_to_login(login, draft_welfare):
    client = login("anonymous")
    assert_sent_to_login(client.get(delete_url(draft_welfare)))
    assert_sent_to_login(client.post(delete_url(draft_welfare)))
    assert Network.objects.filter(pk=draft_welfare.pk).exists()


def test_delete_rejects_put_and_delete(login, draft_welfare):
    client = login("leader")
    assert client.put(delete_url(draft_welfare)).status_code == 405
    assert client.delete(delete_url(draft_welfare)).status_code == 405
    assert Network.objects.filter(pk=draft_welfare.pk).exists()


def test_the_network_page_offers_delete_only_where_the_service_would_allow_it(
    login, draft_welfare, submitted_innovation, active_learning
):
    client = login("leader")
    link = 'href="/netvaerk/{}/slet/">Slet kladde…</a>'
    assert link.format(draft_welfare.pk) in client.get(draft_welfare.get_absolute_url()).content.decode()
    for network in (submitted_innovation, active_learning):
        page = client.get(network.get_absolute_url()).content.decode()
        assert "Slet kladde" not in page


def test_the_network_page_offers_no_delete_to_others_who_may_see_it(login, draft_welfare):
    page = login("administrator").get(draft_welfare.get_absolute_url()).content.decode()
    assert "Slet kladde" not in page


def test_a_draft_returned_by_direktoerforum_is_not_offered_for_deletion(login, returned_draft):
    page = login("leader").get(returned_draft.get_absolute_url()).content.decode()
    assert "Slet kladde" not in page


def test_delete_confirmation_query_count(login, filled_draft, django_assert_num_queries):
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings
    with django_assert_num_queries(6):
        assert client.get(delete_url(filled_draft)).status_code == 200


def test_the_check_and_the_service_agree(leader, other_leader, draft_welfare, returned_draft):
    services.network_check_delete(network=draft_welfare, by=leader)
    with pytest.raises(services.RoleRefused):
        services.network_check_delete(network=draft_welfare, by=other_leader)
    with pytest.raises(services.DomainError) as refused:
        services.network_check_delete(network=returned_draft, by=leader)
    assert refused.value.code == "not_deletable"
    with pytest.raises(services.DomainError) as refused_too:
        services.network_delete(network=returned_draft, by=leader)
    assert refused_too.value.code == "not_deletable"


# --- Changing the type of a draft -------------------------------------------------------------------


def test_get_shows_the_three_types_with_their_descriptions(login, draft_welfare, network_types):
    response = login("leader").get(type_url(draft_welfare))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skift netværkstype for “Frivillige mod ensomhed”" in page
    for network_type in network_types.values():
        assert f'value="{network_type.code}"' in page
        assert network_type.name in page
        assert network_type.description in page
    # The current type is chosen to begin with.
    assert re.search(r'<input type="radio"[^>]*value="welfare"[^>]*checked', page)
    assert not re.search(r'<input type="radio"[^>]*value="learning"[^>]*checked', page)
    assert "Felter, der ikke hører til den nye type, bevares, men vises ikke" in page
    assert 'href="/netvaerk/guide/"' in page
    assert 'method="post"' in page and 'name="csrfmiddlewaretoken"' in page


def test_welfare_draft_becomes_a_learning_network(login, draft_welfare, learning_type):
    sprint = (datetime.date(2027, 3, 1), datetime.date(2027, 3, 28))
    Network.objects.filter(pk=draft_welfare.pk).update(sprint_start=sprint[0], sprint_end=sprint[1])
    response = login("leader").post(type_url(draft_welfare), {"type": "learning"})
    assert response.status_code == 302
    assert response["Location"] == draft_welfare.get_absolute_url()
    assert messages_of(response) == ["Netværket er nu et læringsnetværk. Se herunder, hvad typen kræver."]
    draft_welfare.refresh_from_db()
    assert draft_welfare.type == learning_type
    assert draft_welfare.status == Status.DRAFT
    # The welfare network's sprint is kept, though a learning network does not show it.
    assert (draft_welfare.sprint_start, draft_welfare.sprint_end) == sprint


def test_choosing_the_same_type_changes_nothing(login, draft_welfare, welfare_type):
    response = login("leader").post(type_url(draft_welfare), {"type": "welfare"})
    assert response.status_code == 302
    assert messages_of(response) == ["Netværket er allerede et velfærdsnetværk; intet er ændret."]
    draft_welfare.refresh_from_db()
    assert draft_welfare.type == welfare_type


@pytest.mark.parametrize("network", ["active_learning", "approved_innovation"])
def test_a_network_past_the_draft_is_refused_on_the_form(login, request, network):
    network = request.getfixturevalue(network)
    type_before = network.type_id
    client = login("leader")
    page = client.get(type_url(network)).content.decode()
    assert TYPE_LOCKED in page
    assert "Skift typen</button>" not in page
    response = client.post(type_url(network), {"type": "welfare"})
    assert response.status_code == 200
    assert TYPE_LOCKED in response.context["form"].non_field_errors()
    assert TYPE_LOCKED in response.content.decode()
    network.refresh_from_db()
    assert network.type_id == type_before


def test_a_draft_sent_back_by_direktoerforum_keeps_its_type(login, returned_draft, network_types):
    # Another type would start without the approval the innovation network is still waiting for.
    client = login("leader")
    refused = "Netværkstypen kan ikke ændres, når netværket har været indstillet til Direktørforum."
    assert "Skift netværkstype" not in client.get(returned_draft.get_absolute_url()).content.decode()
    response = client.post(type_url(returned_draft), {"type": "welfare"})
    assert response.status_code == 200
    assert refused in response.context["form"].non_field_errors()
    returned_draft.refresh_from_db()
    assert returned_draft.type.code == "innovation"
    with pytest.raises(services.DomainError, match="indstillet til Direktørforum"):
        services.network_update(
            network=returned_draft, by=returned_draft.leader, type=network_types["welfare"]
        )


def test_a_submitted_network_is_refused_and_unchanged(login, submitted_innovation, innovation_type):
    # Nothing about a submitted network may change, so the page sends the leader back with that reason.
    response = login("leader").post(type_url(submitted_innovation), {"type": "welfare"})
    assert response.status_code == 302
    assert response["Location"] == submitted_innovation.get_absolute_url()
    assert messages_of(response) == [SUBMITTED_READ_ONLY]
    submitted_innovation.refresh_from_db()
    assert submitted_innovation.type == innovation_type


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"type": "xyz"}, "Vælg en af de tre netværkstyper."),
        ({}, "Vælg en netværkstype."),
        ({"type": ""}, "Vælg en netværkstype."),
        ({"type": "\x00"}, "Vælg en af de tre netværkstyper."),
        ({"type": "ø" * 5000}, "Vælg en af de tre netværkstyper."),
    ],
)
def test_an_invalid_choice_is_a_danish_error_on_the_field(login, draft_welfare, welfare_type, data, error):
    response = login("leader").post(type_url(draft_welfare), data)
    assert response.status_code == 200
    assert response.context["form"].errors["type"] == [error]
    assert error in response.content.decode()
    draft_welfare.refresh_from_db()
    assert draft_welfare.type == welfare_type


def test_another_leader_gets_404_and_nothing_changes(login, draft_welfare, other_leader, welfare_type):
    client = login("other_leader")
    assert client.get(type_url(draft_welfare)).status_code == 404
    assert client.post(type_url(draft_welfare), {"type": "learning"}).status_code == 404
    draft_welfare.refresh_from_db()
    assert draft_welfare.type == welfare_type


@pytest.mark.parametrize(
    ("persona", "network"), [("administrator", "draft_welfare"), ("direktoer", "submitted_innovation")]
)
def test_a_role_that_may_see_but_not_change_the_type_gets_403(login, request, persona, network):
    network = request.getfixturevalue(network)
    type_before = network.type_id
    client = login(persona)
    assert client.get(type_url(network)).status_code == 403
    assert client.post(type_url(network), {"type": "learning"}).status_code == 403
    network.refresh_from_db()
    assert network.type_id == type_before


def test_anonymous_is_sent_to_login_for_the_type(login, draft_welfare):
    client = login("anonymous")
    assert_sent_to_login(client.get(type_url(draft_welfare)))
    assert_sent_to_login(client.post(type_url(draft_welfare), {"type": "learning"}))


def test_the_type_change_link_is_offered_only_for_drafts(login, draft_welfare, active_learning):
    client = login("leader")
    link = f'href="/netvaerk/{draft_welfare.pk}/type/">Skift netværkstype</a>'
    assert link in client.get(draft_welfare.get_absolute_url()).content.decode()
    assert link in client.get(f"/netvaerk/{draft_welfare.pk}/rediger/").content.decode()
    for url in (active_learning.get_absolute_url(), f"/netvaerk/{active_learning.pk}/rediger/"):
        assert "Skift netværkstype" not in client.get(url).content.decode()


def test_the_type_change_link_is_not_offered_to_others(login, draft_welfare):
    page = login("administrator").get(draft_welfare.get_absolute_url()).content.decode()
    assert "Skift netværkstype" not in page


def test_type_change_query_count(login, draft_welfare, network_types, django_assert_num_queries):
    client = login("leader")
    # session, user, groups, network with type and leader, participants, meetings, network types
    with django_assert_num_queries(7):
        assert client.get(type_url(draft_welfare)).status_code == 200


def test_the_type_check_and_the_service_agree(leader, other_leader, draft_welfare, active_learning):
    services.network_check_type_change(network=draft_welfare, by=leader)
    with pytest.raises(services.RoleRefused):
        services.network_check_type_change(network=draft_welfare, by=other_leader)
    welfare = NetworkType.objects.get(code="welfare")
    for call in (
        lambda: services.network_check_type_change(network=active_learning, by=leader),
        lambda: services.network_update(network=active_learning, by=leader, type=welfare),
    ):
        with pytest.raises(services.DomainError) as refused:
            call()
        assert refused.value.code == "type_locked"


# --- In English -------------------------------------------------------------------------------------


def test_both_pages_and_their_messages_are_translated(login, draft_welfare, draft_learning):
    client = login("leader")
    client.cookies["django_language"] = "en"
    page = client.get(delete_url(draft_welfare)).content.decode()
    assert "Delete the draft “Frivillige mod ensomhed”" in page
    assert "The draft is deleted together with its participants and meetings. This cannot be undone." in page
    assert "0 participants" in page and "0 meetings" in page
    page = client.get(type_url(draft_learning)).content.decode()
    assert "Change the network type of “Hvem er de frivillige?”" in page
    assert "Fields that do not belong to the new type are kept but not shown" in page
    response = client.post(type_url(draft_learning), {"type": "welfare"})
    assert messages_of(response) == [
        "The network is now a velfærdsnetværk. See below what the type requires."
    ]
    response = client.post(delete_url(draft_welfare), follow=True)
    assert "“Frivillige mod ensomhed” has been deleted." in response.content.decode()
