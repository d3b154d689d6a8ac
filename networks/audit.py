"""The audit trail of one network: every create, change and delete of the network, its participants,
its meetings and its decisions, newest first, with who and when (django-simple-history's rows).

The trail only grows, so a page shows the latest `limit` entries and the total count, in a bounded
number of queries however long the trail is: one page of rows per table (with the table's count),
and, only when the page shows changes, the rows before those per table (to say what changed) and
the meetings' attendance: 4 queries, at most 9.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Window
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks.models import Decision, Meeting, Network, Participant

ACTIONS = {
    "+": gettext_lazy("oprettet"),
    "~": gettext_lazy("ændret"),
    "-": gettext_lazy("slettet"),
}
KINDS = {
    Network: gettext_lazy("Netværket"),
    Participant: gettext_lazy("Deltager"),
    Meeting: gettext_lazy("Møde"),
    Decision: gettext_lazy("Afgørelse"),
}
# Bookkeeping that changes with every save and says nothing on its own.
NOT_SHOWN = {"id", "network", "created_at", "updated_at"}


@dataclass
class AuditEntry:
    when: datetime.datetime
    who: str
    kind: str
    action: str
    subject: str
    changes: list[str] = field(default_factory=list)
    reason: str = ""


def _history_rows(model, network: Network):
    history = model.history.model.objects.select_related("history_user")
    if model is Network:
        return history.filter(id=network.pk)
    return history.filter(network_id=network.pk)


def _subject(model, row) -> str:
    if model is Decision:
        return _("runde %(round)s: %(outcome)s") % {
            "round": row.round,
            "outcome": str(dict(Decision._meta.get_field("outcome").choices).get(row.outcome, row.outcome)),
        }
    return str(getattr(row, "title", None) or getattr(row, "name", "") or "")


def _shown_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in NOT_SHOWN and not f.primary_key and f.name in _history_field_names(model)
    ]


def _history_field_names(model) -> set[str]:
    return {f.name for f in model.history.model._meta.concrete_fields}


def _describe(f: models.Field, old, new) -> str:
    label = str(f.verbose_name)
    label = label[:1].upper() + label[1:]
    if f.choices:
        labels = dict(f.flatchoices)
        return f"{label}: {labels.get(old, old) or '–'} → {labels.get(new, new) or '–'}"
    return label


def _changes(model, row, previous, attendance: dict[int, frozenset]) -> list[str]:
    if previous is None:
        return []
    described = [
        _describe(f, getattr(previous, f.attname), getattr(row, f.attname))
        for f in _shown_fields(model)
        if getattr(previous, f.attname) != getattr(row, f.attname)
    ]
    if model is Meeting and attendance.get(row.history_id) != attendance.get(previous.history_id):
        described.append(_("Fremmødte"))
    return described


def _who(row) -> str:
    user = row.history_user
    if user is None:
        # Changes without a request behind them: a scheduled job such as apply_retention.
        return _("Systemet")
    return user.get_full_name() or user.get_username()


def _attendance_model():
    return apps.get_model("networks", "HistoricalMeeting_attendees")


def network_history(network: Network, *, limit: int) -> tuple[list[AuditEntry], int]:
    """The latest `limit` entries of the network's trail, and how many there are in all."""
    latest: list[tuple[type[models.Model], object]] = []
    total = 0
    for model in KINDS:
        history = model.history.model.objects
        # The same object's row just before this one, found in the same query.
        before = (
            history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        rows = list(
            _history_rows(model, network)
            # The window counts the table's rows for this network before the page is cut off.
            .annotate(previous_id=Subquery(before), table_total=Window(Count("pk")))
            .order_by("-history_date", "-history_id")[:limit]
        )
        total += rows[0].table_total if rows else 0
        latest.extend((model, row) for row in rows)
    latest.sort(key=lambda pair: (pair[1].history_date, pair[1].history_id), reverse=True)
    latest = latest[:limit]

    previous = _previous_rows(latest)
    attendance = _attendance(latest, previous)
    entries = [
        AuditEntry(
            when=row.history_date,
            who=_who(row),
            kind=str(KINDS[model]),
            action=str(ACTIONS.get(row.history_type, row.history_type)),
            subject=_subject(model, row),
            changes=_changes(model, row, previous.get((model, row.previous_id)), attendance)
            if row.history_type == "~"
            else [],
            reason=row.history_change_reason or "",
        )
        for model, row in latest
    ]
    return entries, total


def _previous_rows(latest) -> dict:
    """The rows just before the shown changes, keyed by (model, history_id): one query per table."""
    found = {}
    for model in KINDS:
        ids = [row.previous_id for m, row in latest if m is model and row.history_type == "~"]
        ids = [pk for pk in ids if pk is not None]
        if ids:
            for row in model.history.model.objects.filter(history_id__in=ids):
                found[(model, row.history_id)] = row
    return found


def _attendance(latest, previous) -> dict[int, frozenset]:
    """Who attended, as of each shown meeting row and its predecessor: one query."""
    ids = [row.history_id for m, row in latest if m is Meeting and row.history_type == "~"]
    ids += [history_id for (m, history_id) in previous if m is Meeting]
    if not ids:
        return {}
    attended: dict[int, set] = {history_id: set() for history_id in ids}
    rows = _attendance_model().objects.filter(history_id__in=ids).values_list("history_id", "participant_id")
    for history_id, participant_id in rows:
        attended[history_id].add(participant_id)
    return {history_id: frozenset(people) for history_id, people in attended.items()}
