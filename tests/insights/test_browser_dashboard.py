"""The insights dashboard on the demo organization in a real Chromium: charts drawn,
filters work from the keyboard, CSV and PDF download, no serious accessibility issue."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from crosspaths.demo.loader import load_demo_organization
from crosspaths.insights.services import insights_backfill

from ..browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    org = load_demo_organization(people=300, past_rounds=8, today=date.today())
    insights_backfill(organization=org)
    return org


def test_an_admin_sees_the_demo_organizations_network_growing(page, live_server, demo):
    alice = get_user_model().objects.get(username="alice@demo.crosspaths.test")
    sign_in(page.context, live_server.url, alice)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/insights/")
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    for name in ("Meetings that happened", "Who meets whom", "Silo index per department"):
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_role("img", name="Who meets whom")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "insights-dashboard")

    page.get_by_label("Location").select_option(label="Lisbon")
    page.get_by_label("Period").select_option("3m")
    page.get_by_role("button", name="Show").press("Enter")
    expect(page).to_have_url(re.compile(r"location=\d+"))
    expect(page.get_by_label("Location")).to_have_value(str(demo.locations.get(name="Lisbon").pk))
    assert_accessible(page)
    screenshot(page, "insights-dashboard-lisbon")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"CSV.*Who meets whom")).click()
    assert download.value.suggested_filename == "crosspaths-departments-3m.csv"


def test_the_dashboard_reads_well_on_a_phone(page, live_server, demo):
    alice = get_user_model().objects.get(username="alice@demo.crosspaths.test")
    sign_in(page.context, live_server.url, alice)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/insights/")
    expect(page.get_by_role("heading", name="Who meets whom")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "insights-dashboard-phone")


def test_the_dashboard_speaks_german(page, live_server, demo):
    alice = get_user_model().objects.get(username="alice@demo.crosspaths.test")
    sign_in(page.context, live_server.url, alice)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/insights/")
    page.get_by_label("Language").select_option("de")
    expect(page.get_by_role("heading", name="Auswertungen", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Wer trifft wen")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "insights-dashboard-de")
