"""Learning networks: competence and knowledge shared across the organisation over about six months.

The meeting plan holds between the type's `min_meetings` and `max_meetings` network meetings over
about `plan_months`, spread out (at least `min_meeting_gap_days` apart, over at least half the
period); experts are invited along the way. It concludes on meetings held, not planned, and once
each current core participant has noted what they commit to use in their own work, or why not.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from networks.choices import ActorCategory, KnowledgeUse, NetworkTypeCode, ReminderKind, Status
from networks.dates import add_months, iso_week_key, long_date, weekday_within
from networks.rules import common, follow_up
from networks.rules.base import Action, Facts, Finding, blocks, warns
from networks.rules.spec import (
    ComplianceCheck,
    FollowUpFigure,
    FollowUpQuestion,
    FollowUpQuestions,
    GuideProfile,
    GuideQuestion,
    MeetingPlanHelper,
    Nudge,
    ProposedMeeting,
    ReminderRule,
    Step,
    TypeSpec,
)

if TYPE_CHECKING:
    from networks.models import Network, NetworkType


def rules(f: Facts) -> Iterator[Finding]:
    type_, count = f.type, f.meeting_count
    if type_.min_meetings and count < type_.min_meetings:
        yield _too_few_meetings(f.network, count)
    if type_.max_meetings and count > type_.max_meetings:
        yield blocks(
            "too_many_meetings",
            _("Mødeplanen må højst have %(max)d netværksmøder (har %(count)d). Aflys de overskydende.")
            % {"max": type_.max_meetings, "count": count},
        )
    held = f.held_meeting_count
    if type_.min_meetings and held < type_.min_meetings:
        yield blocks(
            "too_few_meetings_held",
            ngettext(
                "Der er afholdt %(held)d netværksmøde; der skal være afholdt mindst %(min)d, før "
                "netværket kan afsluttes. Planlagte møder tæller ikke: markér møderne som afholdt, "
                "når de har fundet sted.",
                "Der er afholdt %(held)d netværksmøder; der skal være afholdt mindst %(min)d, før "
                "netværket kan afsluttes. Planlagte møder tæller ikke: markér møderne som afholdt, "
                "når de har fundet sted.",
                held,
            )
            % {"held": held, "min": type_.min_meetings},
            Action.CONCLUDE,
        )
    yield from spread_rules(f)
    yield from common.plan_duration_rules(f, Action.START)
    if ActorCategory.EXPERT not in f.categories:
        yield warns(
            "no_experts",
            _("Overvej at invitere eksperter undervejs for at tilføre netværket ny viden."),
        )
    missing = f.known.core_without_commitment
    if missing:
        yield blocks(
            "commitments_missing",
            ngettext(
                "%(count)d kernedeltager mangler at notere en forpligtelse (%(names)s). Notér, hvad "
                "hver kernedeltager forpligter sig til at bruge i sit eget arbejde – eller hvorfor "
                "der ingen forpligtelse er – før netværket afsluttes.",
                "%(count)d kernedeltagere mangler at notere en forpligtelse (%(names)s). Notér, hvad "
                "hver kernedeltager forpligter sig til at bruge i sit eget arbejde – eller hvorfor "
                "der ingen forpligtelse er – før netværket afsluttes.",
                len(missing),
            )
            % {"count": len(missing), "names": _some_names(missing)},
            Action.CONCLUDE,
        )


# How many names a finding spells out before it says "and n more".
NAMES_SHOWN = 3


def _some_names(names: tuple[str, ...]) -> str:
    shown, rest = list(names[:NAMES_SHOWN]), len(names) - NAMES_SHOWN
    if rest > 0:
        shown.append(ngettext("%(count)d anden", "%(count)d andre", rest) % {"count": rest})
    if len(shown) == 1:
        return shown[0]
    return _("%(first)s og %(last)s") % {"first": ", ".join(shown[:-1]), "last": shown[-1]}


def _too_few_meetings(network: Network, count: int) -> Finding:
    """Too few meetings in the plan: before the start, plan more; once it runs, the plan no longer
    reaches the meetings that must be held before it can conclude (one was cancelled)."""
    minimum = network.type.min_meetings
    if network.status == Status.ACTIVE:
        return blocks(
            "too_few_meetings",
            ngettext(
                "Mødeplanen har kun %(count)d møde tilbage (afholdte og planlagte); der skal afholdes "
                "mindst %(min)d, før netværket kan afsluttes. Planlæg flere møder.",
                "Mødeplanen har kun %(count)d møder tilbage (afholdte og planlagte); der skal afholdes "
                "mindst %(min)d, før netværket kan afsluttes. Planlæg flere møder.",
                count,
            )
            % {"count": count, "min": minimum},
            Action.CONCLUDE,
        )
    return blocks(
        "too_few_meetings",
        _(
            "Planlæg mindst %(min)d netværksmøder, før netværket starter (har %(count)d; "
            "aflyste møder tæller ikke)."
        )
        % {"min": minimum, "count": count},
        Action.START,
    )


def _planned_days(f: Facts, first: datetime.date) -> int | None:
    """The planned period in days: planned start to planned end, or else `plan_months` from the
    first meeting; None when neither is known."""
    network = f.network
    if network.planned_start and network.planned_end:
        return (network.planned_end - network.planned_start).days
    if f.type.plan_months:
        return (plan_end(f.type, first) - first).days
    return None


def spread_rules(f: Facts) -> Iterator[Finding]:
    """The meetings spread over the period: none too close to the one before, and from the first
    to the last at least half the planned period (knowledge is tried out between the meetings)."""
    days = sorted(f.known.meeting_days)
    gap = f.type.min_meeting_gap_days
    if gap:
        close = [(before, after) for before, after in pairwise(days) if (after - before).days < gap]
        if close:
            before, after = close[0]
            yield warns(
                "meetings_bunched",
                ngettext(
                    "%(count)d møde ligger mindre end %(gap)d dage efter det forrige (fx %(before)s og "
                    "%(after)s). Spred møderne, så deltagerne kan afprøve det lærte imellem.",
                    "%(count)d møder ligger mindre end %(gap)d dage efter det forrige (fx %(before)s og "
                    "%(after)s). Spred møderne, så deltagerne kan afprøve det lærte imellem.",
                    len(close),
                )
                % {
                    "count": len(close),
                    "gap": gap,
                    "before": _day_text(before),
                    "after": _day_text(after),
                },
            )
    if len(days) < 2:
        return
    planned = _planned_days(f, days[0])
    span = (days[-1] - days[0]).days
    # Less than half: twice the span short of the period, so no rounding of an odd number of days.
    if planned and 2 * span < planned:
        yield warns(
            "meetings_span_short",
            _(
                "Møderne ligger inden for %(span)d dage, under halvdelen af den planlagte periode på "
                "%(planned)d dage. Spred dem over hele perioden."
            )
            % {"span": span, "planned": planned},
        )


def _day_text(day: datetime.date) -> str:
    return _("den %(day)s") % {"day": long_date(day)}


# --- The plan helper: the meetings spread over the type's plan ----------------------------------


def plan_end(type_: NetworkType, start: datetime.date) -> datetime.date:
    """The day the plan ends if it starts on `start`: `plan_months` later, clamped to the month's end."""
    return add_months(start, type_.plan_months or 0)


def count_choices(type_: NetworkType, existing: int = 0) -> list[int]:
    """How many new meetings the helper may propose when `existing` non-cancelled meetings are planned:
    enough to reach the type's minimum, never more than its maximum."""
    if not type_.max_meetings:
        return []
    lowest = max(1, (type_.min_meetings or 1) - existing)
    highest = type_.max_meetings - existing
    return list(range(lowest, highest + 1))


def spread_meetings(type_: NetworkType, start: datetime.date, count: int) -> list[ProposedMeeting]:
    """`count` meetings spread evenly from `start` to the end of the type's plan, on weekdays."""
    if count < 1:
        return []
    end = plan_end(type_, start)
    span = (end - start).days
    days = []
    for index in range(count):
        offset = round(index * span / (count - 1)) if count > 1 else 0
        days.append(weekday_within(start + datetime.timedelta(days=offset), start, end))
    return [
        ProposedMeeting(_("Netværksmøde %(number)d") % {"number": number}, day)
        for number, day in enumerate(days, start=1)
    ]


def _propose(network: Network, start: datetime.date | None, count: int | None) -> list[ProposedMeeting]:
    return spread_meetings(network.type, start, count) if start and count else []


def _plan_unavailable(network: Network, existing: int) -> str:
    if count_choices(network.type, existing):
        return ""
    full = _("Mødeplanen er fuld, så hjælpen har ikke flere møder at foreslå.")
    return " ".join([full, common.meeting_plan_error(network.type, existing + 1) or ""])


def _start_help(type_: NetworkType) -> str:
    months = type_.plan_months or 0
    return ngettext(
        "Møderne fordeles over ca. %(months)d måned fra denne dato.",
        "Møderne fordeles over ca. %(months)d måneder fra denne dato.",
        months,
    ) % {"months": months}


# --- Reminders: a plan with too few meetings, once a week ---------------------------------------


def _meeting_plan_reminder(network: Network, today: datetime.date) -> Nudge | None:
    found = [f for f in rules(Facts.of(network, today)) if f.code == "too_few_meetings"]
    if not found:
        return None
    if network.status == Status.ACTIVE:
        # Once it runs, what is wrong now: the plan no longer reaches the meetings to be held.
        count, minimum = Facts.of(network, today).meeting_count, network.type.min_meetings
        message = ngettext(
            "Mødeplanen for “%(title)s” har kun %(count)d møde tilbage (afholdte og planlagte); der skal "
            "afholdes mindst %(min)d, før netværket kan afsluttes. Planlæg flere møder.",
            "Mødeplanen for “%(title)s” har kun %(count)d møder tilbage (afholdte og planlagte); der skal "
            "afholdes mindst %(min)d, før netværket kan afsluttes. Planlæg flere møder.",
            count,
        ) % {"title": network.title, "count": count, "min": minimum}
    else:
        message = found[0].message
    return Nudge(
        ReminderKind.TOO_FEW_MEETINGS,
        f"network:{network.pk}:{iso_week_key(today)}",
        _("Planlæg flere møder i “%(title)s”") % {"title": network.title},
        "emails/reminder_meetings_plan.txt",
        {"message": message, "active": network.status == Status.ACTIVE},
    )


# --- The report's figures -----------------------------------------------------------------------


def _meetings_label(type_: NetworkType) -> str | None:
    minimum, maximum = type_.min_meetings, type_.max_meetings
    if not (minimum or maximum):
        return None
    if minimum and maximum:
        return _("%(min)d–%(max)d netværksmøder (aflyste tæller ikke)") % {"min": minimum, "max": maximum}
    return _("Mødeplanen holdt sig inden for typens grænser (aflyste tæller ikke)")


def _plan_label(type_: NetworkType) -> str | None:
    if not ((type_.min_meetings or type_.max_meetings) and type_.plan_months):
        return None
    return _("Planen strakte sig over ca. %(months)d måneder") % {"months": type_.plan_months}


def _both_label(type_: NetworkType) -> str | None:
    if not ((type_.min_meetings or type_.max_meetings) and type_.plan_months):
        return None
    return _("Begge dele: mødeantal og planens længde")


# --- The follow-up: did each participant put the knowledge to use? ------------------------------
#
# Asked of the participants who made a commitment when the network concluded: they are the ones
# who promised to use the knowledge. A participant who left, or who said why they committed to
# nothing, has no promise to follow up on.


def committed_participants(network: Network) -> list:
    return [p for p in network.participants.all() if p.left_on is None and (p.commitment or "").strip()]


def _use_key(participant) -> str:
    return f"use_{participant.pk}"


def _note_key(participant) -> str:
    return f"note_{participant.pk}"


def _follow_up_questions(network: Network) -> tuple[FollowUpQuestion, ...]:
    questions = []
    for participant in committed_participants(network):
        questions.append(
            FollowUpQuestion(
                _use_key(participant),
                _("Har %(name)s brugt den nye viden?") % {"name": participant.name},
                _("Forpligtelsen: “%(commitment)s”") % {"commitment": participant.commitment.strip()},
                tuple(KnowledgeUse.choices),
            )
        )
        questions.append(
            FollowUpQuestion(
                _note_key(participant),
                _("Bemærkning om %(name)s") % {"name": participant.name},
                _("Hvordan er viden brugt, eller hvad har stået i vejen? Kan udelades."),
            )
        )
    return tuple(questions)


def _follow_up_errors(answers, network: Network) -> dict[str, list[str]]:
    errors = {}
    for participant in committed_participants(network):
        errors[_use_key(participant)] = follow_up.choice_errors(
            answers, _use_key(participant), tuple(KnowledgeUse.choices)
        )
        errors[_note_key(participant)] = follow_up.text_errors(
            answers, _note_key(participant), required=False
        )
    return {key: messages for key, messages in errors.items() if messages}


def _follow_up_record(answers, network: Network) -> dict:
    # Names and commitments are copied, so the record reads the same if a participant is deleted.
    return {
        "participants": [
            {
                "participant": participant.pk,
                "name": participant.name,
                "commitment": participant.commitment.strip(),
                "use": answers[_use_key(participant)],
                "note": follow_up.text(answers, _note_key(participant)),
            }
            for participant in committed_participants(network)
        ]
    }


def _follow_up_shown(answers) -> list[tuple[str, str]]:
    lines = []
    for row in answers.get("participants", []):
        use = follow_up.choice_label(tuple(KnowledgeUse.choices), row.get("use"))
        lines.append((row.get("name", ""), f"{use} – {row['note']}" if row.get("note") else use))
    return lines


def _commitments_used_count(all_answers) -> tuple[int, int]:
    """(participant answers "yes" or "partly", participant answers)."""
    rows = [row for answers in all_answers for row in answers.get("participants", [])]
    used = (KnowledgeUse.YES, KnowledgeUse.PARTLY)
    return sum(1 for row in rows if row.get("use") in used), len(rows)


FOLLOW_UP = FollowUpQuestions(
    intro=gettext_lazy(
        "Deltagerne forpligtede sig til at bruge den nye viden i deres eget arbejde. "
        "Fortæl for hver af dem, om det er sket."
    ),
    questions=_follow_up_questions,
    validate=_follow_up_errors,
    record=_follow_up_record,
    shown=_follow_up_shown,
    figure=FollowUpFigure(
        gettext_lazy("Forpligtelser, hvor viden er brugt helt eller delvist"), _commitments_used_count
    ),
)

_MEETING_CODES = ("too_few_meetings", "too_many_meetings")
_PLAN_CODES = ("planned_period_missing", "plan_duration_unusual")

SPEC = TypeSpec(
    code=NetworkTypeCode.LEARNING,
    rules=rules,
    form_fields=(*common.FORM_START, *common.FORM_END, *common.PLANNED_PERIOD),
    checklist=(
        common.MANDATE_STEP,
        common.CORE_STEP,
        Step("too_few_meetings", gettext_lazy("Mødeplanen har nok netværksmøder")),
        common.OUTCOME_STEP,
    ),
    compliance=(
        ComplianceCheck("meetings_within_plan", _meetings_label, _MEETING_CODES, ("meeting_count",)),
        ComplianceCheck("plan_about_months", _plan_label, _PLAN_CODES, ("planned_period",)),
        ComplianceCheck(
            "meeting_plan_kept",
            _both_label,
            (*_MEETING_CODES, *_PLAN_CODES),
            ("meeting_count", "planned_period"),
        ),
    ),
    meeting_plan=MeetingPlanHelper(
        propose=_propose, unavailable=_plan_unavailable, count_choices=count_choices, start_help=_start_help
    ),
    reminders=(ReminderRule(statuses=(Status.DRAFT, Status.ACTIVE), due=_meeting_plan_reminder),),
    follow_up=FOLLOW_UP,
    asks_commitments=True,
    follows_core_attendance=True,
    guide=GuideProfile(
        focus=gettext_lazy(
            "Kompetenceudvikling, videndeling og samarbejde på tværs. Netværket skaber viden, ikke løsninger."
        ),
        actors=gettext_lazy(
            "En stabil kerne af interne og eksterne deltagere; eksperter inviteres undervejs."
        ),
        result=gettext_lazy("Viden, som deltagerne forpligter sig til at bruge i deres eget arbejde."),
        questions=(
            GuideQuestion(
                "knowledge",
                gettext_lazy(
                    "Handler temaet om viden eller kompetencer, der mangler – i eller uden for "
                    "organisationen?"
                ),
                gettext_lazy(
                    "Fx når ingen har overblikket, eller når medarbejdere skal lære noget nyt sammen."
                ),
                gettext_lazy(
                    "Temaet handler om at opbygge og dele viden, som deltagerne bagefter bruger i deres eget "
                    "arbejde."
                ),
            ),
        ),
    ),
)
