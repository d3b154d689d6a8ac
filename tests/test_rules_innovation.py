"""Innovation networks (purpose and strategy before submitting, Direktørforum's approval before starting,
about a year, a broad and political range of actors) and the rules every type shares."""

import datetime

import pytest

from networks import rules, selectors, services
from networks.models import ActorCategory, Network, ParticipantRole, Status
from tests.factories import (
    PLAN_EDGE_IDS,
    PLAN_EDGES,
    TRACK_OUTCOMES,
    add_core,
    add_meetings,
    plan_end,
    ready_to_start,
    sprint_of,
)

# Every test here uses the database; declared so pytest-django orders them before transactional tests.
pytestmark = pytest.mark.django_db

JAN_1_2027 = datetime.date(2027, 1, 1)


def codes(found):
    return [finding.code for finding in found]


def only(found, code):
    return [finding for finding in found if finding.code == code]


# --- Before submitting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "code", "message"),
    [
        (
            "purpose",
            "purpose_missing",
            "Beskriv netværkets formål, før det indstilles til Direktørforum.",
        ),
        (
            "strategy_reference",
            "strategy_reference_missing",
            "Angiv den politiske vision eller strategi, netværket bygger på, "
            "før det indstilles til Direktørforum.",
        ),
    ],
)
@pytest.mark.parametrize("value", ["", "   "], ids=["empty", "blank"])
def test_missing_purpose_or_strategy_blocks_submit(draft_innovation, leader, field, code, message, value):
    network = services.network_update(network=draft_innovation, by=leader, **{field: value})

    with pytest.raises(services.DomainError) as excinfo:
        services.network_submit(network=network, by=leader)

    assert excinfo.value.code == "blocked"
    assert codes(excinfo.value.findings) == [code]
    assert excinfo.value.findings[0].message == message
    network.refresh_from_db()
    assert (network.status, network.submission_round) == (Status.DRAFT, 0)
    assert not network.status_changes.filter(to_status=Status.SUBMITTED).exists()


def test_purpose_and_strategy_do_not_block_submit_once_written(draft_innovation, leader):
    assert rules.blocking(draft_innovation, rules.Action.SUBMIT) == []

    network = services.network_submit(network=draft_innovation, by=leader)

    assert network.status == Status.SUBMITTED


# --- Direktørforum's approval -----------------------------------------------------------------


def test_approval_required_blocks_start_of_a_ready_draft(draft_innovation, leader):
    network = ready_to_start(draft_innovation)

    assert codes(rules.blocking(network, rules.Action.START)) == ["approval_required"]
    with pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=network, by=leader)

    assert "approval_required" in codes(excinfo.value.findings)
    assert excinfo.value.message == "Direktørforum skal godkende netværket, før det kan starte."


def test_approval_required_blocks_start_while_submitted(submitted_innovation, leader):
    network = ready_to_start(submitted_innovation)

    with pytest.raises(services.DomainError) as excinfo:
        services.network_start(network=network, by=leader)

    assert "approval_required" in codes(excinfo.value.findings)
    network.refresh_from_db()
    assert network.status == Status.SUBMITTED


def test_approval_required_disappears_once_approved(submitted_innovation, leader, direktoer):
    network = ready_to_start(submitted_innovation)
    services.network_approve(network=network, by=direktoer)
    network.refresh_from_db()

    assert "approval_required" not in codes(rules.findings(network))
    assert services.network_start(network=network, by=leader).status == Status.ACTIVE


# --- About a year (the type's plan_months) ----------------------------------------------------


@pytest.mark.parametrize(("direction", "past_the_tolerance", "warns"), PLAN_EDGES, ids=PLAN_EDGE_IDS)
def test_plan_duration_warning_around_plan_months(
    draft_innovation, leader, innovation_type, direction, past_the_tolerance, warns
):
    # With the fixture's twelve months ± 61 days: 1 January 2028, 2 March 2028 (a leap year), ...
    days_off = direction * (innovation_type.duration_tolerance_days + past_the_tolerance)
    network = services.network_update(
        network=draft_innovation,
        by=leader,
        planned_start=JAN_1_2027,
        planned_end=plan_end(innovation_type, JAN_1_2027, days_off),
    )

    found = only(rules.findings(network), "plan_duration_unusual")

    assert len(found) == (1 if warns else 0)
    assert all(f.level == rules.Level.WARNS for f in found)


# --- Actors -----------------------------------------------------------------------------------


def test_without_politicians_or_management_each_is_its_own_warning(draft_innovation):
    add_core(draft_innovation, draft_innovation.type.min_core_participants, category=ActorCategory.EMPLOYEE)

    found = rules.findings(draft_innovation)

    (politicians,) = only(found, "no_politicians")
    (management,) = only(found, "no_management")
    assert {politicians.level, management.level} == {rules.Level.WARNS}
    assert "fx et § 17, stk. 4-udvalg" in politicians.message
    assert "ledelsesforum" in management.message
    assert "no_politicians_or_management" not in codes(found)


@pytest.mark.parametrize(
    ("category", "resolved", "still_warns"),
    [
        (ActorCategory.POLITICIAN, "no_politicians", "no_management"),
        (ActorCategory.MANAGEMENT, "no_management", "no_politicians"),
    ],
)
def test_a_politician_or_a_management_forum_resolves_only_its_own_warning(
    draft_innovation, category, resolved, still_warns
):
    add_core(draft_innovation, draft_innovation.type.min_core_participants, category=ActorCategory.EMPLOYEE)
    add_core(draft_innovation, 1, category=category, role=ParticipantRole.PERIPHERAL)

    found = codes(rules.findings(draft_innovation))

    assert resolved not in found
    assert still_warns in found


def test_both_politicians_and_management_leave_neither_warning(draft_innovation):
    add_core(draft_innovation, 1, category=ActorCategory.POLITICIAN)
    add_core(draft_innovation, 1, category=ActorCategory.MANAGEMENT, role=ParticipantRole.PERIPHERAL)

    found = codes(rules.findings(draft_innovation))

    assert {"no_politicians", "no_management"}.isdisjoint(found)


def test_a_politician_who_left_no_longer_counts(draft_innovation):
    (politician,) = add_core(draft_innovation, 1, category=ActorCategory.POLITICIAN)
    politician.left_on = datetime.date(2027, 1, 1)
    politician.save()

    assert "no_politicians" in codes(rules.findings(draft_innovation))


def test_the_warnings_are_the_same_from_grouped_facts(draft_innovation):
    add_core(draft_innovation, 2, category=ActorCategory.MANAGEMENT)
    grouped = selectors.with_rule_facts([Network.objects.get(pk=draft_innovation.pk)])[0]

    assert codes(rules.findings(grouped)) == codes(rules.findings(draft_innovation))
    assert "no_politicians" in codes(rules.findings(grouped))


def with_categories(network, count):
    """Two core participants in each of `count` actor categories (politicians among the first)."""
    categories = [ActorCategory.POLITICIAN, *(c for c in ActorCategory if c != ActorCategory.POLITICIAN)]
    for category in categories[:count]:
        add_core(network, 2, category=category)


def test_narrow_actor_range_warns_with_one_actor_category_too_few(draft_innovation, innovation_type):
    expected = innovation_type.min_actor_categories
    with_categories(draft_innovation, expected - 1)

    found = only(rules.findings(draft_innovation), "narrow_actor_range")

    assert len(found) == 1
    assert found[0].level == rules.Level.WARNS
    kinds = "aktørtype" if expected - 1 == 1 else "aktørtyper"
    assert found[0].message.startswith(f"Netværket inddrager {expected - 1} {kinds};")
    assert f"mindst {expected}" in found[0].message


def test_narrow_actor_range_warning_is_correct_danish(draft_innovation):
    # "netværk" is neuter in Danish: "et innovationsnetværk", never "en innovationsnetværk";
    # and one actor category is "1 aktørtype", not "1 aktørtyper".
    add_core(draft_innovation, 1)

    (found,) = only(rules.findings(draft_innovation), "narrow_actor_range")

    assert found.message.startswith("Netværket inddrager 1 aktørtype;")
    assert "et innovationsnetværk forventes" in found.message
    assert "en innovationsnetværk" not in found.message


def test_narrow_actor_range_is_gone_with_the_expected_actor_categories(draft_innovation, innovation_type):
    with_categories(draft_innovation, innovation_type.min_actor_categories)

    assert "narrow_actor_range" not in codes(rules.findings(draft_innovation))


def test_a_category_held_only_by_someone_who_left_does_not_count(draft_innovation, innovation_type):
    with_categories(draft_innovation, innovation_type.min_actor_categories - 1)
    (other,) = add_core(draft_innovation, 1, category=ActorCategory.OTHER)
    other.left_on = datetime.date(2027, 2, 1)
    other.save()

    assert "narrow_actor_range" in codes(rules.findings(draft_innovation))


def test_narrow_actor_range_is_not_a_welfare_rule(draft_welfare):
    add_core(draft_welfare, draft_welfare.type.min_core_participants)

    assert "narrow_actor_range" not in codes(rules.all_findings(draft_welfare))


# --- Rules for every type ---------------------------------------------------------------------


@pytest.fixture(params=["innovation", "welfare", "learning"])
def any_draft(request, leader, network_types):
    return services.network_create(
        by=leader,
        type=network_types[request.param],
        title="Frivillighed i Albertslund",
        theme="Frivillighed",
        purpose="Flere frivillige.",
        strategy_reference="Frivillighedspolitikken",
    )


def test_mandate_not_clarified_blocks_start(any_draft):
    found = only(rules.blocking(any_draft, rules.Action.START), "mandate_not_clarified")

    assert len(found) == 1
    assert found[0].message == "Afklar mandatet, og sæt hak i “Mandat afklaret”, før netværket starter."


def test_mandate_clarified_removes_the_finding(any_draft, leader):
    network = services.network_update(network=any_draft, by=leader, mandate_clarified=True)

    assert "mandate_not_clarified" not in codes(rules.all_findings(network))


def test_one_core_participant_too_few_blocks_start(any_draft):
    minimum = any_draft.type.min_core_participants
    add_core(any_draft, minimum - 1)

    (found,) = only(rules.blocking(any_draft, rules.Action.START), "too_few_core_participants")

    assert found.message == (
        f"Netværket skal have mindst {minimum} kernedeltagere, før det starter "
        f"(har {minimum - 1}). Tilføj kernedeltagere."
    )


def test_exactly_the_minimum_of_core_participants_is_enough(any_draft):
    add_core(any_draft, any_draft.type.min_core_participants)

    assert "too_few_core_participants" not in codes(rules.all_findings(any_draft))


def test_core_participants_who_have_left_do_not_count(any_draft):
    participants = add_core(any_draft, any_draft.type.min_core_participants)
    participants[0].left_on = datetime.date(2027, 2, 1)
    participants[0].save()

    assert "too_few_core_participants" in codes(rules.all_findings(any_draft))


def test_peripheral_participants_do_not_count_as_core(any_draft):
    add_core(any_draft, any_draft.type.min_core_participants - 1)
    add_core(any_draft, 3, role=ParticipantRole.PERIPHERAL)

    assert "too_few_core_participants" in codes(rules.all_findings(any_draft))


def test_a_changed_type_parameter_changes_the_rule(draft_welfare, welfare_type):
    add_core(draft_welfare, welfare_type.min_core_participants)
    welfare_type.min_core_participants += 1
    welfare_type.save()
    network = Network.objects.get(pk=draft_welfare.pk)

    assert "too_few_core_participants" in codes(rules.all_findings(network))


def test_outcome_summary_missing_blocks_conclude(active_welfare, leader):
    with pytest.raises(services.DomainError) as excinfo:
        services.network_conclude(network=active_welfare, by=leader)

    assert excinfo.value.code == "blocked"
    # (a welfare network's outcome per track is its own finding: tests/test_rules_welfare.py)
    assert codes(excinfo.value.findings) == ["outcome_summary_missing", "track_outcome_missing"]
    assert excinfo.value.findings[0].message == "Skriv netværkets resultat, før netværket afsluttes."


def test_outcome_summary_missing_does_not_block_start(draft_welfare):
    network = ready_to_start(draft_welfare)

    assert "outcome_summary_missing" not in codes(rules.blocking(network, rules.Action.START))


# --- What findings() returns ------------------------------------------------------------------


@pytest.fixture
def concluded_welfare(active_welfare, leader):
    return services.network_conclude(
        network=active_welfare, by=leader, outcome_summary="Nye løsninger.", track_outcomes=TRACK_OUTCOMES
    )


@pytest.fixture
def cancelled_welfare(draft_welfare, leader):
    return services.network_cancel(network=draft_welfare, by=leader, comment="Temaet er opgivet.")


@pytest.fixture
def rejected_innovation(submitted_innovation, direktoer):
    services.network_reject(network=submitted_innovation, by=direktoer, comment="Ikke nu.")
    submitted_innovation.refresh_from_db()
    return submitted_innovation


@pytest.mark.parametrize("closed", ["concluded_welfare", "cancelled_welfare", "rejected_innovation"])
def test_closed_networks_have_no_findings(request, closed):
    network = request.getfixturevalue(closed)

    assert rules.all_findings(network)  # there would be something to say, were it open
    assert rules.findings(network, today=datetime.date(2027, 6, 1)) == []


def test_blocking_findings_come_before_warnings(draft_innovation):
    add_core(draft_innovation, 1)

    levels = [finding.level for finding in rules.findings(draft_innovation)]

    assert rules.Level.BLOCKS in levels
    assert rules.Level.WARNS in levels
    assert levels == sorted(levels, key=lambda level: level != rules.Level.BLOCKS)


def test_findings_show_only_what_concerns_the_next_transition(submitted_innovation, leader, direktoer):
    network = ready_to_start(submitted_innovation)
    services.network_approve(network=network, by=direktoer)
    network = services.network_start(network=network, by=leader)

    # Once active, the approval is a step done; concluding is what comes next.
    assert "approval_required" not in codes(rules.all_findings(network))
    assert [step.code for step in rules.checklist(network) if not step.done] == ["outcome_summary_missing"]
    found = codes(rules.findings(network))
    assert "approval_required" not in found
    assert "outcome_summary_missing" in found


def test_findings_as_dict_gives_level_code_and_message(draft_welfare):
    (found,) = only(rules.findings(draft_welfare), "sprint_window_missing")

    assert found.as_dict() == {
        "level": "blocks",
        "code": "sprint_window_missing",
        "message": "Fastlæg sprintens første og sidste dag, før netværket starter.",
    }


# --- Progress ---------------------------------------------------------------------------------


def test_progress_of_a_fresh_welfare_draft(draft_welfare):
    # mandate, core participants, track plans, sprint window, outcome summary, track outcomes: none done yet.
    assert rules.progress(draft_welfare) == (0, 6)


def test_progress_of_a_welfare_draft_ready_to_start(draft_welfare, leader, welfare_type):
    network = services.network_update(
        network=ready_to_start(draft_welfare), by=leader, **sprint_of(welfare_type.sprint_max_days)
    )

    assert rules.progress(network) == (4, 6)


def test_progress_of_a_fresh_innovation_draft(draft_innovation):
    # purpose and strategy written; mandate, core, approval and outcome still open.
    assert rules.progress(draft_innovation) == (2, 6)


def test_progress_of_a_learning_draft_with_its_meetings(draft_learning):
    add_meetings(draft_learning, draft_learning.type.min_meetings)

    assert rules.progress(draft_learning) == (1, 4)
