"""Security plumbing that is not a page: the idle session timeout and the security log.

The `netvaerk.security` logger gets one line per failed login, per lockout and per refused request
(401/403/404/429), with the username, the client's address and the path — never a password or
any other submitted value. Django's own `django.request` logger says the same without the who.
"""

from __future__ import annotations

import logging
import re
import time

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import ngettext

log = logging.getLogger("netvaerk.security")

# When the session was last used (seconds since the epoch); renewed at most every RENEW_AFTER.
LAST_SEEN_KEY = "_netvaerk_last_seen"
RENEW_AFTER = 60
REFUSED_STATUSES = {401, 403, 404, 429}
# Bounds what a log line repeats from the request, so a huge or odd username cannot flood the log.
MAX_LOGGED_LENGTH = 150


# A calendar feed's address is its only credential: a log line names the route, never the secret,
# also for a wrong or renewed one (which may differ from a live one by a typo).
_FEED_SECRET = re.compile(r"(/kalender/)[^/]+(\.ics)$")


def _clip(value) -> str:
    text = _FEED_SECRET.sub(r"\1…\2", str(value or ""))
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text[:MAX_LOGGED_LENGTH]


def client_ip(request) -> str:
    """The address django-axes counts attempts by (REMOTE_ADDR unless configured otherwise)."""
    try:
        return _clip(get_client_ip_address(request))
    except Exception:  # noqa: BLE001 - a log line must never break the request it describes
        return _clip(request.META.get("REMOTE_ADDR"))


def _username(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return _clip(user.get_username())
    return "-"


class LoginAttemptBackend(AxesStandaloneBackend):
    """django-axes' check of locked-out logins, for logins over HTTP.

    Every login form and the API's token view pass the request; `authenticate()` without one is
    a shell or a test, with no client to count attempts from, so it is let through to the next
    backend instead of failing as django-axes' own backend does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def attempt_username(request, credentials=None) -> str | None:
    """The username django-axes counts attempts by: as typed, cut to its column's 255 characters.

    An API client can send any string as the username; uncut, a long one would not fit the
    attempts table on PostgreSQL and the login would fail with a server error instead of a 400.
    """
    if credentials:
        username = credentials.get("username")
    else:
        data = getattr(request, "data", None) or request.POST
        username = data.get("username") if hasattr(data, "get") else None
    if username is None:
        return None
    return str(username).replace("\x00", "")[:255]


def lockout_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Log ind er midlertidigt spærret efter for mange forkerte forsøg. Prøv igen om %(minutes)d minut.",
        "Log ind er midlertidigt spærret efter for mange forkerte forsøg. Prøv igen om %(minutes)d minutter.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login on the pages: the login page with a Danish message.

    The same page for every username, known or not, so the lockout tells nobody who has an account.
    """
    response = render(
        request, settings.AXES_LOCKOUT_TEMPLATE, {"lockout_minutes": lockout_minutes()}, status=429
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class IdleSessionMiddleware:
    """Ends a session that has been idle for longer than SESSION_IDLE_MINUTES.

    SESSION_COOKIE_AGE is the idle timeout; using the site renews the session's expiry (cookie
    and database row) at most once a minute, rather than writing the session on every request
    as SESSION_SAVE_EVERY_REQUEST would.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_COOKIE_AGE:
                log.info(
                    "session ended after idling user=%s ip=%s path=%s",
                    _username(request),
                    client_ip(request),
                    _clip(request.path),
                )
                logout(request)
            elif not isinstance(last_seen, int) or now - last_seen >= RENEW_AFTER:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class RefusalLogMiddleware:
    """Logs every refused request: not logged in (API), no access, not found, locked out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED_STATUSES:
            log.warning(
                "refused status=%s user=%s ip=%s method=%s path=%s",
                response.status_code,
                _username(request),
                client_ip(request),
                request.method,
                _clip(request.path),
            )
        return response


@receiver(user_logged_in)
def _start_idle_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


@receiver(user_login_failed)
def _log_failed_login(sender, credentials, request=None, **kwargs):
    # `credentials` has the password already masked by Django; only the username is logged.
    if request is None:
        return
    log.warning(
        "login failed user=%s ip=%s path=%s",
        _clip(credentials.get("username")),
        client_ip(request),
        _clip(getattr(request, "path", "")),
    )


@receiver(user_locked_out)
def _log_lockout(sender, request, username, ip_address, **kwargs):
    log.warning(
        "login locked out user=%s ip=%s path=%s",
        _clip(username),
        _clip(ip_address),
        _clip(getattr(request, "path", "")),
    )
