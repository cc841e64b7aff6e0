"""Background work of the console (DEP 14 tasks: ids in, safe to run twice).

The services queue these tasks through the hooks ``services.invitations_queue`` and
``services.round_job_queue``, answered here (``ConsoleConfig.ready``), so the services
never import this module.
"""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from crosspaths.onboarding.invitations import people_invite_run

from .services import round_job_run


@task()
def invite_people(
    organization_id: int, person_ids: list[int], invited_by_id: int | None, requested_at: str
) -> dict[str, int]:
    """Send the invitations an admin asked for at ``requested_at`` (ISO time)."""
    return people_invite_run(
        organization_id=organization_id,
        person_ids=person_ids,
        invited_by_id=invited_by_id,
        requested_at=datetime.fromisoformat(requested_at),
    )


@task()
def run_round_job(job_id: int) -> str:
    """Preview or publish a round for the console (a ``RoundJob``); safe to run twice."""
    return round_job_run(job_id=job_id)


def invitations_queue(
    *, organization_id: int, person_ids: list[int], invited_by_id: int | None, requested_at: str
) -> None:
    invite_people.enqueue(organization_id, person_ids, invited_by_id, requested_at)


def round_job_queue(*, job_id: int) -> None:
    run_round_job.enqueue(job_id)
