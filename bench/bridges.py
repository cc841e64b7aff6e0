"""Team bridges (crosspaths.matching.bridges): time per round and rounds until every
reachable cross pair has met once, for two teams of growing size on two continents.

    .venv/bin/python bench/bridges.py [--sizes 10x12,50x60,200x250] [--seed 0]

Prints a table; never a timed test. Side A works in Berlin, side B half in Singapore
(one common hour with Berlin) and half in New York (two): every cross pair is
reachable, so a lap ends at 100 % coverage. The minimum number of rounds for a lap is
the larger side's size (each of its members meets every member of the smaller side,
one a round).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crosspaths.matching import PastGroup, Person, Rules
from crosspaths.matching.bridges import bridge_match, bridge_record, coverage

ON = date(2026, 11, 30)


def _people(a: int, b: int) -> tuple[list[Person], dict[str, str]]:
    people = [
        Person(id=f"a{k}", department="A", timezone="Europe/Berlin", languages=frozenset({"en"}))
        for k in range(a)
    ]
    zones = ["Asia/Singapore", "America/New_York"]
    people += [
        Person(id=f"b{k}", department="B", timezone=zones[k % 2], languages=frozenset({"en"}))
        for k in range(b)
    ]
    return people, {p.id: p.department for p in people}


def lap(a: int, b: int, seed: int) -> tuple[int, float, float, int]:
    """(rounds to full coverage, mean and max seconds a round, repeats within the lap)."""
    people, sides = _people(a, b)
    history: list[PastGroup] = []
    waited = dict.fromkeys(sides, 0)
    seconds: list[float] = []
    repeats = 0
    day = ON
    while True:
        met, total = coverage(sides, bridge_record(history))
        if met == total or len(seconds) > 4 * max(a, b):
            break
        roster = [Person(**{**p.__dict__, "waited_rounds": waited[p.id]}) for p in people]
        t = time.perf_counter()
        result = bridge_match(
            roster,
            sides=sides,
            bridge_history=history,
            rules=Rules(cooldown_weeks=0),
            on=day,
            seed=seed,
        )
        seconds.append(time.perf_counter() - t)
        record = bridge_record(history)
        repeats += sum(1 for g in result.groups if frozenset(g.members) in record)
        history += [PastGroup(day, g.members) for g in result.groups]
        for x in result.left_out:
            waited[x.person_id] += 1
        for g in result.groups:
            for m in g.members:
                waited[m] = 0
        day += timedelta(days=7)
    return len(seconds), sum(seconds) / len(seconds), max(seconds), repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10x12,30x40,60x80")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(
        "| sides | cross pairs | rounds to 100 % | minimum | mean s/round | max s/round | repeats in lap |"
    )
    print("|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        a, b = (int(x) for x in size.split("x"))
        rounds, mean, worst, repeats = lap(a, b, args.seed)
        print(
            f"| {a} x {b} | {a * b:,} | {rounds} | {max(a, b)} | {mean:.3f} | {worst:.3f} | {repeats} |"
        )


if __name__ == "__main__":
    main()
