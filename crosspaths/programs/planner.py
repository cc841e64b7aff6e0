"""Slots for all the groups of a round at once, spread over the round's window.

Giving every group its earliest common time put most of a round on the first
morning. The planner instead places each group, most constrained first, in the
(day, hour) cell of the window that has the fewest groups so far, among the cells
where every member is at work, free and not on a public holiday, so a round fills
its days and hours evenly. A person (above all an organizer in several groups, of
this round or of another program's) is never given two meetings at once, and an
organizer's groups go to different days while there are days to spare.

Greedy with counters: each group looks at its candidate cells (at most ~45 a week),
never at the other groups, so 50,000 groups take seconds (bench/slots.py). People
alike (same zone, same free windows, same holidays) share one computation of their
windows. Deterministic: ties are broken by a random order drawn from ``seed``.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .slots import (
    DAYPART,
    DURATION_MINUTES,
    STEP,
    Free,
    Interval,
    _availability_key,
    _intersect,
    _windows,
)

MINUTE = timedelta(minutes=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STEP_MIN = int(STEP / MINUTE)
# Weights of the one-number cell score: a group more in a cell outweighs any number
# of groups more that day, which outweighs any number more at that hour.
DAY = 1 << 20
CELL = DAY << 20


@dataclass(frozen=True)
class PlanGroup:
    """One group to place: its members as the slot finder sees them, and their ids
    (the first is the group's organizer)."""

    members: tuple[Free, ...]
    person_ids: tuple[int, ...]


def _minutes(moment: datetime) -> int:
    return (moment - EPOCH) // MINUTE


def _moment(minutes: int) -> datetime:
    return datetime.fromtimestamp(minutes * 60, UTC)


class _Cells:
    """(local day, local hour) of a minute in the balancing zone, cached per UTC hour:
    a window has a few hundred of them whatever the number of groups."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.cache: dict[int, tuple[date, int]] = {}

    def of(self, minutes: int) -> tuple[date, int]:
        hour = minutes // 60
        cell = self.cache.get(hour)
        if cell is None:
            local = _moment(hour * 60).astimezone(self.zone)
            cell = self.cache[hour] = (local.date(), local.hour)
        return cell


def _starts(common: Sequence[Interval], length: int) -> list[int]:
    """Every quarter-hour start (minutes since the epoch) whose meeting fits."""
    out: list[int] = []
    for start, end in common:
        s, e = _minutes(start), _minutes(end)
        first = -(-s // STEP_MIN) * STEP_MIN
        out.extend(range(first, e - length + 1, STEP_MIN))
    return out


def _profile(member: Free) -> tuple[object, ...]:
    """What decides a member's free time; people with the same profile are alike."""
    return (member.timezone, _availability_key(member.availability), member.days_off)


def _overlaps(busy: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in busy)


def plan_slots(
    groups: Sequence[PlanGroup],
    *,
    fmt: str,
    after: datetime,
    before: datetime,
    zone: str,
    seed: int,
    busy: Mapping[int, Iterable[Interval]] | None = None,
    taken: Iterable[datetime] = (),
) -> list[Interval | None]:
    """A slot for each group (None when its members have no common free time left
    in ``[after, before)``), spread evenly over the days and hours (in ``zone``) of
    the window. ``busy``: meetings people already have (other rounds, other
    programs), never overlapped. ``taken``: starts of this round's groups that keep
    their slot, counted in the balance."""
    out: list[Interval | None] = [None] * len(groups)
    if not groups or before <= after:
        return out
    length = DURATION_MINUTES.get(fmt, 45)
    daypart = DAYPART.get(fmt)
    lo, hi = _minutes(after), _minutes(before)
    first = (after - timedelta(days=1)).date()
    last = (before + timedelta(days=1)).date()
    cells = _Cells(zone)

    # Each distinct set of members' calendars is worked out once.
    options: dict[frozenset[tuple[object, ...]], dict[tuple[date, int], list[int]]] = {}
    per_group: list[dict[tuple[date, int], list[int]]] = []
    # Callers share one Free among members alike (services.free_finder): its profile
    # is worked out once, keyed by identity (the groups keep every member alive).
    profiles: dict[int, tuple[object, ...]] = {}
    for group in groups:
        alike: dict[tuple[object, ...], Free] = {}
        for m in group.members:
            profile = profiles.get(id(m))
            if profile is None:
                profile = profiles[id(m)] = _profile(m)
            alike[profile] = m
        key = frozenset(alike)
        found = options.get(key)
        if found is None:
            common: list[Interval] = [(after, before)]
            for person in alike.values():
                common = _intersect(common, _windows(person, first, last, daypart))
                if not common:
                    break
            found = defaultdict(list)
            for start in _starts(common, length):
                if lo <= start and start + length <= hi:
                    found[cells.of(start)].append(start)
            options[key] = found = dict(found)
        per_group.append(found)

    rng = random.Random(seed)
    tie = list(range(len(groups)))
    rng.shuffle(tie)
    sizes = {id(found): sum(map(len, found.values())) for found in options.values()}
    order = sorted(range(len(groups)), key=lambda i: (sizes[id(per_group[i])], tie[i]))
    # One number per cell orders the cells as (groups in the cell, groups that day,
    # groups at that hour): kept up to date as groups are placed, so choosing a cell
    # is one C-level min() over a group's cells.
    every_cell = {cell for found in options.values() for cell in found}
    score = dict.fromkeys(every_cell, 0)
    same_day: dict[date, list[tuple[date, int]]] = defaultdict(list)
    same_hour: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for cell in every_cell:
        same_day[cell[0]].append(cell)
        same_hour[cell[1]].append(cell)
    start_load: dict[int, int] = {}
    person_day: Counter[tuple[int, date]] = Counter()
    calendar: dict[int, list[tuple[int, int]]] = {}

    def count(start: int) -> None:
        day, hour = cells.of(start)
        if (day, hour) in score:
            score[(day, hour)] += CELL
        for c in same_day.get(day, ()):
            score[c] += DAY
        for c in same_hour.get(hour, ()):
            score[c] += 1
        start_load[start] = start_load.get(start, 0) + 1

    for pid, meetings in (busy or {}).items():
        for begins, ends in meetings:
            at = _minutes(begins)
            calendar.setdefault(pid, []).append((at, _minutes(ends)))
            person_day[(pid, cells.of(at)[0])] += 1
    for moment in taken:
        count(_minutes(moment))

    for i in order:
        group, found = groups[i], per_group[i]
        if not found:
            continue
        ids = group.person_ids
        organizer = ids[0] if ids else None
        booked = [calendar[p] for p in ids if p in calendar]
        if organizer in calendar:
            best = sorted(found, key=lambda c: (person_day[(organizer, c[0])], score[c], c))
        elif booked:
            best = sorted(found, key=lambda c: (score[c], c))
        else:
            best = [min(found, key=score.__getitem__)]
        chosen = None
        for cell in best:
            free = found[cell]
            if booked:
                free = [s for s in free if not any(_overlaps(b, s, s + length) for b in booked)]
            if free:
                # The earliest of the quarter hours least used so far.
                chosen = (cell, min(free, key=lambda at: start_load.get(at, 0)))
                break
        if chosen is None:
            continue
        (day, _hour), start = chosen
        count(start)
        for p in ids:
            calendar.setdefault(p, []).append((start, start + length))
            person_day[(p, day)] += 1
        out[i] = (_moment(start), _moment(start + length))
    return out
