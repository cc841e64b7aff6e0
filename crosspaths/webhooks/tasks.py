"""Background work of the webhooks app (DEP 14 tasks: ids in, safe to run twice)."""

from __future__ import annotations

from django_tasks import task

from .sending import deliveries_deliver


@task()
def deliver_webhooks(delivery_ids: list[int]) -> dict[str, int]:
    """Attempt a batch of deliveries. Running it twice, or two copies at once, sends
    no attempt twice: every row is claimed by a conditional update first."""
    return vars(deliveries_deliver(delivery_ids=delivery_ids))
