"""The plan helper's dates and the timeline, at their edges. Explicit dates only."""

import calendar
import datetime

import pytest

from networks import planning, services
from networks.models import Status
from networks.rules import learning, welfare
from tests.factories import add_meetings

D = datetime.date


def days(proposals):
    return [p.day for p in proposals]


# --- Learning: between min_meetings and max_meetings over about plan_months ---------------------


@pytest.fixture
def six_month_plan(learning_type):
    """The learning type with a plan of six months, whatever fixtures/network_types.json says: the
    dates below are worked out by hand for it."""
    learning_type.plan_months = 6
    return learning_type


def test_a_learning_plan_of_six_months_starting_on_january_31st_ends_on_july_31st(six_month_plan):
    assert learning.plan_end(six_month_plan, D(2027, 1, 31)) == D(2027, 7, 31)


def test_five_meetings_from_january_31st_are_spread_evenly_and_land_on_weekdays(six_month_plan):
    proposals = learning.spread_meetings(six_month_plan, D(2027, 1, 31), 5)
    # Jan 31 is a Sunday (→ Monday); May 1 and Jul 31 are Saturdays (→ the Friday before).
    assert days(proposals) == [D(2027, 2, 1), D(2027, 3, 17), D(2027, 4, 30), D(2027, 6, 16), D(2027, 7, 30)]
    assert [p.title for p in proposals] == [f"Netværksmøde {n}" for n in range(1, 6)]
    assert all(day.weekday() < 5 for day in days(proposals))


def test_a_plan_starting_on_august_31st_ends_on_the_last_day_of_february_in_a_leap_year(six_month_plan):
    proposals = learning.spread_meetings(six_month_plan, D(2027, 8, 31), 5)
    assert days(proposals) == [
        D(2027, 8, 31),
        D(2027, 10, 15),
        D(2027, 11, 30),
        D(2028, 1, 14),
        D(2028, 2, 29),
    ]


@pytest.mark.parametrize("month", range(1, 13))
def test_a_plan_starting_on_any_months_last_day_gives_ordered_dates_within_the_plan(learning_type, month):
    start = D(2027, month, calendar.monthrange(2027, month)[1])
    proposals = learning.spread_meetings(learning_type, start, 5)
    assert len(proposals) == 5
    assert days(proposals) == sorted(set(days(proposals)))
    assert start <= days(proposals)[0] and days(proposals)[-1] <= learning.plan_end(learning_type, start)


def test_four_meetings_span_the_same_six_months(six_month_plan):
    proposals = learning.spread_meetings(six_month_plan, D(2027, 3, 1), 4)
    # Every 61⅓ days; May 1 is a Saturday and moves to Friday April 30.
    assert days(proposals) == [D(2027, 3, 1), D(2027, 4, 30), D(2027, 7, 2), D(2027, 9, 1)]


def test_the_span_follows_the_types_plan_months(learning_type):
    learning_type.plan_months = 3
    proposals = learning.spread_meetings(learning_type, D(2027, 3, 1), 4)
    assert days(proposals)[-1] == D(2027, 6, 1)


@pytest.mark.parametrize(
    ("limit", "offset"),
    [
        (None, 0),
        ("min_meetings", -2),
        ("min_meetings", -1),
        ("min_meetings", 0),
        ("max_meetings", 0),
        ("max_meetings", 1),
    ],
    ids=["none", "two_below_the_minimum", "one_below_the_minimum", "the_minimum", "the_maximum", "over"],
)
def test_the_helper_offers_only_counts_that_keep_the_plan_within_the_types_limits(
    learning_type, limit, offset
):
    # With the fixture's 4–5 meetings: none planned → [4, 5], 2 → [2, 3], 3 → [1, 2], 4 → [1], 5 and 6 → [].
    fewest, most = learning_type.min_meetings, learning_type.max_meetings
    existing = 0 if limit is None else getattr(learning_type, limit) + offset
    choices = [count for count in range(1, most + 1) if fewest <= existing + count <= most]

    assert learning.count_choices(learning_type, existing) == choices
    assert (choices == []) == (existing >= most)


def test_the_counts_follow_the_types_minimum_and_maximum(learning_type):
    learning_type.min_meetings, learning_type.max_meetings = 2, 3
    assert learning.count_choices(learning_type, 0) == [2, 3]


# --- Welfare: kick-off, midway and closing inside the sprint --------------------------------------


def test_a_28_day_sprint_gets_kick_off_midway_and_closing_inside_the_window():
    start, end = D(2027, 3, 1), D(2027, 3, 28)  # Monday to Sunday, 28 days
    proposals = welfare.sprint_meetings(start, end)
    assert [p.title for p in proposals] == ["Opstartsmøde", "Midtvejsmøde", "Afslutningsmøde"]
    # The midpoint (Sunday 14th) moves to Monday; the last day (Sunday 28th) to the Friday before,
    # because the Monday after is outside the sprint.
    assert days(proposals) == [D(2027, 3, 1), D(2027, 3, 15), D(2027, 3, 26)]
    assert all(start <= day <= end for day in days(proposals))


def test_a_sprint_starting_on_a_saturday_starts_on_the_monday_not_before_the_window():
    proposals = welfare.sprint_meetings(D(2027, 3, 6), D(2027, 4, 2))
    assert days(proposals) == [D(2027, 3, 8), D(2027, 3, 19), D(2027, 4, 2)]


def test_a_weekend_sprint_keeps_its_weekend_days_and_has_no_separate_midway_meeting():
    proposals = welfare.sprint_meetings(D(2027, 3, 6), D(2027, 3, 7))
    assert [(p.title, p.day) for p in proposals] == [
        ("Opstartsmøde", D(2027, 3, 6)),
        ("Afslutningsmøde", D(2027, 3, 7)),
    ]


# --- The sprint clock ----------------------------------------------------------------------------


@pytest.fixture
def sprint(draft_welfare):
    draft_welfare.sprint_start, draft_welfare.sprint_end = D(2027, 3, 1), D(2027, 3, 28)
    return draft_welfare


def test_before_the_sprint_the_clock_counts_down_to_its_start(sprint):
    clock = planning.sprint_clock(sprint, D(2027, 2, 27))
    assert clock.state == "before"
    assert clock.text == "Sprinten starter om 2 dage."


def test_on_the_first_day_all_28_days_are_left(sprint):
    clock = planning.sprint_clock(sprint, D(2027, 3, 1))
    assert (clock.day_number, clock.days_left, clock.length) == (1, 28, 28)
    assert clock.text == "28 dage tilbage af sprinten, i dag medregnet (dag 1 af 28)."


def test_on_the_last_day_the_clock_says_so(sprint):
    assert (
        planning.sprint_clock(sprint, D(2027, 3, 28)).text == "I dag er sprintens sidste dag (dag 28 af 28)."
    )


def test_after_the_sprint_the_clock_counts_the_days_since(sprint):
    assert planning.sprint_clock(sprint, D(2027, 3, 29)).text == "Sprinten sluttede for 1 dag siden."


def test_a_network_without_a_sprint_window_has_no_clock(draft_welfare, draft_learning):
    assert planning.sprint_clock(draft_welfare, D(2027, 3, 1)) is None
    assert planning.sprint_clock(draft_learning, D(2027, 3, 1)) is None


# --- The timeline --------------------------------------------------------------------------------


def states(steps):
    return [(step.key, step.state) for step in steps]


def test_a_draft_innovation_network_is_at_setup_with_direktoerforum_ahead(draft_innovation):
    steps = planning.timeline(draft_innovation, D(2027, 1, 5))
    assert states(steps) == [
        ("setup", "current"),
        ("direktoerforum", "upcoming"),
        ("plan", "upcoming"),
        ("conclusion", "upcoming"),
    ]


def test_a_submitted_network_is_with_direktoerforum(submitted_innovation):
    steps = planning.timeline(submitted_innovation, D(2027, 1, 5))
    assert states(steps)[1] == ("direktoerforum", "current")


def test_a_rejected_network_got_through_direktoerforum_and_no_further(submitted_innovation, direktoer):
    services.network_reject(network=submitted_innovation, by=direktoer, comment="Ikke nu.")
    submitted_innovation.refresh_from_db()
    decisions = list(submitted_innovation.decisions.all())
    steps = planning.timeline(submitted_innovation, D(2027, 1, 5), decisions)
    assert states(steps) == [
        ("setup", "done"),
        ("direktoerforum", "done"),
        ("plan", "skipped"),
        ("conclusion", "skipped"),
    ]
    assert steps[1].detail == "Afvist"
    assert steps[-1].detail == "Afvist"


def test_a_running_welfare_network_shows_its_sprint_and_the_days_left(sprint):
    sprint.status = Status.ACTIVE
    steps = planning.timeline(sprint, D(2027, 3, 20))
    plan = steps[1]
    assert (plan.key, plan.state, plan.start, plan.end) == ("plan", "current", D(2027, 3, 1), D(2027, 3, 28))
    assert plan.detail == "9 dage tilbage af sprinten, i dag medregnet (dag 20 af 28)."


def test_a_learning_plan_without_planned_dates_spans_its_meetings(draft_learning):
    add_meetings(draft_learning, 4, first=D(2027, 1, 10))
    steps = planning.timeline(draft_learning, D(2027, 1, 5))
    assert (steps[1].start, steps[1].end) == (D(2027, 1, 10), D(2027, 4, 10))
    assert steps[1].detail == "4 møder planlagt"


def test_a_concluded_network_has_every_step_done(draft_welfare):
    draft_welfare.status = Status.CONCLUDED
    assert {state for _key, state in states(planning.timeline(draft_welfare, D(2027, 1, 5)))} == {"done"}
