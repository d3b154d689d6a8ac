"""The administrators' report at /rapporter/: the figures, the charts and the exports.

Administrators only (anyone else 403). The filter comes from the GET parameters; invalid values
are left out of the selection and shown with a Danish message on the page (200), while an
export with invalid values answers 400 with the message, so a download never silently covers
something else than asked for.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from networks import forms, reporting, roles
from networks.dates import long_datetime
from networks.reporting import cache, exports, page, refresh


def _require_administrator(user) -> None:
    if not roles.is_administrator(user):
        raise PermissionDenied(_("Kun administratorer har adgang til rapporterne."))


@require_GET
def overview(request):
    _require_administrator(request.user)
    form = forms.ReportFilterForm(data=request.GET)
    report_filter = reporting.ReportFilter.from_form(form)
    today = timezone.localdate()
    shown = cache.page_figures(report_filter, today=today, build=page.build)
    if shown.stale:
        # Served at once as they are, with their time; the current figures follow in the background.
        refresh.request_refresh(report_filter)
    return render(
        request,
        "networks/reports/overview.html",
        {
            "form": form,
            "report_filter": report_filter,
            **shown.value,
            "computed_at": long_datetime(shown.computed_at),
            "figures_stale": shown.stale,
            "query_string": report_filter.query_string(),
        },
    )


@require_GET
def export(request, *, dataset: str, fmt: str):
    _require_administrator(request.user)
    report_filter = reporting.ReportFilter.from_params(request.GET)
    if not report_filter.is_valid:
        problems = " ".join(message for messages in report_filter.errors.values() for message in messages)
        return HttpResponseBadRequest(
            _("Udtrækket er ikke lavet, fordi filteret er ugyldigt: %(problems)s") % {"problems": problems},
            content_type="text/plain; charset=utf-8",
        )
    return exports.response(dataset, fmt, report_filter, today=timezone.localdate())
