"""Pairs: near-optimal maximum-weight matching under the hard rules, at 100,000 people.

An exact blossom matching on the whole graph is O(n^3) and far too slow at this
scale, so the engine solves many small exact problems instead:

1. blocks: people are shuffled (within a location for in-person rounds) into
   random blocks of about 500; each block gets a dense score matrix with every
   hard rule applied, is thinned to each person's top-K valid partners, and is
   matched exactly (``rustworkx.max_weight_matching``, maximum cardinality first);
2. leftovers: people a block could not place are matched among themselves;
3. repair: whoever is still unmatched but has valid partners gets their full
   candidate set, and a small exact re-matching around them (their partners and
   those partners' mates) finds the augmenting paths that place them;
4. polish: a vectorised 2-opt over random pairs of pairs re-pairs people across
   block borders while it gains;
5. the odd one out joins the pair where a trio scores best, when the rules allow.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import rustworkx as rx

from .features import (
    BoolArray,
    Cohort,
    FloatArray,
    IntArray,
    pair_keys,
    pair_scores,
    sorted_unique,
    split_keys_by_block,
)
from .rules import dense_block, groups_ok, pair_ok

SCALE = 100  # rustworkx wants integer weights: scores are kept to 1/100


@dataclass
class PairSettings:
    """Knobs of the pair solver; the defaults are the measured sweet spot (docs/matching.md)."""

    block_size: int = 300
    top_k: int = 32
    random_partners: int = 8
    repair_partners: int = 48
    repair_batch: int = 8
    repair_dense_nodes: int = 300  # up to this many people, repair uses every valid edge
    polish_rounds: int = 12
    odd_ones_in_trios: bool = True  # False only to compare the bare matching with another
    workers: int | None = None  # processes for the block phase; None = CPUs available (max 4)


@dataclass
class PairOutcome:
    groups: list[tuple[int, ...]]
    unmatched: list[int]
    timings: dict[str, float] = field(default_factory=dict)


def _classes(c: Cohort, eligible: IntArray) -> list[IntArray]:
    """People who may ever share a group: one class per location in person, else one."""
    if c.mode != "in-person":
        return [eligible]
    locs = c.loc[eligible]
    order = np.argsort(locs, kind="stable")
    bounds = np.flatnonzero(np.diff(locs[order])) + 1
    return [np.sort(part) for part in np.split(eligible[order], bounds)]


def _random_blocks(members: IntArray, size: int, rng: np.random.Generator) -> list[IntArray]:
    """Shuffle and cut into nearly equal blocks of about ``size``."""
    perm = members[rng.permutation(members.size)]
    nb = max(1, round(members.size / size))
    return [b for b in np.array_split(perm, nb) if b.size]


def _edge_weights(c: Cohort, i: IntArray, j: IntArray, score: FloatArray) -> IntArray:
    """Integer matching weight: the pair's score plus both people's waiting bonus."""
    return np.rint((score + c.node_bonus[i] + c.node_bonus[j]) * SCALE).astype(np.int64)


def _solve_exact(nodes: int, a: IntArray, b: IntArray, w: IntArray) -> list[tuple[int, int]]:
    """Maximum-cardinality, then maximum-weight, matching of a small sparse graph."""
    if a.size == 0:
        return []
    g = rx.PyGraph(multigraph=False)
    g.add_nodes_from(range(nodes))
    g.add_edges_from(list(zip(a.tolist(), b.tolist(), w.tolist(), strict=True)))
    return [(int(x), int(y)) for x, y in rx.max_weight_matching(g, True, int)]


def _sparsify(
    weight: IntArray,
    valid: BoolArray,
    k: int,
    rng: np.random.Generator,
    *,
    extra: int = 8,
    keep: Sequence[tuple[int, int]] = (),
    full_rows: IntArray | None = None,
) -> tuple[IntArray, IntArray, IntArray]:
    """Each person's top-k valid partners plus ``extra`` random valid ones, as an edge list.

    Top-k alone points everyone at the same popular partners, and such a graph can
    lack a perfect matching the full graph has; a few random edges per person make
    the thinned graph keep the full graph's cardinality in practice. ``keep`` edges
    and every valid edge of ``full_rows`` are always kept.
    """
    b = weight.shape[0]
    kk = min(k, b - 1)
    if kk <= 0:
        e = np.empty(0, dtype=np.int64)
        return e, e, e
    masked = np.where(valid, weight, -1)
    top = np.argpartition(-masked, kk - 1, axis=1)[:, :kk]
    rows = [np.repeat(np.arange(b, dtype=np.int64), kk)]
    cols = [top.ravel().astype(np.int64)]
    if extra:
        rows.append(np.repeat(np.arange(b, dtype=np.int64), extra))
        cols.append(rng.integers(0, b, size=b * extra))
    if keep:
        kp = np.asarray(keep, dtype=np.int64)
        rows.append(kp[:, 0])
        cols.append(kp[:, 1])
    if full_rows is not None and full_rows.size:
        fr, fc = np.nonzero(valid[full_rows])
        rows.append(full_rows[fr])
        cols.append(fc.astype(np.int64))
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    ok = valid[r, c]
    r, c = r[ok], c[ok]
    keys = sorted_unique(np.minimum(r, c) * b + np.maximum(r, c))
    a, bb = keys // b, keys % b
    return a, bb, weight[a, bb]


def _solve_block(
    c: Cohort, blk: IntArray, met: IntArray, forbidden: IntArray, s: PairSettings, seed: int
) -> IntArray:
    """Exact matching of one block on its thinned graph: (pairs, 2) global indexes."""
    score, valid = dense_block(c, blk, met_keys=met, forbidden_keys=forbidden)
    weight = _edge_weights(c, blk[:, None], blk[None, :], score)
    a, b, w = _sparsify(
        weight, valid, s.top_k, np.random.default_rng(seed), extra=s.random_partners
    )
    pairs = np.asarray(_solve_exact(blk.size, a, b, w), dtype=np.int64).reshape(-1, 2)
    return np.asarray(blk[pairs])


# What forked workers read: set just before the pool forks, cleared after.
_FORK_STATE: dict[str, object] = {}


def _solve_chunk(ks: list[int]) -> list[IntArray]:
    st = _FORK_STATE
    c, blocks, keys, s, seeds = (st[k] for k in ("c", "blocks", "keys", "s", "seeds"))
    return [
        _solve_block(c, blocks[k], keys.met[k], keys.forbidden[k], s, seeds[k])  # type: ignore[index,attr-defined,arg-type]  # _FORK_STATE holds what the parent process stored, untyped
        for k in ks
    ]


def worker_init() -> None:
    """Give forked workers the default signal handling. A worker inherits its parent's
    handlers; when the parent is a long-running command that catches SIGTERM to stop
    cleanly (the scheduler), the pool's own SIGTERM would be caught too and closing
    the pool would wait for ever."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def workers_available(requested: int | None) -> int:
    """Processes for the block phase: as asked, else ``CROSSPATHS_MATCH_WORKERS``, else
    the CPUs this process may use (at most 4). 1 means no worker processes at all."""
    if requested is None and os.environ.get("CROSSPATHS_MATCH_WORKERS", "").isdigit():
        requested = int(os.environ["CROSSPATHS_MATCH_WORKERS"])
    if requested is not None:
        return max(1, requested)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def _match_blocks(
    c: Cohort,
    blocks: list[IntArray],
    mate: IntArray,
    s: PairSettings,
    rng: np.random.Generator,
) -> None:
    """Exact matching inside each block (on its thinned graph); fills ``mate``.

    Blocks are independent, so with several CPUs they are solved in forked worker
    processes (rustworkx holds the GIL, threads would not help). Each block has its
    own seed, so the result does not depend on how blocks are spread over workers.
    """
    block_of = np.full(c.n, -1, dtype=np.int64)
    for k, blk in enumerate(blocks):
        block_of[blk] = k
    keys = split_keys_by_block(c, block_of, len(blocks))
    seeds = rng.integers(0, 2**62, size=len(blocks)).tolist()
    todo = [k for k, blk in enumerate(blocks) if blk.size >= 2]
    workers = workers_available(s.workers)
    results: list[IntArray] = []
    if workers > 1 and len(todo) >= 8 and "fork" in mp.get_all_start_methods():
        _FORK_STATE.update(c=c, blocks=blocks, keys=keys, s=s, seeds=seeds)
        try:
            chunks = [todo[i :: workers * 2] for i in range(workers * 2)]
            with mp.get_context("fork").Pool(workers, initializer=worker_init) as pool:
                for part in pool.map(_solve_chunk, chunks):
                    results.extend(part)
        finally:
            _FORK_STATE.clear()
    else:
        for k in todo:
            results.append(_solve_block(c, blocks[k], keys.met[k], keys.forbidden[k], s, seeds[k]))
    for pairs in results:
        mate[pairs[:, 0]] = pairs[:, 1]
        mate[pairs[:, 1]] = pairs[:, 0]


def _repair(
    c: Cohort, members: IntArray, mate: IntArray, s: PairSettings, rng: np.random.Generator
) -> None:
    """Place unmatched people who have valid partners, by local exact re-matching.

    Each stuck person brings their best valid partners (all of them when few) and
    those partners' current mates into a small subgraph; its exact
    maximum-cardinality matching contains the augmenting paths through them, so it
    never places fewer people than before and usually places the stuck ones.
    """
    stuck = [int(r) for r in members[mate[members] < 0]]
    if len(stuck) < 1:
        return
    # Fewest valid partners first: they are the hardest to place.
    partners: dict[int, IntArray] = {}
    for r in stuck:
        ok = pair_ok(c, np.int64(r), members)  # type: ignore[arg-type]  # a numpy scalar where the rule takes an array: it broadcasts
        cand = members[ok]
        if cand.size:
            sc = pair_scores(c, np.full(cand.size, r), cand)
            order = np.argsort(-sc, kind="stable")[: s.repair_partners]
            free = cand[mate[cand] < 0][: s.repair_partners]
            rand = cand[rng.integers(0, cand.size, size=min(cand.size, 16))]
            partners[r] = sorted_unique(np.concatenate([cand[order], free, rand]))
    todo = sorted(partners, key=lambda r: (partners[r].size, r))
    for start in range(0, len(todo), s.repair_batch):
        batch = [r for r in todo[start : start + s.repair_batch] if mate[r] < 0]
        if not batch:
            continue
        nodes = set(batch)
        for r in batch:
            for p in partners[r].tolist():
                nodes.add(p)
                if mate[p] >= 0:
                    nodes.add(int(mate[p]))
        # Other stuck people can be the far end of an augmenting path.
        nodes.update(int(x) for x in members[mate[members] < 0][:64].tolist())
        sub = np.array(sorted(nodes), dtype=np.int64)
        before = int((mate[sub] >= 0).sum())
        outside = (mate[sub] >= 0) & ~np.isin(mate[sub], sub)
        core = sub[~outside]
        score, valid = dense_block(c, core)
        weight = _edge_weights(c, core[:, None], core[None, :], score)
        pos = {int(p): k for k, p in enumerate(core.tolist())}
        keep = [
            (pos[int(p)], pos[int(mate[p])])
            for p in core.tolist()
            if mate[p] >= 0 and int(mate[p]) in pos and p < mate[p]
        ]
        stuck_rows = np.asarray([pos[r] for r in batch if r in pos], dtype=np.int64)
        if core.size <= s.repair_dense_nodes:
            a, b = np.nonzero(np.triu(valid, 1))
            a, b = a.astype(np.int64), b.astype(np.int64)
            w = weight[a, b]
        else:
            a, b, w = _sparsify(weight, valid, s.top_k, rng, keep=keep, full_rows=stuck_rows)
        result = _solve_exact(core.size, a, b, w)
        if 2 * len(result) + int(outside.sum()) < before:
            continue  # never place fewer people (cannot happen; belt and braces)
        mate[core] = -1
        for x, y in result:
            mate[core[x]] = core[y]
            mate[core[y]] = core[x]


def _polish(c: Cohort, mate: IntArray, rounds: int, rng: np.random.Generator) -> None:
    """Vectorised 2-opt: for random pairs of pairs try both re-pairings, keep gains."""
    for _ in range(rounds):
        left = np.flatnonzero(mate > np.arange(c.n))
        if left.size < 2:
            return
        perm = left[rng.permutation(left.size)]
        half = perm.size // 2
        a, c1 = perm[:half], perm[half : 2 * half]
        b, d = mate[a], mate[c1]
        # Waiting bonuses do not change (the same people stay matched): scores only.
        old = pair_scores(c, a, b) + pair_scores(c, c1, d)
        opt1 = pair_scores(c, a, c1) + pair_scores(c, b, d)
        opt2 = pair_scores(c, a, d) + pair_scores(c, b, c1)
        ok1 = pair_ok(c, a, c1) & pair_ok(c, b, d)
        ok2 = pair_ok(c, a, d) & pair_ok(c, b, c1)
        gain1 = np.where(ok1, opt1 - old, -np.inf)
        gain2 = np.where(ok2, opt2 - old, -np.inf)
        take1 = (gain1 > 1e-9) & (gain1 >= gain2)
        take2 = (gain2 > 1e-9) & ~take1
        if not (take1.any() or take2.any()):
            return
        for t, x, y, u, v in ((take1, a, c1, b, d), (take2, a, d, b, c1)):
            x, y, u, v = x[t], y[t], u[t], v[t]
            mate[x], mate[y], mate[u], mate[v] = y, x, v, u


def trio_ok(c: Cohort, r: IntArray, a: IntArray, b: IntArray) -> BoolArray:
    """Whether person r may join pair (a, b): the kernel's group check on the trio."""
    return groups_ok(c, np.stack(np.broadcast_arrays(r, a, b), axis=-1))


def _add_odd_ones(c: Cohort, members: IntArray, mate: IntArray) -> dict[int, int]:
    """Put each person still unmatched into the best pair that can become a valid trio."""
    extra: dict[int, int] = {}  # pair's lower member -> third person
    left = members[mate[members] < 0]
    for r in left.tolist():
        a = members[(mate[members] > members)]
        if a.size == 0:
            break
        b = mate[a]
        rr = np.full(a.size, r, dtype=np.int64)
        ok = trio_ok(c, rr, a, b)
        taken = np.isin(a, np.fromiter(extra, dtype=np.int64, count=len(extra)))
        ok &= ~taken
        if not ok.any():
            continue
        gain = pair_scores(c, rr, a) + pair_scores(c, rr, b)
        gain = np.where(ok, gain, -np.inf)
        best = int(np.argmax(gain))
        extra[int(a[best])] = r
    return extra


def match_pairs(
    c: Cohort,
    eligible: IntArray,
    rng: np.random.Generator,
    settings: PairSettings | None = None,
    timings: dict[str, float] | None = None,
) -> PairOutcome:
    """Pairs (and at most one trio per unmatched odd person) for the eligible people."""
    s = settings or PairSettings()
    t = timings if timings is not None else {}
    mate = np.full(c.n, -1, dtype=np.int64)
    groups: list[tuple[int, ...]] = []
    unmatched: list[int] = []
    t0 = time.perf_counter()
    classes = _classes(c, eligible)
    blocks = [blk for members in classes for blk in _random_blocks(members, s.block_size, rng)]
    _match_blocks(c, blocks, mate, s, rng)
    t1 = time.perf_counter()
    t["pairs_blocks"] = t1 - t0
    for members in classes:
        left = members[mate[members] < 0]
        if left.size >= 2:
            _match_blocks(c, _random_blocks(left, 4 * s.block_size, rng), mate, s, rng)
    t2 = time.perf_counter()
    t["pairs_leftovers"] = t2 - t1
    for members in classes:
        if (mate[members] < 0).sum() >= 1:
            _repair(c, members, mate, s, rng)
    t3 = time.perf_counter()
    t["pairs_repair"] = t3 - t2
    _polish(c, mate, s.polish_rounds, rng)
    t4 = time.perf_counter()
    t["pairs_polish"] = t4 - t3
    for members in classes:
        extra = _add_odd_ones(c, members, mate) if s.odd_ones_in_trios else {}
        for a in members[mate[members] > members].tolist():
            b = int(mate[a])
            groups.append((a, b, extra[a]) if a in extra else (a, b))
        placed_extra = set(extra.values())
        unmatched.extend(int(r) for r in members[mate[members] < 0] if int(r) not in placed_extra)
    t["pairs_odd_ones"] = time.perf_counter() - t4
    return PairOutcome(groups=groups, unmatched=sorted(unmatched), timings=t)


__all__ = ["PairOutcome", "PairSettings", "match_pairs", "pair_keys", "trio_ok"]
