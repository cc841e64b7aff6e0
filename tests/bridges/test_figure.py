"""The insights figure of team bridges: coverage per bridge, pairs first met in the
period, hidden below the organization's smallest group, and only for a program
manager's own bridge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine

from crosspaths.api.keys import api_key_create
from crosspaths.bridges.services import bridge_create
from crosspaths.insights.figures import FIGURES, Filters, bridges_figure, dashboard
from crosspaths.insights.periods import Period
from crosspaths.programs.models import Program
from crosspaths.programs.services import round_draft, round_publish
from tests.api.conftest import ApiClient
from tests.cast import PASSWORD

MONDAY = date(2026, 11, 30)


def _filters(cast, *, minimum=5, program=None, wide=True, start=MONDAY, end=date(2026, 12, 31)):  # type: ignore[no-untyped-def]
    cast.org.min_cell_size = minimum
    return Filters(
        organization=cast.org,
        program=program,
        location=None,
        period=Period("x", start, end, "December"),
        organization_wide=wide,
        today=end,
    )


def _bridge_with_rounds(cast, teams, weeks):  # type: ignore[no-untyped-def]
    platform, support, _b, _s = teams
    bridge = bridge_create(
        actor=cast.alice,
        organization=cast.org,
        name="Berlin meets Singapore",
        teams=[platform, support],
        cadence=Program.Cadence.WEEKLY,
        starts_on=MONDAY,
    )
    for week in range(weeks):
        day = MONDAY + timedelta(weeks=week)
        with time_machine.travel(datetime(day.year, day.month, day.day, 8, tzinfo=UTC)):
            round_publish(round=round_draft(program=bridge.program, on=day))
    return bridge


def test_it_shows_each_bridges_coverage_and_the_pairs_first_met_in_the_period(cast, teams):
    bridge = _bridge_with_rounds(cast, teams, 2)
    fig = bridges_figure(_filters(cast))
    assert fig is not None
    assert fig.rows == [["Berlin meets Singapore", 6, 9, 4, 44.4, 4]]
    assert "4 of 9 cross-team pairs met (44%)" in fig.summary
    # Only the second round's pairs were new in a period starting after the first.
    later = bridges_figure(_filters(cast, start=MONDAY + timedelta(days=1)))
    assert later is not None and later.rows[0][5] == 2
    assert FIGURES["bridges"] is bridges_figure
    _headline, figures = dashboard(_filters(cast, program=bridge.program))
    assert "bridges" in [f.slug for f in figures]


def test_a_bridge_with_fewer_people_than_the_smallest_group_is_hidden(cast, teams):
    _bridge_with_rounds(cast, teams, 1)
    fig = bridges_figure(_filters(cast, minimum=7))
    assert fig is not None
    assert (fig.rows, fig.hidden, fig.empty) == ([], 1, True)
    assert fig.summary == "Not enough people in these bridges to show."


def test_a_program_manager_without_a_bridge_program_chosen_sees_no_bridge_figure(cast, teams):
    _bridge_with_rounds(cast, teams, 1)
    assert bridges_figure(_filters(cast, wide=False)) is None
    coffee = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    assert bridges_figure(_filters(cast, program=coffee, wide=False)) is None


def test_the_api_serves_the_bridges_figure_by_its_slug(cast, teams):
    _bridge_with_rounds(cast, teams, 1)
    cast.org.min_cell_size = 5
    cast.org.save()
    _key, raw = api_key_create(organization=cast.org, name="Dashboards", scope="read")
    answer = ApiClient(raw).get("/insights/bridges", period="2026-q4")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["slug"] == "bridges"
    assert body["rows"] == [["Berlin meets Singapore", 6, 9, 2, 22.2, 2]]


def test_the_dashboard_shows_the_bridges_figure_with_its_numbers(client, cast, teams):
    _bridge_with_rounds(cast, teams, 1)
    cast.org.min_cell_size = 5
    cast.org.save()
    assert client.login(username=cast.alice.user.username, password=PASSWORD)
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC)):  # after the round
        page = client.get("/insights/")
    assert page.status_code == 200
    body = page.content.decode()
    assert '<h2 id="bridges-title">Team bridges</h2>' in body
    assert "Berlin meets Singapore: 2 of 9 cross-team pairs met (22%)" in body
    assert "<td>Berlin meets Singapore</td><td>6</td><td>9</td><td>2</td><td>22.2</td>" in body
