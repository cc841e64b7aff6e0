"""Background work of the notify app (DEP 14 tasks: ids in, safe to run twice)."""

from __future__ import annotations

from django_tasks import task

from .services import messages_deliver, outbox_sweep


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
