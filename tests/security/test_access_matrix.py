"""The access matrix: every URL pattern the resolver knows × every role × GET and POST, against the
expected outcome kept in one table.

The routes come from the resolver, not from a list, so a new page cannot escape: a route with no
row in the table (`EXPECTED` in tests/security/support.py, which the form fuzzing reads too) fails
`test_every_route_has_a_row_in_the_table`. URL parameters are filled with
real rows (the leader's network, its participant and meeting). The rules the table follows:

- anonymous (and a deactivated user, whose session no longer counts) → the login page for pages,
  401 for the API;
- someone else's network → 404, so nobody learns it exists;
- a role that may see the network but not change it → 403;
- every POST is sent with a valid CSRF token (a POST without one is refused in its own test);
- no GET writes to the database: every statement is watched, and the whole database is compared
  before and after.

The admin (/admin/...) is one group with its own rules: staff only, everyone else to its login.
Each request runs in a savepoint that is rolled back, so one role's POST never changes what the
next role sees.
"""

from __future__ import annotations

import json
from functools import cache
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client

from tests.security import figures
from tests.security.support import (
    CSRF_TOKEN,
    EXPECTED,
    LOGIN,
    ROLES,
    WriteWatch,
    client_as,
    is_admin,
    is_api,
    routes_and_views,
    url_for,
)

# --- The routes -----------------------------------------------------------------------------------


@cache
def all_routes() -> tuple[str, ...]:
    return tuple(route for route, _view in routes_and_views())


# What an admin route answers; the admin's own login, logout and translations are open to all.
ADMIN_PUBLIC = {"admin/login/", "admin/logout/", "admin/jsi18n/"}


def admin_expected(route: str, role: str, method: str):
    """Staff only. Without a login (or with a deactivated one) → a login page; a logged-in user who
    is not staff → the admin's login. The administrator gets the page, a redirect inside the admin,
    403 where the admin refuses (adding networks, reverting history, models the role has no
    permission for) or 404 where no such row exists; never a login page."""
    if route in ADMIN_PUBLIC:
        return None
    if role in ("anonymous", "deactivated"):
        return {LOGIN, "admin-login"}
    if role == "administrator":
        if "/history/([^/]+)/" in route and method == "POST":
            # An old version may be looked at, never restored (networks/admin.py HistoryAdmin).
            return {403}
        return {200, 302, 403, 404} if method == "GET" else {200, 302, 403, 404, 405}
    return {"admin-login"}


# --- Asking ---------------------------------------------------------------------------------------


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return "admin-login"
        return 302
    return response.status_code


# A valid body for each API write, so the answer is about the role, not about the data.
API_BODIES = {
    "api/v1/networks/": {"title": "Nyt netværk", "theme": "Tema", "type": "welfare"},
    "api/v1/networks/<api_id:pk>/transitions/": {"action": "start"},
    "api/v1/networks/<api_id:pk>/participants/": {"name": "Ny deltager"},
    "api/v1/networks/<api_id:pk>/meetings/": {
        "title": "Ekstra møde",
        "starts_at": "2027-05-03T09:00:00+02:00",
    },
    "api/v1/networks/<api_id:pk>/change-requests/": {
        "changes": {"mandate": "Nyt mandat"},
        "reason": "Fordi.",
    },
    "api/v1/networks/<api_id:pk>/change-requests/<api_id:change_request_pk>/decision/": {
        "outcome": "approved"
    },
}


def _request(client, method: str, route: str, url: str):
    if method == "GET":
        return client.get(url)
    if is_api(route):
        body = json.dumps(API_BODIES.get(route, {}))
        return client.post(url, data=body, content_type="application/json", HTTP_X_CSRFTOKEN=CSRF_TOKEN)
    return client.post(url, {"csrfmiddlewaretoken": CSRF_TOKEN})


def logged_in_clients(world) -> dict[str, Client]:
    """One logged-in client per role, made before the database is compared (logging in writes)."""
    return {role: client_as(world, role) for role in ROLES}


def ask(world, base: Client, method: str, route: str):
    """One request in a savepoint rolled back afterwards; returns (outcome, writes during a GET).

    A fresh client with the base client's cookies each time, so a logout or a new session in one
    request (rolled back in the database) never changes what the next request sends."""
    client = Client(enforce_csrf_checks=True)
    client.cookies = SimpleCookie(base.cookies)
    url = url_for(route, world)
    with transaction.atomic():
        with WriteWatch() as watch:
            response = _request(client, method, route, url)
        transaction.set_rollback(True)
    # The idle-session clock may renew the session's expiry; that is the session, not the data.
    writes = [sql for sql in watch.writes if "django_session" not in sql]
    if route == "kalender/":
        # The one page whose first visit writes: it makes the user's calendar feed (get_or_create,
        # so a second visit writes nothing).
        writes = [sql for sql in writes if "networks_calendarfeed" not in sql]
    return outcome(response), writes


def snapshot() -> dict:
    """Every row of every table (sessions by key only), to compare before and after the GETs."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        query = model._base_manager.order_by("pk")
        if model._meta.db_table == "django_session":
            rows[model._meta.db_table] = list(query.values_list("pk", flat=True))
        else:
            rows[model._meta.db_table] = list(query.values_list())
    return rows


def _matches(expected, actual) -> bool:
    if isinstance(expected, set):
        return actual in expected
    return expected == actual


@pytest.mark.parametrize("route", all_routes())
def test_every_route_answers_every_role_as_the_table_says(route, world):
    if not is_admin(route) and route not in EXPECTED:
        pytest.fail(f"No row for the route {route!r} in EXPECTED: add what each role should get.")
    clients = logged_in_clients(world)
    before = snapshot()
    unexpected, get_writes = [], []
    for method in ("GET", "POST"):
        for index, role in enumerate(ROLES):
            if is_admin(route):
                expected = admin_expected(route, role, method)
                if expected is None:
                    continue
            else:
                expected = EXPECTED[route][0 if method == "GET" else 1][index]
            actual, writes = ask(world, clients[role], method, route)
            figures.record("matrix", requests=1)
            if not _matches(expected, actual):
                unexpected.append(f"{method} /{route} as {role}: expected {expected}, got {actual}")
            if method == "GET" and writes:
                get_writes.append(f"GET /{route} as {role} wrote: {writes}")
    figures.record("matrix", routes=1, unexpected=len(unexpected) + len(get_writes))
    assert not unexpected, "\n".join(unexpected)
    assert not get_writes, "\n".join(get_writes)
    assert snapshot() == before


def test_every_route_has_a_row_in_the_table():
    routes = {route for route in all_routes() if not is_admin(route)}
    assert routes == set(EXPECTED), {
        "routes without a row": sorted(routes - set(EXPECTED)),
        "rows without a route": sorted(set(EXPECTED) - routes),
    }


def test_the_matrix_covers_every_page_of_the_app():
    # A sanity check on the resolver walk itself: the app's own pages, the API and the admin.
    routes = all_routes()
    assert "netvaerk/<int:pk>/moeder/<int:meeting_pk>/referat/" in routes
    assert "api/v1/networks/<api_id:pk>/transitions/" in routes
    assert sum(1 for route in routes if is_admin(route)) > 50
    assert len(routes) > 100


# --- POST without a CSRF token ----------------------------------------------------------------------

# Exempt on purpose: the token endpoint takes no cookie (session authentication is off there, so
# a forged cross-site request carries nothing to abuse, and JSON cannot be sent cross-site without
# CORS), and the API's catch-all answers 404 to everything.
CSRF_EXEMPT = {"api/v1/auth/token/", "api/v1/^[\\s\\S]*$"}


def _powerful_role(route: str) -> str:
    """The role most likely to get past the other checks, so the CSRF check is what refuses."""
    if route.startswith(("admin", "rapporter")) or route.startswith("admin-vaerktoejer"):
        return "administrator"
    if route.startswith("direktoerforum"):
        return "direktoer"
    return "leader"


@pytest.mark.parametrize("route", [r for r in all_routes() if r not in CSRF_EXEMPT])
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(route, world):
    client = client_as(world, _powerful_role(route), csrf=False)
    url = url_for(route, world)
    before = snapshot()
    if is_api(route):
        response = client.post(url, data=json.dumps({"title": "x"}), content_type="application/json")
    else:
        response = client.post(url, {"title": "x", "comment": "x", "email": "x@example.dk"})
    figures.record("csrf", requests=1)
    # 403 from the CSRF check; 405 where the route takes no POST at all (nothing to protect).
    assert response.status_code in (403, 405), (route, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("route", sorted(CSRF_EXEMPT))
def test_the_csrf_exempt_routes_change_nothing_without_a_token(route, world):
    client = client_as(world, "leader", csrf=False)
    before = snapshot()
    response = client.post(
        url_for(route, world),
        data=json.dumps({"username": "leder", "password": "forkert"}),
        content_type="application/json",
    )
    assert response.status_code in (400, 404)
    after = snapshot()
    # A wrong password is counted by django-axes (its own table); nothing else changes.
    for table in ("django_session", "axes_accessattempt"):
        before.pop(table), after.pop(table)
    assert after == before


# --- A role removed counts on the very next request ---------------------------------------------------


def test_removing_the_administrator_role_takes_effect_on_the_next_request(world):
    from django.contrib.auth.models import Group

    from networks import roles

    administrator = world["users"]["administrator"]
    client = client_as(world, "administrator")
    assert client.get("/rapporter/").status_code == 200
    administrator.groups.remove(Group.objects.get(name=roles.ADMINISTRATORS))
    assert client.get("/rapporter/").status_code == 403


def test_removing_the_direktoerforum_role_takes_effect_on_the_next_request(world):
    from django.contrib.auth.models import Group

    from networks import roles

    client = client_as(world, "direktoer")
    case = f"/direktoerforum/sag/{world['network'].pk}/"
    assert client.get(case).status_code == 200
    world["users"]["direktoer"].groups.remove(Group.objects.get(name=roles.DIREKTOERFORUM))
    assert client.get(case).status_code == 403
    # ... and the network, which only Direktørforum could see, is now someone else's: 404.
    assert client.get(f"/netvaerk/{world['network'].pk}/").status_code == 404


def test_removing_the_leader_role_stops_registering_networks_on_the_next_request(world):
    from django.contrib.auth.models import Group

    from networks import roles

    client = client_as(world, "other_leader")
    assert client.get("/netvaerk/ny/?type=welfare").status_code == 200
    world["users"]["other_leader"].groups.remove(Group.objects.get(name=roles.LEADERS))
    assert client.get("/netvaerk/ny/?type=welfare").status_code == 403


def test_deactivating_a_user_logs_them_out_on_the_next_request(world):
    client = client_as(world, "leader")
    network_url = f"/netvaerk/{world['network'].pk}/"
    assert client.get(network_url).status_code == 200
    leader = world["users"]["leader"]
    leader.is_active = False
    leader.save(update_fields=["is_active"])
    response = client.get(network_url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get(f"/api/v1/networks/{world['network'].pk}/").status_code == 401
