from django.urls import path, re_path

from networks.views import (
    calendar_feed,
    change_requests,
    follow_ups,
    leader,
    lifecycle,
    meetings,
    participants,
)

app_name = "networks"

urlpatterns = [
    path("", leader.home, name="home"),
    path("netvaerk/", leader.network_list, name="list"),
    # The user's subscribed calendar: the page with its address, and the feed (a secret of 43
    # URL-safe characters, `CalendarFeed.new_secret`).
    path("kalender/", calendar_feed.calendar_page, name="calendar_page"),
    re_path(
        r"^kalender/(?P<secret>[A-Za-z0-9_-]{43})\.ics$", calendar_feed.calendar_feed, name="calendar_feed"
    ),
    path("netvaerk/guide/", leader.guide_page, name="guide"),
    path("netvaerk/ny/", leader.network_create, name="create"),
    path("netvaerk/<int:pk>/", leader.network_detail, name="detail"),
    path("netvaerk/<int:pk>/historik/", leader.network_audit_trail, name="audit_trail"),
    path("netvaerk/<int:pk>/rediger/", leader.network_edit, name="edit"),
    path("netvaerk/<int:pk>/type/", leader.network_change_type, name="change_type"),
    path("netvaerk/<int:pk>/kalender.ics", leader.network_calendar, name="calendar"),
    # Lifecycle
    path("netvaerk/<int:pk>/indstil/", lifecycle.network_submit, name="submit"),
    path("netvaerk/<int:pk>/start/", lifecycle.network_start, name="start"),
    path("netvaerk/<int:pk>/afslut/", lifecycle.network_conclude, name="conclude"),
    path("netvaerk/<int:pk>/annuller/", lifecycle.network_cancel, name="cancel"),
    path("netvaerk/<int:pk>/slet/", lifecycle.network_delete, name="delete"),
    path(
        "netvaerk/<int:pk>/aendringsanmodning/",
        change_requests.change_request_create,
        name="change_request_create",
    ),
    # Follow-ups
    path("netvaerk/<int:pk>/opfoelgning/<int:follow_up_pk>/", follow_ups.follow_up_page, name="follow_up"),
    # Participants
    path("netvaerk/<int:pk>/deltagere/ny/", participants.participant_add, name="participant_add"),
    path("netvaerk/<int:pk>/deltagere/import/", participants.participant_import, name="participant_import"),
    path(
        "netvaerk/<int:pk>/deltagere/<int:participant_pk>/rediger/",
        participants.participant_edit,
        name="participant_edit",
    ),
    path(
        "netvaerk/<int:pk>/deltagere/<int:participant_pk>/udtraadt/",
        participants.participant_left,
        name="participant_left",
    ),
    # Meetings
    path("netvaerk/<int:pk>/moeder/ny/", meetings.meeting_create, name="meeting_create"),
    path("netvaerk/<int:pk>/moeder/planlaeg/", meetings.meeting_plan, name="meeting_plan"),
    path("netvaerk/<int:pk>/moeder/<int:meeting_pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("netvaerk/<int:pk>/moeder/<int:meeting_pk>/rediger/", meetings.meeting_edit, name="meeting_edit"),
    path(
        "netvaerk/<int:pk>/moeder/<int:meeting_pk>/referat/", meetings.meeting_minutes, name="meeting_minutes"
    ),
    path("netvaerk/<int:pk>/moeder/<int:meeting_pk>/afholdt/", meetings.meeting_held, name="meeting_held"),
    path("netvaerk/<int:pk>/moeder/<int:meeting_pk>/aflys/", meetings.meeting_cancel, name="meeting_cancel"),
    path(
        "netvaerk/<int:pk>/moeder/<int:meeting_pk>/kalender.ics",
        meetings.meeting_calendar,
        name="meeting_calendar",
    ),
]
