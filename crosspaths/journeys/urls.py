"""Journeys: /console/journeys/ for HR, /journey/ for the new hire. Every pattern is in
the isolation sweep (tests/test_isolation.py)."""

from django.urls import path

from . import views

app_name = "journeys"
urlpatterns = [
    path("console/journeys/", views.console, name="console"),
    path("console/journeys/programs/<int:pk>/", views.plan_save, name="plan_save"),
    path("journey/", views.mine, name="mine"),
]
