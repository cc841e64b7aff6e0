"""URLs of the notify app (filled in as the app grows)."""

from django.urls import path  # noqa: F401

app_name = "notify"
urlpatterns: list = []
