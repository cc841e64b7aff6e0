from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "crosspaths.console"
    verbose_name = _("Admin console")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job

        from . import tasks
        from .audiences import new_hires_enroll
        from .services import invitations_queue, roster_uploads_forget, round_job_queue

        register_daily_job("roster_uploads", roster_uploads_forget)
        register_daily_job("new_hires_enroll", new_hires_enroll)
        invitations_queue.plug(tasks.invitations_queue)
        round_job_queue.plug(tasks.round_job_queue)
