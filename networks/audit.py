"""The audit trail of one network: every create, change and delete of the network, its participants,
its meetings and its decisions, newest first, with who and when (django-simple-history's rows).

The trail only grows, so a page shows the latest `limit` entries and the total count, in a bounded
number of queries however long the trail is: one page of rows per table, each row with the table's
count and, by window functions in the same query, the values of the object's row before it (to say
what changed); and, only when the page shows a changed meeting, the meetings' attendance: 4
queries, at most 5.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.db import connection, models
from django.db.models import Count, Window
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks import roles
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
    Decision: gettext_lazy("Beslutning"),
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
    history = _history_model(model).objects.select_related("history_user")
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


@functools.cache
def _history_model(model):
    # `model.history` builds a manager through simple-history's descriptor on every access; the
    # historical model behind it never changes.
    return model.history.model


@functools.cache
def _shown_fields(model) -> tuple[models.Field, ...]:
    recorded = {f.name for f in _history_model(model)._meta.concrete_fields}
    return tuple(
        f
        for f in model._meta.concrete_fields
        if f.name not in NOT_SHOWN and not f.primary_key and f.name in recorded
    )


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
    return roles.display_name(user)


def _attendance_model():
    return apps.get_model("networks", "HistoricalMeeting_attendees")


def _with_previous_values(model, rows):
    """Each row with the values of the same object's row just before it (`previous_<attname>`), and
    that row's id (`previous_id`): window functions over the object's rows, in the same query.

    Written as SQL: Django's Window expressions cost ~0.2 ms each to compile, and a page needs one
    per shown field of four tables (~40). The names come from the models' metadata, quoted.
    """
    quote = connection.ops.quote_name
    table = quote(_history_model(model)._meta.db_table)

    def lag(column: str) -> str:
        return (
            f"LAG({table}.{quote(column)}) OVER (PARTITION BY {table}.{quote('id')} "
            f"ORDER BY {table}.{quote('history_date')}, {table}.{quote('history_id')})"
        )

    columns = [("previous_id", "history_id", models.IntegerField())]
    columns += [(f"previous_{f.attname}", f.column, f) for f in _shown_fields(model)]
    # No parameters and no user input: only quoted names from the models' metadata.
    return rows.annotate(**{name: RawSQL(lag(column), (), output_field=out) for name, column, out in columns})  # nosec B611


def _previous(model, row):
    """The values the object had before this row, or None if the trail starts here."""
    if row.history_type != "~" or row.previous_id is None:
        return None
    values = {f.attname: getattr(row, f"previous_{f.attname}") for f in _shown_fields(model)}
    return SimpleNamespace(history_id=row.previous_id, **values)


def network_history(network: Network, *, limit: int, offset: int = 0) -> tuple[list[AuditEntry], int]:
    """`limit` entries of the network's trail, newest first, from the `offset`th, and how many there
    are in all: one query per history table (each reads its newest `offset + limit` rows, as any of
    them can be on the page), one more for the attendance of changed meetings."""
    latest: list[tuple[type[models.Model], object]] = []
    total = 0
    for model in KINDS:
        rows = list(
            _with_previous_values(model, _history_rows(model, network))
            # The window counts the table's rows for this network before the page is cut off.
            .annotate(table_total=Window(Count("pk")))
            .order_by("-history_date", "-history_id")[: offset + limit]
        )
        total += rows[0].table_total if rows else 0
        latest.extend((model, row) for row in rows)
    latest.sort(key=lambda pair: (pair[1].history_date, pair[1].history_id), reverse=True)
    latest = latest[offset : offset + limit]

    previous = {(model, row.history_id): _previous(model, row) for model, row in latest}
    attendance = _attendance(latest, previous)
    entries = [
        AuditEntry(
            when=row.history_date,
            who=_who(row),
            kind=str(KINDS[model]),
            action=str(ACTIONS.get(row.history_type, row.history_type)),
            subject=_subject(model, row),
            changes=_changes(model, row, previous[(model, row.history_id)], attendance),
            reason=row.history_change_reason or "",
        )
        for model, row in latest
    ]
    return entries, total


def _attendance(latest, previous) -> dict[int, frozenset]:
    """Who attended, as of each shown changed meeting row and its predecessor: one query."""
    changed = [
        (model, row) for model, row in latest if model is Meeting and previous[(model, row.history_id)]
    ]
    ids = [row.history_id for _model, row in changed]
    ids += [previous[(model, row.history_id)].history_id for model, row in changed]
    if not ids:
        return {}
    attended: dict[int, set] = {history_id: set() for history_id in ids}
    rows = _attendance_model().objects.filter(history_id__in=ids).values_list("history_id", "participant_id")
    for history_id, participant_id in rows:
        attended[history_id].add(participant_id)
    return {history_id: frozenset(people) for history_id, people in attended.items()}
