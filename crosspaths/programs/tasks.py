"""Background work of the programs app (DEP 14 tasks: ids in, safe to run twice)."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from .models import Program
from .services import RoundExists, round_draft, round_publish


@task()
def draft_round(program_id: int, on: str, publish: bool = False) -> int | None:
    """Draft (and optionally publish) a round of a program on an ISO date, e.g. when an
    admin presses "run a round now" for a large program. Running it twice drafts once:
    the second run finds the round and returns its id."""
    program = Program.objects.select_related("organization").get(pk=program_id)
    try:
        rnd = round_draft(program=program, on=date.fromisoformat(on))
    except RoundExists as exists:
        return exists.round.pk if exists.round else None
    if publish:
        round_publish(round=rnd)
    return rnd.pk
