"""Welfare networks: a citizen-near welfare task, worked on in an intensive sprint.

After the setup (mandate, core, the three tracks) the network works in a sprint window of at most
the type's `sprint_max_days`, with citizens taking part throughout; meetings belong inside the
sprint, and a sprint that has ended should be concluded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from networks.choices import ActorCategory, NetworkTypeCode, ReminderKind, Status
from networks.dates import weekday_within
from networks.rules import common
from networks.rules.base import Action, Facts, Finding, blocks, warns
from networks.rules.spec import (
    ComplianceCheck,
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
    from networks.models import Network


def rules(f: Facts) -> Iterator[Finding]:
    network = f.network
    if not (network.sprint_start and network.sprint_end):
        yield blocks(
            "sprint_window_missing",
            _("Fastlæg sprintens første og sidste dag, før netværket starter."),
            Action.START,
            field="sprint_start",
        )
    yield from common.sprint_window_errors(network, f.type)
    if ActorCategory.CITIZEN not in f.categories:
        yield warns(
            "no_citizens",
            _("Inddrag borgere løbende; velfærdsnetværk skaber løsninger sammen med borgerne."),
        )
    if network.sprint_end:
        late = [day for day in f.known.meeting_days if day > network.sprint_end]
        if late:
            yield warns(
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
            yield warns(
                "sprint_ended_not_concluded",
                ngettext(
                    "Sprinten sluttede for %(days)d dag siden. Skriv resultatet, og afslut netværket.",
                    "Sprinten sluttede for %(days)d dage siden. Skriv resultatet, og afslut netværket.",
                    days,
                )
                % {"days": days},
                Action.CONCLUDE,
            )


# --- The plan helper: kick-off, midway and closing inside the sprint ----------------------------


def sprint_meetings(sprint_start: datetime.date, sprint_end: datetime.date) -> list[ProposedMeeting]:
    """Kick-off on the sprint's first day, a midway meeting, and closing on its last day (on
    weekdays, all inside the window)."""
    if sprint_end < sprint_start:
        return []
    middle = sprint_start + datetime.timedelta(days=(sprint_end - sprint_start).days // 2)
    planned = [
        (_("Opstartsmøde"), sprint_start),
        (_("Midtvejsmøde"), middle),
        (_("Afslutningsmøde"), sprint_end),
    ]
    proposals, seen = [], set()
    for title, day in planned:
        day = weekday_within(day, sprint_start, sprint_end)
        if day not in seen:
            seen.add(day)
            proposals.append(ProposedMeeting(title, day))
    return proposals


def _propose(network: Network, start: datetime.date | None, count: int | None) -> list[ProposedMeeting]:
    # No first day and no number is asked: the sprint window decides both.
    if not (network.sprint_start and network.sprint_end):
        return []
    return sprint_meetings(network.sprint_start, network.sprint_end)


def _plan_unavailable(network: Network, existing: int) -> str:
    if network.sprint_start and network.sprint_end:
        return ""
    return _(
        "Planlægningshjælpen lægger møderne inden for sprinten. Fastlæg sprintens første og "
        "sidste dag under “Redigér netværket” først."
    )


# --- Reminders: the sprint ends soon, or has ended without a conclusion --------------------------


def _sprint_reminder(network: Network, today: datetime.date) -> Nudge | None:
    end = network.sprint_end
    if end is None:
        return None
    codes = {finding.code for finding in rules(Facts.of(network, today))}
    if "sprint_ended_not_concluded" in codes:
        kind, subject = ReminderKind.SPRINT_ENDED, _("Sprinten i “%(title)s” er slut – afslut netværket")
    elif today <= end <= today + datetime.timedelta(days=settings.REMINDER_SPRINT_ENDING_DAYS):
        kind, subject = ReminderKind.SPRINT_ENDING, _("Sprinten i “%(title)s” slutter snart")
    else:
        return None
    return Nudge(
        kind,
        f"network:{network.pk}:{end.isoformat()}",
        subject % {"title": network.title},
        "emails/reminder_sprint.txt",
        {"kind": kind.value, "days_left": (end - today).days, "days_over": (today - end).days},
    )


def _sprint_label(type_) -> str | None:
    if not type_.sprint_max_days:
        return None
    return _("Sprinten varede højst %(max)d dage") % {"max": type_.sprint_max_days}


SPEC = TypeSpec(
    code=NetworkTypeCode.WELFARE,
    rules=rules,
    form_fields=(*common.FORM_START, "tracks", *common.FORM_END, "sprint_start", "sprint_end"),
    checklist=(
        common.MANDATE_STEP,
        common.CORE_STEP,
        Step("sprint_window_missing", gettext_lazy("Sprintens første og sidste dag er fastlagt")),
        common.OUTCOME_STEP,
    ),
    compliance=(
        ComplianceCheck("sprint_within_max", _sprint_label, ("sprint_too_long",), ("sprint_window",)),
    ),
    meeting_plan=MeetingPlanHelper(propose=_propose, unavailable=_plan_unavailable),
    reminders=(ReminderRule(statuses=(Status.ACTIVE,), due=_sprint_reminder),),
    has_sprint=True,
    guide=GuideProfile(
        focus=gettext_lazy(
            "En borgernær velfærdsopgave på et afgrænset område, i tre spor: relationel koordinering, "
            "borgerdeltagelse og innovation."
        ),
        actors=gettext_lazy(
            "En afgrænset kerne; de berørte inddrages undervejs, og borgerne er med hele vejen."
        ),
        result=gettext_lazy("Nye løsninger på velfærdsopgaven."),
        questions=(
            GuideQuestion(
                "citizen_near",
                gettext_lazy(
                    "Handler temaet om en borgernær velfærdsopgave på et afgrænset område, "
                    "som I vil gøre bedre?"
                ),
                gettext_lazy(
                    "Fx hverdagen på et plejecenter, en overgang mellem to tilbud eller én bestemt indsats."
                ),
                gettext_lazy(
                    "Temaet er borgernært og afgrænset; det egner sig til en kort, intensiv indsats "
                    "sammen med borgerne."
                ),
            ),
        ),
    ),
)
