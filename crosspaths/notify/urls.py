"""URLs of the notify app: the development mailbox (DEBUG only)."""

from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("dev/mail/", views.dev_mailbox, name="dev_mailbox"),
    path("dev/mail/<str:letter_id>/", views.dev_letter, name="dev_letter"),
    path("dev/mail/<str:letter_id>/<int:index>/", views.dev_attachment, name="dev_attachment"),
]
