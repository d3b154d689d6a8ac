"""API tokens: how long one lives, how a login gets one, and when one is taken away.

A token is DRF's `authtoken.Token`, one per user, created when the user logs in at
`POST /api/v1/auth/token/`. It is valid for `settings.API_TOKEN_LIFETIME_DAYS` from its `created`
moment: valid while now < created + lifetime, refused from that moment on (and deleted then, by
`authentication.ExpiringTokenAuthentication`). A login while a valid token exists hands back the same
token; after it expired or was revoked, a new one.

A token is revoked (deleted) when its user's password changes or the user is deactivated – however
that happens (the admin, `manage.py changepassword`, `set_password()` + `save()`), because the
receivers below watch the User row being saved rather than one form or one command. An update that
bypasses `save()` (`User.objects.filter(...).update(...)`) is not seen; the app makes none.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.authtoken.models import Token

# The security log (networks.security) says when a token stopped working, and why.
log = logging.getLogger("netvaerk.security")


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


def expires_at(token: Token) -> datetime.datetime:
    """The first moment the token is refused."""
    return token.created + lifetime()


def is_expired(token: Token, *, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= expires_at(token)


def token_for_login(*, user) -> Token:
    """The user's valid token, or a new one when there is none or it has expired."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and not is_expired(token):
            return token
        if token is not None:
            token_revoke(user=user, reason="expired")
        try:
            with transaction.atomic():
                return Token.objects.create(user=user)
        except IntegrityError:  # two logins at once: the other request created it
            return Token.objects.get(user=user)


def token_revoke(*, user, reason: str) -> bool:
    """Delete the user's token; True if there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        log.info("api token revoked user=%s reason=%s", user.get_username(), reason)
    return bool(deleted)


def token_of(user) -> Token | None:
    return Token.objects.filter(user=user).first()


# --- Revocation when the account changes ------------------------------------------------------------

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="api_token_revoke_check")
def _note_whether_the_token_must_go(sender, instance, raw=False, update_fields=None, **kwargs):
    """Compare the stored password hash and active flag with the ones about to be saved.

    Saves that touch neither (the `last_login` update on every login) cost no query."""
    instance._api_token_revoke_reason = ""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = sender._base_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    password_changed = stored["password"] != instance.password
    deactivated = stored["is_active"] and not instance.is_active
    instance._api_token_revoke_reason = (
        "password changed" if password_changed else "deactivated" if deactivated else ""
    )


@receiver(post_save, sender=User, dispatch_uid="api_token_revoke")
def _revoke_after_the_account_changed(sender, instance, raw=False, **kwargs):
    # After the save, so a save that fails (and rolls back) leaves the token alone.
    reason = getattr(instance, "_api_token_revoke_reason", "")
    if not raw and reason:
        instance._api_token_revoke_reason = ""
        token_revoke(user=instance, reason=reason)
