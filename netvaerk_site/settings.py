"""Settings for Netværk, read from the environment.

Every value a deployment changes comes from an environment variable; the defaults are the safe
ones for a developer's machine. Nothing secret has a default once DEBUG is off.
"""

import datetime
import os
import urllib.parse
from pathlib import Path

import dj_database_url
import dj_email_url
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
    "django_tasks",
    "django_tasks_db",
    "mozilla_django_oidc",
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
    "networks.sign_on.LocalPasswordBackend",
]

# --- Single sign-on ---------------------------------------------------------------------------
# Log ind med Albertslund Kommune: OpenID Connect (Microsoft Entra ID, or a broker in front of the
# municipal access control) through mozilla-django-oidc and networks.sign_on. On when
# OIDC_DISCOVERY_URL is set; see docs/drift.md "Single sign-on".
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for the provider's logout (id_token_hint)
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
OIDC_CLOCK_SKEW_SECONDS = 60
OIDC_AUTHENTICATION_CALLBACK_URL = "sign_on_callback"
# The claim that carries a person's roles, and which of its values give which of the app's groups:
# OIDC_ROLE_MAP=netvaerksleder=Netværksledere,direktoerforum=Direktørforum,admin=Administratorer
OIDC_ROLES_CLAIM = os.environ.get("OIDC_ROLES_CLAIM", "roles")
OIDC_ROLE_MAP = dict(item.split("=", 1) for item in env_list("OIDC_ROLE_MAP", "") if "=" in item)
# Passwords kept by the app: off (LOCAL_LOGIN=0) where everyone signs in through the provider, but
# for the emergency accounts in LOCAL_LOGIN_USERS. The demo and development keep them.
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", True)
LOCAL_LOGIN_USERS = env_list("LOCAL_LOGIN_USERS", "")
if OIDC_DISCOVERY_URL:
    if not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET and OIDC_ROLE_MAP):
        raise ImproperlyConfigured(
            "OIDC_DISCOVERY_URL needs OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_ROLE_MAP as well."
        )
    AUTHENTICATION_BACKENDS.append("networks.sign_on.SignOnBackend")
# --- End of single sign-on -------------------------------------------------------------------------
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
# static/ holds the app's own files and Bootstrap's built stylesheet (static/bootstrap/, with its
# licence): no package to build at install time, nothing from a CDN.
STATICFILES_DIRS = [BASE_DIR / "static"]
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
    "DEFAULT_SCHEMA_CLASS": "networks.api.schema.AutoSchema",
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
    # Programs authenticate with a token; the session a signed-in browser also sends (the docs page)
    # is not a way to build an integration on, so the schema names the token only.
    "AUTHENTICATION_WHITELIST": ["networks.api.authentication.ExpiringTokenAuthentication"],
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
# SITE_URL: the address users open; links in emails and on the calendar page are built from it.
# `make run` sets it from PORT; with DEBUG off, `check --deploy` fails while it is unset or local
# (networks/checks.py).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
SITE_URL_FROM_ENVIRONMENT = bool(os.environ.get("SITE_URL"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "netvaerk@albertslund.dk")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -------------------------------------------------------------------------
# Email goes out from an outbox (networks.models.OutgoingEmail) through Django's Tasks API
# (the django-tasks backport; the same code runs on Django 6's built-in tasks). TASKS_BACKEND:
#   database  — django-tasks-db: the task is a row written in the same transaction as the change
#               that causes it; `python manage.py db_worker` (its own process, one or more) runs
#               it. The default when DEBUG is off.
#   immediate — the task runs in the web process when it is enqueued; the outbox enqueues it once
#               the transaction has committed (networks.tasks.enqueue_send). The default with
#               DEBUG on (`make run`, the tests), so no second process is needed.
# A failed send is retried after EMAIL_RETRY_MINUTES (the last delay repeats) until
# EMAIL_MAX_ATTEMPTS attempts; then it is marked failed and shown to administrators.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of: {', '.join(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS", "6"))
EMAIL_RETRY_MINUTES = [int(minutes) for minutes in env_list("EMAIL_RETRY_MINUTES", "1,5,15,60")]
if not EMAIL_RETRY_MINUTES or EMAIL_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        "EMAIL_RETRY_MINUTES needs at least one delay and EMAIL_MAX_ATTEMPTS at least 1."
    )
# --- End of background tasks --------------------------------------------------------------------

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

_provider = urllib.parse.urlsplit(OIDC_DISCOVERY_URL)
_provider_origin = f"{_provider.scheme}://{_provider.netloc}" if _provider.netloc else ""
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
        # Logging out can redirect the form's POST on to the provider's end-session endpoint.
        "form-action": [SELF, *([_provider_origin] if _provider_origin else [])],
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
# The audit trail ("Historik", /netvaerk/<id>/historik/) shows this many changes a page.
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
