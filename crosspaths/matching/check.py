"""``hard_rule_problems``: the independent check of a group against every hard rule.

Written from the people themselves in plain Python, on purpose *not* on the rule
kernel (``rules.py``) the search uses: the tests hold the engine's output and the
kernel to this checker, and the HR console calls it on hand edits. It names every
broken rule, not just the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from itertools import combinations
from zoneinfo import ZoneInfo

import numpy as np

from .holdout import held_out, person_hashes
from .types import PastGroup, Person, Reason, Rules
from .words import join_words, language_name, who


def _window(p: Person, rules: Rules, on: date) -> tuple[int, int] | None:
    if not p.timezone:
        return None
    noon = datetime.combine(on, time(12), tzinfo=ZoneInfo(p.timezone)).utcoffset()
    off = 0 if noon is None else int(noon.total_seconds() // 60)
    return rules.work_start_minute - off, rules.work_end_minute - off


def hard_rule_problems(
    members: Sequence[Person],
    *,
    history: Sequence[PastGroup] = (),
    blocked: Iterable[tuple[str, str]] = (),
    rules: Rules = Rules(),  # noqa: B008 - frozen dataclass, safe as a default
    on: date,
) -> list[Reason]:
    """Every hard rule the group breaks, each with a sentence naming the people.

    The HR console calls this on hand edits, so it is plain Python over a handful
    of people and names every broken rule, not just the first.

    Parameters
    ----------
    members : sequence of Person
        The group as it would be sent out.
    history : sequence of PastGroup
        Earlier groups; only those with two of ``members`` matter.
    blocked : iterable of (str, str)
        Pairs of ids never to put together.
    rules : Rules
        The round's hard rules (size, mode, cooldown, working hours, hold-out).
    on : date
        The round's date (cooldown and time-zone offsets).

    Returns
    -------
    list of Reason
        One per broken rule (code, sentence, parameters); empty when the group
        keeps every rule.

    Notes
    -----
    O(members^2 + history). Deliberately independent of ``rules.py``: the tests and
    the benchmark hold the engine's kernel to it.
    """
    out: list[Reason] = []
    size = len(members)
    if size < 2:
        out.append(
            Reason(
                "group_too_small",
                f"a group needs at least 2 people; this one has {size}",
                {"size": size, "min": 2},
            )
        )
    if size > rules.size + 1:
        out.append(
            Reason(
                "group_too_large",
                f"a group has at most {rules.size + 1} people; this one has {size}",
                {"size": size, "max": rules.size + 1},
            )
        )
    ids = {p.id for p in members}
    cutoff = on.toordinal() - 7 * rules.cooldown_weeks
    last_met: dict[frozenset[str], date] = {}
    for g in history:
        if ids.isdisjoint(g.members) or g.date > on or g.date.toordinal() <= cutoff:
            continue
        inside = [m for m in g.members if m in ids]
        for a, b in combinations(inside, 2):
            key = frozenset((a, b))
            if key not in last_met or last_met[key] < g.date:
                last_met[key] = g.date
    blocked_set = {frozenset(pair) for pair in blocked}
    order = sorted(ids)
    hashes = dict(zip(order, person_hashes(order).tolist(), strict=True))
    for p, q in combinations(members, 2):
        if p.manager_id == q.id or q.manager_id == p.id:
            boss, report = (q, p) if p.manager_id == q.id else (p, q)
            out.append(
                Reason(
                    "manager_and_report",
                    f"{who(boss)} is {who(report)}'s manager",
                    {"manager": boss.id, "report": report.id},
                )
            )
        if frozenset((p.id, q.id)) in blocked_set:
            out.append(
                Reason(
                    "blocked_pair",
                    f"{who(p)} and {who(q)} are not to be matched (blocked)",
                    {"people": [p.id, q.id]},
                )
            )
        if rules.holdout_share > 0 and held_out(
            np.uint64(hashes[p.id]),
            np.uint64(hashes[q.id]),
            share=rules.holdout_share,
            seed=rules.holdout_seed,
        ):
            out.append(
                Reason(
                    "held_out_pair",
                    f"{who(p)} and {who(q)} are held out of this round for measurement",
                    {"people": [p.id, q.id]},
                )
            )
        met = last_met.get(frozenset((p.id, q.id)))
        if met is not None:
            out.append(
                Reason(
                    "met_recently",
                    f"{who(p)} and {who(q)} met on {met.isoformat()}, within the "
                    f"{rules.cooldown_weeks}-week cooldown",
                    {"people": [p.id, q.id], "date": met.isoformat()},
                )
            )
    speakers = [p for p in members if p.languages]
    if len(speakers) >= 2 and not frozenset.intersection(*(p.languages for p in speakers)):
        langs = {who(p): sorted(language_name(x) for x in p.languages) for p in speakers}
        spoken = "; ".join(f"{n} speaks {join_words(v)}" for n, v in langs.items())
        out.append(
            Reason(
                "no_shared_language",
                f"no language is spoken by everyone ({spoken})",
                {"people": [p.id for p in speakers]},
            )
        )
    if rules.mode == "virtual":
        windows = [(p, w) for p in members if (w := _window(p, rules, on)) is not None]
        if len(windows) >= 2:
            latest = max(windows, key=lambda x: x[1][0])
            earliest = min(windows, key=lambda x: x[1][1])
            overlap = earliest[1][1] - latest[1][0]
            if overlap < rules.min_overlap_minutes:
                out.append(
                    Reason(
                        "no_time_overlap",
                        f"the working hours of {who(earliest[0])} ({earliest[0].timezone}) and "
                        f"{who(latest[0])} ({latest[0].timezone}) overlap by "
                        f"{max(0, overlap)} minutes, less than {rules.min_overlap_minutes}",
                        {
                            "people": [earliest[0].id, latest[0].id],
                            "overlap_minutes": max(0, overlap),
                        },
                    )
                )
    else:
        locs = sorted({p.location for p in members})
        if len(locs) > 1:
            out.append(
                Reason(
                    "different_locations",
                    "an in-person group must share one location; this one spans "
                    + join_words([x or "(no location)" for x in locs]),
                    {"locations": locs},
                )
            )
    return out
