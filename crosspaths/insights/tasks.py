"""Background work of the insights app (DEP 14 tasks: ids in, safe to run twice).

The tasks run the services; the services queue them through the hooks
``services.round_aggregate_queue`` and ``services.nightly_queue``, answered here
(``InsightsConfig.ready``), so the services never import this module.
"""

from __future__ import annotations

from datetime import date

from django_tasks import task

from crosspaths.people.models import Organization

from . import services


@task()
def round_aggregate(round_id: int) -> dict[str, object]:
    """Recompute a round's figures; queued by ``services.round_aggregate_enqueue``
    (and by ``services.round_aggregate`` for the later rounds it made stale)."""
    return services.round_aggregate(round_id=round_id).as_dict()


@task()
def insights_nightly(day: str) -> int:
    """The nightly refresh of every organization (queued once a day by the scheduler)."""
    return services.insights_backfill(today=date.fromisoformat(day))


@task()
def insights_recount(organization_id: int) -> int:
    """An admin's "recount now": the nightly refresh for one organization (rounds never
    counted, and the last weeks' rounds again for late check-ins). Safe to run twice:
    each round's figures are replaced, never added to."""
    org = Organization.objects.filter(pk=organization_id).first()
    return services.insights_backfill(organization=org) if org is not None else 0


def round_aggregate_queue(*, round_id: int) -> None:
    round_aggregate.enqueue(round_id=round_id)


def nightly_queue(*, day: str) -> None:
    insights_nightly.enqueue(day=day)
