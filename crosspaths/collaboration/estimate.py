"""The difference-in-differences estimate of "does meeting change collaboration?",
with a bootstrap interval. Plain NumPy over arrays, no Django: the tests plant an
effect in synthetic arrays and check it comes back.

Each *cluster* is one pair that met plus its comparison pairs (comparable colleagues
eligible in the same round who were not matched with each other). Per cluster we know
the interactions in the W weeks before the round and the W weeks from the round on,
for the pair that met and (averaged) for its comparison pairs.

Difference in differences: how much more the pairs that met changed than their
comparison pairs did, ``d = mean(t_after - t_before) - mean(c_after - c_before)``.
The *uplift* says the same as a ratio people read easily: what the pairs that met
exchanged afterwards over what they would have exchanged without meeting (the
comparison pairs' "after" shifted by how differently the two groups started),
``mean(t_after) / (mean(t_after) - d)``. A ratio over a shift rather than a ratio of
ratios, because most pairs across departments start at zero.

The interval resamples clusters with replacement (a pair that met keeps its
comparison pairs), percentiles 2.5 and 97.5, a fixed seed: the same data always
gives the same interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]

BOOTSTRAP = 1000
SEED = 17


@dataclass(frozen=True)
class Estimate:
    pairs: int
    uplift: float | None  # ratio; None when the counterfactual is not positive
    low: float | None
    high: float | None
    difference: float  # extra interactions per pair that met, over the W weeks
    difference_low: float
    difference_high: float
    met_after: float  # mean interactions of a pair that met, W weeks after
    counterfactual_after: float  # what it would have been without meeting


def _stats(sums: Floats, n: float | Floats) -> tuple[Floats, Floats, Floats]:
    """(difference, uplift, counterfactual) from the column sums of
    [t_before, t_after, c_before, c_after] over n clusters (or rows of such sums)."""
    t_before, t_after, c_before, c_after = (sums[..., i] / n for i in range(4))
    difference = (t_after - t_before) - (c_after - c_before)
    counterfactual = t_after - difference
    with np.errstate(divide="ignore", invalid="ignore"):
        uplift = np.where(counterfactual > 0, t_after / counterfactual, np.nan)
    return difference, uplift, counterfactual


def _resampled_sums(data: Floats, bootstrap: int, seed: int) -> Floats:
    """Column sums of ``bootstrap`` resamples (with replacement) of the rows of ``data``.
    Many resamples at once while they fit in about two million cells (small samples,
    such as one pair of departments, would otherwise spend their time in the loop)."""
    n = len(data)
    rng = np.random.default_rng(seed)
    boot = np.empty((bootstrap, data.shape[1]))
    step = max(1, 2_000_000 // n)
    for start in range(0, bootstrap, step):
        stop = min(bootstrap, start + step)
        if step == 1:
            boot[start] = np.bincount(rng.integers(0, n, n), minlength=n) @ data
        else:
            boot[start:stop] = data[rng.integers(0, n, (stop - start, n))].sum(axis=1)
    return boot


def did_estimate(
    t_before: Floats,
    t_after: Floats,
    c_before: Floats,
    c_after: Floats,
    *,
    bootstrap: int = BOOTSTRAP,
    seed: int = SEED,
) -> Estimate | None:
    """The estimate over clusters (all four arrays have one value per cluster); None for
    no clusters."""
    data = np.column_stack([t_before, t_after, c_before, c_after]).astype(np.float64)
    n = len(data)
    if n == 0:
        return None
    difference, uplift, counterfactual = _stats(data.sum(axis=0), n)
    boot = _resampled_sums(data, bootstrap, seed)
    b_diff, b_uplift, _cf = _stats(boot, n)
    d_low, d_high = np.percentile(b_diff, [2.5, 97.5])
    low = high = None
    if not np.isnan(uplift) and np.mean(np.isnan(b_uplift)) < 0.025:
        # An undefined ratio means "no counterfactual left": arbitrarily large.
        low, high = np.nanpercentile(np.where(np.isnan(b_uplift), np.inf, b_uplift), [2.5, 97.5])
    return Estimate(
        pairs=n,
        uplift=None if np.isnan(uplift) else float(uplift),
        low=None if low is None else float(low),
        high=None if high is None or np.isinf(high) else float(high),
        difference=float(difference),
        difference_low=float(d_low),
        difference_high=float(d_high),
        met_after=float(data[:, 1].mean()),
        counterfactual_after=float(counterfactual),
    )
