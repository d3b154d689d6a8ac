"""Log ind med Albertslund Kommune in a browser, through a real OpenID Connect provider on loopback
(tests/oidc_provider): a new leader's first login lands on their start page with the leader's
role, and logging out ends the session at the provider too."""

import copy

import pytest
from playwright.sync_api import expect

from networks import roles, sign_on
from networks.models import SignOnIdentity
from tests.e2e.support import check_page, needs_chromium
from tests.oidc_provider.support import running_provider

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture(scope="module")
def provider():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def sign_on_site(provider, settings, live_server, network_types):
    # The provider accepts any port for a loopback address (RFC 8252), but by number, not by name.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    settings.OIDC_DISCOVERY_URL = provider.discovery_url
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.OIDC_ROLE_MAP = {"netvaerksleder": roles.LEADERS, "direktoerforum": roles.DIREKTOERFORUM}
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "networks.sign_on.SignOnBackend"]
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], provider.base_url]
    settings.CONTENT_SECURITY_POLICY = policy
    sign_on.discovery.cache_clear()
    provider.control(fault="", roles={"anna": ["netvaerksleder"]})
    yield live_server.url.replace("localhost", "127.0.0.1")
    sign_on.discovery.cache_clear()


def test_a_new_leader_signs_in_through_the_municipality_and_out_again(sign_on_site, provider, new_context):
    page = new_context(base_url=sign_on_site).new_page()
    page.goto("/accounts/login/")
    check_page(page, "login with single sign-on")
    page.get_by_role("link", name="Log ind med Albertslund Kommune").click()

    # The provider's own login form.
    page.wait_for_url(f"{provider.base_url}/**")
    page.get_by_label("Brugernavn").fill("anna")
    page.get_by_label("Adgangskode").fill("kode")
    page.get_by_role("button", name="Log ind hos kommunen").click()

    page.wait_for_url(f"{sign_on_site}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, "start page after single sign-on")
    identity = SignOnIdentity.objects.select_related("user").get()
    assert identity.user.get_full_name() == "Anna Holm"
    assert roles.is_leader(identity.user)
    expect(page.get_by_text("Anna Holm").first).to_be_visible()

    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(f"{sign_on_site}/accounts/login/")
    # Signed out at the provider too: the next login asks for the password again.
    page.get_by_role("link", name="Log ind med Albertslund Kommune").click()
    page.wait_for_url(f"{provider.base_url}/**")
    expect(page.get_by_label("Adgangskode")).to_be_visible()
