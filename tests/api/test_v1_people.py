"""/api/v1/people writes go through the roster's services (person_provision): the same
checks as a roster file, refusals naming the request's field, an audit-log entry per
write; one enrollment's pause until a date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crosspaths import clock
from crosspaths.api.keys import api_key_create
from crosspaths.console.models import AuditLog
from crosspaths.people.models import Department, Person
from crosspaths.programs.models import Enrollment, Program

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_a_person_is_added_as_a_roster_row_would_add_them(api, cast):
    answer = api.post(
        "/people",
        {
            "email": "Dora@Acme.test",
            "name": "Dora Diaz",
            "department": "Finance",
            "manager_id": cast.alice.pk,
            "languages": ["en", "es"],
            "level": 3,
            "start_date": "2026-11-02",
            "timezone": "Europe/Madrid",
        },
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    dora = Person.objects.get(pk=body["id"], organization=cast.org)
    assert dora.email == "dora@acme.test"  # lower-cased as a roster import does
    assert dora.department == Department.objects.get(organization=cast.org, name="Finance")
    assert dora.manager == cast.alice and dora.languages == ["en", "es"]
    assert dora.external_id.startswith("api-") and body["external_id"] == dora.external_id
    entry = AuditLog.objects.get(organization=cast.org, target_id=str(dora.pk))
    assert entry.actor == cast.alice and "HRIS" in entry.actor_name
    assert entry.details == {
        "via": "api",
        "fields": sorted(
            [
                "email",
                "name",
                "department",
                "manager_id",
                "languages",
                "level",
                "start_date",
                "timezone",
            ]
        ),
    }


def test_roster_checks_refuse_naming_the_field_and_write_nothing(api, cast):
    before = Person.objects.count()
    for body, field in (
        ({"email": "not-an-address"}, "email"),
        ({"email": "x@acme.test", "timezone": "Mars/Olympus"}, "timezone"),
        ({"email": "x@acme.test", "languages": ["english!"]}, "languages"),
        ({"email": "bob@acme.test"}, "email"),  # Bob's address
        ({"email": "x@acme.test", "external_id": "B2"}, "external_id"),  # Bob's roster id
        ({"email": "x@acme.test", "manager_id": cast.dana.pk}, "manager_id"),  # not ours
        ({"email": "x@acme.test", "name": "nul\x00byte"}, "name"),
        ({"email": "x@acme.test", "interests": ["a;b"]}, "interests.0"),
        ({"email": "x@acme.test", "language": "xx"}, "language"),
    ):
        answer = api.post("/people", body)
        assert answer.status_code == 422, (body, answer.content)
        assert answer["Content-Type"] == "application/problem+json"
        assert [e["field"] for e in answer.json()["errors"]] == [field], answer.json()
    assert Person.objects.count() == before
    assert not AuditLog.objects.filter(organization=cast.org, target_type="person").exists()


def test_a_person_is_changed_field_by_field(api, cast):
    answer = api.patch(
        f"/people/{cast.chidi.pk}", {"name": "Chidi O.", "team": "Platform", "manager_id": None}
    )
    assert answer.status_code == 200, answer.content
    chidi = Person.objects.get(pk=cast.chidi.pk)
    assert chidi.name == "Chidi O." and chidi.team.name == "Platform"
    assert chidi.department == cast.engineering and chidi.email == "chidi@acme.test"  # kept
    assert answer.json()["updated_at"] >= chidi.created_at.isoformat()[:10]
    self_managed = api.patch(f"/people/{cast.chidi.pk}", {"manager_id": cast.chidi.pk})
    assert self_managed.json()["errors"][0]["field"] == "manager_id"


def test_deactivating_is_logged_and_the_last_admin_stays_active(api, cast):
    answer = api.patch(f"/people/{cast.bob.pk}", {"active": False})
    assert answer.status_code == 200 and answer.json()["active"] is False
    bob = Person.objects.get(pk=cast.bob.pk)
    assert not bob.active and bob.deactivated_at is not None
    assert AuditLog.objects.filter(action="person.active", target_id=str(bob.pk)).exists()
    refused = api.patch(f"/people/{cast.alice.pk}", {"active": False})
    assert refused.status_code == 422 and "at least one admin" in refused.json()["detail"]
    assert Person.objects.get(pk=cast.alice.pk).active


def test_an_idempotency_key_adds_a_person_once(api, cast):
    body = {"email": "eve@acme.test", "name": "Eve"}
    first = api.post("/people", body, headers={"Idempotency-Key": "eve-1"})
    again = api.post("/people", body, headers={"Idempotency-Key": "eve-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Person.objects.filter(email="eve@acme.test").count() == 1


def test_people_writes_need_a_write_key_for_people(reader, cast):
    assert reader.post("/people", {"email": "x@acme.test"}).status_code == 403
    _key, raw = api_key_create(
        organization=cast.org, name="Programs", scope="write", resources=["programs"]
    )
    assert ApiClient(raw).patch(f"/people/{cast.bob.pk}", {"name": "x"}).status_code == 403
    assert Person.objects.get(pk=cast.bob.pk).name == "Bob Brandt"


def test_one_enrollment_is_paused_until_a_date_and_resumed(api, cast):
    coffee = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    lunch = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    for program in (coffee, lunch):
        Enrollment.objects.create(organization=cast.org, program=program, person=cast.bob)
    until = clock.today() + timedelta(days=20)
    answer = api.post(
        f"/programs/{coffee.pk}/enrollments/{cast.bob.pk}/pause", {"until": str(until)}
    )
    assert answer.status_code == 200 and answer.json()["paused_until"] == until.isoformat()
    assert Enrollment.objects.get(program=lunch, person=cast.bob).paused_until is None
    resumed = api.post(f"/programs/{coffee.pk}/enrollments/{cast.bob.pk}/pause", {"until": None})
    assert resumed.json()["paused_until"] is None
    past = api.post(
        f"/programs/{coffee.pk}/enrollments/{cast.bob.pk}/pause", {"until": "2026-01-01"}
    )
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "until"
    not_in = api.post(
        f"/programs/{coffee.pk}/enrollments/{cast.chidi.pk}/pause",
        {"until": str(date(2026, 12, 1))},
    )
    assert not_in.status_code == 404
