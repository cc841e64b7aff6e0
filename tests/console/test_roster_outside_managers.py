"""A roster whose managers are partly outside the file (an HR export of a subset): a
warning in the preview, not a problem; the manager rule holds for those inside."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from crosspaths.console.models import RosterUpload
from crosspaths.people.models import Person

SUBSET = (
    "id,name,email,department,manager_id\n"
    "M1,Maya Moreau,maya@acme.test,Sales,\n"
    "R1,Rafael Rossi,rafael@acme.test,Sales,M1\n"
    "S1,Sofia Silva,sofia@acme.test,Finance,VP9\n"
)


def _preview(client):
    client.post(
        "/console/roster/",
        {"file": SimpleUploadedFile("subset.csv", SUBSET.encode(), content_type="text/csv")},
    )
    up = RosterUpload.objects.latest("pk")
    return up, client.get(f"/console/roster/uploads/{up.pk}/")


def test_a_manager_outside_the_file_is_a_warning_and_the_file_can_be_applied(admin_client, cast):
    up, preview = _preview(admin_client)
    body = preview.content.decode()
    assert "problems" not in preview.context or not preview.context["problems"]
    assert [(w["row"], w["column"]) for w in preview.context["warnings"]] == [(4, "manager_id")]
    assert "1 manager is not in the file" in body and "unknown manager id &#x27;VP9&#x27;" in body
    assert "Apply these changes" in body
    answer = admin_client.post(
        f"/console/roster/uploads/{up.pk}/apply/", preview.context["summary"]
    )
    assert answer.status_code == 302
    people = {p.external_id: p for p in Person.objects.filter(organization=cast.org)}
    assert people["S1"].manager is None  # nobody to link to
    assert people["R1"].manager == people["M1"]  # the rule holds inside the file


def test_importing_the_subset_again_changes_nothing(admin_client, cast):
    up, preview = _preview(admin_client)
    admin_client.post(f"/console/roster/uploads/{up.pk}/apply/", preview.context["summary"])
    _, again = _preview(admin_client)
    assert again.context["summary"] == {"new": 0, "updated": 0, "unchanged": 3, "deactivated": 0}
    assert len(again.context["warnings"]) == 1


def test_the_preview_speaks_german(admin_client, cast):
    _preview(admin_client)
    up = RosterUpload.objects.latest("pk")
    body = admin_client.get(f"/console/roster/uploads/{up.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    assert "1 Führungskraft ist nicht in der Datei" in body.content.decode()
