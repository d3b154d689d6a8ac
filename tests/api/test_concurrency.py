"""Two Direktørforum members approve the same case through the API at the same moment: one gets 200,
the other 409, and exactly one decision is recorded, on PostgreSQL (row locks) and on SQLite (the
database's write lock, on a file test database).

Each thread has its own database connection (Django's connections are per thread), so the test's data
must be committed first: hence `transaction=True`; `serialized_rollback` restores the role groups the
migrations created, which the flush after a transactional test would otherwise remove.
"""

import threading

import pytest
from django.db import connection

from networks import roles
from networks.models import Decision, Network, Status, StatusChange
from tests.factories import api_url, as_user, make_user

pytestmark = [
    pytest.mark.concurrent,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

JOIN_TIMEOUT = 30  # seconds; a thread still running after this is a deadlock, not a slow machine


def post_at_once(requests):
    """Send each (client, url, body) from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def send(index, client, url, body):
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            responses[index] = client.post(url, body, format="json")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(index, *request), daemon=True)
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a request did not finish: deadlock?"
    return responses


def test_two_approvals_at_once_give_one_200_and_one_409(submitted_innovation, direktoer, direktoer2):
    url = api_url(f"networks/{submitted_innovation.pk}/transitions/")
    approve = {"action": "approve", "meeting_date": "2027-02-03"}

    responses = post_at_once([(as_user(direktoer), url, approve), (as_user(direktoer2), url, approve)])

    assert sorted(response.status_code for response in responses) == [200, 409]
    winner = next(response for response in responses if response.status_code == 200)
    loser = next(response for response in responses if response.status_code == 409)
    assert winner.json()["status"] == "approved"
    assert loser.json()["code"] == "already_decided"
    assert loser.json()["detail"].startswith(
        "Der er allerede truffet en beslutning om denne indstilling: godkendt af"
    )
    (decision,) = Decision.objects.filter(network=submitted_innovation)
    assert decision.round == 1
    assert Network.objects.get(pk=submitted_innovation.pk).status == Status.APPROVED
    approvals = StatusChange.objects.filter(network=submitted_innovation, to_status=Status.APPROVED)
    assert list(approvals.values_list("changed_by", flat=True)) == [decision.decided_by_id]


def test_six_members_approving_at_once_get_one_200_five_409_and_no_server_error(submitted_innovation):
    # Six members of Direktørforum approve the same case in the same instant: one decision is
    # recorded, the other five are told it was already made; none waits into an error.
    members = [
        make_user(f"medlem{n}", roles.DIREKTOERFORUM, first_name="Medlem", last_name=str(n)) for n in range(6)
    ]
    clients = [as_user(member) for member in members]
    for client in clients:
        client.raise_request_exception = False  # a server error counts as its 500, not a crash
    url = api_url(f"networks/{submitted_innovation.pk}/transitions/")
    approve = {"action": "approve", "meeting_date": "2027-02-03"}

    responses = post_at_once([(client, url, approve) for client in clients])

    assert sorted(response.status_code for response in responses) == [200, 409, 409, 409, 409, 409]
    (decision,) = Decision.objects.filter(network=submitted_innovation)
    winner = next(response for response in responses if response.status_code == 200)
    assert winner.json()["status"] == "approved"
    for loser in (response for response in responses if response.status_code == 409):
        assert loser.json()["code"] == "already_decided"
    assert Network.objects.get(pk=submitted_innovation.pk).status == Status.APPROVED
    approvals = StatusChange.objects.filter(network=submitted_innovation, to_status=Status.APPROVED)
    assert list(approvals.values_list("changed_by", flat=True)) == [decision.decided_by_id]
