"""The check-in link of an e-mail, followed in a real Chromium: one click records the
answer, the optional rating works with the keyboard, the pages are accessible."""

from datetime import date

import pytest
from playwright.sync_api import expect

from crosspaths.meetings.models import CheckIn
from crosspaths.meetings.tokens import checkin_token
from crosspaths.programs.models import Match, MatchMember, Program, Round

from ..browser import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(cast):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    rnd = Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 11, 2), status="published"
    )
    match = Match.objects.create(organization=cast.org, round=rnd, organizer=cast.chidi)
    MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=cast.chidi)
    return MatchMember.objects.create(
        organization=cast.org, match=match, round=rnd, person=cast.bob
    )


def test_the_page_confirms_the_link_by_itself_without_a_second_click(page, live_server, member):
    """Scripts off (as in a mail scanner): opening the link records nothing; the button does."""
    context = page.context.browser.new_context(java_script_enabled=False)
    scanner = context.new_page()
    scanner.goto(f"{live_server.url}/meet/c/{checkin_token(member.pk)}/missed/")
    assert not CheckIn.objects.exists()
    scanner.get_by_role("button", name="Yes, it did not happen").click()
    expect(scanner.get_by_role("heading", name="Thanks for letting us know.")).to_be_visible()
    assert CheckIn.objects.get(member=member).met is False
    context.close()


def test_we_met_then_a_rating_with_the_keyboard(page, live_server, member):
    page.goto(f"{live_server.url}/meet/c/{checkin_token(member.pk)}/met/")
    expect(page.get_by_role("heading", name="Thanks, Bob Brandt: glad you met!")).to_be_visible()
    assert CheckIn.objects.get(member=member).met is True
    assert_accessible(page)
    screenshot(page, "checkin-we-met")
    page.get_by_label("4 · good").check()
    page.get_by_label("Anything you would like to tell the organizers? (optional)").fill(
        "We talked about chess."
    )
    page.get_by_role("button", name="Send").press("Enter")
    expect(page.get_by_text("Your feedback is saved.")).to_be_visible()
    checkin = CheckIn.objects.get(member=member)
    assert (checkin.rating, checkin.comment) == (4, "We talked about chess.")


def test_it_did_not_happen_in_german(page, live_server, member, cast):
    cast.bob.language = "de"
    cast.bob.save()
    page.goto(f"{live_server.url}/meet/c/{checkin_token(member.pk)}/missed/")
    expect(page.get_by_role("heading", name="Danke für Ihre Rückmeldung.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert CheckIn.objects.get(member=member).met is False
    assert_accessible(page)
    screenshot(page, "checkin-missed-de")


def test_a_broken_link_is_a_friendly_page(page, live_server, member):
    response = page.goto(f"{live_server.url}/meet/c/{checkin_token(member.pk)}x/met/")
    assert response.status == 400
    expect(page.get_by_role("heading", name="This link does not work.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "checkin-broken-link")
