"""The type parameters and the demo load cleanly and tell the seed's volunteering story."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from networks import roles, rules
from networks.models import ActorCategory, MeetingStatus, Network, NetworkType, Status


@pytest.fixture
def demo(db):
    call_command("loaddata", "network_types", "demo", verbosity=0)


def test_network_types_hold_the_rule_parameters(network_types):
    assert set(network_types) == {"innovation", "welfare", "learning"}
    innovation, welfare, learning = (network_types[c] for c in ("innovation", "welfare", "learning"))
    assert innovation.requires_approval and not welfare.requires_approval and not learning.requires_approval
    assert welfare.sprint_max_days == 28
    assert (learning.min_meetings, learning.max_meetings, learning.plan_months) == (4, 5, 6)
    assert innovation.plan_months == 12
    for network_type in network_types.values():
        network_type.full_clean()


def test_loading_the_type_fixture_twice_changes_nothing(network_types):
    call_command("loaddata", "network_types", verbosity=0)
    assert NetworkType.objects.count() == 3


def test_demo_users_log_in_with_the_demo_password_and_have_their_roles(demo):
    for username in ("leder", "leder2", "direktoer", "admin"):
        assert authenticate(username=username, password="demo") is not None, username
    leader = authenticate(username="leder", password="demo")
    direktoer = authenticate(username="direktoer", password="demo")
    admin = authenticate(username="admin", password="demo")
    assert roles.is_leader(leader) and not roles.is_direktoerforum(leader)
    assert roles.is_direktoerforum(direktoer) and not roles.is_leader(direktoer)
    assert roles.is_administrator(admin) and admin.is_superuser


def test_demo_tells_the_volunteering_theme_in_each_type(demo):
    by_type = {n.type.code: n for n in Network.objects.with_related().filter(leader__username="leder")}
    assert set(by_type) == {"innovation", "welfare", "learning"}
    assert {n.theme for n in by_type.values()} == {"Frivillighed i Albertslund"}

    innovation = by_type["innovation"]
    assert innovation.status == Status.SUBMITTED
    assert innovation.submission_round == 1 and not innovation.decisions.exists()

    welfare = by_type["welfare"]
    assert welfare.status == Status.ACTIVE
    assert welfare.sprint_start and welfare.sprint_end
    assert welfare.participants.filter(actor_category=ActorCategory.CITIZEN).count() >= 2

    learning = by_type["learning"]
    assert learning.status == Status.ACTIVE
    assert learning.meetings.exclude(status=MeetingStatus.CANCELLED).count() == 5

    assert Network.objects.filter(leader__username="leder2").exists()


def test_demo_networks_are_valid_and_keep_the_rules(demo):
    for network in Network.objects.with_related():
        network.full_clean()
        for participant in network.participants.all():
            participant.full_clean()
        for meeting in network.meetings.all():
            meeting.full_clean()
        # Nothing in the demo breaks a rule that makes data invalid (blocks every action).
        assert [f.code for f in rules.all_findings(network) if f.blocks and not f.actions] == []


def test_demo_draft_of_the_second_leader_shows_what_it_needs_before_it_starts(demo):
    draft = Network.objects.with_related().get(leader__username="leder2")
    codes = {f.code for f in rules.findings(draft)}
    assert {"mandate_not_clarified", "too_few_core_participants", "sprint_window_missing"} <= codes
