from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    """No models: installed for its ``invite_people`` and ``create_organization``
    commands."""

    name = "crosspaths.onboarding"
