from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "crosspaths.notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job

        from .retention import messages_forget_delivered

        register_daily_job("delivered_messages", messages_forget_delivered)
