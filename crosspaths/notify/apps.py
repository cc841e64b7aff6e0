from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "crosspaths.notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job, register_pass_step
        from crosspaths.programs import hooks

        from .retention import messages_forget_delivered
        from .scheduler_steps import messages_step, nudges_step
        from .services import deliveries_enqueue, outbox_write_reschedule, outbox_write_round
        from .tasks import deliveries_enqueue as enqueue_deliveries

        register_daily_job("delivered_messages", messages_forget_delivered)
        register_pass_step("nudges", nudges_step, order=200)
        register_pass_step("messages", messages_step, order=300)
        hooks.round_messages_write.plug(outbox_write_round)
        hooks.reschedule_messages_write.plug(outbox_write_reschedule)
        deliveries_enqueue.plug(enqueue_deliveries)
