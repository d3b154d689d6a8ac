"""`TypeSpec`: everything that differs between network types, filled in once by each type's module.

The rest of the app asks `rules.spec_for(type)` — the form for its fields, the network page for its
checklist, the guide for its profile, the report for its compliance figures, the plan helper for
its proposals, the reminders for what is due — instead of branching on a type code.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from networks.rules.base import Facts, Finding

if TYPE_CHECKING:
    from networks.models import Network, NetworkType


@dataclass(frozen=True)
class Step:
    """One step of the checklist from setup to conclusion: done while `code` does not block."""

    code: str  # the blocking finding that holds the step open
    label: str  # what the step reads like when it is done


@dataclass(frozen=True)
class ComplianceCheck:
    """A figure in the report's compliance section: of the networks it applies to, how many kept a rule.

    The report groups the started networks of the type by the facts named in `reads`, asks the
    rules once per group and counts a group as kept when none of `rule_codes` is found.
    """

    code: str
    # The figure's label from the type's parameters; None when the parameters leave nothing to
    # check (e.g. no sprint maximum set).
    label: Callable[[NetworkType], str | None]
    rule_codes: tuple[str, ...]
    # What the report groups by: "sprint_window", "planned_period", "meeting_count", "approval".
    reads: tuple[str, ...]


@dataclass(frozen=True)
class ProposedMeeting:
    title: str
    day: datetime.date


@dataclass(frozen=True)
class MeetingPlanHelper:
    """The plan helper's part that depends on the type: what it proposes and when it cannot."""

    # (network, start, count) -> proposals; `start` and `count` are None when `count_choices` is.
    propose: Callable[[Network, datetime.date | None, int | None], list[ProposedMeeting]]
    # Why the helper has nothing to propose now ("" when it has), given the meetings already counted.
    unavailable: Callable[[Network, int], str]
    # How many meetings the leader may ask for, given those already counted; None when the
    # helper proposes a fixed set and asks for no first day and no number.
    count_choices: Callable[[NetworkType, int], list[int]] | None = None
    # The help under the "first meeting" field.
    start_help: Callable[[NetworkType], str] | None = None


@dataclass(frozen=True)
class Nudge:
    """A reminder due to a network's leader."""

    kind: str  # a ReminderKind
    key: str  # what makes it once-only: sent once per recipient and key
    subject: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReminderRule:
    """Which open networks of the type to look at, and what is due for one of them today."""

    statuses: tuple[str, ...]
    due: Callable[[Network, datetime.date], Nudge | None]


@dataclass(frozen=True)
class GuideQuestion:
    key: str
    text: str
    help: str
    reason: str  # why a "ja" points to this type


@dataclass(frozen=True)
class GuideProfile:
    """What the type guide says of the type beyond its numbers, and the questions pointing to it."""

    focus: str
    actors: str
    result: str
    questions: tuple[GuideQuestion, ...] = ()


@dataclass(frozen=True)
class FollowUpQuestion:
    """One question of a follow-up, as a form field: free text, or one of `choices`."""

    key: str  # the answer's key in the answers sent in (and the form field's name)
    label: str
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FollowUpFigure:
    """The report's figure for the type's answered follow-ups: of the things asked about (solutions,
    commitments), how many the answers count as a yes."""

    label: str
    # The answers of the type's answered follow-ups -> (counted, of).
    count: Callable[[Iterable[Mapping[str, Any]]], tuple[int, int]]


@dataclass(frozen=True)
class FollowUpQuestions:
    """What the type asks some months after a network concluded (`NetworkType.follow_up_months`).

    The answers come in as `{question key: value}`; `validate` says what is wrong with them,
    `{question key: [messages]}` (empty when they may be saved), and `record` turns valid answers
    into what `FollowUp.answers` keeps: a record that reads on its own, names included, even if
    the network's rows change later. `shown` turns a record into (label, text) lines for the pages.
    """

    intro: str
    questions: Callable[[Network], tuple[FollowUpQuestion, ...]]
    validate: Callable[[Mapping[str, Any], Network], dict[str, list[str]]]
    record: Callable[[Mapping[str, Any], Network], dict[str, Any]]
    shown: Callable[[Mapping[str, Any]], list[tuple[str, str]]]
    figure: FollowUpFigure | None = None


@dataclass(frozen=True)
class TypeSpec:
    code: str  # a NetworkTypeCode
    # The type's own rules (the rules for every type are added to them).
    rules: Callable[[Facts], Iterable[Finding]]
    # The network form's fields, in order: a field the type's rules never read is not asked for.
    form_fields: tuple[str, ...]
    checklist: tuple[Step, ...]
    guide: GuideProfile
    compliance: tuple[ComplianceCheck, ...] = ()
    meeting_plan: MeetingPlanHelper | None = None
    reminders: tuple[ReminderRule, ...] = ()
    # Participants note what they commit to use afterwards (asked on their form and at conclusion).
    asks_commitments: bool = False
    # The network's plan is a sprint window (the sprint clock, the timeline, "sprint ended").
    has_sprint: bool = False
    # The report follows how much of the core attends each held meeting.
    follows_core_attendance: bool = False
    # What the leader is asked some months after the network concluded.
    follow_up: FollowUpQuestions | None = None
