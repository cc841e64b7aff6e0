"""The roster pages with the ``title`` and ``language`` columns: HR's column names
guessed in an Excel upload, a bad language shown at its row and column, the export."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from crosspaths.console.models import RosterUpload
from crosspaths.people.models import Person

from .test_roster_files import xlsx


def test_an_excel_upload_maps_hr_column_names_and_applies(admin_client, cast):
    data = xlsx(
        [
            ["Employee ID", "Name", "Mail", "Job title", "Preferred language"],
            ["E9", "Ida Ilves", "ida@acme.test", "Controller", "de"],
        ]
    )
    admin_client.post("/console/roster/", {"file": SimpleUploadedFile("staff.xlsx", data)})
    up = RosterUpload.objects.get()
    columns = admin_client.get(f"/console/roster/uploads/{up.pk}/columns/")
    form = columns.context["form"]
    assert form["title"].initial == "Job title" and form["language"].initial == "Preferred language"
    mapping = {"id": "Employee ID", "name": "Name", "email": "Mail"}
    mapping |= {"title": "Job title", "language": "Preferred language"}
    admin_client.post(f"/console/roster/uploads/{up.pk}/columns/", mapping)
    summary = admin_client.get(f"/console/roster/uploads/{up.pk}/").context["summary"]
    admin_client.post(f"/console/roster/uploads/{up.pk}/apply/", summary)
    ida = Person.objects.get(email="ida@acme.test")
    assert (ida.title, ida.language) == ("Controller", "de")


def test_the_upload_shows_a_bad_language_at_its_row_and_column(admin_client, cast):
    text = "id,name,email,language\nE1,Erin Ek,erin@acme.test,fr\n"
    admin_client.post(
        "/console/roster/",
        {"file": SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")},
    )
    up = RosterUpload.objects.get()
    problems = admin_client.get(f"/console/roster/uploads/{up.pk}/").context["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(2, "language")]


def test_the_export_carries_title_and_language(admin_client, cast):
    cast.bob.title, cast.bob.language = "Recruiter", "de"
    cast.bob.save()
    response = admin_client.get("/console/roster/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    bob = next(r for r in rows if r["email"] == cast.bob.email)
    assert (bob["title"], bob["language"]) == ("Recruiter", "de")
