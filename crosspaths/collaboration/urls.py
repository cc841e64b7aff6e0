"""URLs of the collaboration app, under /collaboration/."""

from django.urls import path

from . import views

app_name = "collaboration"
urlpatterns = [
    path("", views.about, name="about"),
    path("opt-out/", views.opt_out, name="opt_out"),
    path("settings/", views.configure, name="settings"),
]
