"""Connecting an organization's Microsoft Entra tenant, and linking its people.

An admin connects Teams by naming their tenant id (a GUID, shown in the Entra admin
center): from then on activities from that tenant belong to their organization, and
only those. Then they install the app package (``manage.py teams_manifest``, or the
download on the console page) for their users in the Teams admin center. When a person
gets the app, Teams tells the bot (``conversationUpdate``): the bot asks for the
member's e-mail address and links them to the active person of the tenant's
organization with that address, keeping the conversation reference (``TeamsUser``) and
a ``ChatAccount`` so the channel selection can send them messages on Teams.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.console.services import audit_record
from crosspaths.notify.models import Channel, ChatAccount
from crosspaths.notify.selection import organization_channels, organization_set_channels
from crosspaths.notify.services import outbox_write_test
from crosspaths.people.models import Organization, Person

from . import connector
from .models import TeamsInstallation, TeamsUser

logger = logging.getLogger(__name__)
TEAMS = Channel.TEAMS.value
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def teams_configured() -> bool:
    return bool(settings.TEAMS_APP_ID and settings.TEAMS_APP_PASSWORD)


def tenant_id_clean(value: str) -> str:
    text = (value or "").strip()
    if not GUID.match(text):
        raise ValidationError(
            _(
                "The tenant id is a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47; "
                "%(value)s is not one. Find it in the Microsoft Entra admin center under "
                "Overview."
            )
            % {"value": text[:80] or "''"},
            code="tenant_id",
        )
    return str(uuid.UUID(text))


def teams_connect(
    *, organization: Organization, tenant_id: str, actor: Person
) -> TeamsInstallation:
    """Claim a tenant for the organization. Refused when another organization has it.
    Teams becomes the organization's first channel; people are linked as they get the
    app."""
    tenant = tenant_id_clean(tenant_id)
    with transaction.atomic():
        if (
            TeamsInstallation.objects.filter(tenant_id=tenant)
            .exclude(organization=organization)
            .exists()
        ):
            raise ValidationError(
                _("This Microsoft tenant is already connected to another organization."),
                code="tenant_taken",
            )
        previous = TeamsInstallation.objects.filter(organization=organization).first()
        if previous is not None and previous.tenant_id != tenant:
            _forget_people(organization)
        installation, _created = TeamsInstallation.objects.update_or_create(
            organization=organization,
            defaults={"tenant_id": tenant, "connected_by": actor, "connected_at": clock.now()},
        )
        enabled = organization_channels(organization_id=organization.pk)
        organization_set_channels(
            organization=organization, channels=[TEAMS, *[c for c in enabled if c != TEAMS]]
        )
        audit_record(
            organization=organization,
            actor=actor,
            action="teams.connect",
            summary=_("Connected the Microsoft tenant %(tenant)s") % {"tenant": tenant},
            target=installation,
        )
    return installation


def _forget_people(organization: Organization) -> None:
    TeamsUser.objects.filter(organization=organization).delete()
    ChatAccount.objects.filter(organization=organization, channel=TEAMS).delete()


def teams_disconnect(*, organization: Organization, actor: Person | None) -> bool:
    """Forget the tenant and the linked people and stop delivering on Teams: people get
    e-mail again (``notify/selection.py`` falls back to it). Queued Teams messages wait
    and go out if Teams is connected again, else fail after their attempts."""
    installation = TeamsInstallation.objects.filter(organization=organization).first()
    if installation is None:
        return False
    with transaction.atomic():
        _forget_people(organization)
        installation.delete()
        enabled = [c for c in organization_channels(organization_id=organization.pk) if c != TEAMS]
        organization_set_channels(organization=organization, channels=enabled)
        audit_record(
            organization=organization,
            actor=actor,
            action="teams.disconnect",
            summary=_("Disconnected the Microsoft tenant %(tenant)s")
            % {"tenant": installation.tenant_id},
        )
    return True


def installation_of(tenant_id: str) -> TeamsInstallation | None:
    try:
        tenant = str(uuid.UUID(tenant_id))
    except (ValueError, TypeError, AttributeError):
        return None
    return TeamsInstallation.objects.filter(tenant_id=tenant).select_related("organization").first()


def teams_link(
    *,
    installation: TeamsInstallation,
    user_id: str,
    aad_object_id: str,
    service_url: str,
    conversation_id: str,
) -> Person | None:
    """The person of the installation's organization behind a Teams user: the linked
    one (their reference refreshed), or (first contact) the active person with the
    member's e-mail address, asked of the Bot Connector. Never anyone of another
    organization."""
    organization = installation.organization
    now = clock.now()
    known = (
        TeamsUser.objects.filter(organization=organization, user_id=user_id)
        .select_related("person__organization")
        .first()
    )
    if known is not None:
        changed = {"service_url": service_url}
        if conversation_id:
            changed["conversation_id"] = conversation_id
        TeamsUser.objects.filter(pk=known.pk).update(**changed)
        return known.person if known.person.active else None
    try:
        member = connector.get_member(
            service_url=service_url, conversation_id=conversation_id, user_id=user_id
        )
    except Exception as error:
        logger.info("members/%s in tenant %s failed: %s", user_id, installation.tenant_id, error)
        return None
    addresses = [str(member.get(k) or "") for k in ("email", "userPrincipalName")]
    addresses = [a for a in addresses if "@" in a]
    if not addresses:
        return None
    person = None
    for address in addresses:
        person = (
            Person.objects.filter(organization=organization, active=True, email__iexact=address)
            .select_related("organization")
            .first()
        )
        if person is not None:
            break
    if person is None:
        return None
    with transaction.atomic():
        TeamsUser.objects.filter(organization=organization, user_id=user_id).exclude(
            person=person
        ).delete()
        TeamsUser.objects.update_or_create(
            person=person,
            defaults={
                "organization": organization,
                "user_id": user_id,
                "aad_object_id": str(member.get("aadObjectId") or aad_object_id)[:64],
                "service_url": service_url,
                "conversation_id": conversation_id,
                "linked_at": now,
            },
        )
        ChatAccount.objects.filter(
            organization=organization, channel=TEAMS, external_id=user_id
        ).exclude(person=person).delete()
        ChatAccount.objects.update_or_create(
            person=person,
            channel=TEAMS,
            defaults={"organization": organization, "external_id": user_id, "linked_at": now},
        )
    return person


def teams_unlink(*, installation: TeamsInstallation, user_id: str) -> bool:
    """The person removed the app: they get e-mail again."""
    organization = installation.organization
    with transaction.atomic():
        gone = TeamsUser.objects.filter(organization=organization, user_id=user_id).delete()[0]
        ChatAccount.objects.filter(
            organization=organization, channel=TEAMS, external_id=user_id
        ).delete()
    return bool(gone)


def teams_reach(*, organization: Organization) -> dict[str, Any]:
    """Who is reachable on Teams (active people with the app) and who gets e-mail."""
    active = Person.objects.filter(organization=organization, active=True)
    linked = list(
        active.filter(teams_user__isnull=False)
        .order_by("name", "email")
        .values_list("name", "email")
    )
    return {"linked": len(linked), "others": active.count() - len(linked), "people": linked[:200]}


def teams_send_test(*, person: Person) -> int:
    """Queue a test message to the person on Teams (delivered by the outbox like any
    other). Refused when they cannot be reached there."""
    if not TeamsUser.objects.filter(organization_id=person.organization_id, person=person).exists():
        raise ValidationError(
            _(
                "You are not reachable on Teams yet: install the Crosspaths app in Teams "
                "(with the address %(email)s), then try again."
            )
            % {"email": person.email},
            code="not_linked",
        )
    return outbox_write_test(person=person, channel=TEAMS)
