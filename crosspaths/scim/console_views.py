"""Console pages for provisioning: create a SCIM token (shown once), revoke one, resume
paused deactivations. Organization admins only (``can_manage_provisioning``)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import can_manage_provisioning, person_required

from .models import ScimToken
from .rails import scim_deactivations_resume, scim_paused
from .tokens import scim_token_create, scim_token_revoke


def provisioning_admin(view: Any) -> Any:
    @person_required
    @wraps(view)
    def wrapper(request: PersonRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_provisioning(request.person):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _page(request: PersonRequest, **extra: Any) -> HttpResponse:
    organization = request.organization
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
def tokens(request: PersonRequest) -> HttpResponse:
    return _page(request)


@provisioning_admin
@require_POST
def token_new(request: PersonRequest) -> HttpResponse:
    """Answer with the page itself (not a redirect): the raw token exists only in this
    response and is never shown again."""
    token, raw = scim_token_create(
        organization=request.organization,
        name=request.POST.get("name", ""),
        created_by=request.person,
    )
    response = _page(request, new_token=raw, new_token_name=token.name)
    response["Cache-Control"] = "no-store"
    return response


@provisioning_admin
@require_POST
def token_revoke(request: PersonRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(
        ScimToken,
        pk=pk,
        organization=request.organization,
    )
    if scim_token_revoke(token=token, actor=request.person):
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("scim_console:tokens")


@provisioning_admin
@require_POST
def resume(request: PersonRequest) -> HttpResponse:
    if scim_deactivations_resume(
        organization=request.organization,
        actor=request.person,
    ):
        messages.success(request, _("Deactivations from your identity provider resumed."))
    return redirect("scim_console:tokens")
