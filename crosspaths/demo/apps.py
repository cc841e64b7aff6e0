from django.apps import AppConfig


class DemoConfig(AppConfig):
    """No models: installed for its ``manage.py demo`` command."""

    name = "crosspaths.demo"
