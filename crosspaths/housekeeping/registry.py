"""The registry of daily jobs. A job is ``job(*, now) -> int``: it removes what has
expired as of ``now`` and returns how many rows it removed. Every job must be safe to
run twice (a second run finds nothing left to remove)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

DailyJob = Callable[..., int]

_JOBS: dict[str, DailyJob] = {}


def register_daily_job(name: str, job: DailyJob) -> None:
    """Add ``job`` under ``name`` (the name is its claim key and what the scheduler
    prints). Registering the same job again is harmless; another job under a name in
    use is a configuration error, not a silent replacement."""
    if len(name) > 64:
        raise ImproperlyConfigured(f"daily job name longer than 64 characters: {name!r}")
    current = _JOBS.get(name)
    if current is not None and current is not job:
        raise ImproperlyConfigured(f"two daily jobs are called {name!r}")
    _JOBS[name] = job


def daily_jobs() -> dict[str, DailyJob]:
    """Every registered job by name, in registration order (the apps' order)."""
    return dict(_JOBS)


# Steps the scheduler runs on every pass (not daily): ``step(*, now) -> int`` returns
# how many things it did. Same rules as the daily jobs: safe to run twice and on
# several machines at once.
PassStep = Callable[..., int]

_PASS_STEPS: dict[str, PassStep] = {}


def register_pass_step(name: str, step: PassStep) -> None:
    """Add ``step`` under ``name``; another step under a name in use is an error."""
    current = _PASS_STEPS.get(name)
    if current is not None and current is not step:
        raise ImproperlyConfigured(f"two scheduler steps are called {name!r}")
    _PASS_STEPS[name] = step


def pass_steps() -> dict[str, PassStep]:
    """Every registered pass step by name, in registration order."""
    return dict(_PASS_STEPS)
