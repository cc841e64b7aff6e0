"""Bearer tokens for the SCIM endpoint: created (and shown once) by an organization
admin in the console or by an operator's ``manage.py scim_token``, revoked in the console."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.bearer import secret_live, secret_new
from crosspaths.console.models import AuditLog
from crosspaths.console.services import audit_record
from crosspaths.people.models import Organization, Person

from .models import ScimToken

TOKEN_PREFIX = "cpscim_"


@transaction.atomic
def scim_token_create(
    *, organization: Organization, name: str, created_by: Person | None = None
) -> tuple[ScimToken, str]:
    """A new token for ``organization``; returns it and the raw token, which exists
    nowhere else afterwards (only its hash is stored)."""
    raw, token_hash, shown = secret_new(TOKEN_PREFIX, shown=4)
    token = ScimToken.objects.create(
        organization=organization,
        name=name.strip()[:100] or _("SCIM token"),
        token_hash=token_hash,
        prefix=shown,
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
    return secret_live(
        ScimToken.objects.select_related("organization"),
        raw=raw,
        prefix=TOKEN_PREFIX,
        hash_field="token_hash",
    )
