"""Background work of the insights app (DEP 14 tasks: ids in, safe to run twice)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def round_aggregate(round_id: int) -> dict[str, object]:
    """Recompute a round's figures; queued by ``services.round_aggregate_enqueue``."""
    return services.round_aggregate(round_id=round_id).as_dict()


@task()
def insights_nightly(day: str) -> int:
    """The nightly refresh of every organization (queued once a day by the scheduler)."""
    from datetime import date

    return services.insights_backfill(today=date.fromisoformat(day))
