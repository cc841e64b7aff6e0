"""/console/provisioning/: SCIM tokens and the deactivation pause (admins only)."""

from django.urls import path

from . import console_views

app_name = "scim_console"
urlpatterns = [
    path("", console_views.tokens, name="tokens"),
    path("tokens/new/", console_views.token_new, name="token_new"),
    path("tokens/<int:pk>/revoke/", console_views.token_revoke, name="token_revoke"),
    path("resume/", console_views.resume, name="resume"),
]
