from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlackConfig(AppConfig):
    name = "crosspaths.slack"
    label = "slack"
    verbose_name = _("Slack app")

    def ready(self) -> None:
        """Register the Slack transport with the outbox: notify (a lower layer) knows
        channels only by name, so the app above it plugs its transport in."""
        from crosspaths.notify.channels import TRANSPORTS

        from .transport import SlackTransport

        TRANSPORTS["slack"] = SlackTransport
