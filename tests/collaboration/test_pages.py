"""The pages: "Does it pay off?" under insights (admins only, a stored figure), its CSV,
the plain-language "what is collected" page with the opt-out, and the admin's switch."""

# The multiplication sign and the en dash are what the page shows.
# ruff: noqa: RUF001

from __future__ import annotations

import csv
import io

import pytest

from crosspaths.clock import now
from crosspaths.collaboration.models import CollaborationOptOut, Interaction, PayoffEstimate
from crosspaths.collaboration.services import collaboration_configure, collaboration_settings


def stored(org, **fields):
    values = {
        "computed_at": now(),
        "weeks_after": 8,
        "pairs": 4210,
        "comparison_pairs": 20_050,
        "rounds": 12,
        "shown": True,
        "uplift": 2.1,
        "low": 1.7,
        "high": 2.6,
        "difference": 3.4,
        "difference_low": 2.8,
        "difference_high": 4.0,
        "departments": [
            {
                "departments": ["Engineering", "People"],
                "pairs": 40,
                "uplift": 1.9,
                "low": 1.2,
                "high": 3.1,
                "difference": 2.0,
            }
        ],
        "trend": [
            {"month": "2026-09-01", "cross": 300, "within": 700, "share": 30.0},
            {"month": "2026-10-01", "cross": None, "within": None, "share": None},
            {"month": "2026-11-01", "cross": 380, "within": 620, "share": 38.0},
        ],
    }
    return PayoffEstimate.objects.create(organization=org, **{**values, **fields})


@pytest.fixture
def enabled(cast):
    collaboration_configure(organization=cast.org, enabled=True)
    return cast


def test_the_page_says_the_uplift_in_plain_words(enabled, client):
    stored(enabled.org)
    client.force_login(enabled.alice.user)
    page = client.get("/insights/pays-off/").content.decode()
    assert (
        "Colleagues who met exchanged 2.1× as many messages and other interactions in the "
        "following 8 weeks as comparable colleagues who had not met (95 % interval "
        "1.7×–2.6×, 4,210 pairs)."
    ) in page
    assert "Engineering · People" in page
    assert "30.0% of all interactions crossed departments in Sep 2026, 38.0% in Nov 2026." in page
    assert "<svg" in page
    assert "How this is measured" in page


def test_it_is_in_german_for_a_german_reader(enabled, client):
    stored(enabled.org)
    client.force_login(enabled.alice.user)
    page = client.get("/insights/pays-off/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Zahlt es sich aus?" in page
    assert "2,1×" in page


def test_too_few_pairs_show_no_figure(enabled, client):
    stored(enabled.org, shown=False, pairs=7, uplift=None, departments=[])
    client.force_login(enabled.alice.user)
    page = client.get("/insights/pays-off/").content.decode()
    assert "Not enough pairs yet" in page and "2.1×" not in page


def test_only_admins_see_it(enabled, client):
    stored(enabled.org)
    for person in (enabled.bob, enabled.chidi):
        client.force_login(person.user)
        assert client.get("/insights/pays-off/").status_code == 403
        assert client.get("/insights/pays-off/numbers.csv").status_code == 403


def test_while_off_it_points_to_what_would_be_collected(cast, client):
    client.force_login(cast.alice.user)
    page = client.get("/insights/pays-off/").content.decode()
    assert "Your organization does not collect them." in page


def test_compute_now_stores_an_estimate(enabled, client):
    client.force_login(enabled.alice.user)
    response = client.post("/insights/pays-off/")
    assert response.status_code == 302
    estimate = PayoffEstimate.objects.get(organization=enabled.org)  # immediate backend
    assert estimate.pairs == 0 and not estimate.shown


def test_the_csv_has_the_estimate_the_department_pairs_and_the_months(enabled, client):
    stored(enabled.org)
    client.force_login(enabled.alice.user)
    response = client.get("/insights/pays-off/numbers.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][:6] == ["overall", "", "4210", "2.1", "1.7", "2.6"]
    assert rows[2][:4] == ["department pair", "Engineering · People", "40", "1.9"]
    assert rows[4] == ["month", "2026-10-01", "", "", "", "", "", ""]  # hidden month


def test_everyone_can_read_what_is_collected_and_opt_out(enabled, client):
    a, b = sorted((enabled.bob.pk, enabled.chidi.pk))
    Interaction.objects.create(
        organization=enabled.org,
        period_start="2026-11-16",
        person_a_id=a,
        person_b_id=b,
        channel="chat",
        count=4,
    )
    client.force_login(enabled.bob.user)
    page = client.get("/collaboration/").content.decode()
    assert "Counts only: never the content" in page
    assert "Chat: 4" in page
    client.post("/collaboration/opt-out/", {"choice": "out"})
    assert CollaborationOptOut.objects.filter(person=enabled.bob).exists()
    assert not Interaction.objects.exists()
    client.post("/collaboration/opt-out/", {"choice": "in"})
    assert not CollaborationOptOut.objects.exists()


def test_only_an_admin_switches_it_and_off_needs_the_word(cast, client):
    client.force_login(cast.bob.user)
    assert client.post("/collaboration/settings/", {"enabled": "1"}).status_code == 403
    client.force_login(cast.alice.user)
    client.post("/collaboration/settings/", {"enabled": "1"})
    assert collaboration_settings(cast.org).enabled
    client.post("/collaboration/settings/", {"confirm": "nope"})
    assert collaboration_settings(cast.org).enabled
    client.post("/collaboration/settings/", {"confirm": "off"})
    assert not collaboration_settings(cast.org).enabled
