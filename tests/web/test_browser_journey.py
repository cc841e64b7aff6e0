"""A newcomer's whole journey in a real Chromium, in English and in German: sign in
by the link from the mailbox, join in a minute, see a published match, download the
invitation, check in, pause. Every page is checked with axe-core and photographed
at desktop and phone width (artifacts/screenshots/)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Person
from crosspaths.programs.models import Enrollment

from ..browser import assert_accessible, screenshot
from ..cast import make_person
from .conftest import make_match, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

WORDS = {
    "en": {
        "sign_in": "Sign in",
        "email": "Your work e-mail",
        "sent": "Check your inbox",
        "subject": "Your sign-in link for Crosspaths at Acme",
        "continue": "Continue",
        "welcome": "Welcome, Erin Engel!",
        "german": "German",
        "interests": "Your interests",
        "slot": "Monday, Lunchtime (12:00–14:00)",  # noqa: RUF001
        "save": "Save and join",
        "hello": "Hello, Erin Engel",
        "no_match": "No match yet",
        "meet": "You meet Chidi Okafor",
        "why": "You work in different departments: Engineering and People.",
        "ics": "Download .ics",
        "rating_first": "1 of 5",
        "we_met": "We met",
        "thanks": "Thanks! Glad you met.",
        "keep": "Keep in touch with Chidi Okafor",
        "programs": "My programs",
        "pause_until": "Pause until (and including)",
        "pause": "Pause",
        "paused": "Paused until",
    },
    "de": {
        "sign_in": "Anmelden",
        "email": "Ihre geschäftliche E-Mail-Adresse",
        "sent": "Sehen Sie in Ihr Postfach",
        "subject": "Ihr Anmeldelink für Crosspaths bei Acme",
        "continue": "Weiter",
        "welcome": "Willkommen, Erin Engel!",
        "german": "Deutsch",
        "interests": "Ihre Interessen",
        "slot": "Montag, Mittagszeit (12:00–14:00)",  # noqa: RUF001
        "save": "Speichern und mitmachen",
        "hello": "Hallo, Erin Engel",
        "no_match": "Noch kein Match",
        "meet": "Sie treffen Chidi Okafor",
        "why": "Sie arbeiten in verschiedenen Abteilungen: Engineering und People.",
        "ics": ".ics herunterladen",
        "rating_first": "1 von 5",
        "we_met": "Wir haben uns getroffen",
        "thanks": "Danke! Schön, dass Sie sich getroffen haben.",
        "keep": "In Kontakt bleiben mit Chidi Okafor",
        "programs": "Meine Programme",
        "pause_until": "Pausieren bis (einschließlich)",
        "pause": "Pausieren",
        "paused": "Pausiert bis",
    },
}


def check(page: Page, name: str, *, phone: bool = False) -> None:
    """axe-core on the page, and screenshots (at phone width too when asked)."""
    assert_accessible(page)
    screenshot(page, name)
    if phone:
        page.set_viewport_size(PHONE)
        assert_accessible(page)
        screenshot(page, f"{name}-phone")
        page.set_viewport_size(DESKTOP)


def tab_to(page: Page, name: str, *, limit: int = 200) -> None:
    """Move the keyboard focus forward with Tab until it reaches the control named
    ``name``: proof that a keyboard alone gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        label = page.evaluate(
            """() => { const e = document.activeElement; if (!e) return "";
                 const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
                 return (e.getAttribute("aria-label") || label || e.innerText || "").trim(); }"""
        )
        if re.sub(r"\s+", " ", label) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


@pytest.fixture
def newcomer(cast):
    """Erin, imported by HR (Engineering, Munich), never signed in; a coffee program."""
    make_program(cast.org, name="Virtual coffee", description="Twenty minutes with someone new.")
    return make_person(
        cast.org,
        "erin@acme.test",
        "Erin Engel",
        login=False,
        roster_synced=True,
        department=cast.engineering,
        location=cast.munich,
        manager=cast.chidi,
        title="Data Engineer",
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_newcomer_joins_meets_checks_in_and_pauses(
    page: Page, live_server, mailbox, settings, cast, newcomer, lang, tmp_path: Path
):
    words = WORDS[lang]
    settings.SITE_URL = live_server.url
    page.set_viewport_size(DESKTOP)

    # The welcome page; German readers switch the language first.
    page.goto(live_server.url + "/")
    if lang == "de":
        page.get_by_label("Language").select_option("de")
        expect(page.locator("html")).to_have_attribute("lang", "de")
    check(page, f"{lang}-01-welcome", phone=True)
    page.get_by_role("link", name=words["sign_in"]).first.click()

    # Ask for a link with the keyboard only.
    check(page, f"{lang}-02-sign-in", phone=True)
    page.get_by_label(words["email"]).focus()
    page.keyboard.type("erin@acme.test")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=words["sent"])).to_be_visible()
    check(page, f"{lang}-03-check-your-inbox")

    # The link arrives in the reader's language at a real SMTP server.
    (message,) = mailbox.wait_for(1)
    assert message["Subject"] == words["subject"]
    link = re.search(r"https?://\S+/login/link/[\w-]+/", message.get_body(("plain",)).get_content())
    page.goto(link.group(0))
    check(page, f"{lang}-04-link")
    tab_to(page, words["continue"])
    page.keyboard.press("Enter")

    # Onboarding: HR's facts are shown, the rest takes a few clicks.
    expect(page.get_by_role("heading", name=words["welcome"])).to_be_visible()
    expect(page.get_by_text("Data Engineer")).to_be_visible()
    check(page, f"{lang}-05-onboarding", phone=True)
    page.get_by_label(words["german"], exact=True).check()
    page.get_by_label(words["interests"]).fill("chess, jazz")
    page.get_by_label(words["slot"]).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_role("heading", name=words["hello"])).to_be_visible()
    expect(page.get_by_role("heading", name=words["no_match"])).to_be_visible()
    check(page, f"{lang}-06-home-no-match")
    erin = Person.objects.get(pk=newcomer.pk)
    assert erin.onboarded_at is not None and "de" in erin.languages
    assert erin.interests == ["chess", "jazz"]
    assert {"weekday": 0, "start": "12:00", "end": "14:00"} in erin.availability
    assert Enrollment.objects.filter(person=erin, left_at__isnull=True).count() == 1

    # A round is published (built directly: the scheduler is another part's job).
    program = Enrollment.objects.get(person=erin).program
    match = make_match(
        [cast.chidi, erin], program=program, start=timezone.now() - timedelta(hours=1)
    )
    page.reload()
    expect(page.get_by_role("heading", name=words["meet"])).to_be_visible()
    expect(page.get_by_text(words["why"])).to_be_visible()
    check(page, f"{lang}-07-home-match", phone=True)

    # The calendar invitation downloads as an .ics file.
    with page.expect_download() as download:
        page.get_by_role("link", name=words["ics"]).click()
    ics = Path(download.value.path()).read_text()
    # A copy for one's own calendar (METHOD:PUBLISH): the members are named in the
    # description, whose long lines the file folds (RFC 5545), so read it unfolded.
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert "chidi@acme.test" in str(event["DESCRIPTION"])

    # Check in with the keyboard: a rating (arrow keys move within the radio group),
    # then "we met".
    tab_to(page, words["rating_first"])
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    tab_to(page, words["we_met"])
    page.keyboard.press("Enter")
    expect(page.get_by_text(words["thanks"])).to_be_visible()
    checkin = CheckIn.objects.get(member__match=match, member__person=erin)
    assert checkin.met and checkin.rating == 4

    # Chidi is now an encounter; keep in touch (htmx swaps the button in place).
    keep = page.get_by_role("button", name=words["keep"])
    keep.click()
    expect(page.get_by_role("button", name=words["keep"])).to_have_attribute("aria-pressed", "true")
    check(page, f"{lang}-08-home-after-check-in", phone=True)

    # Pause for a holiday.
    page.get_by_role("link", name=words["programs"]).click()
    check(page, f"{lang}-09-programs", phone=True)
    until = timezone.localdate() + timedelta(days=14)
    page.get_by_label(words["pause_until"]).fill(until.isoformat())
    page.get_by_role("button", name=words["pause"], exact=True).click()
    expect(page.get_by_text(words["paused"]).first).to_be_visible()
    check(page, f"{lang}-10-paused")
    assert Enrollment.objects.get(person=erin).paused_until == until


def test_the_other_participant_pages_are_accessible(page: Page, live_server, onboarded):
    """Preferences, the blocked list with results, a form with errors, the password
    page, stale links and a missing page: axe-core finds nothing serious."""
    from ..browser import sign_in

    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/login/password/")
    check(page, "en-password-sign-in")
    page.goto(live_server.url + "/login/link/forged/")
    expect(page.get_by_role("heading", name="We do not know this link")).to_be_visible()
    check(page, "en-link-forged", phone=True)
    sign_in(page.context, live_server.url, onboarded.bob.user)
    page.goto(live_server.url + "/preferences/")
    check(page, "en-preferences", phone=True)
    page.get_by_label("English", exact=True).uncheck()
    page.get_by_label("German", exact=True).uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Choose at least one language you can talk in.")).to_be_visible()
    check(page, "en-preferences-errors")
    page.goto(live_server.url + "/preferences/blocked/?q=ch")
    expect(page.get_by_text("Chidi Okafor", exact=True)).to_be_visible()
    check(page, "en-blocked", phone=True)
    page.get_by_role("button", name="Don’t pair me with Chidi Okafor").click()  # noqa: RUF001
    expect(page.get_by_text("You will not be paired with Chidi Okafor.")).to_be_visible()
    page.goto(live_server.url + "/no/such/page/")
    check(page, "en-not-found")
