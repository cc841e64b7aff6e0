"""Console pages for API keys: create one (shown once), revoke one. Organization admins
only: a write key changes programs and rounds as an admin would."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import admin_required

from .keys import api_key_create, api_key_revoke
from .models import RESOURCES, ApiKey


def _page(request: PersonRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    organization = request.organization
    context = {
        "section": "api",
        "can_manage_people": True,
        "can_view_audit_log": True,
        "keys": ApiKey.objects.filter(organization=organization).select_related("created_by"),
        "scopes": ApiKey.Scope.choices,
        "resources": list(RESOURCES.items()),
        "endpoint": request.build_absolute_uri("/api/v1/"),
        "docs": request.build_absolute_uri("/api/docs"),
        **extra,
    }
    return render(request, "api/keys.html", context, status=status)


@admin_required
def keys(request: PersonRequest) -> HttpResponse:
    return _page(request)


@admin_required
@require_POST
def key_new(request: PersonRequest) -> HttpResponse:
    """Answer with the page itself (not a redirect): the raw key exists only in this
    response and is never shown again."""
    try:
        key, raw = api_key_create(
            organization=request.organization,
            name=request.POST.get("name", ""),
            scope=request.POST.get("scope", ApiKey.Scope.READ),
            resources=request.POST.getlist("resources"),
            created_by=request.person,
        )
    except ValidationError as e:
        return _page(request, status=400, errors=e.messages)
    response = _page(request, new_key=raw, new_key_name=key.name)
    response["Cache-Control"] = "no-store"
    return response


@admin_required
@require_POST
def key_revoke(request: PersonRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(
        ApiKey,
        pk=pk,
        organization=request.organization,
    )
    if api_key_revoke(key=key, actor=request.person):
        messages.success(request, _("API key “%(name)s” revoked.") % {"name": key.name})
    return redirect("api_console:keys")
