"""Meeting and encounter totals per bucket, read once for the dashboard's headline and
the figures built on them (meetings, ratings, connections, cross-department)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from ..models import RoundFigures
from ..periods import bucket_of
from ..privacy import PeopleCheck
from .base import Filters, pct, scoped


@dataclass
class MeetingTotals:
    matches: int = 0
    happened: int = 0
    not_happened: int = 0
    unanswered: int = 0
    no_shows: int = 0
    answers: int = 0
    ratings: list[int] = field(default_factory=lambda: [0] * 5)
    encounters: int = 0
    new_connections: int = 0
    cross_department: int = 0
    same_department: int = 0

    def add(self, row: dict[str, Any]) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + row.get(name, 0))
        for i, n in enumerate(row.get("ratings") or []):
            self.ratings[i] += n

    @property
    def met_rate(self) -> float | None:
        return pct(self.happened, self.happened + self.not_happened)

    @property
    def cross_share(self) -> float | None:
        return pct(self.cross_department, self.cross_department + self.same_department)


ROUND_FIELDS = tuple(f.name for f in fields(MeetingTotals))
COUNTS = tuple(name for name in ROUND_FIELDS if name != "ratings")

Totals = tuple[dict[date, MeetingTotals], PeopleCheck, MeetingTotals]


def round_totals(f: Filters) -> Totals:
    """Meeting and encounter totals per bucket and for the whole period, with the
    people check per bucket (key: bucket start) and for the period (key: None)."""
    kind = f.period.bucket
    per_bucket: dict[date, MeetingTotals] = defaultdict(MeetingTotals)
    total = MeetingTotals()
    check = PeopleCheck(f.minimum)
    rows = scoped(RoundFigures.objects, f).values("date", "people", "people_ids", *ROUND_FIELDS)
    for row in rows:
        b = bucket_of(row["date"], kind)
        per_bucket[b].add(row)
        total.add(row)
        check.add(b, row["people"], row["people_ids"])
        check.add(None, row["people"], row["people_ids"])
    return per_bucket, check, total
