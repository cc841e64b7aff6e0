"""The e-mail to an organization's admins when one of its webhook endpoints was
disabled after repeated failures: one per admin, in the admin's language. Sent right
away after the disabling commits (a rare message; nothing to retry but the SMTP
call, and the console shows the same reason)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from crosspaths.people.models import Person

from .models import Endpoint

logger = logging.getLogger(__name__)


def send_endpoint_disabled(*, endpoint_id: int) -> int:
    """E-mail every active admin of the endpoint's organization; how many were sent."""
    endpoint = Endpoint.objects.select_related("organization").filter(pk=endpoint_id).first()
    if endpoint is None:
        return 0
    admins = Person.objects.filter(
        organization_id=endpoint.organization_id,
        role=Person.Role.ADMIN,
        active=True,
    ).select_related("organization")
    url = settings.SITE_URL + reverse("webhooks_console:endpoint", args=[endpoint.pk])
    sent = 0
    for admin in admins:
        if admin.email_bounced:
            continue
        context = {"person": admin, "endpoint": endpoint, "url": url}
        with translation.override(admin.effective_language):
            subject = render_to_string("emails/webhooks/disabled_subject.txt", context)
            text = render_to_string("emails/webhooks/disabled.txt", context)
            html = render_to_string("emails/webhooks/disabled.html", context)
        message = EmailMultiAlternatives(
            " ".join(subject.split()),
            text,
            to=[admin.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(html, "text/html")
        try:
            message.send()
            sent += 1
        except Exception:
            logger.exception(
                "could not e-mail admin %s about webhook endpoint %s", admin.pk, endpoint.pk
            )
    return sent
