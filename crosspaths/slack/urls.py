"""/slack/ (Slack's requests, signed) and /console/slack/ (the admins' page)."""

from django.urls import path

from . import views

app_name = "slack"
urlpatterns = [
    path("slack/interactions", views.interactions, name="interactions"),
    path("slack/commands", views.commands, name="commands"),
    path("slack/events", views.events, name="events"),
    path("slack/oauth/callback/", views.oauth_callback, name="oauth_callback"),
    path("console/slack/", views.settings_page, name="settings"),
    path("console/slack/connect/", views.connect, name="connect"),
    path("console/slack/link/", views.link, name="link"),
    path("console/slack/test/", views.test_message, name="test_message"),
    path("console/slack/disconnect/", views.disconnect, name="disconnect"),
]
