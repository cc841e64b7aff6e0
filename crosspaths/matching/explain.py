"""Words for the engine's choices: why a group is good, which hard rule a group breaks,
why someone was left out. Every reason has a stable code and parameters (the web
app translates those) plus an English sentence (for the CLI and logs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import numpy as np

from .features import BoolArray, Cohort, IntArray, build_cohort, contains, pair_keys, pair_scores
from .rules import has_window, pair_ok, speaks, start_reach
from .types import PastGroup, Person, Reason, Rules, Weights
from .words import join_words, language_name, who


def is_new_hire(p: Person, rules: Rules, on: date) -> bool:
    return p.start_date is not None and 0 <= (on - p.start_date).days < rules.new_hire_days


def is_tenured(p: Person, rules: Rules, on: date) -> bool:
    return p.start_date is not None and (on - p.start_date).days >= rules.tenured_days


def organizer_order(members: Sequence[Person], position: dict[str, int]) -> list[Person]:
    """The designated organizer first: the most tenured member (earliest start date),
    then who waited longest, then roster order. The rest follow in roster order.

    Parameters
    ----------
    members : sequence of Person
        One group.
    position : dict of str to int
        Roster position of each id (missing ids count as position 0).

    Returns
    -------
    list of Person
        The organizer, then the others in roster order.

    Notes
    -----
    O(m log m) for m members. ``organizer_orders`` does a whole round as arrays.
    """

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
    """Why this group is a good one, strongest reason first (the order of the weights).

    Parameters
    ----------
    members : sequence of Person
        The group, organizer first (the order names appear in sentences).
    first_meeting : bool
        Whether no two members met before (from the history).
    rules, weights : Rules, Weights
        The round's rules and soft weights; a reason whose weight is 0 is left out.
    on : date
        The round's date (who counts as a new hire or tenured).

    Returns
    -------
    tuple of Reason
        At most one reason per kind, in the order of ``_REASON_KINDS``.

    Notes
    -----
    O(members x interests). For a whole round use ``round_reasons``, which gives the
    same reasons computing each kind's words once per distinct combination.
    """
    found = (kind(members, first_meeting, rules, weights, on) for kind in _REASON_KINDS)
    return tuple(r for r in found if r is not None)


def _departments_reason(
    members: Sequence[Person], first: bool, rules: Rules, weights: Weights, on: date
) -> Reason | None:
    depts = sorted({p.department for p in members if p.department})
    if weights.different_department and len(depts) >= 2:
        return Reason(
            "different_departments",
            f"from different departments: {join_words(depts)}",
            {"departments": depts},
        )
    return None


_FIRST_MEETING = Reason("first_meeting", "meeting for the first time", {})


def _first_meeting_reason(
    members: Sequence[Person], first: bool, rules: Rules, weights: Weights, on: date
) -> Reason | None:
    return _FIRST_MEETING if weights.never_met and first else None


def _locations_reason(
    members: Sequence[Person], first: bool, rules: Rules, weights: Weights, on: date
) -> Reason | None:
    locs = sorted({p.location for p in members if p.location})
    if rules.mode == "virtual" and weights.different_location and len(locs) >= 2:
        return Reason(
            "different_locations",
            f"working in different places: {join_words(locs)}",
            {"locations": locs},
        )
    return None


def _teams_reason(
    members: Sequence[Person], first: bool, rules: Rules, weights: Weights, on: date
) -> Reason | None:
    # Teams only when the departments do not already make the group diverse.
    depts = {p.department for p in members if p.department}
    teams = sorted({p.team for p in members if p.team})
    if weights.different_team and len(depts) < 2 and len(teams) >= 2:
        return Reason(
            "different_teams", f"from different teams: {join_words(teams)}", {"teams": teams}
        )
    return None


def _levels_reason(
    members: Sequence[Person], first: bool, rules: Rules, weights: Weights, on: date
) -> Reason | None:
    levels = [p.level for p in members if p.level is not None]
    if (
        weights.level_distance
        and len(levels) == len(members)
        and max(levels) - min(levels) <= rules.level_bound
    ):
        return Reason(
            "close_levels",
            f"levels within {rules.level_bound} of each other",
            {"bound": rules.level_bound},
        )
    return None


def _interests_reason(
    members: Sequence[Person], first: bool, rules: Rules, weights: Weights, on: date
) -> Reason | None:
    counts: dict[str, int] = {}
    for p in members:
        for i in p.interests:
            counts[i] = counts.get(i, 0) + 1
    shared = sorted(i for i, k in counts.items() if k >= 2)
    if weights.shared_interest and shared:
        return Reason(
            "shared_interests",
            f"something to talk about: {join_words(shared)}",
            {"interests": shared},
        )
    return None


def _welcome_reason(
    members: Sequence[Person], first: bool, rules: Rules, weights: Weights, on: date
) -> Reason | None:
    new = [p for p in members if is_new_hire(p, rules, on)]
    tenured = [p for p in members if is_tenured(p, rules, on)]
    if not (weights.new_hire_with_tenured and new and tenured):
        return None
    names = [who(p) for p in new]
    hosts = [who(p) for p in tenured]
    return Reason(
        "new_hire_welcome",
        f"{join_words(names)} joined recently and meets {join_words(hosts)}, "
        "who has been here over a year"
        if len(hosts) == 1
        else f"{join_words(names)} joined recently and meets {join_words(hosts)}, "
        "who have been here over a year",
        {"new_hires": names, "tenured": hosts},
    )


def _waited_reason(
    members: Sequence[Person], first: bool, rules: Rules, weights: Weights, on: date
) -> Reason | None:
    waited = [p for p in members if p.waited_rounds > 0]
    if not (weights.waited and waited):
        return None
    names = [who(p) for p in waited]
    return Reason(
        "waited",
        f"{join_words(names)} waited since an earlier round and went first",
        {"people": names, "rounds": {who(p): p.waited_rounds for p in waited}},
    )


_ReasonKind = Callable[[Sequence[Person], bool, Rules, Weights, date], Reason | None]
_REASON_KINDS: tuple[_ReasonKind, ...] = (
    _departments_reason,
    _first_meeting_reason,
    _locations_reason,
    _teams_reason,
    _levels_reason,
    _interests_reason,
    _welcome_reason,
    _waited_reason,
)


def _combos(rows: np.ndarray) -> tuple[IntArray, IntArray]:
    """Distinct rows of a (groups, k) array: the first group with each, and each
    group's combination number."""
    if rows.ndim == 1:
        rows = rows[:, None]
    _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return np.asarray(first, dtype=np.int64), np.asarray(inverse, dtype=np.int64).reshape(-1)


def round_reasons(
    c: Cohort,
    groups: Sequence[Sequence[int]],
    first_meeting: Sequence[bool],
    *,
    rules: Rules,
    weights: Weights,
    on: date,
) -> list[tuple[Reason, ...]]:
    """``group_reasons`` of every group of a round (cohort indexes, organizer first).

    Parameters
    ----------
    c : Cohort
        The round's cohort (``c.people[k]`` is cohort index ``k``).
    groups : sequence of sequences of int
        Each group's cohort indexes in the order its sentences name them.
    first_meeting : sequence of bool
        Per group: no two members met before.
    rules, weights, on
        As for ``group_reasons``.

    Returns
    -------
    list of tuple of Reason
        Equal to ``group_reasons`` per group, in the order of ``groups``.

    Notes
    -----
    A reason's words depend on a few values of the members only (their departments,
    places, teams, levels, shared interests), and a round of 50,000 groups has far
    fewer distinct combinations of them: each kind is keyed per group from the
    cohort's code arrays, and its words are made once per distinct key, by the same
    function ``group_reasons`` calls, on the first group with that key. Only the
    reasons that name people (new hires, who waited) are made per group, for the
    few groups that have them. O(groups x size) array work plus O(distinct keys)
    words; at 100,000 pairs about 0.2 s instead of about 1.6 s. Groups with equal
    keys share their ``Reason`` objects (treat them as read-only).
    """
    people = c.people
    out: list[tuple[Reason, ...]] = [()] * len(groups)
    by_size: dict[int, list[int]] = {}
    for k, g in enumerate(groups):
        by_size.setdefault(len(g), []).append(k)
    waited = np.fromiter((p.waited_rounds > 0 for p in people), dtype=bool, count=c.n)
    first_arr = np.asarray(first_meeting, dtype=bool)
    for size, where in by_size.items():
        t = np.asarray([groups[k] for k in where], dtype=np.int64).reshape(len(where), size)
        firsts = first_arr[where]

        def keyed(
            kind: _ReasonKind, keys: np.ndarray, t: IntArray = t, firsts: BoolArray = firsts
        ) -> list[Reason | None]:
            first_of, inverse = _combos(keys)
            words = [
                kind([people[x] for x in t[g].tolist()], bool(firsts[g]), rules, weights, on)
                for g in first_of.tolist()
            ]
            return [words[k] for k in inverse.tolist()]

        def per_group(kind: _ReasonKind, mask: BoolArray, t: IntArray = t) -> list[Reason | None]:
            col: list[Reason | None] = [None] * len(t)
            for g in np.flatnonzero(mask).tolist():
                col[g] = kind([people[x] for x in t[g].tolist()], False, rules, weights, on)
            return col

        dept = np.sort(c.dept[t], axis=1)
        dept_words = keyed(_departments_reason, dept)
        first = [_FIRST_MEETING if weights.never_met and f else None for f in firsts.tolist()]
        columns = [dept_words, first]
        if rules.mode == "virtual" and weights.different_location:
            columns.append(keyed(_locations_reason, np.sort(c.loc[t], axis=1)))
        if weights.different_team:
            # c.team numbers (department, team): equal rows have equal team names, and
            # with the department row they decide the sentence.
            # A group with two known departments never gets the team reason: one key.
            new_dept = (dept >= 0) & np.concatenate(
                [np.ones((len(t), 1), dtype=bool), dept[:, 1:] != dept[:, :-1]], axis=1
            )
            teams = np.sort(c.team[t], axis=1)
            teams[new_dept.sum(axis=1) >= 2] = -2
            team_key = np.concatenate([dept, teams], axis=1)
            columns.append(keyed(_teams_reason, team_key))
        if weights.level_distance:
            lv = c.level[t]
            close = c.has_level[t].all(axis=1) & (
                lv.max(axis=1) - lv.min(axis=1) <= rules.level_bound
            )
            columns.append(keyed(_levels_reason, close))
        if weights.shared_interest:
            words = c.interests[t]  # (G, size, W)
            shared = np.zeros((len(t), words.shape[2]), dtype=np.uint64)
            for a in range(size):
                for b in range(a + 1, size):
                    shared |= words[:, a] & words[:, b]
            columns.append(keyed(_interests_reason, shared))
        if weights.new_hire_with_tenured:
            welcome = np.asarray(c.new_hire[t].any(axis=1) & c.tenured[t].any(axis=1))
            columns.append(per_group(_welcome_reason, welcome))
        if weights.waited:
            columns.append(per_group(_waited_reason, np.asarray(waited[t].any(axis=1))))
        for k, row in zip(where, zip(*columns, strict=True), strict=True):
            out[k] = tuple(filter(None, row))
    return out


MAX_DIAGNOSED = 2000


def _only_speaker(mine: list[str]) -> str:
    return f"{mine[0]}-only speaker" if len(mine) == 1 else f"speaker of {join_words(mine)}"


def left_out_reasons(c: Cohort, left: IntArray, eligible: IntArray) -> list[tuple[str, str]]:
    """A code and a concrete sentence for each person in ``left`` (who got no group).

    The location, language and time checks use counts over the whole round (one
    pass, then a lookup per person), so a round with many people left out stays
    fast; only people those checks cannot explain get their partners counted.

    Parameters
    ----------
    c : Cohort
        The round's cohort.
    left : IntArray
        Cohort indexes of the people without a group.
    eligible : IntArray
        Cohort indexes of everyone the round tried to place.

    Returns
    -------
    list of (str, str)
        Per person of ``left``, in its order: a stable code and an English sentence.

    Notes
    -----
    O(eligible x languages) once, O(log eligible) per person, and O(eligible) for
    each of at most ``MAX_DIAGNOSED`` people the counts cannot explain.
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
    """The score and the reasons of any group, e.g. one an admin edited by hand.

    Parameters
    ----------
    members : sequence of Person
        The group, organizer first.
    history : sequence of PastGroup
        Earlier groups (whether the members meet for the first time).
    rules, weights : Rules, Weights
        The round's rules and soft weights.
    on : date
        The round's date.

    Returns
    -------
    score : float
        The group's value in the engine's objective (its pairs' scores plus the
        members' waiting bonus).
    reasons : tuple of Reason
        As ``group_reasons`` gives them.

    Notes
    -----
    O(members^2 + history). Scores the same way the engine does (one cohort of the
    members), so a hand-edited group can be compared with the engine's.
    """
    c = build_cohort(members, history=history, rules=rules, weights=weights, on=on)
    if c.n < 2:
        return float(c.node_bonus.sum()), ()
    a, b = np.triu_indices(c.n, 1)
    ia, ib = a.astype(np.int64), b.astype(np.int64)
    score = float(pair_scores(c, ia, ib).sum() + c.node_bonus.sum())
    first = not bool(contains(c.met_keys, pair_keys(ia, ib, c.n)).any())
    return score, group_reasons(members, first_meeting=first, rules=rules, weights=weights, on=on)
