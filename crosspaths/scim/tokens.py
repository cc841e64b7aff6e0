"""Bearer tokens for the SCIM endpoint: created (and shown once) by an organization
admin in the console or by an operator's ``manage.py scim_token``, revoked in the console."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.console.models import AuditLog
from crosspaths.console.services import audit_record
from crosspaths.people.models import Organization, Person

from .models import ScimToken

TOKEN_PREFIX = "cpscim_"
# last_used_at is refreshed at most this often, so a burst of requests writes it once.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def scim_token_create(
    *, organization: Organization, name: str, created_by: Person | None = None
) -> tuple[ScimToken, str]:
    """A new token for ``organization``; returns it and the raw token, which exists
    nowhere else afterwards (only its hash is stored)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        organization=organization,
        name=name.strip()[:100] or _("SCIM token"),
        token_hash=_hash(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 4],
        created_by=created_by,
    )
    audit_record(
        organization=organization,
        actor=created_by,
        action=AuditLog.Action.SCIM_TOKEN_CREATE,
        target=token,
        summary=_("SCIM token “%(name)s” created") % {"name": token.name},
    )
    return token, raw


@transaction.atomic
def scim_token_revoke(*, token: ScimToken, actor: Person | None) -> bool:
    """Revoke a token at once (its next request is refused). False when it already was."""
    revoked = ScimToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    if revoked:
        audit_record(
            organization=token.organization,
            actor=actor,
            action=AuditLog.Action.SCIM_TOKEN_REVOKE,
            target=token,
            summary=_("SCIM token “%(name)s” revoked") % {"name": token.name},
        )
    return bool(revoked)


def scim_token_authenticate(*, raw: str) -> ScimToken | None:
    """The live token a request presents, with its organization; None when unknown or
    revoked. The token alone decides the organization a request acts in."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ScimToken.objects.select_related("organization")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
