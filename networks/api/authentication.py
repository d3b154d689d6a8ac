"""Token authentication with a lifetime: DRF's `TokenAuthentication`, refusing an expired token."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from networks.api import tokens


class ExpiringTokenAuthentication(TokenAuthentication):
    """A token older than `settings.API_TOKEN_LIFETIME_DAYS` is refused with 401 and deleted, so the
    next login at `POST /api/v1/auth/token/` hands out a new one (networks.api.tokens)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if tokens.is_expired(token):
            tokens.token_revoke(user=user, reason="expired")
            raise exceptions.AuthenticationFailed(_("Tokenet er udløbet. Hent et nyt."), code="token_expired")
        return user, token
