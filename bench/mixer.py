"""Event mixer benchmark: the issue's targets, run as the real CLI on generated rosters.

    python bench/mixer.py

Prints ONE table. Each row runs ``crosspaths mixer`` in a subprocess (read the roster
CSV -> write PLAN.csv, end to end) and judges the plan from the CSV alone:

- seated once: every active person sits exactly once in every rotation;
- repeated pairs: pairs who share a table in two or more rotations (target 0);
- rule breaks: a manager and their report at one table (the kernel's pair rule);
- sizes: the table sizes seen (K, or K±1 for the fewest tables when K does not divide);
- depts/table: mean distinct departments at a table (higher is better mixed), next to
  ``bound``, the most the roster's department sizes allow on average (a department of
  s people can be at no more than min(s, tables) tables of a rotation).
- CLI s: the subprocess end to end (start Python, import NumPy, read, seat, write);
  read+mix s: the CLI's own "total" (reading the roster, seating, writing), without
  the interpreter's start and imports.
Targets: 200 people, tables of 8, 3 rotations and 1,000 people, tables of 10,
4 rotations: 0 repeated pairs in at most 2 s each.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rosters import make_roster, write_roster_csv

ON = date(2025, 11, 24)
CASES = [  # people, table size, rotations, target seconds (None: no target)
    (200, 8, 3, 2.0),
    (1000, 10, 4, 2.0),
    (203, 8, 3, None),
    (997, 10, 4, None),
    (60, 6, 5, None),
    (3000, 10, 5, None),
]


def _bound(departments: list[str], tables: int) -> float:
    """The most distinct departments a table can have on average: a department of
    ``s`` people reaches at most ``min(s, tables)`` of the tables of a rotation."""
    sizes: dict[str, int] = {}
    for d in departments:
        sizes[d] = sizes.get(d, 0) + 1
    return sum(min(s, tables) for s in sizes.values()) / tables


def run(n: int, k: int, rounds: int, tmp: Path) -> dict[str, object]:
    people = make_roster(n, seed=7, on=ON)
    roster, plan = tmp / f"roster{n}.csv", tmp / f"plan{n}.csv"
    write_roster_csv(roster, people)
    cmd = [sys.executable, "-m", "crosspaths.matching", "mixer", str(roster)]
    cmd += ["--table-size", str(k), "--rounds", str(rounds), "--seed", "1", "-o", str(plan)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(proc.stderr)
    inside = re.search(r"total (\d+\.\d+)s", proc.stderr)
    tables: dict[tuple[str, str], list[str]] = {}
    for row in csv.DictReader(plan.open()):
        tables.setdefault((row["round"], row["table"]), []).append(row["person_id"])
    dept = {p.id: p.department for p in people}
    boss = {p.id: p.manager_id for p in people}
    seen: dict[frozenset[str], int] = {}
    per_round: dict[str, list[str]] = {}
    breaks = 0
    for (r, _), ids in tables.items():
        per_round.setdefault(r, []).extend(ids)
        for a, b in combinations(ids, 2):
            key = frozenset((a, b))
            seen[key] = seen.get(key, 0) + 1
            breaks += boss[a] == b or boss[b] == a
    once = all(sorted(v) == sorted(dept) for v in per_round.values()) and len(per_round) == rounds
    depts = [len({dept[x] for x in ids}) for ids in tables.values()]
    return {
        "n": n,
        "k": k,
        "r": rounds,
        "once": "yes" if once else "NO",
        "repeats": sum(1 for v in seen.values() if v >= 2),
        "breaks": breaks,
        "sizes": "/".join(str(s) for s in sorted({len(v) for v in tables.values()})),
        "depts": sum(depts) / len(depts),
        "bound": _bound(list(dept.values()), len(tables) // rounds),
        "wall": wall,
        "inside": float(inside.group(1)) if inside else float("nan"),
    }


def main() -> None:
    print(
        f"{'people':>7} {'K':>3} {'rot':>3} {'seated once':>11} {'repeated pairs':>14} "
        f"{'rule breaks':>11} {'sizes':>6} {'depts/table':>11} {'bound':>6} "
        f"{'CLI s':>6} {'read+mix s':>10} {'target':>8}"
    )
    with tempfile.TemporaryDirectory() as d:
        for n, k, rounds, target in CASES:
            m = run(n, k, rounds, Path(d))
            verdict = "-"
            if target is not None:
                ok = m["repeats"] == 0 and float(m["wall"]) <= target  # type: ignore[arg-type]
                verdict = "met" if ok else "MISSED"
            print(
                f"{n:>7} {k:>3} {rounds:>3} {m['once']:>11} {m['repeats']:>14} "
                f"{m['breaks']:>11} {m['sizes']:>6} {m['depts']:>11.2f} {m['bound']:>6.2f} "
                f"{m['wall']:>6.2f} {m['inside']:>10.2f} {verdict:>8}"
            )


if __name__ == "__main__":
    main()
