"""The three roles, as Django groups created by a migration, and the checks the rest of the app asks."""

from django.utils.translation import gettext_lazy as _

LEADERS = "Netværksledere"
DIREKTOERFORUM = "Direktørforum"
ADMINISTRATORS = "Administratorer"

ROLE_GROUPS = (LEADERS, DIREKTOERFORUM, ADMINISTRATORS)
ROLE_LABELS = {
    LEADERS: _("Netværksleder"),
    DIREKTOERFORUM: _("Direktørforum"),
    ADMINISTRATORS: _("Administrator"),
}


def _group_names(user) -> frozenset[str]:
    # Cached on the user object, which lives for one request, so a role removed counts at once
    # on the next request while a page asking several times costs one query.
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_netvaerk_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._netvaerk_groups = cached
    return cached


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or (
        ADMINISTRATORS in _group_names(user)
    )


def is_direktoerforum(user) -> bool:
    return DIREKTOERFORUM in _group_names(user)


def is_leader(user) -> bool:
    return LEADERS in _group_names(user)
