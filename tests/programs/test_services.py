"""Drafting, publishing and closing rounds."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from crosspaths.notify.models import Message
from crosspaths.people.models import Person
from crosspaths.programs import services
from crosspaths.programs.models import LeftOut, Match, MatchMember, Round
from crosspaths.programs.services import (
    RoundExists,
    match_reschedule,
    round_close,
    round_draft,
    round_publish,
    rounds_close_due,
    rounds_run_due,
)

from .crowd import coffee, crowd, enroll

ON = date(2026, 11, 30)


@pytest.fixture
def program(cast):
    p = coffee(cast.org)
    enroll(p, [cast.alice, cast.bob, cast.chidi, *crowd(cast.org, 9)])
    return p


def test_a_draft_puts_every_eligible_person_in_exactly_one_group(program):
    rnd = round_draft(program=program, on=ON)
    assert rnd.status == Round.Status.DRAFT
    members = list(MatchMember.objects.filter(round=rnd).values_list("person_id", flat=True))
    left = list(LeftOut.objects.filter(round=rnd).values_list("person_id", flat=True))
    assert len(members) == len(set(members))
    assert len(members) + len(left) == 12
    assert rnd.metrics["people"] == 12
    assert rnd.metrics["groups"] == rnd.matches.count()
    assert rnd.metrics["hard_rule_violations"] == 0


def test_the_manager_and_the_report_are_never_in_one_group(cast, program):
    rnd = round_draft(program=program, on=ON)
    alice_match = MatchMember.objects.get(round=rnd, person=cast.alice).match_id
    assert not MatchMember.objects.filter(match_id=alice_match, person=cast.bob).exists()


def test_each_group_has_reasons_an_organizer_among_its_members_and_a_private_video_room(
    program,
):
    rnd = round_draft(program=program, on=ON)
    links = set()
    for m in rnd.matches.all():
        assert m.organizer_id in set(m.members.values_list("person_id", flat=True))
        assert {r["code"] for r in m.reasons} >= {"different_departments"}
        assert m.video_link.startswith("https://meet.jit.si/crosspaths-")
        assert len(m.video_link.rsplit("-", 1)[1]) == 32
        links.add(m.video_link)
    assert len(links) == rnd.matches.count()


def test_the_suggested_slot_is_in_the_week_after_the_round_inside_working_hours(program):
    rnd = round_draft(program=program, on=ON)
    for m in rnd.matches.all():
        assert datetime(2026, 11, 30, 23, 0, tzinfo=UTC) <= m.suggested_start
        assert m.suggested_start < datetime(2026, 12, 8, tzinfo=UTC)
        local = m.suggested_start.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
        assert time(9, 0) <= local.time() <= time(16, 30)


def test_a_virtual_group_with_no_common_hours_gets_no_slot(cast):
    program = coffee(cast.org, weights={})
    hawaii = crowd(cast.org, 1, prefix="hawaii")[0]
    Person.objects.filter(pk=hawaii.pk).update(
        availability=[{"weekday": 0, "start": "09:00", "end": "10:00"}]
    )
    Person.objects.filter(pk=cast.chidi.pk).update(
        availability=[{"weekday": 1, "start": "09:00", "end": "10:00"}]
    )
    enroll(program, [hawaii, cast.chidi])
    rnd = round_draft(program=program, on=ON)
    (m,) = rnd.matches.all()
    assert m.suggested_start is None and m.suggested_end is None


def test_an_in_person_group_meets_at_its_location_without_a_video_link(cast):
    lunch = coffee(cast.org, name="Lunch", format="lunch")
    enroll(lunch, [cast.alice, cast.chidi])
    rnd = round_draft(program=lunch, on=ON)
    (m,) = rnd.matches.all()
    assert m.location_id == cast.munich.pk
    assert m.video_link == ""


def test_a_second_draft_for_the_same_date_is_refused_by_the_database(program):
    first = round_draft(program=program, on=ON)
    with pytest.raises(RoundExists) as e:
        round_draft(program=program, on=ON)
    assert e.value.round == first
    assert Round.objects.filter(program=program).count() == 1
    assert Match.objects.filter(round__program=program).count() == first.matches.count()


def test_when_matching_fails_nothing_of_the_round_is_left(program, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("engine down")

    monkeypatch.setattr(services, "match", broken)
    with pytest.raises(RuntimeError):
        round_draft(program=program, on=ON)
    assert not Round.objects.exists()


def test_someone_who_cannot_be_placed_is_left_out_with_a_reason(cast):
    program = coffee(cast.org)
    loner = crowd(cast.org, 1, prefix="loner")[0]
    Person.objects.filter(pk=loner.pk).update(languages=["fi"])
    enroll(program, [cast.alice, cast.chidi, loner])
    rnd = round_draft(program=program, on=ON)
    (left,) = LeftOut.objects.filter(round=rnd)
    assert left.person_id == loner.pk
    assert left.code == "no_shared_language"
    assert "Finnish" in left.reason


def test_publishing_writes_one_message_per_member_and_kind(
    program, django_capture_on_commit_callbacks
):
    rnd = round_draft(program=program, on=ON)
    members = MatchMember.objects.filter(round=rnd).count()
    with django_capture_on_commit_callbacks() as callbacks:
        round_publish(round=rnd)
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.PUBLISHED and rnd.published_at
    assert Message.objects.filter(kind="intro").count() == members
    assert Message.objects.filter(kind="checkin").count() == members
    assert Message.objects.filter(kind="reminder").count() == members
    assert set(Message.objects.values_list("status", flat=True)) == {"queued"}
    assert len(callbacks) == 1  # delivery starts after the commit, not before


def test_a_round_is_published_once(program):
    rnd = round_draft(program=program, on=ON)
    stale = Round.objects.get(pk=rnd.pk)
    round_publish(round=rnd)
    with pytest.raises(ValidationError, match="not a draft"):
        round_publish(round=stale)
    assert Message.objects.filter(kind="intro").count() == MatchMember.objects.count()


def test_closing_a_published_round_and_closing_again_is_harmless(program):
    rnd = round_publish(round=round_draft(program=program, on=ON))
    round_close(round=rnd)
    round_close(round=rnd)
    assert rnd.status == Round.Status.CLOSED and rnd.closed_at


def test_a_draft_cannot_be_closed(program):
    rnd = round_draft(program=program, on=ON)
    with pytest.raises(ValidationError):
        round_close(round=rnd)


def test_due_programs_are_drafted_and_published_unless_they_want_review(cast, program):
    review = coffee(cast.org, name="Reviewed", requires_review=True)
    enroll(review, [cast.alice, cast.chidi])
    coffee(cast.org, name="Inactive", active=False)
    monday_nine = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    report = rounds_run_due(now=monday_nine)
    statuses = dict(Round.objects.values_list("program__name", "status"))
    assert statuses == {"Virtual coffee": "published", "Reviewed": "draft"}
    assert len(report.drafted) == 2 and len(report.published) == 1
    assert rounds_run_due(now=monday_nine + timedelta(minutes=1)).drafted == []
    assert Round.objects.count() == 2


def test_a_program_whose_organization_has_a_broken_zone_is_skipped_not_fatal(cast, program):
    from crosspaths.people.models import Organization

    broken = Organization.objects.create(name="Broken", slug="broken")
    Organization.objects.filter(pk=broken.pk).update(timezone="Mars/Olympus")
    coffee(broken, name="Broken coffee")
    report = rounds_run_due(now=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    assert [r.program for r in report.drafted] == [program]
    assert any("Mars/Olympus" in s for s in report.skipped)


def test_rounds_close_when_the_next_one_goes_out(program):
    rnd = round_publish(round=round_draft(program=program, on=ON))
    assert rounds_close_due(now=datetime(2026, 12, 7, 7, 59, tzinfo=UTC)) == []
    assert rounds_close_due(now=datetime(2026, 12, 7, 8, 0, tzinfo=UTC)) == [rnd]


def test_a_reschedule_moves_the_slot_raises_the_sequence_and_tells_everyone(program):
    rnd = round_publish(round=round_draft(program=program, on=ON))
    m = rnd.matches.first()
    start = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    moved = match_reschedule(match=m, start=start)
    assert moved.sequence == m.sequence + 1
    assert moved.suggested_end - moved.suggested_start == timedelta(minutes=30)
    notes = Message.objects.filter(match=m, kind="reschedule")
    assert notes.count() == m.members.count()
    checkin = Message.objects.get(match=m, kind="checkin", person=m.organizer)
    assert checkin.next_attempt_at == start + timedelta(minutes=30, hours=1)


def test_a_video_template_without_a_room_still_gives_every_group_its_own_room():
    from crosspaths.programs.services import video_link

    a, b = (
        video_link("https://video.example.com/rooms/"),
        video_link("https://video.example.com/rooms"),
    )
    assert a.startswith("https://video.example.com/rooms/crosspaths-") and a != b
    assert video_link("https://meet.jit.si/x-{room}").startswith("https://meet.jit.si/x-")
