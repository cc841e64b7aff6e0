"""The project's URLs without the Console and Insights apps, for the navigation test."""

from crosspaths.urls import urlpatterns as project

urlpatterns = [p for p in project if str(p.pattern) not in {"console/", "insights/"}]
