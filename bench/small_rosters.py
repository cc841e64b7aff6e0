"""Small, tight rosters (issue 16, point 9): who is left out whom a valid arrangement places.

    python bench/small_rosters.py                  # this checkout
    python bench/small_rosters.py --compare main   # main's engine and this one, one table

300 random 6-30-person rosters drawn like ``tests/matching/helpers.rosters`` (the
hypothesis strategy of the earlier measurement: languages, time zones, managers,
history and blocked pairs that stress every hard rule), from ``random.Random(12345)``
so each run has the same ones; groups of 3 or 4, virtual or in person. Each checkout's engine runs in its own process on the same rosters; the
judging happens here, with the independent checker ``hard_rule_problems``:

- left out: people in no group;
- with a valid group alone: left-out people for whom some group of size-1..size+1
  keeps every rule, looked at alone (placing them may strand others);
- short of the optimum: people the best arrangement places and the engine does not
  (exhaustive search over valid groups + an integer programme, per roster);
- rule breaks: groups ``hard_rule_problems`` finds a problem in (must be 0).
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_CHILD = """
import pickle, sys, time
from crosspaths.matching import Rules, match
from tests.matching.helpers import ON
cases = pickle.load(open(sys.argv[1], "rb"))
out = []
for people, history, blocked, size, mode in cases:
    t = time.process_time()
    r = match(people, history=history, blocked=blocked, rules=Rules(size=size, mode=mode), on=ON)
    out.append(([list(g.members) for g in r.groups], time.process_time() - t))
pickle.dump(out, open(sys.argv[2], "wb"))
"""


def make_cases(count: int, seed: int = 12345) -> list[tuple]:
    """The rosters: the same distributions as ``tests/matching/helpers.rosters`` (the
    hypothesis strategy of the earlier measurement), drawn with ``random.Random(seed)``
    so every run gets the same ones (hypothesis' own draws changed from run to run)."""
    import random
    from datetime import timedelta

    from crosspaths.matching import PastGroup, Person
    from tests.matching.helpers import ON, PLACES

    rnd = random.Random(seed)
    langs = [{"en"}, {"en"}, {"en", "de"}, {"de"}, {"ja"}, {"en", "ja"}, set()]
    cases: list[tuple] = []
    for _ in range(count):
        n = rnd.randint(6, 30)
        people = []
        for k in range(n):
            loc, tz = rnd.choice(PLACES)
            manager = f"p{rnd.randint(0, k - 1)}" if k and rnd.random() < 0.5 else ""
            people.append(
                Person(
                    id=f"p{k}",
                    name=f"P{k}",
                    department=rnd.choice(["A", "A", "B", "C", ""]),
                    team=rnd.choice(["t1", "t2", ""]),
                    location=loc,
                    timezone=rnd.choice([tz, tz, tz, ""]),
                    languages=frozenset(rnd.choice(langs)),
                    manager_id=manager,
                    level=rnd.choice([None, 1, 3, 5]),
                    start_date=ON - timedelta(days=rnd.randint(0, 3000)),
                    interests=frozenset(rnd.sample(["chess", "tea", "running"], rnd.randint(0, 3))),
                    waited_rounds=rnd.randint(0, 2),
                )
            )
        ids = [p.id for p in people]
        history = [
            PastGroup(
                date=ON - timedelta(weeks=rnd.randint(1, 30)),
                members=tuple(rnd.sample(ids, rnd.randint(2, 4))),
            )
            for _ in range(rnd.randint(0, n))
        ]
        blocked = [tuple(rnd.sample(ids, 2)) for _ in range(rnd.randint(0, 3))]
        cases.append(
            (people, history, blocked, rnd.choice([3, 4]), rnd.choice(["virtual", "in-person"]))
        )
    return cases


def run_engine(code: Path, cases: list[tuple]) -> tuple[list[list[list[str]]], float]:
    """Each roster's groups from the engine in ``code`` (a checkout), and the CPU time."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.pickle", Path(tmp) / "out.pickle"
        with open(src, "wb") as f:
            pickle.dump(cases, f)
        env = {**os.environ, "PYTHONPATH": str(code), "CROSSPATHS_MATCH_WORKERS": "1"}
        subprocess.run(
            [sys.executable, "-c", _CHILD, str(src), str(dst)], check=True, env=env, cwd=code
        )
        with open(dst, "rb") as f:
            out = pickle.load(f)
    return [g for g, _ in out], sum(t for _, t in out)


def judge(cases: list[tuple], results: list[list[list[str]]], best: dict[int, int]) -> dict:
    from crosspaths.matching import Rules, hard_rule_problems
    from tests.matching.helpers import ON
    from tests.matching.test_exact import left_out_with_a_valid_group, most_placeable

    left = alone = short = short_rosters = breaks = 0
    for k, ((people, history, blocked, size, mode), groups) in enumerate(
        zip(cases, results, strict=True)
    ):
        rules = Rules(size=size, mode=mode)
        by_id = {p.id: p for p in people}
        for g in groups:
            members = [by_id[m] for m in g]
            breaks += bool(
                hard_rule_problems(members, history=history, blocked=blocked, rules=rules, on=ON)
            )
        placed = {m for g in groups for m in g}
        out = [p.id for p in people if p.id not in placed]
        left += len(out)
        could = left_out_with_a_valid_group(people, history, blocked, rules, out)
        alone += len(could)
        if could:
            if k not in best:
                best[k] = most_placeable(people, history, blocked, rules)
            gap = best[k] - len(placed)
            short += max(0, gap)
            short_rosters += gap > 0
    return {
        "left": left,
        "alone": alone,
        "short": short,
        "short_rosters": short_rosters,
        "breaks": breaks,
    }


def checkout(ref: str, into: Path) -> Path:
    """``ref`` of this repository exported into ``into`` (git archive: no work tree touched)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", metavar="REF", help="also run this git ref's engine")
    parser.add_argument("--rosters", type=int, default=300)
    args = parser.parse_args()
    t = time.perf_counter()
    cases = make_cases(args.rosters)
    print(f"{len(cases)} rosters generated in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    best: dict[int, int] = {}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        codes = []
        if args.compare:
            codes.append((args.compare, checkout(args.compare, Path(tmp))))
        codes.append(("this checkout", ROOT))
        for label, code in codes:
            groups, cpu = run_engine(code, cases)
            print(f"  {label}: engine {cpu:.1f} s CPU; judging ...", file=sys.stderr)
            rows.append((label, cpu, judge(cases, groups, best)))
    people = sum(len(c[0]) for c in cases)
    print(f"{len(cases)} rosters, {people:,} people, groups of 3-4, virtual and in person\n")
    head = (
        "| engine | left out | with a valid group alone | short of the optimum "
        "(rosters) | rule breaks | engine CPU |"
    )
    print(head)
    print("|" + "|".join("---" for _ in range(6)) + "|")
    for label, cpu, r in rows:
        print(
            f"| {label} | {r['left']} | {r['alone']} | {r['short']} ({r['short_rosters']}) "
            f"| {r['breaks']} | {cpu:.1f} s |"
        )


if __name__ == "__main__":
    main()
