"""The report's compliance section: per type, how many networks kept the type's rules.

Which figures a type has, what they are called and which rules they measure is the type's own
`spec.compliance` (`networks.rules`); no rule's comparison is written here. The started networks
of each type are grouped, in one query, by the facts its checks read (`ComplianceCheck.reads`);
for each group a probe network carrying just those facts is handed to the rules, once, and the
group counts as kept for a check when none of the check's rule codes is found.

The type rules are measured on networks that have started (they are what a start requires, or
what a running network must keep); the outcome summary on concluded networks.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    When,
)
from django.utils.translation import gettext as _

from networks import rules, selectors
from networks.dates import EARLIEST_DATE
from networks.models import Decision, DecisionOutcome, Meeting, MeetingStatus, Network, NetworkType, Status
from networks.reporting.filter import ReportFilter


def share(part: int, whole: int) -> tuple[float | None, int | None]:
    """(share as a fraction, share in whole per cent); (None, None) when there is nothing to share."""
    if not whole:
        return None, None
    return round(part / whole, 4), round(100 * part / whole)


def _figure(code: str, label: str, rule_codes: list[str], applicable: int, kept: int) -> dict:
    fraction, percent = share(kept, applicable)
    return {
        "code": code,
        "label": label,
        "rule_codes": rule_codes,
        "applicable": applicable,
        "kept": kept,
        "not_kept": applicable - kept,
        "share": fraction,
        "percent": percent,
    }


def _checks(type_: NetworkType) -> list[tuple[rules.ComplianceCheck, str]]:
    """The type's checks with their labels; a check its parameters leave nothing to measure is left out."""
    labelled = [(check, check.label(type_)) for check in rules.spec_for(type_).compliance]
    return [(check, label) for check, label in labelled if label is not None]


def _facts_read(checks: list[tuple[rules.ComplianceCheck, str]]) -> set[str]:
    return {fact for check, _label in checks for fact in check.reads}


def _fact_columns(readers: dict[str, list[int]]) -> dict[str, Expression]:
    """The grouped query's columns for the facts some type reads, each set only for the types
    (by id) that read it, so it is NULL for the others and does not split their groups."""
    counted = Meeting.objects.filter(network=OuterRef("pk")).exclude(status=MeetingStatus.CANCELLED)
    approved_first = Decision.objects.filter(
        network=OuterRef("pk"), outcome=DecisionOutcome.APPROVED, decided_at__lte=OuterRef("started_at")
    )
    sprint_length = ExpressionWrapper(F("sprint_end") - F("sprint_start"), output_field=DurationField())
    # Each fact a check may read: its columns, each with the networks it is set for and its value.
    values: dict[str, dict[str, tuple[Q, Expression]]] = {
        "sprint_window": {
            # A window's length is all the rules read of it, so one probe per length answers for all.
            "sprint_days": (Q(sprint_start__isnull=False, sprint_end__isnull=False), sprint_length),
        },
        "planned_period": {"plan_start": (Q(), F("planned_start")), "plan_end": (Q(), F("planned_end"))},
        "meeting_count": {"counted": (Q(), selectors.count_of(counted))},
        "approval": {"approved_first": (Q(), Exists(approved_first))},
    }
    unknown = set(readers) - set(values)
    if unknown:
        raise ValueError(f"A compliance check reads what the report does not group by: {sorted(unknown)}")
    return {
        column: Case(When(Q(type_id__in=type_ids) & condition, then=value))
        for fact, type_ids in readers.items()
        for column, (condition, value) in values[fact].items()
    }


def _started_groups(report_filter: ReportFilter, readers: dict[str, list[int]]) -> dict[int, list[dict]]:
    """The selected started networks, grouped per type by what its checks read, in one query."""
    columns = _fact_columns(readers)
    extra = {"sprint_start": Min("sprint_start")} if "sprint_window" in readers else {}
    groups = (
        report_filter.networks()
        .filter(started_at__isnull=False)
        .annotate(**columns)
        .values("type_id", *columns)
        .annotate(n=Count("pk"), **extra)
        .order_by()
    )
    by_type: dict[int, list[dict]] = {}
    for group in groups:
        by_type.setdefault(group["type_id"], []).append(group)
    return by_type


def _probe(type_: NetworkType, group: dict, reads: set[str]) -> Network:
    """A network of `type_` with only the facts of `group` that the type's checks read."""
    fields = {}
    if "sprint_window" in reads and group["sprint_days"] is not None:
        start = group["sprint_start"]
        fields.update(sprint_start=start, sprint_end=start + group["sprint_days"])
    if "planned_period" in reads:
        fields.update(planned_start=group["plan_start"], planned_end=group["plan_end"])
    # A started network; for the approval, one that was approved first or one that was only submitted.
    status = Status.ACTIVE
    if "approval" in reads:
        status = Status.APPROVED if group["approved_first"] else Status.SUBMITTED
    probe = Network(type=type_, status=status, **fields)
    # The rules read how many meetings there are; the days stand in (before any sprint's end).
    counted = group["counted"] if "meeting_count" in reads else 0
    probe.rule_facts = rules.RuleFacts(meeting_days=(EARLIEST_DATE,) * counted)
    return probe


def _applies(check: rules.ComplianceCheck, group: dict) -> bool:
    """A check of the sprint window counts only networks that have one; the others count them all."""
    return "sprint_window" not in check.reads or group["sprint_days"] is not None


def _type_figures(type_: NetworkType, checks, groups: list[dict]) -> list[dict]:
    reads = _facts_read(checks)
    found = [
        {finding.code for finding in rules.all_findings(_probe(type_, group, reads))} for group in groups
    ]
    figures = []
    for check, label in checks:
        applicable = kept = 0
        for group, codes in zip(groups, found, strict=True):
            if not _applies(check, group):
                continue
            applicable += group["n"]
            if not codes.intersection(check.rule_codes):
                kept += group["n"]
        figures.append(_figure(check.code, label, list(check.rule_codes), applicable, kept))
    return figures


def compliance(report_filter: ReportFilter, types: list[NetworkType]) -> list[dict]:
    """Per type: how many networks kept the type's rules.

    `types` carry their concluded networks (`n_concluded`) and those with an outcome
    (`concluded_kept`), as the summary counts them (`figures._types_with_counts`).
    """
    checks = {type_.pk: _checks(type_) for type_ in types}
    readers: dict[str, list[int]] = {}
    for type_id, type_checks in checks.items():
        for fact in _facts_read(type_checks):
            readers.setdefault(fact, []).append(type_id)
    started = _started_groups(report_filter, readers)
    result = []
    for type_ in types:
        figures = _type_figures(type_, checks[type_.pk], started.get(type_.pk, []))
        figures.append(
            _figure(
                "concluded_with_outcome",
                _("Afsluttet med et resultat"),
                ["outcome_summary_missing"],
                type_.n_concluded,
                type_.concluded_kept,
            )
        )
        result.append({"type": type_.code, "label": type_.name, "checks": figures})
    return result
