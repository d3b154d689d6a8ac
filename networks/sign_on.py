"""Single sign-on with the municipality's identity provider over OpenID Connect.

mozilla-django-oidc runs the authorisation-code flow (state, nonce and PKCE kept in the session and
used once); this module adds what a municipality needs on top of it:

- the provider's endpoints come from its discovery document (`OIDC_DISCOVERY_URL`), read once per
  process, so an operator configures one address, not five;
- the ID token is checked in full: signature against the provider's published keys, and issuer,
  audience (our client id), expiry and issue time, all required (the library itself skips the
  audience);
- a user is the provider's (issuer, subject) pair (`SignOnIdentity`), never an email address: two
  people can share or swap an address, a subject is never reused;
- roles come from one claim (`OIDC_ROLES_CLAIM`) mapped to the app's groups (`OIDC_ROLE_MAP`) and
  are set again at every login, so a role removed at the provider is gone at the next login;
- every failure ends on the login page with a Danish message, and nobody is logged in by halves.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from networks import roles
from networks.models import SignOnIdentity

logger = logging.getLogger("netvaerk.security")

# The library's settings for the provider's endpoints, and where discovery says them.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_DISCOVERY_URL", ""))


@functools.cache
def discovery() -> dict:
    """The provider's discovery document, fetched once per process (keys are fetched per login, so
    a provider that rotates them is followed at once)."""
    response = requests.get(settings.OIDC_DISCOVERY_URL, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    missing = [key for key in ("issuer", *_DISCOVERED.values()) if not document.get(key)]
    if missing:
        raise ImproperlyConfigured(f"OIDC discovery document lacks: {', '.join(missing)}")
    return document


def provider_setting(attr, *default):
    """mozilla-django-oidc's settings, with the provider's endpoints from discovery."""
    if attr in _DISCOVERED and not hasattr(settings, attr):
        return discovery()[_DISCOVERED[attr]]
    return import_from_settings(attr, *default)


class NoRole(Exception):
    """The provider vouched for the person, but none of their roles gives access to the app."""


def roles_from_claims(claims: dict) -> set[str]:
    """The app's groups the claim's values map to; values the map does not know are ignored."""
    values = claims.get(settings.OIDC_ROLES_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    return {settings.OIDC_ROLE_MAP[value] for value in values if value in settings.OIDC_ROLE_MAP}


class SignOnBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(provider_setting)

    def __init__(self, *args, **kwargs):
        # Django makes every backend for every password login, and this one for every request of
        # a person signed in through the provider (to load the user): a provider that is down then
        # must not break those. The library reads the endpoints here; without them this backend
        # lets nobody in, and the callback says so.
        self.provider_error = None
        try:
            super().__init__(*args, **kwargs)
        except (requests.RequestException, ImproperlyConfigured) as error:
            self.provider_error = error
            self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if "nonce" not in kwargs:
            return None  # a password login: not ours
        if self.provider_error:
            raise self.provider_error
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("ID token signed with an unexpected algorithm")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"],
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "sub", "exp", "iat"]},
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_userinfo(self, access_token, id_token, payload):
        # The ID token is signed and checked above; Entra ID puts app roles and groups there and
        # not in its userinfo answer, so the token's claims are the ones to trust.
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        groups = roles_from_claims(claims)
        if not groups:
            raise NoRole(claims.get("sub", ""))
        with transaction.atomic():
            identity = (
                SignOnIdentity.objects.select_for_update()
                .select_related("user")
                .filter(issuer=claims["iss"], subject=claims["sub"])
                .first()
            )
            if identity is None:
                user = self._new_user(claims)
                identity = SignOnIdentity.objects.create(
                    user=user, issuer=claims["iss"], subject=claims["sub"]
                )
            user = identity.user
            self._update(user, claims)
            self._sync_roles(user, groups)
            identity.last_login = timezone.now()
            identity.save(update_fields=["last_login"])
        return user

    def _new_user(self, claims: dict):
        User = get_user_model()
        base = slugify(claims.get("preferred_username", "").split("@")[0]) or "bruger"
        base = base[:100]
        username = base
        while User.objects.filter(username=username).exists():
            username = f"{base}-{get_random_string(6).lower()}"
        user = User(username=username)
        # Signs in only through the provider: no password that could be guessed or reused.
        user.set_unusable_password()
        user.save()
        return user

    def _update(self, user, claims: dict) -> None:
        user.first_name = str(claims.get("given_name", ""))[:150]
        user.last_name = str(claims.get("family_name", ""))[:150]
        user.email = str(claims.get("email", ""))[:254]
        user.save()

    def _sync_roles(self, user, groups: set[str]) -> None:
        # Only the roles the map speaks of are the provider's to set; any other group is left alone.
        managed = set(settings.OIDC_ROLE_MAP.values())
        user.groups.remove(*Group.objects.filter(name__in=managed - groups))
        user.groups.add(*Group.objects.filter(name__in=groups))
        # The admin site lets in staff only; an administrator's role is what makes one staff here,
        # so it comes and goes with the role (superuser is never given through the provider).
        if roles.ADMINISTRATORS in managed:
            is_staff = roles.ADMINISTRATORS in groups
            if user.is_staff != is_staff:
                user.is_staff = is_staff
                user.save(update_fields=["is_staff"])


class LocalPasswordBackend(ModelBackend):
    """Passwords kept by the app. `LOCAL_LOGIN=0` switches them off where everyone signs in through
    the provider, except for the accounts in `LOCAL_LOGIN_USERS` (an emergency administrator who
    must get in when the provider is down)."""

    def user_can_authenticate(self, user):
        if not settings.LOCAL_LOGIN and user.get_username() not in settings.LOCAL_LOGIN_USERS:
            return False
        return super().user_can_authenticate(user)


def _refused(request, message: str):
    messages.error(request, message)
    return HttpResponseRedirect(reverse("login"))


class SignOnStart(OIDCAuthenticationRequestView):
    get_settings = staticmethod(provider_setting)

    def __init__(self, **kwargs):
        # The library reads the provider's endpoints when the view is made, before `get` could
        # catch a provider that does not answer; the failure is kept for `get` to answer.
        self.provider_error = None
        try:
            super().__init__(**kwargs)
        except (requests.RequestException, ImproperlyConfigured) as error:
            self.provider_error = error

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            if self.provider_error:
                raise self.provider_error
            return super().get(request)
        except (requests.RequestException, ImproperlyConfigured) as error:
            logger.warning("sign-on: the provider could not be reached: %s", error)
            return _refused(request, _("Kommunens log ind svarer ikke lige nu. Prøv igen om lidt."))


class SignOnCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(provider_setting)

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            return super().get(request)
        except NoRole:
            return render(request, "registration/no_access.html", status=403)
        except SuspiciousOperation as error:
            logger.warning("sign-on refused: %s", error)
        except (requests.RequestException, ImproperlyConfigured) as error:
            logger.warning("sign-on failed at the provider: %s", error)
        return self.login_failure()

    def login_failure(self):
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        return _refused(
            self.request,
            _(
                "Log ind med Albertslund Kommune lykkedes ikke. Prøv igen fra log ind-siden; "
                "sker det igen, så kontakt IT-support."
            ),
        )


def logout_url(request) -> str:
    """Where logging out sends the browser: the provider's end-session endpoint, when it has one and
    this session came from it, so the person is signed out there too; otherwise the login page."""
    back = request.build_absolute_uri(reverse("login"))
    id_token = request.session.get("oidc_id_token")
    if not (enabled() and id_token):
        return reverse("login")
    try:
        end_session = discovery().get("end_session_endpoint")
    except (requests.RequestException, ImproperlyConfigured):
        end_session = None
    if not end_session:
        return reverse("login")
    query = urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": back, "client_id": settings.OIDC_RP_CLIENT_ID}
    )
    return f"{end_session}?{query}"


@require_POST
def logout(request):
    """Log out here (POST only, as Django's own view) and, where offered, at the provider."""
    target = logout_url(request)
    auth.logout(request)
    return HttpResponseRedirect(target)


class LocalLoginForm(AuthenticationForm):
    """The username and password form; with local passwords switched off, only an emergency
    account gets past it, and everyone else is told to use the municipality's login."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if not settings.LOCAL_LOGIN and username not in settings.LOCAL_LOGIN_USERS:
            raise ValidationError(
                _("Log ind med adgangskode er slået fra. Brug “Log ind med Albertslund Kommune”."),
                code="local_login_off",
            )
        return super().clean()


class LoginView(auth_views.LoginView):
    form_class = LocalLoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sign_on"] = enabled()
        # With passwords off, the form is there only for the emergency account, at ?lokal=1 — or
        # always, when there is no provider to offer instead.
        request = self.request
        context["local_login"] = (
            settings.LOCAL_LOGIN or not enabled() or "lokal" in request.GET or request.method == "POST"
        )
        return context
