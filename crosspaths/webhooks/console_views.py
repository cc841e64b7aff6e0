"""Console pages for webhooks (organization admins only): the endpoints, creating one
(its secret shown once), changing its events, disabling, enabling, deleting, the
delivery log of each and a "send test event" button."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import admin_required

from .endpoints import (
    endpoint_create,
    endpoint_delete,
    endpoint_send_test,
    endpoint_set_enabled,
    endpoint_update,
)
from .models import EVENT_TYPES, Delivery, Endpoint

LOG_PAGE_SIZE = 50


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "section": "webhooks",
        "can_manage_people": True,
        "can_view_audit_log": True,
        "event_types": list(EVENT_TYPES.items()),
        **extra,
    }


def _endpoint(request: PersonRequest, pk: int) -> Endpoint:
    return get_object_or_404(
        Endpoint,
        pk=pk,
        organization=request.organization,
    )


def _errors(error: ValidationError) -> list[str]:
    return error.messages


def _list(request: PersonRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    organization = request.organization
    endpoints = Endpoint.objects.filter(organization=organization)
    return render(
        request,
        "webhooks/endpoints.html",
        _context(request, endpoints=endpoints, **extra),
        status=status,
    )


@admin_required
def endpoints(request: PersonRequest) -> HttpResponse:
    return _list(request)


@admin_required
@require_POST
def endpoint_new(request: PersonRequest) -> HttpResponse:
    """Answer with the page itself (not a redirect): the secret exists only in this
    response and is never shown again."""
    try:
        endpoint, secret = endpoint_create(
            organization=request.organization,
            url=request.POST.get("url", ""),
            event_types=request.POST.getlist("event_types"),
            description=request.POST.get("description", ""),
            created_by=request.person,
        )
    except ValidationError as e:
        return _list(request, status=400, errors=_errors(e), posted=request.POST)
    response = _list(request, new_secret=secret, new_endpoint=endpoint)
    response["Cache-Control"] = "no-store"
    return response


@admin_required
def endpoint(request: PersonRequest, pk: int) -> HttpResponse:
    """One endpoint: its settings and its delivery log, newest first, paginated."""
    found = _endpoint(request, pk)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            endpoint_update(
                endpoint=found,
                actor=request.person,
                url=request.POST.get("url", ""),
                event_types=request.POST.getlist("event_types"),
                description=request.POST.get("description", ""),
            )
        except ValidationError as e:
            errors, status = _errors(e), 400
            found.refresh_from_db()
        else:
            messages.success(request, _("Endpoint saved."))
            return redirect("webhooks_console:endpoint", pk=found.pk)
    log = Delivery.objects.filter(endpoint=found).order_by("-pk")
    page = Paginator(log, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/endpoint.html",
        _context(request, endpoint=found, page=page, errors=errors),
        status=status,
    )


@admin_required
@require_POST
def endpoint_enable(request: PersonRequest, pk: int) -> HttpResponse:
    found = _endpoint(request, pk)
    if endpoint_set_enabled(endpoint=found, enabled=True, actor=request.person):
        messages.success(request, _("Endpoint enabled."))
    return redirect("webhooks_console:endpoint", pk=found.pk)


@admin_required
@require_POST
def endpoint_disable(request: PersonRequest, pk: int) -> HttpResponse:
    found = _endpoint(request, pk)
    if endpoint_set_enabled(endpoint=found, enabled=False, actor=request.person):
        messages.success(request, _("Endpoint disabled."))
    return redirect("webhooks_console:endpoint", pk=found.pk)


@admin_required
@require_POST
def endpoint_remove(request: PersonRequest, pk: int) -> HttpResponse:
    found = _endpoint(request, pk)
    endpoint_delete(endpoint=found, actor=request.person)
    messages.success(request, _("Endpoint %(url)s deleted.") % {"url": found.url})
    return redirect("webhooks_console:endpoints")


@admin_required
@require_POST
def endpoint_test(request: PersonRequest, pk: int) -> HttpResponse:
    found = _endpoint(request, pk)
    endpoint_send_test(endpoint=found)
    messages.success(
        request, _("Test event queued; its delivery appears in the log below in a moment.")
    )
    return redirect("webhooks_console:endpoint", pk=found.pk)
