"""The webhook outbox: writing deliveries, handing them to workers, recovering them.

The life of a delivery::

    queued --(dispatch: lease, enqueue a task)--> queued, leased
           --(a worker claims it: conditional update)--> sending
           --> sent | queued again with back-off | failed (after the last attempt)

Rows are written in the transaction of the change they announce, so an event exists
exactly when its change does; delivery starts when that transaction commits. A task
that never ran (broker down) is covered by the dispatch lease: the next sweep after
it ends hands the row out again. A row left ``sending`` by a worker that died is put
back in the queue (the attempt counts): receivers deduplicate on ``webhook-id``, which
stays the same for every attempt, so "maybe twice" is the Standard Webhooks contract
where notify's e-mails prefer "maybe never" (docs/decisions.md).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from crosspaths import clock

from .models import Delivery, Endpoint
from .tasks import deliver_webhooks

logger = logging.getLogger(__name__)
Status = Delivery.Status


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=getattr(settings, name))


def event_id_new() -> str:
    """``msg_`` + 128 random bits: the ``webhook-id`` of every attempt of the event."""
    return "msg_" + secrets.token_urlsafe(16)


def payload_of(event_type: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {"type": event_type, "timestamp": now.isoformat(), "data": data}


def deliveries_write(
    *, endpoints: Iterable[Endpoint], event_type: str, items: Sequence[dict[str, Any]]
) -> list[int]:
    """One row per endpoint and item, each item its own event (its own id), due now and
    leased for the task that starts when the transaction commits."""
    now = clock.now()
    lease = now + _seconds("WEBHOOKS_DISPATCH_LEASE_SECONDS")
    events = [(event_id_new(), payload_of(event_type, data, now)) for data in items]
    rows = [
        Delivery(
            organization_id=endpoint.organization_id,
            endpoint=endpoint,
            event_id=event_id,
            event_type=event_type,
            payload=payload,
            next_attempt_at=now,
            lease_until=lease,
        )
        for endpoint in endpoints
        for event_id, payload in events
    ]
    Delivery.objects.bulk_create(rows, batch_size=2000)
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return ids


def enqueue(ids: Sequence[int]) -> None:
    """One task per batch of ids. If enqueueing fails, the rows keep their lease and
    the sweep after it ends tries again."""
    size = max(1, settings.WEBHOOKS_BATCH_SIZE)
    try:
        for start in range(0, len(ids), size):
            deliver_webhooks.enqueue(delivery_ids=list(ids[start : start + size]))
    except Exception:
        logger.exception("could not enqueue %s webhook deliveries; the sweep retries", len(ids))


def deliveries_dispatch(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """Hand every due, unleased queued delivery to a worker. ``skip_locked`` lets two
    schedulers sweep at once without handing out the same row twice."""
    now = now or clock.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                lease_until=now + _seconds("WEBHOOKS_DISPATCH_LEASE_SECONDS")
            )
            transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def deliveries_recover(*, now: datetime | None = None) -> int:
    """Deliveries left ``sending`` by a worker that died: back in the queue, due now
    (or failed, when that was the last attempt). Conditional on the lease seen, so two
    sweeps recover a row once."""
    now = now or clock.now()
    stale = list(
        Delivery.objects.filter(status=Status.SENDING, lease_until__lt=now).values_list(
            "pk", "lease_until", "attempts"
        )
    )
    for pk, lease, attempts in stale:
        note = f"attempt {attempts}: the worker stopped while sending (lease ended {lease:%Y-%m-%d %H:%M} UTC)"
        last = attempts >= settings.WEBHOOKS_MAX_ATTEMPTS
        Delivery.objects.filter(pk=pk, status=Status.SENDING, lease_until=lease).update(
            status=Status.FAILED if last else Status.QUEUED,
            lease_until=None,
            next_attempt_at=now,
            last_error=note,
        )
    if stale:
        logger.warning("%s webhook deliveries were interrupted mid-send", len(stale))
    return len(stale)


def webhooks_sweep(*, now: datetime | None = None) -> tuple[int, int]:
    """The scheduler's webhook step: recover interrupted rows, dispatch due ones."""
    now = now or clock.now()
    return deliveries_recover(now=now), deliveries_dispatch(now=now)


def deliveries_forget_old(*, now: datetime) -> int:
    """Daily job: delivered and failed rows older than ``WEBHOOKS_KEEP_DAYS`` go (the
    delivery log is for finding a problem, not an archive of payloads)."""
    cutoff = now - timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    deleted, _by_model = Delivery.objects.filter(
        status__in=[Status.SENT, Status.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted
