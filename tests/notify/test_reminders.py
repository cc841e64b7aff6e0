"""The reminder follows the slot: a day before it, a few hours before it when the round
went out late, none when even that is within the hour; a moved slot gets its own."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from crosspaths.notify.models import Message
from crosspaths.notify.services import (
    messages_deliver,
    outbox_write_reschedule,
    outbox_write_round,
    reminder_at,
)

from .conftest import BERLIN

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_a_day_before_when_there_is_time_else_three_hours_before_else_none():
    assert reminder_at(NOW + timedelta(hours=48), NOW) == NOW + timedelta(hours=24)
    assert reminder_at(NOW + timedelta(hours=20), NOW) == NOW + timedelta(hours=17)
    assert reminder_at(NOW + timedelta(hours=4, minutes=1), NOW) == NOW + timedelta(
        hours=1, minutes=1
    )
    assert reminder_at(NOW + timedelta(hours=4), NOW) is None
    assert reminder_at(NOW + timedelta(hours=2), NOW) is None


def test_a_round_published_late_gets_a_reminder_a_few_hours_before(published, cast):
    """The fixture's slot is Wednesday 10:00 Berlin; published on Tuesday at 16:00 UTC
    the day-before moment has passed, so the reminder comes at 07:00 Berlin."""
    Message.objects.all().delete()
    outbox_write_round(round=published.round, now=datetime(2026, 12, 1, 16, 0, tzinfo=UTC))
    reminders = Message.objects.filter(kind="reminder")
    assert reminders.count() == 2
    assert {r.next_attempt_at for r in reminders} == {datetime(2026, 12, 2, 7, 0, tzinfo=BERLIN)}


def test_a_moved_slot_gets_a_reminder_even_when_the_old_one_was_sent(published, cast, mailbox):
    old = Message.objects.get(kind="reminder", person=cast.bob)
    Message.objects.filter(pk=old.pk).update(next_attempt_at=timezone.now())
    assert messages_deliver(message_ids=[old.pk]).sent == 1
    start = datetime(2026, 12, 4, 14, 0, tzinfo=BERLIN)
    published.suggested_start, published.suggested_end = start, start + timedelta(minutes=30)
    published.sequence += 1
    published.save()
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    outbox_write_reschedule(match=published, now=now)
    outbox_write_reschedule(match=published, now=now)  # the same move written twice
    waiting = Message.objects.filter(kind="reminder", status="queued")
    assert waiting.count() == 2  # one per member, once
    assert {r.next_attempt_at for r in waiting} == {start - timedelta(hours=24)}
    assert Message.objects.get(pk=old.pk).status == "sent"  # the old one stays as it was
    assert Message.objects.filter(kind="reminder").count() == 3
