"""The nudge: two working days after a round went out, a group's organizer who has not
confirmed or moved the time is asked to, once, with the link to the match page."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.utils import timezone

from crosspaths.notify.models import Message
from crosspaths.notify.services import add_working_days, messages_deliver, outbox_write_nudges

from .conftest import BERLIN, ids

# The fixture's round went out on Monday 2026-11-30 at 09:00 Berlin (08:00 UTC).
WEDNESDAY = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def _friday_slot(match):
    start = datetime(2026, 12, 4, 10, 0, tzinfo=BERLIN)
    match.suggested_start, match.suggested_end = start, start + timedelta(minutes=30)
    match.save()


def deliver_nudges():
    """Deliver the nudges now (the frozen test clock is before their due time)."""
    Message.objects.filter(kind="nudge").update(next_attempt_at=timezone.now())
    return messages_deliver(message_ids=ids("nudge"))


def test_the_organizer_is_nudged_two_working_days_later_once_however_often_it_runs(
    published, mailbox, cast
):
    _friday_slot(published)
    assert outbox_write_nudges(now=WEDNESDAY - timedelta(minutes=1)) == 0
    assert outbox_write_nudges(now=WEDNESDAY) == 1
    assert outbox_write_nudges(now=WEDNESDAY) == 0
    assert outbox_write_nudges(now=WEDNESDAY + timedelta(days=1)) == 0
    (nudge,) = Message.objects.filter(kind="nudge")
    assert nudge.person == cast.chidi  # the organizer, nobody else
    assert nudge.dedupe_key == f"nudge:{published.pk}:{cast.chidi.pk}"
    assert deliver_nudges().sent == 1
    assert deliver_nudges().sent == 0
    (mail,) = mailbox.wait_for(1)
    assert "chidi" in str(mail["To"]).lower()
    assert mail["Subject"] == "Virtual coffee: please confirm the time with Bob Brandt"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "nobody has confirmed the time of your meeting with Bob Brandt yet" in text
    assert f"/matches/{published.pk}/" in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert f"/matches/{published.pk}/" in html and "Confirm or propose a time" in html


def test_a_confirmed_time_needs_no_nudge(published, cast):
    _friday_slot(published)
    published.confirmed_at, published.confirmed_by = WEDNESDAY, cast.chidi
    published.save()
    assert outbox_write_nudges(now=WEDNESDAY) == 0


def test_a_time_confirmed_after_the_nudge_was_written_stops_it(published, cast, mailbox):
    _friday_slot(published)
    outbox_write_nudges(now=WEDNESDAY)
    published.confirmed_at, published.confirmed_by = WEDNESDAY, cast.chidi
    published.save()
    assert deliver_nudges().sent == 0
    assert Message.objects.get(kind="nudge").status == "skipped"
    assert mailbox.messages == []


def test_a_meeting_that_has_begun_or_is_within_the_hour_gets_no_nudge(published):
    """The fixture's slot is Wednesday 10:00 Berlin, 09:00 UTC: too late at 08:00 UTC."""
    assert outbox_write_nudges(now=WEDNESDAY) == 0


def test_a_group_without_a_time_is_asked_to_propose_one(published, mailbox):
    published.suggested_start = published.suggested_end = None
    published.save()
    assert outbox_write_nudges(now=WEDNESDAY) == 1
    deliver_nudges()
    (mail,) = mailbox.wait_for(1)
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "has no time yet" in text and "propose" in text


def test_the_nudge_is_in_german_for_a_german_organizer(published, mailbox, cast):
    cast.chidi.language = "de"
    cast.chidi.save()
    _friday_slot(published)
    outbox_write_nudges(now=WEDNESDAY)
    deliver_nudges()
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"].strip() == "Virtual coffee: Bitte bestätigen Sie die Zeit mit Bob Brandt"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "bisher hat noch niemand die Zeit Ihres Treffens mit Bob Brandt bestätigt" in text
    assert "Zeit bestätigen oder eine andere vorschlagen:" in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "Zeit bestätigen oder eine andere vorschlagen" in html


def test_the_scheduler_writes_the_nudge_once_over_two_passes(published, settings):
    _friday_slot(published)
    for _ in range(2):
        call_command("crosspaths_scheduler", "--once", "--now", WEDNESDAY.isoformat())
    assert Message.objects.filter(kind="nudge").count() == 1


def test_working_days_skip_the_weekend_in_the_organizations_zone():
    friday = datetime(2026, 12, 4, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert add_working_days(friday, 2, "Europe/Berlin") == datetime(
        2026, 12, 8, 15, 0, tzinfo=ZoneInfo("Europe/Berlin")
    )
    # Across the end of summer time the local hour stays.
    october = datetime(2026, 10, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert add_working_days(october, 2, "Europe/Berlin").hour == 9


def test_on_slack_and_teams_the_nudge_carries_the_match_page_link(published):
    """A nudge is one intent: the chat renderers lay out the same content."""
    import json

    from crosspaths.notify.channels import slack, teams
    from crosspaths.notify.content import message_content

    _friday_slot(published)
    outbox_write_nudges(now=WEDNESDAY)
    content = message_content(Message.objects.get(kind="nudge"))
    for payload in (slack.render(content), teams.render(content)):
        text = json.dumps(payload)
        assert f"/matches/{published.pk}/" in text
        assert "Confirm or propose a time" in text
