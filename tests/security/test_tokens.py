"""API tokens: they expire, a password change or deactivation revokes them, a login after that
hands out a new one, and the signed-in user sees and revokes their own on /konto/api-token/.

The lifetime is `settings.API_TOKEN_LIFETIME_DAYS`, counted from the token's `created`: the token is
valid while now < created + lifetime and refused (401, and deleted) from that moment on.
"""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, api_url, make_user

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
ISSUED = datetime.datetime(2026, 12, 4, 15, 32, tzinfo=COPENHAGEN)
TOKEN_URL = api_url("auth/token/")
PAGE = "/konto/api-token/"
EXPIRED = {"detail": "Tokenet er udløbet. Hent et nyt."}


def log_in(username="leder", password=PASSWORD):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")


def networks_with(key: str):
    return APIClient().get(api_url("networks/"), HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def issued(time_machine, leader):
    """The leader's token, issued at ISSUED; the clock stands still there until a test moves it."""
    time_machine.move_to(ISSUED, tick=False)
    response = log_in()
    assert response.status_code == 200
    return response.json()["token"]


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


# --- The lifetime -----------------------------------------------------------------------------------


def test_the_lifetime_is_thirty_days_unless_the_environment_says_otherwise():
    assert settings.API_TOKEN_LIFETIME_DAYS == 30


def test_the_login_answer_says_when_the_token_was_issued_and_when_it_expires(time_machine, leader):
    time_machine.move_to(ISSUED, tick=False)

    body = log_in().json()

    assert body["created"] == "2026-12-04T15:32:00+01:00"
    assert datetime.datetime.fromisoformat(body["expires"]) == ISSUED + lifetime()


def test_a_token_one_hour_short_of_its_lifetime_still_works(issued, time_machine):
    time_machine.move_to(ISSUED + lifetime() - datetime.timedelta(hours=1), tick=False)

    assert networks_with(issued).status_code == 200


def test_a_token_one_second_short_of_its_lifetime_still_works(issued, time_machine):
    time_machine.move_to(ISSUED + lifetime() - datetime.timedelta(seconds=1), tick=False)

    assert networks_with(issued).status_code == 200


def test_a_token_is_refused_from_the_moment_its_lifetime_is_over(issued, time_machine):
    time_machine.move_to(ISSUED + lifetime(), tick=False)

    response = networks_with(issued)

    assert response.status_code == 401
    assert response.json() == EXPIRED


def test_an_expired_token_is_refused_in_danish_and_deleted(issued, time_machine, leader):
    time_machine.move_to(ISSUED + lifetime() + datetime.timedelta(seconds=1), tick=False)

    response = networks_with(issued)

    assert response.status_code == 401
    assert response.json() == EXPIRED
    assert response["WWW-Authenticate"] == "Token"
    assert not Token.objects.filter(user=leader).exists()
    # Deleted: asking again is an unknown token, not an expired one.
    assert networks_with(issued).json() == {"detail": "Ugyldigt token."}


def test_the_lifetime_comes_from_the_setting(issued, time_machine, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 7
    time_machine.move_to(ISSUED + datetime.timedelta(days=7), tick=False)

    assert networks_with(issued).status_code == 401


# --- Logging in again -------------------------------------------------------------------------------


def test_logging_in_again_while_the_token_is_valid_gives_the_same_token(issued, time_machine):
    time_machine.move_to(ISSUED + lifetime() - datetime.timedelta(seconds=1), tick=False)

    body = log_in().json()

    assert body["token"] == issued
    assert body["created"] == "2026-12-04T15:32:00+01:00"


def test_logging_in_after_the_token_expired_gives_a_new_one(issued, time_machine, leader):
    later = ISSUED + lifetime()
    time_machine.move_to(later, tick=False)

    body = log_in().json()

    assert body["token"] != issued
    assert datetime.datetime.fromisoformat(body["created"]) == later
    assert datetime.datetime.fromisoformat(body["expires"]) == later + lifetime()
    assert networks_with(body["token"]).status_code == 200
    assert Token.objects.filter(user=leader).count() == 1


def test_logging_in_after_a_password_change_gives_a_new_token(issued, leader):
    leader.set_password("nyt-kodeord-2027")
    leader.save()

    response = log_in(password="nyt-kodeord-2027")

    assert response.status_code == 200
    assert response.json()["token"] != issued
    assert networks_with(response.json()["token"]).status_code == 200


def test_the_token_answer_is_kept_out_of_every_cache(leader):
    assert log_in()["Cache-Control"] == "private, no-store"


# --- Revocation -------------------------------------------------------------------------------------


def test_set_password_and_save_revokes_the_token(issued, leader):
    leader.set_password("nyt-kodeord-2027")
    leader.save()

    assert networks_with(issued).status_code == 401
    assert not Token.objects.filter(user=leader).exists()


def test_the_security_log_says_whose_token_was_revoked_and_why(issued, leader, caplog):
    leader.set_password("nyt-kodeord-2027")
    with caplog.at_level("INFO", logger="netvaerk.security"):
        leader.save()

    assert "api token revoked user=leder reason=password changed" in caplog.messages


def test_manage_py_changepassword_revokes_the_token(issued, leader, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "nyt-kodeord-2027")

    call_command("changepassword", "leder", stdout=None)

    assert not Token.objects.filter(user=leader).exists()
    assert networks_with(issued).status_code == 401


def test_an_administrator_setting_the_password_in_the_admin_revokes_the_token(issued, leader, client):
    client.force_login(make_user("superbruger", is_staff=True, is_superuser=True))

    response = client.post(
        f"/admin/auth/user/{leader.pk}/password/",
        {"password1": "nyt-kodeord-2027", "password2": "nyt-kodeord-2027", "usable_password": "true"},
    )

    assert response.status_code == 302
    assert not Token.objects.filter(user=leader).exists()


def test_changing_ones_own_password_in_the_admin_revokes_ones_token(time_machine, client, db):
    time_machine.move_to(ISSUED, tick=False)
    staff = make_user("personale", is_staff=True)
    key = log_in("personale").json()["token"]
    client.force_login(staff)

    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "nyt-kodeord-2027", "new_password2": "nyt-kodeord-2027"},
    )

    assert response.status_code == 302
    assert networks_with(key).status_code == 401


def test_deactivating_the_user_revokes_the_token(issued, leader):
    leader.is_active = False
    leader.save(update_fields=["is_active"])

    assert not Token.objects.filter(user=leader).exists()


def test_deactivating_the_user_in_the_admin_revokes_the_token(issued, leader, client):
    client.force_login(make_user("superbruger", is_staff=True, is_superuser=True))
    page = client.get(f"/admin/auth/user/{leader.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        groups=[group.pk for group in leader.groups.all()],
        user_permissions=[],
        is_active="",
        last_login_0="",
        last_login_1="",
        date_joined_0="2026-12-04",
        date_joined_1="15:32:00",
    )
    data = {key: value for key, value in data.items() if not isinstance(value, bool) or value}

    response = client.post(f"/admin/auth/user/{leader.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(pk=leader.pk).is_active is False
    assert not Token.objects.filter(user=leader).exists()


def test_saving_the_user_for_anything_else_keeps_the_token(issued, leader):
    leader.first_name = "Lena"
    leader.save()
    leader.save(update_fields=["last_login"])

    assert networks_with(issued).status_code == 200


def test_a_refused_password_change_keeps_the_token(issued, leader, client):
    client.force_login(make_user("superbruger", is_staff=True, is_superuser=True))

    response = client.post(
        f"/admin/auth/user/{leader.pk}/password/",
        {"password1": "nyt-kodeord-2027", "password2": "et-andet-kodeord", "usable_password": "true"},
    )

    assert response.status_code == 200
    assert networks_with(issued).status_code == 200


# --- The page ---------------------------------------------------------------------------------------


@pytest.fixture
def fixed_lifetime(settings):
    # The page's dates are pinned as text; the lifetime they are computed with is pinned here.
    settings.API_TOKEN_LIFETIME_DAYS = 30


def test_the_page_shows_when_the_token_was_issued_and_when_it_expires(
    fixed_lifetime, issued, client, leader, django_assert_num_queries
):
    client.force_login(leader)

    # The session, the user, the user's role groups (base.html's menu), the token.
    with django_assert_num_queries(4):
        response = client.get(PAGE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in page and "Dit API-token" in page
    assert "den 4. december 2026 kl. 15.32" in page
    assert "den 3. januar 2027 kl. 15.32" in page
    assert "Tilbagekald token" in page
    assert "30 dage" in page


def test_the_page_says_so_when_there_is_no_token(client, leader):
    client.force_login(leader)

    page = client.get(PAGE).content.decode()

    assert "Du har intet API-token." in page
    assert "Tilbagekald token" not in page


def test_the_page_says_an_expired_token_no_longer_works(fixed_lifetime, issued, client, leader, time_machine):
    time_machine.move_to(ISSUED + lifetime(), tick=False)
    client.force_login(leader)

    page = client.get(PAGE).content.decode()

    assert "tokenet virker ikke længere" in page


def test_revoking_on_the_page_deletes_the_token_and_says_so(issued, client, leader):
    client.force_login(leader)

    response = client.post(PAGE, follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert "Dit API-token er tilbagekaldt." in response.content.decode()
    assert networks_with(issued).status_code == 401
    assert log_in().json()["token"] != issued


def test_revoking_without_a_token_says_there_was_none(client, leader):
    client.force_login(leader)

    response = client.post(PAGE, follow=True)

    assert "Du har intet API-token at tilbagekalde." in response.content.decode()


def test_someone_else_revoking_leaves_the_leaders_token_alone(issued, client, other_leader):
    client.force_login(other_leader)

    client.post(PAGE)

    assert networks_with(issued).status_code == 200


def test_the_revoke_button_needs_the_csrf_token(issued, leader):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)

    assert client.post(PAGE).status_code == 403
    assert networks_with(issued).status_code == 200


def test_the_page_needs_a_login(client, db):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_rejects_other_methods(client, leader):
    client.force_login(leader)

    assert client.put(PAGE).status_code == 405


def test_the_user_menu_links_to_the_page(client, leader):
    client.force_login(leader)

    assert f'href="{PAGE}"' in client.get("/").content.decode()
