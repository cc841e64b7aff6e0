"""Team bridges in a real Chromium: an admin builds a bridge between Berlin and
Singapore in the console, previews and publishes a round, the members get their
introductions (naming the bridge and the partner's hours in their zone) and see the
bridge on their home page, and the console shows the coverage. Pages are checked with
axe-core and photographed (artifacts/screenshots/bridge-*.png)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from crosspaths.bridges.models import Bridge
from crosspaths.people.models import Person
from crosspaths.programs.models import MatchMember, Round

from ..browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"bridge-{name}")


def test_an_admin_builds_a_bridge_and_its_members_meet_across_it(
    page: Page, live_server, mailbox, settings, cast, teams
):
    settings.SITE_URL = live_server.url
    Person.objects.filter(organization=cast.org).update(onboarded_at=timezone.now())
    _platform, _support, berlin, singapore = teams
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page.context, live_server.url, cast.alice.user)

    # 1. The console: build the bridge in plain language.
    page.goto(f"{live_server.url}/console/bridges/")
    check(page, "list-empty")
    page.get_by_role("link", name="Build a bridge").click()
    page.get_by_label("Name").fill("Berlin meets Singapore")
    page.get_by_label("Platform").check()
    page.get_by_label("Support").check()
    page.get_by_label("Every week").check()
    page.get_by_label("First round on or after").fill("2026-11-26")
    check(page, "form")
    page.get_by_role("button", name="Build the bridge").click()
    expect(page.get_by_role("heading", name="Berlin meets Singapore")).to_be_visible()
    expect(page.get_by_test_id("coverage")).to_have_text(
        "0 % of the cross-team pairs have met (0 of 9)."
    )
    expect(page.get_by_test_id("unreachable")).to_contain_text("Kiri Ngata")
    check(page, "new")
    bridge = Bridge.objects.get()

    # 2. A round: preview, then publish.
    page.get_by_label("Round date").fill("2026-11-30")
    page.get_by_role("button", name="Preview the round").click()
    expect(page.get_by_role("heading", name="Change the groups by hand")).to_be_visible()
    rnd = Round.objects.get(program=bridge.program)
    check(page, "round-draft")
    page.get_by_role("button", name="Publish this round").click()
    expect(page.get_by_text("Published: everyone in a group gets")).to_be_visible()
    intros = [
        m for m in mailbox.wait_for(4 + 6) if str(m["X-Crosspaths-Message"]).startswith("intro:")
    ]
    assert len(intros) == 4

    # 3. Sam reads the introduction and sees the bridge on the home page.
    sam = singapore[0]
    [match_id] = MatchMember.objects.filter(round=rnd, person=sam).values_list(
        "match_id", flat=True
    )
    [partner_id] = (
        MatchMember.objects.filter(match_id=match_id)
        .exclude(person=sam)
        .values_list("person_id", flat=True)
    )
    partner = next(p for p in berlin if p.pk == partner_id)
    [to_sam] = [m for m in intros if "sam@acme.test" in str(m["To"])]
    text = to_sam.get_body(preferencelist=("plain",)).get_content().replace("\n", " ")
    assert "Berlin meets Singapore is a team bridge" in text
    assert f"{partner.name} (Platform) works 09:00-17:00 in Europe/Berlin" in text
    page.context.clear_cookies()
    sign_in(page.context, live_server.url, sam.user)
    page.goto(live_server.url + "/")
    card = page.locator("section.bridge")
    expect(card).to_contain_text("You (Support) meet colleagues of Platform")
    expect(page.get_by_test_id("bridge-progress")).to_contain_text("You have met 1 of 3.")
    expect(page.get_by_text(partner.name).first).to_be_visible()
    check(page, "member-home")

    # 4. Back in the console: the coverage has moved.
    page.context.clear_cookies()
    sign_in(page.context, live_server.url, cast.alice.user)
    page.goto(f"{live_server.url}/console/bridges/{bridge.pk}/")
    expect(page.get_by_test_id("coverage")).to_have_text(
        "22 % of the cross-team pairs have met (2 of 9)."
    )
    expect(page.get_by_role("cell", name="2 / 9")).to_be_visible()
    check(page, "coverage")


def test_in_german_a_member_sees_the_bridge_and_the_console_its_coverage(
    page: Page, live_server, settings, cast, teams
):
    from datetime import UTC, date, datetime

    import time_machine

    from crosspaths.bridges.services import bridge_create
    from crosspaths.programs.services import round_draft, round_publish

    settings.SITE_URL = live_server.url
    Person.objects.filter(organization=cast.org).update(onboarded_at=timezone.now(), language="de")
    platform, support, _berlin, singapore = teams
    bridge = bridge_create(
        actor=cast.alice,
        organization=cast.org,
        name="Berlin trifft Singapur",
        teams=[platform, support],
        starts_on=date(2026, 11, 26),
    )
    with time_machine.travel(datetime(2026, 11, 30, 8, tzinfo=UTC), tick=False):
        round_publish(round=round_draft(program=bridge.program, on=date(2026, 11, 30)))
    page.set_viewport_size({"width": 390, "height": 844})
    siti = Person.objects.get(pk=singapore[1].pk)
    sign_in(page.context, live_server.url, siti.user)
    page.goto(live_server.url + "/")
    expect(page.locator("section.bridge")).to_contain_text(
        "Sie (Support) treffen Kolleginnen und Kollegen aus Platform"
    )
    expect(page.get_by_test_id("bridge-progress")).to_contain_text("Sie haben 1 von 3 getroffen.")
    expect(
        page.get_by_text("Sie treffen sich über die Team-Brücke zwischen Platform und Support.")
    ).to_be_visible()
    check(page, "de-member-home-phone")
    page.context.clear_cookies()
    sign_in(page.context, live_server.url, Person.objects.get(pk=cast.alice.pk).user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/console/bridges/{bridge.pk}/")
    expect(page.get_by_test_id("coverage")).to_have_text(
        "22 % der teamübergreifenden Paare haben sich getroffen (2 von 9)."
    )
    expect(page.get_by_test_id("unreachable")).to_contain_text("Kiri Ngata (Support)")
    expect(page.get_by_label("Datum der Runde")).to_have_value("2026-11-26")
    check(page, "de-coverage")
