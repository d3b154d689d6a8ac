"""What the security and reliability tests share besides their fixtures: the walk over every URL
pattern, the address each takes with the `world`'s rows filled in, the table of what each role may
get from each route, a CSRF-enforcing client per role, a watch on writes, the row counts that show
nothing was saved, and one repeatable fuzz setting.

The fixtures (the personas, the `world` they aim at) are in tests/security/conftest.py.
"""

import re

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings


def routes_and_views(patterns=None, prefix=""):
    """Every URL pattern of the project as (route, view callback), includes flattened."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes_and_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def row_counts() -> dict[str, int]:
    """Rows per table the app, its users and its admin log write: equal before and after = nothing saved."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ("networks", "auth", "authtoken")
        or model._meta.db_table == "django_admin_log"
    }


def fuzz_settings(examples: int) -> hypothesis_settings:
    """The same, repeatable fuzzing for forms and the API: fixed examples, no deadline, no example
    database (the suite runs in fresh clones)."""
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
        derandomize=True,
        database=None,
    )


# Who the matrix asks, in the order its table lists them.
ROLES = ("anonymous", "leader", "other_leader", "direktoer", "administrator", "deactivated")
# A CSRF secret the client sends both as the cookie and in the form (or the X-CSRFToken header).
CSRF_TOKEN = "a" * 32


# --- Routes -----------------------------------------------------------------------------------------


def is_admin(route: str) -> bool:
    return route.startswith("admin/")


def is_api(route: str) -> bool:
    return route.startswith("api/")


# --- The expected table -----------------------------------------------------------------------------
#
# One row per route: the outcome for each role, in the order of ROLES:
#   anonymous, the network's leader, another leader, Direktørforum, administrator, deactivated.
# "login" is a redirect to the login page; 302 any other redirect; numbers are status codes.


def row(text: str) -> tuple:
    values = tuple(value if not value.isdigit() else int(value) for value in text.split())
    assert len(values) == len(ROLES), text
    return values


LOGIN = "login"
# The method is checked before anything else, so a wrong method tells nobody whether a row exists.
EVERYONE_200 = row("200 200 200 200 200 200")
EVERYONE_405 = row("405 405 405 405 405 405")
# Any logged-in user; anonymous to the login page.
LOGGED_IN = row("login 200 200 200 200 login")
# The leader's network: the leader and those who may see it; the other leader 404.
SEE_NETWORK = row("login 200 404 200 200 login")
# Changing the network's content: only its leader; who may see it gets 403, others 404.
LEADER_ONLY = row("login 200 404 403 403 login")
LEADER_ONLY_POST_REDIRECT = row("login 302 404 403 403 login")
API_GET = row("401 200 404 200 200 401")
API_NO_POST = row("401 405 405 405 405 401")
PAGE_NO_POST = row("login 405 405 405 405 login")

EXPECTED: dict[str, tuple[tuple, tuple]] = {
    # route: (GET, POST)
    "healthz": (EVERYONE_200, EVERYONE_405),
    "accounts/login/": (EVERYONE_200, EVERYONE_200),
    # Logging out takes a POST, and lands on the login page.
    "accounts/logout/": (row("login 405 405 405 405 login"), row("login login login login login login")),
    # Log ind med Albertslund Kommune: not found unless a provider is configured (tests/test_sign_on.py
    # covers it configured).
    "accounts/kommune/": (row("404 404 404 404 404 404"), EVERYONE_405),
    "accounts/kommune/retur/": (row("404 404 404 404 404 404"), EVERYONE_405),
    "privatliv/": (EVERYONE_200, EVERYONE_405),
    "tilgaengelighed/": (EVERYONE_200, EVERYONE_405),
    "sprog/": (row("302 302 302 302 302 302"), row("302 302 302 302 302 302")),
    # Personal data: administrators only.
    "admin-vaerktoejer/persondata/": (row("login 403 403 403 200 login"), row("login 403 403 403 200 login")),
    "admin-vaerktoejer/persondata/udtraek/": (
        row("login 405 405 405 405 login"),
        row("login 403 403 403 400 login"),
    ),
    "admin-vaerktoejer/persondata/anonymiser/": (
        row("login 405 405 405 405 login"),
        row("login 403 403 403 400 login"),
    ),
    # The signed-in user's own API token: anyone logged in, about themselves; revoking redirects back.
    "konto/api-token/": (LOGGED_IN, row("login 302 302 302 302 login")),
    # The user's own calendar page: anyone logged in, about themselves; renewing redirects back.
    "kalender/": (LOGGED_IN, row("login 302 302 302 302 login")),
    # The feed is reached by its secret alone, no session: an unknown secret is 404 for everyone.
    "^kalender/(?P<secret>[A-Za-z0-9_-]{43})\\.ics$": (row("404 404 404 404 404 404"), EVERYONE_405),
    # The API: 401 without a login; someone else's network 404; a role that may not 403.
    "api/v1/auth/token/": (EVERYONE_405, row("400 400 400 400 400 400")),
    # Registering: leaders and administrators; Direktørforum may not.
    "api/v1/networks/": (row("401 200 200 200 200 401"), row("401 201 201 403 201 401")),
    "api/v1/networks/<api_id:pk>/": (API_GET, API_NO_POST),
    # Starting the approved network: its leader only.
    "api/v1/networks/<api_id:pk>/transitions/": (API_NO_POST, row("401 200 404 403 403 401")),
    "api/v1/networks/<api_id:pk>/participants/": (API_GET, row("401 201 404 403 403 401")),
    "api/v1/networks/<api_id:pk>/meetings/": (API_GET, row("401 201 404 403 403 401")),
    "api/v1/networks/<api_id:pk>/decisions/": (API_GET, API_NO_POST),
    "api/v1/networks/<api_id:pk>/history/": (API_GET, API_NO_POST),
    # Change requests: the world's network has one waiting, so its leader's second is refused (409);
    # only Direktørforum decides.
    "api/v1/networks/<api_id:pk>/change-requests/": (API_GET, row("401 409 404 403 403 401")),
    "api/v1/networks/<api_id:pk>/change-requests/<api_id:change_request_pk>/decision/": (
        API_NO_POST,
        row("401 403 404 200 403 401"),
    ),
    # Answering a follow-up: its leader only (not yet due: 409); who may see it 403.
    "api/v1/networks/<api_id:pk>/follow-ups/<api_id:follow_up_id>/answer/": (
        API_NO_POST,
        row("401 409 404 403 403 401"),
    ),
    "api/v1/participants/<api_id:pk>/": (API_GET, API_NO_POST),
    "api/v1/meetings/<api_id:pk>/": (API_GET, API_NO_POST),
    # The report's figures: administrators only, read-only.
    "api/v1/reports/summary/": (row("401 403 403 403 200 401"), API_NO_POST),
    # The schema and its page are public (they describe the API, not its data).
    "api/v1/schema/": (EVERYONE_200, EVERYONE_405),
    "api/v1/docs/": (EVERYONE_200, EVERYONE_405),
    "api/v1/^[\\s\\S]*$": (row("404 404 404 404 404 404"), row("404 404 404 404 404 404")),
    # Direktørforum's workspace: members and administrators; only members decide.
    "direktoerforum/": (row("login 403 403 200 200 login"), row("login 405 405 405 405 login")),
    "direktoerforum/sag/<int:pk>/": (row("login 403 403 200 200 login"), row("login 403 403 200 403 login")),
    # A POST without a choice comes back with the form's error.
    "direktoerforum/aendringsanmodning/<int:pk>/": (
        row("login 403 403 200 200 login"),
        row("login 403 403 200 403 login"),
    ),
    # No case chosen: back to the dashboard with a message.
    "direktoerforum/dagsorden/": (row("login 403 403 302 302 login"), row("login 405 405 405 405 login")),
    # The same agenda as a PDF: the same access and the same redirect without a case.
    "direktoerforum/dagsorden.pdf": (row("login 403 403 302 302 login"), row("login 405 405 405 405 login")),
    # Reports: administrators only.
    "rapporter/": (row("login 403 403 403 200 login"), row("login 405 405 405 405 login")),
    **{
        f"rapporter/{name}": (row("login 403 403 403 200 login"), row("login 405 405 405 405 login"))
        for name in (
            "netvaerk.csv",
            "netvaerk.xlsx",
            "deltagere.csv",
            "deltagere.xlsx",
            "moeder.csv",
            "moeder.xlsx",
        )
    },
    # The leaders' pages.
    "": (LOGGED_IN, row("login 405 405 405 405 login")),
    "netvaerk/": (LOGGED_IN, row("login 405 405 405 405 login")),
    "netvaerk/guide/": (LOGGED_IN, row("login 405 405 405 405 login")),
    # Registering: leaders and administrators (who may register on someone's behalf).
    "netvaerk/ny/": (row("login 200 200 403 200 login"), row("login 200 200 403 200 login")),
    "netvaerk/<int:pk>/": (SEE_NETWORK, PAGE_NO_POST),
    # The audit trail: the leader's and the administrators' only; Direktørforum sees the network,
    # not who changed what in it.
    "netvaerk/<int:pk>/historik/": (row("login 200 404 404 200 login"), PAGE_NO_POST),
    "netvaerk/<int:pk>/rediger/": (LEADER_ONLY, LEADER_ONLY),
    # Another type: the approved network's page says only a draft may; a POST without a choice
    # comes back with the form's error.
    "netvaerk/<int:pk>/type/": (LEADER_ONLY, LEADER_ONLY),
    "netvaerk/<int:pk>/kalender.ics": (SEE_NETWORK, PAGE_NO_POST),
    "netvaerk/<int:pk>/indstil/": (PAGE_NO_POST, LEADER_ONLY_POST_REDIRECT),
    "netvaerk/<int:pk>/start/": (PAGE_NO_POST, LEADER_ONLY_POST_REDIRECT),
    # An approved network cannot be concluded: back to its page with the reason.
    "netvaerk/<int:pk>/afslut/": (row("login 302 404 403 403 login"), LEADER_ONLY_POST_REDIRECT),
    "netvaerk/<int:pk>/annuller/": (LEADER_ONLY, LEADER_ONLY),
    # Deleting: the approved network's page says to cancel instead; a POST is refused with the
    # reason, back on the network's page.
    "netvaerk/<int:pk>/slet/": (LEADER_ONLY, LEADER_ONLY_POST_REDIRECT),
    # A change request already waits: back to the network's page with the reason.
    "netvaerk/<int:pk>/aendringsanmodning/": (
        row("login 302 404 403 403 login"),
        row("login 302 404 403 403 login"),
    ),
    "netvaerk/<int:pk>/deltagere/ny/": (LEADER_ONLY, LEADER_ONLY),
    "netvaerk/<int:pk>/deltagere/import/": (LEADER_ONLY, LEADER_ONLY),
    "netvaerk/<int:pk>/deltagere/<int:participant_pk>/rediger/": (LEADER_ONLY, LEADER_ONLY),
    "netvaerk/<int:pk>/deltagere/<int:participant_pk>/udtraadt/": (
        PAGE_NO_POST,
        LEADER_ONLY_POST_REDIRECT,
    ),
    "netvaerk/<int:pk>/moeder/ny/": (LEADER_ONLY, LEADER_ONLY),
    "netvaerk/<int:pk>/moeder/planlaeg/": (LEADER_ONLY, LEADER_ONLY),
    "netvaerk/<int:pk>/moeder/<int:meeting_pk>/": (SEE_NETWORK, PAGE_NO_POST),
    # A follow-up: read by who may see the network; answered by its leader (not yet due: back
    # to the page with the reason).
    "netvaerk/<int:pk>/opfoelgning/<int:follow_up_pk>/": (SEE_NETWORK, LEADER_ONLY_POST_REDIRECT),
    "netvaerk/<int:pk>/moeder/<int:meeting_pk>/rediger/": (LEADER_ONLY, LEADER_ONLY),
    # Empty minutes are valid: saved, back to the meeting.
    "netvaerk/<int:pk>/moeder/<int:meeting_pk>/referat/": (LEADER_ONLY, LEADER_ONLY_POST_REDIRECT),
    "netvaerk/<int:pk>/moeder/<int:meeting_pk>/afholdt/": (
        PAGE_NO_POST,
        LEADER_ONLY_POST_REDIRECT,
    ),
    "netvaerk/<int:pk>/moeder/<int:meeting_pk>/aflys/": (
        PAGE_NO_POST,
        LEADER_ONLY_POST_REDIRECT,
    ),
    "netvaerk/<int:pk>/moeder/<int:meeting_pk>/kalender.ics": (
        SEE_NETWORK,
        PAGE_NO_POST,
    ),
}


# --- Filling in the URL ---------------------------------------------------------------------------


def _admin_model(route: str):
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if not match:
        return None
    try:
        return apps.get_model(match.group(1), match.group(2))
    except LookupError:
        return None


def url_for(route: str, world) -> str:
    network, participant, meeting = world["network"], world["participant"], world["meeting"]
    if route == "api/v1/^[\\s\\S]*$":
        return "/api/v1/ukendt/"
    if route.startswith("^kalender/"):
        return "/kalender/" + "A" * 43 + ".ics"
    if route.startswith("api/v1/participants/"):
        pk = participant.pk
    elif route.startswith("api/v1/meetings/"):
        pk = meeting.pk
    elif route.startswith("direktoerforum/aendringsanmodning/"):
        pk = world["change_request"].pk
    else:
        pk = network.pk
    follow_up = world["follow_up"].pk
    values = {
        "pk": pk,
        "participant_pk": participant.pk,
        "meeting_pk": meeting.pk,
        "change_request_pk": world["change_request"].pk,
        "follow_up_pk": follow_up,
        "follow_up_id": follow_up,
    }
    if is_admin(route):
        model = _admin_model(route)
        if model is not None and model._meta.proxy:
            model = model._meta.concrete_model
        obj = model._base_manager.order_by("pk").first() if model is not None else None
        object_id = obj.pk if obj is not None else 999_999
        history = getattr(model, "history", None) if model is not None else None
        history_id = 999_999
        if obj is not None and history is not None and hasattr(history, "model"):
            first = history.model.objects.filter(id=obj.pk).order_by("history_id").first()
            history_id = first.history_id if first else history_id
        values.update(object_id=object_id, id=object_id, app_label="networks", url="ukendt/")
        if route.startswith("admin/r/"):
            # "View on site": the network's content type and the network.
            values.update(content_type_id=ContentType.objects.get_for_model(network).pk, object_id=network.pk)
        route = route.replace("^([^/]+)/history/([^/]+)/$", f"{object_id}/history/{history_id}/")
    # Regular-expression groups first: "(?P<name>...)" also looks like a path converter "<name>".
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), url)
    return "/" + url.replace("^", "").replace("$", "")


# --- Clients and writes -----------------------------------------------------------------------------


def client_as(world, role: str, *, csrf: bool = True) -> Client:
    """A client that enforces CSRF like a browser, logged in as `role`, with a CSRF cookie if asked."""
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        client.force_login(world["users"][role])
    if csrf:
        client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
    return client


class WriteWatch:
    """Records every statement that would change the database while it is active."""

    WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "TRUNCATE")

    def __init__(self):
        self.writes: list[str] = []
        # A database cache (settings.CACHES) is a cache, not the app's data.
        self.ignored = [
            cache["LOCATION"]
            for cache in settings.CACHES.values()
            if cache["BACKEND"].endswith("DatabaseCache")
        ]

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(self.WRITES) and not any(
            f'"{table}"' in sql or f" {table} " in sql for table in self.ignored
        ):
            self.writes.append(sql[:200])
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)
