"""The report's figures, kept in the shared cache and refreshed in the background.

The cache is the database, so every app server sees the same. The API's summary is used only
while the data's version (`data_version`, the counted tables' highest ids) is the one it was
computed for. The report page serves the latest computed figures at once, with the time they
were computed, and has them computed again in the background when they are out of date
(`networks.reporting.refresh`): nobody waits for the aggregation after a change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation

from networks.models import Decision, FollowUp, Meeting, Network, Participant, StatusChange
from networks.reporting.figures import summary
from networks.reporting.filter import ReportFilter

# The report page shows this many rows of its per-network tables (meetings per network, the
# core's stability); the exports have every row.
PAGE_ROWS = 50
# Cached pages are used only while the data's version is the one they were computed for (see
# `data_version`); this is the longest they live regardless, for the changes it cannot see.
CACHE_SECONDS = 15 * 60
# Part of every cached key: change it when what `page_figures` or `cached_summary` caches changes shape.
PAGE_FORMAT = 3
# The page's figures stay this long: a page served from them is refreshed in the background, so
# they are only ever a stand-in until then, and a day without writes must not empty the cache.
PAGE_SECONDS = 7 * 24 * 60 * 60


def _version_sources() -> list[tuple[str, str]]:
    """(table, column) pairs whose maximum grows with every change the report counts: each
    counted table's highest id (rows added, also by bulk_create), and each audit-history table's
    highest history id (every save and delete through the ORM records a history row), and the
    latest time a follow-up was answered."""
    models = [Network, Participant, Meeting, Decision, StatusChange]
    histories = [model.history.model for model in models if hasattr(model, "history")]
    # Follow-ups keep no history; each is answered once, so the latest answer's time grows instead.
    answered = (FollowUp._meta.db_table, FollowUp._meta.get_field("answered_at").column)
    return [
        *((model._meta.db_table, model._meta.pk.column) for model in [*models, FollowUp, *histories]),
        answered,
    ]


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


@dataclass(frozen=True)
class PageFigures:
    """What the report page shows: the figures `build` made, when they were computed, and whether
    they are out of date (the data or the day changed since; a refresh is then on its way)."""

    value: dict
    computed_at: datetime.datetime
    stale: bool


def page_key_prefix() -> str:
    return f"netvaerk:report:{PAGE_FORMAT}:"


def _page_key(report_filter: ReportFilter, language: str) -> str:
    # No day in the key: a new day serves yesterday's figures while today's are computed. The
    # background refresh reads the language and the filter back from the key (`refresh.viewed_pages`).
    return f"{page_key_prefix()}{language}:{report_filter.query_string()}"


def compute_page_figures(report_filter: ReportFilter, *, today: datetime.date, build) -> dict:
    """`build(figures, lengths)` of the summary with its per-network lists cut to PAGE_ROWS rows
    (`lengths` has their full lengths), computed now and stored for the page."""
    version = data_version()
    figures = summary(report_filter, today=today)
    lengths = {
        "meetings": len(figures["meetings"]["rows"]),
        "core_stability": len(figures["core_stability"]),
    }
    figures["meetings"]["rows"] = figures["meetings"]["rows"][:PAGE_ROWS]
    figures["core_stability"] = figures["core_stability"][:PAGE_ROWS]
    value = build(figures, lengths)
    entry = {"version": version, "today": today, "computed_at": timezone.now(), "value": value}
    cache.set(_page_key(report_filter, translation.get_language()), entry, PAGE_SECONDS)
    return entry


def _is_current(entry: dict, today: datetime.date) -> bool:
    """Counts today's data: computed today, for this version of the data, and within CACHE_SECONDS
    (for the changes the version cannot see)."""
    fresh = timezone.now() - entry["computed_at"] <= datetime.timedelta(seconds=CACHE_SECONDS)
    return fresh and entry["today"] == today and entry["version"] == data_version()


def page_is_current(report_filter: ReportFilter, *, today: datetime.date) -> bool:
    """Whether the stored page for `report_filter` (in the active language) counts today's data."""
    entry = cache.get(_page_key(report_filter, translation.get_language()))
    return entry is not None and _is_current(entry, today)


def page_figures(report_filter: ReportFilter, *, today: datetime.date, build) -> PageFigures:
    """The latest figures computed for `report_filter`, at once (stale-while-revalidate): when
    the data or the day changed since, they are served as they are and marked stale, and the
    caller has them refreshed in the background. Only a first-ever view computes them here."""
    entry = cache.get(_page_key(report_filter, translation.get_language()))
    if entry is None:
        entry = compute_page_figures(report_filter, today=today, build=build)
        return PageFigures(entry["value"], entry["computed_at"], stale=False)
    return PageFigures(entry["value"], entry["computed_at"], stale=not _is_current(entry, today))
