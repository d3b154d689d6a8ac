"""The plan helper, the sprint clock and the timeline on the network page.

What the helper proposes is the type's own (its spec's `meeting_plan`: a learning network's meetings
spread over its plan, a welfare network's kick-off, midway and closing inside the sprint). The
leader adjusts the proposals before anything is saved; the rules still decide whether the plan
may be saved. Nothing here writes to the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from networks import rules
from networks.models import MeetingStatus, Network, Status


def proposals(network: Network, *, start=None, count=None) -> list[rules.ProposedMeeting]:
    """The type's plan helper's proposals for the network (none where the type has no helper)."""
    helper = rules.spec_for(network.type).meeting_plan
    return helper.propose(network, start, count) if helper else []


def unavailable(network: Network, existing: int) -> str:
    """Why the plan helper has nothing to propose now, or "" when it has."""
    helper = rules.spec_for(network.type).meeting_plan
    if helper is None:
        return _("Planlægningshjælpen findes ikke for %(type)s. Planlæg møderne ét ad gangen.") % {
            "type": network.type.name.lower()
        }
    return helper.unavailable(network, existing)


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
    if not rules.spec_for(network.type).has_sprint or not (start and end) or end < start:
        return None
    length = rules.sprint_length_days(start, end)
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
    if rules.spec_for(type_).has_sprint:
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
