"""/api/v1/ check-in aggregates and insights figures: the dashboard's numbers, hidden
exactly where the dashboard hides them, never an individual answer."""

from __future__ import annotations

import pytest

from crosspaths.insights import figures
from crosspaths.insights.forms import period_for
from crosspaths.insights.services import insights_backfill

from ..insights import network

pytestmark = pytest.mark.django_db


@pytest.fixture
def net(cast):
    """The insights tests' known network, in Acme (rounds in January 2026)."""
    cast.org.min_cell_size = 3
    cast.org.save()
    built = network.build(cast.org)
    insights_backfill(organization=cast.org)
    return built


def test_a_rounds_checkins_are_counted_and_ratings_hidden_below_the_minimum(api, net):
    answer = api.get(f"/rounds/{net.r1.pk}/checkins")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    # r1: [f1 e1] met, [f2 f3] did not, [e2 l1] no answer, [e3 n1] met; 5 answers.
    assert body["shown"] and body["minimum"] == 3
    assert (body["groups"], body["happened"], body["not_happened"], body["unanswered"]) == (
        4,
        2,
        1,
        1,
    )
    assert body["answers"] == 5 and body["met_rate"] == pytest.approx(66.7)
    assert body["ratings"] is None  # two ratings: fewer than three


def test_everything_is_hidden_when_too_few_people_are_behind_it(api, net, cast):
    cast.org.min_cell_size = 20
    cast.org.save()
    body = api.get(f"/rounds/{net.r1.pk}/checkins").json()
    assert not body["shown"] and body["minimum"] == 20
    assert {body[k] for k in ("groups", "happened", "answers", "met_rate", "ratings")} == {None}
    program = api.get(f"/programs/{net.coffee.pk}/checkins", period="all").json()
    assert not program["shown"] and program["groups"] is None


def test_a_programs_checkins_are_the_dashboards_totals(api, net, cast):
    body = api.get(f"/programs/{net.coffee.pk}/checkins", period="12m").json()
    f = figures.Filters(
        organization=cast.org,
        program=net.coffee,
        location=None,
        period=period_for("12m", organization=cast.org),
        organization_wide=True,
        today=period_for("12m", organization=cast.org).end,
    )
    _b, _check, total = figures.round_totals(f)
    assert (body["groups"], body["happened"], body["answers"]) == (
        total.matches,
        total.happened,
        total.answers,
    )
    assert sum(total.ratings) == 2 and body["ratings"] is None  # two ratings: hidden
    lunch = api.get(f"/programs/{net.lunch.pk}/checkins", period="12m").json()
    assert lunch["groups"] == 1 and lunch["happened"] == 1
    assert api.get(f"/programs/{net.coffee.pk}/checkins", period="1999").status_code == 422


def test_the_insights_figures_are_the_dashboards(api, net, cast):
    answer = api.get("/insights", period="all")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    f = figures.Filters(
        organization=cast.org,
        program=None,
        location=None,
        period=period_for("all", organization=cast.org),
        organization_wide=True,
        today=period_for("all", organization=cast.org).end,
    )
    headline, shown = figures.dashboard(f)
    assert body["headline"]["groups"] == headline.groups
    assert [fig["slug"] for fig in body["figures"]] == [fig.slug for fig in shown]
    meetings = next(fig for fig in body["figures"] if fig["slug"] == "meetings")
    assert meetings["rows"] == [
        [c.isoformat() if hasattr(c, "isoformat") else c for c in row]
        for row in next(fig for fig in shown if fig.slug == "meetings").rows
    ]
    one = api.get("/insights/ratings", period="all", program_id=net.coffee.pk).json()
    assert one["slug"] == "ratings" and len(one["rows"]) == 5
    assert api.get("/insights/nope").status_code == 422
    assert api.get("/insights", program_id=10**9).json()["errors"][0]["field"] == "program_id"


def test_no_answer_of_a_person_is_in_any_answer(api, net):
    """Check-in comments and who answered what appear nowhere: only counts."""
    texts = [
        api.get(f"/rounds/{net.r1.pk}/checkins").content.decode(),
        api.get(f"/programs/{net.coffee.pk}/checkins", period="all").content.decode(),
        api.get("/insights/meetings", period="all").content.decode(),
    ]
    for text in texts:
        for person in ("F1@", "f1@known.test", '"F1"', "E3"):
            assert person not in text


def test_insights_need_the_insights_resource(cast, net):
    from crosspaths.api.keys import api_key_create

    from .conftest import ApiClient

    _key, raw = api_key_create(organization=cast.org, name="p", resources=["people"])
    assert ApiClient(raw).get(f"/rounds/{net.r1.pk}/checkins").status_code == 403
    assert ApiClient(raw).get("/insights").status_code == 403


def test_a_figure_with_nothing_stored_for_this_view_is_empty_not_missing(api, net):
    # pays-off needs a stored estimate (interaction counts collected and computed); a
    # known slug without one is an empty figure, an unknown slug is refused.
    answer = api.get("/insights/pays-off", period="all")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["slug"] == "pays-off" and body["empty"] is True
    assert body["rows"] == [] and body["charts"] == []
    assert api.get("/insights/no-such-figure").status_code == 422
