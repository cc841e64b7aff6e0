"""A roster export uploaded again unchanged changes nobody (issue 10, point 8), and the
preview refuses every value the apply would fail on (point 7)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crosspaths.console.models import RosterUpload
from crosspaths.matching.roster import RosterError, escape_formula, unescape_formula
from crosspaths.people.models import Person
from crosspaths.people.services import roster_plan

from .test_roster import HEADER

TRICKY = [
    "=HYPERLINK(1)",
    "+49 89 1234",
    "-dash",
    "@mention",
    "'=quoted",
    "''@twice",
    "'plain",
    "-5",
]


def test_unescaping_undoes_exactly_what_escaping_added():
    for text in [*TRICKY, "", "'", "'-", "=", "Ada", "''"]:
        assert unescape_formula(escape_formula(text)) == text, text
    assert escape_formula("=1+1") == "'=1+1" and escape_formula("-5") == "-5"


def test_an_exported_roster_uploaded_again_changes_nobody(admin_client, cast):
    people = [cast.alice, cast.bob, cast.chidi]
    for person, name in zip(people, TRICKY, strict=False):
        person.name = name
        person.save()
    cast.bob.external_id = "-B2"  # an id a spreadsheet would take for a formula
    cast.bob.interests = ["=cmd", "@home"]
    cast.bob.save()
    exported = b"".join(admin_client.get("/console/roster/export.csv").streaming_content)
    assert b"'=HYPERLINK(1)" in exported  # still safe in a spreadsheet
    admin_client.post("/console/roster/", {"file": SimpleUploadedFile("export.csv", exported)})
    upload = RosterUpload.objects.get()
    preview = admin_client.get(f"/console/roster/uploads/{upload.pk}/")
    assert preview.context["summary"] == {"new": 0, "updated": 0, "unchanged": 3, "deactivated": 0}
    before = list(Person.objects.order_by("pk").values())
    response = admin_client.post(
        f"/console/roster/uploads/{upload.pk}/apply/",
        {"new": 0, "updated": 0, "unchanged": 3, "deactivated": 0},
    )
    assert response.status_code == 302
    after = list(Person.objects.order_by("pk").values())
    assert [p | {"updated_at": None} for p in after] == [p | {"updated_at": None} for p in before]


def test_the_preview_refuses_what_the_database_would_refuse(admin_client, cast):
    text = HEADER + (
        f"E1,{'N' * 201},e1@acme.test,{'D' * 201},,,,,,,,,true\n"
        f"E2,Ok,e2@acme.test,,,,{10**20},,,,,,true\n"
        f"{'I' * 101},Ok,e3@acme.test,,,,,,,,,,true\n"
    )
    admin_client.post("/console/roster/", {"file": SimpleUploadedFile("big.csv", text.encode())})
    upload = RosterUpload.objects.get()
    problems = admin_client.get(f"/console/roster/uploads/{upload.pk}/").context["problems"]
    found = {(p["row"], p["column"]) for p in problems}
    assert {(2, "name"), (2, "department"), (3, "level"), (4, "id")} <= found, problems
    assert not Person.objects.filter(email__startswith="e1@").exists()


@pytest.mark.django_db
def test_a_nul_character_from_the_command_line_import_is_a_problem_not_a_crash(cast):
    with pytest.raises(RosterError) as e:
        roster_plan(organization=cast.org, text="id,name,email\nE1,N\x00o,e1@acme.test\n")
    [problem] = e.value.problems
    assert (problem.row, problem.column) == (2, "name") and "NUL" in problem.message
