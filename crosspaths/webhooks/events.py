"""Emitting events: the one call the services make (``emit``), inside the transaction
of the change. It writes a delivery per enabled endpoint subscribed to the event and
nothing at all when there is none (one indexed query), so services call it freely.

Payloads carry stable ids only (never names, e-mail addresses, ratings or comments):
a receiver reads the rest through the API with its key."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .models import EVENT_TYPES, TEST_EVENT, Endpoint
from .outbox import deliveries_write


def _subscribers(organization_id: int, event_type: str) -> list[Endpoint]:
    endpoints = Endpoint.objects.filter(organization_id=organization_id, enabled=True)
    return [e for e in endpoints if event_type in e.event_types]


def emit(*, organization_id: int, type: str, data: dict[str, Any]) -> int:
    """Announce one event of ``type`` with ``data`` to the organization's endpoints."""
    return emit_many(organization_id=organization_id, type=type, items=[data])


def emit_many(
    *,
    organization_id: int,
    type: str,
    items: Sequence[dict[str, Any]] | Callable[[], Sequence[dict[str, Any]]],
) -> int:
    """Announce one event per item (a round's ``match.created``, one per group).
    ``items`` may be a function that builds them: it is called only when an endpoint
    is subscribed, so a round of 50,000 groups reads nothing more for an organization
    without webhooks. Returns how many deliveries were written."""
    if type not in EVENT_TYPES and type != TEST_EVENT:
        raise ValueError(f"unknown webhook event type {type!r}")
    endpoints = _subscribers(organization_id, type)
    if not endpoints:
        return 0
    made = items() if callable(items) else items
    if not made:
        return 0
    return len(deliveries_write(endpoints=endpoints, event_type=type, items=made))
