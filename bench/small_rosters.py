"""Small, tight rosters (issue 16, point 9): who is left out whom a valid arrangement places.

    python bench/small_rosters.py                  # this checkout
    python bench/small_rosters.py --compare main   # main's engine and this one, one table

The 300 random 6-30-person rosters of the earlier measurement (hypothesis seed
12345, ``tests/matching/helpers.rosters``: languages, time zones, managers, history
and blocked pairs that stress every hard rule), groups of 3 or 4, virtual or in
person. Each checkout's engine runs in its own process on the same rosters; the
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


def make_cases(count: int) -> list[tuple]:
    """The rosters, in hypothesis' deterministic order for seed 12345."""
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis import strategies as st

    from tests.matching.helpers import rosters

    cases: list[tuple] = []

    @seed(12345)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        rosters(min_size=6, max_size=30),
        st.sampled_from([3, 4]),
        st.sampled_from(["virtual", "in-person"]),
    )
    def collect(roster, size, mode):  # type: ignore[no-untyped-def]
        people, history, blocked = roster
        cases.append((people, history, blocked, size, mode))

    collect()
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
