"""seed_scale: the benchmark's data set is large, realistic, deterministic, and valid by the rules."""

import datetime
import io
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.utils import timezone

from networks import roles, rules, services
from networks.management.commands.seed_scale import BUSIEST_LEADER_SHARE, STATUS_WEIGHTS
from networks.models import (
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingStatus,
    Network,
    NetworkTypeCode,
    Participant,
    Status,
    StatusChange,
)

TODAY = datetime.date(2027, 3, 15)
N = 60


def seed(networks=N, **options):
    call_command("seed_scale", networks=networks, today=TODAY.isoformat(), stdout=io.StringIO(), **options)


@pytest.fixture
def seeded(db):
    seed(seed=7)
    return list(Network.objects.with_related().prefetch_related("decisions", "status_changes").order_by("pk"))


def test_it_makes_n_networks_with_8_to_25_participants_each(seeded):
    assert len(seeded) == N
    sizes = [len(network.participants.all()) for network in seeded]
    assert min(sizes) >= 8
    assert max(sizes) <= 25


def test_every_type_has_every_status_it_can_have(seeded):
    found = {(network.type.code, network.status) for network in seeded}
    expected = {(code, status) for code, weights in STATUS_WEIGHTS.items() for status in weights}
    assert found == expected
    assert {code for code, _ in found} == set(NetworkTypeCode.values)
    assert {status for _, status in found} == set(Status.values)


def test_people_recur_across_networks_by_email(seeded):
    networks_per_email = Counter(
        Participant.objects.exclude(email="").values_list("email", flat=True).order_by()
    )
    assert max(networks_per_email.values()) >= 2


def test_leaders_direktoerforum_and_administrators_are_in_their_groups(seeded):
    leaders = User.objects.filter(username__startswith="leder")
    assert leaders.count() == 50
    assert all(roles.is_leader(user) for user in leaders)
    members = User.objects.filter(username__startswith="direktoer")
    assert members.count() == 5
    assert all(roles.is_direktoerforum(user) for user in members)
    assert all(roles.is_administrator(u) for u in User.objects.filter(username__startswith="administrator"))
    # The benchmark's dashboard leader leads a fixed share of the networks (25 from N = 100 on).
    assert Network.objects.filter(leader__username="leder01").count() == N // 4


def test_the_busiest_leader_leads_their_share_of_the_networks(seeded):
    # The benchmark's busiest leader: 2.5 % of N (250 at N = 10.000, more than any other leader).
    assert Network.objects.filter(leader__username="leder02").count() == int(N * BUSIEST_LEADER_SHARE) == 1


def test_the_networks_fields_are_valid_by_the_rules(seeded):
    for network in seeded:
        assert rules.network_field_errors(network) == {}, network
        network.full_clean()


def test_learning_networks_keep_their_meeting_limits(seeded):
    for network in seeded:
        counted = [m for m in network.meetings.all() if m.status != MeetingStatus.CANCELLED]
        if network.type.max_meetings:
            assert len(counted) <= network.type.max_meetings, network
        if network.type.min_meetings and network.started_at:
            assert len(counted) >= network.type.min_meetings, network


def test_welfare_sprints_are_at_most_the_types_maximum(seeded):
    for network in seeded:
        if network.type.sprint_max_days and network.sprint_start:
            length = rules.sprint_length_days(network.sprint_start, network.sprint_end)
            assert length <= network.type.sprint_max_days


def test_each_state_is_one_the_services_could_reach(seeded):
    for network in seeded:
        started = network.status in (Status.ACTIVE, Status.CONCLUDED)
        if started:
            assert network.started_at is not None
            assert rules.blocking(network, rules.Action.START, today=TODAY) == [], network
        if network.status in (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.REJECTED):
            assert network.started_at is None
        if network.status == Status.CONCLUDED:
            assert network.concluded_at > network.started_at
            assert rules.blocking(network, rules.Action.CONCLUDE, today=TODAY) == []
        else:
            assert network.concluded_at is None
        if network.type.requires_approval and network.submission_round:
            assert rules.blocking(network, rules.Action.SUBMIT, today=TODAY) == []


def test_the_status_history_leads_to_the_status(seeded):
    now = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time()))
    for network in seeded:
        changes = sorted(network.status_changes.all(), key=lambda c: (c.changed_at, c.pk))
        assert changes[0].from_status == "" and changes[0].to_status == Status.DRAFT
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_status == before.to_status, network
        assert changes[-1].to_status == network.status
        assert changes[-1].changed_at < now
        assert network.created_at == changes[0].changed_at


def test_innovation_networks_have_a_submission_and_a_decision_per_round(seeded):
    for network in seeded:
        if not network.type.requires_approval:
            assert network.submission_round == 0
            assert not network.decisions.all()
            continue
        submissions = [c for c in network.status_changes.all() if c.to_status == Status.SUBMITTED]
        assert len(submissions) == network.submission_round
        decisions = sorted(network.decisions.all(), key=lambda d: d.round)
        waiting = network.status == Status.SUBMITTED or (
            network.status == Status.CANCELLED
            and sorted(network.status_changes.all(), key=lambda c: c.changed_at)[-1].from_status
            == Status.SUBMITTED
        )
        assert [d.round for d in decisions] == list(
            range(1, network.submission_round + (0 if waiting else 1))
        ), network
        for decision in decisions[:-1]:
            assert decision.outcome == DecisionOutcome.CHANGES_REQUESTED
        if network.status in (Status.APPROVED, Status.ACTIVE, Status.CONCLUDED):
            assert decisions[-1].outcome == DecisionOutcome.APPROVED
        if network.status == Status.REJECTED:
            assert decisions[-1].outcome == DecisionOutcome.REJECTED
        for decision in decisions:
            assert roles.is_direktoerforum(decision.decided_by)
            assert decision.decided_by != network.leader


def test_held_meetings_are_attended_by_the_networks_own_participants(seeded):
    attendances = Meeting.attendees.through.objects.select_related("meeting", "participant")
    assert attendances.exists()
    for row in attendances:
        assert row.meeting.network_id == row.participant.network_id
        assert row.meeting.status == MeetingStatus.HELD


def test_the_services_accept_the_seeded_data(seeded):
    # A seeded draft is an ordinary draft: its leader can change it and add to it.
    draft = next(n for n in seeded if n.status == Status.DRAFT and n.type.code == NetworkTypeCode.WELFARE)
    services.participant_add(network=draft, by=draft.leader, name="Ny deltager")
    services.network_update(network=draft, by=draft.leader, title="Ny titel")


def snapshot(networks):
    """The seeded rows without their ids, in creation order."""
    return [
        (
            n.title,
            n.type_id,
            n.leader_id,
            n.status,
            n.created_at,
            n.started_at,
            n.concluded_at,
            n.sprint_start,
            n.sprint_end,
            n.planned_start,
            n.planned_end,
            [(p.name, p.email, p.role, p.joined_on, p.left_on) for p in n.participants.order_by("pk")],
            [(m.starts_at, m.status, m.attendees.count()) for m in n.meetings.order_by("pk")],
            [(c.to_status, c.changed_at, c.changed_by_id) for c in n.status_changes.order_by("pk")],
            [(d.round, d.outcome, d.decided_at, d.decided_by_id) for d in n.decisions.order_by("pk")],
        )
        for n in networks
    ]


def test_the_same_seed_gives_the_same_data_without_new_users(db):
    seed(networks=20, seed=3, password="x")
    users = User.objects.count()
    first = snapshot(Network.objects.order_by("pk"))

    seed(networks=20, seed=3, password="x", force=True)

    assert User.objects.count() == users
    second = snapshot(Network.objects.order_by("pk")[20:])
    assert first == second


def test_another_seed_gives_other_data(db):
    seed(networks=20, seed=3)
    first = snapshot(Network.objects.order_by("pk"))
    seed(networks=20, seed=4, force=True)
    assert snapshot(Network.objects.order_by("pk")[20:]) != first


def test_it_refuses_to_seed_twice_without_force(db):
    seed(networks=16)
    with pytest.raises(CommandError, match="allerede 16 netværk fra seed_scale"):
        seed(networks=16)
    assert Network.objects.count() == 16


def test_it_refuses_a_database_with_other_data(leader, welfare_type):
    services.network_create(by=leader, type=welfare_type, title="Rigtigt netværk", theme="T")
    with pytest.raises(CommandError, match="som seed_scale ikke har lavet"):
        seed(networks=16)
    assert Network.objects.count() == 1


def test_seeded_users_have_the_given_password(db):
    seed(networks=16, password="benchmark-adgang")
    assert User.objects.get(username="leder01").check_password("benchmark-adgang")


def test_without_a_password_nobody_can_log_in(db):
    seed(networks=16)
    assert not User.objects.get(username="leder01").has_usable_password()


def test_the_report_and_the_queue_have_something_to_show(seeded):
    assert Network.objects.filter(status=Status.SUBMITTED).exists()
    assert Decision.objects.exists()
    assert StatusChange.objects.filter(to_status=Status.CANCELLED).exists()
    several = (
        Participant.objects.exclude(email="")
        .values("email")
        .annotate(n=Count("network", distinct=True))
        .filter(n__gt=1)
    )
    assert several.exists()
    assert Meeting.objects.filter(Q(status=MeetingStatus.HELD), attendees__isnull=False).exists()
