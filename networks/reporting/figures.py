"""The report's figures across the selected networks, computed in the database.

`summary(report_filter)` is every figure the report page shows, as JSON-serialisable data: the
page renders it, and the API returns it. Each figure is one grouped query (or a sorted list
fetched in one query; figures over the same rows share one, with conditional aggregation or UNION
ALL), so the number of queries does not grow with the number of networks: nine in all.

Where a figure depends on a network's type, the type's spec says what it is (`networks.rules`):
the compliance figures are the type's own (`compliance.py`), "sprint ended" is read for the types
with a sprint, the core's attendance for the types that follow it. No type is named here.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Lower, Trim, TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from networks import roles, rules, selectors
from networks.dates import months_between
from networks.models import (
    OPEN_STATUSES,
    ActorCategory,
    Decision,
    DecisionOutcome,
    FollowUp,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    Participant,
    ParticipantRole,
    SprintChange,
    Status,
    StatusChange,
)
from networks.reporting.compliance import compliance, share
from networks.reporting.filter import ReportFilter


def _days(duration: datetime.timedelta) -> float:
    return round(duration.total_seconds() / 86400, 1)


def choice_labels(choices) -> dict[str, str]:
    """Each value's label, translated once for a whole table rather than once per row."""
    return {value: str(label) for value, label in choices.choices}


def _network_of(row: dict, status_labels: dict[str, str]) -> dict:
    """What every per-network table says of a network, from a `network_rows` row."""
    return {
        "id": row["pk"],
        "title": row["title"],
        "type": row["type__code"],
        "type_label": row["type__name"],
        "status": row["status"],
        "status_label": status_labels[row["status"]],
    }


def _month_labels(year: int, month: int) -> tuple[str, str]:
    """("januar 2027", "jan 2027"): the table's label and the chart's."""
    first = datetime.date(year, month, 1)
    return date_format(first, "F Y"), date_format(first, "b Y")


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
    for year, month in months_between(first, last):
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
    """One row per selected network, by title: its meeting counts (as `with_meeting_counts`), what
    `overdue` needs and its sprint's moves in the period. One query, read by `meetings`, `overdue`
    and `sprint_changes`."""
    plan_passed = Q(status__in=OPEN_STATUSES, planned_end__lt=today)
    with_sprint = [spec.code for spec in rules.all_specs() if spec.has_sprint]
    sprint_ended = Q(type__code__in=with_sprint, status=Status.ACTIVE, sprint_end__lt=today)
    moves = SprintChange.objects.filter(network=OuterRef("pk")).filter(report_filter.in_period("changed_at"))
    return list(
        with_meeting_counts(report_filter.networks(), report_filter)
        .annotate(
            plan_passed=ExpressionWrapper(plan_passed, output_field=BooleanField()),
            sprint_ended=ExpressionWrapper(sprint_ended, output_field=BooleanField()),
            sprint_moves=selectors.count_of(moves),
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
            "sprint_moves",
        )
        .order_by("title", "pk")
    )


def sprint_changes(rows: list[dict]) -> dict:
    """ "Sprinter flyttet": how many of the selected networks moved their running sprint's last day,
    and how many moves in all (in the period). `rows` are `network_rows`."""
    moved = [row["sprint_moves"] for row in rows if row["sprint_moves"]]
    return {"networks": len(moved), "moves": sum(moved)}


def overdue(rows: list[dict], today: datetime.date) -> list[dict]:
    """Open networks past their planned end, and networks of a type with a sprint whose sprint
    has ended while they are still active (the rules' `sprint_ended_not_concluded`), with days
    overdue: the days since the planned end or the sprint's last day, so a day past the end
    counts as 1 day.

    `rows` are `network_rows`."""

    def reason(code: str, label: str, since: datetime.date) -> dict:
        return {"code": code, "label": label, "since": since.isoformat(), "days": (today - since).days}

    status_labels = choice_labels(Status)
    result = []
    for row in rows:
        reasons = []
        if row["plan_passed"]:
            reasons.append(
                reason("planned_end_passed", _("Planlagt afslutning er passeret"), row["planned_end"])
            )
        if row["sprint_ended"]:
            reasons.append(
                reason(
                    "sprint_ended_not_concluded",
                    _("Sprinten er slut, men netværket er ikke afsluttet"),
                    row["sprint_end"],
                )
            )
        if not reasons:
            continue
        result.append(
            {
                **_network_of(row, status_labels),
                "leader": roles.name_from_values(
                    row["leader__first_name"], row["leader__last_name"], row["leader__username"]
                ),
                "days": max(reason["days"] for reason in reasons),
                "reasons": reasons,
            }
        )
    return sorted(result, key=lambda row: (-row["days"], row["title"], row["id"]))


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
    status_labels = choice_labels(Status)
    result = []
    for row in rows:
        result.append(
            {
                **_network_of(row, status_labels),
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
        return selectors.count_of(meetings_in_period.filter(status=status))

    return networks.annotate(
        planned=of_status(MeetingStatus.PLANNED),
        held=of_status(MeetingStatus.HELD),
        cancelled=of_status(MeetingStatus.CANCELLED),
        attendances=selectors.count_of(attended, "meeting__network"),
    )


def core_stability(report_filter: ReportFilter) -> list[dict]:
    """For each network of a type that follows its core's attendance (`spec.follows_core_attendance`),
    the share of its core participants who attended each held meeting.

    The core on a meeting's day is every core participant who had joined by then and not left
    before it; the held meetings come in one query with both counts as subqueries.
    """
    followed = [spec.code for spec in rules.all_specs() if spec.follows_core_attendance]
    held = (
        Meeting.objects.filter(
            network__in=report_filter.networks().filter(type__code__in=followed).values("pk"),
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
            core_members=selectors.count_of(core_members),
            core_attended=selectors.count_of(core_attended, "meeting"),
        )
        .values("network_id", "network__title", "day", "title", "core_members", "core_attended")
        .order_by("network__title", "network_id", "starts_at", "pk")
    )
    result: list[dict] = []
    for row in rows:
        if not result or result[-1]["id"] != row["network_id"]:
            result.append({"id": row["network_id"], "title": row["network__title"], "meetings": []})
        fraction, percent = share(row["core_attended"], row["core_members"])
        result[-1]["meetings"].append(
            {
                "date": row["day"].isoformat(),
                "title": row["title"],
                "core_members": row["core_members"],
                "core_attended": row["core_attended"],
                "share": fraction,
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


def follow_ups(report_filter: ReportFilter, types: list[NetworkType], today: datetime.date) -> list[dict]:
    """Per type: of the follow-ups fallen due by `today`, how many are answered; and the type's own
    figure over the answers (`FollowUpQuestions.figure`: solutions in operation, commitments put
    to use). One query: the due follow-ups of the selected networks with their answers."""
    due = (
        FollowUp.objects.filter(report_filter.of_selected_networks("network"), due__lte=today)
        .values_list("network__type_id", "answered_at", "answers")
        .order_by()
    )
    by_type: dict[int, list[tuple]] = {}
    for type_id, answered_at, answers in due:
        by_type.setdefault(type_id, []).append((answered_at, answers))
    result = []
    for type_ in types:
        rows = by_type.get(type_.pk, [])
        answered = [answers for answered_at, answers in rows if answered_at is not None]
        fraction, percent = share(len(answered), len(rows))
        questions = rules.spec_for(type_).follow_up
        figure = None
        if questions is not None and questions.figure is not None:
            counted, of = questions.figure.count(answered)
            figure_fraction, figure_percent = share(counted, of)
            figure = {
                "label": str(questions.figure.label),
                "counted": counted,
                "of": of,
                "fraction": figure_fraction,
                "percent": figure_percent,
            }
        result.append(
            {
                "type": type_.code,
                "label": type_.name,
                "due": len(rows),
                "answered": len(answered),
                "fraction": fraction,
                "percent": percent,
                "figure": figure,
            }
        )
    return result


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
        "sprint_changes": sprint_changes(rows),
        "compliance": compliance(report_filter, types),
        "direktoerforum": {**direktoerforum(report_filter), "waiting": submitted},
        "meetings": meetings(rows),
        "core_stability": core_stability(report_filter),
        "participants": participants(report_filter),
        "follow_ups": follow_ups(report_filter, types, today),
    }
