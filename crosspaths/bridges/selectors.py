"""Reads of team bridges: coverage (the share of cross-team pairs that met), who is out
of reach and why, and what a member sees on their own pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from django.db.models import QuerySet

from crosspaths import clock
from crosspaths.matching.bridges import PairRecord, bridge_record, out_of_reach
from crosspaths.people.models import Person, Team
from crosspaths.programs import scheduling
from crosspaths.programs.engine_input import engine_people, program_rules
from crosspaths.programs.models import Enrollment
from crosspaths.programs.organizer_wording import left_out_text

from .drafting import bridge_history
from .models import Bridge


@dataclass(frozen=True)
class TeamPair:
    first: str
    second: str
    met: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.total) if self.total else 0


@dataclass(frozen=True)
class Unreachable:
    person: Person
    reason: str


@dataclass
class Coverage:
    """How far a bridge has come: cross pairs that met (per team pair and overall),
    completed laps, and members no round can pair (with the reason)."""

    pairs: list[TeamPair]
    met: int
    total: int
    laps: int  # every cross pair met at least this often
    members: dict[str, int]  # team name -> members taking part
    unreachable: list[Unreachable] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.met == self.total


def bridges_for(organization_id: int) -> QuerySet[Bridge]:
    return (
        Bridge.objects.filter(organization_id=organization_id)
        .select_related("program")
        .prefetch_related("teams")
    )


def bridge_members(bridge: Bridge) -> dict[int, str]:
    """Person id -> team name, for the enrolled (not left, active) members of the
    bridge's teams: the people whose cross pairs coverage counts."""
    rows = Enrollment.objects.filter(
        organization_id=bridge.organization_id,
        program_id=bridge.program_id,
        left_at__isnull=True,
        person__active=True,
        person__team__in=bridge.teams.all(),
    ).values_list("person_id", "person__team__name")
    return dict(rows)


def _count(record: dict[frozenset[str], PairRecord], a: int, b: int) -> int:
    found = record.get(frozenset((str(a), str(b))))
    return found.count if found else 0


def bridge_coverage(bridge: Bridge, *, on: date) -> Coverage:
    """Coverage of the bridge, counted over its current members: a pair counts once a
    published round introduced them (a round dated later than ``on`` included; the
    round's check-ins say whether they then met). ``on`` dates the working hours."""
    members = bridge_members(bridge)
    record = bridge_record(bridge_history(bridge.program, before=date.max))
    teams = sorted(t.name for t in bridge.teams.all())
    by_team: dict[str, list[int]] = {t: [] for t in teams}
    for pk, team in members.items():
        by_team.setdefault(team, []).append(pk)
    pairs, counts = [], []
    for first, second in combinations(teams, 2):
        met = total = 0
        for a in by_team[first]:
            for b in by_team[second]:
                n = _count(record, a, b)
                counts.append(n)
                met += n > 0
                total += 1
        pairs.append(TeamPair(first, second, met, total))
    people = engine_people(bridge.organization_id, members)
    gone = out_of_reach(
        list(people.values()),
        sides={str(pk): team for pk, team in members.items()},
        rules=program_rules(bridge.program),
        on=on,
    )
    names = Person.objects.in_bulk([int(x.person_id) for x in gone])
    return Coverage(
        pairs=pairs,
        met=sum(p.met for p in pairs),
        total=sum(p.total for p in pairs),
        laps=min(counts) if counts else 0,
        members={t: len(by_team[t]) for t in teams},
        unreachable=[
            Unreachable(names[int(x.person_id)], left_out_text(x.code, x.text)) for x in gone
        ],
    )


@dataclass(frozen=True)
class MyBridge:
    """A bridge as one of its members sees it."""

    bridge: Bridge
    my_team: str
    other_teams: list[str]
    met: int  # colleagues on the other side(s) met in the bridge
    total: int  # colleagues on the other side(s)
    next_round: date | None

    @property
    def to_meet(self) -> int:
        return self.total - self.met


def bridges_of(person: Person, *, on: date) -> list[MyBridge]:
    """The bridges ``person`` takes part in (enrolled, not left, in one of its teams),
    with how many colleagues on the other side published rounds introduced them to."""
    if person.team_id is None:
        return []
    found = bridges_for(person.organization_id).filter(
        teams=person.team_id,
        program__enrollments__person=person,
        program__enrollments__left_at__isnull=True,
    )
    out = []
    for bridge in found:
        members = bridge_members(bridge)
        mine = members.get(person.pk)
        if mine is None:
            continue
        others = [pk for pk, team in members.items() if team != mine]
        record = bridge_record(bridge_history(bridge.program, before=date.max))
        out.append(
            MyBridge(
                bridge=bridge,
                my_team=mine,
                other_teams=sorted(t.name for t in bridge.teams.all() if t.name != mine),
                met=sum(1 for pk in others if _count(record, person.pk, pk)),
                total=len(others),
                next_round=_next_round(bridge),
            )
        )
    return out


def _next_round(bridge: Bridge) -> date | None:
    try:
        return scheduling.next_date_after(bridge.program, clock.now())
    except scheduling.BadSchedule:
        return None


def teams_for(organization_id: int) -> QuerySet[Team]:
    return Team.objects.filter(organization_id=organization_id).select_related("department")


@dataclass(frozen=True)
class Progress:
    """A bridge's coverage at the end of a period, for insights: no names, counts only."""

    members: int
    met: int  # cross pairs of current members that met by ``until``
    total: int
    new: int  # of those, pairs whose first bridge meeting fell within the period

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.total, 1) if self.total else None


def bridge_progress(bridge: Bridge, *, since: date, until: date) -> Progress:
    """Cross pairs met by ``until`` and first met within ``since``..``until``."""
    members = bridge_members(bridge)
    history = bridge_history(bridge.program, before=until + timedelta(days=1))
    first: dict[frozenset[str], date] = {}
    for g in sorted(history, key=lambda g: g.date):
        for k, a in enumerate(g.members):
            for b in g.members[k + 1 :]:
                first.setdefault(frozenset((a, b)), g.date)
    met = total = new = 0
    ids = sorted(members)
    for k, x in enumerate(ids):
        for y in ids[k + 1 :]:
            if members[x] == members[y]:
                continue
            total += 1
            day = first.get(frozenset((str(x), str(y))))
            if day is not None:
                met += 1
                new += day >= since
    return Progress(members=len(members), met=met, total=total, new=new)
