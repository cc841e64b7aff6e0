"""What one SCIM PATCH costs in queries, pinned so it cannot creep back (identity
providers send PATCHes in bursts; bench/scim.py measures the time, this counts the
work), and that the answer built from what was written is what a later GET reads.

Counted inside the test's transaction, where every atomic block is a savepoint; in
production the outer one is BEGIN ... COMMIT instead of a savepoint and its release."""

from __future__ import annotations

import pytest

from crosspaths.people.models import Department, Person

from .conftest import ENTERPRISE, USER, okta_user

pytestmark = pytest.mark.django_db

# token, identity, savepoint, the person locked with their names, roster_apply's
# savepoint, one UPDATE of the person, release x2, the identity, the audit entry.
RENAME_QUERIES = 10
# a rename's, plus the pause (its row and two counts), the last-admin rule's savepoint,
# organization lock, admins and release; the identity row is unchanged, so not written.
DEACTIVATION_QUERIES = 16
DEPARTMENT = "Engineering"


def _provisioned(scim, cast, email: str) -> str:
    """A person created by SCIM in a department, in an organization with many
    departments and people (a count that grew with them would show here)."""
    Department.objects.bulk_create(
        Department(organization=cast.org, name=f"Department {i}") for i in range(30)
    )
    Person.objects.bulk_create(
        Person(organization=cast.org, email=f"p{i}@acme.test", name=f"P {i}", external_id=f"P{i}")
        for i in range(30)
    )
    user = okta_user(email, schemas=[USER, ENTERPRISE])
    user.pop("displayName")  # the name is given + family, so a familyName PATCH renames
    user[ENTERPRISE] = {"employeeNumber": "E1", "department": DEPARTMENT}
    response = scim.post("/Users", user)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_rename_costs_a_fixed_number_of_queries(scim, cast, django_assert_max_num_queries):
    pk = _provisioned(scim, cast, "erin@acme.test")
    with django_assert_max_num_queries(RENAME_QUERIES):
        response = scim.patch(
            f"/Users/{pk}", {"op": "Replace", "path": "name.familyName", "value": "Renamed"}
        )
    assert response.status_code == 204, response.content
    person = Person.objects.get(pk=pk)
    assert person.name == "Erin Renamed" and person.department.name == DEPARTMENT


def test_a_deactivation_costs_a_fixed_number_of_queries(scim, cast, django_assert_max_num_queries):
    pk = _provisioned(scim, cast, "erin@acme.test")
    with django_assert_max_num_queries(DEACTIVATION_QUERIES):
        response = scim.patch(f"/Users/{pk}", {"op": "replace", "value": {"active": False}})
    assert response.status_code == 204, response.content
    person = Person.objects.get(pk=pk)
    assert person.active is False and person.deactivated_at is not None


OPERATIONS = [
    {"op": "Replace", "path": "name.familyName", "value": "Renamed"},
    {"op": "replace", "value": {"active": False}},
    {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Research"},
    {"op": "remove", "path": f"{ENTERPRISE}:department"},
    {"op": "replace", "path": 'emails[type eq "work"].value', "value": "E.New@acme.test"},
]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_patch_answers_what_a_get_reads_afterwards(scim, cast, operation):
    """The answer is built from the person as written, not read back: it must be the
    stored resource all the same (version included)."""
    pk = _provisioned(scim, cast, "erin@acme.test")
    asked = f"meta,userName,name,emails,active,{ENTERPRISE}:department,{ENTERPRISE}:employeeNumber"
    patched = scim.call(
        "PATCH",
        f"/Users/{pk}",
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [operation]},
        attributes=asked,
    )
    assert patched.status_code == 200, patched.content
    read = scim.get(f"/Users/{pk}", attributes=asked)
    assert patched.json() == read.json()
    assert patched.json()["meta"]["lastModified"]
