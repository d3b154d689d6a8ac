"""System checks of the app's own settings (`manage.py check`, and `check --deploy` before going live)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Addresses that name this machine: compared against, never bound to.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # nosec B104


def _site_url_problem() -> str | None:
    """Why SITE_URL cannot be the address of a production site, or None. Links in emails and the
    calendar page are built from it, so a wrong one sends every recipient to nowhere."""
    if settings.DEBUG:
        return None
    if not settings.SITE_URL_FROM_ENVIRONMENT:
        return "SITE_URL is not set"
    host = urlsplit(settings.SITE_URL).hostname or ""
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        return f"SITE_URL points at this machine ({settings.SITE_URL})"
    return None


HINT = (
    "Set SITE_URL to the address users open, e.g. SITE_URL=https://netvaerk.albertslund.dk (docs/drift.md)."
)


@register(Tags.compatibility)
def site_url_at_startup(app_configs, **kwargs):
    problem = _site_url_problem()
    return (
        [Warning(f"{problem}: links in emails will not work.", hint=HINT, id="netvaerk.W001")]
        if problem
        else []
    )


@register(Tags.security, deploy=True)
def site_url_before_going_live(app_configs, **kwargs):
    problem = _site_url_problem()
    return (
        [Error(f"{problem}: links in emails will not work.", hint=HINT, id="netvaerk.E001")]
        if problem
        else []
    )
