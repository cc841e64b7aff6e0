"""URLs of team bridges in the console (/console/bridges/). Every new pattern needs an
entry in the tenant isolation sweep's registry (tests/test_isolation.py)."""

from django.urls import path

from . import views

app_name = "bridges"
urlpatterns = [
    path("", views.bridges, name="list"),
    path("new/", views.bridge_new, name="new"),
    path("<int:pk>/", views.bridge_detail, name="detail"),
    path("<int:pk>/teams/", views.bridge_teams, name="teams"),
]
