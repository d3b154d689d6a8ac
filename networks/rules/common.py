"""The rules every type shares, and the pieces the type modules compose their own rules from.

Mandate, core and outcome hold for every network; the plan's duration and the range of actors
are read from the type's parameters by the types that use them; the field errors are what makes
a network or a meeting invalid on save, whatever its type.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from networks.choices import MeetingStatus, WelfareTrack
from networks.dates import add_months
from networks.rules.base import (
    Action,
    Facts,
    Finding,
    blocks,
    commitment_missing,
    is_blank,
    sprint_length_days,
    warns,
)
from networks.rules.spec import Step
from networks.text import multi_line_error

if TYPE_CHECKING:
    from networks.models import Meeting, Network, NetworkType, Participant

# The network form's fields that every type asks for, before and after its own.
FORM_START = ("title", "theme", "purpose")
FORM_END = ("mandate", "mandate_clarified")
PLANNED_PERIOD = ("planned_start", "planned_end")

MANDATE_STEP = Step("mandate_not_clarified", gettext_lazy("Mandatet er afklaret"))
CORE_STEP = Step("too_few_core_participants", gettext_lazy("Kernen af deltagere er sammensat"))
OUTCOME_STEP = Step("outcome_summary_missing", gettext_lazy("Resultatet er skrevet"))


def rules(f: Facts) -> Iterator[Finding]:
    network = f.network
    if not network.mandate_clarified:
        yield blocks(
            "mandate_not_clarified",
            _("Afklar mandatet, og sæt hak i “Mandat afklaret”, før netværket starter."),
            Action.START,
            field="mandate_clarified",
        )
    minimum = f.type.min_core_participants
    if f.core_count < minimum:
        yield blocks(
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
    if is_blank(network.outcome_summary):
        yield blocks(
            "outcome_summary_missing",
            _("Skriv netværkets resultat, før netværket afsluttes."),
            Action.CONCLUDE,
            field="outcome_summary",
        )
    yield from planned_period_errors(network)


def planned_period_errors(network: Network) -> Iterator[Finding]:
    start, end = network.planned_start, network.planned_end
    if start and end and end <= start:
        yield blocks(
            "planned_end_not_after_start",
            _("Den planlagte afslutning skal ligge efter den planlagte start."),
            field="planned_end",
        )


def plan_duration_rules(f: Facts, *actions: Action) -> Iterator[Finding]:
    """Warn when the planned period is far from the type's typical span (about a year, six months)."""
    network, type_ = f.network, f.type
    if not type_.duration_tolerance_days:
        return
    if not (network.planned_start and network.planned_end):
        yield warns(
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
        yield warns(
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


def actor_range_rules(f: Facts) -> Iterator[Finding]:
    expected = f.type.min_actor_categories
    if expected and len(f.categories) < expected:
        yield warns(
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


def sprint_window_errors(network: Network, type_: NetworkType) -> Iterator[Finding]:
    """A sprint window that ends before it starts, or lasts longer than the type allows.

    Read on save for every type (a type without a sprint maximum only needs the order), and by the
    types with a sprint as their plan.
    """
    start, end = network.sprint_start, network.sprint_end
    if not (start and end):
        return
    if end <= start:
        yield blocks(
            "sprint_end_not_after_start",
            _("Sprintens sidste dag skal ligge efter den første."),
            field="sprint_end",
        )
    elif type_.sprint_max_days and sprint_length_days(start, end) > type_.sprint_max_days:
        yield blocks(
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


# --- Validation on save -----------------------------------------------------------------------


def _as_field_errors(found: Iterable[Finding]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for finding in found:
        errors.setdefault(finding.field or "__all__", []).append(finding.message)
    return errors


def network_field_errors(network: Network) -> dict[str, list[str]]:
    """The rules that make a network's own fields invalid, keyed by field, for `Model.clean()`."""
    found = list(planned_period_errors(network))
    if network.type_id:
        found.extend(sprint_window_errors(network, network.type))
    for name in ("track_plans", "track_outcomes"):
        value = getattr(network, name)
        if value in (None, ""):
            setattr(network, name, value := {})
        message = track_texts_error(value)
        if message:
            found.append(blocks("tracks_invalid", message, field=name))
    return _as_field_errors(found)


def track_texts_error(value) -> str | None:
    """Why `value` is not a text per welfare track (`track_plans`, `track_outcomes`), or None.

    An object whose keys are among the tracks' codes and whose values are texts; a missing track
    is a blank one."""
    if isinstance(value, dict) and all(
        key in WelfareTrack.values and isinstance(text, str) for key, text in value.items()
    ):
        # Each track's text is a multi-line text like any other (`networks.text`).
        return next(filter(None, (multi_line_error(text) for text in value.values())), None)
    return _("Angiv sporene som et objekt med nøglerne %(keys)s og en tekst til hvert spor.") % {
        "keys": ", ".join(WelfareTrack.values)
    }


def commitment_errors(
    *, role: str, commitment: str | None, no_commitment_reason: str | None
) -> dict[str, str]:
    """What is wrong with one participant's answer when the network concludes, keyed by the field
    to correct: a commitment and a reason for none at once, or a core participant with neither."""
    if not is_blank(commitment) and not is_blank(no_commitment_reason):
        return {"no_commitment_reason": COMMITMENT_AND_REASON}
    if commitment_missing(role, commitment, no_commitment_reason):
        return {
            "commitment": _(
                "Notér, hvad kernedeltageren forpligter sig til, eller skriv, hvorfor der ingen "
                "forpligtelse er."
            )
        }
    return {}


COMMITMENT_AND_REASON = gettext_lazy(
    "Skriv enten en forpligtelse eller hvorfor der ingen forpligtelse er – ikke begge dele."
)


def participant_field_errors(participant: Participant) -> dict[str, list[str]]:
    """The rules that make a participant invalid on save: a commitment and a reason for none at once."""
    if not is_blank(participant.commitment) and not is_blank(participant.no_commitment_reason):
        return {"no_commitment_reason": [str(COMMITMENT_AND_REASON)]}
    return {}


def meeting_field_errors(meeting: Meeting) -> dict[str, list[str]]:
    """The rules that make a meeting invalid: its times, and the type's limit on the meeting plan."""
    errors: dict[str, list[str]] = {}
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = [_("Mødet skal slutte, efter det er startet.")]
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
