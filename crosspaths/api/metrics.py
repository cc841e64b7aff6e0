"""``/metrics``: Prometheus metrics behind a bearer token (``METRICS_TOKEN``).

Two sources. django-prometheus's middleware counts requests, latencies and responses
in the web process that answers the scrape (with several gunicorn workers, set
``PROMETHEUS_MULTIPROC_DIR`` so they share their counts; docs/operations.md). The
domain's figures are read from the database at scrape time, because the work happens
in task workers and schedulers on any number of machines: counts kept in one process
would see only its own share. They are instance-wide, without organization labels.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

from crosspaths import clock
from crosspaths.housekeeping.heartbeats import SCHEDULER, heartbeat_age, tallies
from crosspaths.meetings.models import CheckIn
from crosspaths.notify.models import Message
from crosspaths.programs.models import Round

# Tallies of pruned sent messages are named "sent:<channel>" (notify's retention job).
SENT_TALLY = "sent:"


class DomainCollector:
    """Rounds, engine time, the outbox, deliveries and check-ins, from the database."""

    def collect(self) -> Iterator[Metric]:
        yield from self._rounds()
        yield from self._outbox()
        yield from self._messages()
        checkins = CounterMetricFamily(
            "crosspaths_checkins", "Check-in answers received", labels=["met"]
        )
        answers = dict(CheckIn.objects.values_list("met").annotate(n=Count("id")))
        for met in (True, False):
            checkins.add_metric(["yes" if met else "no"], answers.get(met, 0))
        yield checkins
        age = heartbeat_age(name=SCHEDULER, now=clock.now())
        if age is not None:
            yield GaugeMetricFamily(
                "crosspaths_scheduler_heartbeat_age_seconds",
                "Seconds since a scheduler last finished a pass",
                value=age,
            )

    def _rounds(self) -> Iterator[Metric]:
        counts = Round.objects.aggregate(
            drafted=Count("id"), published=Count("id", filter=Q(published_at__isnull=False))
        )
        yield CounterMetricFamily(
            "crosspaths_rounds_drafted", "Rounds drafted", value=counts["drafted"]
        )
        yield CounterMetricFamily(
            "crosspaths_rounds_published", "Rounds published", value=counts["published"]
        )
        seconds = [
            float(s)
            for s in Round.objects.values_list("metrics__seconds__match", flat=True)
            if isinstance(s, int | float)
        ]
        yield SummaryMetricFamily(
            "crosspaths_engine_seconds",
            "Time the matching engine took per drafted round",
            count_value=len(seconds),
            sum_value=sum(seconds),
        )

    def _outbox(self) -> Iterator[Metric]:
        now = clock.now()
        queued = Message.objects.filter(status=Message.Status.QUEUED)
        depth = GaugeMetricFamily(
            "crosspaths_outbox_depth", "Messages queued for delivery", labels=["channel"]
        )
        by_channel = dict(queued.values_list("channel").annotate(n=Count("id")))
        for channel in Message.Channel.values:
            depth.add_metric([channel], by_channel.get(channel, 0))
        yield depth
        oldest = queued.filter(next_attempt_at__lte=now).aggregate(at=Min("next_attempt_at"))["at"]
        yield GaugeMetricFamily(
            "crosspaths_outbox_oldest_due_age_seconds",
            "How long the longest-waiting due message has been due (0: none due)",
            value=0.0 if oldest is None else (now - oldest).total_seconds(),
        )

    def _messages(self) -> Iterator[Metric]:
        counts = dict(
            ((channel, status), n)
            for channel, status, n in Message.objects.filter(
                status__in=[Message.Status.SENT, Message.Status.FAILED]
            )
            .values_list("channel", "status")
            .annotate(n=Count("id"))
        )
        pruned = tallies(prefix=SENT_TALLY)
        sent = CounterMetricFamily(
            "crosspaths_messages_sent", "Messages delivered", labels=["channel"]
        )
        failed = GaugeMetricFamily(
            "crosspaths_messages_failed",
            "Messages that gave up (kept for review)",
            labels=["channel"],
        )
        for channel in Message.Channel.values:
            kept = counts.get((channel, Message.Status.SENT), 0)
            sent.add_metric([channel], kept + pruned.get(SENT_TALLY + channel, 0))
            failed.add_metric([channel], counts.get((channel, Message.Status.FAILED), 0))
        yield sent
        yield failed


DOMAIN = CollectorRegistry(auto_describe=False)
DOMAIN.register(DomainCollector())


def _process_registry() -> CollectorRegistry:
    """django-prometheus's request metrics: this process's, or every gunicorn worker's
    when they write to a shared ``PROMETHEUS_MULTIPROC_DIR``."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


def metrics(request: HttpRequest) -> HttpResponse:
    """404 while no ``METRICS_TOKEN`` is configured (the endpoint does not exist), 403
    without the right ``Authorization: Bearer`` token."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return HttpResponseForbidden("A bearer token is required.\n", content_type="text/plain")
    body = generate_latest(_process_registry()) + generate_latest(DOMAIN)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
