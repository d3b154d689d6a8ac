"""Refreshing the report page's figures in the background, so nobody waits for the aggregation.

After a write that the report counts is committed, one task per transaction recomputes the pages
that have been viewed (each filter and language once computed); a page served from out-of-date
figures asks for its own refresh too (a new day, or a change the write hooks do not see, such as
`QuerySet.update()`). Each task first checks whether the figures are already current, so a
duplicate costs one query.
"""

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import QueryDict
from django.utils import timezone, translation
from django_tasks import task

from networks.models import Decision, FollowUp, Meeting, Network, Participant, StatusChange
from networks.reporting import cache, page
from networks.reporting.filter import ReportFilter

COUNTED_MODELS = [Network, Participant, Meeting, Decision, StatusChange, FollowUp]


def viewed_pages() -> list[tuple[str, str]]:
    """(language, filter's query string) of every page whose figures are in the cache, read from
    the cache's table (the shared cache is a table in the database, see settings.CACHES) in one
    query, so a page's first view pays nothing to be remembered."""
    prefix = cache.cache.make_key(cache.page_key_prefix())
    table = connection.ops.quote_name(cache.cache._table)
    with connection.cursor() as cursor:
        # The table name comes from the settings and is quoted; the prefix is a parameter.
        cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key LIKE %s", [f"{prefix}%"])  # nosec B608
        keys = [row[0].removeprefix(prefix) for row in cursor.fetchall()]
    return [tuple(key.split(":", 1)) for key in keys if ":" in key]


@task()
def refresh_report_page(query_string: str, language: str) -> bool:
    """Recomputes the page's figures for one filter and language unless they are current; True if it did."""
    report_filter = ReportFilter.from_params(QueryDict(query_string.removeprefix("?")))
    with translation.override(language):
        today = timezone.localdate()
        if cache.page_is_current(report_filter, today=today):
            return False
        cache.compute_page_figures(report_filter, today=today, build=page.build)
    return True


@task()
def refresh_report_pages() -> int:
    """Recomputes every page viewed so far whose figures are out of date; how many it recomputed."""
    return sum(refresh_report_page.call(query_string, language) for language, query_string in viewed_pages())


def _enqueue_refresh() -> None:
    refresh_report_pages.enqueue()


def refresh_after_commit(**_) -> None:
    """Once per transaction: the refresh is enqueued when the write is committed (never for a
    write rolled back, and never before the data it is to count is visible to the worker)."""
    if any(callback is _enqueue_refresh for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_refresh)


def request_refresh(report_filter: ReportFilter) -> None:
    """After this request: refresh the page the user is looking at, in the background."""
    query_string, language = report_filter.query_string(), translation.get_language()
    transaction.on_commit(lambda: refresh_report_page.enqueue(query_string, language))


for model in COUNTED_MODELS:
    post_save.connect(
        refresh_after_commit, sender=model, dispatch_uid=f"report-refresh-save-{model.__name__}"
    )
    post_delete.connect(
        refresh_after_commit, sender=model, dispatch_uid=f"report-refresh-delete-{model.__name__}"
    )
# Attendance is a many-to-many of meetings: changing it alone saves no row of the models above.
m2m_changed.connect(
    refresh_after_commit, sender=Meeting.attendees.through, dispatch_uid="report-refresh-attendance"
)
