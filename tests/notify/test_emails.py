"""What a real SMTP server receives: headers, both parts, the invitation parsed back."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver, outbox_dispatch
from crosspaths.programs.services import match_reschedule
from tests.itip import imip_calendar

from .conftest import ids

BERLIN = ZoneInfo("Europe/Berlin")


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def invitation(message):
    found = imip_calendar(message)
    assert found is not None and found[0] == "REQUEST"
    (ics,) = [p for p in message.iter_attachments() if p.get_content_type() == "application/ics"]
    assert ics.get_filename() == "invite.ics"
    (event,) = Calendar.from_ical(found[1]).walk("VEVENT")
    return event


def test_the_introduction_tells_who_why_when_where_and_who_organizes(published, mailbox):
    report = messages_deliver(message_ids=ids("intro"))
    assert report.sent == 2
    (chidi,) = mailbox.to("chidi@acme.test")
    assert chidi["Subject"] == "Virtual coffee: you meet Bob Brandt"
    assert chidi["From"] == "Crosspaths <crosspaths@localhost>"
    assert chidi["Reply-To"] == "bob@acme.test"
    assert chidi["Auto-Submitted"] == "auto-generated"
    text, html = parts(chidi)
    for part in (text, html):
        assert "You work in different departments: Engineering and People." in part
        assert "You both like chess: how did you get into it?" in part
        assert "Wednesday, Dec. 2, 2026, 10 a.m. (Europe/Berlin)" in part
        assert "You are the organizer of this group" in part
        assert "https://meet.jit.si/crosspaths-0123456789abcdef0123456789abcdef" in part
    assert "<li>You work in different departments: Engineering and People.</li>" in html
    link = f"http://127.0.0.1:8000/matches/{published.pk}/"
    assert f"See your match on Crosspaths: {link}" in text
    assert f'<a href="{link}">See your match on Crosspaths</a>' in html
    assert "Duration: 30 minutes" in text


def test_links_and_duration_are_in_the_readers_language(published, mailbox):
    messages_deliver(message_ids=ids("intro"))
    text, _ = parts(mailbox.to("bob@acme.test")[0])
    assert "Dauer: 30 Minuten" in text
    assert "Ihr Match auf Crosspaths ansehen:" in text


def test_the_introduction_is_in_the_recipients_language(published, mailbox):
    messages_deliver(message_ids=ids("intro"))
    (bob,) = mailbox.to("bob@acme.test")
    assert bob["Subject"] == "Virtual coffee: Sie treffen Chidi Okafor"
    text, html = parts(bob)
    assert "Sie arbeiten in verschiedenen Abteilungen: Engineering und People." in text
    assert "Mittwoch, 2. Dezember 2026, 10:00 (Europe/Berlin)" in text
    assert "Chidi Okafor organisiert dieses Treffen" in html


def test_the_invitation_is_for_the_slot_in_the_organizers_zone_with_every_member(
    published, mailbox
):
    messages_deliver(message_ids=ids("intro"))
    event = invitation(mailbox.to("bob@acme.test")[0])
    start = event.decoded("dtstart")
    assert start == datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("dtend") - start == timedelta(minutes=30)
    assert str(event["organizer"]) == "mailto:crosspaths@localhost"
    assert sorted(str(a) for a in event["attendee"]) == [
        "mailto:bob@acme.test",
        "mailto:chidi@acme.test",
    ]
    assert "Chidi Okafor organisiert dieses Treffen." in str(event["description"])


def test_a_reschedule_sends_an_update_of_the_same_event(published, mailbox, settings):
    messages_deliver(message_ids=ids("intro"))
    before = invitation(mailbox.to("chidi@acme.test")[0])
    match_reschedule(match=published, start=datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN))
    messages_deliver(message_ids=ids("reschedule"))
    mails = mailbox.to("chidi@acme.test")
    assert len(mails) == 2
    assert mails[1]["Subject"] == "Virtual coffee: new time with Bob Brandt"
    after = invitation(mails[1])
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart") == datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN)


def test_without_a_slot_the_mail_says_so_and_carries_no_invitation(published, mailbox):
    published.suggested_start = published.suggested_end = None
    published.save()
    messages_deliver(message_ids=ids("intro"))
    chidi = mailbox.to("chidi@acme.test")[0]
    text, _ = parts(chidi)
    assert "We found no time in the coming week" in text
    assert "please suggest a time that works for everyone" in text
    assert imip_calendar(chidi) is None


def test_the_reminder_goes_out_a_day_before_the_slot(published, mailbox):
    reminder = Message.objects.get(kind="reminder", person__email="chidi@acme.test")
    assert reminder.next_attempt_at == datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)
    assert outbox_dispatch(now=datetime(2026, 12, 1, 9, 59, tzinfo=BERLIN)) == 2  # intros
    messages_deliver(message_ids=ids("reminder"))
    assert mailbox.messages == []  # not due yet
    Message.objects.filter(kind="reminder").update(
        next_attempt_at=datetime(2026, 1, 1, tzinfo=BERLIN)
    )
    messages_deliver(message_ids=ids("reminder"))
    (mail,) = mailbox.to("chidi@acme.test")
    assert mail["Subject"] == "Reminder: you meet Bob Brandt soon"
    text, _ = parts(mail)
    assert "Wednesday, Dec. 2, 2026, 10 a.m." in text


def test_the_check_in_mail_has_two_signed_links(published, mailbox, client):
    Message.objects.filter(kind="checkin").update(
        next_attempt_at=datetime(2026, 1, 1, tzinfo=BERLIN)
    )
    messages_deliver(message_ids=ids("checkin"))
    (mail,) = mailbox.to("chidi@acme.test")
    assert mail["Subject"] == "Did you meet Bob Brandt?"
    text, html = parts(mail)
    met = next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("We met:"))
    assert met.startswith("http://127.0.0.1:8000/meet/c/") and met.endswith("/met/")
    assert met in html
    path = met.removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200  # the page confirms with a POST
    assert client.post(path, {"confirm": "1"}).status_code == 302
    assert published.members.get(person__email="chidi@acme.test").checkin.met is True


@pytest.mark.parametrize("kind", ["intro", "reminder", "checkin", "reschedule"])
def test_every_kind_renders_in_both_languages(published, kind, settings):
    from crosspaths.notify.emails import build_message

    message = Message.objects.filter(kind__in=[kind, "intro"]).select_related(
        "person__organization", "match__round__program"
    )
    for m in message:
        m.kind = kind
        email = build_message(m)
        assert email.subject and "{" not in email.subject
        assert "{{" not in email.body and "{%" not in email.body
        assert "{{" not in email.alternatives[0][0]


def test_a_language_set_by_the_roster_is_the_language_of_the_e_mails(published, mailbox, cast):
    from crosspaths.people.services import roster_apply, roster_plan

    cast.chidi.language = ""
    cast.chidi.save()
    text = f"id,name,email,title,language\nC3,Chidi Okafor,{cast.chidi.email},Engineer,de\n"
    roster_apply(plan=roster_plan(organization=cast.org, text=text), actor=cast.alice)
    messages_deliver(message_ids=ids("intro"))
    (chidi,) = mailbox.to("chidi@acme.test")
    assert chidi["Subject"] == "Virtual coffee: Sie treffen Bob Brandt"
