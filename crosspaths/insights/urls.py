"""URLs of the insights app, under /insights/."""

from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recount/", views.recount, name="recount"),
    path("pays-off/", views.payoff_page, name="payoff"),
    path("pays-off/numbers.csv", views.payoff_csv, name="payoff_csv"),
    path("<slug:slug>.csv", views.figure_csv, name="csv"),
    path("report/<str:quarter>.pdf", views.quarterly_report, name="report"),
]
