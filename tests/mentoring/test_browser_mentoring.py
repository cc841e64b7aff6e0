"""Issue 16's mentoring "Done when", in a real Chromium: a mentor and a mentee join
(the mentee in German), the admin starts a cycle from the console, both see the pair
and get their introduction, a month later the mentee gets the nudge, answers it on the
mentoring page and the admin sees the answer. Pages are checked with axe-core and
photographed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect

from crosspaths.mentoring.models import Cycle, MentoringSettings, NudgeAnswer
from crosspaths.mentoring.services import cycles_run_due
from crosspaths.notify.services import outbox_dispatch
from crosspaths.programs.models import Program

from ..browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONTH_ONE = datetime(2026, 12, 28, 9, 0, tzinfo=UTC)  # a month after the start (26 Nov)


def check(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, name)


def _mails(mailbox, kind: str, to: str) -> list:  # type: ignore[no-untyped-def]
    return [
        m
        for m in mailbox.messages
        if str(m["X-Crosspaths-Message"]).startswith(kind) and to in str(m["To"])
    ]


@pytest.fixture
def program(onboarded):
    p = Program.objects.create(
        organization=onboarded.org,
        name="Cross-department mentoring",
        format=Program.Format.MENTORING,
        description="Three months with a colleague a few levels up, from another team.",
    )
    MentoringSettings.objects.create(organization=onboarded.org, program=p, gap_min=1, gap_max=3)
    return p


def test_mentor_and_mentee_join_a_cycle_pairs_them_and_the_nudge_is_answered(
    page: Page, live_server, mailbox, settings, onboarded, program
):
    cast = onboarded
    settings.SITE_URL = live_server.url
    cast.bob.language = "de"
    cast.bob.save()

    # Chidi (level 3) joins as a mentor for one mentee, from his programs page.
    sign_in(page.context, live_server.url, cast.chidi.user)
    page.goto(f"{live_server.url}/programs/")
    page.get_by_role("link", name="Mentor or mentee: your role and your pair").click()
    page.get_by_label("Mentor: I would like to mentor colleagues").check()
    page.get_by_label("As a mentor, I take at most").select_option("1")
    check(page, "mentoring-join-form")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("You take part as a mentor, for at most 1 mentee.")).to_be_visible()

    # Bob (level 2, Alice's report) joins as a mentee, in German.
    page.context.clear_cookies()
    sign_in(page.context, live_server.url, cast.bob.user)
    page.goto(f"{live_server.url}/mentoring/{program.pk}/")
    page.get_by_label("Mentee: Ich hätte gern einen Mentor").check()
    page.get_by_role("button", name="Mitmachen").click()
    expect(page.get_by_text("Du machst als Mentee mit.")).to_be_visible()

    # Alice (level 5, an admin, and Bob's manager) joins as a mentor too: never Bob's.
    page.context.clear_cookies()
    sign_in(page.context, live_server.url, cast.alice.user)
    page.goto(f"{live_server.url}/mentoring/{program.pk}/")
    page.get_by_label("Mentor: I would like to mentor colleagues").check()
    page.get_by_role("button", name="Join").click()
    # She starts the cycle from the console.
    page.goto(f"{live_server.url}/console/programs/{program.pk}/")
    page.get_by_role("link", name="Mentoring: settings, cycles and pairs").click()
    expect(page.get_by_text("Joined so far: 2 as mentors, 1 as mentees.")).to_be_visible()
    page.get_by_role("button", name="Start a cycle now").click()
    expect(page.get_by_text("The cycle started with 1 mentor-mentee pairs")).to_be_visible()
    pairs = page.get_by_role("table")
    expect(pairs.get_by_role("row", name="Chidi Okafor Bob Brandt")).to_be_visible()
    expect(page.get_by_text("Every mentee has a mentor.")).to_be_visible()
    check(page, "mentoring-console-cycle")

    # Both get their introduction with a calendar invitation.
    mailbox.wait_for(2)
    (to_bob,) = _mails(mailbox, "intro", cast.bob.email)
    assert "Chidi" in str(to_bob["Subject"])
    assert any(p.get_content_type() == "text/calendar" for p in to_bob.walk())
    assert _mails(mailbox, "intro", cast.chidi.email)

    # Chidi sees his mentee.
    page.context.clear_cookies()
    sign_in(page.context, live_server.url, cast.chidi.user)
    page.goto(f"{live_server.url}/mentoring/{program.pk}/")
    expect(page.get_by_text("Your mentee: Bob Brandt (People)")).to_be_visible()
    check(page, "mentoring-mentor-view")

    # A month later the daily job writes the nudge; it reaches Bob in German.
    with time_machine.travel(MONTH_ONE, tick=True):
        assert cycles_run_due() == 1
        assert cycles_run_due() == 0  # the scheduler's second run: nothing more
        outbox_dispatch()
        mailbox.wait_for(3)
        (nudge,) = _mails(mailbox, "mentoring", cast.bob.email)
        assert str(nudge["Subject"]) == "Cross-department mentoring: Monat 1 mit Chidi Okafor"
        text = nudge.get_body(preferencelist=("plain",)).get_content()
        link = f"{live_server.url}/mentoring/{program.pk}/"
        assert link in text

        # Bob follows the link, sees his mentor and the timeline, and answers.
        page.context.clear_cookies()
        sign_in(page.context, live_server.url, cast.bob.user)
        page.goto(link)
        expect(page.get_by_text("Dein Mentor: Chidi Okafor (Engineering)")).to_be_visible()
        expect(page.get_by_text("Habt ihr euch in Monat 1 getroffen?")).to_be_visible()
        check(page, "mentoring-mentee-view-de")
        page.get_by_role("button", name="Wir haben uns diesen Monat getroffen").click()
        expect(page.get_by_text("Danke, notiert.")).to_be_visible()
        expect(
            page.get_by_text("Deine Antwort für diesen Monat: ihr habt euch getroffen.")
        ).to_be_visible()
        cycle = Cycle.objects.get(program=program)
        assert list(NudgeAnswer.objects.filter(cycle=cycle).values_list("month", "met")) == [
            (1, True)
        ]

        # Alice sees the answer in the console.
        page.context.clear_cookies()
        sign_in(page.context, live_server.url, cast.alice.user)
        page.goto(f"{live_server.url}/console/mentoring/{program.pk}/")
        row = page.get_by_role("row", name="Chidi Okafor Bob Brandt")
        expect(row.get_by_role("cell", name="met", exact=True)).to_be_visible()
        check(page, "mentoring-console-answered")
