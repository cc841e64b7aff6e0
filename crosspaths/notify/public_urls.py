"""Links in e-mails that work without signing in, outside the development mailbox."""

from django.urls import path

from . import unsubscribe_views

app_name = "mail"
urlpatterns = [
    path("unsubscribe/<str:token>/", unsubscribe_views.unsubscribe, name="unsubscribe"),
]
