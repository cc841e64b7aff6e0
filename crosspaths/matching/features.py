"""People as NumPy arrays, and every pair rule and pair score evaluated on whole arrays.

The engine never loops over pairs in Python: a cohort of people becomes a handful
of integer arrays (department codes, language bitmasks, working windows in UTC,
manager indexes, sorted pair keys of the history) so that a rule or a score for a
million candidate pairs is a few vectorised NumPy operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import chain, repeat
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from .holdout import HashArray, person_hashes
from .types import Mode, PastGroup, Person, Rules, Weights

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
WordArray = npt.NDArray[np.uint64]

# A working window for people without a time zone: no time rule applies to them.
_OPEN_START = -(10**6)
_OPEN_END = 10**6
_ALL_BITS = np.uint64(0xFFFF_FFFF_FFFF_FFFF)


def utc_offset_minutes(tz: str, on: date) -> int:
    """The zone's offset from UTC in minutes at local noon on the round's date."""
    local_noon = datetime.combine(on, time(12), tzinfo=ZoneInfo(tz))
    offset = local_noon.utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)


def _codes(values: Sequence[str]) -> tuple[IntArray, list[str]]:
    """Integer codes for strings in order of first appearance, ``-1`` for the empty
    string (unknown). Dictionaries and ``map``, no per-value NumPy assignment."""
    names = dict.fromkeys(values)
    names.pop("", None)
    table = dict(zip(names, range(len(names)), strict=True))
    table[""] = -1
    out = np.fromiter(map(table.__getitem__, values), dtype=np.int64, count=len(values))
    return out, list(names)


def _bitmasks(sets: Sequence[frozenset[str]], *, empty_is_all: bool) -> tuple[WordArray, list[str]]:
    """One bit per distinct value (in sorted order), in as many 64-bit words as needed.

    Masks are built as Python integers first: NumPy scalar updates per value cost
    a microsecond each, which adds up to half a second at 100,000 people.
    """
    names = sorted(set().union(*sets)) if sets else []
    table = {v: k for k, v in enumerate(names)}
    words = max(1, (len(names) + 63) // 64)
    # one sum per distinct set (people share a few language lists and interest sets)
    done: dict[frozenset[str], int] = {}
    masks = [
        done[s] if s in done else done.setdefault(s, sum(1 << table[v] for v in s)) for s in sets
    ]
    out = np.zeros((len(sets), words), dtype=np.uint64)
    low = (1 << 64) - 1
    for w in range(words):
        shift = 64 * w
        out[:, w] = np.fromiter(
            ((m >> shift) & low for m in masks), dtype=np.uint64, count=len(masks)
        )
    if empty_is_all:
        out[np.fromiter((not s for s in sets), dtype=bool, count=len(sets))] = _ALL_BITS
    return out, names


def pair_keys(i: IntArray, j: IntArray, n: int) -> IntArray:
    """An order-free int64 key per pair: ``min * n + max``."""
    return np.minimum(i, j) * n + np.maximum(i, j)


def sorted_unique(keys: IntArray) -> IntArray:
    """Sort-and-compare de-duplication (much faster than ``np.unique`` on millions)."""
    if keys.size == 0:
        return keys
    keys = np.sort(keys)
    keep = np.empty(keys.size, dtype=bool)
    keep[0] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def contains(sorted_keys: IntArray, keys: IntArray) -> BoolArray:
    """Membership of ``keys`` in a sorted key array.

    Many keys are sorted before the search: NumPy's binary search starts from the
    previous key's place when the keys ascend, and a history of a million rows is
    far bigger than the cache (the polish's 25,000 look-ups: 35 → 5 ms).
    """
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    if keys.size > 256:
        flat = keys.reshape(-1)
        order = np.argsort(flat)
        found = np.empty(flat.size, dtype=np.intp)
        found[order] = np.searchsorted(sorted_keys, flat[order])
        pos = found.reshape(keys.shape)
    else:
        pos = np.searchsorted(sorted_keys, keys)
    pos = np.minimum(pos, sorted_keys.size - 1)
    return np.asarray(sorted_keys[pos] == keys)


@dataclass
class Cohort:
    """The people of one round as arrays, plus their history as sorted pair keys."""

    people: Sequence[Person]
    rules: Rules
    weights: Weights
    on: date
    index: dict[str, int]
    dept: IntArray
    team: IntArray
    loc: IntArray
    level: IntArray  # -10**6 when unknown
    has_level: BoolArray
    manager: IntArray  # index of the manager in the cohort, -1 if none or absent
    new_hire: BoolArray
    tenured: BoolArray
    start_utc: IntArray  # working window in UTC minutes on the round's date
    end_utc: IntArray
    lang: WordArray  # all bits set when unknown
    interests: WordArray
    node_bonus: FloatArray  # waiting-time bonus, paid once per placed person
    recent_keys: IntArray  # pairs that met within the cooldown: never again now
    blocked_keys: IntArray  # pairs either side blocked
    met_keys: IntArray  # pairs that met at any time
    forbidden: IntArray  # recent or blocked: the pairs no group may contain
    holdout_hash: HashArray  # person_hashes when the round holds pairs out, else empty
    language_names: list[str]
    interest_names: list[str]

    @property
    def n(self) -> int:
        return len(self.people)

    @property
    def mode(self) -> Mode:
        return self.rules.mode

    def forbidden_keys(self) -> IntArray:
        """Pairs no group may contain: met within the cooldown, or blocked."""
        return self.forbidden


@dataclass(frozen=True)
class PastRows:
    """Past groups as the columns of HISTORY.csv: one entry per (group, member) row.

    ``group`` numbers the distinct (date, group label) of the file from 0, ``day`` is
    each row's date as an ordinal and ``person`` its person as a number into ``ids``
    (each distinct id once). The CLI reads the history into this instead of
    ``PastGroup`` tuples: ``history_pairs`` needs only these columns, and half a
    million small tuples cost about half a second to build and take apart again at
    100,000 people; the ids are looked up once each, not once per row.
    """

    group: IntArray
    day: IntArray
    person: IntArray
    ids: Sequence[str]

    def groups(self) -> list[PastGroup]:
        """The same history as ``PastGroup`` values (members in file order)."""
        members: dict[int, list[str]] = {}
        days: dict[int, int] = {}
        rows = zip(self.group.tolist(), self.day.tolist(), self.person.tolist(), strict=True)
        for g, d, k in rows:
            members.setdefault(g, []).append(self.ids[k])
            days[g] = d
        return [
            PastGroup(date=date.fromordinal(days[g]), members=tuple(m))
            for g, m in sorted(members.items())
        ]


History = Iterable[PastGroup] | PastRows


def history_pairs(
    history: History, index: dict[str, int], n: int, *, on: date, cooldown_weeks: int
) -> tuple[IntArray, IntArray]:
    """Sorted pair keys of people who met within the cooldown, and of all who ever met.

    Parameters
    ----------
    history : iterable of PastGroup, or PastRows
        Earlier groups, as values or as the history file's columns.
    index : dict of str to int
        Cohort index of each person id of this round.
    n : int
        Cohort size (pair keys are ``min * n + max``).
    on : date
        The round's date; groups dated after it are skipped.
    cooldown_weeks : int
        Pairs who met less than this many weeks before ``on`` are "recent".

    Returns
    -------
    recent, ever : IntArray
        Sorted unique pair keys (met within the cooldown; met at any time).

    Notes
    -----
    Past groups of any size count: every two members of a group met. People not in
    this round's cohort are skipped. All groups are flattened into arrays at once (a
    per-group loop costs seconds at a million history rows): O(rows + pairs log pairs).
    """
    empty = np.empty(0, dtype=np.int64)
    if isinstance(history, PastRows):
        if not len(history.person):
            return empty, empty
        where = np.fromiter(
            map(index.get, history.ids, repeat(-1)), dtype=np.int64, count=len(history.ids)
        )
        flat = where[history.person]
        # Members of a group next to each other, groups in number order.
        order = np.argsort(history.group, kind="stable")
        flat, owner = flat[order], history.group[order]
        count = int(owner[-1]) + 1
        day = np.zeros(count, dtype=np.int64)
        day[owner] = history.day[order]
    else:
        groups = history if isinstance(history, list) else list(history)
        if not groups:
            return empty, empty
        count = len(groups)
        lens = np.fromiter((len(g.members) for g in groups), dtype=np.int64, count=count)
        day = np.fromiter((g.date.toordinal() for g in groups), dtype=np.int64, count=count)
        flat_ids = chain.from_iterable(g.members for g in groups)
        flat = np.fromiter(
            map(index.get, flat_ids, repeat(-1)), dtype=np.int64, count=int(lens.sum())
        )
        owner = np.repeat(np.arange(count), lens)
    cutoff = on.toordinal() - 7 * cooldown_weeks
    keep = (flat >= 0) & (day[owner] <= on.toordinal())
    flat, owner = flat[keep], owner[keep]
    size = np.bincount(owner, minlength=count)
    recent: list[IntArray] = []
    ever: list[IntArray] = []
    for s in np.unique(size[size >= 2]).tolist():
        table = flat[size[owner] == s].reshape(-1, s)  # members stay contiguous per group
        gday = day[size == s]
        a, b = np.triu_indices(s, 1)
        keys = pair_keys(table[:, a].ravel(), table[:, b].ravel(), n)
        pday = np.repeat(gday, a.size)
        ever.append(keys)
        recent.append(keys[pday > cutoff])
    return (
        sorted_unique(np.concatenate(recent)) if recent else empty,
        sorted_unique(np.concatenate(ever)) if ever else empty,
    )


def build_cohort(
    people: Sequence[Person],
    *,
    history: History = (),
    blocked: Iterable[tuple[str, str]] = (),
    rules: Rules,
    weights: Weights,
    on: date,
) -> Cohort:
    """Encode people, history and blocked pairs as arrays for the round on ``on``."""
    n = len(people)
    index = {p.id: k for k, p in enumerate(people)}
    dept, _ = _codes([p.department for p in people])
    team, _ = _codes([f"{p.department}\x1f{p.team}" if p.team else "" for p in people])
    if rules.mode == "in-person":
        # In person, "no location" is a place of its own: such people meet each other.
        loc, _ = _codes([p.location or "\x00unknown" for p in people])
    else:
        loc, _ = _codes([p.location for p in people])
    has_level = np.array([p.level is not None for p in people], dtype=bool)
    level = np.array([p.level if p.level is not None else -(10**6) for p in people], dtype=np.int64)
    manager = np.array([index.get(p.manager_id, -1) for p in people], dtype=np.int64)
    today = on.toordinal()
    days = np.array(
        [today - p.start_date.toordinal() if p.start_date else -1 for p in people], dtype=np.int64
    )
    known_start = np.array([p.start_date is not None for p in people], dtype=bool)
    new_hire = known_start & (days >= 0) & (days < rules.new_hire_days)
    tenured = known_start & (days >= rules.tenured_days)
    offsets: dict[str, int] = {}
    start = np.full(n, _OPEN_START, dtype=np.int64)
    end = np.full(n, _OPEN_END, dtype=np.int64)
    for k, p in enumerate(people):
        if p.timezone:
            off = offsets.get(p.timezone)
            if off is None:
                off = offsets[p.timezone] = utc_offset_minutes(p.timezone, on)
            start[k] = rules.work_start_minute - off
            end[k] = rules.work_end_minute - off
    lang, language_names = _bitmasks([p.languages for p in people], empty_is_all=True)
    interests, interest_names = _bitmasks([p.interests for p in people], empty_is_all=False)
    waited = np.array([min(max(p.waited_rounds, 0), rules.waited_cap) for p in people], float)
    recent, ever = history_pairs(history, index, n, on=on, cooldown_weeks=rules.cooldown_weeks)
    bl = [(index[a], index[b]) for a, b in blocked if a in index and b in index and a != b]
    if bl:
        arr = np.asarray(bl, dtype=np.int64)
        blocked_keys = sorted_unique(pair_keys(arr[:, 0], arr[:, 1], n))
    else:
        blocked_keys = np.empty(0, dtype=np.int64)
    return Cohort(
        people=people,
        rules=rules,
        weights=weights,
        on=on,
        index=index,
        dept=dept,
        team=team,
        loc=loc,
        level=level,
        has_level=has_level,
        manager=manager,
        new_hire=new_hire,
        tenured=tenured,
        start_utc=start,
        end_utc=end,
        lang=lang,
        interests=interests,
        node_bonus=weights.waited * waited,
        recent_keys=recent,
        blocked_keys=blocked_keys,
        met_keys=ever,
        forbidden=sorted_unique(np.concatenate([recent, blocked_keys])),
        holdout_hash=person_hashes([p.id for p in people])
        if rules.holdout_share > 0
        else np.empty(0, dtype=np.uint64),
        language_names=language_names,
        interest_names=interest_names,
    )


def _any_common(a: WordArray, b: WordArray) -> BoolArray:
    """True where two bitmask rows (last axis = words) share a bit."""
    return np.asarray(np.any((a & b) != 0, axis=-1))


def pair_scores(c: Cohort, i: IntArray, j: IntArray, *, met: BoolArray | None = None) -> FloatArray:
    """The soft score of pairs (i, j): what their meeting is worth, without node bonuses.

    ``met`` (whether each pair met before) may be passed when already known, which
    spares the key search.
    """
    w = c.weights
    both_dept = (c.dept[i] >= 0) & (c.dept[j] >= 0)
    s = (w.different_department * (both_dept & (c.dept[i] != c.dept[j]))).astype(np.float64)
    if met is None:
        met = contains(c.met_keys, pair_keys(i, j, c.n))
    s += w.never_met * ~met
    if c.mode == "virtual" and w.different_location:
        both = (c.loc[i] >= 0) & (c.loc[j] >= 0)
        s += w.different_location * (both & (c.loc[i] != c.loc[j]))
    if w.different_team:
        both = (c.team[i] >= 0) & (c.team[j] >= 0)
        s += w.different_team * (both & (c.team[i] != c.team[j]))
    if w.level_distance:
        close = np.abs(c.level[i] - c.level[j]) <= c.rules.level_bound
        s += w.level_distance * (close & c.has_level[i] & c.has_level[j])
    if w.shared_interest:
        s += w.shared_interest * _any_common(c.interests[i], c.interests[j])
    if w.new_hire_with_tenured:
        welcome = (c.new_hire[i] & c.tenured[j]) | (c.new_hire[j] & c.tenured[i])
        s += w.new_hire_with_tenured * welcome
    return np.asarray(s, dtype=np.float64)


@dataclass
class BlockKeys:
    """History and blocked keys pre-split by block, so each block reads only its own."""

    met: list[IntArray]
    forbidden: list[IntArray]


def split_keys_by_block(c: Cohort, block_of: IntArray, nblocks: int) -> BlockKeys:
    """Keep the keys whose two people share a block, grouped by that block."""

    def split(keys: IntArray) -> list[IntArray]:
        lo = keys // c.n
        hi = keys % c.n
        b = block_of[lo]
        keep = (b >= 0) & (b == block_of[hi])
        keys, b = keys[keep], b[keep]
        order = np.argsort(b, kind="stable")
        keys, b = keys[order], b[order]
        bounds = np.searchsorted(b, np.arange(nblocks + 1))
        return [keys[bounds[k] : bounds[k + 1]] for k in range(nblocks)]

    return BlockKeys(met=split(c.met_keys), forbidden=split(c.forbidden_keys()))


def block_scores(c: Cohort, idx: IntArray, *, met_keys: IntArray | None = None) -> FloatArray:
    """Score of every pair inside a block of people (B x B). ``met_keys`` may be the
    block's own subset of the cohort's keys (see ``split_keys_by_block``)."""
    keys = c.met_keys if met_keys is None else met_keys
    met = block_membership(keys, idx, c.n)
    return pair_scores(c, idx[:, None], idx[None, :], met=met)


def block_membership(keys: IntArray, idx: IntArray, n: int) -> BoolArray:
    """B x B matrix: whether each pair of the block has its key in ``keys``.

    Only keys whose both people are in the block matter, so they are found with a
    position lookup instead of B*B searches.
    """
    b = idx.size
    out = np.zeros((b, b), dtype=bool)
    if keys.size == 0:
        return out
    pos = np.full(n, -1, dtype=np.int64)
    pos[idx] = np.arange(b)
    lo = keys // n
    hi = keys % n
    pl = pos[lo]
    ph = pos[hi]
    inside = (pl >= 0) & (ph >= 0)
    out[pl[inside], ph[inside]] = True
    out[ph[inside], pl[inside]] = True
    return out
