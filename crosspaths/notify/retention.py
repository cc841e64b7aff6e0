"""Pruning delivered messages: a daily job (crosspaths/housekeeping).

The outbox row of a message is needed while it is being delivered and for a while after
(an operator looking into "did Bob get his introduction?", the person's data export). It
is not needed by the insights, which count matches and check-ins, nor by the audit log,
which keeps its own rows. At 100,000 people the outbox grows by about 10 GB a week, so
sent (and skipped) messages go after ``MESSAGE_RETENTION_DAYS``; failed and queued ones
stay until someone acts on them. The number of sent messages pruned is added to a tally
per channel, so ``crosspaths_messages_sent_total`` never goes backwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from crosspaths.housekeeping.heartbeats import tally_add

from .models import Message

# Rows per transaction: short locks, bounded memory, progress kept if interrupted.
BATCH = 5000


def messages_forget_delivered(*, now: datetime) -> int:
    """Delete messages sent (or skipped) more than ``MESSAGE_RETENTION_DAYS`` ago, in
    batches, each batch and its tally in one transaction. Safe to run twice."""
    cutoff = now - timedelta(days=settings.MESSAGE_RETENTION_DAYS)
    expired = Message.objects.filter(
        Q(status=Message.Status.SENT, sent_at__lt=cutoff)
        | Q(status=Message.Status.SKIPPED, created_at__lt=cutoff)
    ).order_by("pk")
    removed = 0
    while True:
        with transaction.atomic():
            rows = list(expired.values_list("pk", "channel", "status")[:BATCH])
            if not rows:
                return removed
            Message.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()
            sent: dict[str, int] = {}
            for _pk, channel, status in rows:
                if status == Message.Status.SENT:
                    sent[channel] = sent.get(channel, 0) + 1
            for channel, count in sent.items():
                tally_add(name=f"sent:{channel}", count=count)
        removed += len(rows)
