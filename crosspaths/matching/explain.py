"""Words for the engine's choices: why a group is good, which hard rule a group breaks,
why someone was left out. Every reason has a stable code and parameters (the web
app translates those) plus an English sentence (for the CLI and logs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import combinations

import numpy as np

from .features import Cohort, IntArray, pair_rules_ok, utc_offset_minutes
from .types import PastGroup, Person, Reason, Rules, Weights

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "da": "Danish",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.split("-")[0], code)


def who(p: Person) -> str:
    """How a sentence names a person: their name, else their id."""
    return p.name or p.id


def join_words(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


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


def _window(p: Person, rules: Rules, on: date) -> tuple[int, int] | None:
    if not p.timezone:
        return None
    off = utc_offset_minutes(p.timezone, on)
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


MAX_DIAGNOSED = 2000


def _speaks(c: Cohort, idx: IntArray) -> np.ndarray:
    """(people, languages) booleans; people without languages speak every one."""
    bit = np.arange(max(1, len(c.language_names)))
    words = c.lang[idx][:, bit // 64]
    return np.asarray(((words >> (bit % 64).astype(np.uint64)) & np.uint64(1)) == 1)


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
    sp = _speaks(c, eligible)  # (eligible, L)
    pos = np.full(c.n, -1, dtype=np.int64)
    pos[eligible] = np.arange(n_el)
    width = c.rules.work_end_minute - c.rules.work_start_minute - c.rules.min_overlap_minutes
    start = c.start_utc[eligible]
    known = c.end_utc[eligible] - start < 2 * (10**6)
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
        counts = pair_rules_ok(c, batch[:, None], eligible[None, :]).sum(axis=1)
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
