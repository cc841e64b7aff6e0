from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "crosspaths.insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_pass_step
        from crosspaths.programs import hooks

        from . import services, tasks
        from .scheduler_steps import nightly_step

        hooks.round_figures_enqueue.plug(services.round_aggregate_enqueue)
        services.round_aggregate_queue.plug(tasks.round_aggregate_queue)
        services.nightly_queue.plug(tasks.nightly_queue)
        register_pass_step("insights_nightly", nightly_step, order=700)
