"""The administrators' report: figures across all networks, computed in the database.

`ReportFilter` is the selection — type, status, leader and period — parsed from a request's GET
parameters with Danish messages for anything invalid. `summary(report_filter)` is every figure
the report page shows, as JSON-serialisable data: the page renders it, and the API returns it.

Each figure is one grouped query (or a sorted list fetched in one query), so the number of
queries does not grow with the number of networks. Where a figure says whether a type rule was
kept, the rules are asked (`networks.rules`) or the network type's parameters are used, the
ones the rules read; no rule's number is written here.

The period: a network is in the selection when it existed during the period (created on or
before its last day, and not concluded, rejected or cancelled before its first). Events with a
time — starts, conclusions, decisions, meetings — count only when they fall inside the period.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Lower, Trim, TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks import rules
from networks.models import (
    OPEN_STATUSES,
    ActorCategory,
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    NetworkTypeCode,
    Participant,
    ParticipantRole,
    Status,
    StatusChange,
)

# The range a period may lie in: wide enough for any real report, narrow enough that a typo
# (0207 for 2027) is answered with a message instead of a chart of eighteen thousand months.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]


# --- The filter -------------------------------------------------------------------------------


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


def _day_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Skriv datoen som åååå-mm-dd, fx 2027-01-31.")},
    )


class ReportFilterForm(forms.Form):
    """The report's GET parameters: type, status, leder (a user id), fra and til (dates)."""

    type = forms.ChoiceField(
        label=gettext_lazy("Netværkstype"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Ukendt netværkstype: “%(value)s”. Vælg en type på listen.")
        },
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Ukendt status: “%(value)s”. Vælg en status på listen.")
        },
    )
    leder = LeaderChoiceField(
        label=gettext_lazy("Netværksleder"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=gettext_lazy("Alle ledere"),
        error_messages={"invalid_choice": gettext_lazy("Vælg en netværksleder på listen.")},
    )
    fra = _day_field(gettext_lazy("Periode fra og med"))
    til = _day_field(gettext_lazy("Periode til og med"))

    error_messages = {
        "out_of_range": gettext_lazy("Vælg en dato mellem 1. januar 2000 og 31. december 2099."),
        "period_reversed": gettext_lazy("Periodens sidste dag skal ligge på eller efter den første."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Alle typer")), *NetworkTypeCode.choices]
        self.fields["status"].choices = [("", _("Alle statusser")), *Status.choices]
        self.fields["leder"].queryset = (
            get_user_model()
            .objects.filter(pk__in=Network.objects.values("leader"))
            .order_by("first_name", "last_name", "username")
        )

    def _clean_day(self, name):
        day = self.cleaned_data.get(name)
        if day and not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return day

    def clean_fra(self):
        return self._clean_day("fra")

    def clean_til(self):
        return self._clean_day("til")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("fra"), cleaned.get("til")
        if first and last and last < first:
            self.add_error(
                "til", ValidationError(self.error_messages["period_reversed"], code="period_reversed")
            )
            # A reversed period is not half a period: neither end is used.
            cleaned.pop("fra", None)
        return cleaned


@dataclass(frozen=True)
class ReportFilter:
    """Which networks the report covers. Invalid parameters are left out and listed in `errors`."""

    type: str = ""
    status: str = ""
    leader: int | None = None
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    leader_name: str = field(default="", compare=False)
    errors: Mapping[str, list[str]] = field(default_factory=dict, compare=False)

    @classmethod
    def from_form(cls, form: ReportFilterForm) -> ReportFilter:
        form.is_valid()
        data = form.cleaned_data
        leader = data.get("leder")
        return cls(
            type=data.get("type") or "",
            status=data.get("status") or "",
            leader=leader.pk if leader else None,
            period_from=data.get("fra"),
            period_to=data.get("til"),
            leader_name=_user_label(leader) if leader else "",
            errors={name: [str(message) for message in messages] for name, messages in form.errors.items()},
        )

    @classmethod
    def from_params(cls, params) -> ReportFilter:
        """The filter from GET parameters (a QueryDict or a plain dict)."""
        return cls.from_form(ReportFilterForm(data=params))

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def params(self) -> dict[str, str]:
        """The valid parameters, as the report's URLs take them."""
        values = {
            "type": self.type,
            "status": self.status,
            "leder": str(self.leader) if self.leader else "",
            "fra": self.period_from.isoformat() if self.period_from else "",
            "til": self.period_to.isoformat() if self.period_to else "",
        }
        return {name: value for name, value in values.items() if value}

    def query_string(self) -> str:
        params = self.params()
        return f"?{urlencode(params)}" if params else ""

    def as_dict(self) -> dict:
        return {
            "type": self.type or None,
            "status": self.status or None,
            "leader": self.leader,
            "from": self.period_from.isoformat() if self.period_from else None,
            "to": self.period_to.isoformat() if self.period_to else None,
        }

    def in_period(self, datetime_path: str) -> Q:
        """Rows whose `datetime_path` falls on a (local) day inside the period; all rows without one."""
        q = Q()
        if self.period_from:
            q &= Q(**{f"{datetime_path}__date__gte": self.period_from})
        if self.period_to:
            q &= Q(**{f"{datetime_path}__date__lte": self.period_to})
        return q

    def networks(self) -> QuerySet[Network]:
        """The selected networks (without related rows; callers add what they read)."""
        networks = Network.objects.all()
        if self.type:
            networks = networks.filter(type__code=self.type)
        if self.status:
            networks = networks.filter(status=self.status)
        if self.leader:
            networks = networks.filter(leader_id=self.leader)
        if self.period_to:
            networks = networks.filter(created_at__date__lte=self.period_to)
        if self.period_from:
            closed_before = StatusChange.objects.filter(
                network=OuterRef("pk"),
                to_status__in=[Status.REJECTED, Status.CANCELLED],
                changed_at__date__lt=self.period_from,
            )
            networks = networks.exclude(concluded_at__date__lt=self.period_from).exclude(
                Exists(closed_before)
            )
        return networks

    def network_ids(self) -> QuerySet:
        """The selection as a subquery, for filters on participants, meetings and decisions."""
        return self.networks().values("pk")


# --- Helpers ----------------------------------------------------------------------------------


def _days(duration: datetime.timedelta) -> float:
    return round(duration.total_seconds() / 86400, 1)


def _share(part: int, whole: int) -> tuple[float | None, int | None]:
    """(share as a fraction, share in whole per cent); (None, None) when there is nothing to share."""
    if not whole:
        return None, None
    return round(part / whole, 4), round(100 * part / whole)


def _person_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def _count_subquery(queryset: QuerySet, group_by: str) -> Coalesce:
    """COUNT(*) of a correlated queryset as a column, 0 when it has no rows."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _month_labels(year: int, month: int) -> tuple[str, str]:
    """("januar 2027", "jan 2027"): the table's label and the chart's."""
    first = datetime.date(year, month, 1)
    return date_format(first, "F Y"), date_format(first, "b Y")


def _months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    months, (year, month) = [], first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# --- The figures ------------------------------------------------------------------------------


def type_status(report_filter: ReportFilter, types: list[NetworkType]) -> dict:
    """Networks by type × status (one grouped query)."""
    counts = {
        (row["type__code"], row["status"]): row["n"]
        for row in report_filter.networks().values("type__code", "status").annotate(n=Count("pk")).order_by()
    }
    statuses = [{"code": code, "label": str(label)} for code, label in Status.choices]
    rows = []
    for type_ in types:
        cells = [counts.get((type_.code, status["code"]), 0) for status in statuses]
        rows.append({"type": type_.code, "label": type_.name, "counts": cells, "total": sum(cells)})
    totals = [sum(row["counts"][i] for row in rows) for i in range(len(statuses))]
    return {"statuses": statuses, "rows": rows, "totals": totals, "total": sum(totals)}


def per_month(report_filter: ReportFilter) -> list[dict]:
    """How many networks started and concluded in each month (two grouped queries)."""
    networks = report_filter.networks()

    def by_month(path: str) -> dict[tuple[int, int], int]:
        rows = (
            networks.filter(**{f"{path}__isnull": False})
            .filter(report_filter.in_period(path))
            .annotate(year=ExtractYear(path), month=ExtractMonth(path))
            .values("year", "month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {(row["year"], row["month"]): row["n"] for row in rows}

    started, concluded = by_month("started_at"), by_month("concluded_at")
    known = sorted({*started, *concluded})
    first = (
        (report_filter.period_from.year, report_filter.period_from.month)
        if report_filter.period_from
        else None
    )
    last = (report_filter.period_to.year, report_filter.period_to.month) if report_filter.period_to else None
    first = first or (known[0] if known else None)
    last = last or (known[-1] if known else None)
    if first is None or last is None:
        return []
    result = []
    for year, month in _months_between(first, last):
        label, short_label = _month_labels(year, month)
        result.append(
            {
                "month": f"{year:04d}-{month:02d}",
                "label": label,
                "short_label": short_label,
                "started": started.get((year, month), 0),
                "concluded": concluded.get((year, month), 0),
            }
        )
    return result


def overdue(report_filter: ReportFilter, today: datetime.date) -> list[dict]:
    """Open networks past their planned end, and welfare networks whose sprint has ended while
    they are still active (the rules' `sprint_ended_not_concluded`), with days overdue: the days
    since the planned end or the sprint's last day, so a day past the end counts as 1 day."""
    plan_passed = Q(status__in=OPEN_STATUSES, planned_end__lt=today)
    sprint_ended = Q(type__code=NetworkTypeCode.WELFARE, status=Status.ACTIVE, sprint_end__lt=today)
    rows = (
        report_filter.networks()
        .filter(plan_passed | sprint_ended)
        .annotate(
            plan_passed=ExpressionWrapper(plan_passed, output_field=BooleanField()),
            sprint_ended=ExpressionWrapper(sprint_ended, output_field=BooleanField()),
        )
        .values(
            "pk",
            "title",
            "type__code",
            "type__name",
            "status",
            "leader__first_name",
            "leader__last_name",
            "leader__username",
            "planned_end",
            "sprint_end",
            "plan_passed",
            "sprint_ended",
        )
        .order_by("pk")
    )
    result = []
    for row in rows:
        reasons = []
        if row["plan_passed"]:
            reasons.append(
                {
                    "code": "planned_end_passed",
                    "label": _("Planlagt afslutning er passeret"),
                    "since": row["planned_end"].isoformat(),
                    "days": (today - row["planned_end"]).days,
                }
            )
        if row["sprint_ended"]:
            reasons.append(
                {
                    "code": "sprint_ended_not_concluded",
                    "label": _("Sprinten er slut, men netværket er ikke afsluttet"),
                    "since": row["sprint_end"].isoformat(),
                    "days": (today - row["sprint_end"]).days,
                }
            )
        result.append(
            {
                "id": row["pk"],
                "title": row["title"],
                "type": row["type__code"],
                "type_label": row["type__name"],
                "status": row["status"],
                "status_label": str(Status(row["status"]).label),
                "leader": _person_name(
                    row["leader__first_name"], row["leader__last_name"], row["leader__username"]
                ),
                "days": max(reason["days"] for reason in reasons),
                "reasons": reasons,
            }
        )
    return sorted(result, key=lambda row: (-row["days"], row["title"], row["id"]))


def _probe_codes(type_: NetworkType, **fields) -> set[str]:
    """The codes the rules give a network of `type_` with only these fields set.

    Compliance groups networks by the fields a rule reads (a sprint window, a planned period), so
    the rules are asked once per distinct window, not once per network.
    """
    return {finding.code for finding in rules.all_findings(Network(type=type_, **fields))}


def _check(code: str, label: str, rule_codes: list[str], applicable: int, kept: int) -> dict:
    share, percent = _share(kept, applicable)
    return {
        "code": code,
        "label": label,
        "rule_codes": rule_codes,
        "applicable": applicable,
        "kept": kept,
        "not_kept": applicable - kept,
        "share": share,
        "percent": percent,
    }


def _sprint_check(started: QuerySet[Network], type_: NetworkType) -> dict:
    windows = (
        started.filter(sprint_start__isnull=False, sprint_end__isnull=False)
        .values("sprint_start", "sprint_end")
        .annotate(n=Count("pk"))
        .order_by()
    )
    applicable = kept = 0
    for window in windows:
        applicable += window["n"]
        codes = _probe_codes(type_, sprint_start=window["sprint_start"], sprint_end=window["sprint_end"])
        if not codes & {"sprint_too_long", "sprint_end_not_after_start"}:
            kept += window["n"]
    return _check(
        "sprint_within_max",
        _("Sprinten varede højst %(max)d dage") % {"max": type_.sprint_max_days},
        ["sprint_too_long"],
        applicable,
        kept,
    )


def _meeting_plan_checks(started: QuerySet[Network], type_: NetworkType) -> list[dict]:
    counted = Meeting.objects.filter(network=OuterRef("pk")).exclude(status=MeetingStatus.CANCELLED)
    groups = (
        started.annotate(counted=_count_subquery(counted, "network"))
        .values("counted", "planned_start", "planned_end")
        .annotate(n=Count("pk"))
        .order_by()
    )
    applicable = meetings_kept = plan_kept = both_kept = 0
    minimum, maximum = type_.min_meetings, type_.max_meetings
    for group in groups:
        applicable += group["n"]
        # The same comparisons as the rules' too_few_meetings and too_many_meetings, with the
        # type's own minimum and maximum.
        meetings_ok = not (minimum and group["counted"] < minimum) and not (
            maximum and group["counted"] > maximum
        )
        codes = _probe_codes(type_, planned_start=group["planned_start"], planned_end=group["planned_end"])
        plan_ok = not codes & {
            "planned_period_missing",
            "plan_duration_unusual",
            "planned_end_not_after_start",
        }
        meetings_kept += group["n"] if meetings_ok else 0
        plan_kept += group["n"] if plan_ok else 0
        both_kept += group["n"] if meetings_ok and plan_ok else 0
    if minimum and maximum:
        meetings_label = _("%(min)d–%(max)d netværksmøder (aflyste tæller ikke)") % {
            "min": minimum,
            "max": maximum,
        }
    else:
        meetings_label = _("Mødeplanen holdt sig inden for typens grænser (aflyste tæller ikke)")
    checks = [
        _check(
            "meetings_within_plan",
            meetings_label,
            ["too_few_meetings", "too_many_meetings"],
            applicable,
            meetings_kept,
        )
    ]
    if type_.plan_months:
        checks.append(
            _check(
                "plan_about_months",
                _("Planen strakte sig over ca. %(months)d måneder") % {"months": type_.plan_months},
                ["planned_period_missing", "plan_duration_unusual"],
                applicable,
                plan_kept,
            )
        )
        checks.append(
            _check(
                "meeting_plan_kept",
                _("Begge dele: mødeantal og planens længde"),
                ["too_few_meetings", "too_many_meetings", "planned_period_missing", "plan_duration_unusual"],
                applicable,
                both_kept,
            )
        )
    return checks


def _approval_check(started: QuerySet[Network]) -> dict:
    approved_first = Decision.objects.filter(
        network=OuterRef("pk"), outcome=DecisionOutcome.APPROVED, decided_at__lte=OuterRef("started_at")
    )
    figures = started.aggregate(applicable=Count("pk"), kept=Count("pk", filter=Q(Exists(approved_first))))
    return _check(
        "approved_before_start",
        _("Godkendt af Direktørforum, før det startede"),
        ["approval_required"],
        figures["applicable"],
        figures["kept"],
    )


def compliance(report_filter: ReportFilter, types: list[NetworkType]) -> list[dict]:
    """Per type: how many networks kept the type's rules.

    The per-type rules are measured on networks that have started (they are what a start
    requires, or what a running network must keep); the outcome summary on concluded networks.
    """
    networks = report_filter.networks()
    started = networks.filter(started_at__isnull=False)
    concluded = {
        row["type__code"]: row
        for row in networks.filter(status=Status.CONCLUDED)
        .values("type__code")
        # An outcome counts when it has a character that is not whitespace, as in the rules' strip().
        .annotate(applicable=Count("pk"), kept=Count("pk", filter=Q(outcome_summary__regex=r"\S")))
        .order_by()
    }
    result = []
    for type_ in types:
        of_type = started.filter(type=type_)
        checks = []
        if type_.code == NetworkTypeCode.WELFARE and type_.sprint_max_days:
            checks.append(_sprint_check(of_type, type_))
        if type_.code == NetworkTypeCode.LEARNING and (type_.min_meetings or type_.max_meetings):
            checks.extend(_meeting_plan_checks(of_type, type_))
        if type_.code == NetworkTypeCode.INNOVATION and type_.requires_approval:
            checks.append(_approval_check(of_type))
        outcome = concluded.get(type_.code, {"applicable": 0, "kept": 0})
        checks.append(
            _check(
                "concluded_with_outcome",
                _("Afsluttet med et resultat"),
                ["outcome_summary_missing"],
                outcome["applicable"],
                outcome["kept"],
            )
        )
        result.append({"type": type_.code, "label": type_.name, "checks": checks})
    return result


def direktoerforum(report_filter: ReportFilter) -> dict:
    """Lead time from submission to decision, and the outcomes.

    A round's submission is the latest change to "submitted" at or before the round's decision
    (a network is decided before it can be submitted again). The durations come sorted from the
    database in one query, so the median is portable across SQLite and PostgreSQL.
    """
    decisions = Decision.objects.filter(network__in=report_filter.network_ids()).filter(
        report_filter.in_period("decided_at")
    )
    submitted_at = (
        StatusChange.objects.filter(
            network=OuterRef("network"), to_status=Status.SUBMITTED, changed_at__lte=OuterRef("decided_at")
        )
        .order_by("-changed_at", "-pk")
        .values("changed_at")[:1]
    )
    lead_times = list(
        decisions.annotate(submitted_at=Subquery(submitted_at))
        .filter(submitted_at__isnull=False)
        .annotate(
            lead_time=ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
        )
        .order_by("lead_time", "pk")
        .values_list("lead_time", "network_id", "network__title", "round")
    )
    outcomes = dict(decisions.values_list("outcome").annotate(n=Count("pk")).order_by())
    count = len(lead_times)
    median = longest = None
    if count:
        middle = count // 2
        median_duration = (
            lead_times[middle][0] if count % 2 else (lead_times[middle - 1][0] + lead_times[middle][0]) / 2
        )
        median = _days(median_duration)
        duration, network_id, title, round_ = lead_times[-1]
        longest = {"days": _days(duration), "network_id": network_id, "title": title, "round": round_}
    return {
        "decisions": count,
        "median_days": median,
        "longest_days": longest["days"] if longest else None,
        "longest": longest,
        "outcomes": [
            {"code": code, "label": str(label), "count": outcomes.get(code, 0)}
            for code, label in DecisionOutcome.choices
        ],
    }


def meetings(report_filter: ReportFilter) -> dict:
    """Meetings planned, held and cancelled, and attendance at held meetings, per network."""
    rows = list(
        with_meeting_counts(report_filter.networks(), report_filter)
        .values(
            "pk", "title", "type__code", "type__name", "status", "planned", "held", "cancelled", "attendances"
        )
        .order_by("title", "pk")
    )
    result = []
    for row in rows:
        result.append(
            {
                "id": row["pk"],
                "title": row["title"],
                "type": row["type__code"],
                "type_label": row["type__name"],
                "status": row["status"],
                "status_label": str(Status(row["status"]).label),
                "planned": row["planned"],
                "held": row["held"],
                "cancelled": row["cancelled"],
                "attendances": row["attendances"],
                "average_attendance": round(row["attendances"] / row["held"], 1) if row["held"] else None,
            }
        )
    totals = {
        name: sum(row[name] for row in result) for name in ("planned", "held", "cancelled", "attendances")
    }
    totals["average_attendance"] = (
        round(totals["attendances"] / totals["held"], 1) if totals["held"] else None
    )
    return {"rows": result, "totals": totals}


def with_meeting_counts(networks: QuerySet[Network], report_filter: ReportFilter) -> QuerySet[Network]:
    """Networks with the meetings planned / held / cancelled in the period, and the attendances at
    the held ones — the same numbers on the page and in the networks export."""
    in_period = report_filter.in_period("meetings__starts_at")

    def of_status(status: str) -> Count:
        # distinct: the join to the attendees repeats a meeting once per attendee.
        return Count("meetings", filter=Q(meetings__status=status) & in_period, distinct=True)

    return networks.annotate(
        planned=of_status(MeetingStatus.PLANNED),
        held=of_status(MeetingStatus.HELD),
        cancelled=of_status(MeetingStatus.CANCELLED),
        attendances=Count("meetings__attendees", filter=Q(meetings__status=MeetingStatus.HELD) & in_period),
    )


def core_stability(report_filter: ReportFilter) -> list[dict]:
    """For each learning network, the share of its core participants who attended each held meeting.

    The core on a meeting's day is every core participant who had joined by then and not left
    before it; the held meetings come in one query with both counts as subqueries.
    """
    held = (
        Meeting.objects.filter(
            network__in=report_filter.networks().filter(type__code=NetworkTypeCode.LEARNING).values("pk"),
            status=MeetingStatus.HELD,
        )
        .filter(report_filter.in_period("starts_at"))
        .annotate(day=TruncDate("starts_at"))
    )
    core_members = Participant.objects.filter(network=OuterRef("network"), role=ParticipantRole.CORE).filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=OuterRef("day")),
        Q(left_on__isnull=True) | Q(left_on__gte=OuterRef("day")),
    )
    core_attended = Meeting.attendees.through.objects.filter(
        meeting=OuterRef("pk"), participant__role=ParticipantRole.CORE
    )
    rows = (
        held.annotate(
            core_members=_count_subquery(core_members, "network"),
            core_attended=_count_subquery(core_attended, "meeting"),
        )
        .values("network_id", "network__title", "day", "title", "core_members", "core_attended")
        .order_by("network__title", "network_id", "starts_at", "pk")
    )
    result: list[dict] = []
    for row in rows:
        if not result or result[-1]["id"] != row["network_id"]:
            result.append({"id": row["network_id"], "title": row["network__title"], "meetings": []})
        share, percent = _share(row["core_attended"], row["core_members"])
        result[-1]["meetings"].append(
            {
                "date": row["day"].isoformat(),
                "title": row["title"],
                "core_members": row["core_members"],
                "core_attended": row["core_attended"],
                "share": share,
                "percent": percent,
            }
        )
    for network in result:
        shares = [meeting["share"] for meeting in network["meetings"] if meeting["share"] is not None]
        network["average_share"] = round(sum(shares) / len(shares), 4) if shares else None
        network["average_percent"] = round(100 * sum(shares) / len(shares)) if shares else None
        network["lowest_percent"] = min(
            (m["percent"] for m in network["meetings"] if m["percent"] is not None), default=None
        )
    return result


def _people() -> dict:
    """Distinct people: one per lower-cased email, and each participant without an email on their own."""
    return {
        "with_email": Count(Lower("email"), distinct=True, filter=~Q(email="")),
        "without_email": Count("pk", filter=Q(email="")),
        "participations": Count("pk"),
    }


def participants(report_filter: ReportFilter) -> dict:
    """Participants by actor category, counting distinct people across the selected networks, and
    the people and organisations in several of them at once (those who have not left)."""
    everyone = Participant.objects.filter(network__in=report_filter.network_ids())
    people = _people()
    by_category = {
        row["actor_category"]: row for row in everyone.values("actor_category").annotate(**people).order_by()
    }
    totals = everyone.aggregate(**people)
    categories = []
    for code, label in ActorCategory.choices:
        row = by_category.get(code, {"with_email": 0, "without_email": 0, "participations": 0})
        categories.append(
            {
                "code": code,
                "label": str(label),
                "people": row["with_email"] + row["without_email"],
                "participations": row["participations"],
            }
        )
    current = everyone.filter(left_on__isnull=True)
    several = Counter(
        current.exclude(email="")
        .annotate(key=Lower("email"))
        .values("key")
        .annotate(networks=Count("network", distinct=True))
        .filter(networks__gt=1)
        .order_by()
        .values_list("networks", flat=True)
    )
    organisations = (
        current.exclude(organisation="")
        .annotate(key=Lower(Trim("organisation")))
        .values("key")
        .annotate(
            networks=Count("network", distinct=True), participants=Count("pk"), name=Min("organisation")
        )
        .filter(networks__gt=1)
        .order_by("-networks", "key")
    )
    return {
        "people": totals["with_email"] + totals["without_email"],
        "participations": totals["participations"],
        "categories": categories,
        "people_in_several": sum(several.values()),
        "people_by_network_count": [{"networks": n, "people": several[n]} for n in sorted(several)],
        "organisations_in_several": [
            {"name": row["name"].strip(), "networks": row["networks"], "participants": row["participants"]}
            for row in organisations
        ],
    }


def summary(report_filter: ReportFilter, *, today: datetime.date | None = None) -> dict:
    """Every figure on the report page, as JSON-serialisable data, for the selection `report_filter`.

    No participant's name or email is in here: those are only in the participant export.
    """
    today = today or timezone.localdate()
    types = list(NetworkType.objects.all())
    if report_filter.type:
        types = [type_ for type_ in types if type_.code == report_filter.type]
    matrix = type_status(report_filter, types)
    submitted = matrix["totals"][[status["code"] for status in matrix["statuses"]].index(Status.SUBMITTED)]
    return {
        "filter": report_filter.as_dict(),
        "today": today.isoformat(),
        "networks": matrix["total"],
        "type_status": matrix,
        "per_month": per_month(report_filter),
        "overdue": overdue(report_filter, today),
        "compliance": compliance(report_filter, types),
        "direktoerforum": {**direktoerforum(report_filter), "waiting": submitted},
        "meetings": meetings(report_filter),
        "core_stability": core_stability(report_filter),
        "participants": participants(report_filter),
    }
