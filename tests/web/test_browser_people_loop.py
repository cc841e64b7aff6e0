"""Issue 12's "Done when" items not walked elsewhere, in a real Chromium, English and
German, desktop and phone (tests/web/test_browser_encounter_loop.py walks two cards,
a new time with SEQUENCE+1 and a pair's drop-out):

- an admin publishes a round late: the invitations that reach the SMTP server carry a
  slot in the future, and the person the round left out gets the e-mail saying why and
  when their next round is (and sees it on their home page);
- a member of a group of three drops out on a phone, in German: the others are told
  with the updated invitation, the one who dropped out gets a CANCEL of theirs;
- HR enrolls an audience from the console after a preview; the announcement arrives
  and its one-click link takes the person out of the program.
Pages are checked with axe-core and photographed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from crosspaths import clock
from crosspaths.notify.models import Message
from crosspaths.programs.models import Enrollment, LeftOut, Match, Program, Round
from tests.itip import imip_calendar, itip_event

from ..browser import assert_accessible, screenshot, sign_in
from .conftest import make_match, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ROUND = date(2026, 11, 23)  # the Monday before TEST_NOW (Thu 26 Nov 2026, 08:00 UTC)


def check(page: Page, name: str) -> None:
    """Axe and a screenshot at desktop size, then again on a phone."""
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def _mails(mailbox, kind: str, to: str | None = None) -> list:
    return [
        m
        for m in mailbox.messages
        if str(m["X-Crosspaths-Message"]).startswith(kind) and (to is None or to in str(m["To"]))
    ]


@pytest.fixture
def coffee(onboarded):
    program = make_program(
        onboarded.org,
        name="Coffee roulette",
        weekday=0,
        time=time(9),
        starts_on=date(2026, 11, 2),
        requires_review=True,
    )
    for person in (onboarded.alice, onboarded.bob, onboarded.chidi):
        Enrollment.objects.create(organization=onboarded.org, program=program, person=person)
    return program


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_publishing_late_sends_future_slots_and_tells_the_left_out(
    page: Page, live_server, mailbox, settings, onboarded, coffee, viewport
):
    cast = onboarded
    settings.SITE_URL = live_server.url
    cast.bob.language = "de"
    cast.bob.save()
    # A draft of Monday's round, previewed on Monday with a slot on Tuesday: by now
    # (Thursday) that time has passed. Bob (German) was left out of it.
    match = make_match(
        [cast.chidi, cast.alice],
        program=coffee,
        on=ROUND,
        status=Round.Status.DRAFT,
        start=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    )
    LeftOut.objects.create(
        organization=cast.org,
        round=match.round,
        person=cast.bob,
        code="odd_one_out",
        reason="odd one out",
    )
    page.set_viewport_size(DESKTOP if viewport == "desktop" else PHONE)
    sign_in(page.context, live_server.url, cast.alice.user)
    page.goto(f"{live_server.url}/console/rounds/{match.round.pk}/")
    page.get_by_role("button", name="Publish this round").click()
    expect(page.get_by_text("Published: everyone in a group gets")).to_be_visible()
    check(page, f"en-console-published-late-{viewport}")

    mailbox.wait_for(3)
    match.refresh_from_db()
    now = timezone.now()
    assert match.suggested_start > now
    intros = _mails(mailbox, "intro:")
    assert {str(m["To"]).split("<")[-1].rstrip(">") for m in intros} == {
        "alice@acme.test",
        "chidi@acme.test",
    }
    for mail in intros:
        _method, data = imip_calendar(mail)
        event = itip_event(data, method="REQUEST", now=now)  # DTSTART after sending
        assert event.decoded("DTSTART") == match.suggested_start

    # Bob, left out, reads why and when his next round is, in German.
    (notice,) = _mails(mailbox, "left_out:", "bob@acme.test")
    text = notice.get_body(preferencelist=("plain",)).get_content()
    assert "Ihre nächste Runde ist am" in text and "30. November 2026" in text
    assert imip_calendar(notice) is None
    page.context.clear_cookies()
    sign_in(page.context, live_server.url, cast.bob.user)
    page.goto(live_server.url + "/")
    expect(page.get_by_text("Keine Gruppe in dieser Runde")).to_be_visible()
    check(page, f"de-home-left-out-{viewport}")


def test_a_member_of_three_drops_out_on_a_phone_in_german(
    page: Page, live_server, mailbox, settings, onboarded, coffee
):
    cast = onboarded
    settings.SITE_URL = live_server.url
    cast.bob.language = "de"
    cast.bob.save()
    coffee.requires_review = False
    coffee.save()
    match = make_match(
        [cast.chidi, cast.bob, cast.alice],
        program=coffee,
        on=ROUND,
        start=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
    )
    from crosspaths.notify.services import outbox_write_round

    outbox_write_round(round=match.round, now=timezone.now())
    Message.objects.filter(kind="intro").update(status="sent")

    page.set_viewport_size(PHONE)
    sign_in(page.context, live_server.url, cast.bob.user)
    page.goto(f"{live_server.url}/matches/{match.pk}/")
    check(page, "de-match-before-dropping-out")
    page.get_by_role("button", name="Ich kann in dieser Runde nicht").click()
    expect(page.get_by_text("Danke für Ihre Nachricht. Die Gruppe wird informiert")).to_be_visible()
    check(page, "de-home-after-dropping-out")

    mailbox.wait_for(3)
    for address in ("chidi@acme.test", "alice@acme.test"):
        (mail,) = _mails(mailbox, "group_change:", address)
        assert "Bob Brandt cannot make it this round." in mail.get_body(("plain",)).get_content()
        event = itip_event(imip_calendar(mail)[1], method="REQUEST", now=timezone.now())
        assert int(event["SEQUENCE"]) == 1
    (mine,) = _mails(mailbox, "group_change:", "bob@acme.test")
    assert "aus Ihrem Kalender entfernt" in mine.get_body(("plain",)).get_content()
    method, data = imip_calendar(mine)
    assert method == "CANCEL"
    event = itip_event(data, method="CANCEL", now=timezone.now(), attendees={"bob@acme.test"})
    assert int(event["SEQUENCE"]) == 1
    assert set(Match.objects.get(pk=match.pk).members.values_list("person__email", flat=True)) == {
        "chidi@acme.test",
        "alice@acme.test",
    }


@pytest.mark.parametrize("lang", ["en", "de"])
def test_hr_enrolls_an_audience_and_the_announcement_lets_people_leave(
    page: Page, live_server, mailbox, settings, onboarded, lang
):
    cast = onboarded
    settings.SITE_URL = live_server.url
    cast.alice.language = lang
    cast.alice.save()
    onboarding = Program.objects.create(
        organization=cast.org,
        name="Onboarding buddies",
        format=Program.Format.ONBOARDING,
        description="Meet a colleague from elsewhere in your first weeks.",
    )
    words = {
        "en": {
            "enroll": "Enroll an audience",
            "department": "Department",
            "preview": "Preview who is enrolled",
            "count": "2 people would be enrolled",
            "confirm": "Enroll 2 people and send the announcement",
            "done": "2 people are enrolled in Onboarding buddies and get the announcement.",
            "auto": "Enroll new hires automatically",
        },
        "de": {
            "enroll": "Zielgruppe aufnehmen",
            "department": "Abteilung",
            "preview": "Vorschau: Wer wird aufgenommen",
            "count": "2 Personen würden aufgenommen",
            "confirm": "2 Personen aufnehmen und die Ankündigung schicken",
            "done": "2 Personen sind in Onboarding buddies aufgenommen",
            "auto": "Neue Mitarbeitende automatisch aufnehmen",
        },
    }[lang]
    sign_in(page.context, live_server.url, cast.alice.user)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/console/programs/{onboarding.pk}/")
    expect(page.get_by_role("heading", name=words["enroll"])).to_be_visible()
    check(page, f"{lang}-console-program-enroll-card")
    page.get_by_label(words["department"]).select_option(label="People")
    page.get_by_role("button", name=words["preview"]).click()
    expect(page.get_by_role("heading", name=words["count"])).to_be_visible()
    check(page, f"{lang}-console-enroll-preview")
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_text(words["done"])).to_be_visible()
    page.get_by_role("button", name=words["auto"]).click()
    onboarding.refresh_from_db()
    assert onboarding.auto_enroll_since == clock.today()
    assert set(
        Enrollment.objects.filter(program=onboarding, left_at__isnull=True).values_list(
            "person__email", flat=True
        )
    ) == {"alice@acme.test", "bob@acme.test"}

    # Bob's announcement (English) arrives; its leave link works in the browser.
    mailbox.wait_for(2)
    (mail,) = _mails(mailbox, "announcement:", "bob@acme.test")
    assert mail["Subject"] == "You are now part of Onboarding buddies"
    link = re.search(
        r"Leave the program: (https?://\S+/mail/unsubscribe/\S+/)",
        mail.get_body(("plain",)).get_content(),
    ).group(1)
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(link)
    expect(page.get_by_role("heading", name="Leave Onboarding buddies?")).to_be_visible()
    check(page, f"{lang}-leave-from-announcement")
    page.get_by_role("button", name="Leave the program").click()
    expect(page.get_by_role("heading", name="You have left Onboarding buddies.")).to_be_visible()
    assert Enrollment.objects.get(program=onboarding, person=cast.bob).left_at is not None
