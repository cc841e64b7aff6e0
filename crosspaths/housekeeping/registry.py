"""The registry of the scheduler's periodic work: pass steps and daily jobs.

A daily job is ``job(*, now) -> int``: it removes what has expired as of ``now`` and
returns how many rows it removed. Every job must be safe to run twice (a second run
finds nothing left to remove). Each app registers its own in ``AppConfig.ready``, so
this kernel module knows no app and every app may register here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


# Steps the scheduler runs on every pass (not daily), in ``order``: ``step(*, now)``
# returns how many things it did (printed as "name: n" when not 0) or the lines to
# print (``Said``). Same rules as the daily jobs: safe to run twice and on several
# machines at once. The scheduler command calls nothing else by hand, so a new
# periodic step is one ``register_pass_step`` line in its app's ``ready()``.


@dataclass(frozen=True)
class Said:
    """One line a pass step wants printed; a ``problem`` goes to stderr."""

    text: str
    problem: bool = False


PassStep = Callable[..., "int | Iterable[Said]"]

_PASS_STEPS: dict[str, tuple[int, PassStep]] = {}


def register_pass_step(name: str, step: PassStep, *, order: int = 500) -> None:
    """Add ``step`` under ``name``, run at ``order`` (lower first; equal orders in
    registration order); another step under a name in use is an error."""
    current = _PASS_STEPS.get(name)
    if current is not None and current[1] is not step:
        raise ImproperlyConfigured(f"two scheduler steps are called {name!r}")
    _PASS_STEPS[name] = (order, step)


def pass_steps() -> dict[str, PassStep]:
    """Every registered pass step by name, in the order the scheduler runs them."""
    # sorted() is stable: steps of equal order keep their registration order.
    ranked = sorted(_PASS_STEPS.items(), key=lambda item: item[1][0])
    return {name: step for name, (_, step) in ranked}
