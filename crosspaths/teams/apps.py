from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "crosspaths.teams"
    label = "teams"
    verbose_name = _("Microsoft Teams app")

    def ready(self) -> None:
        """Register the Teams transport with the outbox (notify knows channels by name)."""
        from crosspaths.notify.channels import TRANSPORTS

        from .transport import TeamsTransport

        TRANSPORTS["teams"] = TeamsTransport
