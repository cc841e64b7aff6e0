"""Deterministic synthetic rosters for the matching benchmark.

Realistic on purpose: departments of very uneven size, teams with managers,
offices in six time zones (New York and Tokyo are 14 hours apart, so their
working hours never overlap), German-only colleagues in the German offices,
Japanese-only ones in Tokyo, new hires, interests, people who waited, and
weekly history. ``skewed=True`` gives one department 60 % of the people.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from crosspaths.matching.types import PastGroup, Person

OFFICES = [
    # location, time zone, share, local languages
    ("Berlin", "Europe/Berlin", 0.22, ("de",)),
    ("Munich", "Europe/Berlin", 0.13, ("de",)),
    ("New York", "America/New_York", 0.22, ()),
    ("San Francisco", "America/Los_Angeles", 0.13, ()),
    ("Tokyo", "Asia/Tokyo", 0.12, ("ja",)),
    ("Bangalore", "Asia/Kolkata", 0.10, ("hi",)),
    ("London", "Europe/London", 0.08, ()),
]
DEPARTMENTS = [
    ("Engineering", 0.30),
    ("Sales", 0.18),
    ("Operations", 0.12),
    ("Customer Success", 0.10),
    ("Marketing", 0.08),
    ("Finance", 0.06),
    ("Product", 0.06),
    ("People", 0.04),
    ("Legal", 0.03),
    ("Design", 0.03),
]
INTERESTS = [
    "cycling",
    "chess",
    "cooking",
    "hiking",
    "jazz",
    "running",
    "photography",
    "gardening",
    "board games",
    "football",
    "yoga",
    "climbing",
    "reading",
    "film",
    "baking",
    "sailing",
    "coffee",
    "poetry",
    "podcasts",
    "travel",
    "swimming",
    "tennis",
    "painting",
    "birding",
]


def make_roster(n: int, *, seed: int = 0, skewed: bool = False, on: date) -> list[Person]:
    """``n`` people with teams of about 8 under a manager each."""
    rnd = random.Random(seed)
    depts = list(DEPARTMENTS)
    if skewed:
        rest = sum(s for _, s in depts[1:])
        depts = [(depts[0][0], 0.60)] + [(d, 0.40 * s / rest) for d, s in depts[1:]]
    dept_names = [d for d, _ in depts]
    dept_weights = [s for _, s in depts]
    office_weights = [o[2] for o in OFFICES]
    people: list[Person] = []
    team_of: dict[tuple[str, str], list[int]] = {}
    for k in range(n):
        dept = rnd.choices(dept_names, dept_weights)[0]
        loc, tz, _, local = rnd.choices(OFFICES, office_weights)[0]
        team_no = rnd.randrange(max(1, int(n * dict(depts)[dept] / 40) + 1))
        team = f"{dept[:3].upper()}-{loc[:3].upper()}-{team_no}"
        if local and rnd.random() < 0.06:
            languages = frozenset(local)  # speaks only the local language
        elif local:
            languages = frozenset({*local, "en"})
        else:
            languages = frozenset({"en"} | ({"es"} if rnd.random() < 0.1 else set()))
        days = int(rnd.expovariate(1 / 1200))
        start = on - timedelta(days=min(days, 365 * 25))
        waited = rnd.choice([1, 1, 2, 3]) if rnd.random() < 0.05 else 0
        interests = frozenset(rnd.sample(INTERESTS, rnd.choice([0, 1, 2, 2, 3, 4])))
        people.append(
            Person(
                id=f"p{k:06d}",
                name=f"Person {k}",
                department=dept,
                team=team,
                location=loc,
                level=rnd.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]),
                manager_id="",
                start_date=start,
                timezone=tz,
                languages=languages,
                interests=interests,
                waited_rounds=waited,
            )
        )
        team_of.setdefault((dept, team), []).append(k)
    # The first member of each team manages the others.
    for members in team_of.values():
        boss = people[members[0]]
        for m in members[1:]:
            p = people[m]
            people[m] = Person(**{**p.__dict__, "manager_id": boss.id})
    return people


def make_history(
    people: Sequence[Person], *, rounds: int, on: date, seed: int = 0, size: int = 2
) -> list[PastGroup]:
    """Weekly random groups of ``size`` for the ``rounds`` weeks before ``on``."""
    rnd = random.Random(seed + 1)
    ids = [p.id for p in people]
    out: list[PastGroup] = []
    for r in range(rounds):
        day = on - timedelta(weeks=r + 1)
        rnd.shuffle(ids)
        for k in range(0, len(ids) - size + 1, size):
            out.append(PastGroup(date=day, members=tuple(ids[k : k + size])))
    return out


def write_roster_csv(path: Path, people: Sequence[Person]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "id",
                "name",
                "department",
                "team",
                "location",
                "level",
                "manager_id",
                "start_date",
                "timezone",
                "languages",
                "interests",
                "active",
            ]
        )
        for p in people:
            w.writerow(
                [
                    p.id,
                    p.name,
                    p.department,
                    p.team,
                    p.location,
                    p.level,
                    p.manager_id,
                    p.start_date.isoformat() if p.start_date else "",
                    p.timezone,
                    ";".join(sorted(p.languages)),
                    ";".join(sorted(p.interests)),
                    "true",
                ]
            )


def write_history_csv(path: Path, history: Sequence[PastGroup]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["date", "group", "person_id"])
        for k, g in enumerate(history):
            for m in g.members:
                w.writerow([g.date.isoformat(), f"g{k}", m])
