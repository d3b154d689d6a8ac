"""The plan helper and the timeline: dates proposed from the network type's parameters.

A learning network gets its meetings spread over the type's `plan_months` (between `min_meetings`
and `max_meetings` of them); a welfare network gets a kick-off, a midway and a closing meeting
inside its sprint window. The leader adjusts the proposals before anything is saved; the rules
still decide whether the plan may be saved. Nothing here writes to the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from networks.models import MeetingStatus, Network, NetworkType, NetworkTypeCode, Status
from networks.rules import add_months, sprint_length_days

SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class ProposedMeeting:
    title: str
    day: datetime.date


def _weekday_within(day: datetime.date, first: datetime.date, last: datetime.date) -> datetime.date:
    """Move a weekend day to the nearest weekday that stays inside [first, last]; keep it otherwise."""
    if day.weekday() == SATURDAY:
        candidates = (day - datetime.timedelta(days=1), day + datetime.timedelta(days=2))
    elif day.weekday() == SUNDAY:
        candidates = (day + datetime.timedelta(days=1), day - datetime.timedelta(days=2))
    else:
        return day
    return next((c for c in candidates if first <= c <= last), day)


# --- Learning networks --------------------------------------------------------------------------


def learning_plan_end(type_: NetworkType, start: datetime.date) -> datetime.date:
    """The day the plan ends if it starts on `start`: `plan_months` later, clamped to the month's end."""
    return add_months(start, type_.plan_months or 0)


def learning_count_choices(type_: NetworkType, existing: int = 0) -> list[int]:
    """How many new meetings the helper may propose when `existing` non-cancelled meetings are planned:
    enough to reach the type's minimum, never more than its maximum."""
    if not type_.max_meetings:
        return []
    lowest = max(1, (type_.min_meetings or 1) - existing)
    highest = type_.max_meetings - existing
    return list(range(lowest, highest + 1))


def propose_learning(type_: NetworkType, start: datetime.date, count: int) -> list[ProposedMeeting]:
    """`count` meetings spread evenly from `start` to the end of the type's plan, on weekdays."""
    if count < 1:
        return []
    end = learning_plan_end(type_, start)
    span = (end - start).days
    days = []
    for index in range(count):
        offset = round(index * span / (count - 1)) if count > 1 else 0
        days.append(_weekday_within(start + datetime.timedelta(days=offset), start, end))
    return [
        ProposedMeeting(_("Netværksmøde %(number)d") % {"number": number}, day)
        for number, day in enumerate(days, start=1)
    ]


# --- Welfare networks ---------------------------------------------------------------------------


def propose_welfare(sprint_start: datetime.date, sprint_end: datetime.date) -> list[ProposedMeeting]:
    """Kick-off on the sprint's first day, a midway meeting, and closing on its last day (on weekdays,
    all inside the window)."""
    if sprint_end < sprint_start:
        return []
    middle = sprint_start + datetime.timedelta(days=(sprint_end - sprint_start).days // 2)
    planned = [
        (_("Kick-off"), sprint_start),
        (_("Midtvejsmøde"), middle),
        (_("Afslutningsmøde"), sprint_end),
    ]
    proposals, seen = [], set()
    for title, day in planned:
        day = _weekday_within(day, sprint_start, sprint_end)
        if day not in seen:
            seen.add(day)
            proposals.append(ProposedMeeting(title, day))
    return proposals


@dataclass(frozen=True)
class SprintClock:
    """Where today falls in a welfare network's sprint window (both days counted)."""

    state: str  # "before", "running" or "ended"
    length: int
    day_number: int = 0  # running: today is day N of the sprint
    days_left: int = 0  # running: days left including today
    days_until_start: int = 0
    days_since_end: int = 0

    @property
    def text(self) -> str:
        if self.state == "before":
            return ngettext(
                "Sprinten starter om %(n)d dag.", "Sprinten starter om %(n)d dage.", self.days_until_start
            ) % {"n": self.days_until_start}
        if self.state == "ended":
            return ngettext(
                "Sprinten sluttede for %(n)d dag siden.",
                "Sprinten sluttede for %(n)d dage siden.",
                self.days_since_end,
            ) % {"n": self.days_since_end}
        if self.days_left == 1:
            return _("I dag er sprintens sidste dag (dag %(day)d af %(length)d).") % {
                "day": self.day_number,
                "length": self.length,
            }
        return _("%(left)d dage tilbage af sprinten, i dag medregnet (dag %(day)d af %(length)d).") % {
            "left": self.days_left,
            "day": self.day_number,
            "length": self.length,
        }


def sprint_clock(network: Network, today: datetime.date) -> SprintClock | None:
    start, end = network.sprint_start, network.sprint_end
    if network.type.code != NetworkTypeCode.WELFARE or not (start and end) or end < start:
        return None
    length = sprint_length_days(start, end)
    if today < start:
        return SprintClock("before", length, days_until_start=(start - today).days)
    if today > end:
        return SprintClock("ended", length, days_since_end=(today - end).days)
    return SprintClock(
        "running", length, day_number=(today - start).days + 1, days_left=(end - today).days + 1
    )


# --- The timeline on the network page ----------------------------------------------------------


@dataclass
class Step:
    key: str
    label: str
    state: str = "upcoming"  # "done", "current", "upcoming" or "skipped"
    start: datetime.date | None = None
    end: datetime.date | None = None
    detail: str = ""

    @property
    def is_current(self) -> bool:
        return self.state == "current"


# The step a network is at in each status; a closed network has none.
_CURRENT_STEP = {
    Status.DRAFT: "setup",
    Status.SUBMITTED: "direktoerforum",
    Status.APPROVED: "plan",
    Status.ACTIVE: "plan",
}


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def timeline(network: Network, today: datetime.date, decisions=()) -> list[Step]:
    """Setup → (Direktørforum) → sprint or meeting plan → conclusion, with the step the network is at.

    Reads the network's prefetched meetings and the decisions passed in; no queries of its own.
    """
    type_ = network.type
    meetings = [m for m in network.meetings.all() if m.status != MeetingStatus.CANCELLED]
    steps = [Step("setup", _("Opstart: rammer, mandat og deltagere"), start=_local_day(network.created_at))]
    if type_.requires_approval:
        decisions = list(decisions)
        latest = decisions[-1] if decisions else None
        steps.append(
            Step(
                "direktoerforum",
                _("Direktørforum"),
                end=_local_day(latest.decided_at) if latest else None,
                detail=latest.get_outcome_display() if latest else "",
            )
        )
    if type_.code == NetworkTypeCode.WELFARE:
        plan = Step("plan", _("Sprint"), start=network.sprint_start, end=network.sprint_end)
        clock = sprint_clock(network, today)
        if clock:
            plan.detail = clock.text
    else:
        first = _local_day(meetings[0].starts_at) if meetings else None
        last = _local_day(meetings[-1].starts_at) if meetings else None
        plan = Step(
            "plan",
            _("Mødeplan"),
            start=network.planned_start or first,
            end=network.planned_end or last,
            detail=ngettext("%(n)d møde planlagt", "%(n)d møder planlagt", len(meetings))
            % {"n": len(meetings)},
        )
    steps.append(plan)
    steps.append(
        Step(
            "conclusion",
            _("Afslutning og resultat"),
            end=_local_day(network.concluded_at) or network.sprint_end or network.planned_end,
        )
    )
    _set_states(network, steps)
    return steps


def _set_states(network: Network, steps: list[Step]) -> None:
    keys = [step.key for step in steps]
    if network.status == Status.CONCLUDED:
        for step in steps:
            step.state = "done"
        return
    if network.status in (Status.REJECTED, Status.CANCELLED):
        # Steps the network got through are done; the rest were never reached.
        if network.status == Status.REJECTED:
            reached = keys.index("direktoerforum") + 1
        elif network.started_at:
            reached = keys.index("plan")
        elif "direktoerforum" in keys and network.submission_round:
            reached = keys.index("direktoerforum")
        else:
            reached = 0
        for index, step in enumerate(steps):
            step.state = "done" if index < reached else "skipped"
        steps[-1].detail = network.get_status_display()
        return
    current = keys.index(_CURRENT_STEP[network.status])
    for index, step in enumerate(steps):
        step.state = "done" if index < current else "current" if index == current else "upcoming"
