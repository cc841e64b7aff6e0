"""Matching benchmark: random grouping, best of 1,000 shuffles, exact optimum, Crosspaths.

    python bench/matching.py            # the full table (a few minutes on 2 cores)
    python bench/matching.py --quick    # small rosters only (well under a minute)
    python bench/matching.py --scale --compare main   # 100,000 people: main's CLI and
                                        # this checkout's, alternating, one table

Prints ONE table. Crosspaths runs as the real CLI in a subprocess (read CSVs ->
write CSV), so its time and peak memory are end to end; the baselines' times are
their in-process compute times. Every method's groups are judged by the same
evaluator on the same cohort:

- violations: groups that break a hard rule (such a group would not be sent out);
- left out: active people in no group;
- repeats: pairs in a group who met before (at any time in the history);
- same-dept pairs: pairs in a group from the same department;
- objective: the engine's objective summed over rule-keeping groups only, as a %
  of the exact maximum-weight matching over all valid pairs (pairs, n <= 2,000).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import rustworkx as rx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rosters import make_history, make_roster, write_history_csv, write_roster_csv
from crosspaths.matching import hard_rule_problems
from crosspaths.matching.features import Cohort, build_cohort, contains, pair_keys, pair_scores
from crosspaths.matching.groups import plan_sizes
from crosspaths.matching.metrics import group_rule_breaks, group_scores
from crosspaths.matching.pairs import _edge_weights
from crosspaths.matching.rules import dense_block, pair_ok
from crosspaths.matching.types import Mode, PastGroup, Person, Rules, Weights

ON = date(2025, 11, 24)
ROOT = Path(__file__).resolve().parent.parent

# Runs the CLI as a child and reports the largest resident set of it and its workers.
_MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
code = subprocess.run(sys.argv[1:]).returncode
wall = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, wall, use.ru_maxrss, use.ru_utime + use.ru_stime)
"""


@dataclass
class Case:
    label: str
    n: int
    size: int = 2
    mode: Mode = "virtual"
    skewed: bool = False
    rounds: int = 10
    exact: bool = False


@dataclass
class Row:
    case: str
    method: str
    n: int
    seconds: float | None
    peak_mb: float | None
    violations: int
    left_out: int
    repeats: int
    same_dept: int
    objective: float
    exact: float | None
    cpu: float | None = None


def evaluate(c: Cohort, groups: list[list[int]]) -> tuple[int, int, int, int, float]:
    """violations, left out, repeats, same-department pairs, objective (rule-keeping groups)."""
    groups = [g for g in groups if g]
    breaks = group_rule_breaks(c, groups)
    scores, _ = group_scores(c, groups)
    repeats = same = 0
    width = max(len(g) for g in groups)
    t = np.full((len(groups), width), -1, dtype=np.int64)
    for k, g in enumerate(groups):
        t[k, : len(g)] = g
    a, b = np.triu_indices(width, 1)
    i, j = t[:, a].ravel(), t[:, b].ravel()
    real = (i >= 0) & (j >= 0)
    i, j = i[real], j[real]
    repeats = int(contains(c.met_keys, pair_keys(i, j, c.n)).sum())
    same = int(((c.dept[i] >= 0) & (c.dept[i] == c.dept[j])).sum())
    placed = sum(len(g) for g in groups)
    objective = float(scores[~breaks].sum())
    return int(breaks.sum()), c.n - placed, repeats, same, objective


def independent_violations(
    people: list[Person], history: list[PastGroup], rules: Rules, groups: list[list[int]]
) -> int:
    """Groups ``hard_rule_problems`` (the checker independent of the rule kernel) finds
    a problem in; each group is given only its own members' history."""
    mine: dict[str, list[PastGroup]] = {}
    for g in history:
        for m in g.members:
            mine.setdefault(m, []).append(g)
    bad = 0
    for g in groups:
        members = [people[x] for x in g]
        past = list({id(h): h for p in members for h in mine.get(p.id, [])}.values())
        bad += bool(hard_rule_problems(members, history=past, rules=rules, on=ON))
    return bad


def _classes(c: Cohort) -> list[np.ndarray]:
    if c.mode == "in-person":
        return [np.flatnonzero(c.loc == v) for v in np.unique(c.loc)]
    return [np.arange(c.n)]


def random_grouping(c: Cohort, rng: np.random.Generator) -> list[list[int]]:
    """What Donut-like tools do: shuffle (per location in person) and cut into groups."""
    out: list[list[int]] = []
    for members in _classes(c):
        perm = members[rng.permutation(members.size)].tolist()
        pos = 0
        for s in plan_sizes(len(perm), c.rules.size):
            out.append(perm[pos : pos + s])
            pos += s
    return out


def best_of_shuffles(c: Cohort, rng: np.random.Generator, k: int) -> list[list[int]]:
    """What lunch-roulette does: keep the best of k shuffles by the objective (a broken
    rule costs the whole group's score, so the best shuffle also avoids breaks)."""
    best: list[list[int]] = []
    best_value = -np.inf
    if c.rules.size == 2 and c.n % 2 == 0 and c.mode == "virtual":
        # Pairs only: score the shuffles as arrays (same objective, much faster).
        best_perm = np.arange(c.n)
        for _ in range(k):
            perm = rng.permutation(c.n)
            a, b = perm[0::2], perm[1::2]
            ok = pair_ok(c, a, b)
            value = float((pair_scores(c, a, b) + c.node_bonus[a] + c.node_bonus[b])[ok].sum())
            if value > best_value:
                best_perm, best_value = perm, value
        return [[int(x), int(y)] for x, y in zip(best_perm[0::2], best_perm[1::2], strict=True)]
    for _ in range(k):
        groups = random_grouping(c, rng)
        breaks = group_rule_breaks(c, groups)
        scores, _ = group_scores(c, groups)
        value = float(scores[~breaks].sum())
        if value > best_value:
            best, best_value = groups, value
    return best


def exact_pairs(c: Cohort) -> list[list[int]]:
    """Maximum-cardinality maximum-weight matching over all valid pairs (rustworkx)."""
    idx = np.arange(c.n)
    score, valid = dense_block(c, idx)
    weight = _edge_weights(c, idx[:, None], idx[None, :], score)
    a, b = np.nonzero(np.triu(valid, 1))
    g = rx.PyGraph(multigraph=False)
    g.add_nodes_from(range(c.n))
    g.add_edges_from(list(zip(a.tolist(), b.tolist(), weight[a, b].tolist(), strict=True)))
    return [[x, y] for x, y in rx.max_weight_matching(g, max_cardinality=True, weight_fn=int)]


def run_cli(
    c: Cohort, folder: Path, case: Case, repeat: int, code: Path = ROOT
) -> tuple[list[list[int]], float, float, list[float], float]:
    """Run the CLI ``repeat`` times: the groups, the fastest wall time (the machine is
    shared, so the minimum is the least disturbed run), the peak memory, all times, and
    the least CPU time (user + system of the CLI and its workers: barely touched by
    other load, so it says what an idle machine would take)."""
    out = folder / "out.csv"
    cmd = [
        sys.executable, "-m", "crosspaths.matching", "match", str(folder / "roster.csv"),
        "--history", str(folder / "history.csv"), "--size", str(case.size),
        "--mode", case.mode, "--date", ON.isoformat(), "-o", str(out),
        "--report", str(folder / "report.json"),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(code)}
    walls: list[float] = []
    cpus: list[float] = []
    peak = 0.0
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, "-c", _MEASURE, *cmd],
            capture_output=True, text=True, check=True, env=env, cwd=str(code),
        )  # fmt: skip
        code, wall, rss, cpu = proc.stdout.split()
        if code != "0":
            raise SystemExit(f"crosspaths failed: {proc.stderr}")
        walls.append(float(wall))
        cpus.append(float(cpu))
        peak = max(peak, int(rss) / 1024)
    groups: dict[str, list[int]] = {}
    with open(out, newline="") as f:
        for row in csv.DictReader(f):
            groups.setdefault(row["group"], []).append(c.index[row["person_id"]])
    return list(groups.values()), min(walls), peak, walls, min(cpus)


def run_case(
    case: Case, shuffles: int, repeat: int, codes: list[tuple[str, Path]], baselines: bool = True
) -> list[Row]:
    people: list[Person] = make_roster(case.n, seed=case.n + case.skewed, skewed=case.skewed, on=ON)
    history: list[PastGroup] = make_history(
        people, rounds=case.rounds, on=ON, seed=case.n, size=case.size
    )
    rules = Rules(size=case.size, mode=case.mode)
    c = build_cohort(people, history=history, rules=rules, weights=Weights(), on=ON)
    rows: list[Row] = []
    exact_value: float | None = None
    if case.exact:
        t = time.perf_counter()
        groups = exact_pairs(c)
        sec = time.perf_counter() - t
        ev = evaluate(c, groups)
        exact_value = ev[4]
        rows.append(
            Row(case.label, "exact (rustworkx, all valid pairs)", case.n, sec, None, *ev, None)
        )
    rng = np.random.default_rng(1)
    if baselines:
        t = time.perf_counter()
        groups = random_grouping(c, rng)
        rows.append(Row(case.label, "random grouping", case.n, time.perf_counter() - t, None,
                        *evaluate(c, groups), None))  # fmt: skip
        t = time.perf_counter()
        groups = best_of_shuffles(c, rng, shuffles)
        rows.append(Row(case.label, f"best of {shuffles:,} shuffles", case.n,
                        time.perf_counter() - t, None, *evaluate(c, groups), None))  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_roster_csv(folder / "roster.csv", people)
        write_history_csv(folder / "history.csv", history)
        # Each checkout's CLI in turn, ``repeat`` times (alternating, so both see the
        # same spread of machine load).
        runs: dict[str, list[tuple[list[list[int]], float, float, list[float], float]]] = {}
        for _ in range(repeat):
            for label, code in codes:
                runs.setdefault(label, []).append(run_cli(c, folder, case, 1, code))
    for label, _ in codes:
        done = runs[label]
        groups = done[-1][0]
        wall = min(r[1] for r in done)
        mb = max(r[2] for r in done)
        cpu = min(r[4] for r in done)
        walls = [r[1] for r in done]
        name = "Crosspaths (CLI end to end)" + (f" {label}" if len(codes) > 1 else "")
        print(f"  [{case.label}, n={case.n:,}] {name} wall times: "
              f"{', '.join(f'{w:.2f}' for w in walls)} s; CPU "
              f"{', '.join(f'{r[4]:.2f}' for r in done)} s; load {os.getloadavg()[0]:.2f}",
              file=sys.stderr)  # fmt: skip
        rows.append(Row(case.label, name, case.n, wall, mb, *evaluate(c, groups), None, cpu))
        checked = independent_violations(people, history, rules, groups)
        print(f"  [{case.label}, n={case.n:,}] {name} hard_rule_problems (independent of the "
              f"kernel): {checked} rule-breaking groups", file=sys.stderr)  # fmt: skip
        if checked != rows[-1].violations:
            raise SystemExit(
                f"the kernel counted {rows[-1].violations} violations, the checker {checked}"
            )
    for r in rows:
        r.exact = exact_value
    if case.skewed:
        big = int(np.bincount(c.dept[c.dept >= 0]).max())
        floor = max(0, -(-(2 * big - c.n) // 2)) if case.size == 2 else None
        print(f"  [{case.label}] largest department {big} of {c.n}: unavoidable same-department "
              f"pairs >= {floor}", file=sys.stderr)  # fmt: skip
    return rows


def checkout(ref: str, into: Path) -> Path:
    """``ref`` of this repository exported into ``into`` (git archive: no work tree touched)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _fmt(rows: list[Row]) -> str:
    head = ["case", "method", "n", "time", "peak mem", "violations", "left out", "repeats",
            "same-dept pairs", "objective", "% of exact"]  # fmt: skip
    lines = [head]
    for r in rows:
        lines.append([
            r.case, r.method, f"{r.n:,}",
            (f"{r.seconds:.2f} s" if r.seconds is not None else "—")
            + (f" (cpu {r.cpu:.2f} s)" if r.cpu is not None else ""),
            f"{r.peak_mb:,.0f} MB" if r.peak_mb is not None else "—",
            str(r.violations), str(r.left_out), str(r.repeats), str(r.same_dept),
            f"{r.objective:,.0f}",
            f"{100 * r.objective / r.exact:.2f} %" if r.exact else "—",
        ])  # fmt: skip
    widths = [max(len(x[k]) for x in lines) for k in range(len(head))]
    out = ["| " + " | ".join(x.ljust(w) for x, w in zip(line, widths, strict=True)) + " |"
           for line in lines]  # fmt: skip
    out.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small rosters only")
    parser.add_argument("--shuffles", type=int, default=1000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="CLI runs per case; the table shows the fastest"
    )
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="also run this git ref's CLI (exported with git archive), side by side",
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="only the 100,000-person cases (and pairs at 2,000 against the exact optimum)",
    )
    args = parser.parse_args()
    if args.scale:
        cases = [
            Case("pairs, virtual", 2000, exact=True),
            Case("pairs, virtual", 100_000),
            Case("groups of 4, in person", 100_000, size=4, mode="in-person"),
        ]
    elif args.quick:
        cases = [
            Case("pairs, virtual", 1000, exact=True),
            Case("pairs, skewed 60 %", 1000, skewed=True, exact=True),
            Case("groups of 4, in person", 2000, size=4, mode="in-person"),
        ]
    else:
        cases = [
            Case("pairs, virtual", 2000, exact=True),
            Case("pairs, skewed 60 %", 2000, skewed=True, exact=True),
            Case("pairs, virtual", 10_000),
            Case("pairs, skewed 60 %", 10_000, skewed=True),
            Case("pairs, virtual", 100_000),
            Case("groups of 4, in person", 10_000, size=4, mode="in-person"),
        ]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        codes = [("this checkout", ROOT)]
        if args.compare:
            codes.insert(0, (args.compare, checkout(args.compare, Path(tmp))))
        for case in cases:
            print(f"running {case.label}, n={case.n:,} ...", file=sys.stderr)
            rows.extend(run_case(case, args.shuffles, args.repeat, codes, not args.scale))
    print(f"cpus available: {len(os.sched_getaffinity(0))}, load average: "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)  # fmt: skip
    print(_fmt(rows))
    print(
        f"time: Crosspaths = fastest of {args.repeat} CLI runs (read CSVs -> write CSV and JSON, "
        "interpreter start included), with the least CPU time of the CLI and its workers; "
        "baselines = in-process compute. peak mem = largest resident set of the CLI or one "
        "of its workers."
    )


if __name__ == "__main__":
    main()
