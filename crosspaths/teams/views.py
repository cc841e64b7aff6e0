"""Teams' requests (/teams/messages) and the console page (/console/teams/).

/teams/messages takes no session and no CSRF token: the Bot Framework's JWT bearer is
its authentication, checked before the activity is acted on (``auth.py``). The console
pages are for organization admins: connect (name the tenant), download the app
package, send a test message to yourself, disconnect.
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from crosspaths.notify.services import outbox_test_latest
from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import can_manage_provisioning, person_required

from . import inbound
from .auth import activity_claims
from .manifest import manifest_zip
from .models import TeamsInstallation
from .services import (
    teams_configured,
    teams_connect,
    teams_disconnect,
    teams_reach,
    teams_send_test,
)

MAX_BODY = 256 * 1024


@csrf_exempt
@require_POST
def activities(request: HttpRequest) -> HttpResponse:
    """The bot's messaging endpoint. 401 without a valid Bot Framework token for this
    activity's service URL; 400 for a body that is not an activity."""
    if len(request.body) > MAX_BODY:
        return HttpResponse("activity too large", status=413)
    try:
        activity = json.loads(request.body)
    except ValueError:
        activity = None
    service_url = activity.get("serviceUrl") if isinstance(activity, dict) else ""
    claims = activity_claims(
        authorization=request.headers.get("Authorization", ""), service_url=str(service_url or "")
    )
    if claims is None:
        return HttpResponse("invalid or missing Bot Framework token", status=401)
    if not isinstance(activity, dict) or not activity.get("type"):
        return HttpResponse("the body is not a Bot Framework activity", status=400)
    answer = inbound.activity_handle(activity)
    if answer is not None:
        return JsonResponse(answer, status=200)
    return HttpResponse(status=200)


def teams_admin(view: Any) -> Any:
    @person_required
    @wraps(view)
    def wrapper(request: PersonRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_provisioning(request.person):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@teams_admin
@require_GET
def settings_page(request: PersonRequest) -> HttpResponse:
    organization = request.organization
    installation = TeamsInstallation.objects.filter(organization=organization).first()
    context = {
        "section": "teams",
        "can_manage_people": True,
        "can_view_audit_log": True,
        "installation": installation,
        "configured": teams_configured(),
        "reach": teams_reach(organization=organization) if installation else None,
        "endpoint": request.build_absolute_uri("/teams/messages"),
        "test_message": outbox_test_latest(person=request.person, channel="teams"),
    }
    return render(request, "teams/settings.html", context)


@teams_admin
@require_POST
def connect(request: PersonRequest) -> HttpResponse:
    if not teams_configured():
        messages.error(request, _("This Crosspaths installation has no Teams app configured."))
        return redirect("teams:settings")
    try:
        teams_connect(
            organization=request.organization,
            tenant_id=request.POST.get("tenant_id", ""),
            actor=request.person,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("teams:settings")
    messages.success(
        request,
        _("Microsoft Teams connected. Download the app package and install it for your people."),
    )
    return redirect("teams:settings")


@teams_admin
@require_GET
def package(request: PersonRequest) -> HttpResponse:
    organization = request.organization
    if not teams_configured():
        messages.error(request, _("This Crosspaths installation has no Teams app configured."))
        return redirect("teams:settings")
    data = manifest_zip(organization=organization, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="crosspaths-teams-{organization.slug}.zip"'
    )
    return response


@teams_admin
@require_POST
def test_message(request: PersonRequest) -> HttpResponse:
    try:
        teams_send_test(person=request.person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A test message is on its way to you in Teams."))
    return redirect("teams:settings")


@teams_admin
@require_POST
def disconnect(request: PersonRequest) -> HttpResponse:
    if teams_disconnect(
        organization=request.organization,
        actor=request.person,
    ):
        messages.success(request, _("Microsoft Teams disconnected. Everybody gets e-mail again."))
    return redirect("teams:settings")
