"""/api/v1/: reads with cursors and ETags, writes through the console's services with
problem+json refusals naming the field, idempotency keys on creating POSTs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crosspaths import clock
from crosspaths.console.models import AuditLog, RoundJob
from crosspaths.people.models import Person
from crosspaths.programs.models import Enrollment, Program, Round

from ..programs.crowd import crowd, enroll

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


def test_people_come_in_pages_with_a_cursor(api, cast):
    crowd(cast.org, 7)
    first = api.get("/people", limit=5).json()
    assert len(first["items"]) == 5 and first["next_cursor"]
    second = api.get("/people", limit=5, cursor=first["next_cursor"]).json()
    assert second["next_cursor"] is None
    ids = [p["id"] for p in first["items"] + second["items"]]
    assert ids == sorted(Person.objects.filter(organization=cast.org).values_list("pk", flat=True))


def test_a_cursor_the_api_did_not_give_is_refused_naming_it(api):
    answer = api.get("/people", cursor="nope")
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "cursor"
    assert api.get("/people", limit=0).json()["errors"][0]["field"] == "limit"


def test_a_cursor_of_odd_digits_or_too_many_is_refused_naming_it(api):
    # "²" passes str.isdigit() but is no number; 40 digits overflow every id column.
    for cursor in ("²", "9" * 40):
        answer = api.get("/people", cursor=cursor)
        assert answer.status_code == 422, cursor
        assert answer.json()["errors"][0]["field"] == "cursor"


def test_people_changed_since_a_moment(api, cast):
    later = clock.now() + timedelta(hours=1)
    Person.objects.filter(pk=cast.bob.pk).update(updated_at=later + timedelta(minutes=1))
    answer = api.get("/people", updated_since=later.isoformat().replace("+00:00", "Z"))
    assert [p["id"] for p in answer.json()["items"]] == [cast.bob.pk]
    naive = api.get("/people", updated_since="2026-11-26T08:00:00")
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "updated_since"


def test_times_carry_an_offset(api, cast):
    person = api.get(f"/people/{cast.bob.pk}").json()
    assert person["email"] == "bob@acme.test"
    assert person["updated_at"].endswith(("Z", "+00:00"))


def test_a_read_answers_304_when_nothing_changed(api, cast):
    first = api.get(f"/people/{cast.bob.pk}")
    etag = first["ETag"]
    again = api.get(f"/people/{cast.bob.pk}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    cast.bob.name = "Robert Brandt"
    cast.bob.save()
    changed = api.get(f"/people/{cast.bob.pk}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_departments_teams_and_locations(api, cast):
    assert {d["name"] for d in api.get("/departments").json()["items"]} == {"People", "Engineering"}
    assert api.get("/locations").json()["items"] == [
        {"id": cast.munich.pk, "name": "Munich", "timezone": "Europe/Berlin"}
    ]
    assert api.get("/teams").json() == {"items": [], "next_cursor": None}


PROGRAM = {
    "name": "Coffee roulette",
    "format": "virtual_coffee",
    "cadence": "weekly",
    "weekday": 0,
    "time": "09:30",
    "group_size": 2,
    "audience": {"departments": [], "level_min": 1},
    "preferences": {"different_department": "strongly"},
}


def test_a_program_is_created_through_the_console_service_and_logged(api, cast):
    answer = api.post("/programs", PROGRAM)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    program = Program.objects.get(pk=body["id"], organization=cast.org)
    assert program.time.strftime("%H:%M") == "09:30" and body["time"] == "09:30"
    assert program.audience == {"level_min": 1}
    assert body["preferences"]["different_department"] == "strongly"
    entry = AuditLog.objects.get(organization=cast.org, action="program.create")
    assert "HRIS" in entry.actor_name and entry.actor == cast.alice


def test_program_refusals_name_the_field(api, cast):
    too_big = api.post("/programs", {**PROGRAM, "group_size": 40})
    assert too_big.status_code == 422
    assert [e["field"] for e in too_big.json()["errors"]] == ["group_size"]
    levels = api.post("/programs", {**PROGRAM, "audience": {"level_min": 5, "level_max": 2}})
    assert levels.json()["errors"][0]["field"] == "audience.level_max"
    foreign = api.post("/programs", {**PROGRAM, "audience": {"departments": [999999]}})
    assert foreign.json()["errors"][0]["field"] == "audience.departments"
    missing = api.post("/programs", {"format": "lunch"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "name"
    unknown = api.post("/programs", {**PROGRAM, "preferences": {"astrology": "strongly"}})
    assert unknown.json()["errors"][0]["field"] == "preferences.astrology"
    assert not Program.objects.exists()


def test_an_idempotency_key_creates_once(api, cast):
    headers = {"Idempotency-Key": "create-coffee-1"}
    first = api.post("/programs", PROGRAM, headers)
    again = api.post("/programs", PROGRAM, headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Program.objects.count() == 1
    other = api.post("/programs", {**PROGRAM, "name": "Lunch"}, headers)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"


def test_a_program_is_changed_field_by_field(api, cast):
    program_id = api.post("/programs", PROGRAM).json()["id"]
    answer = api.patch(f"/programs/{program_id}", {"group_size": 3, "requires_review": True})
    assert answer.status_code == 200
    program = Program.objects.get(pk=program_id)
    assert program.group_size == 3 and program.requires_review and program.name == PROGRAM["name"]
    assert program.weights["different_department"] > 0
    assert AuditLog.objects.filter(action="program.update").count() == 1
    cast.chidi.role = "program_manager"
    cast.chidi.save()
    managed = api.patch(f"/programs/{program_id}", {"managers": [cast.chidi.pk]})
    assert managed.json()["managers"] == [cast.chidi.pk]
    refused = api.patch(f"/programs/{program_id}", {"managers": [cast.bob.pk]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "managers"


def test_people_join_pause_and_leave_through_the_enrollment_services(api, cast):
    program = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    joined = api.post(f"/programs/{program.pk}/enrollments", {"person_id": cast.bob.pk})
    assert joined.status_code == 201 and joined.json()["person_id"] == cast.bob.pk
    listed = api.get(f"/programs/{program.pk}/enrollments").json()["items"]
    assert [e["person_id"] for e in listed] == [cast.bob.pk]
    paused = api.post(f"/people/{cast.bob.pk}/pause", {"until": "2026-12-24"})
    assert paused.json() == {"changed": 1}
    assert Enrollment.objects.get(person=cast.bob).paused_until == date(2026, 12, 24)
    past = api.post(f"/people/{cast.bob.pk}/pause", {"until": "2020-01-01"})
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "until"
    left = api.delete(f"/programs/{program.pk}/enrollments/{cast.bob.pk}")
    assert left.status_code == 200 and left.json()["left_at"]
    assert api.delete(f"/programs/{program.pk}/enrollments/{cast.chidi.pk}").status_code == 404


def test_joining_a_program_outside_ones_audience_is_refused(api, cast):
    program = Program.objects.create(
        organization=cast.org, name="Eng", format="lunch", audience={"departments": [0]}
    )
    answer = api.post(f"/programs/{program.pk}/enrollments", {"person_id": cast.bob.pk})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "person_id"
    dana = api.post(f"/programs/{program.pk}/enrollments", {"person_id": cast.dana.pk})
    assert dana.status_code == 422 and not Enrollment.objects.exists()


def test_a_round_is_previewed_published_and_its_matches_listed(
    api, cast, django_capture_on_commit_callbacks
):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    enroll(program, crowd(cast.org, 8))
    with django_capture_on_commit_callbacks(execute=True):
        job = api.post(f"/programs/{program.pk}/rounds", {"date": ON.isoformat()})
    assert job.status_code == 202, job.content
    done = api.get(f"/jobs/{job.json()['id']}").json()
    assert done["status"] == "done" and done["round_id"]
    rnd = api.get(f"/rounds/{done['round_id']}").json()
    assert rnd["status"] == "draft" and rnd["metrics"]["groups"] == 4
    again = api.post(f"/programs/{program.pk}/rounds", {"date": ON.isoformat()})
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "date"
    with django_capture_on_commit_callbacks(execute=True):
        published = api.post(f"/rounds/{rnd['id']}/publish")
    assert published.status_code == 202
    assert api.get(f"/jobs/{published.json()['id']}").json()["status"] == "done"
    assert Round.objects.get(pk=rnd["id"]).status == "published"
    assert api.post(f"/rounds/{rnd['id']}/publish").status_code == 409
    matches = api.get(f"/rounds/{rnd['id']}/matches").json()["items"]
    assert len(matches) == 4 and all(len(m["members"]) == 2 for m in matches)
    assert api.get(f"/matches/{matches[0]['id']}").json() == matches[0]
    assert [r["id"] for r in api.get("/rounds", status="published").json()["items"]] == [rnd["id"]]
    assert {e.action for e in AuditLog.objects.filter(organization=cast.org)} >= {
        "round.draft",
        "round.publish",
    }
    closed = api.post(f"/rounds/{rnd['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert RoundJob.objects.filter(status="done").count() == 2


def test_closing_a_draft_is_a_conflict(api, cast):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    draft = Round.objects.create(organization=cast.org, program=program, date=ON)
    answer = api.post(f"/rounds/{draft.pk}/close")
    assert answer.status_code == 409 and answer["Content-Type"] == "application/problem+json"


def test_the_measurement_hold_out_is_read_and_written_within_0_to_50(api, reader, cast):
    created = api.post("/programs", {**PROGRAM, "holdout_percent": 20})
    assert created.status_code == 201, created.content
    program_id = created.json()["id"]
    assert created.json()["holdout_percent"] == 20
    assert Program.objects.get(pk=program_id).holdout_percent == 20
    assert reader.get(f"/programs/{program_id}").json()["holdout_percent"] == 20
    listed = reader.get("/programs").json()["items"]
    assert [p["holdout_percent"] for p in listed] == [20]
    changed = api.patch(f"/programs/{program_id}", {"holdout_percent": 0})
    assert changed.status_code == 200 and changed.json()["holdout_percent"] == 0
    assert api.patch(f"/programs/{program_id}", {"name": "Coffee"}).json()["holdout_percent"] == 0
    for wrong in (51, -1, "10", 12.5, True):
        refused = api.patch(f"/programs/{program_id}", {"holdout_percent": wrong})
        assert refused.status_code == 422, (wrong, refused.content)
        assert refused["Content-Type"].startswith("application/problem+json")
        assert [e["field"] for e in refused.json()["errors"]] == ["holdout_percent"]
    assert Program.objects.get(pk=program_id).holdout_percent == 0
    changes = [
        e.details["changes"]
        for e in AuditLog.objects.filter(action="program.update", organization=cast.org)
    ]
    assert [c["holdout_percent"] for c in changes if "holdout_percent" in c] == [[20, 0]]


def test_the_openapi_document_declares_the_hold_out(client, db):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["ProgramOut"]["properties"]["holdout_percent"]["type"] == "integer"
    assert "holdout_percent" in schemas["ProgramOut"]["required"]
    written = schemas["ProgramChange"]["properties"]["holdout_percent"]["anyOf"][0]
    assert (written["minimum"], written["maximum"]) == (0, 50)
