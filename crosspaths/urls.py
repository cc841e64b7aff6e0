"""URL configuration: participant pages at /, operators' Django admin at /admin/, API at /api/.

The development mailbox (/notify/dev/mail/) shows every e-mail the app wrote, sign-in
links included, so it is not even routed unless the settings were loaded with DEBUG on (``DEV_MAILBOX``)
(``make run``, the test suite); its views also refuse when DEBUG is off at run time.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from crosspaths.api.api import api
from crosspaths.api.metrics import metrics
from crosspaths.intranet.urls import console_urlpatterns as intranet_console_urls
from crosspaths.mentoring.urls import console_urlpatterns as mentoring_console_urls
from crosspaths.sso.urls import protocol_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("metrics", metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("crosspaths.sso.urls")),  # /console/sso/ and /login/company/
    path("console/events/", include("crosspaths.events.urls")),
    path("console/mentoring/", include(mentoring_console_urls)),
    path("mentoring/", include("crosspaths.mentoring.urls")),
    path("console/bridges/", include("crosspaths.bridges.urls")),
    path("", include("crosspaths.perspective.urls")),  # /perspective/, /console/perspective/
    path("console/", include("crosspaths.console.urls")),
    path("console/provisioning/", include("crosspaths.scim.console_urls")),
    path("", include("crosspaths.slack.urls")),  # /slack/ (Slack's calls), /console/slack/
    path("", include("crosspaths.teams.urls")),  # /teams/messages (Teams' calls), /console/teams/
    path("console/api-keys/", include("crosspaths.api.console_urls")),
    path("console/intranet/", include(intranet_console_urls)),
    path("embed/", include("crosspaths.intranet.urls")),  # the intranet cards
    path("console/webhooks/", include("crosspaths.webhooks.console_urls")),
    path("scim/", include("crosspaths.scim.urls")),
    path("insights/", include("crosspaths.insights.urls")),
    path("collaboration/", include("crosspaths.collaboration.urls")),
    path("meet/", include("crosspaths.meetings.urls")),
    path("mail/", include("crosspaths.notify.public_urls")),  # one-click unsubscribe
    path("", include("crosspaths.privacy.urls")),
    path("", include("crosspaths.journeys.urls")),  # /console/journeys/, /journey/
    path("", include("crosspaths.web.urls")),
    *protocol_urlpatterns,
]
if settings.DEV_MAILBOX:
    urlpatterns.append(path("notify/", include("crosspaths.notify.urls")))
