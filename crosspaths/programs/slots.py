"""The suggested time slot of a group: the earliest time in the coming week that lies
inside every member's working hours (09:00-17:00 on weekdays, in their own time zone)
and inside the free windows they declared, if they declared any.

A slot people did not choose is still the single best nudge for meeting at all: it
turns "we should get coffee some time" into a calendar entry someone can move.
Pure functions over plain data; times are computed in UTC and converted with
zoneinfo, so daylight saving changes inside the week are handled per person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

WORK_START = time(9, 0)
WORK_END = time(17, 0)
WORKDAYS = frozenset(range(5))  # Monday to Friday
STEP = timedelta(minutes=15)
SEARCH_DAYS = 7

# How long each format's meeting is, and for some a part of the day it belongs to.
DURATION_MINUTES = {
    "virtual_coffee": 30,
    "lunch": 60,
    "walk": 30,
    "onboarding": 45,
    "mentoring": 45,
    "lottery": 45,
    "outside_perspective": 45,
    "event": 60,
}
DAYPART = {"lunch": (time(11, 30), time(14, 0))}

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Free:
    """One member as the slot finder sees them."""

    timezone: str
    availability: Sequence[dict[str, Any]] = ()
    # Local dates the person does not work although it is a weekday: the public
    # holidays of their location (``crosspaths/people/days_off.py``).
    days_off: frozenset[date] = frozenset()


def _parse(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _availability_key(availability: Sequence[dict[str, Any]]) -> tuple[tuple[Any, ...], ...]:
    """The declared windows as something hashable, so people alike share one
    computation (most people of a round have the same zone and declared nothing)."""
    out: list[tuple[Any, ...]] = []
    for w in availability or ():
        try:
            out.append((w["weekday"], w["start"], w["end"]))
        except (KeyError, TypeError):
            continue  # a malformed window is ignored rather than blocking the slot
    return tuple(out)


def _windows(
    person: Free, first: date, last: date, daypart: tuple[time, time] | None
) -> list[Interval]:
    """The person's free intervals (UTC) on each local day from ``first`` to ``last``."""
    key = (person.timezone, _availability_key(person.availability), person.days_off)
    return list(_windows_of(key, first, last, daypart))


@lru_cache(maxsize=8192)
def _windows_of(
    key: tuple[str, tuple[tuple[Any, ...], ...], frozenset[date]],
    first: date,
    last: date,
    daypart: tuple[time, time] | None,
) -> tuple[Interval, ...]:
    timezone, availability, days_off = key
    zone = ZoneInfo(timezone)
    declared: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in availability:
        try:
            declared.setdefault(int(weekday), []).append((_parse(start), _parse(end)))
        except (AttributeError, TypeError, ValueError):
            continue  # a malformed window is ignored rather than blocking the slot
    out: list[Interval] = []
    day = first
    while day <= last:
        if day.weekday() in WORKDAYS and day not in days_off:
            start, end = WORK_START, WORK_END
            if daypart:
                start, end = max(start, daypart[0]), min(end, daypart[1])
            spans = [(start, end)]
            if declared:
                spans = [
                    (max(start, a), min(end, b))
                    for a, b in declared.get(day.weekday(), [])
                    if max(start, a) < min(end, b)
                ]
            out.extend((_local(day, a, zone), _local(day, b, zone)) for a, b in spans)
        day += timedelta(days=1)
    return tuple(sorted(out))


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _round_up(moment: datetime) -> datetime:
    """To the next quarter hour: nobody books a meeting at 10:07."""
    base = moment.replace(minute=0, second=0, microsecond=0)
    steps = -(-(moment - base) // STEP)
    return base + steps * STEP


def suggested_slot(
    members: Iterable[Free],
    *,
    fmt: str,
    after: datetime,
    days: int = SEARCH_DAYS,
    before: datetime | None = None,
) -> Interval | None:
    """The earliest slot of the format's length in ``[after, after + days)`` (and ending
    by ``before``, the end of the round's window, when given) inside every member's
    working hours and free windows, or None when there is none."""
    people = list(members)
    # The windows reach a day past the horizon; near the end of the calendar (a round
    # dated 9999-12-31) there is no such week, and "no slot" beats an OverflowError.
    if not people or after.toordinal() + days + 2 > date.max.toordinal():
        return None
    length = timedelta(minutes=DURATION_MINUTES.get(fmt, 45))
    daypart = DAYPART.get(fmt)
    horizon = after + timedelta(days=days)
    if before is not None:
        horizon = min(horizon, before)
    if horizon <= after:
        return None
    # Local calendar days can be a day off UTC on either side.
    first = (after - timedelta(days=1)).date()
    last = (horizon + timedelta(days=1)).date()
    common = [(after, horizon)]
    for person in people:
        common = _intersect(common, _windows(person, first, last, daypart))
        if not common:
            return None
    for start, end in common:
        begin = _round_up(start)
        if begin + length <= end:
            return begin, begin + length
    return None


def free_slots(
    members: Iterable[Free],
    *,
    fmt: str,
    after: datetime,
    before: datetime,
    timezone: str,
    count: int = 4,
) -> list[Interval]:
    """Up to ``count`` slots inside every member's working hours and free windows
    between ``after`` and ``before``, at most one per local day (in ``timezone``), so
    an organizer choosing another time sees different days, not four quarter hours."""
    people = list(members)
    zone = ZoneInfo(timezone)
    out: list[Interval] = []
    cursor = after
    while len(out) < count and cursor < before:
        slot = suggested_slot(people, fmt=fmt, after=cursor, before=before)
        if slot is None:
            break
        out.append(slot)
        next_day = slot[0].astimezone(zone).date() + timedelta(days=1)
        cursor = datetime.combine(next_day, time(0, 0), tzinfo=zone).astimezone(UTC)
    return out


def search_start(day: date, timezone: str) -> datetime:
    """Where a round on ``day`` starts looking: the next morning in the organization's
    zone, so nobody is asked to meet within hours of the e-mail. (On the calendar's last
    day there is no next morning; ``suggested_slot`` then finds nothing.)"""
    start = day + timedelta(days=1) if day < date.max else day
    return datetime.combine(start, time(0, 0), tzinfo=ZoneInfo(timezone))
