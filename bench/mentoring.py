"""How long the mentoring assignment takes (crosspaths/mentoring/assign.py) for rosters
of a given size, and how many mentees it places; prints a table.

    PYTHONPATH=. .venv/bin/python bench/mentoring.py [--sizes 100,1000,3000] [--seed 1]

Mentors are a quarter of the participants (capacity 1-3), levels 1-8, three time zones,
English/German/Japanese, three departments' reporting trees, interests from ten."""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

from crosspaths.matching.types import Person
from crosspaths.mentoring.assign import Mentor, mentor_assign

ON = date(2026, 12, 1)
ZONES = ["Europe/Berlin", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]
LANGS = [{"en"}, {"en", "de"}, {"de"}, {"en", "ja"}]
TOPICS = [f"t{k}" for k in range(10)]


def roster(n: int, rng: random.Random) -> list[Person]:
    people = []
    for k in range(n):
        manager = f"p{rng.randrange(k)}" if k and rng.random() < 0.9 else ""
        people.append(
            Person(
                id=f"p{k}",
                department=rng.choice("ABC"),
                timezone=rng.choice(ZONES),
                languages=frozenset(rng.choice(LANGS)),
                level=rng.randint(1, 8),
                manager_id=manager,
                interests=frozenset(rng.sample(TOPICS, rng.randint(0, 4))),
            )
        )
    return people


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print("| people | mentors | mentees | placed | unplaced (top reason) | seconds |")
    print("|---:|---:|---:|---:|---|---:|")
    for n in [int(x) for x in args.sizes.split(",")]:
        rng = random.Random(args.seed)
        people = roster(n, rng)
        managers = {p.id: p.manager_id for p in people}
        rng.shuffle(people)
        cut = n // 4
        mentors = [Mentor(p, rng.randint(1, 3)) for p in people[:cut]]
        mentees = people[cut:]
        start = time.perf_counter()
        result = mentor_assign(mentors, mentees, managers=managers, on=ON)
        took = time.perf_counter() - start
        reasons: dict[str, int] = {}
        for u in result.unplaced:
            reasons[u.code] = reasons.get(u.code, 0) + 1
        top = max(reasons, key=reasons.__getitem__) if reasons else "-"
        print(
            f"| {n} | {len(mentors)} | {len(mentees)} | {len(result.pairs)} | "
            f"{len(result.unplaced)} ({top}) | {took:.2f} |"
        )


if __name__ == "__main__":
    main()
