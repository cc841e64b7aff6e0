"""/console/webhooks/: the organization's webhook endpoints (admins only)."""

from django.urls import path

from . import console_views

app_name = "webhooks_console"
urlpatterns = [
    path("", console_views.endpoints, name="endpoints"),
    path("new/", console_views.endpoint_new, name="endpoint_new"),
    path("<int:pk>/", console_views.endpoint, name="endpoint"),
    path("<int:pk>/enable/", console_views.endpoint_enable, name="endpoint_enable"),
    path("<int:pk>/disable/", console_views.endpoint_disable, name="endpoint_disable"),
    path("<int:pk>/delete/", console_views.endpoint_remove, name="endpoint_delete"),
    path("<int:pk>/test/", console_views.endpoint_test, name="endpoint_test"),
]
