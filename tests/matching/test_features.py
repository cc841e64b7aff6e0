"""The array encodings every rule and score is computed from."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from crosspaths.matching import PastGroup, Rules, Weights
from crosspaths.matching.features import (
    build_cohort,
    contains,
    pair_keys,
    pair_scores,
    sorted_unique,
    utc_offset_minutes,
)
from crosspaths.matching.rules import pair_ok

from .helpers import ALICE, BOB, CHIDI, ON, person


@given(st.lists(st.integers(0, 10**12)))
def test_sort_and_compare_dedup_matches_numpy_unique(values):  # type: ignore[no-untyped-def]
    arr = np.asarray(values, dtype=np.int64)
    assert sorted_unique(arr).tolist() == np.unique(arr).tolist()
    assert contains(sorted_unique(arr), arr).all()


def test_pair_keys_ignore_order():
    a = np.array([1, 5, 3])
    b = np.array([5, 1, 7])
    assert pair_keys(a, b, 10).tolist() == [15, 15, 37]


def test_utc_offsets_follow_daylight_saving_on_the_round_date():
    assert utc_offset_minutes("Europe/Berlin", date(2025, 7, 1)) == 120
    assert utc_offset_minutes("Europe/Berlin", date(2025, 12, 1)) == 60
    assert utc_offset_minutes("Asia/Kolkata", ON) == 330


def test_new_york_and_tokyo_share_no_working_hour_but_berlin_and_new_york_do():
    people = [
        person("ny", timezone="America/New_York"),
        person("tk", timezone="Asia/Tokyo"),
        person("be", timezone="Europe/Berlin"),
    ]
    c = build_cohort(people, rules=Rules(), weights=Weights(), on=ON)
    i = np.array([0, 0, 1])
    j = np.array([1, 2, 2])
    assert pair_ok(c, i, j).tolist() == [False, True, False]
    # In person, time zones do not matter (only the location does).
    c = build_cohort(people, rules=Rules(mode="in-person"), weights=Weights(), on=ON)
    assert pair_ok(c, i, j).all()


def test_people_without_languages_or_time_zone_are_not_restricted_by_them():
    people = [person("x", languages=frozenset(), timezone=""), person("tk", timezone="Asia/Tokyo",
              languages=frozenset({"ja"}))]  # fmt: skip
    c = build_cohort(people, rules=Rules(), weights=Weights(), on=ON)
    assert pair_ok(c, np.array([0]), np.array([1])).tolist() == [True]


def test_it_scores_pairs_by_the_weights():
    c = build_cohort([ALICE, BOB, CHIDI], rules=Rules(), weights=Weights(), on=ON)
    i, j = np.array([0, 1]), np.array([2, 2])
    # Alice-Chidi: department 10 + never met 5 + team 2 + levels 5 and 4 close 1.5.
    # Bob-Chidi: the same (levels 3 and 4).
    assert pair_scores(c, i, j).tolist() == [18.5, 18.5]


def test_only_history_within_the_cooldown_forbids_a_pair():
    people = [person("a"), person("b"), person("c")]
    history = [
        PastGroup(ON - timedelta(weeks=2), ("a", "b")),
        PastGroup(ON - timedelta(weeks=20), ("a", "c")),
        PastGroup(ON + timedelta(weeks=1), ("b", "c")),  # a future round does not count
    ]
    c = build_cohort(people, history=history, rules=Rules(), weights=Weights(), on=ON)
    i, j = np.array([0, 0, 1]), np.array([1, 2, 2])
    assert pair_ok(c, i, j).tolist() == [False, True, True]
    assert contains(c.met_keys, pair_keys(i, j, 3)).tolist() == [True, True, False]


def test_contains_gives_the_same_membership_for_many_keys_in_any_order_and_shape():
    """Many keys are sorted before the search (faster on a large history): the answer
    is the one an element-by-element look-up gives, in the keys' own order and shape."""
    import numpy as np

    from crosspaths.matching.features import contains

    rng = np.random.default_rng(3)
    stored = np.unique(rng.integers(0, 5000, 1500))
    for shape in ((10,), (1000,), (40, 30)):
        keys = rng.integers(-5, 5010, shape)
        expected = np.isin(keys, stored)
        assert contains(stored, keys).shape == shape
        assert (contains(stored, keys) == expected).all()
