from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Netværk")

    def ready(self):
        # Connects the security log's receivers (failed logins, lockouts, the idle-session clock).
        # The report's cache needs none: it reads the data's version when asked (`reporting.cache`).
        from networks import checks, security  # noqa: F401

        # Revokes a user's API token when their password changes or they are deactivated.
        from networks.api import tokens  # noqa: F401

        # Refreshes the report's figures in the background after a write it counts.
        from networks.reporting import refresh  # noqa: F401
