"""A calendar to subscribe to: each user's own feed address, and the feed Outlook fetches from it.

The page acts only on `request.user` (no id in the address). The feed is reached by its secret
alone, without a session: Outlook, Google and Apple fetch it from their own servers. The secret
opens this one file and nothing else – no redirect, no other page.

What the feed holds: the meetings of the networks the user leads (whatever the network's status;
cancelled meetings as STATUS:CANCELLED), from 12 months back and every one ahead, and for a
Direktørforum member each of Direktørforum's meeting dates in the same window, with the cases
decided on it. No participant's name or e-mail address is in it: a subscribed calendar is copied
to servers outside the municipality's control.
"""

import datetime
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from networks import calendar, roles
from networks.models import CalendarFeed, Decision, Meeting

# How far back the feed reaches: a year of past meetings keeps last season's meetings in the
# calendar; older ones stay in the network's own download.
FEED_HISTORY = datetime.timedelta(days=365)
# Outlook fetches at most every hour anyway (X-PUBLISHED-TTL); a cache may keep it as long.
FEED_MAX_AGE = 60 * 60


def _feed_address(feed: CalendarFeed) -> str:
    return settings.SITE_URL.rstrip("/") + feed.get_absolute_url()


@require_http_methods(["GET", "POST"])
def calendar_page(request):
    if request.method == "POST":
        CalendarFeed.renew(request.user)
        messages.success(
            request,
            _(
                "Kalenderens adresse er fornyet. Den gamle adresse virker ikke længere; "
                "abonnér igen med den nye adresse i Outlook."
            ),
        )
        return redirect("networks:calendar_page")
    feed = CalendarFeed.of(request.user)
    return render(request, "calendar/page.html", {"feed_address": _feed_address(feed)})


def _not_found() -> HttpResponse:
    response = HttpResponseNotFound(_("Kalenderen findes ikke."), content_type="text/plain; charset=utf-8")
    # The path holds the (wrong or old) secret: Django's request log would write it out.
    response._has_been_logged = True
    response["Referrer-Policy"] = "no-referrer"
    return response


def _feed_meetings(user, since: datetime.datetime):
    return (
        Meeting.objects.filter(network__leader=user, starts_at__gte=since)
        .select_related("network")
        .order_by("starts_at", "pk")
    )


def _feed_boards(user, since: datetime.datetime) -> list[calendar.BoardMeeting]:
    if not roles.is_direktoerforum(user):
        return []
    decisions = (
        Decision.objects.filter(meeting_date__gte=timezone.localdate(since))
        .select_related("network")
        .order_by("meeting_date", "decided_at", "pk")
    )
    return calendar.board_meetings(decisions)


@login_not_required
@require_safe
def calendar_feed(request, secret):
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret, user__is_active=True).first()
    # The row is found by its unique index, as an API token is; the comparison after it is in
    # constant time, so the check in Python adds nothing to time.
    if feed is None or not feed.matches(secret):
        return _not_found()
    user = feed.user
    since = timezone.now() - FEED_HISTORY
    content, last_modified = calendar.feed_ics(
        user=user,
        name=_("Netværk – %(name)s") % {"name": roles.display_name(user)},
        meetings=_feed_meetings(user, since),
        boards=_feed_boards(user, since),
        since=feed.renewed,
    )
    etag = f'"{hashlib.sha256(content).hexdigest()}"'
    # The ETag decides when a calendar sends both validators (a meeting removed changes the file
    # but not necessarily its latest change time).
    response = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified.timestamp())
    ) or HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    # The address is the credential: no link followed from a calendar passes it on.
    response["Referrer-Policy"] = "no-referrer"
    return response
