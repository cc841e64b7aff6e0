"""The key check of "does it pay off?": on synthetic interactions with a known effect of
meeting, the stored estimate recovers it within its interval; with no effect planted,
the interval covers "no difference"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crosspaths.collaboration.services import collaboration_configure, payoff_compute
from crosspaths.collaboration.synthetic import synthetic_interactions

from .world import build

FIRST_ROUND = date(2026, 7, 6)  # a Monday; six weekly rounds, the last on 10 Aug
WEEKS = 6
GENEROUS = {"tie_within": 0.5, "tie_across": 0.25, "mean_rate": 1.0}


def planted(uplift: float, *, slug: str, seed: int = 7):
    org = build(first_round=FIRST_ROUND, slug=slug)
    collaboration_configure(organization=org, enabled=True, weeks_after=WEEKS)
    synthetic_interactions(
        organization=org,
        first_week=FIRST_ROUND - timedelta(weeks=WEEKS),
        last_week=FIRST_ROUND + timedelta(weeks=5 + WEEKS),
        weeks_after=WEEKS,
        uplift=uplift,
        seed=seed,
        **GENEROUS,
    )
    return payoff_compute(organization=org)


@pytest.mark.django_db
@pytest.mark.parametrize("uplift", [2.0, 1.5])
def test_it_recovers_a_planted_effect_within_its_interval(uplift):
    est = planted(uplift, slug=f"planted-{int(uplift * 10)}")
    assert est.shown
    assert est.rounds == 6
    assert est.pairs > 300
    assert est.comparison_pairs >= 4 * est.pairs
    assert est.low < uplift < est.high, (est.low, est.uplift, est.high)
    assert est.low > 1  # and the effect is told apart from none
    assert est.difference_low > 0


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [7, 8])
def test_it_finds_no_effect_when_none_was_planted(seed):
    est = planted(1.0, slug=f"none-{seed}", seed=seed)
    assert est.shown and est.pairs > 300
    assert est.low < 1 < est.high, (est.low, est.uplift, est.high)
    assert est.difference_low < 0 < est.difference_high
