"""Delivering webhooks: claim, sign, POST, record; back-off; disabling an endpoint
that keeps failing.

Exactly one worker sends an attempt: it may only send a row it moved from ``queued``
to ``sending`` itself (a conditional UPDATE), one row at a time, so two copies of the
task (or a task and a sweep) never send the same attempt twice. Each request is signed
with the endpoint's secret as Standard Webhooks says (``webhook-id``,
``webhook-timestamp``, ``webhook-signature``: ``v1,`` + HMAC-SHA256 of
``id.timestamp.body``), checked against private networks (``ssrf.py``), sent without
following redirects and with a timeout. Any 2xx answer is success; anything else, a
timeout or a refused connection is a failed attempt.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from crosspaths import clock
from crosspaths.console.models import AuditLog

from .emails import send_endpoint_disabled
from .models import TEST_EVENT, Delivery, Endpoint
from .secrets import secret_decrypt
from .ssrf import PinnedAdapter, UnsafeUrl, url_check

logger = logging.getLogger(__name__)
Status = Delivery.Status
USER_AGENT = "Crosspaths-Webhooks/1"
ACTION_DISABLE = "webhook.disable"
# An attempt's answer: HTTP status, its first characters, milliseconds (None: no answer).
Answer = tuple[int | None, str, int | None]


@dataclass
class DeliveryReport:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    not_mine: int = 0


class AttemptFailed(Exception):
    """An attempt that did not end in a 2xx answer; ``unreachable`` when no answer came
    at all (the rest of the batch for that endpoint waits for a later sweep)."""

    def __init__(self, text: str, *, unreachable: bool = False):
        super().__init__(text)
        self.unreachable = unreachable


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: Standard Webhooks' schedule
    (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h by default), the last step repeated."""
    schedule = settings.WEBHOOKS_RETRY_SCHEDULE_SECONDS
    return timedelta(seconds=schedule[min(max(attempts, 1), len(schedule)) - 1])


def signed_request(delivery: Delivery, secret: str, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt; the timestamp is the attempt's own."""
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    signature = Webhook(secret).sign(msg_id=delivery.event_id, timestamp=now, data=body)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    return body.encode(), headers


def _post(delivery: Delivery, now: datetime) -> Answer:
    """POST one attempt; (status, the answer's first characters, milliseconds)."""
    endpoint = delivery.endpoint
    try:
        url_check(endpoint.url)
        body, headers = signed_request(delivery, secret_decrypt(endpoint.secret_encrypted), now)
    except Exception as error:
        raise AttemptFailed(str(error)) from error
    started = time.monotonic()
    try:
        with (
            _session() as session,
            session.post(
                endpoint.url,
                data=body,
                headers=headers,
                timeout=(
                    settings.WEBHOOKS_CONNECT_TIMEOUT_SECONDS,
                    settings.WEBHOOKS_TIMEOUT_SECONDS,
                ),
                allow_redirects=False,
                stream=True,
            ) as response,
        ):
            raw = response.raw.read(500, decode_content=True) or b""
    except UnsafeUrl as error:  # the name resolved inward by the time we connected
        raise AttemptFailed(str(error)) from error
    except requests.RequestException as error:
        took = int((time.monotonic() - started) * 1000)
        delivery.duration_ms = took
        raise AttemptFailed(f"{type(error).__name__}: {error}", unreachable=True) from error
    took = int((time.monotonic() - started) * 1000)
    return response.status_code, raw.decode("utf-8", "replace"), took


def _session() -> requests.Session:
    """A session that connects only to checked addresses (ssrf.py) and ignores proxy
    settings of the environment (a proxy would connect instead of us, unchecked)."""
    session = requests.Session()
    session.trust_env = False
    adapter = PinnedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _claim(delivery: Delivery, now: datetime) -> bool:
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk, status=Status.QUEUED, next_attempt_at__lte=now
        ).update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            lease_until=now + timedelta(seconds=settings.WEBHOOKS_SEND_LEASE_SECONDS),
        )
    )


def deliveries_deliver(*, delivery_ids: Sequence[int]) -> DeliveryReport:
    """Attempt the given deliveries that are still queued and due, each at most once
    per claim. An endpoint that does not answer at all has the rest of its rows in the
    batch released for a later sweep instead of timing out one by one."""
    report = DeliveryReport()
    batch = list(
        Delivery.objects.filter(pk__in=list(delivery_ids), status=Status.QUEUED)
        .select_related("endpoint")
        .order_by("pk")
    )
    down: set[int] = set()
    for index, delivery in enumerate(batch):
        if delivery.endpoint_id in down:
            continue
        now = clock.now()
        if not _claim(delivery, now):
            report.not_mine += 1
            continue
        delivery.attempts += 1
        if not delivery.endpoint.enabled and delivery.event_type != TEST_EVENT:
            _finish(delivery, Status.FAILED, error=_("The endpoint is disabled; not sent."))
            report.failed += 1
            continue
        answer: Answer = (None, "", None)
        try:
            answer = _post(delivery, now)
            if not 200 <= (answer[0] or 0) < 300:
                raise AttemptFailed(f"HTTP {answer[0]}")
        except AttemptFailed as error:
            _failed(delivery, error, answer, report)
            if error.unreachable:
                down.add(delivery.endpoint_id)
                rest = [d.pk for d in batch[index + 1 :] if d.endpoint_id == delivery.endpoint_id]
                _release(rest, now)
            continue
        _finish(delivery, Status.SENT, answer=answer)
        _endpoint_succeeded(delivery.endpoint)
        report.sent += 1
    return report


def _finish(
    delivery: Delivery,
    status: str,
    *,
    error: str = "",
    answer: Answer = (None, "", None),
) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
        status=status,
        lease_until=None,
        last_error=error[:1000],
        response_status=answer[0],
        response_snippet=(answer[1] or "")[:500],
        duration_ms=answer[2] if answer[2] is not None else delivery.duration_ms,
        sent_at=clock.now() if status == Status.SENT else None,
    )


def _failed(
    delivery: Delivery,
    error: AttemptFailed,
    answer: Answer,
    report: DeliveryReport,
) -> None:
    """Back in the queue after the back-off, or failed for good after the last
    attempt; either way the endpoint's run of failures grows."""
    text = f"attempt {delivery.attempts}: {error}"
    if delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        _finish(delivery, Status.FAILED, error=text, answer=answer)
        report.failed += 1
    else:
        Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
            status=Status.QUEUED,
            lease_until=None,
            next_attempt_at=clock.now() + backoff(delivery.attempts),
            last_error=text[:1000],
            response_status=answer[0],
            response_snippet=(answer[1] or "")[:500],
            duration_ms=answer[2] if answer[2] is not None else delivery.duration_ms,
        )
        report.retry += 1
    logger.info("webhook delivery %s failed: %s", delivery.pk, text)
    _endpoint_failed(delivery.endpoint)


def _release(ids: Sequence[int], now: datetime) -> None:
    """Give back rows this batch did not get to: no attempt counted, due after the
    first back-off step, picked up by a later sweep."""
    if ids:
        Delivery.objects.filter(pk__in=list(ids), status=Status.QUEUED).update(
            lease_until=None, next_attempt_at=now + backoff(1)
        )


def _endpoint_succeeded(endpoint: Endpoint) -> None:
    if endpoint.consecutive_failures or endpoint.failing_since:
        Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0, failing_since=None)


def _endpoint_failed(endpoint: Endpoint) -> None:
    """Count the failure; disable the endpoint once attempts have failed without a
    success ``WEBHOOKS_DISABLE_AFTER_FAILURES`` times in a row *and* for at least
    ``WEBHOOKS_DISABLE_AFTER_HOURS``: a receiver down for a deployment (many failures
    in minutes) is not disabled, one dead for a day is."""
    now = clock.now()
    Endpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1,
        failing_since=Coalesce("failing_since", now),
    )
    failures, since = (
        Endpoint.objects.filter(pk=endpoint.pk)
        .values_list("consecutive_failures", "failing_since")
        .get()
    )
    since = since or now  # never None: the update above set it
    long_enough = now - since >= timedelta(hours=settings.WEBHOOKS_DISABLE_AFTER_HOURS)
    if failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES and long_enough:
        endpoint_disable_failing(endpoint=endpoint, failures=failures, since=since)


def endpoint_disable_failing(*, endpoint: Endpoint, failures: int, since: datetime) -> bool:
    """Disable an endpoint that keeps failing: a conditional update, so of two workers
    exactly one disables it, fails its waiting deliveries, writes the audit-log entry
    and (after the commit) e-mails the organization's admins."""
    reason = _(
        "Disabled automatically: %(failures)d attempts in a row failed since "
        "%(since)s UTC, the last with: %(error)s"
    ) % {
        "failures": failures,
        "since": f"{since:%Y-%m-%d %H:%M}",
        "error": _last_error(endpoint),
    }
    with transaction.atomic():
        won = Endpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
            enabled=False, disabled_at=clock.now(), disabled_reason=reason[:500]
        )
        if not won:
            return False
        Delivery.objects.filter(endpoint=endpoint, status=Status.QUEUED).update(
            status=Status.FAILED,
            lease_until=None,
            last_error=_("The endpoint was disabled; not sent."),
        )
        AuditLog.objects.create(
            organization_id=endpoint.organization_id,
            actor_name="Crosspaths",
            action=ACTION_DISABLE,
            target_type="endpoint",
            target_id=str(endpoint.pk),
            summary=(
                _("Webhook endpoint %(url)s disabled after repeated failures")
                % {"url": endpoint.url}
            )[:500],
            details={"failures": failures, "failing_since": since.isoformat()},
        )
        endpoint_id = endpoint.pk
        transaction.on_commit(lambda: send_endpoint_disabled(endpoint_id=endpoint_id))
    logger.warning("webhook endpoint %s disabled after %s failures", endpoint.pk, failures)
    return True


def _last_error(endpoint: Endpoint) -> str:
    error = (
        Delivery.objects.filter(endpoint=endpoint)
        .exclude(last_error="")
        .order_by("-next_attempt_at", "-pk")
        .values_list("last_error", flat=True)
        .first()
    )
    return (error or "?")[:200]
