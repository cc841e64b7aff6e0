"""Words for the engine's choices: why a group is good, which hard rule a group breaks,
why someone was left out. Every reason has a stable code and parameters (the web
app translates those) plus an English sentence (for the CLI and logs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from .features import Cohort, IntArray
from .rules import has_window, pair_ok, speaks, start_reach
from .types import PastGroup, Person, Reason, Rules, Weights
from .words import join_words, language_name, who


def is_new_hire(p: Person, rules: Rules, on: date) -> bool:
    return p.start_date is not None and 0 <= (on - p.start_date).days < rules.new_hire_days


def is_tenured(p: Person, rules: Rules, on: date) -> bool:
    return p.start_date is not None and (on - p.start_date).days >= rules.tenured_days


def organizer_order(members: Sequence[Person], position: dict[str, int]) -> list[Person]:
    """The designated organizer first: the most tenured member (earliest start date),
    then who waited longest, then roster order. The rest follow in roster order."""

    def key(p: Person) -> tuple[int, int, int]:
        start = p.start_date.toordinal() if p.start_date else 10**7
        return (start, -p.waited_rounds, position.get(p.id, 0))

    first = min(members, key=key)
    rest = sorted((p for p in members if p is not first), key=lambda p: position.get(p.id, 0))
    return [first, *rest]


def organizer_orders(groups: Sequence[Sequence[int]], people: Sequence[Person]) -> list[list[int]]:
    """``organizer_order`` for every group of roster indexes at once, the groups then
    sorted by their organizer's roster position (the order of OUT.csv).

    The same order as calling ``organizer_order`` per group, as arrays: one rank per
    person (start date, longest wait, roster order) and, per group size, the member
    of least rank first and the rest in roster order. At 100,000 people the per-group
    version with ``Person`` keys took about a second.
    """
    n = len(people)
    start = np.fromiter(
        (p.start_date.toordinal() if p.start_date else 10**7 for p in people),
        dtype=np.int64,
        count=n,
    )
    waited = np.fromiter((p.waited_rounds for p in people), dtype=np.int64, count=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), -waited, start))] = np.arange(n)
    out: list[tuple[int, list[int]]] = []
    by_size: dict[int, list[Sequence[int]]] = {}
    for g in groups:
        by_size.setdefault(len(g), []).append(g)
    for size, same in by_size.items():
        table = np.sort(np.array(same, dtype=np.int64).reshape(len(same), size), axis=1)
        first = np.argmin(rank[table], axis=1)
        rows = np.arange(len(same))
        head = table[rows, first]
        keep = np.ones(table.shape, dtype=bool)
        keep[rows, first] = False
        rest = table[keep].reshape(len(same), size - 1)
        ordered = np.column_stack((head, rest)).tolist()
        out.extend(zip(head.tolist(), ordered, strict=True))
    out.sort(key=lambda pair: pair[0])
    return [g for _, g in out]


def group_reasons(
    members: Sequence[Person],
    *,
    first_meeting: bool,
    rules: Rules,
    weights: Weights,
    on: date,
) -> tuple[Reason, ...]:
    """Why this group is a good one, strongest reason first (the order of the weights)."""
    out: list[Reason] = []
    depts = sorted({p.department for p in members if p.department})
    if weights.different_department and len(depts) >= 2:
        out.append(
            Reason(
                "different_departments",
                f"from different departments: {join_words(depts)}",
                {"departments": depts},
            )
        )
    if weights.never_met and first_meeting:
        out.append(Reason("first_meeting", "meeting for the first time", {}))
    locs = sorted({p.location for p in members if p.location})
    if rules.mode == "virtual" and weights.different_location and len(locs) >= 2:
        out.append(
            Reason(
                "different_locations",
                f"working in different places: {join_words(locs)}",
                {"locations": locs},
            )
        )
    teams = sorted({p.team for p in members if p.team})
    if weights.different_team and len(depts) < 2 and len(teams) >= 2:
        out.append(
            Reason(
                "different_teams", f"from different teams: {join_words(teams)}", {"teams": teams}
            )
        )
    levels = [p.level for p in members if p.level is not None]
    if (
        weights.level_distance
        and len(levels) == len(members)
        and max(levels) - min(levels) <= rules.level_bound
    ):
        out.append(
            Reason(
                "close_levels",
                f"levels within {rules.level_bound} of each other",
                {"bound": rules.level_bound},
            )
        )
    counts: dict[str, int] = {}
    for p in members:
        for i in p.interests:
            counts[i] = counts.get(i, 0) + 1
    shared = sorted(i for i, k in counts.items() if k >= 2)
    if weights.shared_interest and shared:
        out.append(
            Reason(
                "shared_interests",
                f"something to talk about: {join_words(shared)}",
                {"interests": shared},
            )
        )
    new = [p for p in members if is_new_hire(p, rules, on)]
    tenured = [p for p in members if is_tenured(p, rules, on)]
    if weights.new_hire_with_tenured and new and tenured:
        names = [who(p) for p in new]
        hosts = [who(p) for p in tenured]
        out.append(
            Reason(
                "new_hire_welcome",
                f"{join_words(names)} joined recently and meets {join_words(hosts)}, "
                "who has been here over a year"
                if len(hosts) == 1
                else f"{join_words(names)} joined recently and meets {join_words(hosts)}, "
                "who have been here over a year",
                {"new_hires": names, "tenured": hosts},
            )
        )
    waited = [p for p in members if p.waited_rounds > 0]
    if weights.waited and waited:
        names = [who(p) for p in waited]
        out.append(
            Reason(
                "waited",
                f"{join_words(names)} waited since an earlier round and went first",
                {"people": names, "rounds": {who(p): p.waited_rounds for p in waited}},
            )
        )
    return tuple(out)


MAX_DIAGNOSED = 2000


def _only_speaker(mine: list[str]) -> str:
    return f"{mine[0]}-only speaker" if len(mine) == 1 else f"speaker of {join_words(mine)}"


def left_out_reasons(c: Cohort, left: IntArray, eligible: IntArray) -> list[tuple[str, str]]:
    """A code and a concrete sentence for each person in ``left`` (who got no group).

    The location, language and time checks use counts over the whole round (one
    pass, then a lookup per person), so a round with many people left out stays
    fast; only people those checks cannot explain get their partners counted.
    """
    out: dict[int, tuple[str, str]] = {}
    if left.size == 0:
        return []
    n_el = eligible.size
    sp = speaks(c, eligible) == 1  # (eligible, L)
    pos = np.full(c.n, -1, dtype=np.int64)
    pos[eligible] = np.arange(n_el)
    width = start_reach(c.rules)
    start = c.start_utc[eligible]
    known = has_window(start, c.end_utc[eligible])
    if c.mode == "in-person":
        loc_ids, loc_inv = np.unique(c.loc[eligible], return_inverse=True)
        loc_count = np.bincount(loc_inv)
        lang_count = np.stack(
            [
                np.bincount(loc_inv, weights=sp[:, k], minlength=loc_ids.size)
                for k in range(sp.shape[1])
            ],
            axis=1,
        )
    else:
        by_lang = [np.sort(start[sp[:, k] & known]) for k in range(sp.shape[1])]
        open_by_lang = (sp & ~known[:, None]).sum(axis=0)
        all_known = np.sort(start[known])
        n_open = int((~known).sum())
    unexplained: list[int] = []
    for p in left.tolist():
        person = c.people[p]
        name = who(person)
        k = int(pos[p])
        mine = sorted(language_name(x) for x in person.languages)
        if n_el <= 1:
            out[p] = ("alone", f"{name} is the only participant this round")
            continue
        langs = sp[k]
        if c.mode == "in-person":
            place = person.location or "an unknown location"
            li = int(loc_inv[k])
            if loc_count[li] <= 1:
                out[p] = ("no_one_at_location", f"{name} is the only participant in {place}")
            elif not (lang_count[li][langs] >= 2).any():
                out[p] = ("no_shared_language", f"the only {_only_speaker(mine)} in {place}")
            else:
                unexplained.append(p)
            continue
        if not (sp[:, langs].sum(axis=0) >= 2).any():
            out[p] = ("no_shared_language", f"{name} is the only {_only_speaker(mine)} this round")
            continue
        if known[k]:
            s0 = start[k]
            hours = int(np.searchsorted(all_known, s0 + width, "right")) - int(
                np.searchsorted(all_known, s0 - width, "left")
            )
            both = 0
            for li in np.flatnonzero(langs).tolist():
                arr = by_lang[li]
                both = max(
                    both,
                    int(np.searchsorted(arr, s0 + width, "right"))
                    - int(np.searchsorted(arr, s0 - width, "left"))
                    + int(open_by_lang[li]),
                )
            if hours + n_open <= 1:
                out[p] = (
                    "no_time_overlap",
                    f"no colleague's working hours overlap {name}'s ({person.timezone}) by "
                    f"{c.rules.min_overlap_minutes} minutes",
                )
                continue
            if both <= 1:
                out[p] = (
                    "no_shared_language_and_hours",
                    f"no colleague shares a language and working hours with {name}",
                )
                continue
        unexplained.append(p)
    # The rest share language, hours and place with someone: count their valid partners
    # (O(round) each, so only for the first MAX_DIAGNOSED; more means a failed round).
    for p in unexplained[MAX_DIAGNOSED:]:
        out[p] = ("not_placed", f"{who(c.people[p])} could not be placed this round")
    unexplained = unexplained[:MAX_DIAGNOSED]
    for b in range(0, len(unexplained), 64):
        batch = np.asarray(unexplained[b : b + 64], dtype=np.int64)
        counts = pair_ok(c, batch[:, None], eligible[None, :]).sum(axis=1)
        for p, partners in zip(batch.tolist(), counts.tolist(), strict=True):
            name = who(c.people[p])
            if partners == 0:
                out[p] = (
                    "no_valid_partner",
                    f"everyone who could meet {name} is their manager or report, blocked, or "
                    f"met {name} within the last {c.rules.cooldown_weeks} weeks",
                )
            elif c.rules.size == 2:
                out[p] = (
                    "odd_one_out",
                    f"odd one out: {name}'s {partners} possible partner(s) were all needed in "
                    "other pairs, and no pair could take a third member under the rules",
                )
            else:
                out[p] = (
                    "no_valid_group",
                    f"no group of {max(2, c.rules.size - 1)} to {c.rules.size + 1} could take "
                    f"{name} without breaking a rule ({partners} colleague(s) qualify as "
                    "partners, too few who also share a language and hours with each other)",
                )
    return [out[p] for p in left.tolist()]


def explain_group(
    members: Sequence[Person],
    *,
    history: Sequence[PastGroup] = (),
    rules: Rules = Rules(),  # noqa: B008
    weights: Weights = Weights(),  # noqa: B008
    on: date,
) -> tuple[float, tuple[Reason, ...]]:
    """The score and the reasons of any group, e.g. one an admin edited by hand."""
    from .features import build_cohort, contains, pair_keys, pair_scores

    c = build_cohort(members, history=history, rules=rules, weights=weights, on=on)
    if c.n < 2:
        return float(c.node_bonus.sum()), ()
    a, b = np.triu_indices(c.n, 1)
    ia, ib = a.astype(np.int64), b.astype(np.int64)
    score = float(pair_scores(c, ia, ib).sum() + c.node_bonus.sum())
    first = not bool(contains(c.met_keys, pair_keys(ia, ib, c.n)).any())
    return score, group_reasons(members, first_meeting=first, rules=rules, weights=weights, on=on)
