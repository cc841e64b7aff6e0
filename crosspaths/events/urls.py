"""URLs of the event flow (/console/events/). Every new pattern needs an entry in the
tenant isolation sweep's registry (tests/test_isolation.py)."""

from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.events, name="list"),
    path("new/", views.event_new, name="new"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/seat/", views.event_seat, name="seat"),
    path("<int:pk>/plan.pdf", views.event_pdf, name="pdf"),
    path("<int:pk>/cards.csv", views.event_cards_csv, name="cards_csv"),
]
