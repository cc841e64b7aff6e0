"""The roster pages: upload, column matching, preview with problems or changes, apply all
or nothing, export."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from crosspaths.console.models import AuditLog, RosterUpload
from crosspaths.people.models import Person

HEADER = "id,name,email,department,team,location,level,manager_id,start_date,timezone,languages,interests,active\n"
GOOD = HEADER + (
    "A1,Alice Adler,alice@acme.test,People,,Munich,5,,2019-03-01,,en;de,cycling,true\n"
    "B2,Bob Brandt,bob@acme.test,People,,Munich,2,A1,2024-09-01,,de,chess;cycling,true\n"
    "E1,Erin Ek,erin@acme.test,Sales,Hunters,Lisbon,4,A1,2020-05-01,Europe/Lisbon,pt;en,surfing,true\n"
)
BAD = HEADER + (
    "A1,Alice Adler,alice@acme.test,People,,Munich,5,,2019-03-01,,en;de,cycling,true\n"
    "E1,Erin Ek,not-an-email,Sales,,Lisbon,senior,ZZ,2020-05-01,Mars/Base,pt,,true\n"
)


def upload(client, text, name="roster.csv"):
    return client.post(
        "/console/roster/",
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def test_a_file_in_the_roster_format_goes_straight_to_the_preview(admin_client, cast):
    response = upload(admin_client, GOOD)
    up = RosterUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/roster/uploads/{up.pk}/"
    assert up.organization == cast.org and up.uploaded_by == cast.alice and up.rows == 3


def test_the_preview_shows_new_and_updated_people_with_their_changes(admin_client, cast):
    upload(admin_client, GOOD)
    up = RosterUpload.objects.get()
    body = admin_client.get(f"/console/roster/uploads/{up.pk}/").content.decode()
    assert "Erin Ek" in body  # new
    assert "Sales" in body
    # Bob's interests gain nothing, Alice and Bob keep their e-mails; Bob's level is the same
    assert "Apply these changes" in body
    assert Person.objects.filter(email="erin@acme.test").count() == 0  # nothing written yet


def test_the_preview_lists_every_problem_with_row_column_and_reason(admin_client, cast):
    upload(admin_client, BAD)
    up = RosterUpload.objects.get()
    response = admin_client.get(f"/console/roster/uploads/{up.pk}/")
    body = response.content.decode()
    rows = [(p["row"], p["column"]) for p in response.context["problems"]]
    assert (3, "email") in rows and (3, "level") in rows and (3, "timezone") in rows
    assert (3, "manager_id") not in rows  # a manager outside the file is only a warning
    assert "not-an-email" in body and "is not a whole number" in body
    assert "nothing was changed" in body and "Apply these changes" not in body


def test_problems_name_the_files_own_column_after_mapping(admin_client, cast):
    text = "Employee ID,Mail,Grade\nX1,x1@acme.test,high\n"
    response = upload(admin_client, text)
    up = RosterUpload.objects.get()
    assert response["Location"] == f"/console/roster/uploads/{up.pk}/columns/"
    response = admin_client.post(
        f"/console/roster/uploads/{up.pk}/columns/",
        {"id": "Employee ID", "email": "Mail", "level": "Grade"},
    )
    assert response.status_code == 302
    problems = admin_client.get(f"/console/roster/uploads/{up.pk}/").context["problems"]
    assert problems == [
        {"row": 2, "column": "Grade", "field": "Level", "message": "'high' is not a whole number"}
    ]


def test_the_mapping_step_requires_an_id_and_one_column_per_field(admin_client, cast):
    upload(admin_client, "Employee ID,Mail\nX1,x1@acme.test\n")
    up = RosterUpload.objects.get()
    response = admin_client.post(
        f"/console/roster/uploads/{up.pk}/columns/", {"id": "", "email": "Mail", "name": "Mail"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "roster id" in errors["id"][0] and "already feeds" in errors["email"][0]


def test_applying_writes_everything_and_logs_it_in_the_audit_log(admin_client, cast):
    upload(admin_client, GOOD)
    up = RosterUpload.objects.get()
    preview = admin_client.get(f"/console/roster/uploads/{up.pk}/")
    summary = preview.context["summary"]
    response = admin_client.post(f"/console/roster/uploads/{up.pk}/apply/", summary)
    assert response.status_code == 302 and response["Location"] == "/console/roster/"
    erin = Person.objects.get(organization=cast.org, email="erin@acme.test")
    assert erin.manager == cast.alice and erin.department.name == "Sales"
    up.refresh_from_db()
    assert up.applied_at is not None and up.text == ""  # the copy is not kept
    entry = AuditLog.objects.get(action="roster.import")
    assert entry.actor == cast.alice and entry.organization == cast.org
    assert entry.details["summary"]["new"] == 1 and "E1" in entry.details["new"]


def test_applying_twice_changes_nothing_the_second_time(admin_client, cast):
    upload(admin_client, GOOD)
    up = RosterUpload.objects.get()
    summary = admin_client.get(f"/console/roster/uploads/{up.pk}/").context["summary"]
    admin_client.post(f"/console/roster/uploads/{up.pk}/apply/", summary)
    response = admin_client.post(f"/console/roster/uploads/{up.pk}/apply/", summary)
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="roster.import").count() == 1


def test_people_missing_from_the_file_are_deactivated_only_when_ticked(admin_client, cast):
    upload(admin_client, GOOD)  # Chidi is not in the file
    up = RosterUpload.objects.get()
    plain = admin_client.get(f"/console/roster/uploads/{up.pk}/").context["summary"]
    assert plain["deactivated"] == 0
    admin_client.post(
        f"/console/roster/uploads/{up.pk}/apply/",
        {**plain, "deactivate_missing": "on", "preview": "1"},
    )
    ticked = admin_client.get(f"/console/roster/uploads/{up.pk}/")
    assert ticked.context["summary"]["deactivated"] == 1
    assert "Chidi Okafor" in ticked.content.decode()
    admin_client.post(
        f"/console/roster/uploads/{up.pk}/apply/",
        {**ticked.context["summary"], "deactivate_missing": "on", "confirm_deactivations": 1},
    )
    cast.chidi.refresh_from_db()
    assert not cast.chidi.active and cast.chidi.deactivated_at is not None


def test_a_change_between_preview_and_apply_asks_for_a_fresh_look(admin_client, cast):
    upload(admin_client, GOOD)
    up = RosterUpload.objects.get()
    summary = admin_client.get(f"/console/roster/uploads/{up.pk}/").context["summary"]
    Person.objects.create(organization=cast.org, email="erin@acme.test", external_id="E1")
    response = admin_client.post(f"/console/roster/uploads/{up.pk}/apply/", summary)
    assert response["Location"] == f"/console/roster/uploads/{up.pk}/"
    assert Person.objects.get(email="erin@acme.test").name == ""  # not applied
    assert not AuditLog.objects.exists()


def test_an_unreadable_file_is_refused_next_to_the_field(admin_client, cast):
    response = upload(admin_client, "", name="empty.csv")
    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert not RosterUpload.objects.exists()


def test_an_xlsx_upload_is_previewed_like_a_csv(admin_client, cast):
    from .test_roster_files import xlsx

    data = xlsx([["id", "name", "email"], ["E9", "Ida Ilves", "ida@acme.test"]])
    admin_client.post("/console/roster/", {"file": SimpleUploadedFile("staff.xlsx", data)})
    up = RosterUpload.objects.get()
    response = admin_client.get(f"/console/roster/uploads/{up.pk}/")
    assert response.context["summary"]["new"] == 1 and "Ida Ilves" in response.content.decode()


def test_the_export_is_the_roster_format_and_can_be_imported_again(admin_client, cast):
    cast.chidi.name = "=HYPERLINK(1)"
    cast.chidi.save()
    response = admin_client.get("/console/roster/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {"A1", "B2", "C3"}  # Dana (another organization) is not there
    assert by_id["B2"]["manager_id"] == "A1" and by_id["B2"]["languages"] == "de"
    assert by_id["C3"]["name"] == "'=HYPERLINK(1)"  # no formula for spreadsheets


def test_participants_and_program_managers_cannot_use_the_roster(participant_client, cast):
    assert participant_client.get("/console/roster/").status_code == 403
    assert participant_client.get("/console/roster/export.csv").status_code == 403


def test_another_organizations_upload_is_not_found(client, cast):
    from ..cast import PASSWORD

    theirs = RosterUpload.objects.create(
        organization=cast.other_org, file_name="globex.csv", text=GOOD, headers=["id"]
    )
    client.login(username="alice@acme.test", password=PASSWORD)
    assert client.get(f"/console/roster/uploads/{theirs.pk}/").status_code == 404
    assert client.post(f"/console/roster/uploads/{theirs.pk}/apply/", {}).status_code == 404


def test_updated_people_show_each_changed_field_with_old_and_new_value(admin_client, cast):
    text = "id,name,department,manager_id,languages\nB2,Bob Brandt,Engineering,C3,de;en\n"
    upload(admin_client, text)
    up = RosterUpload.objects.get()
    response = admin_client.get(f"/console/roster/uploads/{up.pk}/")
    [(change, fields)] = response.context["updated"]
    assert change.person == cast.bob
    assert fields == [
        ("Department", "People", "Engineering"),
        ("Languages", "de", "de, en"),
        ("Manager's roster id", "A1", "C3"),
    ]
    body = response.content.decode()
    assert "<del>People</del> → <ins>Engineering</ins>" in body


def test_ticking_the_box_and_pressing_apply_never_applies_an_unseen_preview(admin_client, cast):
    """The box said "deactivate" but the preview did not: Apply stores the choice and
    shows what it does instead of applying."""
    upload(admin_client, GOOD)  # Chidi is not in the file
    up = RosterUpload.objects.get()
    plain = admin_client.get(f"/console/roster/uploads/{up.pk}/").context["summary"]
    response = admin_client.post(
        f"/console/roster/uploads/{up.pk}/apply/", {**plain, "deactivate_missing": "on"}
    )
    assert response["Location"] == f"/console/roster/uploads/{up.pk}/"
    up.refresh_from_db()
    assert up.applied_at is None and up.deactivate_missing
    assert not Person.objects.filter(email="erin@acme.test").exists()
    again = admin_client.get(response["Location"])
    assert again.context["summary"]["deactivated"] == 1
    assert "Nothing was applied yet" in again.content.decode()


def test_the_preview_and_the_apply_read_the_stored_choice_not_the_address(admin_client, cast):
    upload(admin_client, GOOD)
    up = RosterUpload.objects.get()
    preview = admin_client.get(f"/console/roster/uploads/{up.pk}/?deactivate_missing=1")
    assert preview.context["summary"]["deactivated"] == 0
    # A stale form of a ticked preview cannot deactivate once the stored choice is off.
    admin_client.post(
        f"/console/roster/uploads/{up.pk}/apply/",
        {**preview.context["summary"], "deactivated": 1, "deactivate_missing": "on"},
    )
    cast.chidi.refresh_from_db()
    assert cast.chidi.active


def test_a_mass_deactivation_asks_for_the_count_and_is_refused_without_it(admin_client, cast):
    upload(admin_client, GOOD)
    up = RosterUpload.objects.get()
    up.deactivate_missing = True
    up.save()
    preview = admin_client.get(f"/console/roster/uploads/{up.pk}/")
    body = preview.content.decode()
    assert "This deactivates 1 person" in body and "Yes, deactivate 1 person" in body
    response = admin_client.post(
        f"/console/roster/uploads/{up.pk}/apply/",
        {**preview.context["summary"], "deactivate_missing": "on"},
    )
    assert response["Location"] == f"/console/roster/uploads/{up.pk}/"
    cast.chidi.refresh_from_db()
    assert cast.chidi.active and not AuditLog.objects.exists()
    shown = admin_client.get(response["Location"]).content.decode()
    assert "deactivates 1 person. Confirm that number" in shown


def test_the_preview_says_the_last_admin_stays_and_offers_no_apply(admin_client, cast):
    text = HEADER + "B2,Bob Brandt,bob@acme.test,People,,Munich,2,,2024-09-01,,de,chess,true\n"
    upload(admin_client, text)
    up = RosterUpload.objects.get()
    up.deactivate_missing = True
    up.save()
    preview = admin_client.get(f"/console/roster/uploads/{up.pk}/")
    body = preview.content.decode()
    assert "Alice Adler cannot lose the admin role or be deactivated" in body
    assert "Apply these changes" not in body
    admin_client.post(
        f"/console/roster/uploads/{up.pk}/apply/",
        {**preview.context["summary"], "deactivate_missing": "on", "confirm_deactivations": 2},
    )
    cast.alice.refresh_from_db()
    assert cast.alice.active
