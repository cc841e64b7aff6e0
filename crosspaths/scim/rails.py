"""The brake on mass deprovisioning: a wrong group assignment in an identity provider
can deactivate half a company in minutes. More SCIM deactivations within an hour than
``settings.SCIM_DEACTIVATION_SHARE`` of the organization pause further ones (each is
refused with a SCIM error) until an admin resumes them in the console; the admins are
e-mailed once when the pause starts."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from scim2_models import ForbiddenException

from crosspaths import clock
from crosspaths.console.models import AuditLog
from crosspaths.console.services import audit_record
from crosspaths.people.models import Organization, Person

from .models import ScimPause

WINDOW = timedelta(hours=1)
# However small the organization, this many deactivations an hour pass (a team of 8
# losing one person is not a mass deprovisioning).
FLOOR = 3
log = logging.getLogger(__name__)


class DeactivationsPaused(ForbiddenException):
    """Answered (403) to every deactivation while an organization's pause lasts."""

    _default_detail = (
        "Deactivations are paused for this organization: more people were deactivated "
        "within an hour than its limit allows. An organization admin can resume them in "
        "the Crosspaths console (Provisioning)."
    )


def scim_deactivation_allow(*, organization: Organization) -> None:
    """Let one more SCIM deactivation through, or raise DeactivationsPaused (starting
    the pause when this one would go over the limit). Call it before the write's own
    transaction: the pause must outlive the refused request."""
    pause = ScimPause.objects.filter(organization=organization).first()
    if pause is not None and pause.resumed_at is None:
        raise DeactivationsPaused
    now = clock.now()
    since = now - WINDOW
    if pause is not None and pause.resumed_at is not None and pause.resumed_at > since:
        since = pause.resumed_at  # an admin looked: count afresh from then
    # Both counts walk an index (the audit log's by organization and time, people's by
    # organization and activity), never the whole roster.
    recent = AuditLog.objects.filter(
        organization=organization,
        action=AuditLog.Action.SCIM_USER_DEACTIVATE,
        created_at__gte=since,
    ).count()
    size = Person.objects.filter(organization=organization, active=True).count() + recent
    allowed = max(FLOOR, int(settings.SCIM_DEACTIVATION_SHARE * size))
    if recent + 1 > allowed:
        _pause_start(organization=organization, recent=recent, allowed=allowed)
        raise DeactivationsPaused


@transaction.atomic
def _pause_start(*, organization: Organization, recent: int, allowed: int) -> None:
    """Record the pause, log it and (once per pause) e-mail the organization's admins."""
    now = clock.now()
    pause, created = ScimPause.objects.select_for_update().get_or_create(
        organization=organization, defaults={"started_at": now}
    )
    if not created:
        if pause.resumed_at is None:
            return  # another request started it a moment ago
        ScimPause.objects.filter(pk=pause.pk).update(started_at=now, resumed_at=None)
    with translation.override(organization.language or "en"):
        summary = _(
            "SCIM deactivations paused: %(recent)d people deactivated within an hour "
            "(limit %(allowed)d)"
        ) % {"recent": recent, "allowed": allowed}
    audit_record(
        organization=organization,
        actor=None,
        action=AuditLog.Action.SCIM_PAUSE,
        summary=summary,
        details={"recent": recent, "allowed": allowed},
    )
    transaction.on_commit(lambda: _alert_admins(organization=organization, recent=recent))


def _alert_admins(*, organization: Organization, recent: int) -> None:
    """One e-mail per active admin, in their language; a mail failure is logged, not
    raised, since the pause itself is recorded and shown in the console."""
    admins = Person.objects.filter(
        organization=organization, role=Person.Role.ADMIN, active=True
    ).select_related("organization")
    for admin in admins:
        with translation.override(admin.effective_language):
            subject = _("Crosspaths: deactivations from your identity provider are paused")
            body = _(
                "Your identity provider deactivated %(recent)d people of %(org)s within an "
                "hour through SCIM. That is more than the limit, so Crosspaths refuses "
                "further deactivations until an admin resumes them.\n\n"
                "If this was intended (e.g. a planned clean-up), resume them here: "
                "%(url)s\n"
                "If not, fix the assignment in your identity provider first."
            ) % {
                "recent": recent,
                "org": organization.name,
                "url": settings.SITE_URL + reverse("scim_console:tokens"),
            }
        try:
            send_mail(subject, body, None, [admin.email])
        except OSError:
            log.exception("SCIM pause e-mail to %s failed", admin.email)


@transaction.atomic
def scim_deactivations_resume(*, organization: Organization, actor: Person) -> bool:
    """An admin ends the pause; deactivations are counted afresh from now."""
    resumed = ScimPause.objects.filter(organization=organization, resumed_at__isnull=True).update(
        resumed_at=clock.now()
    )
    if resumed:
        with translation.override(organization.language or "en"):
            summary = _("SCIM deactivations resumed")
        audit_record(
            organization=organization,
            actor=actor,
            action=AuditLog.Action.SCIM_RESUME,
            summary=summary,
        )
    return bool(resumed)


def scim_paused(*, organization: Organization) -> ScimPause | None:
    """The organization's current pause, if deactivations are paused."""
    return ScimPause.objects.filter(organization=organization, resumed_at__isnull=True).first()
