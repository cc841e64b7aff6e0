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
        if g.date > on or g.date.toordinal() <= cutoff:
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


def left_out_reason(c: Cohort, p: int, eligible: IntArray, placed: np.ndarray) -> tuple[str, str]:
    """A code and a concrete sentence for why person ``p`` has no group this round."""
    person = c.people[p]
    name = who(person)
    others = eligible[eligible != p]
    n_elig = others.size
    if n_elig == 0:
        return "alone", f"{name} is the only participant this round"
    mine = sorted(language_name(x) for x in person.languages)
    if c.mode == "in-person":
        here = others[c.loc[others] == c.loc[p]]
        place = person.location or "an unknown location"
        if here.size == 0:
            return "no_one_at_location", f"{name} is the only participant in {place}"
        share = here[np.any((c.lang[here] & c.lang[p]) != 0, axis=-1)]
        if share.size == 0:
            what = f"{mine[0]}-only speaker" if len(mine) == 1 else f"speaker of {join_words(mine)}"
            return "no_shared_language", f"the only {what} in {place}"
        pool = share
    else:
        lang_ok = np.any((c.lang[others] & c.lang[p]) != 0, axis=-1)
        overlap = np.minimum(c.end_utc[others], c.end_utc[p]) - np.maximum(
            c.start_utc[others], c.start_utc[p]
        )
        time_ok = overlap >= c.rules.min_overlap_minutes
        if not lang_ok.any():
            what = f"{mine[0]}-only speaker" if len(mine) == 1 else f"speaker of {join_words(mine)}"
            return "no_shared_language", f"{name} is the only {what} this round"
        if not time_ok.any():
            return (
                "no_time_overlap",
                f"no colleague's working hours overlap {name}'s ({person.timezone}) by "
                f"{c.rules.min_overlap_minutes} minutes",
            )
        if not (lang_ok & time_ok).any():
            return (
                "no_shared_language_and_hours",
                f"no colleague shares a language and working hours with {name}",
            )
        pool = others[lang_ok & time_ok]
    valid = pool[pair_rules_ok(c, np.full(pool.size, p), pool)]
    if valid.size == 0:
        return (
            "no_valid_partner",
            f"everyone who could meet {name} is their manager or report, blocked, or met "
            f"{name} within the last {c.rules.cooldown_weeks} weeks",
        )
    if c.rules.size == 2:
        return (
            "odd_one_out",
            f"odd one out: {name}'s {valid.size} possible partner(s) were all needed in other "
            "pairs, and no pair could take a third member under the rules",
        )
    return (
        "no_valid_group",
        f"no group of {max(2, c.rules.size - 1)} to {c.rules.size + 1} could take {name} "
        f"without breaking a rule ({valid.size} colleague(s) qualify as partners, too few "
        "who also share a language and hours with each other)",
    )


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
