"""Every dashboard figure on the known network (tests/insights/network.py) against
numbers computed by hand, including what the small-group rule hides."""

from datetime import date

import pytest

from crosspaths.insights.figures import (
    Filters,
    connections_figure,
    cross_department_figure,
    dashboard,
    department_matrix_figure,
    meetings_figure,
    participation_figure,
    ratings_figure,
    reach_figure,
    silo_figure,
    waiting_figure,
)
from crosspaths.insights.periods import Period
from crosspaths.insights.services import insights_backfill
from crosspaths.insights.tally import ei_index

TODAY = date(2026, 1, 20)


@pytest.fixture
def aggregated(net):
    insights_backfill(organization=net.org, today=TODAY)
    return net


def filters(net, *, minimum=3, program=None, location=None, start=date(2026, 1, 1), end=TODAY):
    net.org.min_cell_size = minimum
    return Filters(
        organization=net.org,
        program=program,
        location=location,
        period=Period("x", start, end, "January"),
        organization_wide=True,
        today=TODAY,
    )


def test_the_e_i_index_is_external_minus_internal_over_their_sum():
    assert ei_index(4, 2) == pytest.approx(1 / 3)
    assert ei_index(0, 5) == -1 and ei_index(3, 0) == 1 and ei_index(0, 0) is None


def test_meetings_count_groups_met_rate_and_no_shows(aggregated):
    fig = meetings_figure(filters(aggregated))
    # weekly buckets: 29 Dec (empty), 5 Jan (r1 + r2), 12 Jan (r3), 19 Jan (empty)
    assert fig.rows == [["2026-01-05", 5, 3, 1, 1, 75.0], ["2026-01-12", 2, 0, 0, 2, None]]
    assert "7 groups; 3 met, 1 did not happen (no-shows), 3 without an answer" in fig.summary
    assert "75%" in fig.summary


def test_a_no_show_is_a_group_that_did_not_happen_not_an_answer(aggregated):
    # Two members of the one group that did not happen answered so: one no-show, and
    # no second count of "no-shows" beside "did not happen" to disagree with it.
    fig = meetings_figure(filters(aggregated))
    assert "no-show" in fig.explanation and "one group is one no-show" in fig.explanation
    assert "No-shows" not in fig.header and "2 no-shows" not in fig.summary


def test_ratings_are_a_distribution_only_when_enough_people_rated(aggregated):
    fig = ratings_figure(filters(aggregated, minimum=3))
    assert [row[1] for row in fig.rows] == [0, 0, 1, 1, 1]
    assert "on average 4.0 of 5" in fig.summary
    hidden = ratings_figure(filters(aggregated, minimum=4))  # only 3 ratings
    assert [row[1] for row in hidden.rows] == ["", "", "", "", ""] and hidden.hidden == 1


def test_new_connections_add_up_to_the_distinct_pairs(aggregated):
    fig = connections_figure(filters(aggregated))
    assert fig.rows == [["2026-01-05", 8, 8], ["2026-01-12", 2, 10]]
    later = connections_figure(filters(aggregated, start=date(2026, 1, 10)))
    assert later.rows == [["2026-01-12", 2, 10]]  # the running total counts earlier rounds


def test_cross_department_share_leaves_out_people_without_a_department(aggregated):
    fig = cross_department_figure(filters(aggregated))
    assert fig.rows == [["2026-01-05", 7, 2, 77.8], ["2026-01-12", 0, 2, 0.0]]
    assert "64%" in fig.summary  # 7 of 11 over the period


def test_the_heatmap_hides_small_departments_and_cells(aggregated):
    fig = department_matrix_figure(filters(aggregated, minimum=3))
    # Legal has one person (l1): hidden with every cell of it; Finance-Engineering has
    # f1 e1 e2 behind it, Engineering-Engineering e1 e2 e3 (never 3 in one round).
    assert fig.charts[0].labels == ["Engineering", "Finance"]
    assert fig.charts[0].matrix == [[2, 3], [3, 2]]
    assert "Legal" in fig.summary
    stricter = department_matrix_figure(filters(aggregated, minimum=4))
    assert stricter.charts[0].labels == []


def test_a_cell_with_too_few_people_is_hidden_not_zero(aggregated):
    f = filters(aggregated, minimum=3, start=date(2026, 1, 10))  # r3 only: f1-f2, e1-e3
    fig = department_matrix_figure(f)
    assert fig.charts[0].labels == []  # two people per department: none shown
    f = filters(aggregated, minimum=2, start=date(2026, 1, 10))
    fig = department_matrix_figure(f)
    assert fig.charts[0].matrix == [[1, 0], [0, 1]]  # one encounter each, none across


def test_the_silo_index_per_department_over_time(aggregated):
    fig = silo_figure(filters(aggregated, minimum=2))
    by_department = {s.label: s.values for s in fig.charts[0].series}
    # week of 5 Jan: Finance E=4 (f1-e1 twice, f1-e2, f1-l1) I=1 (f2-f3): 0.6
    #                Engineering E=6, I=1: 0.71; Legal (l1 alone) hidden at minimum 2
    # week of 12 Jan: Finance f1-f2 within: -1; Engineering e1-e3 within: -1
    assert by_department["Finance"][1:3] == [0.6, -1.0]
    assert by_department["Engineering"][1:3] == [0.71, -1.0]
    assert "Legal" not in by_department and "Legal" in fig.summary


def test_reach_is_a_histogram_as_of_the_periods_end(aggregated):
    fig = reach_figure(filters(aggregated, minimum=1))
    colleagues = [row[2] for row in fig.rows if row[0] == "Distinct colleagues met"]
    assert colleagues == [1, 2, 2, 4, 0, 0, 0, 0]
    hidden = reach_figure(filters(aggregated, minimum=3))
    colleagues = [row[2] for row in hidden.rows if row[0] == "Distinct colleagues met"]
    assert colleagues == ["", "", "", 4, 0, 0, 0, 0]  # bars of 1 and 2 people hidden
    before = reach_figure(filters(aggregated, minimum=1, end=date(2026, 1, 6)))
    assert [row[2] for row in before.rows if row[0] == "Distinct colleagues met"][:3] == [1, 8, 0]


def test_participation_of_the_organization_and_of_a_program(aggregated):
    org = participation_figure(filters(aggregated))
    assert org.rows[-1] == ["2026-01-12", 9, 9, 9, 0]
    lunch = participation_figure(filters(aggregated, program=aggregated.lunch))
    assert lunch.rows == [["2026-01-05", 5, 4, 0, 1]]


def test_a_location_filter_keeps_its_peoples_encounters(aggregated):
    fig = meetings_figure(filters(aggregated, minimum=1, location=aggregated.lisbon))
    assert sum(row[1] for row in fig.rows) == 4


def test_the_longest_waiting_come_first_with_their_reasons(aggregated):
    fig = waiting_figure(filters(aggregated))
    first = fig.people[:2]
    assert [p["name"] for p in first] == ["Z1", "F2"]  # z1 never matched; f2 never in lunch
    assert first[1]["program"] == "Lunch" and first[1]["left_out"] == 1
    assert first[1]["reason"] == "odd one out"
    assert fig.people[0]["weeks"] == 7  # joined 1 Dec 2025, today 20 Jan 2026


def test_paused_and_departed_people_are_not_waiting(aggregated):
    from crosspaths.programs.models import Enrollment

    Enrollment.objects.filter(person=aggregated.z1).update(paused_until=date(2026, 2, 1))
    aggregated.f2.active = False
    aggregated.f2.save()
    names = [p["name"] for p in waiting_figure(filters(aggregated)).people]
    assert "Z1" not in names and "F2" not in names


def test_the_dashboard_hides_everything_for_a_tiny_scope(aggregated):
    headline, figures = dashboard(filters(aggregated, minimum=50, location=aggregated.lisbon))
    assert not headline.shown
    meetings = next(f for f in figures if f.slug == "meetings")
    assert all(row[1:] == [""] * 5 for row in meetings.rows)
