"""Background work of the notify app (DEP 14 tasks: ids in, safe to run twice).

The tasks run the outbox's services; the outbox queues them through the hook
``services.deliveries_enqueue``, answered here (``NotifyConfig.ready``), so the
services never import this module.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django_tasks import task
from django_tasks.base import TASK_MIN_PRIORITY

from .services import messages_deliver, outbox_sweep

logger = logging.getLogger(__name__)


@task()
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """Deliver a batch of outbox messages. Running it twice, or two copies at once,
    sends nothing twice: every message is claimed by a conditional update first."""
    report = messages_deliver(message_ids=message_ids)
    return vars(report)


@task()
def sweep_outbox() -> dict[str, int]:
    """Recover messages of dead workers and dispatch due ones (the scheduler runs this
    step itself; the task is for deployments that run a cron job instead)."""
    recovered, dispatched = outbox_sweep()
    return {"recovered": recovered, "dispatched": dispatched}


def deliveries_enqueue(*, ids: Sequence[int]) -> None:
    """One delivery task per batch of ids. If enqueueing fails (the broker is down),
    the rows keep their lease and the next sweep after it ends tries again.

    On a queue that orders by priority (the database queue) batch k of a hand-out goes
    at priority -k (down to the lowest, -100): a round published while another round's
    batches are still waiting has its first batches delivered next instead of after
    that whole round, and rounds published together go out interleaved, batch by batch
    (bench/many_orgs.py). RQ has no priorities and stays first in, first out."""
    size = max(1, settings.MAIL_BATCH_SIZE)
    ranked = deliver_messages.get_backend().supports_priority
    try:
        # On the database queue each task is a row: one transaction for the hand-out
        # commits once instead of once per batch (a 100,000-person round has about
        # 1,000 batches; one commit each was a quarter of its publication). All or
        # none: on a failure every row keeps its lease and the sweep hands it out.
        with transaction.atomic():
            for k, start in enumerate(range(0, len(ids), size)):
                task = deliver_messages
                if ranked and k:
                    task = deliver_messages.using(priority=max(TASK_MIN_PRIORITY, -k))
                task.enqueue(message_ids=list(ids[start : start + size]))
    except Exception:
        logger.exception("could not enqueue delivery of %s messages; the sweep retries", len(ids))
