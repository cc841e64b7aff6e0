"""Writes to people data. A roster import is planned first (what would change, every
problem with its row and column) and applied in one transaction, so a bad file
changes nothing."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crosspaths import clock
from crosspaths.dbstats import analyze_after_commit
from crosspaths.matching.roster import RosterError, RosterProblem, RosterRow, parse_roster

from .models import Department, Location, Organization, Person, Team
from .roster_checks import roster_storage_problems

# A roster import that deactivates more than this share of the active people needs the
# admin to confirm the count.
MASS_DEACTIVATION_SHARE = 0.10

# Roster columns that map one-to-one onto Person fields.
SIMPLE_FIELDS = (
    "name",
    "email",
    "level",
    "start_date",
    "timezone",
    "active",
    "title",
    "language",
)
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
    active_before: int = 0  # active people of the organization when planned
    # Accepted but worth a look: managers outside the file (see ``roster_plan``).
    warnings: list[RosterProblem] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "deactivated": len(self.deactivated),
        }

    @property
    def leaving(self) -> list[Person]:
        """Everyone active now whom the import deactivates: missing from the file (when
        asked) or marked inactive in it."""
        marked = [
            c.person
            for c in self.updated
            if c.person is not None and c.changes.get("active", (None, None)) == (True, False)
        ]
        return self.deactivated + marked

    def needs_confirmation(self, actor: Person | None) -> bool:
        """A mass deactivation: more than ``MASS_DEACTIVATION_SHARE`` of the organization's
        active people, or the importing admin themselves. A wrong file or a wrong tick
        would lock many people (or the importer) out, so the admin confirms the count."""
        leaving = self.leaving
        if not leaving:
            return False
        if actor is not None and any(p.pk == actor.pk for p in leaving):
            return True
        return len(leaving) > self.active_before * MASS_DEACTIVATION_SHARE


def roster_plan(
    *,
    organization: Organization,
    text: str,
    file: str = "roster.csv",
    deactivate_missing: bool = False,
    outside_managers_allowed: bool = False,
) -> RosterPlan:
    """Validate roster CSV text against the organization's people and say what would
    change. People are matched by roster id first, then by e-mail. Raises RosterError
    with every problem (row, column, reason) when the file cannot be applied.

    ``outside_managers_allowed``: a ``manager_id`` that is neither in the file nor
    among the organization's people (an HR export of a subset) is a warning in
    ``plan.warnings`` and the person gets no manager, instead of a problem; the
    manager rule holds for every manager who is in the file or already known."""
    existing = _roster_people(organization)
    by_external = {p.external_id: p for p in existing if p.external_id}
    by_email = {p.email.lower(): p for p in existing}
    warnings: list[RosterProblem] | None = [] if outside_managers_allowed else None
    rows = parse_roster(text, file=file, known_ids=by_external.keys(), warnings=warnings)
    if warnings:
        outside = {w.row for w in warnings if w.column == "manager_id"}
        rows = [replace(r, manager_id="") if r.row in outside else r for r in rows]
    plan = RosterPlan(organization=organization, file=file, rows=rows, warnings=warnings or [])
    names = _related_names(organization, existing)
    problems = roster_storage_problems(rows, file=file)  # what the apply would fail on
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
        change = PersonChange(row=row, person=person, changes=_diff(person, row, names))
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
    plan.active_before = sum(1 for p in existing if p.active)
    return plan


# What a roster comparison reads of each person: plain columns, no joined rows.
PLAN_FIELDS = (
    "id",
    "organization_id",
    "external_id",
    "email",
    "name",
    "level",
    "start_date",
    "timezone",
    "languages",
    "interests",
    "active",
    "deactivated_at",
    "roster_synced",
    "department_id",
    "team_id",
    "location_id",
    "manager_id",
    "title",
    "language",
)


def _roster_people(organization: Organization) -> list[Person]:
    """Every person of the organization with just the roster's columns.

    Read as plain tuples and built with ``from_db``: for 10,000 people this is several
    times faster than model instances with their department, team, location and
    manager joined (the names of those come from ``_related_names``). Columns not read
    stay deferred, so touching one loads it rather than writing a default back."""
    # from_db takes the values in the model's field order.
    wanted = set(PLAN_FIELDS)
    names = [f.attname for f in Person._meta.concrete_fields if f.attname in wanted]
    rows = Person.objects.filter(organization=organization).values_list(*names)
    return [Person.from_db(rows.db, names, values) for values in rows.iterator(5000)]


def _related_names(
    organization: Organization, people: Sequence[Person]
) -> dict[str, dict[int, str]]:
    """Names of departments, teams and locations, and managers' roster ids, by pk."""
    return {
        "department": dict(
            Department.objects.filter(organization=organization).values_list("pk", "name")
        ),
        "team": dict(Team.objects.filter(organization=organization).values_list("pk", "name")),
        "location": dict(
            Location.objects.filter(organization=organization).values_list("pk", "name")
        ),
        "manager": {p.pk: p.external_id for p in people},
    }


def _diff(
    person: Person | None, row: RosterRow, names: dict[str, dict[int, str]]
) -> dict[str, tuple[Any, Any]]:
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
        if name == "language" and (not new or (person is not None and person.language)):
            continue  # the roster's language is a default: the person's own choice wins
        old = getattr(person, name) if person else None
        if person is None or old != new:
            changes[name] = (old, new)
    for name in RELATED_FIELDS:
        if name not in present:
            continue
        old_id = getattr(person, f"{name}_id") if person else None
        old = names[name].get(old_id, "") if old_id else ""
        new = getattr(row, name)
        if person is None or old != new:
            changes[name] = (old, new)
    if "manager_id" in present:
        old = names["manager"].get(person.manager_id, "") if person and person.manager_id else ""
        if person is None or old != row.manager_id:
            changes["manager"] = (old, row.manager_id)
    return changes


class MassDeactivationError(ValidationError):
    """A roster import would deactivate many people (or the importer) and the count was
    not confirmed. ``count`` is the number to confirm."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(
            ngettext(
                "This import deactivates %(count)d person. Confirm that number to go ahead.",
                "This import deactivates %(count)d people. Confirm that number to go ahead.",
                count,
            )
            % {"count": count},
            code="mass_deactivation",
        )


@transaction.atomic
def roster_apply(
    *,
    plan: RosterPlan,
    actor: Person | None = None,
    confirmed_deactivations: int | None = None,
) -> dict[str, int]:
    """Write a planned import in one transaction: create, update, link managers,
    deactivate. Returns the plan's summary.

    Refused (nothing written) when it would deactivate the organization's last active
    admin (LastAdminError), or when it is a mass deactivation (``needs_confirmation``)
    and ``confirmed_deactivations`` is not exactly the number of people it deactivates
    (MassDeactivationError)."""
    org = plan.organization
    leaving = plan.leaving
    admins_keep_one(organization=org, losing=[p.pk for p in leaving])
    if plan.needs_confirmation(actor) and confirmed_deactivations != len(leaving):
        raise MassDeactivationError(len(leaving))
    now = clock.now()
    changes = plan.new + plan.updated
    # Only the names a person moves to are looked up (or created): a change that keeps
    # the department, team and location reads none of them.
    teams = [c for c in changes if "team" in c.changes and c.row.team]
    departments = _get_or_create_named(
        Department,
        org,
        {c.row.department for c in changes if "department" in c.changes}
        | {c.row.department for c in teams},
    )
    team_departments = {
        c.row.team: {"department": departments.get(c.row.department)} for c in teams
    }
    lookups = {
        "department": departments,
        "team": _get_or_create_named(Team, org, set(team_departments), defaults=team_departments),
        "location": _get_or_create_named(
            Location,
            org,
            {c.row.location for c in changes if "location" in c.changes},
            defaults=_location_zones(changes),
        ),
    }
    _location_places(org, plan.rows)
    new_people = [
        Person(organization=org, roster_synced=True, external_id=c.row.id, email=c.row.email)
        for c in plan.new
    ]
    for change, new_person in zip(plan.new, new_people, strict=True):
        change.person = new_person
    touched: dict[int, set[str]] = {}  # id(person) -> the fields this import sets on them
    for change in changes:
        person = change.person
        assert person is not None
        fields = touched.setdefault(id(person), set())
        person.roster_synced = True
        if not person.external_id:
            person.external_id = change.row.id
            fields.add("external_id")
        for name, (_old, new) in change.changes.items():
            if name in RELATED_FIELDS:
                setattr(person, name, lookups[name].get(new) if new else None)
            elif name == "manager":
                continue
            else:
                setattr(person, name, new)
                if name == "email" and person.user_id is not None:
                    # The login verified the old address: unlinked until a link sent
                    # to the new one is used (people.sign_in_links.person_account_link).
                    person.user = None
                    fields.add("user")
                if name == "active":
                    person.deactivated_at = None if new else now
                    fields.add("deactivated_at")
            fields.add(name)
    linked = _insert_managers_first(org, plan.new)
    _write_updates([c.person for c in plan.updated if c.person is not None], touched, now)

    manager_changes = [
        c
        for c in changes
        if "manager" in c.changes and c.person is not None and c.person.pk not in linked
    ]
    if manager_changes:
        ids = {c.row.manager_id for c in manager_changes if c.row.manager_id}
        pk_by_external = dict(
            Person.objects.filter(organization=org, external_id__in=ids).values_list(
                "external_id", "pk"
            )
        )
        # One UPDATE per manager rather than a CASE over every row: far faster for
        # thousands of people, who share a few hundred managers.
        reports: dict[int | None, list[int]] = {}
        for c in manager_changes:
            assert c.person is not None
            manager_pk = pk_by_external.get(c.row.manager_id)
            c.person.manager_id = manager_pk
            reports.setdefault(manager_pk, []).append(c.person.pk)
        for manager_pk, pks in reports.items():
            for start in range(0, len(pks), 500):
                Person.objects.filter(pk__in=pks[start : start + 500]).update(manager_id=manager_pk)
    if plan.deactivated:
        Person.objects.filter(pk__in=[p.pk for p in plan.deactivated]).update(
            active=False, deactivated_at=now, updated_at=now
        )
    analyze_after_commit(Person, rows=len(changes) + len(plan.deactivated))
    return plan.summary


def _write_updates(people: list[Person], touched: dict[int, set[str]], now: Any) -> None:
    """Save what an import changed on existing people, field by field.

    A field most people share a few values of (department, level, active...) is one
    UPDATE per value; a field of personal values (name, e-mail) one ``bulk_update``
    of just the people whose value changed. Both write only the changed fields, and are
    far faster than one ``bulk_update`` of every field over every changed person."""
    if not people:
        return
    if len(people) == 1:  # one person (a SCIM request): one UPDATE of what changed
        person = people[0]
        attnames = [Person._meta.get_field(name).attname for name in touched.get(id(person), ())]  # type: ignore[union-attr]  # columns, not relations
        values = {attname: getattr(person, attname) for attname in attnames}
        Person.objects.filter(pk=person.pk).update(**values, roster_synced=True, updated_at=now)
        person.updated_at = now
        return
    by_field: dict[str, list[Person]] = {}
    for person in people:
        for name in touched.get(id(person), ()):
            by_field.setdefault(name, []).append(person)
    for name, changed in by_field.items():
        attname = Person._meta.get_field(name).attname  # type: ignore[union-attr]  # a column, not a relation
        groups: dict[str, tuple[Any, list[int]]] = {}
        for person in changed:
            value = getattr(person, attname)
            key = json.dumps(value, sort_keys=True, default=str)
            groups.setdefault(key, (value, []))[1].append(person.pk)
        if len(groups) <= max(20, len(changed) // 20):
            for value, pks in groups.values():
                for start in range(0, len(pks), 500):
                    Person.objects.filter(pk__in=pks[start : start + 500]).update(
                        **{attname: value}
                    )
        else:
            Person.objects.bulk_update(changed, [name], batch_size=500)
    pks = [p.pk for p in people]
    for start in range(0, len(pks), 500):
        Person.objects.filter(pk__in=pks[start : start + 500]).update(
            roster_synced=True, updated_at=now
        )
    for person in people:
        person.updated_at = now


def _insert_managers_first(org: Organization, new: Sequence[PersonChange]) -> set[int]:
    """Insert new people in waves, managers before their reports, so each report's
    manager is known at insert time and needs no second write. Returns the pks whose
    manager was set that way (the rest, e.g. a manager cycle in the file, are linked
    afterwards like any manager change)."""
    # Only the managers the new rows name: one person provisioned into a large
    # organization must not read everybody's roster id.
    bosses = {c.row.manager_id for c in new if c.row.manager_id}
    known = dict(
        Person.objects.filter(organization=org, external_id__in=bosses).values_list(
            "external_id", "pk"
        )
    )
    waiting = list(new)
    linked: set[int] = set()
    while waiting:
        wave: list[PersonChange] = []
        rest: list[PersonChange] = []
        for c in waiting:
            boss = c.row.manager_id
            (wave if not boss or boss in known else rest).append(c)
        final = not wave
        if final:  # only cycles are left: insert them and link them afterwards
            wave, rest = rest, []
        people = [c.person for c in wave]
        for c in wave:
            assert c.person is not None
            if not final:
                c.person.manager_id = known.get(c.row.manager_id) if c.row.manager_id else None
        Person.objects.bulk_create(people, batch_size=1000)  # type: ignore[arg-type]  # every change of the wave has its person (asserted above)
        if not connection.features.can_return_rows_from_bulk_insert:
            pks = dict(
                Person.objects.filter(
                    organization=org, external_id__in=[c.row.id for c in wave]
                ).values_list("external_id", "pk")
            )
            for c in wave:
                c.person.pk = pks[c.row.id]  # type: ignore[union-attr]  # every change of the wave has its person (asserted above)
        for c in wave:
            assert c.person is not None
            known[c.row.id] = c.person.pk
            if not final:
                linked.add(c.person.pk)
        waiting = rest
    return linked


def _location_zones(changes: Sequence[PersonChange]) -> dict[str, dict[str, str]]:
    """A new location takes the time zone most of its people in the file have."""
    votes: dict[str, Counter[str]] = {}
    for c in changes:
        if c.row.location and c.row.timezone:
            votes.setdefault(c.row.location, Counter())[c.row.timezone] += 1
    return {loc: {"timezone": counter.most_common(1)[0][0]} for loc, counter in votes.items()}


def _location_places(org: Organization, rows: Sequence[RosterRow]) -> int:
    """A roster's ``country`` column sets its people's location's country and
    subdivision ("DE-BY"), by the file's majority per location; a file without the
    column, or a blank cell, changes nothing. Returns the locations changed."""
    votes: dict[str, Counter[str]] = {}
    for row in rows:
        if row.location and row.country:
            votes.setdefault(row.location, Counter())[row.country] += 1
    changed = 0
    for name, counter in votes.items():
        country, _, subdivision = counter.most_common(1)[0][0].partition("-")
        changed += (
            Location.objects.filter(organization=org, name=name)
            .exclude(country=country, subdivision=subdivision)
            .update(country=country, subdivision=subdivision)
        )
    return changed


Named = TypeVar("Named", Department, Team, Location)


def _get_or_create_named(
    model: type[Named],
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
    confirmed_deactivations: int | None = None,
) -> dict[str, int]:
    """Plan and apply a roster in one go (the command line's all-or-nothing import)."""
    with transaction.atomic():
        plan = roster_plan(
            organization=organization, text=text, file=file, deactivate_missing=deactivate_missing
        )
        return roster_apply(plan=plan, confirmed_deactivations=confirmed_deactivations)


# --- Admins and hand changes --------------------------------------------------------------


class LastAdminError(ValidationError):
    """A write would leave the organization without an active admin."""


def admins_keep_one(*, organization: Organization, losing: Sequence[int]) -> None:
    """Refuse (LastAdminError naming them) a write that takes the admin role or the
    activity from the organization's last active admins, so an organization can never
    lock itself out of its console. Every writer of roles or activity calls this:
    roster imports, the console, the Django admin, and any later SCIM or API endpoint.

    Call it inside the writing transaction: it locks the organization's row first
    (``select_for_update``), so two concurrent demotions run one after the other and the
    second one counts the admins the first one left."""
    if not losing:
        return
    with transaction.atomic():  # a savepoint inside the writer's transaction
        Organization.objects.select_for_update().filter(pk=organization.pk).values_list("pk").get()
        admins = list(
            Person.objects.filter(
                organization=organization, role=Person.Role.ADMIN, active=True
            ).order_by("name", "email")
        )
    lost = set(losing)
    if admins and all(a.pk in lost for a in admins):
        raise LastAdminError(
            _(
                "%(names)s cannot lose the admin role or be deactivated: the organization "
                "needs at least one admin who is active. Make someone else admin first."
            )
            % {"names": ", ".join(str(a) for a in admins)},
            code="last_admin",
        )


@transaction.atomic
def person_set_role(*, person: Person, role: str) -> str:
    """Give ``person`` a role; the organization's last active admin keeps theirs.
    Returns the previous role. (Who may do this is the caller's check.)"""
    if role not in Person.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    old = Person.objects.filter(pk=person.pk).values_list("role", flat=True).get()
    if old == Person.Role.ADMIN and role != Person.Role.ADMIN:
        admins_keep_one(organization=person.organization, losing=[person.pk])
    if old != role:
        Person.objects.filter(pk=person.pk).update(role=role, updated_at=clock.now())
    person.role = role
    return old


@transaction.atomic
def person_set_active(*, person: Person, active: bool) -> bool:
    """Deactivate (they are no longer matched or invited; their history stays) or
    reactivate someone; the organization's last active admin stays active. Returns
    whether anything changed."""
    if not active:
        admins_keep_one(organization=person.organization, losing=[person.pk])
    now = clock.now()
    changed = (
        Person.objects.filter(pk=person.pk, active=not active).update(
            active=active, deactivated_at=None if active else now, updated_at=now
        )
        == 1
    )
    person.active = active
    if changed:
        person.deactivated_at = None if active else now
    return changed


# --- One person from a provisioning client (SCIM) --------------------------------------


def person_provision(
    *, organization: Organization, person: Person | None, row: RosterRow, file: str = "SCIM"
) -> Person:
    """Create (``person`` None) or update one person the way a roster import would: the
    same comparison (``_diff``), the same writer (``roster_apply``: departments created
    by name, the manager linked by roster id, a changed e-mail unlinking the login,
    ``deactivated_at`` kept), in the caller's transaction. Only the columns in
    ``row.present`` change. ``row`` comes from ``parse_roster``, so its values passed the
    roster's checks; this adds the checks a file makes against the organization (an
    e-mail or roster id that belongs to someone else) and raises RosterError for them.

    Unlike a whole roster it reads only the people involved, so a provisioning client's
    single requests stay fast in a large organization. The person comes back with the
    values written (department joined), so a caller need not read them again. No
    savepoint of its own: a refusal spoils the caller's transaction, which must roll
    back (as SCIM's request does), not carry on."""
    with transaction.atomic(savepoint=False):
        others = Person.objects.filter(organization=organization)
        if person is not None:
            # The lock also reads the names the comparison needs (this person's
            # department, team and location), not every name of the organization.
            person = (
                others.select_related(*RELATED_FIELDS)
                .select_for_update(of=("self",))
                .get(pk=person.pk)
            )
            others = others.exclude(pk=person.pk)
        problems = []
        # Through the (organization, lower(email)) unique index, not a scan.
        changed_email = row.email and (person is None or person.email != row.email)
        if (
            changed_email
            and others.alias(email_lower=Lower("email"))
            .filter(email_lower=row.email.lower())
            .exists()
        ):
            problems.append(
                RosterProblem(
                    file, None, "email", f"'{row.email}' is already used by another person"
                )
            )
        if (person is None or person.external_id != row.id) and others.filter(
            external_id=row.id
        ).exists():
            problems.append(
                RosterProblem(
                    file,
                    None,
                    "id",
                    f"roster id '{row.id}' is already used by another person",
                )
            )
        if problems:
            raise RosterError(problems)
        if person is not None and person.external_id != row.id:
            # A provisioning client names people by its own id, not the roster id, so
            # unlike a file it may change the roster id (an HR system migrated).
            Person.objects.filter(pk=person.pk).update(external_id=row.id)
            person.external_id = row.id
        involved = [p for p in [person] if p is not None]
        bosses = Q(external_id=row.manager_id) if row.manager_id else Q(pk__in=[])
        if person is not None and person.manager_id:
            bosses |= Q(pk=person.manager_id)
        if row.manager_id or (person is not None and person.manager_id):
            involved += list(others.filter(bosses).only("pk", "external_id"))
        change = PersonChange(
            row=row,
            person=person,
            changes=_diff(person, row, _names_of(person, involved)),
        )
        plan = RosterPlan(organization=organization, file=file, rows=[row])
        if person is None:
            plan.new.append(change)
        elif change.changes:
            plan.updated.append(change)
        else:
            plan.unchanged = 1
        # roster_apply refuses to deactivate the organization's last active admin
        # (admins_keep_one). Provisioning needs no interactive confirmation of a mass
        # deactivation: it has its own hourly rail (crosspaths.scim.rails).
        roster_apply(plan=plan, confirmed_deactivations=len(plan.leaving))
        assert change.person is not None
        return change.person


def roster_row(values: dict[str, str], *, file: str, known_ids: Sequence[str] = ()) -> RosterRow:
    """One person's roster row from column values (``id`` first), read by the roster
    reader and checked against the database's limits, so a single write (the REST API)
    is judged by exactly the checks a roster file is. Raises RosterError."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(values))
    writer.writeheader()
    writer.writerow(values)
    rows = parse_roster(out.getvalue(), file=file, known_ids=known_ids)
    problems = roster_storage_problems(rows, file=file)
    if problems:
        raise RosterError(problems)
    return rows[0]


def _names_of(person: Person | None, people: Sequence[Person]) -> dict[str, dict[int, str]]:
    """``_related_names`` for one person: the names of their own department, team and
    location (joined by ``person_provision``'s lock; a new person has none) and the roster
    ids of ``people``, the person and the managers involved."""
    names: dict[str, dict[int, str]] = {kind: {} for kind in RELATED_FIELDS}
    for kind in RELATED_FIELDS:
        related = getattr(person, kind) if person is not None else None
        if related is not None:
            names[kind][related.pk] = related.name
    names["manager"] = {p.pk: p.external_id for p in people}
    return names


# --- Addresses that bounce ----------------------------------------------------------------


def people_mark_bounced(*, email: str, reason: str, organization_id: int | None = None) -> int:
    """Note that mail to ``email`` was refused for good (the SMTP server's 5xx, or a
    failure report it sent back): no more e-mail goes to the people with that address
    until it changes. ``organization_id`` limits it to one organization (a refusal while
    sending one of its messages); a failure report names only the address, which is the
    same mailbox in every organization. Returns how many people were marked."""
    people = Person.objects.alias(email_lower=Lower("email")).filter(
        email_lower=email.strip().lower()
    )
    if organization_id is not None:
        people = people.filter(organization_id=organization_id)
    return people.update(
        bounced_email=F("email"), bounced_at=clock.now(), bounce_reason=reason[:300]
    )


def people_clear_bounce(*, email: str) -> int:
    """The address works again (the mailbox was restored): e-mail to it resumes."""
    people = Person.objects.alias(email_lower=Lower("email")).filter(
        email_lower=email.strip().lower()
    )
    return people.exclude(bounced_email="").update(
        bounced_email="", bounced_at=None, bounce_reason=""
    )
