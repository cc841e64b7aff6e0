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
    64-bit words) still has a bit: one language everyone speaks.

    Parameters
    ----------
    common : WordArray
        The AND of the members' masks, any leading shape, words on the last axis.

    Returns
    -------
    BoolArray
        The leading shape: whether a common language is left.

    Notes
    -----
    O(elements).
    """
    return np.asarray(np.any(common != 0, axis=-1))


def language_shortfall(counts: npt.NDArray[np.int64], size: npt.ArrayLike) -> IntArray:
    """Members lacking the group's best common language, from per-language speaker
    counts (last axis). 0 exactly when ``language_ok`` holds: a language spoken by
    all ``size`` members is a bit left in the AND of their masks.

    Parameters
    ----------
    counts : array of int
        Speakers per language, languages on the last axis.
    size : array_like of int
        Members per group, broadcastable to ``counts``' leading shape.

    Returns
    -------
    IntArray
        ``size`` minus the largest count.

    Notes
    -----
    O(elements), one element-wise maximum per language.
    """
    # The maximum over the (short) language axis as element-wise maxima of its slices:
    # NumPy reduces a short last axis of integers row by row, 5-50x slower at the
    # group search's shapes (it was a third of the search's time at 100,000 people).
    best = counts[..., 0]
    for k in range(1, counts.shape[-1]):
        best = np.maximum(best, counts[..., k])
    return np.asarray(np.asarray(size) - best, dtype=np.int64)


def hours_ok(start: npt.ArrayLike, end: npt.ArrayLike, rules: Rules) -> BoolArray:
    """Whether the common working window (latest start to earliest end, UTC minutes)
    lasts at least ``min_overlap_minutes``.

    Parameters
    ----------
    start, end : array_like of int
        The latest start and the earliest end of the members' windows.
    rules : Rules
        ``min_overlap_minutes``.

    Returns
    -------
    BoolArray
        Broadcast shape of ``start`` and ``end``.

    Notes
    -----
    O(elements).
    """
    return np.asarray(np.asarray(end) - np.asarray(start) >= rules.min_overlap_minutes)


def hours_shortfall(start: npt.ArrayLike, end: npt.ArrayLike, rules: Rules) -> IntArray:
    """Minutes the common window lacks of ``min_overlap_minutes`` (the graded form of
    ``hours_ok``, for the search): 0 exactly when ``hours_ok`` holds.

    Parameters
    ----------
    start, end : array_like of int
        The latest start and the earliest end of the members' windows.
    rules : Rules
        ``min_overlap_minutes``.

    Returns
    -------
    IntArray
        Missing minutes, never negative.

    Notes
    -----
    O(elements).
    """
    gap = rules.min_overlap_minutes - (np.asarray(end) - np.asarray(start))
    return np.asarray(np.maximum(0, gap), dtype=np.int64)


def start_reach(rules: Rules) -> int:
    """Two equal-length working windows overlap long enough exactly when their
    starts differ by at most this (``hours_ok`` rewritten for sorted searches).

    Parameters
    ----------
    rules : Rules
        Working hours and ``min_overlap_minutes``.

    Returns
    -------
    int
        Minutes (negative when no overlap is long enough).

    Notes
    -----
    O(1).
    """
    return rules.work_end_minute - rules.work_start_minute - rules.min_overlap_minutes


def has_window(start: npt.ArrayLike, end: npt.ArrayLike) -> BoolArray:
    """Whether a working window is a real one (a known time zone), not the open one.

    Parameters
    ----------
    start, end : array_like of int
        Working windows in UTC minutes.

    Returns
    -------
    BoolArray
        False for the open window of an unknown time zone.

    Notes
    -----
    O(elements).
    """
    return np.asarray((np.asarray(end) - np.asarray(start)) < 2 * FAR)


def size_ok(size: npt.ArrayLike, rules: Rules) -> BoolArray:
    """A group has 2 to ``size + 1`` members.

    Parameters
    ----------
    size : array_like of int
        Members per group.
    rules : Rules
        The round's group size.

    Returns
    -------
    BoolArray
        Whether each size is allowed.

    Notes
    -----
    O(elements).
    """
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

    Parameters
    ----------
    c : Cohort
        The round's people as arrays.
    i, j : IntArray
        Cohort indexes, broadcastable to each other.
    group_level : bool
        Leave language and hours to the group check.
    forbidden : BoolArray, optional
        Whether each pair is blocked or met within the cooldown.

    Returns
    -------
    BoolArray
        The broadcast shape: whether each pair may share a group.

    Notes
    -----
    O(pairs), plus O(pairs log keys) for the forbidden-pair search when
    ``forbidden`` is not given.
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
    by a position lookup of the block's own keys instead of B*B searches.

    Parameters
    ----------
    c : Cohort
        The round's people as arrays.
    idx : IntArray
        The block's cohort indexes (B).
    forbidden_keys : IntArray, optional
        The block's own forbidden keys (``split_keys_by_block``), else the cohort's.
    group_level : bool
        As for ``pair_ok``.

    Returns
    -------
    BoolArray
        (B, B), symmetric, False on the diagonal.

    Notes
    -----
    O(B^2 + keys).
    """
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
    """Score and validity (``block_pair_ok``) of every pair inside a block (B x B).

    Parameters
    ----------
    c : Cohort
        The round's people as arrays.
    idx : IntArray
        The block's cohort indexes (B).
    group_level : bool
        As for ``pair_ok``.
    met_keys, forbidden_keys : IntArray, optional
        The block's own history and forbidden keys, else the cohort's.

    Returns
    -------
    score : FloatArray
        (B, B) pair scores (``features.pair_scores``).
    valid : BoolArray
        (B, B) ``block_pair_ok``.

    Notes
    -----
    O(B^2 + keys).
    """
    score = block_scores(c, idx, met_keys=met_keys)
    valid = block_pair_ok(c, idx, forbidden_keys=forbidden_keys, group_level=group_level)
    return score, valid


# --- Groups as padded tables (dummy = c.n fills empty slots) ---------------------


def padded_lang(c: Cohort) -> WordArray:
    """Language masks with one extra row for the dummy: every bit (it speaks anything).

    Returns
    -------
    WordArray
        (n + 1, words); row ``c.n`` is the dummy's.

    Notes
    -----
    O(n) (a copy).
    """
    return np.concatenate([c.lang, np.full((1, c.lang.shape[1]), _ALL_BITS)])


def padded_window(c: Cohort) -> tuple[IntArray, IntArray]:
    """Working windows with one extra, open window for the dummy.

    Returns
    -------
    start, end : IntArray
        (n + 1,); index ``c.n`` is the dummy's open window.

    Notes
    -----
    O(n) (copies).
    """
    return (
        np.concatenate([c.start_utc, np.asarray([-FAR], dtype=np.int64)]),
        np.concatenate([c.end_utc, np.asarray([FAR], dtype=np.int64)]),
    )


def group_problem_counts(c: Cohort, table: IntArray) -> IntArray:
    """Per row of a padded group table: how many hard rules the group breaks (each
    forbidden pair counts once, a missing language once, missing hours once, a wrong
    size once). 0 means the group keeps every rule. Vectorised over all rows.

    Parameters
    ----------
    c : Cohort
        The round's people as arrays.
    table : IntArray
        (groups, width) cohort indexes; ``c.n`` fills empty slots.

    Returns
    -------
    IntArray
        (groups,) counts of broken rules.

    Notes
    -----
    O(groups x width^2) plus the forbidden-pair search, O(pairs log keys).
    """
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
    """Per row of a padded group table: does the group keep every hard rule?

    Parameters
    ----------
    c : Cohort
        The round's people as arrays.
    table : IntArray
        (groups, width) cohort indexes; ``c.n`` fills empty slots.

    Returns
    -------
    BoolArray
        (groups,); ``group_problem_counts`` is 0.

    Notes
    -----
    As ``group_problem_counts``.
    """
    return np.asarray(group_problem_counts(c, table) == 0)


def table_of(groups: list[list[int]] | list[tuple[int, ...]], dummy: int) -> IntArray:
    """Groups as a padded (groups, max size) table; ``dummy`` fills the gaps.

    Parameters
    ----------
    groups : list of lists or tuples of int
        Cohort indexes per group.
    dummy : int
        The filler index (``c.n`` for the kernel's tables).

    Returns
    -------
    IntArray
        (len(groups), largest size).

    Notes
    -----
    O(groups x width).
    """
    width = max((len(g) for g in groups), default=0)
    t = np.full((len(groups), width), dummy, dtype=np.int64)
    for k, g in enumerate(groups):
        t[k, : len(g)] = g
    return t


def may_join(c: Cohort, p: IntArray, table: IntArray) -> BoolArray:
    """Per row: may person ``p`` (a scalar, or one per row) join that group, keeping
    every rule, the size rule included?

    Parameters
    ----------
    c : Cohort
        The round's people as arrays.
    p : IntArray or int
        The newcomer, one for all rows or one per row.
    table : IntArray
        (groups, width) padded group table.

    Returns
    -------
    BoolArray
        (groups,).

    Notes
    -----
    As ``groups_ok`` on the table with one more column.
    """
    extra = np.broadcast_to(np.asarray(p, dtype=np.int64), (table.shape[0],))[:, None]
    return groups_ok(c, np.concatenate([table, extra], axis=1))


def group_ok(c: Cohort, members: list[int]) -> bool:
    """One group (cohort indexes): does it keep every hard rule?

    Parameters
    ----------
    c : Cohort
        The round's people as arrays.
    members : list of int
        Cohort indexes.

    Returns
    -------
    bool

    Notes
    -----
    O(members^2) plus the forbidden-pair search.
    """
    return bool(groups_ok(c, np.asarray([members], dtype=np.int64))[0])


def problem_count(c: Cohort, members: list[int]) -> int:
    """One group: how many hard rules it breaks (see ``group_problem_counts``).

    Parameters
    ----------
    c : Cohort
        The round's people as arrays.
    members : list of int
        Cohort indexes.

    Returns
    -------
    int

    Notes
    -----
    O(members^2) plus the forbidden-pair search.
    """
    return int(group_problem_counts(c, np.asarray([members], dtype=np.int64))[0])


# --- Per-person language table (for counts instead of bitmask ANDs) --------------


def speaks(c: Cohort, idx: IntArray) -> npt.NDArray[np.int64]:
    """(people, languages) 0/1: who speaks which language; an unknown list speaks all.
    Summed over a group it gives the counts ``language_shortfall`` reads.

    Parameters
    ----------
    c : Cohort
        The round's people as arrays.
    idx : IntArray
        Cohort indexes.

    Returns
    -------
    array of int64
        (len(idx), languages of the round, at least 1).

    Notes
    -----
    O(people x languages).
    """
    bit = np.arange(max(1, len(c.language_names)))
    words = c.lang[idx][:, bit // 64]
    return ((words >> (bit % 64).astype(np.uint64)) & np.uint64(1)).astype(np.int64)
