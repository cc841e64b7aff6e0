"""The first-run page of a fresh instance."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from crosspaths.people.models import FirstRun, Organization, Person
from crosspaths.people.organizations import organization_create

FORM = {
    "name": "Initech",
    "slug": "initech",
    "timezone": "Europe/Berlin",
    "language": "de",
    "admin_name": "Peter Gibbons",
    "admin_email": "peter@initech.test",
}


@pytest.mark.django_db
def test_a_fresh_instance_leads_to_the_set_up_page(client):
    assert client.get("/")["Location"] == "/setup/"
    assert b"Set up Crosspaths" in client.get("/setup/").content


@pytest.mark.django_db
def test_the_first_organization_and_its_admin_are_created_and_the_admin_gets_a_link(
    client, mailoutbox
):
    response = client.post("/setup/", FORM)
    assert response.status_code == 200
    admin = Person.objects.get(email="peter@initech.test")
    assert admin.role == "admin" and admin.organization.slug == "initech"
    assert admin.language == "de"
    (mail,) = mailoutbox
    assert mail.to == ["peter@initech.test"]
    assert client.get("/setup/").status_code == 404  # gone once an organization exists


def test_an_instance_with_an_organization_has_no_set_up_page(client, cast):
    assert client.get("/setup/").status_code == 404
    assert client.post("/setup/", FORM).status_code == 404
    assert not Organization.objects.filter(slug="initech").exists()


@pytest.mark.django_db
def test_bad_values_are_shown_next_to_their_fields(client):
    response = client.post("/setup/", {**FORM, "timezone": "Mars/Olympus", "admin_email": "x"})
    assert response.status_code == 400
    assert b"Mars/Olympus" in response.content
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_the_first_run_slot_is_claimed_once_even_when_two_race():
    """Two set-up submissions that both saw an empty instance: the database lets one in."""
    FirstRun.objects.create(pk=1)  # the faster visitor's claim, committed first
    with pytest.raises(ValidationError, match="already set up"):
        organization_create(
            name="Second", slug="second", admin_email="b@second.test", first_run=True
        )
    assert not Organization.objects.filter(slug="second").exists()
