"""/scim/v2/...: every SCIM path goes to the one endpoint view (tests/test_isolation.py
sweeps it with another organization's token)."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^v2(?P<path>/.*)?$", views.scim, name="scim"),
]
