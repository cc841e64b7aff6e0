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
from collections.abc import Sequence
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
    spoken = speaks(c, idx)
    table = spoken[:, _undominated(spoken)].astype(np.int16)
    table = np.concatenate([table, np.zeros((1, table.shape[1]), dtype=np.int16)])
    start = np.concatenate([c.start_utc[idx], [-FAR]])
    end = np.concatenate([c.end_utc[idx], [FAR]])
    return _Block(idx, value, table, start, end, c.rules, c.mode == "virtual")


def _undominated(table: npt.NDArray[np.int64]) -> list[int]:
    """The language columns the search needs: a language whose speakers in the block
    all speak another one too never has more speakers in a group than that one, so
    it never decides ``language_shortfall``'s maximum (of equal columns the first is
    kept). In person a block is one office, and its local language usually covers
    everyone: one column instead of five, a fifth of the swap search's counting."""
    cols = table.T
    keep = []
    for a in range(len(cols)):
        below = (cols[a] <= cols).all(axis=1)
        equal = (cols[a] == cols).all(axis=1)
        covered = below & (~equal | (np.arange(len(cols)) < a))
        covered[a] = False
        if not covered.any():
            keep.append(a)
    return keep


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
        self._setup([blk], [table])

    @classmethod
    def batch(cls, blocks: Sequence[_Block], tables: Sequence[IntArray]) -> _State:
        """Several blocks (of one slot count) searched as one: their groups stacked in
        one table, each person numbered after the blocks before theirs. A round then
        costs the same NumPy calls for 16 blocks as for one; every group's figures
        depend on its own block only, so each block's search is the one it would
        have alone. The single-block methods (``swap_gains`` and what uses it) need a
        state of one block."""
        st = cls.__new__(cls)
        st._setup(blocks, tables)
        return st

    def _setup(self, blocks: Sequence[_Block], tables: Sequence[IntArray]) -> None:
        self.blk = blocks[0]
        self.dummy = blocks[0].people.size  # the dummy's index (one block)
        width = [b.people.size + 1 for b in blocks]  # people and the block's dummy
        self.first_person = np.concatenate([[0], np.cumsum(width)]).astype(np.int64)
        self.first_group = np.concatenate([[0], np.cumsum([len(t) for t in tables])]).astype(
            np.int64
        )
        base = np.concatenate([[0], np.cumsum([w * w for w in width])[:-1]])
        # value(a, b) of two people of one block: flat[row_base[a] + col[b]]
        self.flat = np.concatenate([b.value.ravel() for b in blocks])
        for b, o, w in zip(blocks, base.tolist(), width, strict=True):
            b.value = self.flat[o : o + w * w].reshape(w, w)  # one copy of the values
        self.col = np.concatenate([np.arange(w, dtype=np.int64) for w in width])
        self.row_base = np.concatenate(
            [o + np.arange(w, dtype=np.int64) * w for o, w in zip(base, width, strict=True)]
        )
        # Blocks may keep different numbers of language columns (``_undominated``): a
        # column of zeros never decides a maximum of counts, so narrow ones are padded.
        langs = max(b.speaks.shape[1] for b in blocks)
        self.speaks = np.concatenate(
            [np.pad(b.speaks, ((0, 0), (0, langs - b.speaks.shape[1]))) for b in blocks]
        )
        self.start = np.concatenate([b.start for b in blocks])
        self.end = np.concatenate([b.end for b in blocks])
        self.is_dummy = np.zeros(int(self.first_person[-1]), dtype=bool)
        self.is_dummy[self.first_person[1:] - 1] = True
        self.table = np.concatenate(
            [t + o for t, o in zip(tables, self.first_person[:-1].tolist(), strict=True)]
        )  # (G, S); one block: local indexes, dummy = B
        self.refresh()

    def block_table(self, k: int) -> IntArray:
        """Block ``k``'s groups in its own (local) numbering."""
        lo, hi = self.first_group[k], self.first_group[k + 1]
        return np.asarray(self.table[lo:hi] - self.first_person[k])

    def _values(self, a: IntArray, b: IntArray) -> FloatArray:
        """value(a, b) for people of one block, broadcast."""
        return np.asarray(self.flat[self.row_base[a] + self.col[b]])

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
        inner = self._values(t[:, :, None], t[:, None, :]).sum(axis=2)  # (G, S)
        real = ~self.is_dummy[t]
        sizes = real.sum(axis=1)
        sp = self.speaks[t]  # (G, S, L)
        ex_count = sp.sum(axis=1, dtype=np.int16)[:, None, :] - sp  # counts without the slot
        ex_size = sizes[:, None] - real  # group size without the slot
        ex_start = _exclusive(self.start[t], np.maximum, -FAR)
        ex_end = _exclusive(self.end[t], np.minimum, FAR)
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
        count = ex_count + self.speaks[who]
        size = ex_size + ~self.is_dummy[who]
        cost = language_shortfall(count, size).astype(np.float64)
        if self.blk.virtual:
            start = np.maximum(ex_start, self.start[who])
            end = np.minimum(ex_end, self.end[who])
            cost = cost + hours_shortfall(start, end, self.blk.rules) / 60.0
        return np.asarray(np.where(cost > 0, cost + 1.0, 0.0))

    def group_values(self) -> FloatArray:
        return np.asarray(self.inner.sum(axis=1) / 2 - PENALTY * self.cost)

    def swap(self, g1: int, a: int, g2: int, b: int) -> None:
        t = self.table
        t[g1, a], t[g2, b] = t[g2, b], t[g1, a]

    def pair_round(self, rng: np.random.Generator) -> int:
        """Best swap between each of G/2 random group pairs, all evaluated at once."""
        return int(self.pair_rounds([rng], [0])[0])

    def pair_rounds(self, rngs: Sequence[np.random.Generator], blocks: Sequence[int]) -> IntArray:
        """``pair_round`` of each of ``blocks`` (``rngs[k]`` draws block k's pairs), all
        evaluated at once; the swaps applied per block."""
        t = self.table
        firsts: list[IntArray] = []
        seconds: list[IntArray] = []
        for k in blocks:
            lo, g = int(self.first_group[k]), int(self.first_group[k + 1] - self.first_group[k])
            if g < 2:
                continue
            perm = rngs[k].permutation(g) + lo
            h = g // 2
            firsts.append(perm[:h])
            seconds.append(perm[h : 2 * h])
        done = np.zeros(len(rngs), dtype=np.int64)
        if not firsts:
            return done
        g1, g2 = np.concatenate(firsts), np.concatenate(seconds)
        h = g1.size
        m1, m2 = t[g1], t[g2]  # (P, S)
        cross = self._values(m1[:, :, None], m2[:, None, :])  # (P, S, S): a of g1, b of g2
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
        d1 = self.is_dummy[m1][:, :, None]
        d2 = self.is_dummy[m2][:, None, :]
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
            owner = np.searchsorted(self.first_group, g1[take], side="right") - 1
            done += np.bincount(owner, minlength=len(rngs))
        return done

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


def _first_table(blk: _Block, sizes: list[int], rng: np.random.Generator) -> IntArray:
    """A block's starting groups: its people in random order, cut into ``sizes``."""
    b = blk.people.size
    table = np.full((len(sizes), max(sizes)), b, dtype=np.int64)
    order = rng.permutation(b)
    pos = 0
    for g, size in enumerate(sizes):
        table[g, :size] = order[pos : pos + size]
        pos += size
    return table


def _finish(st: _State, s: GroupSettings) -> list[list[int]]:
    """After the swap rounds (one block): targeted moves, then two-swap chains for
    rule-breaking groups; the groups as global indexes."""
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
    people, b = st.blk.people, st.blk.people.size
    return [[int(people[x]) for x in row if x != b] for row in st.table]


def _solve_blocks(
    blocks: Sequence[_Block],
    sizes: Sequence[list[int]],
    rngs: Sequence[np.random.Generator],
    s: GroupSettings,
) -> list[list[list[int]]]:
    """Search blocks of one slot count together (``_State.batch``): the swap rounds of
    all at once, each block stopping after ``patience`` idle rounds of its own; then
    each block's targeted pass alone. Each block's groups are what solving it alone
    with its ``rng`` gives."""
    st = _State.batch(
        blocks, [_first_table(b, z, r) for b, z, r in zip(blocks, sizes, rngs, strict=True)]
    )
    idle = [0] * len(blocks)
    active = list(range(len(blocks)))
    for _ in range(s.rounds):
        if not active:
            break
        done = st.pair_rounds(rngs, active).tolist()
        still = []
        for k in active:
            idle[k] = idle[k] + 1 if done[k] == 0 else 0
            if idle[k] < s.patience:
                still.append(k)
        active = still
    return [_finish(_State(blk, st.block_table(k)), s) for k, blk in enumerate(blocks)]


def _solve_block(
    blk: _Block, sizes: list[int], rng: np.random.Generator, s: GroupSettings
) -> list[list[int]]:
    return _solve_blocks([blk], [sizes], [rng], s)[0]


# What forked workers read: set just before the pool forks, cleared after.
_FORK_STATE: dict[str, object] = {}

BATCH = 16  # blocks searched together: NumPy calls amortised, 16 value matrices in memory


def _solve_batch(ks: list[int]) -> list[list[list[int]]]:
    """Blocks ``ks`` of the forked state's tasks, searched together."""
    st = _FORK_STATE
    c, tasks, s, keys = st["c"], st["tasks"], st["s"], st["keys"]
    blocks = [
        _block_arrays(c, tasks[k][0], keys.met[k], keys.forbidden[k])  # type: ignore[index,attr-defined,arg-type]  # _FORK_STATE holds what the parent process stored, untyped
        for k in ks
    ]
    sizes = [tasks[k][1] for k in ks]  # type: ignore[index]  # _FORK_STATE holds what the parent process stored, untyped
    rngs = [np.random.default_rng(tasks[k][2]) for k in ks]  # type: ignore[index]  # _FORK_STATE holds what the parent process stored, untyped
    return _solve_blocks(blocks, sizes, rngs, s)  # type: ignore[arg-type]  # _FORK_STATE holds what the parent process stored, untyped


def _batches(tasks: list[tuple[IntArray, list[int], int]], workers: int) -> list[list[int]]:
    """Task numbers in batches of one slot count, at most ``BATCH`` each and, per slot
    count, a multiple of ``workers`` batches of near-equal size (balanced workers)."""
    by_slots: dict[int, list[int]] = {}
    for k, (_, sizes, _) in enumerate(tasks):
        by_slots.setdefault(max(sizes), []).append(k)
    out: list[list[int]] = []
    for ks in by_slots.values():
        count = workers * -(-len(ks) // (workers * BATCH))
        out.extend(part.tolist() for part in np.array_split(np.asarray(ks), count) if part.size)
    return sorted(out, key=len, reverse=True)


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
    parallel = workers > 1 and len(tasks) >= 2 and big and "fork" in mp.get_all_start_methods()
    batches = _batches(tasks, workers if parallel else 1)
    solved: dict[int, list[list[int]]] = {}
    _FORK_STATE.update(c=c, tasks=tasks, s=s, keys=keys)
    try:
        if parallel:
            with mp.get_context("fork").Pool(
                min(workers, len(batches)), initializer=worker_init
            ) as pool:
                for ks, groups in zip(
                    batches, pool.map(_solve_batch, batches, chunksize=1), strict=True
                ):
                    solved.update(zip(ks, groups, strict=True))
        else:
            for ks in batches:
                solved.update(zip(ks, _solve_batch(ks), strict=True))
    finally:
        _FORK_STATE.clear()
    for k in range(len(tasks)):
        out.extend(solved[k])
    t["groups_search"] = time.perf_counter() - t0
    return out
