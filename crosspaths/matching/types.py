"""The plain data the matching engine takes and returns.

These types are the contract between the engine and everything around it (the
CLI, the Django apps, the benchmarks). No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Mode = Literal["virtual", "in-person"]


@dataclass(frozen=True)
class Person:
    """A participant as the engine sees them; everything but ``id`` is optional."""

    id: str
    name: str = ""
    department: str = ""
    team: str = ""
    location: str = ""
    level: int | None = None
    manager_id: str = ""
    start_date: date | None = None
    timezone: str = ""  # IANA name; "" means unknown (no time-zone rule applies)
    languages: frozenset[str] = frozenset()  # empty means unknown (no language rule applies)
    interests: frozenset[str] = frozenset()
    # Rounds this person was left out of or sat out (paused) since their last match:
    # people who waited longest go first.
    waited_rounds: int = 0


@dataclass(frozen=True)
class PastGroup:
    """One group of an earlier round: its members met on ``date``."""

    date: date
    members: tuple[str, ...]


@dataclass(frozen=True)
class Weights:
    """How much each soft preference counts; 0 switches a preference off.

    Defaults follow the product's order of importance: different department
    first, then never-met-before, different location and team, level distance,
    shared interests, new hires with tenured colleagues, waiting time.
    """

    different_department: float = 10.0
    never_met: float = 5.0
    different_location: float = 3.0  # virtual formats only
    different_team: float = 2.0
    level_distance: float = 1.5  # paid when levels differ by at most ``level_bound``
    shared_interest: float = 1.0
    new_hire_with_tenured: float = 1.0
    waited: float = 0.5  # per waited round, per person, capped by ``waited_cap``


@dataclass(frozen=True)
class Rules:
    """The hard rules of a round and the knobs of the soft ones."""

    size: int = 2
    mode: Mode = "virtual"
    cooldown_weeks: int = 12
    min_overlap_minutes: int = 60
    work_start_minute: int = 9 * 60  # 09:00 local
    work_end_minute: int = 17 * 60  # 17:00 local
    level_bound: int = 2
    new_hire_days: int = 90
    tenured_days: int = 365  # a "tenured colleague" for new-hire welcomes
    waited_cap: int = 4
    # Measurement hold-out (crosspaths.matching.holdout): this share of all pairs is
    # never put in one group this round; the seed (the round's) says which pairs.
    holdout_share: float = 0.0
    holdout_seed: int = 0


@dataclass(frozen=True)
class Reason:
    """Why a group is good, as a stable code plus parameters (translatable by the
    web app) and an English sentence (for the CLI and logs)."""

    code: str  # e.g. "different_departments", "shared_interests", "first_meeting"
    text: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    members: tuple[str, ...]
    score: float
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class LeftOut:
    """A person who could not be placed, with why (code for translation, text for people)."""

    person_id: str
    code: str  # e.g. "no_shared_language", "no_time_overlap", "no_valid_partner", "odd_one_out"
    text: str


@dataclass
class Result:
    groups: list[Group]
    left_out: list[LeftOut]
    metrics: dict[str, Any]  # the REPORT.json figures (see cli.py) minus per-group reasons
    timings: dict[str, float]  # seconds per phase
