"""The type rules, in one place.

`findings(network)` turns a network and its type's parameters into what the user should know now:
each finding has a level (blocks / warns), a stable code and a Danish message saying what to do.
`blocking(network, action)` is what stops a transition; `network_field_errors` and
`meeting_field_errors` are the rules that make data invalid on save. Pages, forms, the admin,
the API and the reports all ask here; none of them re-implements a rule.

The numbers (28 days, 4–5 meetings, ...) are never written here: they come from `NetworkType`.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from networks.models import (
    OPEN_STATUSES,
    ActorCategory,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    NetworkTypeCode,
    ParticipantRole,
    Status,
    WelfareTrack,
)


class Level(StrEnum):
    BLOCKS = "blocks"
    WARNS = "warns"


class Action(StrEnum):
    SUBMIT = "submit"
    START = "start"
    CONCLUDE = "conclude"


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str
    message: str
    # The transitions this finding concerns. Empty: it concerns the network whatever comes next
    # (and, when it blocks, it blocks every transition).
    actions: tuple[Action, ...] = ()
    # The field a user changes to resolve it, where there is one.
    field: str = ""

    @property
    def blocks(self) -> bool:
        return self.level == Level.BLOCKS

    def as_dict(self) -> dict[str, str]:
        return {"level": str(self.level), "code": self.code, "message": self.message}


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def sprint_length_days(start: datetime.date, end: datetime.date) -> int:
    """Calendar days in a sprint window, counting both the first and the last day."""
    return (end - start).days + 1


@dataclass(frozen=True)
class RuleFacts:
    """What the rules need of a network's participants and meetings: counts and days, not rows.

    Built from the rows where they are loaded anyway (a network's own page), or for a whole page
    of networks by two grouped queries (`selectors.with_rule_facts`) where loading every
    participant and meeting as objects would cost more than the rest of the page.
    """

    core_count: int = 0
    categories: frozenset[str] = frozenset()
    has_commitment: bool = False
    # The local day each meeting that is not cancelled starts on.
    meeting_days: tuple[datetime.date, ...] = ()

    @classmethod
    def from_rows(cls, participants: Iterable, meetings: Iterable) -> RuleFacts:
        current = [p for p in participants if p.left_on is None]
        return cls(
            core_count=sum(1 for p in current if p.role == ParticipantRole.CORE),
            categories=frozenset(p.actor_category for p in current),
            has_commitment=any(p.commitment.strip() for p in current),
            meeting_days=tuple(
                timezone.localdate(m.starts_at) for m in meetings if m.status != MeetingStatus.CANCELLED
            ),
        )


@dataclass
class _Facts:
    """What the rules read about one network, gathered once."""

    network: Network
    type: NetworkType
    today: datetime.date
    known: RuleFacts

    @classmethod
    def of(cls, network: Network, today: datetime.date | None) -> _Facts:
        known = getattr(network, "rule_facts", None)  # set by selectors.with_rule_facts
        if known is None:
            known = (
                RuleFacts.from_rows(network.participants.all(), network.meetings.all())
                if network.pk
                else RuleFacts()
            )
        return cls(network=network, type=network.type, today=today or timezone.localdate(), known=known)

    @property
    def core_count(self) -> int:
        return self.known.core_count

    @property
    def categories(self) -> frozenset[str]:
        return self.known.categories

    @property
    def meeting_count(self) -> int:
        return len(self.known.meeting_days)


def _blocks(code: str, message: str, *actions: Action, field: str = "") -> Finding:
    return Finding(Level.BLOCKS, code, message, tuple(actions), field)


def _warns(code: str, message: str, *actions: Action, field: str = "") -> Finding:
    return Finding(Level.WARNS, code, message, tuple(actions), field)


# --- Rules for every type ---------------------------------------------------------------------


def _common_rules(f: _Facts) -> Iterator[Finding]:
    network = f.network
    if not network.mandate_clarified:
        yield _blocks(
            "mandate_not_clarified",
            _("Afklar mandatet, og sæt hak i “Mandat afklaret”, før netværket starter."),
            Action.START,
            field="mandate_clarified",
        )
    minimum = f.type.min_core_participants
    if f.core_count < minimum:
        yield _blocks(
            "too_few_core_participants",
            ngettext(
                "Netværket skal have mindst %(minimum)d kernedeltager, før det starter "
                "(har %(count)d). Tilføj kernedeltagere.",
                "Netværket skal have mindst %(minimum)d kernedeltagere, før det starter "
                "(har %(count)d). Tilføj kernedeltagere.",
                minimum,
            )
            % {"minimum": minimum, "count": f.core_count},
            Action.START,
        )
    if not network.outcome_summary.strip():
        yield _blocks(
            "outcome_summary_missing",
            _("Skriv netværkets resultat, før netværket afsluttes."),
            Action.CONCLUDE,
            field="outcome_summary",
        )
    yield from _planned_period_errors(network)


def _planned_period_errors(network: Network) -> Iterator[Finding]:
    start, end = network.planned_start, network.planned_end
    if start and end and end <= start:
        yield _blocks(
            "planned_end_not_after_start",
            _("Den planlagte afslutning skal ligge efter den planlagte start."),
            field="planned_end",
        )


def _plan_duration_rules(f: _Facts, *actions: Action) -> Iterator[Finding]:
    """Warn when the planned period is far from the type's typical span (about a year, six months)."""
    network, type_ = f.network, f.type
    if not type_.duration_tolerance_days:
        return
    if not (network.planned_start and network.planned_end):
        yield _warns(
            "planned_period_missing",
            _("Angiv planlagt start og afslutning, så planen kan vurderes."),
            *actions,
            field="planned_start",
        )
        return
    if type_.plan_months:
        expected_end = add_months(network.planned_start, type_.plan_months)
        expected_text = ngettext("ca. %(n)d måned", "ca. %(n)d måneder", type_.plan_months) % {
            "n": type_.plan_months
        }
    else:
        expected_end = network.planned_start + datetime.timedelta(days=type_.typical_duration_days)
        expected_text = ngettext("ca. %(n)d dag", "ca. %(n)d dage", type_.typical_duration_days) % {
            "n": type_.typical_duration_days
        }
    if abs((network.planned_end - expected_end).days) > type_.duration_tolerance_days:
        yield _warns(
            "plan_duration_unusual",
            _(
                "Planen strækker sig over %(days)d dage; et %(type)s er typisk planlagt til "
                "%(expected)s. Overvej at justere planen."
            )
            % {
                "days": (network.planned_end - network.planned_start).days,
                "type": type_.name.lower(),
                "expected": expected_text,
            },
            *actions,
            field="planned_end",
        )


def _actor_range_rules(f: _Facts) -> Iterator[Finding]:
    expected = f.type.min_actor_categories
    if expected and len(f.categories) < expected:
        yield _warns(
            "narrow_actor_range",
            ngettext(
                "Netværket inddrager %(count)d aktørtype; et %(type)s forventes at inddrage "
                "mindst %(expected)d, fx borgere, virksomheder, vidensinstitutioner og "
                "interesseorganisationer.",
                "Netværket inddrager %(count)d aktørtyper; et %(type)s forventes at inddrage "
                "mindst %(expected)d, fx borgere, virksomheder, vidensinstitutioner og "
                "interesseorganisationer.",
                len(f.categories),
            )
            % {"count": len(f.categories), "type": f.type.name.lower(), "expected": expected},
        )


# --- Innovation -------------------------------------------------------------------------------


def _innovation_rules(f: _Facts) -> Iterator[Finding]:
    network = f.network
    if not network.purpose.strip():
        yield _blocks(
            "purpose_missing",
            _("Beskriv netværkets formål, før det indstilles til Direktørforum."),
            Action.SUBMIT,
            field="purpose",
        )
    if not network.strategy_reference.strip():
        yield _blocks(
            "strategy_reference_missing",
            _(
                "Angiv den politiske vision eller strategi, netværket bygger på, "
                "før det indstilles til Direktørforum."
            ),
            Action.SUBMIT,
            field="strategy_reference",
        )
    if f.type.requires_approval and network.status not in (
        Status.APPROVED,
        Status.ACTIVE,
        Status.CONCLUDED,
    ):
        yield _blocks(
            "approval_required",
            _("Direktørforum skal godkende netværket, før det kan starte."),
            Action.START,
        )
    yield from _plan_duration_rules(f)
    if not f.categories & {ActorCategory.POLITICIAN, ActorCategory.MANAGEMENT}:
        yield _warns(
            "no_politicians_or_management",
            _(
                "Inddrag politikere (fx et §17, stk. 4-udvalg) eller et ledelsesforum; "
                "innovationsnetværk har en politisk overbygning."
            ),
        )
    yield from _actor_range_rules(f)


# --- Welfare ----------------------------------------------------------------------------------


def _sprint_window_errors(network: Network, type_: NetworkType) -> Iterator[Finding]:
    start, end = network.sprint_start, network.sprint_end
    if not (start and end):
        return
    if end <= start:
        yield _blocks(
            "sprint_end_not_after_start",
            _("Sprintens sidste dag skal ligge efter den første."),
            field="sprint_end",
        )
    elif type_.sprint_max_days and sprint_length_days(start, end) > type_.sprint_max_days:
        yield _blocks(
            "sprint_too_long",
            _(
                "Sprinten må højst vare %(max)d dage, første og sidste dag medregnet; "
                "den valgte varer %(days)d dage. Flyt den sidste dag til senest %(latest)s."
            )
            % {
                "max": type_.sprint_max_days,
                "days": sprint_length_days(start, end),
                "latest": date_format(
                    start + datetime.timedelta(days=type_.sprint_max_days - 1), "SHORT_DATE_FORMAT"
                ),
            },
            field="sprint_end",
        )


def _welfare_rules(f: _Facts) -> Iterator[Finding]:
    network = f.network
    if not (network.sprint_start and network.sprint_end):
        yield _blocks(
            "sprint_window_missing",
            _("Fastlæg sprintens første og sidste dag, før netværket starter."),
            Action.START,
            field="sprint_start",
        )
    yield from _sprint_window_errors(network, f.type)
    if ActorCategory.CITIZEN not in f.categories:
        yield _warns(
            "no_citizens",
            _("Inddrag borgere løbende; velfærdsnetværk skaber løsninger sammen med borgerne."),
        )
    if network.sprint_end:
        late = [day for day in f.known.meeting_days if day > network.sprint_end]
        if late:
            yield _warns(
                "meetings_after_sprint",
                ngettext(
                    "%(count)d møde ligger efter sprintens sidste dag. Flyt det ind i sprinten, "
                    "eller aflys det.",
                    "%(count)d møder ligger efter sprintens sidste dag. Flyt dem ind i sprinten, "
                    "eller aflys dem.",
                    len(late),
                )
                % {"count": len(late)},
            )
        if network.status == Status.ACTIVE and f.today > network.sprint_end:
            days = (f.today - network.sprint_end).days
            yield _warns(
                "sprint_ended_not_concluded",
                ngettext(
                    "Sprinten sluttede for %(days)d dag siden. Skriv resultatet, og afslut netværket.",
                    "Sprinten sluttede for %(days)d dage siden. Skriv resultatet, og afslut netværket.",
                    days,
                )
                % {"days": days},
                Action.CONCLUDE,
            )


# --- Learning ---------------------------------------------------------------------------------


def _learning_rules(f: _Facts) -> Iterator[Finding]:
    type_, count = f.type, f.meeting_count
    if type_.min_meetings and count < type_.min_meetings:
        yield _blocks(
            "too_few_meetings",
            _(
                "Planlæg mindst %(min)d netværksmøder, før netværket starter (har %(count)d; "
                "aflyste møder tæller ikke)."
            )
            % {"min": type_.min_meetings, "count": count},
            Action.START,
        )
    if type_.max_meetings and count > type_.max_meetings:
        yield _blocks(
            "too_many_meetings",
            _("Mødeplanen må højst have %(max)d netværksmøder (har %(count)d). Aflys de overskydende.")
            % {"max": type_.max_meetings, "count": count},
        )
    yield from _plan_duration_rules(f, Action.START)
    if ActorCategory.EXPERT not in f.categories:
        yield _warns(
            "no_experts",
            _("Overvej at invitere eksperter undervejs for at tilføre netværket ny viden."),
        )
    if not f.known.has_commitment:
        yield _warns(
            "commitments_missing",
            _(
                "Notér, hvad deltagerne forpligter sig til at bruge i deres eget arbejde, "
                "før netværket afsluttes."
            ),
            Action.CONCLUDE,
        )


_TYPE_RULES = {
    NetworkTypeCode.INNOVATION: _innovation_rules,
    NetworkTypeCode.WELFARE: _welfare_rules,
    NetworkTypeCode.LEARNING: _learning_rules,
}


def all_findings(network: Network, *, today: datetime.date | None = None) -> list[Finding]:
    """Every finding for the network, whatever its state."""
    f = _Facts.of(network, today)
    found = list(_common_rules(f))
    type_rules = _TYPE_RULES.get(f.type.code)
    if type_rules:
        found.extend(type_rules(f))
    return found


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
    relevant = set(next_actions(network))
    shown = [
        finding
        for finding in all_findings(network, today=today)
        if not finding.actions or relevant & set(finding.actions)
    ]
    return sorted(shown, key=lambda finding: finding.level != Level.BLOCKS)


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


def checklist(network: Network, *, today: datetime.date | None = None) -> list[ChecklistStep]:
    """The steps from setup to conclusion for the network's type, each done or held open by a finding."""
    open_findings = {f.code: f for f in all_findings(network, today=today) if f.blocks}
    return [
        ChecklistStep(code, code not in open_findings, open_findings.get(code))
        for code in _checklist_codes(network)
    ]


def progress(network: Network, *, today: datetime.date | None = None) -> tuple[int, int]:
    """(steps done, steps in all), for a "4 af 6 trin" summary."""
    steps = checklist(network, today=today)
    return sum(1 for step in steps if step.done), len(steps)


def _checklist_codes(network: Network) -> list[str]:
    codes = ["mandate_not_clarified", "too_few_core_participants"]
    code = network.type.code
    if code == NetworkTypeCode.INNOVATION:
        codes = ["purpose_missing", "strategy_reference_missing", *codes, "approval_required"]
    elif code == NetworkTypeCode.WELFARE:
        codes.append("sprint_window_missing")
    elif code == NetworkTypeCode.LEARNING:
        codes.append("too_few_meetings")
    return [*codes, "outcome_summary_missing"]


# --- Validation on save -----------------------------------------------------------------------


def _as_field_errors(found: Iterable[Finding]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for finding in found:
        errors.setdefault(finding.field or "__all__", []).append(finding.message)
    return errors


def network_field_errors(network: Network) -> dict[str, list[str]]:
    """The rules that make a network's own fields invalid, keyed by field, for `Model.clean()`."""
    found = list(_planned_period_errors(network))
    if network.type_id:
        found.extend(_sprint_window_errors(network, network.type))
    tracks = network.tracks
    if tracks in (None, ""):
        network.tracks = tracks = []
    if not isinstance(tracks, list) or any(track not in WelfareTrack.values for track in tracks):
        found.append(
            _blocks(
                "tracks_invalid",
                _("Vælg spor blandt: relationel koordinering, borgerdeltagelse og innovation."),
                field="tracks",
            )
        )
    return _as_field_errors(found)


def meeting_field_errors(meeting: Meeting) -> dict[str, list[str]]:
    """The rules that make a meeting invalid: its times, and the type's limit on the meeting plan."""
    errors: dict[str, list[str]] = {}
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = [_("Mødet skal slutte efter, det er startet.")]
    if not meeting.network_id or meeting.status == MeetingStatus.CANCELLED:
        return errors
    others = meeting.network.meetings.exclude(status=MeetingStatus.CANCELLED).exclude(pk=meeting.pk).count()
    message = meeting_plan_error(meeting.network.type, others + 1)
    if message:
        errors["status"] = [message]
    return errors


def meeting_plan_error(type_: NetworkType, counted_meetings: int) -> str | None:
    """The refusal when a plan of `counted_meetings` non-cancelled meetings exceeds the type's maximum."""
    maximum = type_.max_meetings
    if not maximum or counted_meetings <= maximum:
        return None
    return _(
        "Mødeplanen kan højst have %(max)d netværksmøder for et %(type)s (aflyste tæller ikke). "
        "Aflys et andet møde først, eller gem dette som aflyst."
    ) % {"max": maximum, "type": type_.name.lower()}
