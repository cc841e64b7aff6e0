"""Writes of the intranet card settings, each in one transaction with its audit-log
entry (the audit log's action is ``intranet.settings``)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths.console.services import audit_record
from crosspaths.people.models import Organization, Person

from .models import EmbedSettings

ACTION = "intranet.settings"


def _new_key() -> str:
    return secrets.token_urlsafe(16)  # 22 characters, 128 random bits


def embed_settings_for(*, organization: Organization) -> EmbedSettings:
    """The organization's settings, made (no origins) the first time they are needed."""
    found, _created = EmbedSettings.objects.get_or_create(
        organization=organization, defaults={"card_key": _new_key()}
    )
    return found


@transaction.atomic
def embed_origins_set(
    *, organization: Organization, actor: Person | None, origins: list[str]
) -> bool:
    """Replace the frame-ancestors allow-list with ``origins`` (already cleaned by
    ``origins_clean``). False when nothing changed (and nothing is recorded)."""
    current = embed_settings_for(organization=organization)
    current = EmbedSettings.objects.select_for_update().get(pk=current.pk)
    if current.origins == origins:
        return False
    before = current.origins
    current.origins = origins
    current.save(update_fields=["origins", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action=ACTION,
        target=current,
        summary=_("Intranet pages that may show the card: %(origins)s")
        % {"origins": ", ".join(origins) or _("none")},
        details={"before": before, "after": origins},
    )
    return True


@transaction.atomic
def card_key_renew(*, organization: Organization, actor: Person | None) -> EmbedSettings:
    """A new key for the organization card's URL: the old URL stops working at once."""
    current = embed_settings_for(organization=organization)
    current.card_key = _new_key()
    current.save(update_fields=["card_key", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action=ACTION,
        target=current,
        summary=_("New address for the organization card; the old one no longer works"),
    )
    return current
