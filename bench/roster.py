"""Benchmark: validating and applying a roster of N people (default 10,000), as the
console does it, and the service underneath.

    .venv/bin/python bench/roster.py [--people 10000] [--repeat 1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_console .venv/bin/python bench/roster.py

Runs on a throw-away database (a temporary SQLite file, or test_<name> on PostgreSQL,
created and dropped here). Phases, each timed on its own:

  read       the upload read and normalised (console.roster_files.read_upload)
  plan new   roster_plan on an empty organization (every row new)
  apply new  roster_apply of that plan (one transaction)
  plan again the same file against the filled organization (all unchanged)
  plan 10%   a file where 10% of the people changed department or level, and 2% left
  apply 10%  roster_apply of it, deactivating the missing
  console    the console path end to end: upload stored, preview planned, applied
             (with its audit entry) for a second 10% change
  export     the roster exported as CSV (streamed)

Prints a table of seconds per phase (the best of --repeat runs).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")  # a benchmark, not a site: development settings
    os.environ.setdefault("CROSSPATHS_VAR_DIR", str(tmp))
    import django
    from django.conf import settings

    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(tmp / "bench.sqlite3")


def changed_file(people, path: Path, *, share: float, leave: float, seed: int) -> None:
    """The same roster with ``share`` of the people changed and ``leave`` of them gone."""
    import random

    from crosspaths.demo.synthetic import DEPARTMENTS, write_roster_csv

    rng = random.Random(seed)
    out = []
    managers = {p.manager_id for p in people}
    for p in people:
        if p.id not in managers and rng.random() < leave:
            continue
        if rng.random() < share:
            p = type(p)(**{**p.__dict__})
            if rng.random() < 0.5:
                p.department = rng.choice(DEPARTMENTS)[0]
            else:
                p.level = p.level + 1
        out.append(p)
    write_roster_csv(out, path)


def run(n: int) -> dict[str, float]:
    from django.contrib.auth.models import User

    from crosspaths.console.roster_files import read_upload
    from crosspaths.console.selectors import roster_csv_lines
    from crosspaths.console.services import (
        roster_upload_apply,
        roster_upload_create,
        roster_upload_plan,
    )
    from crosspaths.demo.synthetic import generate_people, write_roster_csv
    from crosspaths.people.models import Organization, Person
    from crosspaths.people.services import roster_apply, roster_plan

    timings: dict[str, float] = {}

    def timed(name: str, fn):
        start = time.perf_counter()
        result = fn()
        timings[name] = time.perf_counter() - start
        return result

    stamp = time.time_ns()
    org = Organization.objects.create(name="Bench", slug=f"bench-{stamp}")
    admin_user = User.objects.create(username=f"admin-{stamp}@bench.test")
    admin = Person.objects.create(
        organization=org, email=f"admin-{stamp}@bench.test", user=admin_user, role="admin"
    )
    people = generate_people(n, seed=7, today=date(2026, 11, 25))
    with tempfile.TemporaryDirectory() as d:
        first, second, third = Path(d) / "a.csv", Path(d) / "b.csv", Path(d) / "c.csv"
        write_roster_csv(people, first)
        changed_file(people, second, share=0.10, leave=0.02, seed=1)
        changed_file(people, third, share=0.10, leave=0.0, seed=2)
        data = first.read_bytes()
        _, text, _ = timed("read", lambda: read_upload("a.csv", data))
        plan = timed("plan new", lambda: roster_plan(organization=org, text=text))
        timed("apply new", lambda: roster_apply(plan=plan))
        timed("plan again", lambda: roster_plan(organization=org, text=text))
        text2 = second.read_text(encoding="utf-8")
        plan2 = timed(
            "plan 10%",
            lambda: roster_plan(organization=org, text=text2, deactivate_missing=True),
        )
        timed("apply 10%", lambda: roster_apply(plan=plan2))
        third_bytes = third.read_bytes()

        def console() -> None:
            upload = roster_upload_create(
                organization=org, actor=admin, file_name="c.csv", data=third_bytes
            )
            preview = roster_upload_plan(upload=upload)
            roster_upload_apply(
                upload=upload, actor=admin, deactivate_missing=False, expected=preview.summary
            )

        timed("console", console)
        timed("export", lambda: sum(len(line) for line in roster_csv_lines(organization=org)))
    assert Person.objects.filter(organization=org).count() == n + 1
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.db import connection
        from django.test.utils import setup_test_environment

        setup_test_environment()
        old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            best: dict[str, float] = {}
            for _ in range(args.repeat):
                for name, seconds in run(args.people).items():
                    best[name] = min(seconds, best.get(name, float("inf")))
        finally:
            connection.creation.destroy_test_db(old, verbosity=0)
    vendor = connection.vendor
    print(f"\nroster of {args.people:,} people on {vendor} (best of {args.repeat})\n")
    print(f"| {'phase':<11} | {'seconds':>8} | {'rows/s':>9} |")
    print(f"| {'-' * 11} | {'-' * 8}:| {'-' * 9}:|")
    for name, seconds in best.items():
        rate = args.people / seconds if seconds else 0
        print(f"| {name:<11} | {seconds:>8.2f} | {rate:>9,.0f} |")
    total = sum(best[k] for k in ("read", "plan new", "apply new"))
    print(f"\nvalidate + apply of a new {args.people:,}-person roster: {total:.2f} s")


if __name__ == "__main__":
    main()
