from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "crosspaths.console"
    verbose_name = _("Admin console")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job

        from .audiences import new_hires_enroll
        from .services import roster_uploads_forget

        register_daily_job("roster_uploads", roster_uploads_forget)
        register_daily_job("new_hires_enroll", new_hires_enroll)
