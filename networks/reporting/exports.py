"""The report's exports: the selected networks, their participants and their meetings.

CSV is UTF-8 with a byte order mark and ";" between fields, which is what Danish Excel opens
without a wizard; XLSX is written with openpyxl, with dates and times as real date cells. Both
carry the same rows, built once by the `*_table` functions, each from a fixed number of queries,
and every text cell goes through `networks.text.spreadsheet_cell` (no formulas, no characters a
workbook cannot hold), whatever is stored.

Personal data — participants' names and emails — is only in the participant export. The
networks export counts meetings exactly as the report page does (`figures.with_meeting_counts`)
and lists each network's findings from `networks.rules`.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Window
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from networks import roles, rules, selectors
from networks.models import (
    OPEN_STATUSES,
    ActorCategory,
    Meeting,
    MeetingStatus,
    NetworkTypeCode,
    Participant,
    ParticipantRole,
    Status,
)
from networks.reporting.figures import choice_labels, with_meeting_counts
from networks.reporting.filter import ReportFilter
from networks.text import spreadsheet_cell

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"


@dataclass
class Table:
    """One export: its file name (without extension), sheet title, column headers and rows."""

    name: str
    title: str
    headers: list[str]
    rows: list[list]


def _local_day(moment: datetime.datetime | None, zone=None) -> datetime.date | None:
    """The local day of `moment`; `zone` (the current time zone) saves looking it up for every cell."""
    return moment.astimezone(zone or timezone.get_current_timezone()).date() if moment else None


def network_table(report_filter: ReportFilter, *, today: datetime.date) -> Table:
    """Networks with type, status, leader, dates, counts and findings.

    Queries: the networks with their type, leader, meeting and participant counts (1); then the
    rules' facts, grouped (2), for the open networks only, the ones the rules have findings for
    (`rules.findings` has none for a closed network), so a selection of ten thousand networks,
    most of them concluded, does not load every participant there ever was.
    """
    networks = list(
        with_meeting_counts(report_filter.networks(), report_filter)
        .annotate(
            participant_count=selectors.count_of(Participant.objects.filter(network=OuterRef("pk"))),
            core_count=selectors.count_of(
                Participant.objects.filter(network=OuterRef("pk")).filter(
                    role=ParticipantRole.CORE, left_on__isnull=True
                )
            ),
        )
        .select_related("type", "leader")
        .order_by("title", "pk")
    )
    selectors.with_rule_facts([n for n in networks if n.status in OPEN_STATUSES])
    status_labels = choice_labels(Status)
    zone = timezone.get_current_timezone()
    headers = [
        _("ID"),
        _("Titel"),
        _("Tema"),
        _("Netværkstype"),
        _("Status"),
        _("Netværksleder"),
        _("Oprettet"),
        _("Planlagt start"),
        _("Planlagt afslutning"),
        _("Sprintens første dag"),
        _("Sprintens sidste dag"),
        _("Startet"),
        _("Afsluttet"),
        _("Deltagere"),
        _("Nuværende kernedeltagere"),
        _("Møder planlagt"),
        _("Møder afholdt"),
        _("Møder aflyst"),
        _("Fremmødte i alt"),
        _("Indstillingsrunder"),
        _("Fundkoder"),
        _("Fund"),
    ]
    rows = []
    for network in networks:
        found = rules.findings(network, today=today)
        rows.append(
            [
                network.pk,
                network.title,
                network.theme,
                network.type.name,
                status_labels[network.status],
                roles.display_name(network.leader),
                _local_day(network.created_at, zone),
                network.planned_start,
                network.planned_end,
                network.sprint_start,
                network.sprint_end,
                _local_day(network.started_at, zone),
                _local_day(network.concluded_at, zone),
                network.participant_count,
                network.core_count,
                network.planned,
                network.held,
                network.cancelled,
                network.attendances,
                network.submission_round,
                ", ".join(finding.code for finding in found),
                " | ".join(finding.message for finding in found),
            ]
        )
    return Table("netvaerk", _("Netværk"), headers, rows)


def participant_table(report_filter: ReportFilter, *, today: datetime.date) -> Table:
    """Every participant of the selected networks, with name and email (the one export that has them).

    "Netværk nu (samme e-mail)" counts the selected networks in which someone with this email
    (in any capitalisation) takes part now — the count behind the report's "in several networks".
    One query: a window over the selected participants counts those with the same email who have
    not left (a network has each email at most once, participant_unique_email_per_network), and
    the attendance is a subquery per participant, so nothing is grouped or looked up per row.
    """
    attended = Meeting.attendees.through.objects.filter(
        participant=OuterRef("pk"), meeting__status=MeetingStatus.HELD
    ).filter(report_filter.in_period("meeting__starts_at"))
    current_with_email = Q(left_on__isnull=True) & ~Q(email="")
    participants = (
        Participant.objects.filter(report_filter.of_selected_networks("network"))
        .annotate(
            attended=selectors.count_of(attended, "participant"),
            networks_now=Window(Count("pk", filter=current_with_email), partition_by=[Lower("email")]),
        )
        .order_by("network__title", "network_id", "role", "name", "pk")
        # Tuples, not model objects: two hundred thousand rows of them are most of the export's time.
        .values_list(
            "network_id",
            "network__title",
            "network__type__name",
            "name",
            "email",
            "organisation",
            "actor_category",
            "role",
            "joined_on",
            "left_on",
            "attended",
            "networks_now",
            "commitment",
        )
    )
    headers = [
        _("Netværks-ID"),
        _("Netværk"),
        _("Netværkstype"),
        _("Navn"),
        _("E-mail"),
        _("Organisation"),
        _("Aktørtype"),
        _("Rolle"),
        _("Med fra"),
        _("Udtrådt"),
        _("Deltaget i afholdte møder"),
        _("Netværk nu (samme e-mail)"),
        _("Forpligtelse"),
    ]
    categories, role_labels = choice_labels(ActorCategory), choice_labels(ParticipantRole)
    rows = [
        [
            network_id,
            title,
            type_name,
            name,
            email,
            organisation,
            categories[category],
            role_labels[role],
            joined_on,
            left_on,
            attended,
            networks_now if email else None,
            commitment,
        ]
        for (
            network_id,
            title,
            type_name,
            name,
            email,
            organisation,
            category,
            role,
            joined_on,
            left_on,
            attended,
            networks_now,
            commitment,
        ) in participants
    ]
    return Table("deltagere", _("Deltagere"), headers, rows)


def meeting_table(report_filter: ReportFilter, *, today: datetime.date) -> Table:
    """The selected networks' meetings in the period, with attendance counts but no names. One query."""
    meetings = (
        Meeting.objects.filter(report_filter.of_selected_networks("network"))
        .filter(report_filter.in_period("starts_at"))
        .annotate(
            attendee_count=Count("attendees"),
            core_count=Count("attendees", filter=Q(attendees__role=ParticipantRole.CORE)),
        )
        .order_by("network__title", "network_id", "starts_at", "pk")
        .values_list(
            "network_id",
            "network__title",
            "network__type__name",
            "title",
            "status",
            "starts_at",
            "ends_at",
            "location",
            "attendee_count",
            "core_count",
        )
    )
    headers = [
        _("Netværks-ID"),
        _("Netværk"),
        _("Netværkstype"),
        _("Møde"),
        _("Status"),
        _("Starter"),
        _("Slutter"),
        _("Sted"),
        _("Fremmødte"),
        _("Heraf kernedeltagere"),
    ]
    statuses = choice_labels(MeetingStatus)
    rows = [[*row[:4], statuses[row[4]], *row[5:]] for row in meetings]
    return Table("moeder", _("Møder"), headers, rows)


TABLES: dict[str, Callable[..., Table]] = {
    "netvaerk": network_table,
    "deltagere": participant_table,
    "moeder": meeting_table,
}


# --- Formats ----------------------------------------------------------------------------------


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        # A participant's name or a meeting's title is never run as a formula (CSV injection).
        return spreadsheet_cell(value)
    return str(value)


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([_csv_value(value) for value in row] for row in table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _write_row(sheet, row_number: int, values: Iterable) -> None:
    for column, value in enumerate(values, start=1):
        if isinstance(value, datetime.datetime):
            # Excel has no time zones: the local time is what the reader expects to see.
            cell = sheet.cell(row_number, column, timezone.localtime(value).replace(tzinfo=None))
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            cell = sheet.cell(row_number, column, value)
            cell.number_format = DATE_FORMAT
        else:
            # The same text as in the CSV: never a formula, and only characters a workbook holds.
            cell = sheet.cell(row_number, column, spreadsheet_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it starts with "="


def _describe(report_filter: ReportFilter) -> list[tuple[str, object]]:
    everything = _("Alle")
    return [
        (
            _("Netværkstype"),
            str(NetworkTypeCode(report_filter.type).label) if report_filter.type else everything,
        ),
        (_("Status"), str(Status(report_filter.status).label) if report_filter.status else everything),
        (_("Netværksleder"), report_filter.leader_name or everything),
        (_("Periode fra og med"), report_filter.period_from),
        (_("Periode til og med"), report_filter.period_to),
    ]


def xlsx_bytes(table: Table, report_filter: ReportFilter, *, today: datetime.date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title
    _write_row(sheet, 1, table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(table.rows, start=2):
        _write_row(sheet, number, row)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{len(table.rows) + 1}"
    for column, header in enumerate(table.headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, min(40, len(header) + 4))

    about = workbook.create_sheet(_("Om udtrækket"))
    facts = [
        (_("Udtræk"), table.title),
        (_("Dannet"), today),
        *_describe(report_filter),
        (_("Rækker"), len(table.rows)),
    ]
    for number, (label, value) in enumerate(facts, start=1):
        _write_row(about, number, [label, value])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 40

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(dataset: str, fmt: str, report_filter: ReportFilter, *, today=None) -> HttpResponse:
    """The export `dataset` ("netvaerk", "deltagere", "moeder") of the selection, as "csv" or "xlsx"."""
    today = today or timezone.localdate()
    table = TABLES[dataset](report_filter, today=today)
    if fmt == "csv":
        content, content_type = csv_bytes(table), CSV_CONTENT_TYPE
    else:
        content, content_type = xlsx_bytes(table, report_filter, today=today), XLSX_CONTENT_TYPE
    http_response = HttpResponse(content, content_type=content_type)
    http_response["Content-Disposition"] = f'attachment; filename="{table.name}-{today.isoformat()}.{fmt}"'
    return http_response
