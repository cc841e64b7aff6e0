from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "crosspaths.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job

        from .outbox import deliveries_forget_old

        register_daily_job("webhook_deliveries", deliveries_forget_old)
