"""Time is always right (issue 12, point 1): a round's messages never name a time that
has passed, whenever the round is drafted and published."""

from datetime import UTC, date, datetime, timedelta
from email.message import Message as EmailPart
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from crosspaths.notify.channels.email import render
from crosspaths.notify.content import message_content
from crosspaths.notify.models import Message
from crosspaths.programs import scheduling
from crosspaths.programs.models import Match, MatchMember, Program, Round
from crosspaths.programs.services import round_draft, round_publish, rounds_run_due

from .crowd import coffee, crowd, enroll

BERLIN = ZoneInfo("Europe/Berlin")
ON = date(2026, 11, 30)  # a Monday; the coffee runs Mondays at 09:00 Berlin time
RUNS = datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)
WINDOW_ENDS = datetime(2026, 12, 7, 0, 0, tzinfo=BERLIN)  # the next round's date


@pytest.fixture
def program(cast):
    p = coffee(cast.org)
    enroll(p, [cast.alice, cast.bob, cast.chidi, *crowd(cast.org, 5)])
    return p


def _calendar_starts(email: EmailPart) -> list[datetime]:
    """DTSTART of every event in every calendar part of an e-mail (the text/calendar
    alternative and the .ics attachment)."""
    starts = []
    for part in email.walk():
        if part.get_content_type() in ("text/calendar", "application/ics"):
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            for event in Calendar.from_ical(payload).walk("VEVENT"):
                starts.append(event.decoded("DTSTART"))
    return starts


def _assert_nothing_names_a_past_time(now: datetime) -> None:
    """Every written message, built as the e-mail it becomes, carries only future
    starts, inside the round's window; reminders and check-ins are still ahead."""
    rows = list(Message.objects.select_related("person", "match__round__program"))
    assert rows, "publishing wrote no messages"
    for row in rows:
        email = render(message_content(row), row)
        for start in _calendar_starts(email.message()):
            assert now < start < WINDOW_ENDS, (row.kind, start, now)
        match = row.match
        assert match is not None
        if match.suggested_start:
            assert now < match.suggested_start and match.suggested_end <= WINDOW_ENDS
        if row.kind == Message.Kind.REMINDER:
            assert now < row.next_attempt_at < match.suggested_start
        if row.kind == Message.Kind.CHECKIN and match.suggested_end:
            assert row.next_attempt_at > match.suggested_end


@pytest.mark.time_machine(RUNS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    drafted_after=st.integers(min_value=0, max_value=9 * 24 * 60),
    published_after=st.integers(min_value=0, max_value=9 * 24 * 60),
)
def test_no_email_or_invitation_ever_names_a_start_in_the_past(
    program, drafted_after, published_after
):
    drafted = RUNS + timedelta(minutes=min(drafted_after, published_after))
    published = RUNS + timedelta(minutes=max(drafted_after, published_after))
    with transaction.atomic():
        with time_machine.travel(drafted, tick=False):
            if drafted >= WINDOW_ENDS:
                with pytest.raises(ValidationError):
                    round_draft(program=program, on=ON)
                transaction.set_rollback(True)
                return
            rnd = round_draft(program=program, on=ON)
        with time_machine.travel(published, tick=False):
            if published >= WINDOW_ENDS:
                with pytest.raises(ValidationError):
                    round_publish(round=rnd)
                assert not Message.objects.exists()
            else:
                round_publish(round=rnd)
                _assert_nothing_names_a_past_time(published)
        transaction.set_rollback(True)


@pytest.mark.time_machine(datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN))
def test_a_round_published_late_in_its_week_gets_a_slot_after_now(program):
    with time_machine.travel(RUNS, tick=False):
        rnd = round_draft(program=program, on=ON)
    drafted = set(Match.objects.filter(round=rnd).values_list("suggested_start", flat=True))
    assert min(drafted) < datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN)  # stale by now
    round_publish(round=rnd)
    for start in Match.objects.filter(round=rnd).values_list("suggested_start", flat=True):
        assert start is not None
        assert datetime(2026, 12, 3, 17, 0, tzinfo=BERLIN) <= start < WINDOW_ENDS


@pytest.mark.time_machine(datetime(2026, 12, 7, 9, 30, tzinfo=BERLIN))
def test_publishing_after_the_rounds_window_is_refused_and_sends_nothing(program):
    with time_machine.travel(RUNS, tick=False):
        rnd = round_draft(program=program, on=ON)
    with pytest.raises(ValidationError) as refused:
        round_publish(round=rnd)
    assert refused.value.code == "window_over"
    assert "2026-12-06" in refused.value.messages[0]
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.DRAFT
    assert not Message.objects.exists()


@pytest.mark.time_machine(datetime(2026, 12, 7, 9, 30, tzinfo=BERLIN))
def test_a_draft_for_a_past_date_is_refused(program):
    with pytest.raises(ValidationError) as refused:
        round_draft(program=program, on=ON)
    assert refused.value.code == "past_date"
    assert not Round.objects.exists()
    # Last week's round is over, but this week's, drafted a little late, is fine.
    assert round_draft(program=program, on=date(2026, 12, 7)).status == Round.Status.DRAFT


def test_a_one_off_rounds_window_is_a_week(program):
    program.cadence = Program.Cadence.ONCE
    assert scheduling.window_end(program, ON) == datetime(2026, 12, 7, 0, 0, tzinfo=BERLIN)
    program.cadence = Program.Cadence.BIWEEKLY
    assert scheduling.window_end(program, ON) == datetime(2026, 12, 14, 0, 0, tzinfo=BERLIN)


@pytest.mark.time_machine(datetime(2026, 11, 30, 21, 0, tzinfo=BERLIN))
def test_the_demos_first_start_sends_only_the_current_rounds_messages(db):
    """Loaded on a Monday evening, when this week's coffee round has run: the demo and
    the scheduler's next pass introduce people once, for this week, with no check-in
    about last week."""
    call_command("demo", people=60)
    rounds_run_due()
    now = datetime(2026, 11, 30, 21, 0, tzinfo=BERLIN).astimezone(UTC)
    rounds = set(Message.objects.values_list("match__round", flat=True))
    assert len(rounds) == 1
    current = Round.objects.get(pk=rounds.pop())
    assert (current.date, current.program.name) == (ON, "Virtual coffee")
    intros = Message.objects.filter(kind=Message.Kind.INTRO)
    members = MatchMember.objects.filter(round=current)
    assert intros.count() == members.count() > 0
    assert (
        not Message.objects.filter(next_attempt_at__lt=now - timedelta(minutes=5))
        .exclude(kind=Message.Kind.INTRO)
        .exists()
    )
    _assert_nothing_names_a_past_time(now)


def test_a_group_cannot_be_moved_to_a_time_that_has_passed(program):
    from crosspaths.programs.services import match_reschedule

    rnd = round_publish(round=round_draft(program=program, on=ON))
    match = rnd.matches.first()
    sent = Message.objects.count()
    with pytest.raises(ValidationError) as refused:
        match_reschedule(match=match, start=datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    assert "start" in refused.value.message_dict
    assert Message.objects.count() == sent
