"""Reads of the event flow: the plan by rotation and table, each person's card, and a
participant's own seats. Every query is scoped by the event's organization."""

from __future__ import annotations

from dataclasses import dataclass, field

from crosspaths import clock
from crosspaths.people.models import Person

from .models import Event, Seat


@dataclass
class Table:
    number: int
    people: list[Person] = field(default_factory=list)


@dataclass
class Rotation:
    number: int
    tables: list[Table] = field(default_factory=list)


@dataclass
class Card:
    """One attendee's tables, rotation by rotation."""

    person: Person
    tables: list[int] = field(default_factory=list)


def _seats(event: Event) -> list[Seat]:
    return list(
        Seat.objects.filter(event=event, organization=event.organization)
        .select_related("person", "person__department")
        .order_by("rotation", "table", "person__name", "person_id")
    )


def event_plan(*, event: Event) -> list[Rotation]:
    """The plan as rotations of tables of people (names sorted at each table)."""
    rotations: list[Rotation] = []
    for seat in _seats(event):
        if not rotations or rotations[-1].number != seat.rotation:
            rotations.append(Rotation(seat.rotation))
        tables = rotations[-1].tables
        if not tables or tables[-1].number != seat.table:
            tables.append(Table(seat.table))
        tables[-1].people.append(seat.person)
    return rotations


def event_cards(*, event: Event) -> list[Card]:
    """One card per attendee, sorted by name: the table of each rotation."""
    cards: dict[int, Card] = {}
    for seat in _seats(event):
        card = cards.setdefault(seat.person_id, Card(seat.person))
        card.tables.append(seat.table)
    return sorted(cards.values(), key=lambda c: (c.person.name.casefold(), c.person.pk))


@dataclass
class MySeating:
    event: Event
    tables: list[int]


def seatings_for(*, person: Person) -> list[MySeating]:
    """The person's seats at events of their organization from today on."""
    seats = (
        Seat.objects.filter(
            organization=person.organization_id,
            person=person,
            event__date__gte=clock.today(),
            event__seated_at__isnull=False,
        )
        .select_related("event")
        .order_by("event__date", "event_id", "rotation")
    )
    out: list[MySeating] = []
    for seat in seats:
        if not out or out[-1].event.pk != seat.event_id:
            out.append(MySeating(seat.event, []))
        out[-1].tables.append(seat.table)
    return out
