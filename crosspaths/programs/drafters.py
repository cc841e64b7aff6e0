"""Formats whose rounds another app drafts instead of the general engine.

A format app (higher in the layers, e.g. ``crosspaths.bridges``) registers a function
in its ``AppConfig.ready``; ``services.round_draft`` asks here first and otherwise
calls ``crosspaths.matching.match``. Everything after the groups (slots, video links,
e-mails, check-ins) stays the programs app's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crosspaths.matching.types import Result

    from .models import Program

Drafter = Callable[..., "Result"]  # (*, program, data: EngineInput, on: date) -> Result
_DRAFTERS: dict[str, Drafter] = {}


def register(format: str, drafter: Drafter) -> None:
    """Draft rounds of programs of ``format`` with ``drafter`` (idempotent)."""
    _DRAFTERS[format] = drafter


def drafter_for(program: Program) -> Drafter | None:
    return _DRAFTERS.get(program.format)
