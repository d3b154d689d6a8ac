"""A double-submitted registration form (a double click, a POST sent again) makes one network."""

import re
import threading
from http.cookies import SimpleCookie

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client

from networks.models import Network
from networks.views.leader import FORM_KEY_FIELD

URL = "/netvaerk/ny/?type=welfare"


def form_key(client) -> str:
    page = client.get(URL).content.decode()
    match = re.search(rf'name="{FORM_KEY_FIELD}" value="([^"]+)"', page)
    assert match, "the form carries a one-time key"
    return match.group(1)


def test_the_form_carries_a_new_one_time_key_each_time(client, leader, welfare_type):
    client.force_login(leader)
    assert form_key(client) != form_key(client)


def test_sending_the_same_form_twice_makes_one_network(client, leader, welfare_type):
    client.force_login(leader)
    data = {"title": "Frivillige", "theme": "Frivillighed", FORM_KEY_FIELD: form_key(client)}
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert Network.objects.filter(title="Frivillige").count() == 1
    network = Network.objects.get(title="Frivillige")
    assert first["Location"] == second["Location"] == network.get_absolute_url()
    assert "allerede oprettet" in " ".join(str(m) for m in get_messages(second.wsgi_request))


def test_the_form_sent_again_after_its_draft_was_deleted_makes_a_new_draft(client, leader, welfare_type):
    # Back in the browser and sent again: the first draft is gone, so there is nothing to show but
    # a new one (not a 404 for the deleted one).
    client.force_login(leader)
    data = {"title": "Frivillige", "theme": "Frivillighed", FORM_KEY_FIELD: form_key(client)}
    client.post(URL, data)
    first = Network.objects.get(title="Frivillige")
    client.post(f"/netvaerk/{first.pk}/slet/")
    assert not Network.objects.filter(pk=first.pk).exists()

    again = client.post(URL, data)
    second = Network.objects.get(title="Frivillige")
    assert second.pk != first.pk
    assert again["Location"] == second.get_absolute_url()
    assert client.get(again["Location"]).status_code == 200


def test_two_forms_make_two_networks(client, leader, welfare_type):
    client.force_login(leader)
    for key in (form_key(client), form_key(client)):
        client.post(URL, {"title": "Frivillige", "theme": "Frivillighed", FORM_KEY_FIELD: key})
    assert Network.objects.filter(title="Frivillige").count() == 2


def test_a_form_sent_back_with_errors_keeps_its_key(client, leader, welfare_type):
    client.force_login(leader)
    key = form_key(client)
    page = client.post(URL, {"title": "", "theme": "Frivillighed", FORM_KEY_FIELD: key}).content.decode()
    assert f'value="{key}"' in page
    client.post(URL, {"title": "Rettet", "theme": "Frivillighed", FORM_KEY_FIELD: key})
    client.post(URL, {"title": "Rettet", "theme": "Frivillighed", FORM_KEY_FIELD: key})
    assert Network.objects.filter(title="Rettet").count() == 1


def test_a_forged_or_odd_key_is_ignored_rather_than_refused(client, leader, welfare_type):
    client.force_login(leader)
    for key in ("kort", "ø" * 40, "x" * 64):
        response = client.post(URL, {"title": f"Net {key[:3]}", "theme": "T", FORM_KEY_FIELD: key})
        assert response.status_code in (200, 302)
    assert client.post(URL, {"title": "T", "theme": "T", FORM_KEY_FIELD: "x" * 65}).status_code == 200


def test_another_session_cannot_reuse_the_key_to_reach_the_network(leader, other_leader, welfare_type):
    mine, theirs = Client(), Client()
    mine.force_login(leader)
    theirs.force_login(other_leader)
    key = form_key(mine)
    mine.post(URL, {"title": "Min", "theme": "T", FORM_KEY_FIELD: key})
    theirs.post(URL, {"title": "Deres", "theme": "T", FORM_KEY_FIELD: key})
    assert set(Network.objects.values_list("title", flat=True)) == {"Min", "Deres"}


@pytest.mark.concurrent
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_copies_of_the_form_arriving_at_once_make_one_network(leader, welfare_type):
    # Same session, same key, sent by two threads at the same moment: the session row's lock
    # (on SQLite, the write lock its transaction takes at BEGIN) makes the second wait for the
    # first and then find the key used.
    client = Client()
    client.force_login(leader)
    key = form_key(client)
    cookies = SimpleCookie(client.cookies)
    barrier = threading.Barrier(2)
    statuses = []

    def send():
        copy = Client()
        copy.cookies = SimpleCookie(cookies)
        try:
            barrier.wait()
            statuses.append(
                copy.post(URL, {"title": "Samtidig", "theme": "T", FORM_KEY_FIELD: key}).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert Network.objects.filter(title="Samtidig").count() == 1
