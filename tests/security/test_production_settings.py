"""Production settings (DEBUG=0, HTTPS_ONLY=1): Django's deployment check, the security headers,
the Content-Security-Policy (also on the admin and the API docs page), the cookies, the idle
session timeout and the Danish error pages that say nothing about what went wrong."""

import datetime
import os
import re
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, override_settings
from django.urls import include, path

# A secret of the length and variety the deployment check asks for (test-only).
STRONG_SECRET = "k8#Vq2!mZr5$Lw9^Tx3&Pn7*Hd4@Jb6(Yc1)Fg0-Ss8+Ee2=Uu5~Oo3|Ii7?Aa9"
PRODUCTION = {
    "DEBUG": "0",
    "HTTPS_ONLY": "1",
    "SECRET_KEY": STRONG_SECRET,
    "ALLOWED_HOSTS": "netvaerk.albertslund.dk",
    "CSRF_TRUSTED_ORIGINS": "https://netvaerk.albertslund.dk",
    "SITE_URL": "https://netvaerk.albertslund.dk",
}


def run_with(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "HTTPS_ONLY"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], env=clean, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120
    )


def production_setting(name: str, **env) -> str:
    snippet = f"import netvaerk_site.settings as s; print(repr(getattr(s, {name!r}, None)))"
    result = run_with({**PRODUCTION, **env}, "-c", snippet)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# --- Django's deployment check ----------------------------------------------------------------------


def test_the_deployment_check_passes_with_no_warning_in_production():
    result = run_with(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deployment_check_fails_when_https_is_turned_off():
    # Proof that the check above can fail: without HTTPS the deployment check warns.
    result = run_with(
        {**PRODUCTION, "HTTPS_ONLY": "0"}, "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("site_url", "problem"),
    [
        (None, "SITE_URL is not set"),
        ("http://127.0.0.1:8000", "SITE_URL points at this machine"),
        ("http://localhost:8000", "SITE_URL points at this machine"),
        ("http://[::1]:8000", "SITE_URL points at this machine"),
    ],
)
def test_the_deployment_check_fails_without_a_public_site_url(site_url, problem):
    env = {**PRODUCTION, "SITE_URL": site_url or ""}
    result = run_with(env, "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert "netvaerk.E001" in result.stderr and problem in result.stderr
    # At normal start-up it is a warning: the app runs, and says why its links will not work.
    startup = run_with(env, "manage.py", "check")
    assert startup.returncode == 0
    assert "netvaerk.W001" in startup.stderr + startup.stdout


# --- Settings in production ---------------------------------------------------------------------------


def test_hsts_lasts_at_least_a_year_with_subdomains_and_preload():
    assert int(production_setting("SECURE_HSTS_SECONDS")) >= 365 * 24 * 3600
    assert production_setting("SECURE_HSTS_INCLUDE_SUBDOMAINS") == "True"
    assert production_setting("SECURE_HSTS_PRELOAD") == "True"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SESSION_COOKIE_SECURE", "True"),
        ("SESSION_COOKIE_HTTPONLY", "True"),
        ("SESSION_COOKIE_SAMESITE", "'Lax'"),
        ("CSRF_COOKIE_SECURE", "True"),
        ("CSRF_COOKIE_HTTPONLY", "True"),
        ("CSRF_COOKIE_SAMESITE", "'Lax'"),
        ("SECURE_SSL_REDIRECT", "True"),
        ("SECURE_CONTENT_TYPE_NOSNIFF", "True"),
        ("SECURE_REFERRER_POLICY", "'same-origin'"),
        ("X_FRAME_OPTIONS", "'DENY'"),
    ],
)
def test_production_cookies_and_headers_are_hardened(name, value):
    assert production_setting(name) == value


def test_the_idle_timeout_comes_from_the_environment():
    assert production_setting("SESSION_COOKIE_AGE") == str(30 * 60)
    assert production_setting("SESSION_COOKIE_AGE", SESSION_IDLE_MINUTES="10") == str(10 * 60)


def test_login_protection_comes_from_the_environment():
    assert production_setting("AXES_FAILURE_LIMIT") == "5"
    assert production_setting("AXES_FAILURE_LIMIT", LOGIN_FAILURE_LIMIT="3") == "3"
    assert (
        production_setting("AXES_COOLOFF_TIME", LOGIN_LOCKOUT_MINUTES="30")
        == "datetime.timedelta(seconds=1800)"
    )


# --- Headers on every answer -----------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("url", ["/accounts/login/", "/privatliv/", "/api/v1/schema/", "/healthz"])
def test_every_answer_has_the_security_headers(client, db, url):
    response = client.get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    directives = csp_directives(response)
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]


def test_a_page_without_inline_scripts_gets_no_nonce(client, db):
    directives = csp_directives(client.get("/accounts/login/"))
    assert directives["script-src"] == ["'self'"]


def _scripts_allowed_by(page: str, directives: dict, *, style_attributes: bool = True) -> list[str]:
    """The page's scripts and inline styles the policy would block (empty when all may run)."""
    nonces = {
        value[len("'nonce-") : -1]
        for value in directives.get("script-src", [])
        if value.startswith("'nonce-")
    }
    style_nonces = {
        value[len("'nonce-") : -1] for value in directives.get("style-src", []) if value.startswith("'nonce-")
    }
    blocked = []
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.DOTALL):
        src = re.search(r'src="([^"]+)"', attributes)
        if src:
            if not src.group(1).startswith("/") or src.group(1).startswith("//"):
                blocked.append(f"script from another origin: {src.group(1)}")
            continue
        if 'type="application/json"' in attributes:
            continue  # data, never executed
        nonce = re.search(r'nonce="([^"]+)"', attributes)
        if body.strip() and (nonce is None or nonce.group(1) not in nonces):
            blocked.append(f"inline script without the nonce: {body.strip()[:60]}")
    for attributes in re.findall(r"<style([^>]*)>", page):
        nonce = re.search(r'nonce="([^"]+)"', attributes)
        if nonce is None or nonce.group(1) not in style_nonces:
            blocked.append("inline style without the nonce")
    if re.search(r"\son[a-z]+=", page):
        blocked.append("inline event handler")
    if style_attributes and re.search(r'\sstyle="', page):
        blocked.append("style attribute")
    return blocked


def test_the_api_docs_page_runs_under_the_policy(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    directives = csp_directives(response)
    assert _scripts_allowed_by(page, directives) == []
    # The start-up script is inline, with the nonce; the nonce changes with every request.
    assert re.search(r'<script nonce="[^"]+">\s*"use strict";', page)
    assert csp_directives(client.get("/api/v1/docs/"))["script-src"] != directives["script-src"]
    # And the files it loads are the app's own static files.
    loaded = re.findall(r'<(?:script|link)[^>]+(?:src|href)="/static/([^"]+)"', page)
    assert len(loaded) == 4
    for name in loaded:
        assert finders.find(name), name


def test_the_check_of_the_docs_page_would_catch_a_script_without_the_nonce():
    directives = {"script-src": ["'self'", "'nonce-abc'"], "style-src": ["'self'"]}
    assert _scripts_allowed_by('<script nonce="abc">go()</script>', directives) == []
    assert _scripts_allowed_by("<script>go()</script>", directives) != []
    assert _scripts_allowed_by('<script src="https://cdn.example/x.js"></script>', directives) != []
    assert _scripts_allowed_by('<p style="color:red">', directives) != []


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/networks/network/",
        "/admin/networks/network/{pk}/change/",
        "/admin/networks/network/{pk}/history/",
        "/admin/auth/user/add/",
    ],
)
def test_the_admin_runs_under_the_policy(admin_client, draft_welfare, url):
    response = admin_client.get(url.format(pk=draft_welfare.pk))
    assert response.status_code == 200
    # Every script runs. One style attribute is blocked, on purpose: django-simple-history's history
    # list sets `style="border-top: 0"` on its paginator, a line the policy leaves out.
    page = response.content.decode()
    assert _scripts_allowed_by(page, csp_directives(response), style_attributes=False) == []
    assert re.findall(r'\sstyle="([^"]*)"', page) in ([], ["border-top: 0"])


# --- The idle timeout ------------------------------------------------------------------------------


def test_a_session_idle_longer_than_the_timeout_is_logged_out(client, leader):
    start = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(leader)
        assert client.get("/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1))
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_using_the_site_keeps_the_session_alive(client, leader):
    start = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)
    step = datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES * 2 // 3)
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(leader)
        for _ in range(4):  # 4 × 20 minutes: far past the timeout in all, never idle for 30
            traveller.shift(step)
            assert client.get("/").status_code == 200


@override_settings(SESSION_IDLE_MINUTES=1, SESSION_COOKIE_AGE=60)
def test_the_idle_check_holds_even_if_the_session_row_outlives_it(client, leader):
    # A session store that kept the row (say, a longer SESSION_COOKIE_AGE elsewhere) still ends
    # the session: the middleware compares the last request's time itself.
    from networks.security import LAST_SEEN_KEY

    client.force_login(leader)
    session = client.session
    session[LAST_SEEN_KEY] = session[LAST_SEEN_KEY] - 3600
    session.set_expiry(24 * 3600)
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- Error pages -------------------------------------------------------------------------------------


def _boom(request):
    raise RuntimeError("hemmelig detalje: postgres://netvaerk:kode@db/netvaerk")


def _refused(request):
    raise PermissionDenied


def _missing(request):
    raise Http404("intern detalje om netværk 42")


urlpatterns = [
    path("test-fejl/500/", _boom),
    path("test-fejl/403/", _refused),
    path("test-fejl/404/", _missing),
    path("", include("netvaerk_site.urls")),
]
LEAKS = (
    "Traceback",
    "hemmelig",
    "postgres://",
    "intern detalje",
    "netvaerk_site",
    "SECRET",
    "DEBUG",
    "/work/",
)


@pytest.fixture
def error_client(db, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("code", "heading"),
    [
        (500, "Der opstod en fejl"),
        (403, "Du har ikke adgang til denne side"),
        (404, "Siden findes ikke"),
    ],
)
def test_error_pages_are_danish_and_leak_nothing(error_client, leader, code, heading):
    error_client.force_login(leader)
    response = error_client.get(f"/test-fejl/{code}/")
    assert response.status_code == code
    page = response.content.decode()
    assert '<html lang="da">' in page
    assert heading in page
    for leak in LEAKS:
        assert leak not in page, leak


def test_the_500_page_renders_without_a_request_or_a_database(settings):
    # Django renders 500.html with no context at all; the database may be what failed.
    from django.template import loader

    page = loader.get_template("500.html").render()
    assert "Der opstod en fejl" in page
    assert "Gå til forsiden" in page


def test_an_unknown_address_gets_the_danish_404_page(client, leader):
    client.force_login(leader)
    response = client.get("/findes-ikke/<script>alert(1)</script>/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Siden findes ikke" in page
    assert "<script>" not in page


def test_a_refused_csrf_check_gets_a_danish_page(db, leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    response = client.post("/netvaerk/ny/?type=welfare", {"title": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formularen kunne ikke sendes" in page
    assert "CSRF" not in page
