""" "My encounters": everyone a person said they met, and how far across the
organization that reaches (departments and locations other than their own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from crosspaths.people.models import Department, KeepInTouch, Location, Person
from crosspaths.programs.models import MatchMember

MAX_ROWS = 500  # memberships read per page view; years of weekly coffees fit


@dataclass
class Encounter:
    person: Person
    met_on: date
    program: str
    times: int = 1
    keep_in_touch: bool = False


@dataclass
class Reach:
    """Which of the organization's departments (or locations), besides the person's
    own, they have met someone from."""

    reached: list[str]
    total: int

    @property
    def share(self) -> float:
        return len(self.reached) / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.share)


@dataclass
class Encounters:
    people: list[Encounter] = field(default_factory=list)
    departments: Reach = field(default_factory=lambda: Reach([], 0))
    locations: Reach = field(default_factory=lambda: Reach([], 0))


def encounters_for(*, person: Person) -> Encounters:
    """Everyone from the groups where the person checked in "we met", newest first,
    once each (with how many times). Five queries whatever the history's length.

    The person's own groups are read first (scoped to their organization) and the
    others looked up by those match ids alone: with an organization filter (or as
    one query with a subquery) SQLite's planner walks every membership of the
    organization instead of the match index (84 ms at 20,000 people and 24 rounds).
    A match's members share its organization; the loop below re-checks it anyway."""
    org = person.organization_id
    met = list(
        MatchMember.objects.filter(organization_id=org, person=person, checkin__met=True)
        .order_by("-round__date")
        .values_list("match_id", flat=True)[:MAX_ROWS]
    )
    rows = (
        MatchMember.objects.filter(match_id__in=met)
        .exclude(person_id=person.pk)
        .select_related("person__department", "person__location", "round__program")
        .order_by("-round__date", "pk")[:MAX_ROWS]
    )
    kept = set(
        KeepInTouch.objects.filter(organization_id=org, person=person).values_list(
            "other_id", flat=True
        )
    )
    people: dict[int, Encounter] = {}
    for row in rows:
        if row.organization_id != org:
            continue
        seen = people.get(row.person_id)
        if seen is not None:
            seen.times += 1
            continue
        people[row.person_id] = Encounter(
            person=row.person,
            met_on=row.round.date,
            program=row.round.program.name,
            keep_in_touch=row.person_id in kept,
        )
    met_people = [e.person for e in people.values()]
    departments = sorted(
        {
            p.department.name
            for p in met_people
            if p.department and p.department_id != person.department_id
        }
    )
    locations = sorted(
        {p.location.name for p in met_people if p.location and p.location_id != person.location_id}
    )
    other_departments = Department.objects.filter(organization_id=org).exclude(
        pk=person.department_id or 0
    )
    other_locations = Location.objects.filter(organization_id=org).exclude(
        pk=person.location_id or 0
    )
    return Encounters(
        people=list(people.values()),
        departments=Reach(departments, other_departments.count()),
        locations=Reach(locations, other_locations.count()),
    )
