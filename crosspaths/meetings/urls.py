"""Pages reached from e-mail links; they work without signing in."""

from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("c/<str:token>/<str:answer>/", views.checkin, name="checkin"),
]
