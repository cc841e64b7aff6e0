"""``crosspaths match`` and ``crosspaths mixer``: the engine on files (the CLI contract).

    crosspaths match ROSTER.csv [--history HISTORY.csv] [--blocked BLOCKED.csv]
        [--size N] [--mode virtual|in-person] [--cooldown-weeks W]
        [--date YYYY-MM-DD] [--seed S] [-o OUT.csv] [--report REPORT.json]
    crosspaths mixer ROSTER.csv --table-size K --rounds R [--blocked BLOCKED.csv]
        [--seed S] [-o PLAN.csv]

Exit codes: 0 done (even when some people are left out: the report says why),
1 (mixer) no seating keeps the hard rules (e.g. a manager and their report
with only one table; nothing is written), 2 bad input (the message names file,
row and column; nothing is written). Without ``-o`` the output goes to standard
output.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import NoReturn

from .engine import gc_paused, match
from .features import PastRows
from .files import _write_all, read_blocked, reading_history, writable_problem, write_outputs
from .mixer import mix, plan_csv
from .roster import RosterError, RosterProblem, RosterRow, read_roster
from .types import PastGroup, Person, Rules

BAD_INPUT = 2
UNSEATABLE = 1
MAX_ROTATIONS = 20


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(BAD_INPUT, f"crosspaths: error: {message}\n")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date (use YYYY-MM-DD)") from None


def _size(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if n < 2:
        raise argparse.ArgumentTypeError(f"the group size must be at least 2, not {n}")
    return n


def _weeks(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"the cooldown cannot be negative ({n})")
    return n


def build_parser() -> argparse.ArgumentParser:
    """The ``crosspaths`` command line: ``match`` and ``mixer`` (see the module text).

    Returns
    -------
    argparse.ArgumentParser
        Exits with code 2 (``BAD_INPUT``) on bad arguments.

    Notes
    -----
    O(1).
    """
    parser = _Parser(prog="crosspaths", description="Crosspaths command line tools.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    m = sub.add_parser("match", help="group the people of a roster for one round")
    m.add_argument("roster", metavar="ROSTER.csv")
    m.add_argument("--history", metavar="HISTORY.csv", help="past groups: date,group,person_id")
    m.add_argument(
        "--blocked", metavar="BLOCKED.csv", help="pairs never to match: person_id,other_id"
    )
    m.add_argument("--size", type=_size, default=2, help="group size (default 2)")
    m.add_argument("--mode", choices=("virtual", "in-person"), default="virtual")
    m.add_argument("--cooldown-weeks", type=_weeks, default=12, dest="cooldown_weeks")
    m.add_argument("--date", type=_date, default=None, help="the round's date (default today)")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument(
        "-o", "--out", metavar="OUT.csv", help="groups: group,person_id (default stdout)"
    )
    m.add_argument("--report", metavar="REPORT.json", help="figures and reasons of the round")
    x = sub.add_parser("mixer", help="seat an event's people at tables for several rotations")
    x.add_argument("roster", metavar="ROSTER.csv")
    x.add_argument("--table-size", type=_table, required=True, dest="table_size", metavar="K")
    x.add_argument("--rounds", type=_rotations, required=True, metavar="R")
    x.add_argument(
        "--blocked", metavar="BLOCKED.csv", help="pairs never at one table: person_id,other_id"
    )
    x.add_argument("--seed", type=int, default=0)
    x.add_argument(
        "-o", "--out", metavar="PLAN.csv", help="seats: round,table,person_id (default stdout)"
    )
    return parser


def _table(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if n < 2:
        raise argparse.ArgumentTypeError(f"a table seats at least 2 people, not {n}")
    return n


def _rotations(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if not 1 <= n <= MAX_ROTATIONS:
        raise argparse.ArgumentTypeError(f"the rotations must be 1 to {MAX_ROTATIONS}, not {n}")
    return n


def main(argv: list[str] | None = None) -> int:
    """Run ``crosspaths match`` or ``crosspaths mixer``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name; None reads ``sys.argv``.

    Returns
    -------
    int
        The exit code: 0 done, 1 (mixer) no seating keeps the rules, 2 bad input.

    Notes
    -----
    ``match`` is O(people + history rows) for reading and writing plus the engine
    (see ``engine.match``); the garbage collector is paused throughout.
    """
    args = build_parser().parse_args(argv)
    with gc_paused():
        return _run_mixer(args) if args.command == "mixer" else _run(args)


def _run_mixer(args: argparse.Namespace) -> int:
    """Read the roster as ``match`` does, seat the active people, write PLAN.csv."""
    t0 = time.perf_counter()
    warnings: list[RosterProblem] = []
    try:
        rows = read_roster(args.roster, warnings=warnings)
        blocked = read_blocked(args.blocked, {r.id: r for r in rows}) if args.blocked else []
        if args.out and (problem := writable_problem(args.out)):
            raise RosterError([problem])
    except RosterError as e:
        print(str(e), file=sys.stderr)
        return BAD_INPUT
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    people = _people(rows)
    plan = mix(
        people, table_size=args.table_size, rounds=args.rounds, blocked=blocked, seed=args.seed
    )
    m = plan.metrics
    if m["rule_breaks"]:
        pairs = ", ".join(f"{a} and {b}" for a, b in m["rule_break_pairs"])
        print(
            f"crosspaths: no seating of {m['people']} people at {m['tables']} table(s) keeps "
            f"every rule ({m['rule_breaks']} pair(s) would share a table: {pairs}); "
            "nothing written",
            file=sys.stderr,
        )
        return UNSEATABLE
    text = plan_csv(plan)
    if args.out:
        _write_all({Path(args.out): text})
    else:
        sys.stdout.write(text)
    print(
        f"crosspaths: {m['people']} people, {m['rounds']} rotation(s) of {m['tables']} tables "
        f"(sizes {'/'.join(map(str, m['table_sizes']))}), {m['repeated_pairs']} repeated pairs, "
        f"{m['mean_departments_per_table']} departments per table, "
        f"total {time.perf_counter() - t0:.2f}s",
        file=sys.stderr,
    )
    return 0


def _people(rows: list[RosterRow]) -> list[Person]:
    """The active rows as the engine's people , with one frozenset
    per distinct language or interest list: the roster reader shares its tuples among
    rows, and 200,000 frozensets cost a fifth of a second at 100,000 people."""
    sets: dict[tuple[str, ...], frozenset[str]] = {}

    def as_set(values: tuple[str, ...]) -> frozenset[str]:
        out = sets.get(values)
        if out is None:
            out = sets[values] = frozenset(values)
        return out

    return [
        Person(
            r.id,
            r.name,
            r.department,
            r.team,
            r.location,
            r.level,
            r.manager_id,
            r.start_date,
            r.timezone,
            as_set(r.languages),
            as_set(r.interests),
        )
        for r in rows
        if r.active
    ]


def _run(args: argparse.Namespace) -> int:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    on = args.date or date.today()
    warnings: list[RosterProblem] = []
    try:
        with ExitStack() as stack:
            # The history (a million rows at 100,000 people) is read alongside the roster.
            history_rows = (
                stack.enter_context(reading_history(args.history)) if args.history else None
            )
            rows = read_roster(args.roster, warnings=warnings)
            known = {r.id: r for r in rows}
            history: PastRows | list[PastGroup] = history_rows(known) if history_rows else []
        blocked = read_blocked(args.blocked, known) if args.blocked else []
        problems = [p for f in (args.out, args.report) if f and (p := writable_problem(f))]
        if problems:
            raise RosterError(problems)
    except RosterError as e:
        print(str(e), file=sys.stderr)
        return BAD_INPUT
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    people = _people(rows)
    timings["read"] = time.perf_counter() - t0
    rules = Rules(size=args.size, mode=args.mode, cooldown_weeks=args.cooldown_weeks)
    result = match(people, history=history, blocked=blocked, rules=rules, on=on, seed=args.seed)
    t1 = time.perf_counter()
    round_info = {
        "date": on.isoformat(),
        "size": args.size,
        "mode": args.mode,
        "cooldown_weeks": args.cooldown_weeks,
        "seed": args.seed,
        "roster": args.roster,
        "inactive_skipped": len(rows) - len(people),
        "warnings": [str(w) for w in warnings],
    }
    result.metrics["timings"] = {
        "read": round(timings["read"], 4),
        **result.metrics["timings"],
    }
    text = write_outputs(result, out=args.out, report=args.report, round_info=round_info)
    if text is not None:
        sys.stdout.write(text)
    m = result.metrics
    print(
        f"crosspaths: {m['placed']} of {m['people']} placed in {m['groups']} groups, "
        f"{len(m['left_out'])} left out, {m['hard_rule_violations']} rule violations, "
        f"objective {m['objective']}, write {time.perf_counter() - t1:.2f}s, "
        f"total {time.perf_counter() - t0:.2f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
