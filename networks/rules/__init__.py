"""The type rules: what a network must be, for its type, at each step of its life.

`findings(network)` turns a network and its type's parameters into what the user should know now:
each finding has a level (blocks / warns), a stable code and a Danish message saying what to do.
`blocking(network, action)` is what stops a transition; `network_field_errors` and
`meeting_field_errors` are the rules that make data invalid on save. Pages, forms, the admin,
the API and the reports all ask here; none of them re-implements a rule.

Each type is a module of its own (`innovation`, `welfare`, `learning`, found by `_discover`) that
fills in a `TypeSpec` once: its rules, its form's fields, its checklist, its guide profile, its
report figures, its plan helper and its reminders. `common` holds what every type shares.
`spec_for(type)` is how the rest of the app reads a type's spec. The numbers (28 days, 4–5
meetings, ...) are never written here: they come from `NetworkType`.
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from networks.choices import OPEN_STATUSES, NetworkTypeCode, Status
from networks.rules import common, welfare
from networks.rules.approval import (
    APPROVED_CONTENT,
    approved_content_changes,
    binds_approved_content,
    content_differs,
    locked_in_place,
)
from networks.rules.base import Action, Facts, Finding, Level, RuleFacts, is_blank, sprint_length_days
from networks.rules.common import (
    commitment_errors,
    meeting_field_errors,
    meeting_plan_error,
    network_field_errors,
    participant_field_errors,
    track_texts_error,
)
from networks.rules.spec import (
    ComplianceCheck,
    FollowUpQuestion,
    FollowUpQuestions,
    GuideProfile,
    MeetingPlanHelper,
    Nudge,
    ProposedMeeting,
    Step,
    TypeSpec,
)

if TYPE_CHECKING:
    from networks.models import Network, NetworkType

__all__ = [
    "APPROVED_CONTENT",
    "Action",
    "ChecklistStep",
    "ComplianceCheck",
    "Finding",
    "FollowUpQuestion",
    "FollowUpQuestions",
    "Level",
    "MeetingPlanHelper",
    "Nudge",
    "ProposedMeeting",
    "RuleFacts",
    "Step",
    "TypeSpec",
    "all_findings",
    "all_specs",
    "approved_content_changes",
    "binds_approved_content",
    "blocking",
    "case_findings",
    "checklist",
    "commitment_errors",
    "content_differs",
    "findings",
    "findings_and_progress",
    "is_blank",
    "locked_in_place",
    "meeting_field_errors",
    "meeting_plan_error",
    "network_field_errors",
    "next_actions",
    "participant_field_errors",
    "progress",
    "spec_for",
    "sprint_change_errors",
    "sprint_is_running",
    "sprint_length_days",
    "track_texts",
    "track_texts_error",
]

track_texts = welfare.track_texts


def _discover() -> dict[str, TypeSpec]:
    """Every module of this package that fills in a `SPEC`, keyed by its type code, in the order
    of `NetworkTypeCode` (the order the guide asks its questions in): a new type's module is found
    without being listed anywhere else."""
    found = {}
    for module in pkgutil.iter_modules(__path__):
        spec = getattr(importlib.import_module(f"{__name__}.{module.name}"), "SPEC", None)
        if isinstance(spec, TypeSpec):
            found[spec.code] = spec
    order = list(NetworkTypeCode.values)
    return dict(
        sorted(found.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    )


# The registry: one spec per type code.
SPECS: dict[str, TypeSpec] = _discover()

# A type the code does not know yet (a row added before its module) gets the rules every type shares.
GENERIC = TypeSpec(
    code="",
    rules=lambda f: (),
    form_fields=(*common.FORM_START, *common.FORM_END, *common.PLANNED_PERIOD),
    checklist=(common.MANDATE_STEP, common.CORE_STEP, common.OUTCOME_STEP),
    guide=GuideProfile(focus="", actors="", result=""),
)


def spec_for(type_or_code: NetworkType | str) -> TypeSpec:
    code = getattr(type_or_code, "code", type_or_code)
    return SPECS.get(code, GENERIC)


def all_specs() -> list[TypeSpec]:
    return list(SPECS.values())


def all_findings(network: Network, *, today: datetime.date | None = None) -> list[Finding]:
    """Every finding for the network, whatever its state."""
    f = Facts.of(network, today)
    return [*common.rules(f), *spec_for(f.type).rules(f)]


def next_actions(network: Network) -> tuple[Action, ...]:
    """The transitions whose rules matter in the network's current state."""
    if network.status == Status.DRAFT:
        if network.type.requires_approval:
            return (Action.SUBMIT, Action.START)
        return (Action.START,)
    if network.status in (Status.SUBMITTED, Status.APPROVED):
        return (Action.START,)
    if network.status == Status.ACTIVE:
        return (Action.CONCLUDE,)
    return ()


def findings(network: Network, *, today: datetime.date | None = None) -> list[Finding]:
    """What the user should know now: blocking findings first, then warnings.

    Closed networks (rejected, concluded, cancelled) have nothing left to act on, so none.
    """
    if network.status not in OPEN_STATUSES:
        return []
    return _shown(network, all_findings(network, today=today))


def _shown(network: Network, every: list[Finding]) -> list[Finding]:
    relevant = set(next_actions(network))
    shown = [finding for finding in every if not finding.actions or relevant & set(finding.actions)]
    return sorted(shown, key=lambda finding: finding.level != Level.BLOCKS)


def findings_and_progress(
    network: Network, *, today: datetime.date | None = None
) -> tuple[list[Finding], tuple[int, int]]:
    """`findings` and `progress` together, from one evaluation of the rules: for lists that show
    both for every network."""
    every = all_findings(network, today=today)
    shown = _shown(network, every) if network.status in OPEN_STATUSES else []
    return shown, _progress(network, every)


# Findings that the Direktørforum's own decision resolves: telling the board that the board must
# approve is noise on the pages where it decides.
_RESOLVED_BY_DECISION = frozenset({"approval_required"})


def case_findings(network: Network, *, today: datetime.date | None = None) -> list[Finding]:
    """What Direktørforum reads about a case: the findings, less the approval it is asked for."""
    return [f for f in findings(network, today=today) if f.code not in _RESOLVED_BY_DECISION]


def blocking(network: Network, action: Action, *, today: datetime.date | None = None) -> list[Finding]:
    """The findings that stop `action`: its own blockers and every blocker that concerns all actions."""
    return [
        finding
        for finding in all_findings(network, today=today)
        if finding.blocks and (not finding.actions or action in finding.actions)
    ]


@dataclass(frozen=True)
class ChecklistStep:
    code: str
    done: bool
    # The blocking finding that keeps the step open, with its message saying what to do.
    finding: Finding | None = None
    # What the step reads like when it is done.
    label: str = ""


def checklist(network: Network, *, today: datetime.date | None = None) -> list[ChecklistStep]:
    """The steps from setup to conclusion for the network's type, each done or held open by a finding."""
    open_findings = _held_open(all_findings(network, today=today))
    return [
        ChecklistStep(
            step.code, step.code not in open_findings, open_findings.get(step.code), str(step.label)
        )
        for step in spec_for(network.type).checklist
    ]


def progress(network: Network, *, today: datetime.date | None = None) -> tuple[int, int]:
    """(steps done, steps in all), for a "4 af 6 trin" summary."""
    return _progress(network, all_findings(network, today=today))


def _held_open(every: list[Finding]) -> dict[str, Finding]:
    """The blocking findings by code: a checklist step is done unless one with its code holds it open."""
    return {f.code: f for f in every if f.blocks}


def _progress(network: Network, every: list[Finding]) -> tuple[int, int]:
    held_open = _held_open(every)
    steps = spec_for(network.type).checklist
    return sum(1 for step in steps if step.code not in held_open), len(steps)


def sprint_change_errors(
    network: Network, old_start: datetime.date | None, old_end: datetime.date | None, reason: str
) -> list[Finding]:
    """Why the network's sprint may not change from (`old_start`, `old_end`) to its dates now, with
    `reason` given: for a type with a sprint, a running sprint's first day is fixed and its last
    day moves only with a reason (empty when the change is allowed)."""
    if not spec_for(network.type).has_sprint:
        return []
    return welfare.sprint_change_errors(network, old_start, old_end, reason)


def sprint_is_running(network: Network) -> bool:
    """Whether the network's sprint runs, so its last day moves only with a reason."""
    return spec_for(network.type).has_sprint and welfare.sprint_is_running(network)
