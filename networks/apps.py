from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Netværk")

    def ready(self):
        # Connects the receivers: the security log's (failed logins, lockouts, the idle-session
        # clock) and the report cache's invalidation (any saved change makes the cached figures stale).
        from networks import reports, security  # noqa: F401
