from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "crosspaths.insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_pass_step
        from crosspaths.programs import hooks

        from .scheduler_steps import nightly_step
        from .services import round_aggregate_enqueue

        hooks.round_figures_enqueue.plug(round_aggregate_enqueue)
        register_pass_step("insights_nightly", nightly_step, order=700)
