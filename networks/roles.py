"""The three roles, as Django groups created by a migration, the checks the rest of the app asks,
and how a user is named on pages, in emails and in exports."""

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


def uses_direktoerforum_workspace(user) -> bool:
    """Direktørforum's pages (the queue, the cases, the agenda): its members, and administrators,
    who follow the cases without deciding them."""
    return is_direktoerforum(user) or is_administrator(user)


def display_name(user) -> str:
    """A user's name as people read it: the full name, or the username where none is given."""
    return user.get_full_name() or user.get_username()


def name_from_values(first_name: str, last_name: str, username: str) -> str:
    """`display_name` for a row read with `.values()` (first name, last name, username)."""
    return f"{first_name} {last_name}".strip() or username
