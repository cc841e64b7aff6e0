"""Drafts under control in a real Chromium (issue 12, point 6): the overview tells the
last published round from the next one, a draft runs again through the progress page
and replaces itself, and Discard removes it. Pages are checked with axe-core and
photographed at desktop and phone width."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from playwright.sync_api import expect

from crosspaths.programs.models import Program, Round
from crosspaths.programs.services import round_preview

from ..browser import assert_accessible, screenshot, sign_in
from ..programs.crowd import crowd, enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ON = date(2026, 11, 30)


def check(page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"console-{name}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    screenshot(page, f"console-{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_admin_runs_a_draft_again_and_discards_it(page, live_server, cast):
    program = Program.objects.create(
        organization=cast.org,
        name="Coffee roulette",
        format="virtual_coffee",
        weekday=0,
        time=time(9),
        starts_on=date(2026, 11, 2),
        requires_review=True,
    )
    enroll(program, crowd(cast.org, 6))
    Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 11, 23), status="published"
    )
    draft = round_preview(program=program, on=ON)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page.context, live_server.url, cast.alice.user)

    page.goto(live_server.url + "/console/")
    row = page.get_by_role("row", name=re.compile("Coffee roulette"))
    expect(row).to_contain_text("Nov. 23, 2026")  # last published
    expect(row).to_contain_text("Nov. 30, 2026")  # next scheduled
    check(page, "dashboard-last-and-next")

    page.goto(f"{live_server.url}/console/rounds/{draft.pk}/")
    expect(page.get_by_role("button", name="Discard this draft")).to_be_visible()
    check(page, "draft-start-over")
    page.get_by_role("button", name="Run the matching again").click()
    # The immediate task backend runs the job at once; the page goes on to the new draft.
    expect(page.get_by_role("heading", name=re.compile("Coffee roulette on"))).to_be_visible()
    (new,) = Round.objects.filter(program=program, status="draft")
    assert new.pk != draft.pk
    page.get_by_role("button", name="Discard this draft").click()
    expect(page.get_by_text("is discarded; nobody was told anything")).to_be_visible()
    assert not Round.objects.filter(program=program, status="draft").exists()
