"""URL configuration: participant pages at /, operators' Django admin at /admin/, API at /api/."""

from django.contrib import admin
from django.urls import include, path

from crosspaths.api.api import api
from crosspaths.sso.urls import protocol_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("crosspaths.sso.urls")),  # /console/sso/ and /login/company/
    path("console/", include("crosspaths.console.urls")),
    path("insights/", include("crosspaths.insights.urls")),
    path("meet/", include("crosspaths.meetings.urls")),
    path("notify/", include("crosspaths.notify.urls")),
    path("", include("crosspaths.web.urls")),
    *protocol_urlpatterns,
]
