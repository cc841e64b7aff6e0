"""Event services: who attends, seating everyone once per round, the rules kept."""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import combinations

import pytest
from django.core.exceptions import ValidationError

from crosspaths.events.models import Event, Seat
from crosspaths.events.selectors import event_cards, event_plan, seatings_for
from crosspaths.events.services import event_attendees, event_save, event_seat
from crosspaths.people.models import BlockedPair, Person
from crosspaths.programs.models import Enrollment, Program

from ..cast import make_person

pytestmark = pytest.mark.django_db


def _tables(event: Event) -> dict[tuple[int, int], set[int]]:
    out: dict[tuple[int, int], set[int]] = {}
    for s in Seat.objects.filter(event=event):
        out.setdefault((s.rotation, s.table), set()).add(s.person_id)
    return out


def test_it_seats_every_active_person_of_the_organization_once_per_round(cast, townhall):
    make_person(cast.org, "gone@acme.test", "Gone", login=False, active=False)
    metrics = event_seat(event=townhall)
    people = set(
        Person.objects.filter(organization=cast.org, active=True).values_list("pk", flat=True)
    )
    assert len(people) == 36 and metrics["people"] == 36 and metrics["tables"] == 6
    tables = _tables(townhall)
    for r in (1, 2, 3):
        seated = [p for (rr, _), ids in tables.items() if rr == r for p in ids]
        assert sorted(seated) == sorted(people)
    assert {len(ids) for ids in tables.values()} == {6}
    assert cast.dana.pk not in {p for ids in tables.values() for p in ids}


def test_no_pair_sits_together_twice_and_rules_hold(cast, townhall):
    BlockedPair.objects.create(organization=cast.org, person=cast.chidi, other=cast.bob)
    event_seat(event=townhall)
    pairs = Counter(
        frozenset(p) for ids in _tables(townhall).values() for p in combinations(ids, 2)
    )
    assert max(pairs.values()) == 1
    assert frozenset((cast.alice.pk, cast.bob.pk)) not in pairs  # Alice manages Bob
    assert frozenset((cast.chidi.pk, cast.bob.pk)) not in pairs  # blocked


def test_attendees_follow_the_program_department_or_location(cast, townhall, crowd):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="lunch")
    for p in (cast.bob, crowd[0]):
        Enrollment.objects.create(organization=cast.org, program=program, person=p)
    townhall.attendees, townhall.program = Event.Attendees.ENROLLED, program
    assert set(event_attendees(event=townhall)) == {cast.bob, crowd[0]}
    townhall.attendees, townhall.department = Event.Attendees.DEPARTMENT, cast.engineering
    assert cast.chidi in event_attendees(event=townhall)
    assert all(p.department == cast.engineering for p in event_attendees(event=townhall))
    townhall.attendees, townhall.location = Event.Attendees.LOCATION, cast.munich
    assert event_attendees(event=townhall).count() == 3 + 16


def test_seating_again_replaces_the_plan_and_a_new_seed_gives_another(townhall):
    event_seat(event=townhall)
    first = _tables(townhall)
    event_seat(event=townhall, seed=1)
    assert Seat.objects.filter(event=townhall).count() == 36 * 3
    assert _tables(townhall) != first


def test_changing_who_attends_drops_the_plan_but_renaming_keeps_it(cast, townhall):
    event_seat(event=townhall)
    data = {
        f: getattr(townhall, f)
        for f in (
            "name",
            "date",
            "program",
            "attendees",
            "department",
            "location",
            "table_size",
            "rotations",
        )
    }
    event_save(
        actor=cast.alice, organization=cast.org, data={**data, "name": "Renamed"}, event=townhall
    )
    assert Seat.objects.filter(event=townhall).exists()
    event_save(
        actor=cast.alice, organization=cast.org, data={**data, "table_size": 4}, event=townhall
    )
    townhall.refresh_from_db()
    assert not Seat.objects.filter(event=townhall).exists() and townhall.seated_at is None


def test_it_refuses_a_seating_that_would_put_a_manager_with_their_report(cast):
    event = Event.objects.create(
        organization=cast.org, name="Tiny", date=date(2026, 12, 1), table_size=4, rotations=1
    )
    with pytest.raises(ValidationError, match="manager apart"):
        event_seat(event=event)  # Alice, Bob (her report) and Chidi: one table
    assert not Seat.objects.filter(event=event).exists()


def test_plan_cards_and_home_seatings_read_the_seats(cast, townhall):
    event_seat(event=townhall)
    plan = event_plan(event=townhall)
    assert [r.number for r in plan] == [1, 2, 3] and len(plan[0].tables) == 6
    cards = event_cards(event=townhall)
    assert len(cards) == 36 and all(len(c.tables) == 3 for c in cards)
    mine = seatings_for(person=cast.bob)
    assert len(mine) == 1 and mine[0].event == townhall and len(mine[0].tables) == 3
    assert seatings_for(person=cast.dana) == []
    townhall.date = date(2026, 11, 1)  # past events leave the home page
    townhall.save()
    assert seatings_for(person=cast.bob) == []
