"""Two Direktørforum members deciding the same case at the same moment, through the page.

Exactly one decision lands; the other member is told, in Danish, which decision won. Each request
runs in its own thread with its own database connection, so the data must be committed first
(`transaction=True`). Runs on PostgreSQL (the row lock) and on SQLite (the database's write lock,
on a file test database). `serialized_rollback` restores the role groups the migrations created,
which the flush after a transactional test removes.
"""

import pytest

from networks.models import Decision, DecisionOutcome, Network, Status, StatusChange
from tests.factories import meet_past_the_page_checks, post_at_once

pytestmark = [
    pytest.mark.concurrent,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUCCESS = "Beslutningen er registreret:"
ALREADY_DECIDED = "Der er allerede truffet en beslutning om denne indstilling"
OUTCOME_LABEL = {
    DecisionOutcome.APPROVED: "godkendt",
    DecisionOutcome.CHANGES_REQUESTED: "ændringer ønsket",
}


def assert_one_decision_and_the_loser_told(network, direktoer, direktoer2, results):
    for result in results:
        assert not isinstance(result, Exception), repr(result)
        assert result.status_code == 200, result.status_code
    (decision,) = Decision.objects.select_related("decided_by").filter(network=network)
    pages = {
        direktoer.pk: results[0].content.decode(),
        direktoer2.pk: results[1].content.decode(),
    }
    winner_page = pages.pop(decision.decided_by_id)
    (loser_page,) = pages.values()

    label = OUTCOME_LABEL[decision.outcome]
    assert f"{SUCCESS} {label}." in winner_page
    assert ALREADY_DECIDED not in winner_page
    assert f"{ALREADY_DECIDED}: {label} af {decision.decided_by.get_full_name()} " in loser_page
    assert SUCCESS not in loser_page

    status = {DecisionOutcome.APPROVED: Status.APPROVED, DecisionOutcome.CHANGES_REQUESTED: Status.DRAFT}
    assert Network.objects.get(pk=network.pk).status == status[decision.outcome]
    steps = StatusChange.objects.filter(network=network, from_status=Status.SUBMITTED)
    assert list(steps.values_list("changed_by", flat=True)) == [decision.decided_by_id]


POSTS = (
    {"outcome": "approved", "comment": "", "meeting_date": "2027-02-03"},
    {"outcome": "changes_requested", "comment": "Skærp formålet.", "meeting_date": "2027-02-03"},
)


def test_two_members_posting_at_the_same_moment_record_one_decision(
    submitted_innovation, direktoer, direktoer2
):
    url = f"/direktoerforum/sag/{submitted_innovation.pk}/"
    results = post_at_once(url, [(direktoer, POSTS[0]), (direktoer2, POSTS[1])])
    assert_one_decision_and_the_loser_told(submitted_innovation, direktoer, direktoer2, results)


def test_both_requests_past_the_page_checks_still_record_one_decision(
    monkeypatch, submitted_innovation, direktoer, direktoer2
):
    # The tightest interleaving: both requests have read the case as waiting and passed the page's
    # checks before either takes the lock. Only the lock (and the one-decision-per-round
    # constraint) stands between them.
    meet_past_the_page_checks(monkeypatch, "_decide")
    url = f"/direktoerforum/sag/{submitted_innovation.pk}/"
    results = post_at_once(url, [(direktoer, POSTS[0]), (direktoer2, POSTS[1])])
    assert_one_decision_and_the_loser_told(submitted_innovation, direktoer, direktoer2, results)
