from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "crosspaths.collaboration"
    verbose_name = _("Collaboration")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job

        from .services import interactions_expire, payoff_estimates_refresh

        register_daily_job("interactions_retention", interactions_expire)
        register_daily_job("payoff_estimates", payoff_estimates_refresh)
