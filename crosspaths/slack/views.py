"""Slack's requests (/slack/...) and the console page (/console/slack/).

Slack's endpoints take no session and no CSRF token: the request signature is their
authentication, checked before anything else is read. The console pages are for
organization admins: connect (OAuth), link people again, disconnect.
"""

from __future__ import annotations

import json
import logging
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from crosspaths.notify.channels.slack import escape
from crosspaths.notify.services import outbox_test_latest
from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import can_manage_provisioning, person_required

from . import inbound
from .models import SlackInstallation
from .services import (
    slack_authorize_url,
    slack_configured,
    slack_disconnect,
    slack_install,
    slack_reach,
    slack_send_test,
    slack_state_take,
    slack_uninstalled,
)
from .tasks import link_people

logger = logging.getLogger(__name__)


def signed_by_slack(view: Any) -> Any:
    """403 unless Slack's signature over the raw body is valid and recent."""

    @csrf_exempt
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if not inbound.request_verified(body=request.body, headers=request.headers):
            return HttpResponseForbidden("invalid or expired Slack signature")
        return view(request)

    return wrapper


@signed_by_slack
def interactions(request: HttpRequest) -> HttpResponse:
    try:
        payload = json.loads(request.POST.get("payload", ""))
    except ValueError:
        return HttpResponse("payload is not JSON", status=400)
    if isinstance(payload, dict):
        inbound.interaction(payload=payload)
    return HttpResponse(status=200)  # Slack wants the acknowledgement within 3 s


@signed_by_slack
def commands(request: HttpRequest) -> HttpResponse:
    text = inbound.command(
        team_id=request.POST.get("team_id", ""),
        user_id=request.POST.get("user_id", ""),
        text=request.POST.get("text", ""),
    )
    return JsonResponse({"response_type": "ephemeral", "text": escape(text)})


@signed_by_slack
def events(request: HttpRequest) -> HttpResponse:
    """url_verification (when the app's Request URL is saved in Slack), the events
    that say the app was removed from a workspace, and app_home_opened (the app's tab,
    published for the person who opened it)."""
    try:
        body = json.loads(request.body)
    except ValueError:
        return HttpResponse("body is not JSON", status=400)
    if not isinstance(body, dict):
        return HttpResponse("body is not an object", status=400)
    if body.get("type") == "url_verification":
        return JsonResponse({"challenge": str(body.get("challenge", ""))})
    event = body.get("event") or {}
    if body.get("type") == "event_callback" and event.get("type") in (
        "app_uninstalled",
        "tokens_revoked",
    ):
        slack_uninstalled(team_id=str(body.get("team_id") or ""))
    if (
        body.get("type") == "event_callback"
        and event.get("type") == "app_home_opened"
        and event.get("tab", "home") == "home"
    ):
        inbound.app_home_opened(
            team_id=str(body.get("team_id") or ""), user_id=str(event.get("user") or "")
        )
    return HttpResponse(status=200)


# --- console ----------------------------------------------------------------------------


def slack_admin(view: Any) -> Any:
    @person_required
    @wraps(view)
    def wrapper(request: PersonRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_provisioning(request.person):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("slack:oauth_callback"))


@slack_admin
@require_GET
def settings_page(request: PersonRequest) -> HttpResponse:
    organization = request.organization
    installation = SlackInstallation.objects.filter(organization=organization).first()
    context = {
        "section": "slack",
        "can_manage_people": True,
        "can_view_audit_log": True,
        "installation": installation,
        "configured": slack_configured(),
        "reach": slack_reach(organization=organization) if installation else None,
        "redirect_uri": _redirect_uri(request),
        "test_message": outbox_test_latest(person=request.person, channel="slack"),
    }
    return render(request, "slack/settings.html", context)


@slack_admin
@require_POST
def connect(request: PersonRequest) -> HttpResponse:
    if not slack_configured():
        messages.error(request, _("This Crosspaths installation has no Slack app configured."))
        return redirect("slack:settings")
    url = slack_authorize_url(
        session=request.session,
        organization=request.organization,
        redirect_uri=_redirect_uri(request),
    )
    return redirect(url)


@slack_admin
@require_GET
def oauth_callback(request: PersonRequest) -> HttpResponse:
    """Slack sends the admin back here with ``code`` and ``state`` (or ``error``)."""
    organization = request.organization
    state_ok = slack_state_take(
        session=request.session, organization=organization, state=request.GET.get("state", "")
    )
    if not state_ok:
        messages.error(
            request, _("This Slack answer was not for this session; please connect again.")
        )
        return redirect("slack:settings")
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, _("Slack was not connected: the installation was cancelled."))
        return redirect("slack:settings")
    try:
        installation = slack_install(
            organization=organization,
            code=request.GET["code"],
            redirect_uri=_redirect_uri(request),
            actor=request.person,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("slack:settings")
    link_people.enqueue(organization_id=organization.pk, refresh=False)
    messages.success(
        request,
        _("Slack workspace %(team)s connected. People are being linked by e-mail.")
        % {"team": installation.team_name or installation.team_id},
    )
    return redirect("slack:settings")


@slack_admin
@require_POST
def link(request: PersonRequest) -> HttpResponse:
    organization = request.organization
    if SlackInstallation.objects.filter(organization=organization).exists():
        link_people.enqueue(organization_id=organization.pk, refresh=True)
        messages.success(request, _("Everybody is being looked up in Slack again."))
    return redirect("slack:settings")


@slack_admin
@require_POST
def test_message(request: PersonRequest) -> HttpResponse:
    """Send yourself a test message on Slack; the page then shows how it went."""
    try:
        slack_send_test(person=request.person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A test message is on its way to you in Slack."))
    return redirect("slack:settings")


@slack_admin
@require_POST
def disconnect(request: PersonRequest) -> HttpResponse:
    if slack_disconnect(
        organization=request.organization,
        actor=request.person,
    ):
        messages.success(request, _("Slack disconnected. Everybody gets e-mail again."))
    return redirect("slack:settings")
