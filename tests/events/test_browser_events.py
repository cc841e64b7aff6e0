"""An HR admin plans an event in a real Chromium: creates it, seats everyone, sees the
plan and downloads the printable table plan; a participant then sees their tables on
the home page. Every page is checked with axe-core and photographed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crosspaths.events.models import Event, Seat

from ..browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"events-{name}")


def test_an_admin_creates_an_event_seats_everyone_and_downloads_the_plan(
    page, live_server, cast, crowd, tmp_path
):
    sign_in(page.context, live_server.url, cast.alice.user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/console/")
    page.get_by_role("link", name="Events").click()
    expect(page.get_by_role("heading", name="Events", exact=True)).to_be_visible()
    check(page, "list-empty")

    page.get_by_role("link", name="Plan an event").click()
    page.get_by_label("Name").fill("Winter offsite")
    page.get_by_label("Date").fill("2026-12-10")
    page.get_by_label("Everyone in the organization").check()
    page.get_by_label("People per table").fill("6")
    page.get_by_label("Rounds").fill("3")
    check(page, "form")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("heading", name="Winter offsite")).to_be_visible()
    expect(page.get_by_text("36 people attend right now.")).to_be_visible()

    page.get_by_role("button", name="Seat everyone").click()
    expect(page.get_by_text("36 people seated at 6 tables for 3 rounds.")).to_be_visible()
    expect(page.get_by_text("0 pairs sit together more than once")).to_be_visible()
    expect(page.get_by_role("heading", name="Round 3")).to_be_visible()
    check(page, "plan")
    event = Event.objects.get(name="Winter offsite")
    assert Seat.objects.filter(event=event).count() == 36 * 3

    with page.expect_download() as download:
        page.get_by_role("link", name="Table plan and cards (PDF)").click()
    assert re.fullmatch(r"crosspaths-event-2026-12-10-\d+\.pdf", download.value.suggested_filename)
    path = tmp_path / "plan.pdf"
    download.value.save_as(path)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 3 + 4  # 3 rounds, 36 cards

    page.context.clear_cookies()
    sign_in(page.context, live_server.url, cast.bob.user)
    page.goto(live_server.url + "/")
    card = page.get_by_role("region", name="Your tables at Winter offsite")
    expect(card).to_be_visible()
    expect(card.get_by_role("listitem")).to_have_count(3)
    for seat in Seat.objects.filter(event=event, person=cast.bob):
        expect(card.get_by_text(f"Round {seat.rotation}: table {seat.table}")).to_be_visible()
    check(page, "home")
