"""Settings for Netværk, read from the environment.

Every value a deployment changes comes from an environment variable; the defaults are the safe
ones for a developer's machine. Nothing secret has a default once DEBUG is off.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
import dj_email_url
import xstatic.pkg.bootstrap
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "simple_history",
    "networks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "networks.middleware.DanishByDefaultMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every response to a signed-in user (session or API token) is kept out of every cache.
    "networks.middleware.PrivateResponsesMiddleware",
    # Logs out a session idle for longer than SESSION_IDLE_MINUTES; logs refused requests.
    "networks.security.IdleSessionMiddleware",
    "networks.security.RefusalLogMiddleware",
    # Every page needs a login unless its view is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The audit trail (simple_history) records the request's user as who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "netvaerk_site.urls"
WSGI_APPLICATION = "netvaerk_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "networks.context_processors.user_roles",
            ],
        },
    },
]

# SQLite under var/ is the embedded default; production points DATABASE_URL at PostgreSQL.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'netvaerk.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time; these make simultaneous writes queue for it instead of
    # answering "database is locked" (docs/drift.md). IMMEDIATE: every `transaction.atomic()`
    # takes the write lock at BEGIN, so a transaction never reads first and then fails to upgrade
    # to a writer; the services' `select_for_update()` is a no-op here, and this lock is what
    # serialises them. `timeout`: how long a writer waits for the lock (seconds). WAL: readers
    # never wait for the writer, nor it for them; synchronous=NORMAL is durable in WAL mode except
    # for the last commits before a power cut (ignored on the tests' in-memory database).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT spends ~0.5 s compiling the report's and the export's queries, longer than
    # they take to run (docs/PERFORMANCE.md); a web app's short queries gain nothing from it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Database connection pool
    # DATABASE_POOL=1: each process keeps a psycopg_pool of connections (Django's `pool` option)
    # instead of one persistent connection; it pays off with threaded workers (gunicorn gthread),
    # where a process serves several requests at once. Django requires CONN_MAX_AGE = 0 with it.
    if os.environ.get("DATABASE_POOL") == "1":
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX", "8")),
        }
    # End of database connection pool
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# One cache for every app server: a table in the same database (created by `migrate`), never one
# process's memory. It holds the report page's figures until something they count changes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "netvaerk_cache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "networks.security.LoginAttemptBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "networks:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Bootstrap comes from the XStatic-Bootstrap package, so the app needs no CDN on the closed network.
WHITENOISE_USE_FINDERS = DEBUG

# The JSON API (networks/api/): token or session authentication, the OpenAPI schema from
# drf-spectacular, its interactive page served from the sidecar's local files (no CDN).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token authentication with a lifetime (API_TOKEN_LIFETIME_DAYS below).
        "networks.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "networks.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PARSER_CLASSES": ["networks.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DomainError → 409, RoleRefused → 403, a model's ValidationError → 400.
    "EXCEPTION_HANDLER": "networks.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Netværk API",
    "DESCRIPTION": "Albertslund Kommunes netværk: netværk, deltagere, møder, beslutninger og overgange.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Requests and responses as separate components, so read-only fields never appear as input.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "NetworkStatusEnum": "networks.models.Status",
        "MeetingStatusEnum": "networks.models.MeetingStatus",
        "NetworkTypeEnum": "networks.models.NetworkTypeCode",
    },
    "PATH_CONVERTER_OVERRIDES": {"api_id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
}

# An API token is refused (and deleted) this many days after it was created; a password change or
# deactivation revokes it at once (networks.api.tokens).
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "30"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: the console backend by default, so messages show in the server log;
# EMAIL_URL (e.g. submission://user:password@mail.example:587 for SMTP with STARTTLS,
# smtps://… for SMTP over TLS) switches to real SMTP.
_email = dj_email_url.parse(os.environ.get("EMAIL_URL", "console:"))
if "EMAIL_BACKEND" not in _email:
    raise ImproperlyConfigured(
        f"EMAIL_URL has an unknown scheme; use one of: {', '.join(sorted(dj_email_url.SCHEMES))}."
    )
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# Links in emails point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "netvaerk@albertslund.dk")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# send_reminders: how many days before a welfare sprint ends its leader is reminded, and how long a
# case waits before it goes into Direktørforum's weekly digest.
REMINDER_SPRINT_ENDING_DAYS = int(os.environ.get("REMINDER_SPRINT_ENDING_DAYS", "3"))
REMINDER_CASE_WAITING_DAYS = int(os.environ.get("REMINDER_CASE_WAITING_DAYS", "14"))

# HTTPS hardening is on by default outside development; HTTPS_ONLY=0 allows plain HTTP on loopback.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The load balancer probes /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms carry the token, and the API docs page gets it rendered in.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Idle timeout: a session unused for this long is over (networks.security.IdleSessionMiddleware
# renews it at most once a minute while in use, instead of a database write on every request).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# Content-Security-Policy (django-csp 4): only the app's own files. No inline script runs unless it
# carries the request's nonce (the API docs page's start-up script is the only one).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # Bootstrap draws its form controls' icons as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# Login protection (django-axes): after LOGIN_FAILURE_LIMIT failed attempts for one username from
# one address, that pair is locked for LOGIN_LOCKOUT_MINUTES, on the pages and the API token alike.
# The attempts are rows in the database, so every app server sees the same lockout.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# Username and address together: a wrong password for one person never locks out a colleague
# behind the same proxy, and nobody can lock a user out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Attempts during the lockout do not prolong it; the period is what the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_LOCKOUT_CALLABLE = "networks.security.lockout_response"
AXES_USERNAME_CALLABLE = "networks.security.attempt_username"
# The client's address is REMOTE_ADDR unless the deployment names the header its own proxy sets
# (e.g. HTTP_X_FORWARDED_FOR): a header the client can set itself must never decide the lockout.
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(env_list("LOGIN_CLIENT_IP_HEADERS", "REMOTE_ADDR"))
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("LOGIN_PROXY_COUNT") or 0) or None
# Axes' own log lines are replaced by the netvaerk.security logger's (networks.security).
AXES_VERBOSE = False

# GDPR: participants of a network concluded or cancelled this many months ago are anonymised by
# `manage.py apply_retention` (run daily); the privacy notice states the same period.
PARTICIPANT_RETENTION_MONTHS = int(os.environ.get("PARTICIPANT_RETENTION_MONTHS", "24"))
# The audit trail ("Historik") on a network's page shows this many latest changes.
AUDIT_HISTORY_ROWS = 25
# The admin shows each object's history but never reverts to an old version: that would change
# status and content behind the services' and the rules' back.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Failed logins, lockouts and refused requests: who (username), from where (IP), what (path).
        # Never a password. Its own name, so a deployment can route it to the security log.
        "netvaerk.security": {"level": os.environ.get("SECURITY_LOG_LEVEL", "INFO")},
        # django-axes reports every attempt at INFO, with the username masked; ours says it better.
        "axes": {"level": "WARNING"},
    },
}
