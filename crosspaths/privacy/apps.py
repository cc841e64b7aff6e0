from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "crosspaths.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job

        from .services import checkin_comments_expire

        register_daily_job("checkin_comments", checkin_comments_expire)
