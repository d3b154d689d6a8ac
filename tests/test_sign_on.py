"""Log ind med Albertslund Kommune, against a real OpenID Connect provider on loopback
(tests/oidc_provider): the whole code flow with PKCE, the ID token's checks, identity by subject,
roles synced at every login, and the refusals a person would meet."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

from networks import roles, sign_on
from networks.models import SignOnIdentity
from tests.oidc_provider.support import running_provider

ROLE_MAP = {
    "netvaerksleder": roles.LEADERS,
    "direktoerforum": roles.DIREKTOERFORUM,
    "admin": roles.ADMINISTRATORS,
}
REFUSED = "Log ind med Albertslund Kommune lykkedes ikke."


@pytest.fixture(scope="module")
def provider():
    with running_provider() as provider:
        yield provider


@pytest.fixture(autouse=True)
def configured(provider, settings):
    settings.OIDC_DISCOVERY_URL = provider.discovery_url
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.OIDC_ROLE_MAP = ROLE_MAP
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "networks.sign_on.SignOnBackend"]
    sign_on.discovery.cache_clear()
    provider.control(fault="", roles={"anna": ["netvaerksleder"], "bo": ["direktoerforum"]})
    yield
    sign_on.discovery.cache_clear()


def sign_in(client, provider, username: str):
    """The browser's way through: the app's button, the provider's form, back to the app."""
    start = client.get("/accounts/kommune/")
    assert start.status_code == 302
    callback = provider.log_in(start["Location"], username)
    return client.get(callback.removeprefix("http://testserver"))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_login_page_offers_the_municipality_login(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "Log ind med Albertslund Kommune" in page
    assert 'href="/accounts/kommune/"' in page


def test_a_first_login_creates_the_user_with_the_role_and_a_second_keeps_them(
    client, db, provider, network_types
):
    response = sign_in(client, provider, "anna")
    assert response.status_code == 302
    assert response["Location"] == "/"
    anna = get_user_model().objects.get(sign_on_identities__subject__isnull=False, first_name="Anna")
    assert (anna.last_name, anna.email) == ("Holm", "anna@albertslund.example")
    assert roles.is_leader(anna) and not roles.is_direktoerforum(anna)
    assert not anna.has_usable_password()
    assert client.get("/").status_code == 200

    client.logout()
    sign_in(client, provider, "anna")
    assert get_user_model().objects.filter(first_name="Anna").count() == 1
    assert SignOnIdentity.objects.get(user=anna).issuer == f"{provider.base_url}/o"


def test_roles_follow_the_provider_at_every_login(client, db, provider):
    sign_in(client, provider, "anna")
    anna = get_user_model().objects.get(first_name="Anna")
    other = anna.groups.model.objects.create(name="Kaffeklub")
    anna.groups.add(other)

    provider.control(roles={"anna": ["direktoerforum", "admin"]})
    client.logout()
    sign_in(client, provider, "anna")
    anna = get_user_model().objects.get(pk=anna.pk)
    assert not roles.is_leader(anna)
    assert roles.is_direktoerforum(anna) and roles.is_administrator(anna)
    # A group the provider does not speak for is left alone.
    assert anna.groups.filter(name="Kaffeklub").exists()
    # The administrator's role opens the admin site, and closes it again when it goes.
    assert anna.is_staff and not anna.is_superuser
    assert client.get("/admin/").status_code == 200

    provider.control(roles={"anna": ["netvaerksleder"]})
    client.logout()
    sign_in(client, provider, "anna")
    anna = get_user_model().objects.get(pk=anna.pk)
    assert not anna.is_staff and not roles.is_administrator(anna)


def test_a_person_is_their_subject_never_their_email_address(client, db, provider):
    # carl has anna's address at the provider, but is another person.
    sign_in(client, provider, "anna")
    client.logout()
    sign_in(client, provider, "carl")
    people = get_user_model().objects.filter(email="anna@albertslund.example")
    assert sorted(people.values_list("first_name", flat=True)) == ["Anna", "Carl"]
    assert SignOnIdentity.objects.count() == 2


def test_an_existing_local_account_with_the_same_email_is_not_taken_over(client, db, provider):
    local = get_user_model().objects.create_user(
        "anna.lokal", email="anna@albertslund.example", password="x" * 12
    )
    sign_in(client, provider, "anna")
    assert client.session["_auth_user_id"] != str(local.pk)
    assert not SignOnIdentity.objects.filter(user=local).exists()


def test_a_person_without_a_role_here_gets_the_no_access_page(client, db, provider):
    response = sign_in(client, provider, "dorte")
    assert response.status_code == 403
    assert "Du har ikke adgang til Netværk" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(first_name="Dorte").exists()


def test_a_role_removed_at_the_provider_stops_the_next_login(client, db, provider):
    sign_in(client, provider, "anna")
    provider.control(roles={"anna": []})
    client.logout()
    response = sign_in(client, provider, "anna")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("fault", ["bad_signature", "wrong_audience", "wrong_issuer", "expired"])
def test_a_faulty_id_token_is_refused_with_a_danish_message(client, db, provider, fault):
    provider.control(fault=fault)
    response = sign_in(client, provider, "anna")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert any(REFUSED in message for message in messages_of(response))
    assert "_auth_user_id" not in client.session
    assert not SignOnIdentity.objects.exists()


def test_a_replayed_callback_is_refused(client, db, provider):
    start = client.get("/accounts/kommune/")
    callback = provider.log_in(start["Location"], "anna").removeprefix("http://testserver")
    assert client.get(callback)["Location"] == "/"
    client.logout()
    # The same code, state and nonce again: the state was used once and is gone.
    replay = client.get(callback)
    assert replay["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_a_state_that_does_not_match_the_session_is_refused(client, db, provider):
    start = client.get("/accounts/kommune/")
    callback = provider.log_in(start["Location"], "anna").removeprefix("http://testserver")
    forged = callback.replace("state=", "state=x")
    response = client.get(forged)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert any(REFUSED in message for message in messages_of(response))
    assert "_auth_user_id" not in client.session


def test_a_callback_from_another_browser_is_refused(client, db, provider):
    # The provider's answer arrives in a browser that never started the login (no state at all).
    start = client.get("/accounts/kommune/")
    callback = provider.log_in(start["Location"], "anna").removeprefix("http://testserver")
    other = client.__class__()
    assert other.get(callback)["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in other.session


def test_an_error_from_the_provider_is_refused(client, db):
    client.get("/accounts/kommune/")
    response = client.get("/accounts/kommune/retur/?error=access_denied&state=x")
    assert response["Location"] == "/accounts/login/"
    assert any(REFUSED in message for message in messages_of(response))


def test_a_provider_that_does_not_answer_gives_a_message_not_an_error(client, db, settings):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    sign_on.discovery.cache_clear()
    response = client.get("/accounts/kommune/")
    assert response["Location"] == "/accounts/login/"
    assert any("svarer ikke" in message for message in messages_of(response))


def test_logging_out_ends_the_session_at_the_provider_too(client, db, provider):
    sign_in(client, provider, "anna")
    response = client.post("/accounts/logout/")
    location = response["Location"]
    assert location.startswith(f"{provider.base_url}/o/logout/?id_token_hint=")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F" in location
    assert "_auth_user_id" not in client.session


def test_without_the_provider_configured_its_addresses_are_404(client, db, settings):
    settings.OIDC_DISCOVERY_URL = ""
    assert client.get("/accounts/kommune/").status_code == 404
    assert client.get("/accounts/kommune/retur/?code=x&state=y").status_code == 404
    assert "Log ind med Albertslund Kommune" not in client.get("/accounts/login/").content.decode()


# --- Local passwords switched off ----------------------------------------------------------------


@pytest.fixture
def passwords_off(settings):
    settings.LOCAL_LOGIN = False
    settings.LOCAL_LOGIN_USERS = ["noedadmin"]


def test_with_passwords_off_the_form_is_hidden_and_a_password_is_refused(client, passwords_off, leader):
    page = client.get("/accounts/login/").content.decode()
    assert 'name="password"' not in page
    assert "Log ind med Albertslund Kommune" in page
    leader.set_password("en-god-adgangskode")
    leader.save()
    response = client.post(
        "/accounts/login/", {"username": leader.username, "password": "en-god-adgangskode"}
    )
    assert response.status_code == 200
    assert "Log ind med adgangskode er slået fra" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_with_passwords_off_the_emergency_administrator_still_gets_in(client, passwords_off, db):
    get_user_model().objects.create_superuser("noedadmin", password="noed-adgangskode-1")
    assert 'name="password"' in client.get("/accounts/login/?lokal=1").content.decode()
    response = client.post("/accounts/login/", {"username": "noedadmin", "password": "noed-adgangskode-1"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_provider_that_goes_down_keeps_signed_in_people_and_passwords_working(
    client, db, provider, settings, leader
):
    sign_in(client, provider, "anna")
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    sign_on.discovery.cache_clear()
    assert client.get("/").status_code == 200

    other = client.__class__()
    leader.set_password("en-god-adgangskode")
    leader.save()
    wrong = other.post("/accounts/login/", {"username": leader.username, "password": "forkert"})
    assert wrong.status_code == 200
    response = other.post("/accounts/login/", {"username": leader.username, "password": "en-god-adgangskode"})
    assert response.status_code == 302


def test_with_passwords_off_and_no_provider_the_form_stays_for_the_emergency_accounts(
    client, passwords_off, settings
):
    settings.OIDC_DISCOVERY_URL = ""
    assert 'name="password"' in client.get("/accounts/login/").content.decode()
