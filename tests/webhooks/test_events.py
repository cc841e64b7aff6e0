"""Contract tests: each event, emitted by the real service, reaches a real HTTP receiver
on loopback signed so that the reference verifier (standardwebhooks) accepts it, with
the documented payload (docs/webhooks.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from crosspaths import clock
from crosspaths.meetings.services import checkin_record
from crosspaths.programs.enrollments import enrollment_join, person_pause
from crosspaths.programs.models import MatchMember
from crosspaths.programs.services import match_reschedule, round_draft, round_publish
from crosspaths.webhooks.endpoints import endpoint_send_test
from crosspaths.webhooks.models import Delivery

from ..programs.crowd import coffee, crowd, enroll

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


def _checked(receiver, secret, event_type):
    """The payloads of ``event_type`` the receiver got, each verified as Standard
    Webhooks says (a wrong secret or a changed body is refused)."""
    found = []
    for request in receiver.received:
        payload = Webhook(secret).verify(request.body, request.headers)
        assert request.headers["webhook-id"].startswith("msg_")
        assert request.headers["Content-Type"] == "application/json"
        if payload["type"] != event_type:
            continue
        assert set(payload) == {"type", "timestamp", "data"}
        moment = datetime.fromisoformat(payload["timestamp"])
        assert moment.utcoffset() is not None  # ISO 8601 with an offset
        found.append(payload)
    return found


@pytest.fixture
def program(cast):
    p = coffee(cast.org)
    enroll(p, [cast.alice, cast.bob, cast.chidi, *crowd(cast.org, 5)])
    return p


def _publish(program, capture):
    rnd = round_draft(program=program, on=ON)
    with capture(execute=True):
        round_publish(round=rnd)
    return rnd


def test_round_published_and_one_match_created_per_group_arrive_signed(
    cast, program, hook, receiver, django_capture_on_commit_callbacks
):
    _endpoint, secret = hook
    rnd = _publish(program, django_capture_on_commit_callbacks)
    (published,) = _checked(receiver, secret, "round.published")
    assert published["data"] == {
        "round_id": rnd.pk,
        "program_id": program.pk,
        "date": "2026-11-30",
        "published_at": rnd.published_at.isoformat(),
        "matches": rnd.matches.count(),
    }
    created = _checked(receiver, secret, "match.created")
    assert sorted(c["data"]["match_id"] for c in created) == sorted(
        rnd.matches.values_list("pk", flat=True)
    )
    for event in created:
        data = event["data"]
        members = set(
            MatchMember.objects.filter(match_id=data["match_id"]).values_list(
                "person_id", flat=True
            )
        )
        assert set(data["member_ids"]) == members
        assert data["organizer_id"] in members
        assert data["round_id"] == rnd.pk and data["program_id"] == program.pk
    # Only ids: no names or addresses of the people in the payloads.
    bodies = b"".join(r.body for r in receiver.received).decode()
    assert "@acme.test" not in bodies and "Bob" not in bodies
    assert Delivery.objects.filter(status="sent").count() == len(receiver.received)


def test_match_rescheduled_carries_the_new_slot(
    cast, program, hook, receiver, django_capture_on_commit_callbacks
):
    _endpoint, secret = hook
    rnd = _publish(program, django_capture_on_commit_callbacks)
    match = rnd.matches.first()
    start = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        match_reschedule(match=match, start=start, end=start + timedelta(minutes=30))
    (moved,) = _checked(receiver, secret, "match.rescheduled")
    assert moved["data"]["match_id"] == match.pk
    assert moved["data"]["suggested_start"] == "2026-12-02T11:00:00+00:00"
    assert moved["data"]["suggested_end"] == "2026-12-02T11:30:00+00:00"
    assert moved["data"]["sequence"] == match.sequence + 1


def test_checkin_recorded_says_whether_the_group_met_never_who_said_what(
    cast, program, hook, receiver, django_capture_on_commit_callbacks
):
    _endpoint, secret = hook
    rnd = _publish(program, django_capture_on_commit_callbacks)
    match = rnd.matches.first()
    first, second = list(MatchMember.objects.filter(match=match))[:2]
    with django_capture_on_commit_callbacks(execute=True):
        checkin_record(member=first, met=False, comment="secret-comment-xyz", rating=None)
    with django_capture_on_commit_callbacks(execute=True):
        checkin_record(member=second, met=True, rating=2, comment="other-secret-abc")
    with django_capture_on_commit_callbacks(execute=True):  # no change of the group's answer
        checkin_record(member=second, met=True, rating=5)
    events = _checked(receiver, secret, "checkin.recorded")
    assert [e["data"] for e in events] == [
        {"match_id": match.pk, "round_id": rnd.pk, "program_id": program.pk, "happened": False},
        {"match_id": match.pk, "round_id": rnd.pk, "program_id": program.pk, "happened": True},
    ]
    bodies = b"".join(r.body for r in receiver.received).decode()
    assert "secret-comment" not in bodies and "other-secret" not in bodies
    assert "rating" not in bodies and "person_id" not in bodies


def test_person_enrolled_when_joining_or_rejoining_not_when_already_in(
    cast, hook, receiver, django_capture_on_commit_callbacks
):
    _endpoint, secret = hook
    program = coffee(cast.org)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = enrollment_join(person=cast.bob, program=program)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_join(person=cast.bob, program=program)  # already in: nothing new
    (joined,) = _checked(receiver, secret, "person.enrolled")
    assert joined["data"] == {
        "person_id": cast.bob.pk,
        "program_id": program.pk,
        "enrollment_id": enrollment.pk,
        "rejoined": False,
    }


def test_person_paused_with_the_last_day_and_resumed_with_null(
    cast, hook, receiver, django_capture_on_commit_callbacks
):
    _endpoint, secret = hook
    program = coffee(cast.org)
    enroll(program, [cast.bob])
    until = clock.today() + timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        person_pause(person=cast.bob, until=until)
    with django_capture_on_commit_callbacks(execute=True):
        person_pause(person=cast.bob, until=None)
    paused, resumed = _checked(receiver, secret, "person.paused")
    assert paused["data"] == {
        "person_id": cast.bob.pk,
        "paused_until": until.isoformat(),
        "program_ids": [program.pk],
    }
    assert resumed["data"]["paused_until"] is None


def test_the_test_event_is_signed_like_the_others(
    cast, hook, receiver, django_capture_on_commit_callbacks
):
    endpoint, secret = hook
    with django_capture_on_commit_callbacks(execute=True):
        endpoint_send_test(endpoint=endpoint)
    (test,) = _checked(receiver, secret, "webhook.test")
    assert test["data"] == {"endpoint_id": endpoint.pk, "organization_id": cast.org.pk}


def test_a_receiver_with_another_secret_or_a_changed_body_refuses_the_delivery(
    cast, hook, receiver, django_capture_on_commit_callbacks
):
    endpoint, _secret = hook
    with django_capture_on_commit_callbacks(execute=True):
        endpoint_send_test(endpoint=endpoint)
    (request,) = receiver.received
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUJD" * 8).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(_secret).verify(request.body.replace(b"test", b"tess"), request.headers)


def test_endpoints_get_only_the_events_they_subscribed_to_and_of_their_organization(
    cast, receiver, django_capture_on_commit_callbacks
):
    from crosspaths.webhooks.endpoints import endpoint_create

    endpoint_create(
        organization=cast.org, url=receiver.url("/pauses"), event_types=["person.paused"]
    )
    endpoint_create(
        organization=cast.other_org, url=receiver.url("/globex"), event_types=["person.enrolled"]
    )
    program = coffee(cast.org)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_join(person=cast.bob, program=program)
    assert receiver.received == []
    assert not Delivery.objects.exists()
