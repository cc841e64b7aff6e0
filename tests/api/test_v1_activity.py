"""/api/v1/audit (filtered like the console's log) and message delivery status per
round and per message, without content."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crosspaths import clock
from crosspaths.console.models import AuditLog
from crosspaths.notify.content import left_out_key
from crosspaths.notify.models import Message
from crosspaths.programs.models import Match, Program, Round

pytestmark = pytest.mark.django_db


def _entry(cast, action, actor, when, org=None):
    entry = AuditLog.objects.create(
        organization=org or cast.org, actor=actor, action=action, summary=f"{action} entry"
    )
    AuditLog.objects.filter(pk=entry.pk).update(created_at=when)
    return entry


def test_the_audit_log_is_filtered_by_action_actor_and_moment(api, cast):
    AuditLog.objects.filter(organization=cast.org).delete()  # the key's own entry
    now = clock.now()
    old = _entry(cast, "program.create", cast.alice, now - timedelta(days=3))
    new = _entry(cast, "program.update", cast.alice, now - timedelta(hours=1))
    bobs = _entry(cast, "program.update", cast.bob, now)
    _entry(cast, "program.update", cast.dana, now, org=cast.other_org)
    ids = lambda answer: [e["id"] for e in answer.json()["items"]]  # noqa: E731
    assert ids(api.get("/audit")) == [old.pk, new.pk, bobs.pk]
    assert ids(api.get("/audit", action="program.update")) == [new.pk, bobs.pk]
    assert ids(api.get("/audit", actor_id=cast.alice.pk)) == [old.pk, new.pk]
    since = (now - timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    assert ids(api.get("/audit", since=since)) == [new.pk, bobs.pk]
    first = api.get("/audit", limit=2).json()
    assert ids(api.get("/audit", cursor=first["next_cursor"])) == [bobs.pk]
    naive = api.get("/audit", since="2026-11-26T08:00:00")
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "since"
    assert api.get("/audit", action="no.such").status_code == 422


def test_the_audit_log_needs_the_audit_resource(reader, cast):
    from crosspaths.api.keys import api_key_create

    from .conftest import ApiClient

    assert reader.get("/audit").status_code == 200  # every resource
    _key, raw = api_key_create(organization=cast.org, name="p", resources=["people"])
    assert ApiClient(raw).get("/audit").status_code == 403


@pytest.fixture
def delivered(cast):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    rnd = Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 11, 23), status="published"
    )
    other = Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 11, 30), status="published"
    )
    match = Match.objects.create(organization=cast.org, round=rnd)
    later = Match.objects.create(organization=cast.org, round=other)
    now = clock.now()

    def message(key, kind, channel, status, person, match=None, error=""):
        return Message.objects.create(
            organization=cast.org,
            kind=kind,
            channel=channel,
            status=status,
            person=person,
            match=match,
            dedupe_key=key,
            next_attempt_at=now,
            last_error=error,
        )

    rows = [
        message("intro:1:b", "intro", "email", "sent", cast.bob, match),
        message("intro:1:c", "intro", "slack", "failed", cast.chidi, match, "channel_not_found"),
        message("reminder:1:b", "reminder", "email", "queued", cast.bob, match),
        message(left_out_key(rnd.pk, cast.alice.pk), "left_out", "email", "sent", cast.alice),
        message("intro:2:b", "intro", "email", "sent", cast.bob, later),  # another round
        message(left_out_key(other.pk, cast.alice.pk), "left_out", "email", "sent", cast.alice),
    ]
    return rnd, rows


def test_a_rounds_delivery_is_counted_by_status_channel_and_kind(api, delivered):
    rnd, _rows = delivered
    body = api.get(f"/rounds/{rnd.pk}/delivery").json()
    assert body["total"] == 4
    assert body["by_status"] == {"sent": 2, "failed": 1, "queued": 1}
    assert body["by_channel"] == {"email": 3, "slack": 1}
    assert {"kind": "left_out", "channel": "email", "status": "sent", "count": 1} in body["counts"]


def test_each_message_has_its_status_and_never_its_content(api, delivered):
    rnd, rows = delivered
    listed = api.get(f"/rounds/{rnd.pk}/messages").json()["items"]
    assert [m["id"] for m in listed] == [m.pk for m in rows[:4]]
    failed = api.get(f"/rounds/{rnd.pk}/messages", status="failed").json()["items"]
    assert [(m["channel"], m["error"]) for m in failed] == [("slack", "channel_not_found")]
    one = api.get(f"/messages/{rows[3].pk}").json()
    assert one["round_id"] == rnd.pk and one["kind"] == "left_out" and one["status"] == "sent"
    assert set(one) == {
        "id", "round_id", "kind", "channel", "status", "person_id", "match_id", "attempts",
        "created_at", "next_attempt_at", "sent_at", "error",
    }  # fmt: skip
    assert api.get(f"/rounds/{rnd.pk}/messages", channel="pigeon").status_code == 422
