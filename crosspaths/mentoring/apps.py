from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "crosspaths.mentoring"
    verbose_name = _("Mentoring")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job
        from crosspaths.notify.content import BUILDERS
        from crosspaths.notify.models import Message
        from crosspaths.programs.drafters import refuse_drafts

        from .emails import nudge_content
        from .services import cycles_only, cycles_run_due

        register_daily_job("mentoring_cycles", cycles_run_due)
        refuse_drafts(cycles_only)
        BUILDERS[Message.Kind.MENTORING] = nudge_content
