from networks import roles


def user_roles(request):
    """The user's roles for the navigation. Lazy, so pages that never ask cost no query."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "user_uses_direktoerforum_workspace": lambda: roles.uses_direktoerforum_workspace(user),
        "user_is_administrator": lambda: roles.is_administrator(user),
    }
