"""The hard rules of a round, each written once; every search step asks this module.

A rule is defined here on the smallest values that decide it, and those definitions
work on a scalar and on any NumPy array alike; the forms the search needs (a whole
block of pairs, a table of groups, a group with one member swapped, a graded
"how far from keeping it") are derived from them:

* pair rules: two different people, neither the other's manager, not blocked, not
  met within the cooldown, not held out for measurement this round (``holdout``), in
  person the same place (``pair_ok``, ``block_pair_ok``);
* shared language: the AND of the members' language bitmasks is not empty (an
  unknown language list is every bit) — ``language_ok``; counted per language it
  is "some language is spoken by all members" (``language_shortfall`` = 0);
* working hours (virtual): the latest start and the earliest end of the members'
  09:00-17:00 windows in UTC are at least ``min_overlap_minutes`` apart
  (``hours_shortfall`` = 0); an unknown time zone is an open window;
* group size: 2 to ``size + 1`` members (``size_ok``).

``explain.hard_rule_problems`` is deliberately *not* built on this module: it checks
the engine's output from the people themselves and is what the tests hold this
kernel to.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .features import (
    BoolArray,
    Cohort,
    FloatArray,
    IntArray,
    WordArray,
    block_membership,
    block_scores,
    contains,
    pair_keys,
)
from .holdout import held_out
from .types import Rules

FAR = 10**6  # an open working window (unknown time zone; an empty slot)
_ALL_BITS = np.uint64(0xFFFF_FFFF_FFFF_FFFF)


# --- The definitions ------------------------------------------------------------


def language_ok(common: WordArray) -> BoolArray:
    """A group may meet when the AND of its members' language masks (last axis: the
    64-bit words) still has a bit: one language everyone speaks."""
    return np.asarray(np.any(common != 0, axis=-1))


def language_shortfall(counts: npt.NDArray[np.int64], size: npt.ArrayLike) -> IntArray:
    """Members lacking the group's best common language, from per-language speaker
    counts (last axis). 0 exactly when ``language_ok`` holds: a language spoken by
    all ``size`` members is a bit left in the AND of their masks."""
    # The maximum over the (short) language axis as element-wise maxima of its slices:
    # NumPy reduces a short last axis of integers row by row, 5-50x slower at the
    # group search's shapes (it was a third of the search's time at 100,000 people).
    best = counts[..., 0]
    for k in range(1, counts.shape[-1]):
        best = np.maximum(best, counts[..., k])
    return np.asarray(np.asarray(size) - best, dtype=np.int64)


def hours_ok(start: npt.ArrayLike, end: npt.ArrayLike, rules: Rules) -> BoolArray:
    """Whether the common working window (latest start to earliest end, UTC minutes)
    lasts at least ``min_overlap_minutes``."""
    return np.asarray(np.asarray(end) - np.asarray(start) >= rules.min_overlap_minutes)


def hours_shortfall(start: npt.ArrayLike, end: npt.ArrayLike, rules: Rules) -> IntArray:
    """Minutes the common window lacks of ``min_overlap_minutes`` (the graded form of
    ``hours_ok``, for the search): 0 exactly when ``hours_ok`` holds."""
    gap = rules.min_overlap_minutes - (np.asarray(end) - np.asarray(start))
    return np.asarray(np.maximum(0, gap), dtype=np.int64)


def start_reach(rules: Rules) -> int:
    """Two equal-length working windows overlap long enough exactly when their
    starts differ by at most this (``hours_ok`` rewritten for sorted searches)."""
    return rules.work_end_minute - rules.work_start_minute - rules.min_overlap_minutes


def has_window(start: npt.ArrayLike, end: npt.ArrayLike) -> BoolArray:
    """Whether a working window is a real one (a known time zone), not the open one."""
    return np.asarray((np.asarray(end) - np.asarray(start)) < 2 * FAR)


def size_ok(size: npt.ArrayLike, rules: Rules) -> BoolArray:
    """A group has 2 to ``size + 1`` members."""
    s = np.asarray(size)
    return np.asarray((s >= 2) & (s <= rules.size + 1))


# --- Pairs ----------------------------------------------------------------------


def pair_ok(
    c: Cohort,
    i: IntArray,
    j: IntArray,
    *,
    group_level: bool = False,
    forbidden: BoolArray | None = None,
) -> BoolArray:
    """Whether pairs (i, j) may sit in one group, for arrays of any broadcastable shape.

    With ``group_level`` the language and working-hours rules are left to the group
    check (a language common to *all*, one common window); otherwise they are the
    group rules applied to the two of them. ``forbidden`` (blocked or met within the
    cooldown) may be passed when the caller has it cheaper than a key search.
    """
    ok = (i != j) & (c.manager[i] != j) & (c.manager[j] != i)
    if c.mode == "in-person":
        ok &= c.loc[i] == c.loc[j]
    if not group_level:
        ok &= language_ok(c.lang[i] & c.lang[j])
        if c.mode == "virtual":
            start = np.maximum(c.start_utc[i], c.start_utc[j])
            end = np.minimum(c.end_utc[i], c.end_utc[j])
            ok &= hours_ok(start, end, c.rules)
    if forbidden is None:
        forbidden = contains(c.forbidden, pair_keys(i, j, c.n))
    if c.rules.holdout_share > 0:
        ok &= ~held_out(
            c.holdout_hash[i],
            c.holdout_hash[j],
            share=c.rules.holdout_share,
            seed=c.rules.holdout_seed,
        )
    return np.asarray(ok & ~forbidden)


def block_pair_ok(
    c: Cohort, idx: IntArray, *, forbidden_keys: IntArray | None = None, group_level: bool = False
) -> BoolArray:
    """``pair_ok`` for every pair inside a block (B x B), with the forbidden pairs found
    by a position lookup of the block's own keys instead of B*B searches."""
    keys = c.forbidden if forbidden_keys is None else forbidden_keys
    forbidden = block_membership(keys, idx, c.n)
    return pair_ok(c, idx[:, None], idx[None, :], group_level=group_level, forbidden=forbidden)


def dense_block(
    c: Cohort,
    idx: IntArray,
    *,
    group_level: bool = False,
    met_keys: IntArray | None = None,
    forbidden_keys: IntArray | None = None,
) -> tuple[FloatArray, BoolArray]:
    """Score and validity (``block_pair_ok``) of every pair inside a block (B x B)."""
    score = block_scores(c, idx, met_keys=met_keys)
    valid = block_pair_ok(c, idx, forbidden_keys=forbidden_keys, group_level=group_level)
    return score, valid


# --- Groups as padded tables (dummy = c.n fills empty slots) ---------------------


def padded_lang(c: Cohort) -> WordArray:
    """Language masks with one extra row for the dummy: every bit (it speaks anything)."""
    return np.concatenate([c.lang, np.full((1, c.lang.shape[1]), _ALL_BITS)])


def padded_window(c: Cohort) -> tuple[IntArray, IntArray]:
    """Working windows with one extra, open window for the dummy."""
    return (
        np.concatenate([c.start_utc, np.asarray([-FAR], dtype=np.int64)]),
        np.concatenate([c.end_utc, np.asarray([FAR], dtype=np.int64)]),
    )


def group_problem_counts(c: Cohort, table: IntArray) -> IntArray:
    """Per row of a padded group table: how many hard rules the group breaks (each
    forbidden pair counts once, a missing language once, missing hours once, a wrong
    size once). 0 means the group keeps every rule. Vectorised over all rows."""
    dummy = c.n
    rows, width = table.shape
    real = table != dummy
    out = np.zeros(rows, dtype=np.int64)
    if width >= 2 and rows:
        a, b = np.triu_indices(width, 1)
        i, j = table[:, a], table[:, b]
        both = real[:, a] & real[:, b]
        bad = both & ~pair_ok(c, np.where(both, i, 0), np.where(both, j, 0), group_level=True)
        out += bad.sum(axis=1)
    out += ~language_ok(np.bitwise_and.reduce(padded_lang(c)[table], axis=1))
    if c.mode == "virtual":
        start, end = padded_window(c)
        out += ~hours_ok(start[table].max(axis=1), end[table].min(axis=1), c.rules)
    out += ~size_ok(real.sum(axis=1), c.rules)
    return out


def groups_ok(c: Cohort, table: IntArray) -> BoolArray:
    """Per row of a padded group table: does the group keep every hard rule?"""
    return np.asarray(group_problem_counts(c, table) == 0)


def table_of(groups: list[list[int]] | list[tuple[int, ...]], dummy: int) -> IntArray:
    """Groups as a padded (groups, max size) table; ``dummy`` fills the gaps."""
    width = max((len(g) for g in groups), default=0)
    t = np.full((len(groups), width), dummy, dtype=np.int64)
    for k, g in enumerate(groups):
        t[k, : len(g)] = g
    return t


def may_join(c: Cohort, p: IntArray, table: IntArray) -> BoolArray:
    """Per row: may person ``p`` (a scalar, or one per row) join that group, keeping
    every rule, the size rule included?"""
    extra = np.broadcast_to(np.asarray(p, dtype=np.int64), (table.shape[0],))[:, None]
    return groups_ok(c, np.concatenate([table, extra], axis=1))


def group_ok(c: Cohort, members: list[int]) -> bool:
    """One group (cohort indexes): does it keep every hard rule?"""
    return bool(groups_ok(c, np.asarray([members], dtype=np.int64))[0])


def problem_count(c: Cohort, members: list[int]) -> int:
    """One group: how many hard rules it breaks (see ``group_problem_counts``)."""
    return int(group_problem_counts(c, np.asarray([members], dtype=np.int64))[0])


# --- Per-person language table (for counts instead of bitmask ANDs) --------------


def speaks(c: Cohort, idx: IntArray) -> npt.NDArray[np.int64]:
    """(people, languages) 0/1: who speaks which language; an unknown list speaks all.
    Summed over a group it gives the counts ``language_shortfall`` reads."""
    bit = np.arange(max(1, len(c.language_names)))
    words = c.lang[idx][:, bit // 64]
    return ((words >> (bit % 64).astype(np.uint64)) & np.uint64(1)).astype(np.int64)
