from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "crosspaths.programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        """Every pass starts with the rounds that are due and closes the finished ones
        near its end (the order numbers: crosspaths/housekeeping/registry.py)."""
        from crosspaths.housekeeping.registry import register_pass_step

        from .scheduler_steps import rounds_close_step, rounds_due_step

        register_pass_step("rounds_due", rounds_due_step, order=100)
        register_pass_step("rounds_close", rounds_close_step, order=600)
