"""Console pages for provisioning: create a SCIM token (shown once), revoke one, resume
paused deactivations. Organization admins only (``can_manage_provisioning``)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths.people.permissions import can_manage_provisioning, person_required

from .models import ScimToken
from .rails import scim_deactivations_resume, scim_paused
from .tokens import scim_token_create, scim_token_revoke


def provisioning_admin(view: Any) -> Any:
    @person_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_provisioning(request.person):  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _page(request: HttpRequest, **extra: Any) -> HttpResponse:
    organization = request.organization  # type: ignore[attr-defined]
    context = {
        "section": "provisioning",
        "can_manage_people": True,
        "can_view_audit_log": True,
        "tokens": ScimToken.objects.filter(organization=organization).select_related("created_by"),
        "pause": scim_paused(organization=organization),
        "endpoint": request.build_absolute_uri("/scim/v2"),
        **extra,
    }
    return render(request, "scim/tokens.html", context)


@provisioning_admin
def tokens(request: HttpRequest) -> HttpResponse:
    return _page(request)


@provisioning_admin
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    """Answer with the page itself (not a redirect): the raw token exists only in this
    response and is never shown again."""
    token, raw = scim_token_create(
        organization=request.organization,  # type: ignore[attr-defined]
        name=request.POST.get("name", ""),
        created_by=request.person,  # type: ignore[attr-defined]
    )
    response = _page(request, new_token=raw, new_token_name=token.name)
    response["Cache-Control"] = "no-store"
    return response


@provisioning_admin
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(
        ScimToken,
        pk=pk,
        organization=request.organization,  # type: ignore[attr-defined]
    )
    if scim_token_revoke(token=token, actor=request.person):  # type: ignore[attr-defined]
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("scim_console:tokens")


@provisioning_admin
@require_POST
def resume(request: HttpRequest) -> HttpResponse:
    if scim_deactivations_resume(
        organization=request.organization,  # type: ignore[attr-defined]
        actor=request.person,  # type: ignore[attr-defined]
    ):
        messages.success(request, _("Deactivations from your identity provider resumed."))
    return redirect("scim_console:tokens")
