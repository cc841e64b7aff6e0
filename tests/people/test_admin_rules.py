"""The rule every writer of roles and activity obeys: the organization keeps at least
one active admin (people.services.admins_keep_one), and a roster import that deactivates
many people (or the importer) needs the count confirmed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from crosspaths.people.models import Person
from crosspaths.people.services import (
    LastAdminError,
    MassDeactivationError,
    person_set_active,
    person_set_role,
    roster_apply,
    roster_plan,
)

from ..cast import make_person


def test_the_last_active_admin_cannot_be_demoted_and_the_error_names_them(cast):
    with pytest.raises(LastAdminError) as error:
        person_set_role(person=cast.alice, role=Person.Role.PARTICIPANT)
    assert "Alice Adler" in error.value.messages[0]
    cast.alice.refresh_from_db()
    assert cast.alice.role == Person.Role.ADMIN


def test_the_last_active_admin_cannot_be_deactivated_by_hand(cast):
    with pytest.raises(LastAdminError):
        person_set_active(person=cast.alice, active=False)
    cast.alice.refresh_from_db()
    assert cast.alice.active


def test_an_inactive_admin_does_not_count_as_a_second_admin(cast):
    Person.objects.filter(pk=cast.chidi.pk).update(role=Person.Role.ADMIN, active=False)
    with pytest.raises(LastAdminError):
        person_set_role(person=cast.alice, role=Person.Role.PARTICIPANT)


def test_of_two_admins_one_may_step_down_but_not_both(cast):
    Person.objects.filter(pk=cast.chidi.pk).update(role=Person.Role.ADMIN)
    person_set_role(person=cast.alice, role=Person.Role.PARTICIPANT)
    with pytest.raises(LastAdminError) as error:
        person_set_active(person=cast.chidi, active=False)
    assert "Chidi Okafor" in error.value.messages[0]


def test_a_roster_import_never_deactivates_the_last_admin_missing_from_the_file(cast):
    text = "id,name\nB2,Bob Brandt\nC3,Chidi Okafor\n"
    plan = roster_plan(organization=cast.org, text=text, deactivate_missing=True)
    with pytest.raises(LastAdminError):
        roster_apply(plan=plan, confirmed_deactivations=1)
    cast.alice.refresh_from_db()
    assert cast.alice.active


def test_a_roster_import_never_marks_the_last_admin_inactive(cast):
    plan = roster_plan(organization=cast.org, text="id,active\nA1,false\n")
    with pytest.raises(LastAdminError):
        roster_apply(plan=plan, confirmed_deactivations=1)
    assert Person.objects.get(pk=cast.alice.pk).active


@pytest.fixture
def staff(cast):
    """Twenty more active people in Acme: 23 active in all."""
    return [
        make_person(cast.org, f"s{i}@acme.test", f"Staff {i}", login=False, external_id=f"S{i}")
        for i in range(20)
    ]


def _roster_without(cast, staff, missing: int) -> str:
    kept = ["A1", "B2", "C3"] + [p.external_id for p in staff[missing:]]
    return "id\n" + "".join(f"{i}\n" for i in kept)


def test_deactivating_more_than_a_tenth_needs_the_count_confirmed(cast, staff):
    plan = roster_plan(
        organization=cast.org, text=_roster_without(cast, staff, 3), deactivate_missing=True
    )
    with pytest.raises(MassDeactivationError) as error:
        roster_apply(plan=plan)
    assert error.value.count == 3 and "deactivates 3 people" in error.value.messages[0]
    with pytest.raises(MassDeactivationError):
        roster_apply(plan=plan, confirmed_deactivations=2)  # not the number shown
    assert Person.objects.filter(organization=cast.org, active=True).count() == 23
    roster_apply(plan=plan, confirmed_deactivations=3)
    assert Person.objects.filter(organization=cast.org, active=True).count() == 20


def test_deactivating_a_tenth_or_less_needs_no_confirmation(cast, staff):
    plan = roster_plan(
        organization=cast.org, text=_roster_without(cast, staff, 2), deactivate_missing=True
    )
    assert roster_apply(plan=plan)["deactivated"] == 2


def test_deactivating_the_importing_admin_always_needs_confirmation(cast, staff):
    Person.objects.filter(pk=cast.chidi.pk).update(role=Person.Role.ADMIN)
    plan = roster_plan(organization=cast.org, text="id,active\nA1,false\n")
    with pytest.raises(MassDeactivationError) as error:
        roster_apply(plan=plan, actor=cast.alice)
    assert error.value.count == 1
    roster_apply(plan=plan, actor=cast.alice, confirmed_deactivations=1)
    assert not Person.objects.get(pk=cast.alice.pk).active


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_demotions_of_the_last_two_admins_cannot_both_pass():
    """Alice and Chidi are the only admins; two requests demote one each at the same
    time. The first holds its transaction open after writing; the second must wait for
    it and then see only one admin left."""
    from ..cast import make_cast

    cast = make_cast()
    Person.objects.filter(pk=cast.chidi.pk).update(role=Person.Role.ADMIN)
    first_wrote = threading.Event()
    results: dict[str, str] = {}

    def demote(name: str, person: Person, wait: threading.Event | None) -> None:
        try:
            if wait is not None:
                wait.wait(5)
            with transaction.atomic():
                person_set_role(person=person, role=Person.Role.PARTICIPANT)
                if wait is None:
                    first_wrote.set()
                    threading.Event().wait(0.5)  # hold the transaction open
            results[name] = "demoted"
        except LastAdminError:
            results[name] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=("alice", cast.alice, None)),
        threading.Thread(target=demote, args=("chidi", cast.chidi, first_wrote)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == {"alice": "demoted", "chidi": "refused"}
    assert Person.objects.filter(organization=cast.org, role=Person.Role.ADMIN).count() == 1
