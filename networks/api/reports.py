"""/api/v1/reports/summary/: the report page's figures as JSON, for the municipality's BI tools."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from networks import reporting, roles
from networks.api.views import RequestLanguageMixin

FILTER_PARAMETERS = [
    OpenApiParameter("type", str, description="Netværkstype: innovation, welfare eller learning."),
    OpenApiParameter("status", str, description="Status, fx active eller concluded."),
    OpenApiParameter("leder", int, description="Netværkslederens bruger-id."),
    OpenApiParameter("fra", OpenApiTypes.DATE, description="Periodens første dag (ÅÅÅÅ-MM-DD)."),
    OpenApiParameter("til", OpenApiTypes.DATE, description="Periodens sidste dag (ÅÅÅÅ-MM-DD)."),
]


class ReportSummary(RequestLanguageMixin, APIView):
    @extend_schema(
        summary="Rapportens tal",
        description=(
            "De samme tal som rapportsiden /rapporter/ for det valgte udsnit; kun for administratorer. "
            "Ingen deltageres navne eller e-mails."
        ),
        parameters=FILTER_PARAMETERS,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Rapportens tal."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Ugyldigt filter; `errors` pr. parameter."),
            401: OpenApiResponse(OpenApiTypes.OBJECT, description="Ikke logget ind."),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="Kun for administratorer."),
        },
    )
    def get(self, request):
        if not roles.is_administrator(request.user):
            raise exceptions.PermissionDenied(_("Kun administratorer har adgang til rapporterne."))
        report_filter = reporting.ReportFilter.from_params(request.query_params)
        if report_filter.errors:
            return Response(
                {"detail": _("Filteret er ugyldigt."), "errors": report_filter.errors}, status=400
            )
        return Response(reporting.cached_summary(report_filter, today=timezone.localdate()))
