"""URLs of the outside-perspective flow. Every new pattern needs an entry in the tenant
isolation sweep's registry (tests/test_isolation.py)."""

from django.urls import path

from . import views

app_name = "perspective"
urlpatterns = [
    path("perspective/", views.index, name="index"),
    path("perspective/new/", views.request_new, name="new"),
    path("perspective/giving/", views.giving, name="giving"),
    path("perspective/requests/<int:pk>/", views.request_detail, name="request"),
    path("perspective/requests/<int:pk>/cancel/", views.request_cancel, name="cancel"),
    path("perspective/requests/<int:pk>/helped/", views.request_helped, name="helped"),
    path("perspective/asks/<int:pk>/answer/", views.ask_answer, name="answer"),
    path("perspective/a/<str:token>/<str:answer>/", views.ask_link, name="ask_link"),
    path("perspective/f/<str:token>/<str:answer>/", views.follow_up, name="follow_up"),
    path("console/perspective/", views.console, name="console"),
]
