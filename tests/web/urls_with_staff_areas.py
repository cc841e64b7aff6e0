"""The project's URLs plus stand-in Console and Insights pages, for the navigation test."""

from django.http import HttpResponse
from django.urls import path

from crosspaths.urls import urlpatterns as project

urlpatterns = [
    path("console/", lambda request: HttpResponse("console"), name="console-stand-in"),
    path("insights/", lambda request: HttpResponse("insights"), name="insights-stand-in"),
    *project,
]
