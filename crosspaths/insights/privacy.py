"""Small-group suppression: a number is shown only when at least the organization's
``min_cell_size`` distinct people are behind it.

Figure rows are per round, and distinct people do not add up across rounds. Two facts
make the exact count cheap: if any one row of a group has enough people, the group
has; otherwise every row is small and keeps its people's ids, so the ids' union is
the exact count. A row too big to keep ids but still below the threshold (possible
only when ``min_cell_size`` exceeds ``SMALL_GROUP_IDS``) makes the group count as too
small: when unsure, hide.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import SMALL_GROUP_IDS


def enough_people(rows: Iterable[tuple[int, list[int]]], minimum: int) -> bool:
    """Whether the rows (each ``(people, people_ids)``) have ``minimum`` distinct people."""
    if minimum <= 1:
        return True
    ids: set[int] = set()
    for people, people_ids in rows:
        if people >= minimum:
            return True
        if people >= SMALL_GROUP_IDS:  # too big to keep ids, too small to pass: hide
            return False
        ids.update(people_ids)
    return len(ids) >= minimum


class PeopleCheck:
    """Collects ``(people, people_ids)`` per group key, then answers per key."""

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum
        self.rows: dict[object, list[tuple[int, list[int]]]] = {}

    def add(self, key: object, people: int, people_ids: list[int] | None) -> None:
        self.rows.setdefault(key, []).append((people, people_ids or []))

    def ok(self, key: object) -> bool:
        return enough_people(self.rows.get(key, ()), self.minimum)
