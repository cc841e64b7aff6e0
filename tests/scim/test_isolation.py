"""Tenant isolation of the SCIM API: a token of one organization never reads or writes
another organization's people, whatever id, filter or body it sends."""

from __future__ import annotations

import pytest

from crosspaths.people.models import Person

from .conftest import ENTERPRISE, okta_user

pytestmark = pytest.mark.django_db


def _state(person: Person) -> tuple:
    person.refresh_from_db()
    return (person.email, person.name, person.active, person.manager_id, person.department_id)


def test_another_organizations_token_reaches_none_of_our_people(cast, scim, other_scim):
    ours = scim.post("/Users", okta_user("erin@acme.test")).json()
    before = {p.pk: _state(p) for p in Person.objects.filter(organization=cast.org)}
    for pk in [int(ours["id"]), cast.alice.pk, cast.bob.pk]:
        path = f"/Users/{pk}"
        assert other_scim.get(path).status_code == 404
        assert other_scim.put(path, okta_user("x@globex.test")).status_code == 404
        patch = {"op": "replace", "value": {"active": False}}
        assert other_scim.patch(path, patch).status_code == 404
        assert other_scim.delete(path).status_code == 404
    listed = other_scim.get("/Users").json()
    assert listed["totalResults"] == 0
    for query in ('userName eq "erin@acme.test"', f'id eq "{ours["id"]}"'):
        assert other_scim.get("/Users", filter=query).json()["totalResults"] == 0
    # Creating "our" address in their organization makes their own person, not ours.
    theirs = other_scim.post("/Users", okta_user("erin@acme.test")).json()
    assert Person.objects.get(pk=theirs["id"]).organization == cast.other_org
    # Their manager reference cannot point at our people.
    refused = other_scim.patch(
        f"/Users/{theirs['id']}",
        {"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": str(cast.alice.pk)}},
    )
    assert refused.status_code == 400
    after = {p.pk: _state(p) for p in Person.objects.filter(organization=cast.org)}
    assert after == before
    body = other_scim.get(f"/Users/{theirs['id']}").content.decode()
    assert "Alice" not in body and "acme" not in body.replace("erin@acme.test", "")
