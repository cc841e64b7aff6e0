"""URLs of the insights app (filled in as the app grows)."""

from django.urls import path  # noqa: F401

app_name = "insights"
urlpatterns: list = []
