"""Configuration comes from the environment, with safe defaults and no production secret."""

import os
import subprocess
import sys

from django.conf import settings

SNIPPET = (
    "import netvaerk_site.settings as s; "
    "print(s.DEBUG, getattr(s, 'SECURE_SSL_REDIRECT', False), getattr(s, 'SESSION_COOKIE_SECURE', False), "
    "s.DATABASES['default']['ENGINE'], s.EMAIL_BACKEND, s.LANGUAGE_CODE, s.TIME_ZONE)"
)


def load_settings(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "HTTPS_ONLY", "DATABASE_URL", "EMAIL_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", SNIPPET], env=clean, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def test_secret_key_is_required_when_debug_is_off():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_debug_runs_without_a_secret_on_sqlite_with_the_console_mail_backend():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    debug, redirect, secure_cookie, engine, email, language, zone = result.stdout.split()
    assert (debug, redirect) == ("True", "False")
    assert engine == "django.db.backends.sqlite3"
    assert email == "django.core.mail.backends.console.EmailBackend"
    assert (language, zone) == ("da", "Europe/Copenhagen")


def test_https_is_enforced_by_default_when_debug_is_off():
    result = load_settings(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == ["False", "True", "True"]


def test_https_only_can_be_turned_off_for_plain_http_on_loopback():
    result = load_settings(SECRET_KEY="x" * 50, HTTPS_ONLY="0")
    assert result.stdout.split()[:3] == ["False", "False", "False"]


def test_database_and_email_come_from_urls():
    result = load_settings(
        DEBUG="1",
        DATABASE_URL="postgres://u:p@db.example:5432/netvaerk",
        EMAIL_URL="submission://user:pw@mail.example:587",
    )
    assert result.returncode == 0, result.stderr
    parts = result.stdout.split()
    assert parts[3] == "django.db.backends.postgresql"
    assert parts[4] == "django.core.mail.backends.smtp.EmailBackend"


def test_an_unknown_email_scheme_is_refused_with_a_clear_message():
    result = load_settings(DEBUG="1", EMAIL_URL="smtp+tls://user:pw@mail.example:587")
    assert result.returncode != 0
    assert "EMAIL_URL has an unknown scheme" in result.stderr
