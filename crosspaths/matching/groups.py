"""Groups of three or more: the maximally diverse grouping problem under hard rules.

Grouping people to maximise the sum of within-group pair scores is NP-hard; the
best published methods are local search with swap and move neighbourhoods and
fast move evaluation (Gallego et al. 2013; Palubeckis et al. 2015). Here:

* people are split by location (in person) and into random blocks of about 1,200;
  each block has a dense matrix of pair values where a rule-breaking pair costs
  ``PENALTY``; a group without a common language or a common hour costs it too;
* groups sit in a ``(groups, slots)`` table; empty slots hold a dummy person so a
  swap with a dummy is a move (allowed only when it keeps the planned sizes);
* each round pairs groups at random and evaluates every swap between each two
  groups at once (NumPy, O(1) per swap from per-slot sums), applying the best;
* then a targeted pass moves each member of a rule-breaking group, and of the
  lowest-scoring groups, to its best slot anywhere in the block.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .features import Cohort, FloatArray, IntArray, split_keys_by_block
from .pairs import worker_init, workers_available
from .rules import (
    FAR,
    dense_block,
    has_window,
    hours_shortfall,
    language_shortfall,
    speaks,
    start_reach,
)
from .types import Rules

PENALTY = 1000.0


@dataclass
class GroupSettings:
    block_size: int = 1200
    rounds: int = 300
    patience: int = 25  # stop after this many rounds without any gain
    targeted_passes: int = 3
    low_share: float = 0.1  # share of lowest-scoring groups revisited by the targeted pass
    chain_seconds: float = 2.0  # time cap per block for two-swap chains on rule-breaking groups
    workers: int | None = None  # processes for the blocks; None = CPUs available (max 4)


def plan_sizes(n: int, size: int) -> list[int]:
    """Group sizes for ``n`` people: all of ``size``, with the fewest groups of size+1
    when ``n`` does not divide, else the fewest of size-1, never fewer than 2.

    Parameters
    ----------
    n : int
        People to place.
    size : int
        The round's group size (at least 2).

    Returns
    -------
    list of int
        Sizes summing to ``n`` (empty when ``n < 2``), larger groups first.

    Notes
    -----
    O(n / size). Extra people join groups (size+1) rather than forming small ones;
    only when there are too few groups to take them do groups shrink to size-1.
    """
    if n < 2:
        return []
    q, r = divmod(n, size)
    if r == 0:
        return [size] * q
    if r <= q:
        return [size + 1] * r + [size] * (q - r)
    b = size - r
    if size - 1 >= 2 and b <= q + 1:
        return [size] * (q - b + 1) + [size - 1] * b
    k = max(1, round(n / size))
    base, extra = divmod(n, k)
    return [base + 1] * extra + [base] * (k - extra)


def hopeless(c: Cohort, eligible: IntArray, min_size: int) -> IntArray:
    """People who cannot be in any group of ``min_size``: too few colleagues in their
    class speak one of their languages, or share their working hours. Cheap counts,
    so it is a necessary condition only; the search handles the rest."""
    out: list[int] = []
    if c.mode == "in-person":
        classes = [eligible[c.loc[eligible] == v] for v in np.unique(c.loc[eligible])]
    else:
        classes = [eligible]
    for members in classes:
        sp = speaks(c, members)
        counts = sp.sum(axis=0)
        best = np.where(sp == 1, counts[None, :], 0).max(axis=1)
        bad = best < min_size
        if c.mode == "virtual":
            # Equal-length windows overlap enough iff their starts differ by at most
            # this; people without a time zone fit everyone.
            width = start_reach(c.rules)
            start = c.start_utc[members]
            known = has_window(start, c.end_utc[members])
            s = np.sort(start[known])
            lo = np.searchsorted(s, start - width, side="left")
            hi = np.searchsorted(s, start + width, side="right")
            fits = np.where(known, hi - lo, s.size) + int((~known).sum())
            bad |= fits < min_size
        out.extend(members[bad].tolist())
    return np.asarray(sorted(out), dtype=np.int64)


@dataclass
class _Block:
    """One block's local arrays; index ``B`` (the last) is the dummy person."""

    people: IntArray  # global indexes, length B
    value: FloatArray  # (B+1, B+1) pair value, PENALTY-reduced where a pair rule breaks
    speaks: npt.NDArray[
        np.int16
    ]  # (B+1, L), 1 where the person speaks language l (all when unknown)
    start: IntArray  # (B+1,) working window in UTC minutes
    end: IntArray
    rules: Rules
    virtual: bool


def _block_arrays(
    c: Cohort, idx: IntArray, met: IntArray | None = None, forbidden: IntArray | None = None
) -> _Block:
    """A block's arrays; ``met``/``forbidden``: the block's own keys (see
    ``split_keys_by_block``), else every key of the cohort is looked at."""
    # Pairwise language and time checks are necessary for the group rules (and, with
    # working windows of equal length, the pairwise time check is exact), so they go
    # into the pair values too: that grades "how broken" a group is pair by pair.
    score, valid = dense_block(c, idx, met_keys=met, forbidden_keys=forbidden)
    b = idx.size
    value = np.zeros((b + 1, b + 1), dtype=np.float64)
    value[:b, :b] = np.where(valid, score, score - PENALTY)
    np.fill_diagonal(value, 0.0)
    # int16 (a count of at most a group's size): the swap search gathers and adds these
    # for every candidate swap, and narrow integers move a quarter of the bytes.
    table = speaks(c, idx).astype(np.int16)
    table = np.concatenate([table, np.zeros((1, table.shape[1]), dtype=np.int16)])
    start = np.concatenate([c.start_utc[idx], [-FAR]])
    end = np.concatenate([c.end_utc[idx], [FAR]])
    return _Block(idx, value, table, start, end, c.rules, c.mode == "virtual")


def _exclusive(values: np.ndarray, op: np.ufunc, identity: object) -> np.ndarray:
    """For each slot, ``op`` over the other slots of its group (prefix/suffix scans)."""
    s = values.shape[1]
    pre = np.empty_like(values)
    suf = np.empty_like(values)
    pre[:, 0] = identity
    suf[:, s - 1] = identity
    for k in range(1, s):
        pre[:, k] = op(pre[:, k - 1], values[:, k - 1])
        suf[:, s - 1 - k] = op(suf[:, s - k], values[:, s - k])
    return np.asarray(op(pre, suf))


class _State:
    """Groups of a block as a slot table with the per-slot sums that make swaps O(1).

    Group-level rules are costed by how far a group is from keeping them (members
    missing the best common language, hours missing from the common window), not
    just whether it breaks them, so the search can walk step by step toward a
    valid grouping.
    """

    # The per-slot sums (see _SUMS), set by refresh().
    inner: FloatArray
    sizes: IntArray
    ex_count: npt.NDArray[np.int16]
    ex_size: IntArray
    ex_start: IntArray
    ex_end: IntArray
    cost: FloatArray

    def __init__(self, blk: _Block, table: IntArray):
        self.blk = blk
        self.table = table  # (G, S) local indexes, dummy = B
        self.dummy = blk.people.size
        self.refresh()

    def refresh(self, rows: IntArray | None = None) -> None:
        """Recompute the per-slot sums, of every group or (``rows``) of the groups a
        round changed: each group's sums depend on its own members only."""
        if rows is None:
            for name, value in zip(self._SUMS, self._sums(self.table), strict=True):
                setattr(self, name, value)
            return
        for name, value in zip(self._SUMS, self._sums(self.table[rows]), strict=True):
            getattr(self, name)[rows] = value

    _SUMS = ("inner", "sizes", "ex_count", "ex_size", "ex_start", "ex_end", "cost")

    def _sums(self, t: IntArray) -> tuple[np.ndarray, ...]:
        v = self.blk.value
        inner = v[t[:, :, None], t[:, None, :]].sum(axis=2)  # (G, S)
        real = t != self.dummy
        sizes = real.sum(axis=1)
        sp = self.blk.speaks[t]  # (G, S, L)
        ex_count = sp.sum(axis=1, dtype=np.int16)[:, None, :] - sp  # counts without the slot
        ex_size = sizes[:, None] - real  # group size without the slot
        ex_start = _exclusive(self.blk.start[t], np.maximum, -FAR)
        ex_end = _exclusive(self.blk.end[t], np.minimum, FAR)
        cost = self._cost(ex_count[:, 0], ex_size[:, 0], ex_start[:, 0], ex_end[:, 0], t[:, 0])
        return inner, sizes, ex_count, ex_size, ex_start, ex_end, cost

    def _cost(
        self,
        ex_count: npt.NDArray[np.int16],
        ex_size: IntArray,
        ex_start: IntArray,
        ex_end: IntArray,
        who: IntArray,
    ) -> FloatArray:
        """How far a group (the slot's others plus ``who``) is from the group-level rules:
        0 when it keeps them; else 1 plus the members who lack the best common
        language plus the missing hours of the common working window."""
        count = ex_count + self.blk.speaks[who]
        size = ex_size + (who != self.dummy)
        cost = language_shortfall(count, size).astype(np.float64)
        if self.blk.virtual:
            start = np.maximum(ex_start, self.blk.start[who])
            end = np.minimum(ex_end, self.blk.end[who])
            cost = cost + hours_shortfall(start, end, self.blk.rules) / 60.0
        return np.asarray(np.where(cost > 0, cost + 1.0, 0.0))

    def group_values(self) -> FloatArray:
        return np.asarray(self.inner.sum(axis=1) / 2 - PENALTY * self.cost)

    def swap(self, g1: int, a: int, g2: int, b: int) -> None:
        t = self.table
        t[g1, a], t[g2, b] = t[g2, b], t[g1, a]

    def pair_round(self, rng: np.random.Generator) -> int:
        """Best swap between each of G/2 random group pairs, all evaluated at once."""
        t = self.table
        g = t.shape[0]
        if g < 2:
            return 0
        perm = rng.permutation(g)
        h = g // 2
        g1, g2 = perm[:h], perm[h : 2 * h]
        m1, m2 = t[g1], t[g2]  # (P, S)
        v = self.blk.value
        cross = v[m1[:, :, None], m2[:, None, :]]  # (P, S, S): value(member a of g1, b of g2)
        row = cross.sum(axis=2)  # a's sum with all of g2
        col = cross.sum(axis=1)  # b's sum with all of g1
        delta = (
            col[:, None, :]
            - cross
            - self.inner[g1][:, :, None]
            + row[:, :, None]
            - cross
            - self.inner[g2][:, None, :]
        )
        new1 = self._cost(
            self.ex_count[g1][:, :, None, :],
            self.ex_size[g1][:, :, None],
            self.ex_start[g1][:, :, None],
            self.ex_end[g1][:, :, None],
            m2[:, None, :],
        )
        new2 = self._cost(
            self.ex_count[g2][:, None, :, :],
            self.ex_size[g2][:, None, :],
            self.ex_start[g2][:, None, :],
            self.ex_end[g2][:, None, :],
            m1[:, :, None],
        )
        old = self.cost[g1][:, None, None] + self.cost[g2][:, None, None]
        delta -= PENALTY * (new1 + new2 - old)
        d1 = m1[:, :, None] == self.dummy
        d2 = m2[:, None, :] == self.dummy
        s1 = self.sizes[g1][:, None, None]
        s2 = self.sizes[g2][:, None, None]
        # A move (swap with an empty slot) must keep the multiset of planned sizes.
        allowed = ~(d1 & d2) & (~d2 | d1 | (s1 == s2 + 1)) & (~d1 | d2 | (s2 == s1 + 1))
        delta = np.where(allowed, delta, -np.inf)
        flat = delta.reshape(h, -1)
        best = flat.argmax(axis=1)
        gain = flat[np.arange(h), best]
        take = np.flatnonzero(gain > 1e-9)
        s = t.shape[1]
        for k in take.tolist():
            self.swap(int(g1[k]), int(best[k] // s), int(g2[k]), int(best[k] % s))
        if take.size:
            self.refresh(np.concatenate([g1[take], g2[take]]))
        return int(take.size)

    def best_slot_for(self, g: int, a: int) -> tuple[float, int, int]:
        """The best swap of the person in slot (g, a) with any other slot of the block."""
        delta = self.swap_gains(g, a)
        k = int(np.argmax(delta))
        s = self.table.shape[1]
        return float(delta.flat[k]), k // s, k % s

    def swap_gains(self, g: int, a: int) -> FloatArray:
        """Gain of swapping the person in slot (g, a) with every slot of the block (G, S)."""
        t = self.table
        v = self.blk.value
        p = int(t[g, a])
        others = np.delete(t[g], a)
        s_q_in_g = v[others].sum(axis=0)  # every person's sum with g minus p, (B+1,)
        row_p = v[p][t].sum(axis=1)  # p's sum with each group, (G,)
        q = t  # (G, S)
        delta = (s_q_in_g[q] - self.inner[g, a]) + (row_p[:, None] - v[p][q] - self.inner)
        new_g = self._cost(
            self.ex_count[g, a], self.ex_size[g, a], self.ex_start[g, a], self.ex_end[g, a], q
        )
        new_h = self._cost(
            self.ex_count, self.ex_size, self.ex_start, self.ex_end, np.full_like(q, p)
        )
        delta -= PENALTY * (new_g + new_h - self.cost[g] - self.cost[:, None])
        is_dummy = q == self.dummy
        allowed = ~is_dummy | (self.sizes[g] == self.sizes + 1)[:, None]
        delta = np.where(allowed, delta, -np.inf)
        delta[g, :] = -np.inf
        return np.asarray(delta)

    def chain_repair(self, g: int, tries: int = 24) -> bool:
        """Two swaps in a row for a rule-breaking group no single swap can fix: the first
        may lose, as long as the best follow-up swap makes the pair of them gain."""
        s = self.table.shape[1]
        for a in range(s):
            if self.table[g, a] == self.dummy:
                continue
            gains = self.swap_gains(g, a)
            flat = gains.ravel()
            order = np.argsort(-flat, kind="stable")[:tries]
            for k in order.tolist():
                first = float(flat[k])
                if not np.isfinite(first):
                    break
                h, b = k // s, k % s
                self.swap(g, a, h, b)
                self.refresh()
                best = (0.0, -1, -1, -1, -1)
                for grp in (g, h):
                    for slot in range(s):
                        if self.table[grp, slot] == self.dummy:
                            continue
                        gain, h2, b2 = self.best_slot_for(grp, slot)
                        if gain > best[0]:
                            best = (gain, grp, slot, h2, b2)
                if first + best[0] > PENALTY / 2 and best[1] >= 0:
                    self.swap(best[1], best[2], best[3], best[4])
                    self.refresh()
                    return True
                self.swap(g, a, h, b)
                self.refresh()
        return False

    def targeted(self, low_share: float) -> int:
        """Move members of rule-breaking groups, then of the weakest groups, where best."""
        moved = 0
        bad = self.rule_breaking()
        vals = self.group_values()
        k = int(len(vals) * low_share)
        weakest = np.argsort(vals, kind="stable")[:k]
        for g in list(bad) + [int(x) for x in weakest if int(x) not in bad]:
            for a in range(self.table.shape[1]):
                if self.table[g, a] == self.dummy:
                    continue
                gain, h, b = self.best_slot_for(g, a)
                if gain > 1e-9:
                    self.swap(g, a, h, b)
                    self.refresh()
                    moved += 1
        return moved

    def rule_breaking(self) -> list[int]:
        """Groups with a rule-breaking pair or without a common language or hour."""
        t = self.table
        v = self.blk.value
        pair_bad = (v[t[:, :, None], t[:, None, :]] < -PENALTY / 2).any(axis=(1, 2))
        return [int(g) for g in np.flatnonzero(pair_bad | (self.cost > 0))]


def _solve_block(
    blk: _Block, sizes: list[int], rng: np.random.Generator, s: GroupSettings
) -> list[list[int]]:
    slots = max(sizes)
    b = blk.people.size
    table = np.full((len(sizes), slots), b, dtype=np.int64)
    order = rng.permutation(b)
    pos = 0
    for g, size in enumerate(sizes):
        table[g, :size] = order[pos : pos + size]
        pos += size
    st = _State(blk, table)
    idle = 0
    for _ in range(s.rounds):
        if st.pair_round(rng) == 0:
            idle += 1
            if idle >= s.patience:
                break
        else:
            idle = 0
    for _ in range(s.targeted_passes):
        if st.targeted(s.low_share) == 0:
            break
    # Last, rule-breaking groups only: single moves, then two-swap chains.
    for _ in range(5):
        if not st.rule_breaking() or st.targeted(0.0) == 0:
            break
    deadline = time.perf_counter() + s.chain_seconds
    for _ in range(3):
        bad = st.rule_breaking()
        if not bad or time.perf_counter() > deadline:
            break
        if not any(st.chain_repair(g) for g in bad if time.perf_counter() < deadline):
            break
    return [[int(blk.people[x]) for x in row if x != b] for row in st.table]


# What forked workers read: set just before the pool forks, cleared after.
_FORK_STATE: dict[str, object] = {}


def _solve_task(k: int) -> list[list[int]]:
    st = _FORK_STATE
    c, tasks, s, keys = st["c"], st["tasks"], st["s"], st["keys"]
    idx, sizes, seed = tasks[k]  # type: ignore[index]
    rng = np.random.default_rng(seed)
    blk = _block_arrays(c, idx, keys.met[k], keys.forbidden[k])  # type: ignore[arg-type,attr-defined]
    return _solve_block(blk, sizes, rng, s)  # type: ignore[arg-type]


def match_groups(
    c: Cohort,
    eligible: IntArray,
    rng: np.random.Generator,
    settings: GroupSettings | None = None,
    timings: dict[str, float] | None = None,
) -> list[list[int]]:
    """Groups of ``rules.size`` (sizes per ``plan_sizes``) for the eligible people.

    Blocks are independent, each with its own seed, so with several CPUs they are
    solved in forked worker processes and the result does not depend on how many.
    Rule-breaking groups can remain only when a block has no valid arrangement; the
    caller takes the offending people out and reports them.
    """
    s = settings or GroupSettings()
    t = timings if timings is not None else {}
    t0 = time.perf_counter()
    size = c.rules.size
    if c.mode == "in-person":
        locs = c.loc[eligible]
        classes = [eligible[locs == v] for v in np.unique(locs)]
    else:
        classes = [eligible]
    tasks: list[tuple[IntArray, list[int], int]] = []
    for members in classes:
        sizes = plan_sizes(members.size, size)
        if not sizes:
            continue
        perm = members[rng.permutation(members.size)]
        # Cut the plan into blocks of about block_size people, whole groups each.
        nb = max(1, round(members.size / s.block_size))
        per = -(-len(sizes) // nb)
        start = 0
        for k in range(0, len(sizes), per):
            part = sizes[k : k + per]
            idx = perm[start : start + sum(part)]
            start += sum(part)
            tasks.append((idx, part, int(rng.integers(0, 2**62))))
    # Each block reads only the history and blocked keys inside it (a million keys
    # at 100,000 people, split once instead of scanned by every block).
    block_of = np.full(c.n, -1, dtype=np.int64)
    for k, (idx, _, _) in enumerate(tasks):
        block_of[idx] = k
    keys = split_keys_by_block(c, block_of, len(tasks))
    workers = workers_available(s.workers)
    out: list[list[int]] = []
    big = sum(idx.size for idx, _, _ in tasks) >= 4 * s.block_size
    if workers > 1 and len(tasks) >= 2 and big and "fork" in mp.get_all_start_methods():
        _FORK_STATE.update(c=c, tasks=tasks, s=s, keys=keys)
        try:
            with mp.get_context("fork").Pool(
                min(workers, len(tasks)), initializer=worker_init
            ) as pool:
                for groups in pool.map(_solve_task, range(len(tasks)), chunksize=1):
                    out.extend(groups)
        finally:
            _FORK_STATE.clear()
    else:
        for k, (idx, part, seed) in enumerate(tasks):
            blk = _block_arrays(c, idx, keys.met[k], keys.forbidden[k])
            out.extend(_solve_block(blk, part, np.random.default_rng(seed), s))
    t["groups_search"] = time.perf_counter() - t0
    return out
