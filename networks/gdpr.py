"""GDPR for participants: what the app holds on one person (art. 15), erasing it (art. 17), and the
retention period after a network has ended.

A person is found by email, case-insensitively, across every network, in the participant rows and
in their audit trail (django-simple-history), so an address changed since is found as well.

Erasing anonymises instead of deleting: the rows stay, so the reports keep their counts
(participations, actor categories, core stability), while name, email, organisation and
commitment are gone, from the rows and from every history row. One person's rows share a random
placeholder email, so "distinct people" is counted as before, and nothing leads back to the person.
Each anonymised participant gets one more history row saying who did it, when and why, without the
data; an administrator's erasure is also recorded in the admin's log (LogEntry), without the email.

Free text others wrote (minutes, agendas, comments) is not searched: the privacy notice asks
leaders never to write personal details there.
"""

from __future__ import annotations

import calendar
import csv
import datetime
import io
import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from networks import roles
from networks.models import Network, Participant, Status
from networks.services import PARTICIPANT_FIELDS, RoleRefused
from networks.text import spreadsheet_cell

log = logging.getLogger("netvaerk.gdpr")

# Stored in the database, so plain Danish rather than a translated string.
ANONYMISED_NAME = "Anonymiseret deltager"
ANONYMISED_EMAIL_DOMAIN = "anonymiseret.invalid"
PERSONAL_FIELDS = ("name", "email", "organisation", "commitment")
ERASURE_REASON = "Anonymiseret efter anmodning (GDPR art. 17)"
RETENTION_REASON = "Anonymiseret: opbevaringsfristen er udløbet"
# Everything a participation holds about the person: the fields the services keep.
EXPORT_FIELDS = PARTICIPANT_FIELDS


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _history_model():
    return Participant.history.model


def _is_anonymised() -> Q:
    """Rows with nothing personal left (what anonymising leaves; a second run finds nothing to do)."""
    return (
        Q(name=ANONYMISED_NAME)
        & (Q(email="") | Q(email__endswith=f"@{ANONYMISED_EMAIL_DOMAIN}"))
        & Q(organisation="")
        & Q(commitment="")
    )


def _placeholder_email() -> str:
    return f"anonym-{secrets.token_hex(8)}@{ANONYMISED_EMAIL_DOMAIN}"


def check_access(*, by) -> None:
    """Only administrators find, hand over and anonymise personal data: the pages ask this first,
    and `record_export` and `person_erase` ask it again."""
    if not roles.is_administrator(by):
        raise RoleRefused(
            _("Kun administratorer kan se og slette personoplysninger."), code="not_administrator"
        )


# --- Finding a person ---------------------------------------------------------------------------


@dataclass
class PersonRecords:
    """Everything held on the person with this email: participant rows, history rows, user accounts."""

    email: str
    participants: list[Participant] = field(default_factory=list)
    history: list = field(default_factory=list)
    accounts: list = field(default_factory=list)

    @property
    def participant_ids(self) -> set[int]:
        return {row.id for row in self.history} | {p.pk for p in self.participants}

    @property
    def networks(self) -> list[Network]:
        seen = {}
        for participant in self.participants:
            seen.setdefault(participant.network_id, participant.network)
        return list(seen.values())

    @property
    def found(self) -> bool:
        return bool(self.participants or self.history or self.accounts)


def _ids_for_email(email: str) -> set[int]:
    current = Participant.objects.filter(email__iexact=email).values_list("pk", flat=True)
    earlier = _history_model().objects.filter(email__iexact=email).values_list("id", flat=True)
    return set(current) | set(earlier)


def find_person(email: str) -> PersonRecords:
    email = normalise_email(email)
    records = PersonRecords(email=email)
    if not email:
        return records
    ids = _ids_for_email(email)
    records.participants = list(
        Participant.objects.filter(pk__in=ids)
        .select_related("network", "network__type")
        .prefetch_related("meetings_attended")
        .order_by("network_id", "pk")
    )
    records.history = list(
        _history_model().objects.filter(id__in=ids).order_by("id", "history_date", "history_id")
    )
    records.accounts = list(
        get_user_model().objects.filter(email__iexact=email).prefetch_related("groups").order_by("pk")
    )
    return records


# --- Art. 15: the export ------------------------------------------------------------------------


def _value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def export_data(records: PersonRecords, *, now: datetime.datetime | None = None) -> dict:
    """Everything found, as JSON-ready data."""
    now = now or timezone.now()
    return {
        "email": records.email,
        "udtrukket": _value(now),
        "dataansvarlig": "Albertslund Kommune",
        "deltagelser": [
            {
                "deltager_id": p.pk,
                "netvaerk": {
                    "id": p.network_id,
                    "titel": p.network.title,
                    "type": p.network.type.name,
                    "status": str(p.network.get_status_display()),
                },
                **{name: _value(getattr(p, name)) for name in EXPORT_FIELDS},
                "moeder_deltaget_i": [
                    {"id": m.pk, "titel": m.title, "starter": _value(m.starts_at), "status": m.status}
                    for m in p.meetings_attended.all()
                ],
            }
            for p in records.participants
        ],
        "historik": [
            {
                "deltager_id": row.id,
                "netvaerk_id": row.network_id,
                "tidspunkt": _value(row.history_date),
                "handling": {"+": "oprettet", "~": "ændret", "-": "slettet"}.get(row.history_type, ""),
                "begrundelse": row.history_change_reason or "",
                **{name: _value(getattr(row, name)) for name in EXPORT_FIELDS},
            }
            for row in records.history
        ],
        "brugerkonti": [
            {
                "brugernavn": user.get_username(),
                "navn": user.get_full_name(),
                "email": user.email,
                "oprettet": _value(user.date_joined),
                "sidst_logget_ind": _value(user.last_login),
                "aktiv": user.is_active,
                "roller": sorted(group.name for group in user.groups.all()),
            }
            for user in records.accounts
        ],
    }


CSV_COLUMNS = (
    "kilde",
    "deltager_id",
    "netvaerk_id",
    "netvaerk",
    "tidspunkt",
    "handling",
    *EXPORT_FIELDS,
)


class _SafeDictWriter(csv.DictWriter):
    """Every value as a spreadsheet opens it safely (`networks.text.spreadsheet_cell`): a name
    stored as "=HYPERLINK(…)" is shown, never run."""

    def writerow(self, rowdict):
        return super().writerow({name: spreadsheet_cell(value) for name, value in rowdict.items()})


def export_csv(records: PersonRecords) -> str:
    """The same as `export_data`, one row per participant row and per history row (semicolons, for
    a Danish spreadsheet)."""
    data = export_data(records)
    out = io.StringIO()
    writer = _SafeDictWriter(out, fieldnames=CSV_COLUMNS, delimiter=";", extrasaction="ignore")
    writer.writeheader()
    for row in data["deltagelser"]:
        writer.writerow(
            {
                **row,
                "kilde": "deltager",
                "netvaerk_id": row["netvaerk"]["id"],
                "netvaerk": row["netvaerk"]["titel"],
            }
        )
    for row in data["historik"]:
        writer.writerow({**row, "kilde": "historik", "netvaerk": ""})
    for account in data["brugerkonti"]:
        writer.writerow({"kilde": "brugerkonto", "name": account["navn"], "email": account["email"]})
    return "\ufeff" + out.getvalue()


def record_export(*, records: PersonRecords, by) -> None:
    """The administrator's export in the admin's log: who, when, how many rows; not the email."""
    check_access(by=by)
    _log_entry(
        by,
        _("Indsigt udleveret (GDPR art. 15): %(participants)d deltagelser, %(history)d historikrækker.")
        % {"participants": len(records.participants), "history": len(records.history)},
    )


def _log_entry(by, message: str) -> None:
    LogEntry.objects.create(
        user=by,
        content_type=ContentType.objects.get_for_model(Participant),
        object_id=None,
        object_repr=_("Persondata"),
        action_flag=CHANGE,
        change_message=message,
    )


# --- Art. 17 and the retention period: anonymising ----------------------------------------------


@dataclass
class Anonymised:
    participants: int = 0
    history_rows: int = 0
    networks: int = 0


def _already_anonymised(row) -> bool:
    return (
        row.name == ANONYMISED_NAME
        and (row.email == "" or row.email.endswith(f"@{ANONYMISED_EMAIL_DOMAIN}"))
        and row.organisation == ""
        and row.commitment == ""
    )


class _Placeholders(dict):
    """One random placeholder email per real email (lower-cased) within one erasure or run."""

    def for_email(self, email: str) -> str:
        key = normalise_email(email)
        if not key or key.endswith(f"@{ANONYMISED_EMAIL_DOMAIN}"):
            return key
        return self.setdefault(key, _placeholder_email())


def _anonymise(
    participants: QuerySet[Participant], *, by, reason: str, placeholders: _Placeholders
) -> Anonymised:
    """Anonymise these participants and every history row of them. Call inside a transaction."""
    rows = [p for p in participants.select_for_update().order_by("pk") if not _already_anonymised(p)]
    result = Anonymised(networks=len({p.network_id for p in rows}))
    for participant in rows:
        participant.name = ANONYMISED_NAME
        participant.email = placeholders.for_email(participant.email)
        participant.organisation = ""
        participant.commitment = ""
        # The history row this save makes says who and why, and holds nothing personal.
        participant._change_reason = reason
        if by is not None:
            participant._history_user = by
        participant.save(update_fields=list(PERSONAL_FIELDS))
        result.participants += 1
    return result


def _scrub_history(rows: Q, placeholders: _Placeholders) -> int:
    """Blank the personal fields in these history rows: one UPDATE per distinct email."""
    history = _history_model().objects.filter(rows).exclude(_is_anonymised())
    emails = {
        normalise_email(email) for email in history.order_by().values_list("email", flat=True).distinct()
    }
    changed = 0
    for email in sorted(emails):
        same_email = history.filter(email__iexact=email) if email else history.filter(email="")
        changed += same_email.update(
            name=ANONYMISED_NAME, email=placeholders.for_email(email), organisation="", commitment=""
        )
    return changed


@transaction.atomic
def person_erase(*, email: str, by) -> Anonymised:
    """Art. 17: anonymise the person with this email in every network and every history row."""
    check_access(by=by)
    email = normalise_email(email)
    if not email:
        return Anonymised()
    ids = _ids_for_email(email)
    placeholders = _Placeholders()
    result = _anonymise(
        Participant.objects.filter(pk__in=ids), by=by, reason=ERASURE_REASON, placeholders=placeholders
    )
    # Every history row of these participants, also of those deleted since (only history is left).
    result.history_rows = _scrub_history(Q(id__in=ids), placeholders)
    if result.participants or result.history_rows:
        _log_entry(
            by,
            _(
                "Anonymiseret efter anmodning (GDPR art. 17): %(participants)d deltagelser i %(networks)d "
                "netværk, %(history)d historikrækker. Deltager-id: %(ids)s."
            )
            % {
                "participants": result.participants,
                "networks": result.networks,
                "history": result.history_rows,
                "ids": ", ".join(str(pk) for pk in sorted(ids)),
            },
        )
        log.info(
            "person erased by=%s participants=%d history_rows=%d",
            by.get_username(),
            result.participants,
            result.history_rows,
        )
    return result


def _months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier, or that month's last day (31 March - 1 month = 28/29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_cutoff(today: datetime.date, months: int | None = None) -> datetime.date:
    months = settings.PARTICIPANT_RETENTION_MONTHS if months is None else months
    return _months_before(today, months)


def networks_past_retention(today: datetime.date, months: int | None = None) -> QuerySet[Network]:
    """Networks concluded or cancelled before the cutoff: when they ended is when they were
    concluded (`concluded_at`), or for a cancelled one, its last move to cancelled."""
    cutoff = retention_cutoff(today, months)
    cancelled_at = Max("status_changes__changed_at", filter=Q(status_changes__to_status=Status.CANCELLED))
    return (
        Network.objects.filter(status__in=[Status.CONCLUDED, Status.CANCELLED])
        .annotate(ended_at=Coalesce("concluded_at", cancelled_at))
        .filter(ended_at__date__lt=cutoff)
        .order_by("pk")
    )


@dataclass
class RetentionResult:
    cutoff: datetime.date
    networks: int
    participants: int
    history_rows: int
    dry_run: bool


def apply_retention(
    *, today: datetime.date, months: int | None = None, dry_run: bool = False
) -> RetentionResult:
    """Anonymise the participants of networks that ended before the retention cutoff.

    Idempotent: what is anonymised already is left alone, so a second run changes nothing.
    With `dry_run`, only counts what would be anonymised.
    """
    cutoff = retention_cutoff(today, months)
    with transaction.atomic():
        network_ids = list(networks_past_retention(today, months).values_list("pk", flat=True))
        participants = Participant.objects.filter(network_id__in=network_ids).exclude(_is_anonymised())
        history = _history_model().objects.filter(network_id__in=network_ids).exclude(_is_anonymised())
        if dry_run:
            return RetentionResult(
                cutoff=cutoff,
                networks=len(set(participants.values_list("network_id", flat=True))),
                participants=participants.count(),
                history_rows=history.count(),
                dry_run=True,
            )
        placeholders = _Placeholders()
        result = _anonymise(participants, by=None, reason=RETENTION_REASON, placeholders=placeholders)
        # Every history row of the networks' participants, also of those deleted before the end.
        result.history_rows = _scrub_history(Q(network_id__in=network_ids), placeholders)
    if result.participants or result.history_rows:
        log.info(
            "retention applied cutoff=%s networks=%d participants=%d history_rows=%d",
            cutoff,
            result.networks,
            result.participants,
            result.history_rows,
        )
    return RetentionResult(
        cutoff=cutoff,
        networks=result.networks,
        participants=result.participants,
        history_rows=result.history_rows,
        dry_run=False,
    )
