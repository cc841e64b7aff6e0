from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "crosspaths.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job, register_pass_step
        from crosspaths.programs import hooks

        from . import events
        from .outbox import deliveries_forget_old
        from .scheduler_steps import deliveries_step

        register_daily_job("webhook_deliveries", deliveries_forget_old)
        register_pass_step("webhook_deliveries", deliveries_step, order=400)
        hooks.webhook_events.emit.plug(events.emit)
        hooks.webhook_events.emit_many.plug(events.emit_many)
