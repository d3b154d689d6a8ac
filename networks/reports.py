"""The administrators' report: figures across all networks, computed in the database.

`ReportFilter` is the selection — type, status, leader and period — parsed from a request's GET
parameters with Danish messages for anything invalid. `summary(report_filter)` is every figure
the report page shows, as JSON-serialisable data: the page renders it, and the API returns it.

Each figure is one grouped query (or a sorted list fetched in one query; figures over the same
rows share one, with conditional aggregation or UNION ALL), so the number of queries does not
grow with the number of networks: eight in all. The report page keeps what it shows in the shared
cache until something it counts changes (`page_figures`, `data_version`).

Where a figure says whether a type rule was kept, the rules are asked (`networks.rules`) or the
network type's parameters are used, the ones the rules read; no rule's number is written here.

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
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
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
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Lower, Trim, TruncDate
from django.utils import timezone, translation
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

    def of_selected_networks(self, path: str) -> Q:
        """Rows whose network (at `path`) is in the selection; every row when nothing is filtered."""
        return Q(**{f"{path}__in": self.network_ids()}) if self.params() else Q()


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


def _types_with_counts(report_filter: ReportFilter) -> list[NetworkType]:
    """The network types, each annotated with its selected networks per status (`n_<status>`) and
    its concluded ones with an outcome (`concluded_kept`): one query, by conditional aggregation."""
    selected = report_filter.of_selected_networks("networks")
    counts = {
        f"n_{status}": Count("networks", filter=selected & Q(networks__status=status))
        for status in Status.values
    }
    # An outcome counts when it has a character that is not whitespace, as in the rules' strip().
    kept = Count(
        "networks",
        filter=selected & Q(networks__status=Status.CONCLUDED, networks__outcome_summary__regex=r"\S"),
    )
    types = list(NetworkType.objects.annotate(**counts, concluded_kept=kept).order_by("pk"))
    if report_filter.type:
        types = [type_ for type_ in types if type_.code == report_filter.type]
    return types


def type_status(types: list[NetworkType]) -> dict:
    """Networks by type × status, from `_types_with_counts`."""
    statuses = [{"code": code, "label": str(label)} for code, label in Status.choices]
    rows = []
    for type_ in types:
        cells = [getattr(type_, f"n_{status['code']}") for status in statuses]
        rows.append({"type": type_.code, "label": type_.name, "counts": cells, "total": sum(cells)})
    totals = [sum(row["counts"][i] for row in rows) for i in range(len(statuses))]
    return {"statuses": statuses, "rows": rows, "totals": totals, "total": sum(totals)}


def per_month(report_filter: ReportFilter) -> list[dict]:
    """How many networks started and concluded in each month (one query: the two groupings as
    one UNION ALL)."""
    networks = report_filter.networks()

    def by_month(path: str, kind: str) -> QuerySet:
        return (
            networks.filter(**{f"{path}__isnull": False})
            .filter(report_filter.in_period(path))
            .annotate(kind=Value(kind), year=ExtractYear(path), month=ExtractMonth(path))
            .values("kind", "year", "month")
            .annotate(n=Count("pk"))
            .order_by()
        )

    counted: dict[str, dict[tuple[int, int], int]] = {"started": {}, "concluded": {}}
    for row in by_month("started_at", "started").union(by_month("concluded_at", "concluded"), all=True):
        counted[row["kind"]][(row["year"], row["month"])] = row["n"]
    started, concluded = counted["started"], counted["concluded"]
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


def network_rows(report_filter: ReportFilter, today: datetime.date) -> list[dict]:
    """One row per selected network, by title: its meeting counts (as `with_meeting_counts`) and
    what `overdue` needs. One query, read by both `meetings` and `overdue`."""
    plan_passed = Q(status__in=OPEN_STATUSES, planned_end__lt=today)
    sprint_ended = Q(type__code=NetworkTypeCode.WELFARE, status=Status.ACTIVE, sprint_end__lt=today)
    return list(
        with_meeting_counts(report_filter.networks(), report_filter)
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
            "planned",
            "held",
            "cancelled",
            "attendances",
        )
        .order_by("title", "pk")
    )


def overdue(rows: list[dict], today: datetime.date) -> list[dict]:
    """Open networks past their planned end, and welfare networks whose sprint has ended while
    they are still active (the rules' `sprint_ended_not_concluded`), with days overdue: the days
    since the planned end or the sprint's last day, so a day past the end counts as 1 day.

    `rows` are `network_rows`."""
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
        if not reasons:
            continue
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


def _sprint_check(groups: list[dict], type_: NetworkType) -> dict:
    """`groups`: started networks of the type by sprint length (end minus first day), with a window
    of that length. The rule reads only a window's length, so one probe per length answers for all."""
    applicable = kept = 0
    for group in groups:
        if group["sprint_days"] is None:
            continue
        applicable += group["n"]
        start = group["sprint_start"]
        codes = _probe_codes(type_, sprint_start=start, sprint_end=start + group["sprint_days"])
        if not codes & {"sprint_too_long", "sprint_end_not_after_start"}:
            kept += group["n"]
    return _check(
        "sprint_within_max",
        _("Sprinten varede højst %(max)d dage") % {"max": type_.sprint_max_days},
        ["sprint_too_long"],
        applicable,
        kept,
    )


def _meeting_plan_checks(groups: list[dict], type_: NetworkType) -> list[dict]:
    """`groups`: started networks of the type by counted meetings and planned period."""
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


def _approval_check(groups: list[dict]) -> dict:
    """`groups`: started networks of the type by whether an approval came at or before the start."""
    applicable = sum(group["n"] for group in groups)
    kept = sum(group["n"] for group in groups if group["approved_first"])
    return _check(
        "approved_before_start",
        _("Godkendt af Direktørforum, før det startede"),
        ["approval_required"],
        applicable,
        kept,
    )


def _started_groups(report_filter: ReportFilter) -> dict[int, list[dict]]:
    """The started networks, grouped per type by what that type's rules read, in one query: a
    welfare network by its sprint's length, a learning network by its counted meetings and planned
    period, an innovation network by whether it was approved before it started. (Each column is
    NULL for the other types, so it does not split their groups.)"""
    learning = Q(type__code=NetworkTypeCode.LEARNING)
    counted = Meeting.objects.filter(network=OuterRef("pk")).exclude(status=MeetingStatus.CANCELLED)
    approved_first = Decision.objects.filter(
        network=OuterRef("pk"), outcome=DecisionOutcome.APPROVED, decided_at__lte=OuterRef("started_at")
    )
    groups = (
        report_filter.networks()
        .filter(started_at__isnull=False)
        .annotate(
            sprint_days=Case(
                When(
                    Q(
                        type__code=NetworkTypeCode.WELFARE,
                        sprint_start__isnull=False,
                        sprint_end__isnull=False,
                    ),
                    then=ExpressionWrapper(F("sprint_end") - F("sprint_start"), output_field=DurationField()),
                )
            ),
            counted=Case(When(learning, then=_count_subquery(counted, "network"))),
            plan_start=Case(When(learning, then=F("planned_start"))),
            plan_end=Case(When(learning, then=F("planned_end"))),
            approved_first=Case(
                When(type__code=NetworkTypeCode.INNOVATION, then=Exists(approved_first)),
                output_field=BooleanField(),
            ),
        )
        .values("type_id", "sprint_days", "counted", "plan_start", "plan_end", "approved_first")
        .annotate(n=Count("pk"), sprint_start=Min("sprint_start"))
        .order_by()
    )
    by_type: dict[int, list[dict]] = {}
    for group in groups:
        group["planned_start"], group["planned_end"] = group.pop("plan_start"), group.pop("plan_end")
        by_type.setdefault(group["type_id"], []).append(group)
    return by_type


def compliance(report_filter: ReportFilter, types: list[NetworkType]) -> list[dict]:
    """Per type: how many networks kept the type's rules.

    The per-type rules are measured on networks that have started (they are what a start
    requires, or what a running network must keep); the outcome summary on concluded networks.
    `types` come from `_types_with_counts`.
    """
    started = _started_groups(report_filter)
    result = []
    for type_ in types:
        groups = started.get(type_.pk, [])
        checks = []
        if type_.code == NetworkTypeCode.WELFARE and type_.sprint_max_days:
            checks.append(_sprint_check(groups, type_))
        if type_.code == NetworkTypeCode.LEARNING and (type_.min_meetings or type_.max_meetings):
            checks.extend(_meeting_plan_checks(groups, type_))
        if type_.code == NetworkTypeCode.INNOVATION and type_.requires_approval:
            checks.append(_approval_check(groups))
        checks.append(
            _check(
                "concluded_with_outcome",
                _("Afsluttet med et resultat"),
                ["outcome_summary_missing"],
                type_.n_concluded,
                type_.concluded_kept,
            )
        )
        result.append({"type": type_.code, "label": type_.name, "checks": checks})
    return result


def direktoerforum(report_filter: ReportFilter) -> dict:
    """Lead time from submission to decision, and the outcomes.

    A round's submission is the latest change to "submitted" at or before the round's decision
    (a network is decided before it can be submitted again). The decisions come in one query with
    their lead times; the median is taken of the lead times sorted in Python, so it is the same
    on SQLite and PostgreSQL.
    """
    decisions = Decision.objects.filter(report_filter.of_selected_networks("network")).filter(
        report_filter.in_period("decided_at")
    )
    submitted_at = (
        StatusChange.objects.filter(
            network=OuterRef("network"), to_status=Status.SUBMITTED, changed_at__lte=OuterRef("decided_at")
        )
        .order_by("-changed_at", "-pk")
        .values("changed_at")[:1]
    )
    rows = (
        decisions.annotate(submitted_at=Subquery(submitted_at))
        .annotate(
            lead_time=ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
        )
        .values_list("outcome", "lead_time", "pk", "network_id", "network__title", "round")
        .order_by()
    )
    outcomes: Counter = Counter()
    lead_times = []
    for outcome, lead_time, pk, network_id, title, round_ in rows:
        outcomes[outcome] += 1
        if lead_time is not None:
            lead_times.append((lead_time, pk, network_id, title, round_))
    lead_times.sort(key=lambda row: (row[0], row[1]))
    count = len(lead_times)
    median = longest = None
    if count:
        middle = count // 2
        median_duration = (
            lead_times[middle][0] if count % 2 else (lead_times[middle - 1][0] + lead_times[middle][0]) / 2
        )
        median = _days(median_duration)
        duration, _pk, network_id, title, round_ = lead_times[-1]
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


def meetings(rows: list[dict]) -> dict:
    """Meetings planned, held and cancelled, and attendance at held meetings, per network.

    `rows` are `network_rows`."""
    status_labels = {value: str(label) for value, label in Status.choices}
    result = []
    for row in rows:
        result.append(
            {
                "id": row["pk"],
                "title": row["title"],
                "type": row["type__code"],
                "type_label": row["type__name"],
                "status": row["status"],
                "status_label": status_labels[row["status"]],
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
    the held ones — the same numbers on the page and in the networks export.

    Each count is a subquery on the network's own meetings (by the meeting_network_starts_idx
    index), so no join multiplies the networks' rows and nothing needs DISTINCT."""
    meetings_in_period = Meeting.objects.filter(network=OuterRef("pk")).filter(
        report_filter.in_period("starts_at")
    )
    attended = Meeting.attendees.through.objects.filter(
        meeting__network=OuterRef("pk"), meeting__status=MeetingStatus.HELD
    ).filter(report_filter.in_period("meeting__starts_at"))

    def of_status(status: str) -> Coalesce:
        return _count_subquery(meetings_in_period.filter(status=status), "network")

    return networks.annotate(
        planned=of_status(MeetingStatus.PLANNED),
        held=of_status(MeetingStatus.HELD),
        cancelled=of_status(MeetingStatus.CANCELLED),
        attendances=_count_subquery(attended, "meeting__network"),
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
    the people and organisations in several of them at once (those who have not left).

    Two queries: the categories and the total as one UNION ALL (the total is not their sum: a
    person may have two actor types), and the people and organisations in several networks as
    another."""
    everyone = Participant.objects.filter(report_filter.of_selected_networks("network"))
    people = _people()
    text = CharField()
    per_category = everyone.values(category=F("actor_category")).annotate(**people).order_by()
    overall = everyone.values(category=Value("", output_field=text)).annotate(**people).order_by()
    by_category = {row["category"]: row for row in per_category.union(overall, all=True)}
    totals = by_category.pop("")
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
    people_in_several = (
        current.exclude(email="")
        .values(kind=Value("person", output_field=text), key=Lower("email"))
        .annotate(
            networks=Count("network", distinct=True),
            participants=Count("pk"),
            name=Value("", output_field=text),
        )
        .filter(networks__gt=1)
        .order_by()
    )
    organisations_in_several = (
        current.exclude(organisation="")
        .values(kind=Value("organisation", output_field=text), key=Lower(Trim("organisation")))
        .annotate(
            networks=Count("network", distinct=True), participants=Count("pk"), name=Min("organisation")
        )
        .filter(networks__gt=1)
        .order_by()
    )
    several: Counter = Counter()
    organisations = []
    for row in people_in_several.union(organisations_in_several, all=True):
        if row["kind"] == "person":
            several[row["networks"]] += 1
        else:
            organisations.append(row)
    organisations.sort(key=lambda row: (-row["networks"], row["key"]))
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
    types = _types_with_counts(report_filter)
    matrix = type_status(types)
    submitted = matrix["totals"][[status["code"] for status in matrix["statuses"]].index(Status.SUBMITTED)]
    rows = network_rows(report_filter, today)
    return {
        "filter": report_filter.as_dict(),
        "today": today.isoformat(),
        "networks": matrix["total"],
        "type_status": matrix,
        "per_month": per_month(report_filter),
        "overdue": overdue(rows, today),
        "compliance": compliance(report_filter, types),
        "direktoerforum": {**direktoerforum(report_filter), "waiting": submitted},
        "meetings": meetings(rows),
        "core_stability": core_stability(report_filter),
        "participants": participants(report_filter),
    }


# --- The report page: figures cached in the shared cache --------------------------------------

# The report page shows this many rows of its per-network tables (meetings per network, the
# core's stability); the exports have every row.
PAGE_ROWS = 50
# Cached pages are used only while the data's version is the one they were computed for (see
# `data_version`); this is the longest they live regardless, for the changes it cannot see.
CACHE_SECONDS = 15 * 60
# Part of every cached key: change it when what `page_figures` or `cached_summary` caches changes shape.
PAGE_FORMAT = 1


def _version_sources() -> list[tuple[str, str]]:
    """(table, column) pairs whose maximum grows with every change the report counts: each
    counted table's highest id (rows added, also by bulk_create), and each audit-history table's
    highest history id (every save and delete through the ORM records a history row)."""
    models = [Network, Participant, Meeting, Decision, StatusChange]
    histories = [model.history.model for model in models if hasattr(model, "history")]
    return [(model._meta.db_table, model._meta.pk.column) for model in [*models, *histories]]


def data_version() -> str:
    """The version of the data the report counts, read in one query from the tables' highest ids.

    Nothing is written when data changes, so no write pays for the cache and no row is locked.
    Not seen: changes that bypass the ORM's save() and delete() (QuerySet.update(), raw SQL), and
    changes to the type parameters and to leaders' names; CACHE_SECONDS bounds how long those wait.
    """
    quote = connection.ops.quote_name
    # Table and column names come from the models' own metadata and are quoted; no user input.
    columns = ", ".join(
        f"(SELECT MAX({quote(column)}) FROM {quote(table)})"  # nosec B608
        for table, column in _version_sources()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return ":".join(str(value) for value in cursor.fetchone())


def _cached(key: str, compute):
    """`compute()`, kept in the shared cache (the database, so every app server sees the same) with
    the data's version: the first request after a change computes it, the next ones read one row."""
    version = data_version()
    cached = cache.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    value = compute()
    cache.set(key, (version, value), CACHE_SECONDS)
    return value


def _cache_key(kind: str, report_filter: ReportFilter, today: datetime.date) -> str:
    return (
        f"netvaerk:{kind}:{PAGE_FORMAT}:{translation.get_language()}:{today}:{report_filter.query_string()}"
    )


def cached_summary(report_filter: ReportFilter, *, today: datetime.date) -> dict:
    """`summary()` through the shared cache: what the API gives the municipality's BI tools."""
    return _cached(_cache_key("summary", report_filter, today), lambda: summary(report_filter, today=today))


def page_figures(report_filter: ReportFilter, *, today: datetime.date, build) -> dict:
    """What the report page shows for `report_filter` on `today`: `build(figures, lengths)` of the
    summary with its per-network lists cut to PAGE_ROWS rows (`lengths` has their full lengths),
    through the shared cache."""

    def compute():
        figures = summary(report_filter, today=today)
        lengths = {
            "meetings": len(figures["meetings"]["rows"]),
            "core_stability": len(figures["core_stability"]),
        }
        figures["meetings"]["rows"] = figures["meetings"]["rows"][:PAGE_ROWS]
        figures["core_stability"] = figures["core_stability"][:PAGE_ROWS]
        return build(figures, lengths)

    return _cached(_cache_key("report", report_filter, today), compute)
