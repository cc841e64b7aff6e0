"""Every kind of e-mail, as a real SMTP server received it, read by the strict iTIP
reader (tests/itip.py): the introduction and a new time are meeting requests for the
same event, a slot taken away cancels it, reminders and check-ins carry no calendar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver, outbox_write_reschedule
from crosspaths.programs.services import match_reschedule
from tests.itip import NotAMeeting, imip_calendar, itip_event

from .conftest import ids

BERLIN = ZoneInfo("Europe/Berlin")
MEMBERS = {"bob@acme.test", "chidi@acme.test"}
SENDER = "crosspaths@localhost"


def _due_now(kind: str) -> None:
    Message.objects.filter(kind=kind).update(next_attempt_at=timezone.now())


def _received(mailbox, kind: str) -> list:
    """What the SMTP server received for ``kind`` (the header names the outbox row)."""
    return [m for m in mailbox.messages if str(m["X-Crosspaths-Message"]).startswith(kind)]


def test_every_kind_of_e_mail_carries_a_valid_calendar_part_or_none(published, mailbox):
    messages_deliver(message_ids=ids("intro"))
    intros = _received(mailbox, "intro:")
    assert len(intros) == 2
    uids, sequences = set(), set()
    for mail in intros:
        _, data = imip_calendar(mail)
        event = itip_event(
            data, method="REQUEST", now=timezone.now(), attendees=MEMBERS, organizer=SENDER
        )
        assert mail["From"].addresses[0].addr_spec == SENDER  # ORGANIZER = sender (iMIP §3)
        uids.add(str(event["uid"]))
        sequences.add(int(event["sequence"]))
    assert len(uids) == 1 and sequences == {0}

    match_reschedule(match=published, start=datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN))
    messages_deliver(message_ids=ids("reschedule"))
    moved = _received(mailbox, "reschedule:")
    assert len(moved) == 2
    for mail in moved:
        _, data = imip_calendar(mail)
        event = itip_event(
            data, method="REQUEST", now=timezone.now(), attendees=MEMBERS, organizer=SENDER
        )
        assert str(event["uid"]) in uids and int(event["sequence"]) == 1
        assert event.decoded("dtstart") == datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN)

    for kind in ("reminder", "checkin"):
        _due_now(kind)
        messages_deliver(message_ids=ids(kind))
        received = _received(mailbox, f"{kind}:")
        assert len(received) == 2
        assert all(imip_calendar(mail) is None for mail in received)


def test_a_slot_taken_away_cancels_the_event_with_a_higher_sequence(published, mailbox):
    messages_deliver(message_ids=ids("intro"))
    intro = _received(mailbox, "intro:")[0]
    first = itip_event(imip_calendar(intro)[1], method="REQUEST", now=timezone.now())
    published.suggested_start = published.suggested_end = None
    published.sequence += 1
    published.save()
    outbox_write_reschedule(match=published, now=timezone.now())
    messages_deliver(message_ids=ids("reschedule"))
    cancels = _received(mailbox, "reschedule:")
    assert len(cancels) == 2
    for mail in cancels:
        method, data = imip_calendar(mail)
        assert method == "CANCEL"
        event = itip_event(
            data, method="CANCEL", now=timezone.now(), attendees=MEMBERS, organizer=SENDER
        )
        assert str(event["uid"]) == str(first["uid"])
        assert int(event["sequence"]) == int(first["sequence"]) + 1


def test_an_invitation_is_never_sent_for_a_slot_that_has_passed(published, mailbox):
    """The validator itself refuses a REQUEST whose start is not ahead of sending."""
    messages_deliver(message_ids=ids("intro"))
    _, data = imip_calendar(_received(mailbox, "intro:")[0])
    with pytest.raises(NotAMeeting, match="future"):
        itip_event(data, method="REQUEST", now=published.suggested_start + timedelta(minutes=1))
