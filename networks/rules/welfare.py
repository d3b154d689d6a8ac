"""Welfare networks: a citizen-near welfare task, worked on in an intensive sprint.

After the setup (mandate, core, a plan for each of the three tracks) the network works in a sprint
window of at most the type's `sprint_max_days`, with citizens taking part throughout; meetings
belong inside the sprint, and a sprint that has ended should be concluded, with an outcome for each
track.

The sprint starts now: a network cannot start on a sprint that has ended, nor on one that began
more than the type's `sprint_start_grace_days` ago. Once it runs, the sprint's first day is fixed
and its last day moves only with a reason (`sprint_change_errors`), never past the maximum.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from networks.choices import ActorCategory, NetworkTypeCode, ReminderKind, Status, WelfareTrack
from networks.dates import long_date, weekday_within
from networks.rules import common, follow_up
from networks.rules.base import Action, Facts, Finding, blocks, is_blank, warns
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
    yield from sprint_start_errors(f)
    yield from track_rules(network)
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
    if network.status == Status.ACTIVE and f.known.held_meeting_count and not f.known.citizen_attended_held:
        yield warns(
            "no_citizen_attended",
            ngettext(
                "Ingen borgere var med til det afholdte møde. Inviter borgere til de næste møder, "
                "og notér dem som fremmødte.",
                "Ingen borgere var med til de %(count)d afholdte møder. Inviter borgere til de "
                "næste møder, og notér dem som fremmødte.",
                f.known.held_meeting_count,
            )
            % {"count": f.known.held_meeting_count},
        )


# --- The three tracks -----------------------------------------------------------------------------


def track_texts(value) -> dict[str, str]:
    """A stored `track_plans` or `track_outcomes` as one text per track, blank where none is given."""
    value = value if isinstance(value, dict) else {}
    return {track: text if isinstance(text := value.get(track), str) else "" for track in WelfareTrack.values}


def blank_tracks(value) -> list[str]:
    """The labels of the tracks with no text, in the tracks' order."""
    texts = track_texts(value)
    return [str(label) for track, label in WelfareTrack.choices if is_blank(texts[track])]


def _quoted_list(labels: list[str]) -> str:
    """“A”, “B” og “C”."""
    quoted = [f"“{label}”" for label in labels]
    if len(quoted) == 1:
        return quoted[0]
    return _("%(first)s og %(last)s") % {"first": ", ".join(quoted[:-1]), "last": quoted[-1]}


def track_rules(network: Network) -> Iterator[Finding]:
    """A plan for each track before the sprint starts; an outcome for each when it concludes."""
    missing = blank_tracks(network.track_plans)
    if missing:
        yield blocks(
            "track_plan_missing",
            ngettext(
                "Beskriv, hvordan netværket arbejder i sporet %(tracks)s, før netværket starter.",
                "Beskriv, hvordan netværket arbejder i sporene %(tracks)s, før netværket starter.",
                len(missing),
            )
            % {"tracks": _quoted_list(missing)},
            Action.START,
            field="track_plans",
        )
    missing = blank_tracks(network.track_outcomes)
    if missing:
        yield blocks(
            "track_outcome_missing",
            ngettext(
                "Skriv resultatet i sporet %(tracks)s, før netværket afsluttes.",
                "Skriv resultatet i sporene %(tracks)s, før netværket afsluttes.",
                len(missing),
            )
            % {"tracks": _quoted_list(missing)},
            Action.CONCLUDE,
            field="track_outcomes",
        )


# --- A sprint that starts now, and moves only with a reason ---------------------------------------


def sprint_start_errors(f: Facts) -> Iterator[Finding]:
    """Before it starts: the sprint has not ended, and began at most `sprint_start_grace_days` ago."""
    network = f.network
    start, end = network.sprint_start, network.sprint_end
    if not (start and end) or network.status not in (Status.DRAFT, Status.SUBMITTED, Status.APPROVED):
        return
    if end < f.today:
        yield blocks(
            "sprint_already_ended",
            _("Sprinten sluttede den %(end)s. Flyt sprinten frem, så den begynder nu, før netværket starter.")
            % {"end": long_date(end)},
            Action.START,
            field="sprint_end",
        )
        return
    grace = f.type.sprint_start_grace_days
    if grace is not None and (f.today - start).days > grace:
        earliest = f.today - datetime.timedelta(days=grace)
        yield blocks(
            "sprint_started_too_long_ago",
            ngettext(
                "Sprinten begyndte den %(start)s; et netværk kan højst starte %(grace)d dag inde i "
                "sprinten. Flyt sprintens første dag til den %(earliest)s eller senere.",
                "Sprinten begyndte den %(start)s; et netværk kan højst starte %(grace)d dage inde i "
                "sprinten. Flyt sprintens første dag til den %(earliest)s eller senere.",
                grace,
            )
            % {"start": long_date(start), "grace": grace, "earliest": long_date(earliest)},
            Action.START,
            field="sprint_start",
        )


def sprint_is_running(network: Network) -> bool:
    return network.status == Status.ACTIVE and bool(network.sprint_start and network.sprint_end)


def sprint_change_errors(
    network: Network, old_start: datetime.date | None, old_end: datetime.date | None, reason: str
) -> list[Finding]:
    """What is wrong with changing a running sprint from (`old_start`, `old_end`) to the network's
    sprint dates now: its first day is fixed, and its last day moves only with a reason.

    Only a running network with a sprint is bound; how long the moved sprint may last is the
    sprint window's own rule (`sprint_too_long`), checked on save."""
    if network.status != Status.ACTIVE or not (old_start and old_end):
        return []
    errors = []
    if network.sprint_start != old_start:
        errors.append(
            blocks(
                "sprint_start_fixed",
                _(
                    "Sprintens første dag ligger fast, når netværket er startet (den %(start)s). "
                    "Flyt i stedet sprintens sidste dag, hvis der er brug for mere tid."
                )
                % {"start": long_date(old_start)},
                field="sprint_start",
            )
        )
    if network.sprint_end is None:
        errors.append(
            blocks(
                "sprint_end_required",
                _("En kørende sprint skal have en sidste dag. Flyt den i stedet for at fjerne den."),
                field="sprint_end",
            )
        )
    elif network.sprint_end != old_end and is_blank(reason):
        errors.append(
            blocks(
                "sprint_change_reason_required",
                _("Skriv, hvorfor sprintens sidste dag flyttes; begrundelsen gemmes i netværkets forløb."),
                field="sprint_change_reason",
            )
        )
    return errors


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


# --- The follow-up: is the new solution in operation, and who owns it? --------------------------

IN_OPERATION_CHOICES = (
    ("yes", gettext_lazy("Ja")),
    ("partly", gettext_lazy("Delvist")),
    ("no", gettext_lazy("Nej")),
)
_IN_OPERATION = FollowUpQuestion(
    "in_operation",
    gettext_lazy("Er den nye løsning i drift?"),
    gettext_lazy("Delvist: løsningen bruges, men ikke alle steder eller ikke hver gang."),
    IN_OPERATION_CHOICES,
)
_OWNER = FollowUpQuestion(
    "owner",
    gettext_lazy("Hvem ejer løsningen i driften?"),
    gettext_lazy("Den enhed eller leder, der holder løsningen i live. Skal udfyldes, når den er i drift."),
)


def _follow_up_errors(answers, network: Network) -> dict[str, list[str]]:
    errors = {_IN_OPERATION.key: follow_up.choice_errors(answers, _IN_OPERATION.key, IN_OPERATION_CHOICES)}
    # A solution in operation has someone who keeps it running; one that is not, need not.
    in_operation = answers.get(_IN_OPERATION.key) in ("yes", "partly")
    errors[_OWNER.key] = follow_up.text_errors(
        answers,
        _OWNER.key,
        required=in_operation,
        missing=_("Skriv, hvem der ejer løsningen, når den er helt eller delvist i drift."),
    )
    return {key: messages for key, messages in errors.items() if messages}


def _follow_up_record(answers, network: Network) -> dict:
    return {
        _IN_OPERATION.key: answers[_IN_OPERATION.key],
        _OWNER.key: follow_up.text(answers, _OWNER.key),
    }


def _follow_up_shown(answers) -> list[tuple[str, str]]:
    in_operation = follow_up.choice_label(IN_OPERATION_CHOICES, answers.get(_IN_OPERATION.key))
    lines = [(str(_IN_OPERATION.label), in_operation)]
    if answers.get(_OWNER.key):
        lines.append((str(_OWNER.label), answers[_OWNER.key]))
    return lines


def _in_operation_count(all_answers) -> tuple[int, int]:
    """(solutions fully or partly in operation, solutions asked about)."""
    answers = list(all_answers)
    return sum(1 for a in answers if a.get(_IN_OPERATION.key) in ("yes", "partly")), len(answers)


FOLLOW_UP = FollowUpQuestions(
    intro=gettext_lazy("Netværket udviklede nye løsninger på velfærdsopgaven. Fortæl, om de bruges nu."),
    questions=lambda network: (_IN_OPERATION, _OWNER),
    validate=_follow_up_errors,
    record=_follow_up_record,
    shown=_follow_up_shown,
    figure=FollowUpFigure(gettext_lazy("Løsninger helt eller delvist i drift"), _in_operation_count),
)

SPEC = TypeSpec(
    code=NetworkTypeCode.WELFARE,
    rules=rules,
    form_fields=(*common.FORM_START, "track_plans", *common.FORM_END, "sprint_start", "sprint_end"),
    checklist=(
        common.MANDATE_STEP,
        common.CORE_STEP,
        Step("track_plan_missing", gettext_lazy("Planen for de tre spor er beskrevet")),
        Step("sprint_window_missing", gettext_lazy("Sprintens første og sidste dag er fastlagt")),
        common.OUTCOME_STEP,
        Step("track_outcome_missing", gettext_lazy("Resultatet i de tre spor er skrevet")),
    ),
    compliance=(
        ComplianceCheck("sprint_within_max", _sprint_label, ("sprint_too_long",), ("sprint_window",)),
    ),
    meeting_plan=MeetingPlanHelper(propose=_propose, unavailable=_plan_unavailable),
    reminders=(ReminderRule(statuses=(Status.ACTIVE,), due=_sprint_reminder),),
    follow_up=FOLLOW_UP,
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
