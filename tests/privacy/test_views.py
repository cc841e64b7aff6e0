"""The personal-data pages: a person's own, and an admin's for a leaver."""

from __future__ import annotations

import json

import pytest

from crosspaths.console.models import AuditLog
from crosspaths.people.models import Person


def test_a_person_reads_and_downloads_their_data(client, cast):
    client.force_login(cast.bob.user)
    page = client.get("/account/data/")
    assert page.status_code == 200 and b"bob@acme.test" in page.content
    download = client.get("/account/data.json")
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["profile"]["name"] == "Bob Brandt"


def test_erasing_oneself_needs_the_confirmation_word(client, cast):
    client.force_login(cast.bob.user)
    assert client.post("/account/data/", {"confirm": "yes"}).status_code == 400
    assert Person.objects.get(pk=cast.bob.pk).active
    response = client.post("/account/data/", {"confirm": "erase"})
    assert response.status_code == 200 and b"erased" in response.content
    assert not Person.objects.get(pk=cast.bob.pk).active
    assert "_auth_user_id" not in client.session  # signed out
    assert AuditLog.objects.filter(organization=cast.org, action="person.erased").count() == 1


def test_an_admin_downloads_and_erases_a_leaver(client, cast):
    client.force_login(cast.alice.user)
    data = client.get(f"/console/people/{cast.chidi.pk}/data.json")
    assert json.loads(data.content)["profile"]["email"] == "chidi@acme.test"
    client.post(f"/console/people/{cast.chidi.pk}/erase/", {"confirm": "erase"})
    assert Person.objects.get(pk=cast.chidi.pk).email.endswith("@erased.invalid")


@pytest.mark.parametrize("role", ["participant", "program_manager"])
def test_only_admins_of_the_same_organization_may(client, cast, role):
    Person.objects.filter(pk=cast.bob.pk).update(role=role)
    client.force_login(cast.bob.user)
    assert client.get(f"/console/people/{cast.chidi.pk}/data.json").status_code == 403
    assert (
        client.post(f"/console/people/{cast.chidi.pk}/erase/", {"confirm": "erase"}).status_code
        == 403
    )
    client.force_login(cast.dana.user)  # another organization's admin
    assert client.get(f"/console/people/{cast.chidi.pk}/data.json").status_code == 404
    assert (
        client.post(f"/console/people/{cast.chidi.pk}/erase/", {"confirm": "erase"}).status_code
        == 404
    )
    assert Person.objects.get(pk=cast.chidi.pk).active
