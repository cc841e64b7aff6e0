from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "crosspaths.journeys"
    verbose_name = _("Onboarding journeys")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job
        from crosspaths.notify.content import BUILDERS
        from crosspaths.notify.models import Message
        from crosspaths.programs.drafters import refuse_drafts

        from .content import journey_content
        from .services import journeys_run, steps_only

        register_daily_job("onboarding_journeys", journeys_run)
        refuse_drafts(steps_only)
        BUILDERS[Message.Kind.JOURNEY] = journey_content
