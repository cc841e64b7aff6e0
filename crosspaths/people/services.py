"""Writes to people data. A roster import is planned first (what would change, every
problem with its row and column) and applied in one transaction, so a bad file
changes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from crosspaths.matching.roster import RosterError, RosterProblem, RosterRow, parse_roster

from .models import Department, Location, Organization, Person, Team

# Roster columns that map one-to-one onto Person fields.
SIMPLE_FIELDS = ("name", "email", "level", "start_date", "timezone", "active")
LIST_FIELDS = ("languages", "interests")
RELATED_FIELDS = ("department", "team", "location")


@dataclass
class PersonChange:
    row: RosterRow
    person: Person | None  # None: a new person
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new)


@dataclass
class RosterPlan:
    """What applying a roster would do; nothing is written until ``roster_apply``."""

    organization: Organization
    file: str
    new: list[PersonChange] = field(default_factory=list)
    updated: list[PersonChange] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[Person] = field(default_factory=list)
    rows: list[RosterRow] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "deactivated": len(self.deactivated),
        }


def roster_plan(
    *,
    organization: Organization,
    text: str,
    file: str = "roster.csv",
    deactivate_missing: bool = False,
) -> RosterPlan:
    """Validate roster CSV text against the organization's people and say what would
    change. People are matched by roster id first, then by e-mail. Raises RosterError
    with every problem (row, column, reason) when the file cannot be applied."""
    existing = list(
        Person.objects.filter(organization=organization).select_related(
            "department", "team", "location", "manager"
        )
    )
    by_external = {p.external_id: p for p in existing if p.external_id}
    by_email = {p.email.lower(): p for p in existing}
    rows = parse_roster(text, file=file, known_ids=by_external.keys())
    plan = RosterPlan(organization=organization, file=file, rows=rows)
    problems: list[RosterProblem] = []
    matched: set[int] = set()
    final_email: dict[int, str] = {p.pk: p.email.lower() for p in existing}
    email_owner_row: dict[str, RosterRow] = {}

    for row in rows:
        person = by_external.get(row.id) or (by_email.get(row.email) if row.email else None)
        if person is not None and person.external_id and person.external_id != row.id:
            problems.append(
                RosterProblem(
                    file,
                    row.row,
                    "email",
                    f"'{row.email}' already belongs to roster id '{person.external_id}'",
                )
            )
            continue
        if person is None and not row.email:
            problems.append(RosterProblem(file, row.row, "email", "a new person needs an e-mail"))
            continue
        if person is not None:
            if person.pk in matched:
                problems.append(
                    RosterProblem(file, row.row, "id", "this person appears twice in the file")
                )
                continue
            matched.add(person.pk)
            if row.email:
                final_email[person.pk] = row.email
        if row.email:
            email_owner_row[row.email] = row
        change = PersonChange(row=row, person=person, changes=_diff(person, row))
        if person is None:
            plan.new.append(change)
        elif change.changes:
            plan.updated.append(change)
        else:
            plan.unchanged += 1

    # An e-mail may only end up on one person, whoever had it before the import.
    owners = Counter(final_email.values())
    for change in plan.new:
        owners[change.row.email] += 1
    for email, count in owners.items():
        if count > 1 and email in email_owner_row:
            row = email_owner_row[email]
            problems.append(
                RosterProblem(
                    file, row.row, "email", f"'{email}' is already used by another person"
                )
            )
    if problems:
        raise RosterError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    if deactivate_missing:
        plan.deactivated = [p for p in existing if p.active and p.pk not in matched]
    return plan


def _diff(person: Person | None, row: RosterRow) -> dict[str, tuple[Any, Any]]:
    """The fields a row would change on ``person`` (every present field for a new one).
    Columns absent from the file are left alone."""
    changes: dict[str, tuple[Any, Any]] = {}
    present = row.present
    for name in SIMPLE_FIELDS + LIST_FIELDS:
        if name not in present:
            continue
        new = getattr(row, name)
        if name in LIST_FIELDS:
            new = list(new)
        if name == "email" and not new:
            continue
        old = getattr(person, name) if person else None
        if person is None or old != new:
            changes[name] = (old, new)
    for name in RELATED_FIELDS:
        if name not in present:
            continue
        old_obj = getattr(person, name) if person else None
        old = old_obj.name if old_obj else ""
        new = getattr(row, name)
        if person is None or old != new:
            changes[name] = (old, new)
    if "manager_id" in present:
        old = person.manager.external_id if person and person.manager else ""
        if person is None or old != row.manager_id:
            changes["manager"] = (old, row.manager_id)
    return changes


@transaction.atomic
def roster_apply(*, plan: RosterPlan) -> dict[str, int]:
    """Write a planned import in one transaction: create, update, link managers,
    deactivate. Returns the plan's summary."""
    org = plan.organization
    now = timezone.now()
    changes = plan.new + plan.updated
    departments = _get_or_create_named(Department, org, {c.row.department for c in changes})
    team_departments = {
        c.row.team: {"department": departments.get(c.row.department)} for c in changes if c.row.team
    }
    lookups = {
        "department": departments,
        "team": _get_or_create_named(Team, org, set(team_departments), defaults=team_departments),
        "location": _get_or_create_named(
            Location, org, {c.row.location for c in changes}, defaults=_location_zones(changes)
        ),
    }
    new_people = [
        Person(organization=org, roster_synced=True, external_id=c.row.id, email=c.row.email)
        for c in plan.new
    ]
    for change, person in zip(plan.new, new_people, strict=True):
        change.person = person
    touched: set[str] = set()
    for change in changes:
        person = change.person
        assert person is not None
        person.roster_synced = True
        if not person.external_id:
            person.external_id = change.row.id
            touched.add("external_id")
        for name, (_, new) in change.changes.items():
            if name in RELATED_FIELDS:
                setattr(person, name, lookups[name].get(new) if new else None)
            elif name == "manager":
                continue
            else:
                setattr(person, name, new)
                if name == "active":
                    person.deactivated_at = None if new else now
                    touched.add("deactivated_at")
            touched.add(name)
    Person.objects.bulk_create(new_people, batch_size=1000)
    updated = [c.person for c in plan.updated if c.person is not None]
    if updated:
        fields = sorted((touched - {"manager"}) | {"roster_synced", "updated_at"})
        for p in updated:
            p.updated_at = now
        Person.objects.bulk_update(updated, fields, batch_size=500)

    manager_changes = [c for c in changes if "manager" in c.changes]
    if manager_changes:
        ids = {c.row.manager_id for c in manager_changes if c.row.manager_id}
        pk_by_external = dict(
            Person.objects.filter(organization=org, external_id__in=ids).values_list(
                "external_id", "pk"
            )
        )
        people = []
        for c in manager_changes:
            assert c.person is not None
            c.person.manager_id = pk_by_external.get(c.row.manager_id)
            people.append(c.person)
        Person.objects.bulk_update(people, ["manager"], batch_size=500)
    if plan.deactivated:
        Person.objects.filter(pk__in=[p.pk for p in plan.deactivated]).update(
            active=False, deactivated_at=now, updated_at=now
        )
    return plan.summary


def _location_zones(changes: Sequence[PersonChange]) -> dict[str, dict[str, str]]:
    """A new location takes the time zone most of its people in the file have."""
    votes: dict[str, Counter[str]] = {}
    for c in changes:
        if c.row.location and c.row.timezone:
            votes.setdefault(c.row.location, Counter())[c.row.timezone] += 1
    return {loc: {"timezone": counter.most_common(1)[0][0]} for loc, counter in votes.items()}


def _get_or_create_named(
    model: type[Department] | type[Team] | type[Location],
    org: Organization,
    names: set[str],
    defaults: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Departments, teams or locations by name, creating the missing ones with ``defaults``."""
    names.discard("")
    found = {o.name: o for o in model.objects.filter(organization=org, name__in=names)}
    missing = [n for n in sorted(names) if n not in found]
    created = model.objects.bulk_create(
        [model(organization=org, name=n, **(defaults or {}).get(n, {})) for n in missing]
    )
    found.update((o.name, o) for o in created)
    return found


def people_import(
    *,
    organization: Organization,
    text: str,
    file: str = "roster.csv",
    deactivate_missing: bool = False,
) -> dict[str, int]:
    """Plan and apply a roster in one go (the command line's all-or-nothing import)."""
    with transaction.atomic():
        plan = roster_plan(
            organization=organization, text=text, file=file, deactivate_missing=deactivate_missing
        )
        return roster_apply(plan=plan)
