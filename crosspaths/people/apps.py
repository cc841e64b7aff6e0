from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "crosspaths.people"
    verbose_name = _("People")

    def ready(self) -> None:
        from crosspaths.housekeeping.registry import register_daily_job

        from .sign_in_links import sign_in_tokens_forget

        register_daily_job("sign_in_links", sign_in_tokens_forget)
