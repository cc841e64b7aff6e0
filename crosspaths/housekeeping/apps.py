from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousekeepingConfig(AppConfig):
    name = "crosspaths.housekeeping"
    verbose_name = _("Housekeeping")

    def ready(self) -> None:
        from .jobs import sessions_forget_expired, task_results_forget
        from .registry import register_daily_job, register_pass_step
        from .scheduler_steps import daily_jobs_step

        register_daily_job("expired_sessions", sessions_forget_expired)
        register_daily_job("task_results", task_results_forget)
        # Last in every pass: the daily jobs (each claimed once a day).
        register_pass_step("housekeeping", daily_jobs_step, order=800)
