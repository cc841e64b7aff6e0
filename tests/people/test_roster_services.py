"""roster_plan / roster_apply beyond the command line: manager links in any order (even a
cycle in the file), and a plan that reads no joined rows."""

from __future__ import annotations

from crosspaths.people.models import Person
from crosspaths.people.services import roster_apply, roster_plan

HEADER = "id,name,email,department,manager_id\n"


def test_reports_listed_before_their_managers_are_linked(cast):
    text = HEADER + (
        "R1,Rae,rae@acme.test,Sales,M1\n"
        "M1,Mo,mo@acme.test,Sales,T1\n"
        "T1,Tess,tess@acme.test,Sales,A1\n"
    )
    roster_apply(plan=roster_plan(organization=cast.org, text=text))
    people = {p.external_id: p for p in Person.objects.filter(organization=cast.org)}
    assert people["R1"].manager == people["M1"]
    assert people["M1"].manager == people["T1"]
    assert people["T1"].manager == cast.alice


def test_a_manager_cycle_in_the_file_is_still_linked_both_ways(cast):
    text = HEADER + "X1,Xia,xia@acme.test,Ops,Y1\nY1,Yan,yan@acme.test,Ops,X1\n"
    roster_apply(plan=roster_plan(organization=cast.org, text=text))
    x = Person.objects.get(external_id="X1")
    y = Person.objects.get(external_id="Y1")
    assert x.manager == y and y.manager == x


def test_a_changed_manager_and_department_are_planned_and_applied(cast):
    text = HEADER + "B2,Bob Brandt,bob@acme.test,Engineering,C3\n"
    plan = roster_plan(organization=cast.org, text=text)
    [change] = plan.updated
    assert change.changes == {"department": ("People", "Engineering"), "manager": ("A1", "C3")}
    roster_apply(plan=plan)
    cast.bob.refresh_from_db()
    assert cast.bob.manager == cast.chidi and cast.bob.department == cast.engineering


def test_planning_reads_a_fixed_number_of_queries_whatever_the_roster_size(
    cast, django_assert_max_num_queries
):
    text = HEADER + "".join(f"N{i},N {i},n{i}@acme.test,Sales,A1\n" for i in range(300))
    roster_apply(plan=roster_plan(organization=cast.org, text=text))
    with django_assert_max_num_queries(5):
        plan = roster_plan(organization=cast.org, text=text)
    assert plan.unchanged == 300 and not plan.updated


def test_applying_keeps_the_leaving_date_of_people_whose_activity_did_not_change(cast):
    from datetime import UTC, datetime

    left = datetime(2025, 1, 31, tzinfo=UTC)
    Person.objects.filter(pk=cast.chidi.pk).update(active=False, deactivated_at=left)
    text = "id,name,active\nC3,Chidi O.,false\nB2,Bob Brandt,false\n"
    # Bob is one of two active people: a mass deactivation, confirmed.
    roster_apply(plan=roster_plan(organization=cast.org, text=text), confirmed_deactivations=1)
    cast.chidi.refresh_from_db()
    cast.bob.refresh_from_db()
    assert cast.chidi.name == "Chidi O." and cast.chidi.deactivated_at == left
    assert not cast.bob.active and cast.bob.deactivated_at is not None
