"""Mentoring URLs: the participant's page (/mentoring/) and the console's
(/console/mentoring/). Every pattern has an entry in tests/test_isolation.py."""

from django.urls import path

from . import views

app_name = "mentoring"
urlpatterns = [
    path("<int:pk>/", views.mine, name="mine"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/answer/<int:match_pk>/", views.answer, name="answer"),
]

console_urlpatterns = (
    [
        path("<int:pk>/", views.console_program, name="program"),
        path("<int:pk>/start/", views.console_start, name="start"),
        path("<int:pk>/end/", views.console_end, name="end"),
    ],
    "mentoring_console",
)
