from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """No models: installed for its ``invite_people`` and ``create_organization``
    commands."""

    name = "crosspaths.onboarding"
    verbose_name = _("Onboarding")
