"""/api/v1/: the JSON API, its OpenAPI schema and the interactive documentation."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from networks.api import change_requests, follow_ups, reports, views

# Row ids are 64-bit; a longer number in the address is a 404 like any unknown id, not a database error.
MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        if len(value) > 19 or int(value) > MAX_ID:
            raise ValueError(value)
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "api_id")

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("networks/", views.NetworkList.as_view(), name="network-list"),
    path("networks/<api_id:pk>/", views.NetworkDetail.as_view(), name="network-detail"),
    path("networks/<api_id:pk>/transitions/", views.NetworkTransitions.as_view(), name="network-transitions"),
    path(
        "networks/<api_id:pk>/participants/", views.NetworkParticipants.as_view(), name="network-participants"
    ),
    path("networks/<api_id:pk>/meetings/", views.NetworkMeetings.as_view(), name="network-meetings"),
    path("networks/<api_id:pk>/decisions/", views.NetworkDecisions.as_view(), name="network-decisions"),
    path("networks/<api_id:pk>/history/", views.NetworkHistory.as_view(), name="network-history"),
    path(
        "networks/<api_id:pk>/change-requests/",
        change_requests.NetworkChangeRequests.as_view(),
        name="network-change-requests",
    ),
    path(
        "networks/<api_id:pk>/change-requests/<api_id:change_request_pk>/decision/",
        change_requests.ChangeRequestDecision.as_view(),
        name="change-request-decision",
    ),
    path(
        "networks/<api_id:pk>/follow-ups/<api_id:follow_up_id>/answer/",
        follow_ups.FollowUpAnswer.as_view(),
        name="follow-up-answer",
    ),
    path("participants/<api_id:pk>/", views.ParticipantDetail.as_view(), name="participant-detail"),
    path("meetings/<api_id:pk>/", views.MeetingDetail.as_view(), name="meeting-detail"),
    path("reports/summary/", reports.ReportSummary.as_view(), name="report-summary"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Any other address under the API, even one with a line break in it, is a JSON 404.
    re_path(r"^[\s\S]*$", views.not_found),
]
