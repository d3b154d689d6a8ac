"""Login protection (django-axes): a username is locked from an address after LOGIN_FAILURE_LIMIT
failed attempts, on the login page and the API's token endpoint alike, for LOGIN_LOCKOUT_MINUTES;
the lockout lives in the database; and every failure, lockout and refusal is logged."""

import datetime
import logging

import pytest
import time_machine
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
LOCKED_TEXT = "Log ind er midlertidigt spærret."
WRONG_TEXT = "Indtast venligst korrekt brugernavn og adgangskode"


def fail(client, username="leder", times=None, **extra):
    responses = []
    for _ in range(settings.AXES_FAILURE_LIMIT if times is None else times):
        responses.append(client.post(LOGIN, {"username": username, "password": "forkert"}, **extra))
    return responses


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limit_and_the_period_are_a_few_attempts_and_minutes():
    assert 3 <= settings.AXES_FAILURE_LIMIT <= 10
    assert datetime.timedelta(minutes=5) <= settings.AXES_COOLOFF_TIME <= datetime.timedelta(hours=1)


def test_failed_attempts_below_the_limit_still_let_the_right_password_in(client, leader):
    responses = fail(client, times=settings.AXES_FAILURE_LIMIT - 1)
    assert all(r.status_code == 200 and WRONG_TEXT in r.content.decode() for r in responses)
    response = client.post(LOGIN, {"username": "leder", "password": "pw"})
    assert response.status_code == 302 and logged_in(client)


def test_after_the_limit_the_login_page_says_in_danish_that_login_is_locked(client, leader):
    responses = fail(client)
    response = responses[-1]
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="da">' in page and LOCKED_TEXT in page
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    assert f"Prøv igen om {minutes} minutter." in page
    assert response["Retry-After"] == str(minutes * 60)
    # The page is the app's login page with a message, not a bare text.
    assert '<a href="/accounts/login/">' in page and "<nav" in page


def test_the_right_password_does_not_get_through_while_locked(client, leader):
    fail(client)
    response = client.post(LOGIN, {"username": "leder", "password": "pw"})
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert not logged_in(client)


def test_another_user_is_not_locked_out(client, leader, other_leader):
    fail(client, "leder")
    response = client.post(LOGIN, {"username": "leder2", "password": "pw"})
    assert response.status_code == 302 and logged_in(client)


def test_the_same_user_from_another_address_is_not_locked_out(leader):
    # The lockout is per username and address, so nobody can lock a colleague out from elsewhere.
    fail(Client(REMOTE_ADDR="10.0.0.66"))
    other_place = Client(REMOTE_ADDR="10.0.0.7")
    response = other_place.post(LOGIN, {"username": "leder", "password": "pw"})
    assert response.status_code == 302 and logged_in(other_place)


def test_a_forged_forwarded_for_header_does_not_get_around_the_lockout(client, leader):
    fail(client)
    response = client.post(LOGIN, {"username": "leder", "password": "pw"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429 and not logged_in(client)


def test_an_unknown_username_gets_the_same_answers_as_a_wrong_password(db, leader):
    known, unknown = Client(), Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        a = known.post(LOGIN, {"username": "leder", "password": "forkert"})
        b = unknown.post(LOGIN, {"username": "ukendt-person", "password": "forkert"})
        assert a.status_code == b.status_code, attempt
        strip = {"leder": "", "ukendt-person": ""}
        text_a, text_b = a.content.decode(), b.content.decode()
        for name in strip:
            text_a, text_b = text_a.replace(name, ""), text_b.replace(name, "")
        # The forms differ only in the CSRF token and the username typed in.
        assert _without_tokens(text_a) == _without_tokens(text_b), attempt
    assert (a.status_code, b.status_code) == (429, 429)


def _without_tokens(page: str) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_the_lockout_ends_after_the_period(client, leader):
    start = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        fail(client)
        traveller.shift(settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1))
        assert client.post(LOGIN, {"username": "leder", "password": "pw"}).status_code == 429
        traveller.shift(datetime.timedelta(minutes=2))
        response = client.post(LOGIN, {"username": "leder", "password": "pw"})
    assert response.status_code == 302 and logged_in(client)


def test_the_lockout_is_kept_in_the_database_so_every_app_server_sees_it(client, leader):
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    fail(client)
    attempt = AccessAttempt.objects.get(username="leder", ip_address="127.0.0.1")
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT
    # A second server is another process reading the same table: a fresh handler and client.
    another_server = Client()
    AxesProxyHandler.get_implementation(force=True)
    response = another_server.post(LOGIN, {"username": "leder", "password": "pw"})
    assert response.status_code == 429


def test_an_administrator_can_lift_a_lockout(client, leader):
    from axes.utils import reset

    fail(client)
    reset(username="leder")
    response = client.post(LOGIN, {"username": "leder", "password": "pw"})
    assert response.status_code == 302


# --- The API's token endpoint ------------------------------------------------------------------------


def token(client, password, username="leder"):
    return client.post(TOKEN, {"username": username, "password": password}, content_type="application/json")


def test_the_token_endpoint_counts_failures_and_refuses_while_locked(client, leader):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token(client, "forkert").status_code == 400
    locked = token(client, "forkert")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert "Prøv igen om" in locked.json()["detail"]
    right = token(client, "pw")
    assert right.status_code == 429
    assert "token" not in right.json()


def test_failures_on_the_pages_and_the_api_count_together(client, leader):
    fail(client, times=settings.AXES_FAILURE_LIMIT - 1)
    assert token(client, "forkert").status_code == 429
    assert client.post(LOGIN, {"username": "leder", "password": "pw"}).status_code == 429


def test_the_token_endpoint_gives_an_unknown_username_the_same_answer(client, leader):
    assert token(client, "forkert").json() == token(client, "forkert", username="ukendt").json()


def test_an_unlocked_user_gets_a_token(client, leader):
    response = token(client, "pw")
    assert response.status_code == 200 and response.json()["token"]


def test_a_username_too_long_for_the_attempts_table_is_an_ordinary_refusal(client, db):
    # 255 characters is the attempts table's column; PostgreSQL would refuse a longer one.
    assert token(client, "forkert", username="x" * 5000).status_code == 400
    page = client.post(LOGIN, {"username": "x" * 5000, "password": "forkert"})
    assert page.status_code == 200


# --- The security log ----------------------------------------------------------------------------------


def security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "netvaerk.security"]


def test_a_failed_login_is_logged_with_username_address_and_path_but_never_the_password(
    client, leader, caplog
):
    caplog.set_level(logging.INFO, logger="netvaerk.security")
    client.post(LOGIN, {"username": "leder", "password": "Hemmeligt-Kodeord-1"})
    token(client, "Andet-Hemmeligt-2")
    lines = security_lines(caplog)
    assert "login failed user=leder ip=127.0.0.1 path=/accounts/login/" in lines
    assert "login failed user=leder ip=127.0.0.1 path=/api/v1/auth/token/" in lines
    everything = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    assert "Hemmeligt-Kodeord-1" not in everything and "Andet-Hemmeligt-2" not in everything


def test_a_lockout_is_logged(client, leader, caplog):
    caplog.set_level(logging.INFO, logger="netvaerk.security")
    fail(client)
    assert "login locked out user=leder ip=127.0.0.1 path=/accounts/login/" in security_lines(caplog)


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("leader", "/rapporter/", 403),
        ("other_leader", "/netvaerk/{pk}/", 404),
        ("direktoer", "/netvaerk/{pk}/rediger/", 403),
    ],
)
def test_refused_access_is_logged_with_the_user_address_and_path(
    client, request, draft_innovation, caplog, persona, url, status
):
    draft_innovation.submission_round = 1
    draft_innovation.save(update_fields=["submission_round"])
    client.force_login(request.getfixturevalue(persona))
    caplog.set_level(logging.INFO, logger="netvaerk.security")
    path = url.format(pk=draft_innovation.pk)
    assert client.get(path).status_code == status
    user = request.getfixturevalue(persona).username
    assert f"refused status={status} user={user} ip=127.0.0.1 method=GET path={path}" in security_lines(
        caplog
    )


def test_an_api_request_without_a_login_is_logged_as_refused(client, db, caplog):
    caplog.set_level(logging.INFO, logger="netvaerk.security")
    assert client.get("/api/v1/networks/").status_code == 401
    assert "refused status=401 user=- ip=127.0.0.1 method=GET path=/api/v1/networks/" in security_lines(
        caplog
    )


def test_what_is_logged_from_the_request_is_bounded_and_printable(client, db, caplog):
    caplog.set_level(logging.INFO, logger="netvaerk.security")
    client.post(LOGIN, {"username": "a\nFAKE LINE " + "y" * 1000, "password": "x"})
    [line] = [line for line in security_lines(caplog) if line.startswith("login failed")]
    assert "\n" not in line and len(line) < 300
