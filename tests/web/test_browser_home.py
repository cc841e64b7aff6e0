"""The sign-in and home pages in a real Chromium: keyboard-usable, accessible, German."""

import pytest
from playwright.sync_api import expect

from ..browser import assert_accessible, screenshot
from ..cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_signs_in_with_the_keyboard_and_sees_their_home(page, live_server, cast):
    page.goto(live_server.url + "/")
    assert_accessible(page)
    screenshot(page, "welcome")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("E-mail").fill("bob@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hello, Bob Brandt")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home-signed-in")


def test_the_language_switcher_turns_the_page_german(page, live_server, cast):
    page.goto(live_server.url + "/login/")
    page.get_by_label("Language").select_option("de")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert_accessible(page)
    screenshot(page, "login-de")
