"""The administrators' report at /rapporter/: the figures, the charts and the exports.

Administrators only (anyone else 403). The filter comes from the GET parameters; invalid values
are left out of the selection and shown with a Danish message on the page (200), while an
export with invalid values answers 400 with the message, so a download never silently covers
something else than asked for.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from networks import forms, reporting, roles
from networks.reporting import cache, charts, exports


def _require_administrator(user) -> None:
    if not roles.is_administrator(user):
        raise PermissionDenied(_("Kun administratorer har adgang til rapporterne."))


@require_GET
def overview(request):
    _require_administrator(request.user)
    form = forms.ReportFilterForm(data=request.GET)
    report_filter = reporting.ReportFilter.from_form(form)
    captions = {
        "type_status": _("Netværk fordelt på type og status"),
        "per_month": _("Netværk startet og afsluttet pr. måned"),
        "actors": _("Deltagere fordelt på aktørtype"),
    }

    def build(figures, lengths):
        charts_ = {
            "type_status": charts.type_status_chart(
                figures["type_status"], table_caption=captions["type_status"]
            ),
            "per_month": charts.per_month_chart(figures["per_month"], table_caption=captions["per_month"]),
            "actors": charts.actor_mix_chart(
                figures["participants"]["categories"], table_caption=captions["actors"]
            ),
        }
        # The figures' sections are rendered here, once per version of the data, and cached with
        # the figures; each request renders only the page around them (the filter, the exports).
        html = render_to_string(
            "networks/reports/_figures.html",
            {
                "figures": figures,
                "lengths": lengths,
                "charts": charts_,
                "captions": captions,
                "page_rows": cache.PAGE_ROWS,
            },
        )
        return {"figures": figures, "lengths": lengths, "figures_html": html}

    page = cache.page_figures(report_filter, today=timezone.localdate(), build=build)
    return render(
        request,
        "networks/reports/overview.html",
        {
            "form": form,
            "report_filter": report_filter,
            **page,
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
