"""Programs' steps of the scheduler's pass (registered in ``apps.py``): run the rounds
that are due, close the ones whose time is over, each saying what it did."""

from __future__ import annotations

from datetime import datetime

from crosspaths.housekeeping.registry import Said

from .services import rounds_close_due, rounds_run_due


def rounds_due_step(*, now: datetime) -> list[Said]:
    """Draft (and publish) the rounds that are due; a round per line."""
    due = rounds_run_due(now=now)
    said = []
    for rnd in due.drafted:
        state = "published" if rnd in due.published else "draft, waiting for review"
        said.append(Said(f"round {rnd.pk} {rnd}: {state}"))
    for rnd in due.resumed:
        said.append(Said(f"round {rnd.pk} {rnd}: published (a draft left by an earlier pass)"))
    said += [Said(f"skipped program {problem}", problem=True) for problem in due.skipped]
    return said


def rounds_close_step(*, now: datetime) -> list[Said]:
    """Close the published rounds whose time is over."""
    return [Said(f"round {rnd.pk} {rnd}: closed") for rnd in rounds_close_due(now=now)]
