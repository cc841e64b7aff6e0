"""Formats whose rounds another app drafts instead of the general engine.

A format app (higher in the layers, e.g. ``crosspaths.bridges``) registers a function
in its ``AppConfig.ready``; ``services.round_draft`` asks here first and otherwise
calls ``crosspaths.matching.match``. Everything after the groups (slots, video links,
e-mails, check-ins) stays the programs app's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from crosspaths.matching.types import Result

from .models import Program

Drafter = Callable[..., Result]  # (*, program, data: EngineInput, on: date) -> Result
# (*, program, person_ids) -> [(code, sentence)]: the format's own hard rules for a group,
# checked on hand edits and stand-ins besides ``hard_rule_problems``.
GroupCheck = Callable[..., list[tuple[str, str]]]
# (program) -> a sentence saying why no round may be drafted for it, or None.
Refusal = Callable[[Program], str | None]
_DRAFTERS: dict[str, Drafter] = {}
_CHECKS: dict[str, GroupCheck] = {}
_REFUSALS: list[Refusal] = []


def register(format: str, drafter: Drafter, *, check: GroupCheck | None = None) -> None:
    """Draft rounds of programs of ``format`` with ``drafter`` (idempotent); ``check``
    names what a hand-edited group breaks of the format's own rules."""
    _DRAFTERS[format] = drafter
    if check is not None:
        _CHECKS[format] = check


def refuse_drafts(refusal: Refusal) -> None:
    """Refuse rounds drafted by the engine for the programs ``refusal`` names: formats
    whose rounds their own app writes (mentoring cycles, journey steps), so neither the
    console, the API nor the scheduler pairs them like a weekly coffee. Idempotent."""
    if refusal not in _REFUSALS:
        _REFUSALS.append(refusal)


def draft_refused(program: Program) -> str | None:
    """Why no round may be drafted for ``program``, or None."""
    for refusal in _REFUSALS:
        why = refusal(program)
        if why:
            return why
    return None


def drafter_for(program: Program) -> Drafter | None:
    return _DRAFTERS.get(program.format)


def format_problems(program: Program, person_ids: Sequence[int]) -> list[tuple[str, str]]:
    """The format's own rules a group of ``person_ids`` would break (none for formats
    without a check)."""
    check = _CHECKS.get(program.format)
    return check(program=program, person_ids=list(person_ids)) if check else []
