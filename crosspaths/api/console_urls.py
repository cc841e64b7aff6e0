"""/console/api-keys/: the organization's API keys (admins only)."""

from django.urls import path

from . import console_views

app_name = "api_console"
urlpatterns = [
    path("", console_views.keys, name="keys"),
    path("new/", console_views.key_new, name="key_new"),
    path("<int:pk>/revoke/", console_views.key_revoke, name="key_revoke"),
]
