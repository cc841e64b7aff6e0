"""URL configuration: participant pages at /, operators' Django admin at /admin/, API at /api/."""

from django.contrib import admin
from django.urls import include, path

from crosspaths.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/", include("crosspaths.console.urls")),
    path("console/provisioning/", include("crosspaths.scim.console_urls")),
    path("scim/", include("crosspaths.scim.urls")),
    path("insights/", include("crosspaths.insights.urls")),
    path("meet/", include("crosspaths.meetings.urls")),
    path("notify/", include("crosspaths.notify.urls")),
    path("", include("crosspaths.web.urls")),
]
