"""Outside perspective end to end in a real Chromium: Bob asks for early feedback; Eve
says yes from the link in her e-mail without signing in, Gina on her Crosspaths page
(in German);
the session is set up (introductions with the invitation and a video link reach the
SMTP server); after it Bob answers "did it help?" from his e-mail; the admin sees the
figure in insights and the console page. Every page is checked with axe-core and
photographed on desktop and phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.people.models import Person
from crosspaths.perspective.models import PerspectiveRequest
from tests.itip import imip_calendar

from ..browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def check(page: Page, name: str) -> None:
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def mails(mailbox, kind: str, to: str) -> list:
    return [
        m
        for m in mailbox.messages
        if str(m["X-Crosspaths-Message"]).startswith(kind) and to in str(m["To"])
    ]


def link(mail, label: str) -> str:
    text = mail.get_body(preferencelist=("plain",)).get_content()
    line = next(x for x in text.splitlines() if x.startswith(label + ":"))
    return line.split(": ", 1)[1].strip()


def test_request_accept_session_feedback(
    page: Page, browser, live_server, mailbox, settings, givers, time_machine
):
    cast = givers.cast
    settings.SITE_URL = live_server.url
    Person.objects.filter(organization=cast.org).update(onboarded_at=timezone.now())
    for p in (givers.eve, givers.gina, cast.bob, cast.alice):
        p.refresh_from_db()

    # Bob asks.
    sign_in(page.context, live_server.url, cast.bob.user)
    page.goto(f"{live_server.url}/perspective/")
    check(page, "perspective-index-empty")
    page.get_by_role("link", name="Ask for an outside perspective").click()
    page.get_by_label("What would you like feedback on?").fill("A design review for our HR portal")
    page.get_by_label("What kind of outside view helps? (optional)").fill(
        "Someone who builds interfaces and has not seen it yet."
    )
    page.get_by_label("Interests or skills that fit (optional)").fill("design")
    page.get_by_label("How many people?").select_option("2")
    page.get_by_label("By when?").fill("2026-12-11")
    check(page, "perspective-new-filled")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request is out: we asked 2 colleagues.")).to_be_visible()
    expect(page.get_by_text("0 of 2 colleagues said yes; 2 still deciding.")).to_be_visible()
    check(page, "perspective-request-open")

    mailbox.wait_for(2)
    (to_eve,) = mails(mailbox, "ask:", "eve@acme.test")
    assert to_eve["Subject"] == "Bob asks for your outside perspective"
    assert mails(mailbox, "ask:", "gina@acme.test")

    # Eve says yes from her e-mail, not signed in: the page confirms by itself.
    eve_page = browser.new_context().new_page()
    eve_page.goto(link(to_eve, "Yes, I'll give my view"))
    expect(eve_page.get_by_role("heading", name="Thank you!")).to_be_visible()
    check(eve_page, "perspective-ask-link-yes")
    eve_page.context.close()

    # Gina, who reads German, answers on her Crosspaths page.
    givers.gina.language = "de"
    givers.gina.save()
    gina_context = browser.new_context()
    sign_in(gina_context, live_server.url, givers.gina.user)
    gina = gina_context.new_page()
    gina.goto(f"{live_server.url}/perspective/")
    expect(gina.get_by_text("Bob Brandt wünscht sich Ihren Blick von außen")).to_be_visible()
    check(gina, "perspective-index-asked-de")
    gina.get_by_role("button", name="Ja, ich gebe meine Sicht").click()
    expect(gina.get_by_text("Danke! Der Termin steht")).to_be_visible()
    check(gina, "perspective-index-answered-de")
    gina_context.close()

    # The session: everyone gets the introduction with the invitation and video link.
    mailbox.wait_for(5)
    request = PerspectiveRequest.objects.get()
    assert request.status == "scheduled"
    match = request.match
    for address in ("bob@acme.test", "eve@acme.test", "gina@acme.test"):
        (intro,) = mails(mailbox, "intro:", address)
        assert imip_calendar(intro) is not None
        assert match.video_link in intro.get_body(preferencelist=("plain",)).get_content()
    page.reload()
    expect(page.locator("#request-status")).to_have_text("Session set up")
    expect(page.get_by_text("With Eve Egger, Gina Graf.")).to_be_visible()
    check(page, "perspective-request-scheduled")
    page.get_by_role("link", name="Open the session: time, video link, calendar").click()
    expect(page.get_by_text("Outside perspective").first).to_be_visible()
    check(page, "perspective-session-match-page")

    # After the session Bob is asked whether it helped, and answers from the e-mail.
    follow_up = Message.objects.get(kind="follow_up")
    assert follow_up.next_attempt_at > match.suggested_end
    time_machine.move_to(follow_up.next_attempt_at + timedelta(minutes=1))
    assert messages_deliver(message_ids=[follow_up.pk]).sent == 1
    (question,) = mails(mailbox, "follow_up:", "bob@acme.test")
    assert question["Subject"] == "Did the outside perspective help?"
    page.goto(link(question, "Yes, it helped"))
    expect(page.get_by_text("Glad the outside perspective helped.")).to_be_visible()
    check(page, "perspective-follow-up-yes")
    page.goto(f"{live_server.url}/perspective/requests/{request.pk}/")
    expect(page.locator("#helped-answer")).to_have_text("You said it helped. Thank you!")

    # The admin's view: the figure in insights and the console page.
    cast.org.min_cell_size = 1
    cast.org.save()
    admin = browser.new_context()
    sign_in(admin, live_server.url, cast.alice.user)
    alice = admin.new_page()
    alice.goto(f"{live_server.url}/insights/?period=12m")
    figure = alice.locator("#perspective")
    expect(figure).to_be_visible()
    expect(figure.locator("p.summary")).to_contain_text(
        "Requests: 1; sessions set up: 1; asks answered with yes: 100%"
    )
    check(alice, "perspective-insights")
    alice.goto(f"{live_server.url}/console/perspective/")
    expect(alice.get_by_text("5 people have opted in.")).to_be_visible()
    expect(alice.get_by_role("cell", name="A design review for our HR portal")).to_be_visible()
    check(alice, "perspective-console")
    admin.close()
