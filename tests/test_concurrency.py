"""Two people acting on the same network at the same moment: exactly one of them wins, the other is told
why, and the database holds exactly what one of them did. On PostgreSQL the services' row locks
(`select_for_update`) serialise them; on SQLite, where that is a no-op, the write lock each
transaction takes at BEGIN (IMMEDIATE, docs/drift.md) does, on a file test database.

Each thread has its own database connection (Django's connections are per thread), so the test's data
must be committed first: hence `transaction=True`. `serialized_rollback` restores the role groups the
migrations created, which the flush after a transactional test would otherwise remove.
"""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from networks import services
from networks.models import Decision, DecisionOutcome, Meeting, MeetingStatus, Network, Status, StatusChange
from tests.factories import add_meetings

pytestmark = [
    pytest.mark.concurrent,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

JOIN_TIMEOUT = 30  # seconds; a thread still running after this is a deadlock, not a slow machine


def race(*actions):
    """Run each action in its own thread, released together by a barrier; return (result, error) pairs."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            outcomes[index] = (action(), None)
        except Exception as exc:  # the loser's refusal is the point of the test
            outcomes[index] = (None, exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, action), daemon=True) for i, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish: deadlock?"
    return outcomes


def split(outcomes):
    winners = [result for result, error in outcomes if error is None]
    errors = [error for _, error in outcomes if error is not None]
    return winners, errors


def test_two_direktoerforum_members_approving_at_once_record_one_decision(
    submitted_innovation, direktoer, direktoer2
):
    # A frozen clock, so the message names a known moment.
    with time_machine.travel(
        datetime.datetime(2027, 2, 3, 10, 15, tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False
    ):
        outcomes = race(
            lambda: services.network_approve(network=submitted_innovation, by=direktoer),
            lambda: services.network_approve(network=submitted_innovation, by=direktoer2),
        )

    winners, errors = split(outcomes)
    assert len(winners) == 1
    assert len(errors) == 1
    (error,) = errors
    assert type(error) is services.DomainError
    assert error.code == "already_decided"

    decision = Decision.objects.select_related("decided_by").get(network=submitted_innovation)
    assert decision.pk == winners[0].pk
    assert (decision.round, decision.outcome) == (1, DecisionOutcome.APPROVED)
    winner_name = decision.decided_by.get_full_name()
    assert winner_name in ("Dorte Direktør", "Dan Direktør")
    assert error.message.startswith(
        f"Der er allerede truffet en beslutning om denne indstilling: godkendt af {winner_name} den "
    )
    assert "2027" in error.message  # and when

    network = Network.objects.get(pk=submitted_innovation.pk)
    assert network.status == Status.APPROVED
    approvals = StatusChange.objects.filter(network=network, to_status=Status.APPROVED)
    assert list(approvals.values_list("from_status", "changed_by")) == [
        (Status.SUBMITTED, decision.decided_by_id)
    ]


def test_approve_and_reject_at_once_record_one_decision(submitted_innovation, direktoer, direktoer2):
    outcomes = race(
        lambda: services.network_approve(network=submitted_innovation, by=direktoer),
        lambda: services.network_reject(network=submitted_innovation, by=direktoer2, comment="Ikke nu."),
    )

    winners, errors = split(outcomes)
    assert len(winners) == 1
    assert [type(error) for error in errors] == [services.DomainError]
    assert errors[0].code == "already_decided"

    (decision,) = Decision.objects.filter(network=submitted_innovation)
    assert decision.pk == winners[0].pk
    expected_status = {
        DecisionOutcome.APPROVED: Status.APPROVED,
        DecisionOutcome.REJECTED: Status.REJECTED,
    }[decision.outcome]
    network = Network.objects.get(pk=submitted_innovation.pk)
    assert network.status == expected_status
    steps = StatusChange.objects.filter(network=network, from_status=Status.SUBMITTED)
    assert list(steps.values_list("to_status", "changed_by")) == [(expected_status, decision.decided_by_id)]


def test_two_people_adding_the_last_allowed_meeting_at_once_leave_the_most(draft_learning, leader):
    most = draft_learning.type.max_meetings
    add_meetings(draft_learning, most - 1)

    def add_last(title):
        return lambda: services.meeting_create(
            network=draft_learning,
            by=leader,
            title=title,
            starts_at=timezone.make_aware(datetime.datetime(2027, 6, 1, 9)),
        )

    outcomes = race(add_last("Møde A"), add_last("Møde B"))

    winners, errors = split(outcomes)
    assert len(winners) == 1
    assert [type(error) for error in errors] == [ValidationError]
    assert "status" in errors[0].message_dict
    counted = Meeting.objects.filter(network=draft_learning).exclude(status=MeetingStatus.CANCELLED)
    assert counted.count() == most
    assert counted.filter(pk=winners[0].pk).exists()
