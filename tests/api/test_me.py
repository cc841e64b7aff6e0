"""/api/me/: the signed-in person's own matches and programs; writes need the CSRF
token like every form of the site."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from crosspaths.programs.models import Enrollment, Match, MatchMember, Program, Round

from ..cast import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(cast) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.login(username="bob@acme.test", password=PASSWORD)
    return client


def _csrf(client: Client) -> dict[str, str]:
    client.get("/")  # sets the csrftoken cookie
    return {"X-CSRFToken": client.cookies["csrftoken"].value}


def _post(client: Client, path: str, body: dict | None = None, csrf: bool = True):
    headers = _csrf(client) if csrf else {}
    return client.post(
        path, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_signed_out_is_401(client, cast):
    answer = client.get("/api/me/matches")
    assert answer.status_code == 401 and answer["Content-Type"] == "application/problem+json"


def test_an_api_key_is_not_a_session(cast):
    from crosspaths.api.keys import api_key_create

    _key, raw = api_key_create(organization=cast.org, name="x", scope="write")
    answer = Client().get("/api/me/matches", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 401


def test_my_matches_show_the_others_but_not_drafts(bob, cast):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    for status, day in (("published", date(2026, 11, 23)), ("draft", date(2026, 11, 30))):
        rnd = Round.objects.create(organization=cast.org, program=program, date=day, status=status)
        match = Match.objects.create(organization=cast.org, round=rnd, organizer=cast.bob)
        for person in (cast.bob, cast.chidi):
            MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=person)
    items = bob.get("/api/me/matches").json()["items"]
    assert len(items) == 1
    assert items[0]["round_date"] == "2026-11-23" and items[0]["organizer"] is True
    assert items[0]["others"] == [{"name": "Chidi Okafor", "department": "Engineering"}]


def test_join_pause_and_leave_my_programs(bob, cast):
    program = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    listed = bob.get("/api/me/programs").json()["items"]
    assert [(p["name"], p["enrolled"]) for p in listed] == [("Lunch", False)]
    joined = _post(bob, f"/api/me/programs/{program.pk}/join")
    assert joined.status_code == 200 and joined.json()["enrolled"] is True
    paused = _post(bob, "/api/me/pause", {"until": "2026-12-24"})
    assert paused.json() == {"changed": 1}
    assert bob.get("/api/me/programs").json()["items"][0]["paused_until"] == "2026-12-24"
    left = _post(bob, f"/api/me/programs/{program.pk}/leave")
    assert left.json()["enrolled"] is False
    assert Enrollment.objects.get(person=cast.bob).left_at is not None


def test_a_write_without_the_csrf_token_is_refused(bob, cast):
    program = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    answer = _post(bob, f"/api/me/programs/{program.pk}/join", csrf=False)
    assert answer.status_code == 403
    assert not Enrollment.objects.exists()


def test_another_organizations_program_is_404(bob, cast):
    theirs = Program.objects.create(organization=cast.other_org, name="Quasar", format="lunch")
    assert _post(bob, f"/api/me/programs/{theirs.pk}/join").status_code == 404
    assert not Enrollment.objects.exists()


def test_a_program_outside_my_audience_is_refused_naming_it(bob, cast):
    program = Program.objects.create(
        organization=cast.org, name="Eng", format="lunch", audience={"departments": [0]}
    )
    answer = _post(bob, f"/api/me/programs/{program.pk}/join")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "program_id"


def test_a_multipart_body_without_a_boundary_is_a_400_not_a_crash(bob, cast):
    headers = _csrf(bob)
    answer = bob.post(
        "/api/me/pause", b'{"until": null}', content_type="multipart/form-data", headers=headers
    )
    assert answer.status_code == 400
    assert answer.json()["detail"] == "Send the request body as application/json."
