"""Writes of the event flow: create or change an event, seat its attendees.

Seating runs the event mixer (pure engine, ``crosspaths.matching.mixer``) on the
attendees as they are now and replaces the plan in one transaction; it is fast
enough (1,000 people in well under a second) to run in the request, and refuses
events larger than ``MAX_ATTENDEES`` rather than make a page wait.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.matching import Person as EnginePerson
from crosspaths.matching.mixer import mix
from crosspaths.people.models import BlockedPair, Organization, Person

from .models import Event, Seat

MAX_ATTENDEES = 5_000
EVENT_FIELDS = (
    "name",
    "date",
    "program",
    "attendees",
    "department",
    "location",
    "table_size",
    "rotations",
)


def event_save(
    *, actor: Person, organization: Organization, data: dict[str, Any], event: Event | None = None
) -> Event:
    """Create an event (or change one): a change of who attends or how they sit
    drops the plan, which is then no longer the event's."""
    if event is None:
        event = Event(organization=organization, created_by=actor)
    before = {f: getattr(event, f) for f in EVENT_FIELDS}
    for f in EVENT_FIELDS:
        setattr(event, f, data.get(f))
    with transaction.atomic():
        event.save()
        seating = [f for f in EVENT_FIELDS if f not in ("name", "date")]
        if event.seated_at and any(before[f] != getattr(event, f) for f in seating):
            _drop_plan(event)
    return event


def _drop_plan(event: Event) -> None:
    Seat.objects.filter(event=event, organization=event.organization).delete()
    event.seated_at = None
    event.metrics = {}
    event.save(update_fields=["seated_at", "metrics"])


def event_attendees(*, event: Event) -> QuerySet[Person]:
    """The active people of the event's organization it is for, right now."""
    people = Person.objects.filter(organization=event.organization, active=True)
    if event.attendees == Event.Attendees.ENROLLED:
        return people.filter(
            enrollments__program=event.program_id,
            enrollments__left_at__isnull=True,
            enrollments__organization=event.organization,
        ).distinct()
    if event.attendees == Event.Attendees.DEPARTMENT:
        return people.filter(department=event.department_id)
    if event.attendees == Event.Attendees.LOCATION:
        return people.filter(location=event.location_id)
    return people


def event_seat(*, event: Event, seed: int | None = None) -> dict[str, Any]:
    """Seat the attendees (see the module docstring); return the plan's figures.

    Raises ValidationError when there are fewer than two attendees, too many, or no
    seating keeps the hard rules (a manager and their report, or a blocked pair,
    with too few tables to part them)."""
    people = list(
        event_attendees(event=event)
        .select_related("department")
        .only("pk", "name", "department__name", "manager_id")
        .order_by("pk")
    )
    if len(people) < 2:
        raise ValidationError(_("An event needs at least two attendees to seat."))
    if len(people) > MAX_ATTENDEES:
        raise ValidationError(
            _("At most %(max)s attendees can be seated; this event has %(count)s.")
            % {"max": MAX_ATTENDEES, "count": len(people)}
        )
    ids = {p.pk for p in people}
    blocked = [
        (str(a), str(b))
        for a, b in BlockedPair.objects.filter(
            organization=event.organization, person__in=ids, other__in=ids
        ).values_list("person_id", "other_id")
    ]
    engine_people = [
        EnginePerson(
            id=str(p.pk),
            name=p.name,
            department=p.department.name if p.department else "",
            manager_id=str(p.manager_id) if p.manager_id in ids else "",
        )
        for p in people
    ]
    if seed is not None:
        event.seed = seed
    plan = mix(
        engine_people,
        table_size=event.table_size,
        rounds=event.rotations,
        blocked=blocked,
        seed=event.seed,
    )
    if plan.metrics["rule_breaks"]:
        raise ValidationError(
            _(
                "No seating of %(count)s people at %(tables)s tables keeps a manager "
                "apart from their reports and blocked pairs apart. Use smaller tables."
            )
            % {"count": len(people), "tables": plan.metrics["tables"]}
        )
    metrics = {k: v for k, v in plan.metrics.items() if k != "rule_break_pairs"}
    with transaction.atomic():
        Seat.objects.filter(event=event, organization=event.organization).delete()
        Seat.objects.bulk_create(
            [
                Seat(
                    organization=event.organization,
                    event=event,
                    person_id=int(pid),
                    rotation=rotation,
                    table=table,
                )
                for rotation, table, pid in plan.seats()
            ],
            batch_size=2_000,
        )
        event.metrics = metrics
        event.seated_at = clock.now()
        event.save(update_fields=["metrics", "seated_at", "seed"])
    return metrics
