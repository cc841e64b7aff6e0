"""Team bridges: 1:1 pairs across two or more teams, never within one, rotating.

A bridge joins teams that rarely meet (often on different continents). Each round
pairs people of *different* sides only, by video, and only where the engine's rules
allow the pair (``rules.pair_ok``: common working hours, a shared language, never
manager and report, not blocked, not within the cooldown). The rotation prefers the
pairs that met least often in the bridge so far, then the ones that met longest ago,
so a lap ends when every possible cross pair has met once and the next lap starts by
itself (nobody is told to stop meeting).

Decisions (docs/decisions.md, "Team bridges"):

* 1:1 only, as the issue says: with unequal sides the larger side's surplus sits out
  (``other_side_full``) and goes first next round (its ``waited_rounds`` raise every
  pair it is in), never a trio.
* People with no possible partner on any other side (no common working hours, no
  shared language, ...) are reported with the engine's left-out codes, not matched.
* Maximum cardinality first (as many people meet as possible), then the rotation
  weight: one exact ``rustworkx.max_weight_matching`` over the cross pairs; a bridge
  is teams, not a company (hundreds of people, not 100,000).

No Django here: sides, the bridge's own past meetings and the engine's people come in
as plain data. Every pair is finally held to ``check.hard_rule_problems``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import rustworkx as rx

from .check import hard_rule_problems
from .explain import group_reasons, organizer_order
from .features import Cohort, build_cohort, pair_scores
from .metrics import group_scores, round_metrics
from .rules import hours_ok, language_ok, pair_ok
from .types import Group, LeftOut, PastGroup, Person, Reason, Result, Rules, Weights
from .words import join_words

# Rotation weights (integers: the matching is exact on integers). One meeting fewer
# outweighs any recency, waiting or soft-score difference.
PER_MEETING_FEWER = 1_000_000
PER_DAY_SINCE = 100  # days since the pair last met in the bridge (capped)
DAYS_CAP = 3_650
PER_WAITED_ROUND = 50_000  # who sat out goes first, within the same meeting count
PER_SCORE_POINT = 10  # the engine's soft preferences, as a tie-breaker
NOT_IN_BRIDGE = "not_in_bridge"
OTHER_SIDE_FULL = "other_side_full"


@dataclass(frozen=True)
class PairRecord:
    """How often two people met in the bridge so far, and when last."""

    count: int
    last: date


def bridge_record(history: Sequence[PastGroup]) -> dict[frozenset[str], PairRecord]:
    """Every pair of the bridge's past groups: meetings counted, last date kept."""
    out: dict[frozenset[str], PairRecord] = {}
    for g in history:
        for k, a in enumerate(g.members):
            for b in g.members[k + 1 :]:
                key = frozenset((a, b))
                old = out.get(key)
                if old is None:
                    out[key] = PairRecord(1, g.date)
                else:
                    out[key] = PairRecord(old.count + 1, max(old.last, g.date))
    return out


def cross_pairs(sides: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every pair of people on different sides (sorted ids), the bridge's universe."""
    ids = sorted(i for i, s in sides.items() if s)
    return [(a, b) for k, a in enumerate(ids) for b in ids[k + 1 :] if sides[a] != sides[b]]


def coverage(
    sides: Mapping[str, str], record: Mapping[frozenset[str], PairRecord]
) -> tuple[int, int]:
    """(cross pairs that met at least once, all cross pairs) for the current members."""
    pairs = cross_pairs(sides)
    met = sum(1 for a, b in pairs if frozenset((a, b)) in record)
    return met, len(pairs)


def _jitter(seed: int, a: str, b: str) -> int:
    digest = hashlib.blake2b(f"{seed}:{a}:{b}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % 10


def _why_alone(c: Cohort, k: int, others: np.ndarray) -> str:
    """The engine's left-out code for someone with no possible partner at all."""
    if others.size == 0:
        return "alone"
    lang = language_ok(c.lang[k] & c.lang[others])
    hours = hours_ok(
        np.maximum(c.start_utc[k], c.start_utc[others]),
        np.minimum(c.end_utc[k], c.end_utc[others]),
        c.rules,
    )
    if (lang & hours).any():
        return "no_valid_partner"
    if lang.any() and hours.any():
        return "no_shared_language_and_hours"
    if lang.any():
        return "no_time_overlap"
    if hours.any():
        return "no_shared_language"
    return "no_shared_language_and_hours"


LEFT_TEXT = {
    "alone": "nobody takes part on the other side of the bridge",
    "no_valid_partner": "everyone on the other side is their manager or report, blocked, or "
    "met them recently",
    "no_shared_language_and_hours": "nobody on the other side shares both a language and "
    "working hours with them",
    "no_time_overlap": "nobody on the other side has working hours that overlap theirs enough",
    "no_shared_language": "nobody on the other side shares one of their languages",
    NOT_IN_BRIDGE: "they are not in one of the bridge's teams",
    OTHER_SIDE_FULL: "the other side had fewer people this round; they go first next round",
}


def bridge_match(
    people: Sequence[Person],
    *,
    sides: Mapping[str, str],
    bridge_history: Sequence[PastGroup] = (),
    history: Sequence[PastGroup] = (),
    blocked: Sequence[tuple[str, str]] = (),
    rules: Rules = Rules(),  # noqa: B008 - frozen dataclass, safe as a default
    weights: Weights = Weights(),  # noqa: B008
    on: date,
    seed: int = 0,
) -> Result:
    """One round of a bridge: 1:1 cross-side pairs keeping every hard rule, as many as
    possible, the least-met pairs first; everyone else reported with a reason.

    ``sides`` maps a person's id to their side (the team's name); a person without one
    is left out (``not_in_bridge``). ``bridge_history`` is every earlier group of the
    bridge (the rotation); ``history`` the organization's groups for the cooldown.
    """
    rules = Rules(**{**rules.__dict__, "size": 2, "mode": "virtual"})
    c = build_cohort(people, history=history, blocked=blocked, rules=rules, weights=weights, on=on)
    side = [sides.get(p.id, "") for p in people]
    record = bridge_record(bridge_history)
    left: list[LeftOut] = []
    inside = [k for k in range(c.n) if side[k]]
    for k in range(c.n):
        if not side[k]:
            left.append(LeftOut(people[k].id, NOT_IN_BRIDGE, LEFT_TEXT[NOT_IN_BRIDGE]))
    idx = np.asarray(inside, dtype=np.int64)
    graph = rx.PyGraph()
    graph.add_nodes_from(range(c.n))
    has_partner = np.zeros(c.n, dtype=bool)
    if idx.size >= 2:
        i_all, j_all = np.triu_indices(idx.size, 1)
        i, j = idx[i_all], idx[j_all]
        side_arr = np.asarray(side, dtype=object)
        cross = side_arr[i] != side_arr[j]
        i, j = i[cross], j[cross]
        ok = pair_ok(c, i, j) if i.size else np.zeros(0, dtype=bool)
        i, j = i[ok], j[ok]
        has_partner[i] = True
        has_partner[j] = True
        edges = []
        counts = [
            record.get(frozenset((people[a].id, people[b].id)))
            for a, b in zip(i.tolist(), j.tolist(), strict=True)
        ]
        most = max((r.count for r in counts if r), default=0)
        soft = pair_scores(c, i, j) if i.size else np.zeros(0)
        for a, b, r, s in zip(i.tolist(), j.tolist(), counts, soft.tolist(), strict=True):
            days = DAYS_CAP if r is None else min(DAYS_CAP, (on - r.last).days)
            waited = min(people[a].waited_rounds, rules.waited_cap) + min(
                people[b].waited_rounds, rules.waited_cap
            )
            w = (
                PER_MEETING_FEWER * (most + 1 - (r.count if r else 0))
                + PER_DAY_SINCE * max(0, days)
                + PER_WAITED_ROUND * waited
                + int(PER_SCORE_POINT * s)
                + _jitter(seed, people[a].id, people[b].id)
            )
            edges.append((a, b, w))
        graph.add_edges_from(edges)
    pairs = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=lambda w: w)
    position = {p.id: k for k, p in enumerate(people)}
    index_groups: list[list[int]] = []
    dropped = 0
    for a, b in sorted(tuple(sorted(p)) for p in pairs):
        members = [people[a], people[b]]
        if hard_rule_problems(members, history=history, blocked=blocked, rules=rules, on=on):
            dropped += 1  # the kernel and the independent check disagree: never ship it
            continue
        index_groups.append([position[p.id] for p in organizer_order(members, position)])
    placed = {k for g in index_groups for k in g}
    for k in inside:
        if k in placed:
            continue
        others = np.asarray([x for x in inside if side[x] != side[k]], dtype=np.int64)
        code = OTHER_SIDE_FULL if has_partner[k] else _why_alone(c, k, others)
        left.append(LeftOut(people[k].id, code, LEFT_TEXT[code]))
    index_groups.sort(key=lambda g: g[0])
    scores, first = group_scores(c, index_groups) if index_groups else (np.zeros(0), np.zeros(0))
    groups = []
    for g, s, f in zip(index_groups, scores.tolist(), first.tolist(), strict=True):
        members = [people[k] for k in g]
        teams = sorted({side[k] for k in g})
        bridge_reason = Reason(
            "team_bridge", f"the bridge between {join_words(teams)}", {"teams": teams}
        )
        met = record.get(frozenset(p.id for p in members))
        reasons = group_reasons(members, first_meeting=bool(f), rules=rules, weights=weights, on=on)
        if met is not None:
            reasons = tuple(r for r in reasons if r.code != "first_meeting")
        groups.append(
            Group(
                members=tuple(p.id for p in members),
                score=round(float(s), 2),
                reasons=(bridge_reason, *reasons),
            )
        )
    metrics = round_metrics(c, index_groups, scores, left, c.n)
    metrics["dropped_by_final_check"] = dropped
    met_before, total = coverage(dict(zip([p.id for p in people], side, strict=True)), record)
    new = sum(1 for g in groups if frozenset(g.members) not in record)
    metrics["bridge"] = {
        "cross_pairs": total,
        "met_before": met_before,
        "new_pairs": new,
        "met_after": met_before + new,
    }
    return Result(groups=groups, left_out=left, metrics=metrics, timings={})


def out_of_reach(
    people: Sequence[Person],
    *,
    sides: Mapping[str, str],
    rules: Rules = Rules(),  # noqa: B008
    on: date,
) -> list[LeftOut]:
    """Members whom working hours or languages alone keep from everyone on the other
    side(s): the bridge reports them instead of matching them, before any round."""
    rules = Rules(**{**rules.__dict__, "size": 2, "mode": "virtual"})
    c = build_cohort(people, rules=rules, weights=Weights(), on=on)
    side = [sides.get(p.id, "") for p in people]
    out = []
    for k in range(c.n):
        if not side[k]:
            continue
        others = np.asarray(
            [x for x in range(c.n) if side[x] and side[x] != side[k]], dtype=np.int64
        )
        code = _why_alone(c, k, others)
        if code not in ("no_valid_partner", "alone"):
            out.append(LeftOut(people[k].id, code, LEFT_TEXT[code]))
    return out
