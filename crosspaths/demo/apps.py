from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """No models: installed for its ``manage.py demo`` command."""

    name = "crosspaths.demo"
    verbose_name = _("Demo organization")
