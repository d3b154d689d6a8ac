"""Two Direktørforum members deciding the same change request at the same moment, through the page.

Exactly one decision lands (and, if it is an approval, is applied once); the other member is told,
in Danish, which decision won. Each request runs in its own thread with its own database
connection, so the data must be committed first (`transaction=True`). Runs on PostgreSQL (the row
locks) and on SQLite (the database's write lock, on a file test database). `serialized_rollback`
restores the role groups the migrations created.
"""

import pytest

from networks import services
from networks.models import ChangeRequest, ChangeRequestStatus, Network, Status
from tests.factories import approved_innovation_with_plan, meet_past_the_page_checks, post_at_once

pytestmark = [
    pytest.mark.concurrent,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUCCESS = "Beslutningen er registreret:"
ALREADY_DECIDED = "Der er allerede truffet en beslutning om ændringsanmodningen"
POSTS = (
    {"outcome": "approved", "comment": ""},
    {"outcome": "rejected", "comment": "Hold fast i temaet."},
)


@pytest.fixture
def waiting(network_types, leader, direktoer):
    network = approved_innovation_with_plan(leader, direktoer, network_types["innovation"])
    network = services.network_start(network=network, by=leader)
    return services.change_request_create(
        network=network, by=leader, changes={"theme": "Frivillighed og fællesskab"}, reason="Bredere."
    )


def assert_one_decision_and_the_loser_told(waiting, direktoer, direktoer2, results):
    for result in results:
        assert not isinstance(result, Exception), repr(result)
        assert result.status_code == 200, result.status_code
    decided = ChangeRequest.objects.select_related("decided_by").get(pk=waiting.pk)
    assert decided.status != ChangeRequestStatus.PENDING
    pages = {direktoer.pk: results[0].content.decode(), direktoer2.pk: results[1].content.decode()}
    winner_page = pages.pop(decided.decided_by_id)
    (loser_page,) = pages.values()

    label = decided.get_status_display().lower()
    assert f"{SUCCESS} {label}." in winner_page
    assert ALREADY_DECIDED not in winner_page
    assert f"{ALREADY_DECIDED}: {label} af {decided.decided_by.get_full_name()} den " in loser_page
    assert SUCCESS not in loser_page

    network = Network.objects.get(pk=waiting.network_id)
    assert network.status == Status.ACTIVE
    approved = decided.status == ChangeRequestStatus.APPROVED
    assert network.theme == ("Frivillighed og fællesskab" if approved else "Frivillighed")


def test_two_members_deciding_at_the_same_moment_record_one_decision(waiting, direktoer, direktoer2):
    url = f"/direktoerforum/aendringsanmodning/{waiting.pk}/"
    results = post_at_once(url, [(direktoer, POSTS[0]), (direktoer2, POSTS[1])])
    assert_one_decision_and_the_loser_told(waiting, direktoer, direktoer2, results)


def test_both_requests_past_the_page_checks_still_record_one_decision(
    monkeypatch, waiting, direktoer, direktoer2
):
    # The tightest interleaving: both requests have read the request as waiting and passed the
    # page's checks before either takes the locks. Only the locks stand between them.
    meet_past_the_page_checks(monkeypatch, "_decide_change_request")
    url = f"/direktoerforum/aendringsanmodning/{waiting.pk}/"
    results = post_at_once(url, [(direktoer, POSTS[0]), (direktoer2, POSTS[1])])
    assert_one_decision_and_the_loser_told(waiting, direktoer, direktoer2, results)
