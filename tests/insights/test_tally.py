"""The pure counting rules: pairs, outcomes, histograms, and the small-group check."""

import pytest

from crosspaths.insights.privacy import enough_people
from crosspaths.insights.tally import (
    COLLEAGUE_BARS,
    Answer,
    bar_of,
    group_outcome,
    histogram,
    pairs_of,
    tally_round,
)


def test_a_group_of_four_makes_six_ordered_pairs():
    assert pairs_of([9, 3, 5, 1]) == [(1, 3), (1, 5), (1, 9), (3, 5), (3, 9), (5, 9)]
    assert pairs_of([4]) == [] and pairs_of([2, 2]) == []


def test_a_group_happened_when_anyone_said_we_met():
    assert group_outcome([False, True]) == "happened"
    assert group_outcome([False, False]) == "not_happened"
    assert group_outcome([]) == "unanswered"


def test_histogram_bars_cover_every_value_once():
    assert [bar_of(v, COLLEAGUE_BARS) for v in (0, 1, 2, 3, 5, 6, 10, 11, 20, 21, 50, 51, 999)] == [
        0,
        1,
        2,
        3,
        3,
        6,
        6,
        11,
        11,
        21,
        21,
        51,
        51,
    ]
    assert histogram([0, 4, 4, 60], COLLEAGUE_BARS) == {
        0: 1,
        1: 0,
        2: 0,
        3: 2,
        6: 0,
        11: 0,
        21: 0,
        51: 1,
    }
    with pytest.raises(ValueError):
        bar_of(-1, COLLEAGUE_BARS)


def test_a_cross_location_pair_counts_in_both_locations_and_once_overall():
    scopes = tally_round(
        groups={1: [10, 20]},
        answers={1: [Answer(met=True, rating=5)]},
        department={10: 1, 20: 2},
        location={10: 100, 20: 200},
        new_pairs={(10, 20)},
    )
    assert set(scopes) == {None, 100, 200}
    assert all(s.encounters == 1 and s.new_connections_met == 1 for s in scopes.values())
    assert scopes[None].cells[(1, 2)].people == {10, 20}
    assert scopes[None].departments[1].external == 1 and scopes[None].departments[1].people == {10}


def test_enough_people_counts_distinct_people_across_small_rows():
    assert enough_people([(2, [1, 2]), (2, [2, 3])], 3)
    assert not enough_people([(2, [1, 2]), (2, [1, 2])], 3)
    assert enough_people([(7, []), (1, [1])], 5)  # one big row is enough
    assert not enough_people([], 2) and enough_people([], 1)


def test_a_row_too_big_to_keep_ids_but_below_a_huge_threshold_hides():
    assert not enough_people([(60, []), (60, [])], 100)
