"""Shared by the security and reliability tests: the personas of the access matrix and a network
for them to aim at, and the figures the tests report. The plain helpers (the route walk, row counts,
the fuzz settings, the access table) are in tests/security/support.py.

The figures (matrix size, inputs tried, ...) are printed at the end of the run; with
RELIABILITY_FIGURES=1 (as .ci/run sets it) they are also written into docs/RELIABILITY.md.
"""

import datetime
import os

import pytest
from django.db import connection

from networks import roles, services
from networks.models import FollowUp, Status
from tests.factories import add_core, add_meetings, make_user, ready_to_start
from tests.security import figures


@pytest.fixture
def deactivated(db):
    """A former superuser and administrator whose account has been deactivated: nothing is left."""
    return make_user(
        "tidligere", roles.ADMINISTRATORS, roles.LEADERS, is_staff=True, is_superuser=True, is_active=False
    )


@pytest.fixture
def world(leader, other_leader, direktoer, administrator, deactivated, innovation_type, welfare_type):
    """The leader's approved innovation network (Direktørforum sees it, the other leader does not),
    with participants, meetings, a decision and a change request waiting; the other leader's own
    draft."""
    network = services.network_create(
        by=leader,
        type=innovation_type,
        title="Velfærd med frivillige",
        theme="Frivillighed",
        purpose="Tænk velfærd og frivillighed forfra.",
        strategy_reference="Frivillighedspolitikken",
    )
    network = services.network_submit(network=network, by=leader)
    network = ready_to_start(network)
    add_core(network, 2)
    services.network_approve(network=network, by=direktoer, comment="")
    network.refresh_from_db()
    assert network.status == Status.APPROVED
    meetings = add_meetings(network, 2, first=datetime.date(2027, 2, 1))
    meetings[0].attendees.set(network.participants.all()[:2])
    others = services.network_create(by=other_leader, type=welfare_type, title="Tryghed", theme="Tryghed")
    change_request = services.change_request_create(
        network=network,
        by=leader,
        changes={"theme": "Frivillighed og fællesskab"},
        reason="Temaet er bredere.",
    )
    # A follow-up to aim the follow-up routes at: not yet due, so answering it is refused.
    follow_up = FollowUp.objects.create(network=network, months=3, due=datetime.date(2999, 1, 1))
    return {
        "network": network,
        "change_request": change_request,
        "participant": network.participants.order_by("pk").first(),
        "meeting": meetings[0],
        "others": others,
        "follow_up": follow_up,
        "users": {
            "leader": leader,
            "other_leader": other_leader,
            "direktoer": direktoer,
            "administrator": administrator,
            "deactivated": deactivated,
        },
    }


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = figures.summary_lines()
    if not lines:
        return
    terminalreporter.section("reliability figures")
    for line in lines:
        terminalreporter.write_line(line)
    if os.environ.get("RELIABILITY_FIGURES") == "1" and exitstatus == 0:
        engine = connection.vendor
        figures.write_section(f"tests-{engine}", figures.markdown(engine))
