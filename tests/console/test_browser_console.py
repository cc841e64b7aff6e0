"""An HR admin walks through the console in a real Chromium: imports a roster with
errors, fixes it, applies it; sets up a program; previews a round; swaps two people
(one swap refused because it would pair a manager with her report); publishes. Every
console page is checked with axe-core and photographed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crosspaths.console.models import AuditLog
from crosspaths.people.models import Person
from crosspaths.programs.models import Enrollment, MatchMember, Program, Round

from ..browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A roster with three mistakes (rows 3, 4 and 6), in the roster format.
BAD_ROSTER = """id,name,email,department,location,manager_id,start_date,timezone,languages
M1,Maya Moreau,maya@acme.test,Sales,Munich,,2018-02-01,Europe/Berlin,en
R1,Rafael Rossi,rafael@acme,Sales,Munich,M1,2023-05-02,Europe/Berlin,en
S1,Sofia Silva,sofia@acme.test,Finance,Munich,ZZ9,2022-01-10,Europe/Berlin,en
T1,Tomas Tanaka,tomas@acme.test,Legal,Munich,,2021-07-01,Europe/Berlin,en
U1,Ulla Usman,ulla@acme.test,Design,Munich,,01.02.2020,Europe/Berlin,en
"""

# The corrected export from the HR system: other column names, one more person.
FIXED_ROSTER = """Employee ID;Full name;E-Mail;Department;Office;Manager;Hire date;Time zone;Languages
M1;Maya Moreau;maya@acme.test;Sales;Munich;;2018-02-01;Europe/Berlin;en
R1;Rafael Rossi;rafael@acme.test;Sales;Munich;M1;2023-05-02;Europe/Berlin;en
S1;Sofia Silva;sofia@acme.test;Finance;Munich;M1;2022-01-10;Europe/Berlin;en
T1;Tomas Tanaka;tomas@acme.test;Legal;Munich;;2021-07-01;Europe/Berlin;en
U1;Ulla Usman;ulla@acme.test;Design;Munich;;2020-02-01;Europe/Berlin;en
V1;Vera Varga;vera@acme.test;Marketing;Munich;;2019-09-09;Europe/Berlin;en
"""


def check(page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"console-{name}")


def upload(page, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.get_by_label("Roster file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()


def test_an_admin_imports_sets_up_previews_edits_and_publishes(page, live_server, cast, tmp_path):
    # Everyone speaks English in one time zone, so only the manager rule can refuse a swap.
    Person.objects.filter(organization=cast.org).update(languages=["en"], timezone="Europe/Berlin")
    sign_in(page.context, live_server.url, cast.alice.user)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Console").click()
    expect(page.get_by_role("heading", name="Console", exact=True)).to_be_visible()
    check(page, "dashboard")

    # 1. A roster with errors: every problem with its row and column, nothing written.
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Roster").click()
    check(page, "roster")
    upload(page, tmp_path, "staff.csv", BAD_ROSTER)
    problems = page.get_by_role("table")
    expect(page.get_by_role("heading", name=re.compile("problems in the file"))).to_be_visible()
    expect(problems.get_by_role("row", name=re.compile(r"^3 email 'rafael@acme'"))).to_be_visible()
    # Row 4's manager is outside the file: a warning once the file is clean, not a problem.
    expect(problems.get_by_role("row", name=re.compile(r"^4 manager_id"))).to_have_count(0)
    expect(
        problems.get_by_role("row", name=re.compile(r"^6 start_date '01\.02\.2020'"))
    ).to_be_visible()
    check(page, "roster-problems")
    assert not Person.objects.filter(email="maya@acme.test").exists()

    # 2. The fixed export has other column names: match them, preview, apply.
    page.get_by_role("link", name="Upload a corrected file").click()
    upload(page, tmp_path, "staff-fixed.csv", FIXED_ROSTER)
    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    expect(page.get_by_label("Roster id (required)")).to_have_value("Employee ID")
    expect(page.get_by_label("Manager's roster id")).to_have_value("Manager")
    check(page, "roster-columns")
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.get_by_role("heading", name="New people")).to_be_visible()
    expect(page.get_by_text("Vera Varga")).to_be_visible()
    check(page, "roster-preview")
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Roster applied: 6 new")).to_be_visible()
    maya = Person.objects.get(organization=cast.org, email="maya@acme.test")
    rafael = Person.objects.get(organization=cast.org, email="rafael@acme.test")
    assert rafael.manager == maya

    # The people page and a person's page.
    page.get_by_role("navigation", name="Console").get_by_role("link", name="People").click()
    expect(page.get_by_role("link", name="Maya Moreau")).to_be_visible()
    check(page, "people")
    page.get_by_role("link", name="Maya Moreau").click()
    check(page, "person")

    # 3. A program in plain language; a bad setting is refused next to its field.
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Programs").click()
    check(page, "programs")
    page.get_by_role("link", name="Set up a program").click()
    page.get_by_label("Name").fill("Coffee across Acme")
    page.get_by_label("Format").select_option(label="Virtual coffee")
    page.get_by_label("Group size").fill("1")
    page.get_by_label("Time", exact=True).fill("10:00")
    page.get_by_role("group", name="Prefer people from different departments").get_by_label(
        "strongly"
    ).check()
    check(page, "program-new")
    page.get_by_role("button", name="Create the program").click()
    expect(page.locator("#id_group_size_error")).to_contain_text(
        "A group needs at least two people."
    )
    check(page, "program-refused")
    page.get_by_label("Group size").fill("2")
    page.get_by_role("button", name="Create the program").click()
    expect(page.get_by_role("heading", name="Coffee across Acme")).to_be_visible()
    program = Program.objects.get(name="Coffee across Acme")
    assert program.weights["different_department"] == 20.0
    check(page, "program")

    # The participants join (their own pages do this; here directly).
    Enrollment.objects.bulk_create(
        [
            Enrollment(organization=cast.org, program=program, person=p)
            for p in Person.objects.filter(organization=cast.org, active=True)
        ]
    )

    # 4. Preview a round.
    page.get_by_label("Round date").fill("2026-11-30")
    page.get_by_role("button", name="Preview the round").click()
    expect(page.get_by_role("heading", name="Change the groups by hand")).to_be_visible()
    rnd = Round.objects.get(program=program)
    expect(page.locator("#round-metrics")).to_contain_text("People placed")
    check(page, "round-draft")

    # 5a. A swap that would put Rafael with Maya, his manager, is refused by the live check.
    seat = dict(MatchMember.objects.filter(round=rnd).values_list("person_id", "match_id"))
    mayas_group = seat[maya.pk]
    partner = next(
        p for p, m in seat.items() if m == mayas_group and p != maya.pk
    )  # whoever sits with Maya
    partner = Person.objects.get(pk=partner)
    page.get_by_label("Person (e-mail)").fill(rafael.email)
    page.get_by_label("Swap with someone").check()
    page.get_by_label("Swap with (e-mail)").fill(partner.email)
    page.get_by_label("Swap with (e-mail)").blur()
    refusal = page.locator("#edit-check")
    expect(refusal).to_contain_text("Refused")
    expect(refusal).to_contain_text("Maya Moreau is Rafael Rossi's manager")
    check(page, "round-refused-swap")
    # The live check already shows the same alert, so wait for the refused POST's page
    # itself: filling the form before it loads types into the page being replaced.
    with page.expect_navigation():
        page.get_by_role("button", name="Make this change").click()
    expect(page.get_by_role("alert").filter(has_text="Maya Moreau is Rafael Rossi")).to_be_visible()
    assert dict(MatchMember.objects.filter(round=rnd).values_list("person_id", "match_id")) == seat

    # 5b. A swap that keeps every rule: two people from different groups, neither a
    # manager or report of anyone in the other's group.
    a, b = _free_swap(rnd)
    page.get_by_label("Person (e-mail)").fill(a.email)
    page.get_by_label("Swap with (e-mail)").fill(b.email)
    page.get_by_label("Swap with (e-mail)").blur()
    expect(page.locator("#edit-check")).to_contain_text("This change keeps every rule.")
    page.get_by_role("button", name="Make this change").click()
    expect(page.get_by_text("Done: the changed groups are outlined.")).to_be_visible()
    assert MatchMember.objects.get(round=rnd, person=a).match_id == seat[b.pk]
    check(page, "round-swapped")

    # 6. Publish.
    page.get_by_role("button", name="Publish this round").click()
    expect(page.get_by_text("Published: everyone in a group gets")).to_be_visible()
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.PUBLISHED
    check(page, "round-published")

    # Everything is in the audit log.
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Audit log").click()
    for action in (
        "Roster imported",
        "Program created",
        "Round previewed",
        "People swapped",
        "Round published",
    ):
        expect(page.get_by_role("cell", name=action, exact=True)).to_be_visible()
    check(page, "audit")
    assert AuditLog.objects.filter(organization=cast.org).count() == 5


def _free_swap(rnd: Round) -> tuple[Person, Person]:
    """Two people in different groups whose swap pairs no manager with a report."""
    groups: dict[int, set[int]] = {}
    for person_id, match_id in MatchMember.objects.filter(round=rnd).values_list(
        "person_id", "match_id"
    ):
        groups.setdefault(match_id, set()).add(person_id)
    manager = dict(
        Person.objects.filter(organization=rnd.organization).values_list("pk", "manager_id")
    )

    def fits(person: int, group: set[int]) -> bool:
        return all(manager.get(person) != o and manager.get(o) != person for o in group)

    seat = {p: m for m, ps in groups.items() for p in ps}
    for a, ma in seat.items():
        for b, mb in seat.items():
            if ma != mb and fits(a, groups[mb] - {b}) and fits(b, groups[ma] - {a}):
                return Person.objects.get(pk=a), Person.objects.get(pk=b)
    raise AssertionError("no free swap in this round")


def test_a_program_manager_sees_only_their_program_and_no_people_pages(page, live_server, cast):
    cast.chidi.role = Person.Role.PROGRAM_MANAGER
    cast.chidi.save()
    mine = Program.objects.create(organization=cast.org, name="Chidi's lunch", format="lunch")
    mine.managers.add(cast.chidi)
    Program.objects.create(organization=cast.org, name="Board dinner", format="lunch")
    sign_in(page.context, live_server.url, cast.chidi.user)
    page.goto(live_server.url + "/console/")
    nav = page.get_by_role("navigation", name="Console")
    expect(nav.get_by_role("link", name="Programs")).to_be_visible()
    expect(nav.get_by_role("link", name="Roster")).to_have_count(0)
    expect(page.get_by_role("link", name="Chidi's lunch")).to_be_visible()
    expect(page.get_by_text("Board dinner")).to_have_count(0)
    check(page, "manager-dashboard")
    page.get_by_role("link", name="Chidi's lunch").click()
    page.get_by_role("link", name="Change the settings").click()
    expect(page.get_by_role("group", name="Program managers")).to_have_count(0)
    check(page, "manager-program-edit")
