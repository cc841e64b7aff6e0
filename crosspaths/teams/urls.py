"""/teams/messages (the Bot Framework's calls, JWT-signed) and /console/teams/ (admins)."""

from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("teams/messages", views.activities, name="messages"),
    path("console/teams/", views.settings_page, name="settings"),
    path("console/teams/connect/", views.connect, name="connect"),
    path("console/teams/package/", views.package, name="package"),
    path("console/teams/test/", views.test_message, name="test_message"),
    path("console/teams/disconnect/", views.disconnect, name="disconnect"),
]
