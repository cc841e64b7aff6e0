"""From the database to the matching engine's plain data, in a handful of queries.

The engine knows nothing about Django; this module is the only translation between
the two. It reads with ``values_list`` (no model instances, no per-person queries),
so a round of 10,000+ people costs a few queries whatever the size.

History decision: the cooldown counts *every* meeting of the organization, in any of
its programs. "Never the same person again soon" is a promise about people, not
about one program: two colleagues who had lunch last week should not get a virtual
coffee together this week either.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, Q, QuerySet, TextField
from django.db.models.functions import Cast

from crosspaths.matching.types import PastGroup, Rules, Weights
from crosspaths.matching.types import Person as EnginePerson
from crosspaths.people.models import BlockedPair, Organization, Person

from .models import WEIGHT_NAMES, Enrollment, MatchMember, Program, Round

COUNTED_STATUSES = (Round.Status.PUBLISHED, Round.Status.CLOSED)

# What the engine needs of a person, in the order ``_engine_person`` reads it.
PERSON_FIELDS = (
    "id",
    "name",
    "department__name",
    "team__name",
    "location__name",
    "level",
    "manager_id",
    "start_date",
    "timezone",
    "location__timezone",
    "languages",
    "interests",
)


@dataclass(frozen=True)
class Whereabouts:
    """What the round needs of a person besides the engine's view: where they sit (an
    in-person group's meeting place) and when they are free (the suggested slot)."""

    location_id: int | None
    timezone: str
    availability: list[dict[str, Any]]
    # The location's place for public holidays (``crosspaths/people/days_off.py``).
    country: str = ""
    subdivision: str = ""


@dataclass(frozen=True)
class EngineInput:
    """Everything ``crosspaths.matching.match`` takes for one round, plus each
    person's whereabouts keyed by the engine's id."""

    people: list[EnginePerson]
    history: list[PastGroup]
    blocked: list[tuple[str, str]]
    rules: Rules
    weights: Weights
    on: date
    whereabouts: dict[str, Whereabouts]


def program_rules(program: Program, *, holdout_seed: int | None = None) -> Rules:
    """The program's rules; with ``holdout_seed`` (the round's id, when the engine drafts
    a round) also its measurement hold-out. Hand edits are checked without it: an admin
    may put a held-out pair together, and the estimate then no longer counts that pair
    as a comparison (it was in a group)."""
    holdout = program.holdout_percent / 100 if holdout_seed is not None else 0.0
    return Rules(
        size=program.group_size,
        mode=program.mode,  # type: ignore[arg-type]  # the model's choices are the engine's Mode literals
        cooldown_weeks=program.cooldown_weeks,
        holdout_share=holdout,
        holdout_seed=holdout_seed or 0,
    )


def program_weights(program: Program) -> Weights:
    """The program's preferences over the engine's defaults; unknown keys are ignored
    here (``Program.clean`` refuses them when the program is saved)."""
    known = {
        k: float(v)
        for k, v in (program.weights or {}).items()
        if k in WEIGHT_NAMES and isinstance(v, int | float)
    }
    return Weights(**known)


def _as_set(value: Any) -> frozenset[str]:
    if isinstance(value, frozenset):  # already read by _TextSets
        return value
    if not value:
        return frozenset()
    return frozenset(str(v).strip().lower() for v in value if str(v).strip())


class _TextSets(dict[str | None, frozenset[str]]):
    """A JSON list column's text → its set, each distinct text parsed once. A round's
    people share a few hundred language and interest lists; parsing 200,000 of them
    through the JSON field one by one was seconds of a 100,000-person draft."""

    def __missing__(self, text: str | None) -> frozenset[str]:
        value = self[text] = _as_set(json.loads(text) if text else None)
        return value


def _json_list(text: str | None) -> list[Any]:
    """A JSON list column read as text (``[]`` and NULL need no parser)."""
    return (json.loads(text) or []) if text and text != "[]" else []


def _as_text(field: str) -> Cast:
    """A JSON column as its text, for parsing once per distinct value (``_TextSets``)."""
    return Cast(field, output_field=TextField())


def _engine_person(row: Sequence[Any], org_timezone: str, waited: int = 0) -> EnginePerson:
    (pk, name, dept, team, loc, level, manager, start, tz, loc_tz, langs, interests) = row
    return EnginePerson(
        id=str(pk),
        name=name or "",
        department=dept or "",
        team=team or "",
        location=loc or "",
        level=level,
        manager_id=str(manager) if manager else "",
        start_date=start,
        # Person.effective_timezone, computed from the row instead of the instance.
        timezone=tz or loc_tz or org_timezone,
        languages=_as_set(langs),
        interests=_as_set(interests),
        waited_rounds=waited,
    )


def audience_filter(audience: dict[str, Any], *, on: date, prefix: str = "") -> Q:
    """The program's audience as a filter on people (``prefix`` e.g. ``"person__"``)."""
    q = Q()
    if audience.get("departments"):
        q &= Q(**{f"{prefix}department_id__in": audience["departments"]})
    if audience.get("locations"):
        q &= Q(**{f"{prefix}location_id__in": audience["locations"]})
    if audience.get("level_min") is not None:
        q &= Q(**{f"{prefix}level__gte": audience["level_min"]})
    if audience.get("level_max") is not None:
        q &= Q(**{f"{prefix}level__lte": audience["level_max"]})
    if audience.get("started_within_days") is not None:
        since = on - timedelta(days=int(audience["started_within_days"]))
        q &= Q(**{f"{prefix}start_date__gte": since})
    return q


def eligible_enrollments(program: Program, *, on: date) -> QuerySet[Enrollment]:
    """Enrollments whose person takes part on ``on``: enrolled, not left, not paused,
    still with the company, and in the program's audience."""
    return (
        Enrollment.objects.filter(
            program=program,
            organization_id=program.organization_id,
            left_at__isnull=True,
            person__active=True,
        )
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=on))
        .filter(audience_filter(program.audience or {}, on=on, prefix="person__"))
    )


def waited_rounds(
    program: Program, *, on: date, joined: dict[int, date], cap: int
) -> dict[int, int]:
    """Per person: rounds of this program since their last group here (or since they
    joined) in which they got no group, because they were left out or paused.
    Two queries, whatever the number of people."""
    past = list(
        Round.objects.filter(program=program, status__in=COUNTED_STATUSES, date__lt=on)
        .order_by("-date")
        .values_list("date", flat=True)[: cap + 1]
    )
    if not past:
        return {}
    past.reverse()
    last_group = dict(
        MatchMember.objects.filter(
            round__program=program, round__status__in=COUNTED_STATUSES, round__date__gte=past[0]
        )
        .values("person_id")
        .annotate(last=Max("round__date"))
        .values_list("person_id", "last")
    )
    out: dict[int, int] = {}
    for pk, since in joined.items():
        last = last_group.get(pk)
        start = max(since, last + timedelta(days=1)) if last else since
        count = len(past) - bisect.bisect_left(past, start)
        if count:
            out[pk] = min(count, cap)
    return out


def organization_history(
    organization_id: int,
    *,
    on: date,
    cooldown_weeks: int,
    person_ids: Iterable[int] | None = None,
    exclude_round_id: int | None = None,
) -> list[PastGroup]:
    """Groups of the organization's published or closed rounds within the cooldown,
    limited to ``person_ids`` when given (enough for checking a hand-edited group)."""
    rows = MatchMember.objects.filter(
        organization_id=organization_id,
        round__status__in=COUNTED_STATUSES,
        round__date__gt=on - timedelta(weeks=cooldown_weeks),
        round__date__lte=on,
    )
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    if exclude_round_id is not None:
        rows = rows.exclude(round_id=exclude_round_id)
    groups: dict[int, tuple[date, list[str]]] = {}
    for match_id, day, person_id in rows.values_list("match_id", "round__date", "person_id"):
        groups.setdefault(match_id, (day, []))[1].append(str(person_id))
    return [PastGroup(day, tuple(m)) for day, m in groups.values() if len(m) >= 2]


def organization_blocked(
    organization_id: int, *, person_ids: Iterable[int] | None = None
) -> list[tuple[str, str]]:
    rows = BlockedPair.objects.filter(organization_id=organization_id)
    if person_ids is not None:
        ids = list(person_ids)
        rows = rows.filter(person_id__in=ids, other_id__in=ids)
    return [(str(a), str(b)) for a, b in rows.values_list("person_id", "other_id")]


def engine_input_for(program: Program, *, on: date, holdout_seed: int | None = None) -> EngineInput:
    """The engine's input for a round of ``program`` on ``on`` (``holdout_seed``: see
    ``program_rules``)."""
    org = program.organization
    rules = program_rules(program, holdout_seed=holdout_seed)
    *plain, languages, interests = (f"person__{f}" for f in PERSON_FIELDS)
    rows = list(
        eligible_enrollments(program, on=on)
        .order_by("person_id")
        .values_list(
            "joined_at",
            "person__location_id",
            _as_text("person__availability"),
            "person__location__country",
            "person__location__subdivision",
            *plain,
            _as_text(languages),
            _as_text(interests),
        )
    )
    joined = {row[5]: row[0].date() for row in rows}
    waited = waited_rounds(program, on=on, joined=joined, cap=rules.waited_cap)
    sets = _TextSets()
    people = [
        _engine_person(
            (*row[5:-2], sets[row[-2]], sets[row[-1]]), org.timezone, waited.get(row[5], 0)
        )
        for row in rows
    ]
    whereabouts = {
        p.id: Whereabouts(row[1], p.timezone, _json_list(row[2]), row[3] or "", row[4] or "")
        for p, row in zip(people, rows, strict=True)
    }
    return EngineInput(
        people=people,
        history=organization_history(org.pk, on=on, cooldown_weeks=rules.cooldown_weeks),
        blocked=organization_blocked(org.pk),
        rules=rules,
        weights=program_weights(program),
        on=on,
        whereabouts=whereabouts,
    )


def engine_people(organization_id: int, person_ids: Iterable[int]) -> dict[int, EnginePerson]:
    """A few people as the engine sees them (for checking and explaining hand edits)."""
    org_tz = Organization.objects.values_list("timezone", flat=True).get(pk=organization_id)
    rows = Person.objects.filter(organization_id=organization_id, pk__in=list(person_ids))
    return {row[0]: _engine_person(row, org_tz) for row in rows.values_list(*PERSON_FIELDS)}


def people_whereabouts(organization_id: int, person_ids: Iterable[int]) -> dict[int, Whereabouts]:
    """Location, effective time zone and free windows of a few people."""
    org_tz = Organization.objects.values_list("timezone", flat=True).get(pk=organization_id)
    rows = Person.objects.filter(organization_id=organization_id, pk__in=list(person_ids))
    return {
        pk: Whereabouts(loc, tz or loc_tz or org_tz, avail or [], country or "", sub or "")
        for pk, loc, tz, loc_tz, avail, country, sub in rows.values_list(
            "id",
            "location_id",
            "timezone",
            "location__timezone",
            "availability",
            "location__country",
            "location__subdivision",
        )
    }
