"""Lists of networks read the rules' facts by two grouped queries instead of every participant and
meeting; the findings, the checklist and the progress must be exactly those the rows give."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command

from networks import rules, selectors
from networks.models import (
    ActorCategory,
    Meeting,
    MeetingStatus,
    Network,
    Participant,
    ParticipantRole,
)
from tests.factories import add_core

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
SEEDED_ON = datetime.date(2027, 3, 15)


def _both_ways(today):
    """Per network: (what the rows give, what the grouped queries give)."""
    from_rows = {n.pk: n for n in Network.objects.with_related()}
    grouped = selectors.with_rule_facts(Network.objects.select_related("type", "leader"))
    for network in grouped:
        yield (
            (
                rules.all_findings(from_rows[network.pk], today=today),
                rules.progress(from_rows[network.pk], today=today),
            ),
            (rules.all_findings(network, today=today), rules.progress(network, today=today)),
        )


def test_every_seeded_network_has_the_same_findings_and_progress_either_way(db):
    call_command("seed_scale", networks=120, seed=3, today=SEEDED_ON.isoformat(), stdout=io.StringIO())
    compared = 0
    for today in (SEEDED_ON, SEEDED_ON + datetime.timedelta(days=45)):
        for rows, grouped in _both_ways(today):
            assert grouped == rows
            compared += 1
    assert compared == 240
    # The comparison covers findings that depend on participants and on meetings (the seeded data
    # keeps the core and citizen rules; the edge cases below break them).
    codes = {f.code for n in Network.objects.with_related() for f in rules.all_findings(n, today=SEEDED_ON)}
    assert {"commitments_missing", "too_few_meetings"} <= codes


def test_findings_and_progress_together_are_the_two_asked_apart(db):
    # The lists ask the rules once per network for both; the network page asks for each.
    call_command("seed_scale", networks=120, seed=5, today=SEEDED_ON.isoformat(), stdout=io.StringIO())
    networks = list(Network.objects.with_related())
    progress_seen = set()
    for today in (SEEDED_ON, SEEDED_ON + datetime.timedelta(days=45)):
        for network in networks:
            together = rules.findings_and_progress(network, today=today)
            assert together == (rules.findings(network, today=today), rules.progress(network, today=today))
            steps = rules.checklist(network, today=today)
            assert together[1] == (sum(step.done for step in steps), len(steps))
            progress_seen.add(together[1])
    # Networks at every stage: none done, some done, all done.
    assert len({done for done, _ in progress_seen}) >= 3


def _at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=COPENHAGEN)


@pytest.mark.parametrize(
    "sprint_end", [datetime.date(2027, 1, 29), datetime.date(2027, 7, 30)]
)  # winter, summer
def test_the_edges_give_the_same_facts_either_way(draft_welfare, sprint_end):
    network = draft_welfare
    network.sprint_start = sprint_end - datetime.timedelta(days=20)
    network.sprint_end = sprint_end
    network.save()
    core = network.type.min_core_participants - 1  # one too few
    add_core(network, core)
    add_core(network, 1, category=ActorCategory.CITIZEN, role=ParticipantRole.PERIPHERAL)
    # Left the network: counts for nothing, not even its category.
    gone = add_core(network, 1, category=ActorCategory.BUSINESS)[0]
    gone.left_on = network.sprint_start
    gone.save()
    # Spaces only are no commitment.
    Participant.objects.filter(network=network).update(commitment="   ")
    day_after = sprint_end + datetime.timedelta(days=1)
    for starts_at, status in [
        (_at(sprint_end, 23, 30), MeetingStatus.PLANNED),  # late in the evening of the last day: inside
        (_at(day_after, 0, 30), MeetingStatus.PLANNED),  # just after midnight, local time: after the sprint
        (_at(day_after, 9), MeetingStatus.CANCELLED),  # cancelled: does not count
    ]:
        Meeting.objects.create(network=network, title="Møde", starts_at=starts_at, status=status)

    grouped = selectors.with_rule_facts([Network.objects.get(pk=network.pk)])[0].rule_facts
    from_rows = rules.RuleFacts.from_rows(network.participants.all(), network.meetings.all())
    assert grouped == from_rows
    assert grouped.core_count == core
    assert grouped.categories == {ActorCategory.EMPLOYEE, ActorCategory.CITIZEN}
    assert grouped.core_without_commitment == tuple(sorted(p.name for p in network.participants.all()[:core]))
    assert grouped.meeting_days == (sprint_end, day_after)
    found = rules.findings(selectors.with_rule_facts([network])[0])
    assert "too_few_core_participants" in {f.code for f in found}  # one core participant too few
    late = [f for f in found if f.code == "meetings_after_sprint"]
    assert [f.message for f in late] == [
        "1 møde ligger efter sprintens sidste dag. Flyt det ind i sprinten, eller aflys det."
    ]

    Participant.objects.filter(pk=network.participants.first().pk).update(
        commitment="  Bruger metoden i teamet "
    )
    assert len(selectors.with_rule_facts([network])[0].rule_facts.core_without_commitment) == core - 1


def test_held_meetings_and_the_core_without_commitments_are_the_same_either_way(draft_learning):
    network = draft_learning
    day = datetime.date(2027, 2, 1)
    for offset, status in enumerate(
        [MeetingStatus.HELD, MeetingStatus.HELD, MeetingStatus.PLANNED, MeetingStatus.CANCELLED]
    ):
        Meeting.objects.create(
            network=network,
            title="Møde",
            starts_at=_at(day + datetime.timedelta(days=20 * offset), 9),
            status=status,
        )
    answers = {
        "Åse": {},  # neither: missing
        "Bo": {"commitment": "Bruger kortet"},
        "Cai": {"no_commitment_reason": "Skifter job"},
        "Dan": {"commitment": "   ", "no_commitment_reason": "  "},  # spaces only: missing
        "Bo ": {},  # another participant of nearly the same name: missing too
    }
    for name, texts in answers.items():
        Participant.objects.create(network=network, name=name, role=ParticipantRole.CORE, **texts)
    # Neither counts: a peripheral participant without a commitment, and a core participant who left.
    Participant.objects.create(network=network, name="Eva", role=ParticipantRole.PERIPHERAL)
    Participant.objects.create(network=network, name="Finn", left_on=day)
    # Two core participants of the same name, both missing: both named.
    Participant.objects.create(network=network, name="Åse", role=ParticipantRole.CORE)

    grouped = selectors.with_rule_facts([Network.objects.get(pk=network.pk)])[0].rule_facts
    from_rows = rules.RuleFacts.from_rows(network.participants.all(), network.meetings.all())

    assert grouped == from_rows
    assert grouped.held_meeting_count == 2
    assert grouped.core_without_commitment == ("Bo ", "Dan", "Åse", "Åse")
    assert len(grouped.meeting_days) == 3


def test_a_network_without_participants_or_meetings_has_empty_facts(draft_learning):
    facts = selectors.with_rule_facts([draft_learning])[0].rule_facts
    assert facts == rules.RuleFacts() == rules.RuleFacts.from_rows([], [])


def test_two_queries_whatever_the_number_of_networks(db, django_assert_num_queries):
    call_command("seed_scale", networks=40, seed=5, today=SEEDED_ON.isoformat(), stdout=io.StringIO())
    few = list(Network.objects.select_related("type")[:3])
    many = list(Network.objects.select_related("type"))
    for networks in (few, many):
        with django_assert_num_queries(2):
            selectors.with_rule_facts(networks)
        with django_assert_num_queries(0):
            for network in networks:
                rules.findings(network)
    with django_assert_num_queries(0):
        assert selectors.with_rule_facts([]) == []


def test_citizens_at_held_meetings_are_the_same_facts_either_way(draft_welfare):
    network = draft_welfare
    (citizen,) = add_core(network, 1, category=ActorCategory.CITIZEN)
    (employee,) = add_core(network, 1)
    day = datetime.date(2027, 3, 2)
    held = Meeting.objects.create(
        network=network, title="Møde", starts_at=_at(day, 10), status=MeetingStatus.HELD
    )
    held.attendees.set([employee])
    # A citizen at a planned and at a cancelled meeting: neither is a held meeting.
    for status in (MeetingStatus.PLANNED, MeetingStatus.CANCELLED):
        other = Meeting.objects.create(network=network, title="Møde", starts_at=_at(day, 14), status=status)
        other.attendees.set([citizen])

    def both():
        grouped = selectors.with_rule_facts([Network.objects.get(pk=network.pk)])[0].rule_facts
        from_rows = rules.RuleFacts.from_rows(network.participants.all(), network.meetings.all())
        prefetched = Network.objects.prefetch_related("participants", "meetings__attendees").get(
            pk=network.pk
        )
        from_prefetched = rules.RuleFacts.from_rows(prefetched.participants.all(), prefetched.meetings.all())
        assert grouped == from_rows == from_prefetched
        return grouped

    facts = both()
    assert (facts.held_meeting_count, facts.citizen_attended_held) == (1, False)

    # A citizen who has left since still attended the meeting they were at.
    held.attendees.add(citizen)
    citizen.left_on = day
    citizen.save()
    facts = both()
    assert (facts.held_meeting_count, facts.citizen_attended_held) == (1, True)


def test_the_citizens_attendance_costs_at_most_one_query_from_the_rows(
    draft_welfare, django_assert_num_queries
):
    (citizen,) = add_core(draft_welfare, 1, category=ActorCategory.CITIZEN)
    for hour in (9, 11, 13):
        Meeting.objects.create(
            network=draft_welfare, title="Møde", starts_at=_at(datetime.date(2027, 3, 2), hour),
            status=MeetingStatus.HELD,
        )  # fmt: skip
    network = Network.objects.with_related().get(pk=draft_welfare.pk)
    # One query for the three held meetings' attendance; none without a citizen among the participants.
    with django_assert_num_queries(1):
        rules.RuleFacts.from_rows(network.participants.all(), network.meetings.all())
    with django_assert_num_queries(0):
        rules.RuleFacts.from_rows(
            [p for p in network.participants.all() if p != citizen], network.meetings.all()
        )
