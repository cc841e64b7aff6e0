"""Managing an organization's webhook endpoints (console and API): create (the secret
is returned once), change, disable and enable, delete, send a test event. Each change
is in the audit log, written in the change's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.console.services import audit_record
from crosspaths.people.models import Organization, Person

from .models import EVENT_TYPES, TEST_EVENT, Endpoint
from .outbox import deliveries_write
from .secrets import secret_encrypt, secret_new
from .ssrf import UnsafeUrl, url_check

ACTION_CREATE = "webhook.create"
ACTION_UPDATE = "webhook.update"
ACTION_DISABLE = "webhook.disable"
ACTION_ENABLE = "webhook.enable"
ACTION_DELETE = "webhook.delete"


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
        url_check(url)
    except ValidationError:
        raise ValidationError({"url": _("Give a full http:// or https:// address.")}) from None
    except UnsafeUrl as error:
        raise ValidationError({"url": str(error)}) from None
    if len(url) > 2000:
        raise ValidationError({"url": _("An address has at most 2000 characters.")})
    return url


def _clean_events(event_types: Iterable[str]) -> list[str]:
    chosen = sorted(set(event_types))
    if not chosen:
        raise ValidationError({"event_types": _("Choose at least one event.")})
    unknown = [e for e in chosen if e not in EVENT_TYPES]
    if unknown:
        raise ValidationError(
            {
                "event_types": _("Unknown event '%(name)s'; known: %(known)s.")
                % {"name": unknown[0], "known": ", ".join(EVENT_TYPES)}
            }
        )
    return chosen


@transaction.atomic
def endpoint_create(
    *,
    organization: Organization,
    url: str,
    event_types: Iterable[str],
    description: str = "",
    created_by: Person | None = None,
) -> tuple[Endpoint, str]:
    """A new endpoint and its signing secret (``whsec_...``), which is returned only
    here: afterwards it is only ever used to sign."""
    url, events = _clean_url(url), _clean_events(event_types)
    secret = secret_new()
    endpoint = Endpoint.objects.create(
        organization=organization,
        url=url,
        description=description.strip()[:200],
        event_types=events,
        secret_encrypted=secret_encrypt(secret),
        secret_prefix=secret[:10],
        created_by=created_by,
    )
    audit_record(
        organization=organization,
        actor=created_by,
        action=ACTION_CREATE,
        target=endpoint,
        summary=_("Webhook endpoint %(url)s created") % {"url": url},
        details={"event_types": events},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    endpoint: Endpoint,
    actor: Person | None,
    url: str | None = None,
    event_types: Iterable[str] | None = None,
    description: str | None = None,
) -> Endpoint:
    """Change what is given; the rest stays. The secret never changes."""
    before: dict[str, Any] = {
        "url": endpoint.url,
        "event_types": endpoint.event_types,
        "description": endpoint.description,
    }
    if url is not None:
        endpoint.url = _clean_url(url)
    if event_types is not None:
        endpoint.event_types = _clean_events(event_types)
    if description is not None:
        endpoint.description = description.strip()[:200]
    endpoint.save()
    after = {k: getattr(endpoint, k) for k in before}
    changed = {k: {"from": before[k], "to": after[k]} for k in before if before[k] != after[k]}
    if changed:
        audit_record(
            organization=endpoint.organization,
            actor=actor,
            action=ACTION_UPDATE,
            target=endpoint,
            summary=_("Webhook endpoint %(url)s changed") % {"url": endpoint.url},
            details=changed,
        )
    return endpoint


@transaction.atomic
def endpoint_set_enabled(*, endpoint: Endpoint, enabled: bool, actor: Person | None) -> bool:
    """Disable (by hand) or enable an endpoint; enabling starts a fresh count of
    failures. False when it already was so."""
    changes: dict[str, Any] = (
        {"enabled": True, "disabled_reason": "", "disabled_at": None}
        | {"consecutive_failures": 0, "failing_since": None}
        if enabled
        else {
            "enabled": False,
            "disabled_at": clock.now(),
            "disabled_reason": _("Disabled by %(who)s.")
            % {"who": (actor.name or actor.email) if actor else _("an API key")},
        }
    )
    won = Endpoint.objects.filter(pk=endpoint.pk, enabled=not enabled).update(**changes)
    if won:
        audit_record(
            organization=endpoint.organization,
            actor=actor,
            action=ACTION_ENABLE if enabled else ACTION_DISABLE,
            target=endpoint,
            summary=(
                _("Webhook endpoint %(url)s enabled")
                if enabled
                else _("Webhook endpoint %(url)s disabled")
            )
            % {"url": endpoint.url},
        )
        endpoint.refresh_from_db()
    return bool(won)


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint, actor: Person | None) -> None:
    """Delete the endpoint and its delivery log."""
    audit_record(
        organization=endpoint.organization,
        actor=actor,
        action=ACTION_DELETE,
        target=endpoint,
        summary=_("Webhook endpoint %(url)s deleted") % {"url": endpoint.url},
    )
    endpoint.delete()


@transaction.atomic
def endpoint_send_test(*, endpoint: Endpoint) -> int:
    """Queue a ``webhook.test`` event to this endpoint only (also when disabled, to
    check a receiver before enabling it again); returns the delivery's id."""
    (delivery_id,) = deliveries_write(
        endpoints=[endpoint],
        event_type=TEST_EVENT,
        items=[{"endpoint_id": endpoint.pk, "organization_id": endpoint.organization_id}],
    )
    return delivery_id
