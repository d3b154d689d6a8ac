"""No cache keeps what a signed-in user was shown (networks.middleware.PrivateResponsesMiddleware).

Every route the resolver knows – pages, the API, exports, calendar files, the PDF, the admin – is
asked once as a signed-in user who may see it, and the API routes once more with a token: each
answer says `Cache-Control: private, no-store` and `Vary: Cookie, Authorization`, whatever its
status. Anonymous answers are left alone: static files and the public pages stay cacheable.
"""

import pytest

from tests.factories import as_user
from tests.security.support import client_as, is_admin, is_api, routes_and_views, url_for


def directives(response) -> dict[str, str | bool]:
    """`Cache-Control` as {directive: value, or True for one without a value}."""
    found = {}
    for part in response.get("Cache-Control", "").split(","):
        name, _sep, value = part.strip().partition("=")
        if name:
            found[name.lower()] = value or True
    return found


def varies_on(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def assert_private(response, where: str):
    found = directives(response)
    assert found.get("private") is True and found.get("no-store") is True, (
        where,
        response.get("Cache-Control"),
    )
    assert "public" not in found, where
    assert {"cookie", "authorization"} <= varies_on(response), (where, response.get("Vary"))


def role_that_may_see(route: str) -> str:
    if is_admin(route) or route.startswith(("rapporter", "admin-vaerktoejer", "api/v1/reports")):
        return "administrator"
    if route.startswith("direktoerforum"):
        return "direktoer"
    return "leader"


ROUTES = sorted({route for route, _view in routes_and_views()})


def test_the_walk_covers_pages_api_exports_calendars_the_pdf_and_the_admin():
    for route in (
        "netvaerk/<int:pk>/",
        "api/v1/networks/<api_id:pk>/participants/",
        "rapporter/deltagere.csv",
        "netvaerk/<int:pk>/kalender.ics",
        "direktoerforum/dagsorden.pdf",
        "konto/api-token/",
    ):
        assert route in ROUTES, route
    assert sum(1 for route in ROUTES if is_admin(route)) > 50


def test_every_route_answers_a_signed_in_user_with_private_no_store(world):
    clients = {role: client_as(world, role) for role in ("leader", "direktoer", "administrator")}
    for route in ROUTES:
        response = clients[role_that_may_see(route)].get(url_for(route, world))
        assert_private(response, route)


def test_every_api_route_answers_a_token_with_private_no_store(world):
    client = as_user(world["users"]["leader"])
    # The catch-all's 404 reads no token: it is the same for every client, signed in or not.
    for route in (route for route in ROUTES if is_api(route) and route != "api/v1/^[\\s\\S]*$"):
        response = client.get(url_for(route, world))
        assert_private(response, route)


def test_an_ordinary_page_says_exactly_private_no_store(client, leader):
    client.force_login(leader)

    response = client.get("/netvaerk/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_participants_in_the_api_are_kept_out_of_every_cache(world):
    network = world["network"]

    response = as_user(world["users"]["leader"]).get(f"/api/v1/networks/{network.pk}/participants/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_export_that_already_says_no_store_keeps_it_and_becomes_private(client, administrator):
    client.force_login(administrator)

    response = client.post(
        "/admin-vaerktoejer/persondata/udtraek/", {"email": "x@example.dk", "format": "csv"}
    )

    assert response.status_code == 200
    assert directives(response) == {"no-store": True, "private": True}


# --- What stays cacheable -----------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_static_files_stay_cacheable(client, leader, settings, signed_in):
    settings.WHITENOISE_USE_FINDERS = True
    if signed_in:
        client.force_login(leader)

    response = client.get("/static/css/netvaerk.css")

    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "private" not in directives(response)


def test_healthz_keeps_the_header_its_view_sets(client, db):
    response = client.get("/healthz")

    # never_cache's own answer (a probe must never see a cached "ok"); the middleware adds nothing.
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert "authorization" not in varies_on(response)


@pytest.mark.parametrize("url", ["/privatliv/", "/tilgaengelighed/", "/api/v1/schema/"])
def test_public_pages_for_anonymous_users_are_left_cacheable(client, db, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "private" not in directives(response)
