"""Slots for a round at size, and how a round's slots are spread.

    .venv/bin/python bench/slots.py [--groups 50000] [--days 7] [--repeat 3]
    CROSSPATHS_VAR_DIR=/tmp/x DEBUG=1 .venv/bin/python bench/slots.py --spread

Without ``--spread``: plans ``--groups`` pairs of a synthetic round (people in Berlin,
Lisbon and New York, a fifth with declared free windows, Bavarian, Portuguese and New
York holidays) with ``crosspaths.programs.planner.plan_slots`` and prints the median
time, the groups without a common time and the spread per weekday.

``--spread`` prints, for every program of the demo organization (``manage.py demo``),
its latest round's (published, or a draft waiting for review) groups per weekday and per hour (the organization's zone),
reading only ``Match`` rows, so the same script shows the table for a database built by
older code (run it with that checkout first on ``PYTHONPATH``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path and not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT))

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def table(starts: list[datetime], zone: str) -> str:
    """Groups per weekday and per local hour, as two lines of counts."""
    local = [s.astimezone(ZoneInfo(zone)) for s in starts]
    days = Counter(m.weekday() for m in local)
    hours = Counter(m.hour for m in local)
    day_line = "  ".join(f"{WEEKDAYS[d]} {days[d]:>5}" for d in range(7) if days[d])
    hour_line = "  ".join(f"{h:02d}h {hours[h]:>5}" for h in sorted(hours))
    return f"  per weekday: {day_line}\n  per hour:    {hour_line}"


def synthetic(groups: int, seed: int) -> list:
    from crosspaths.people.days_off import holidays_between
    from crosspaths.programs.planner import PlanGroup
    from crosspaths.programs.slots import Free

    rng = random.Random(seed)
    first, last = date(2026, 11, 29), date(2027, 1, 2)
    places = [
        ("Europe/Berlin", holidays_between("DE", "BY", first, last), 0.5),
        ("Europe/Lisbon", holidays_between("PT", "", first, last), 0.25),
        ("America/New_York", holidays_between("US", "NY", first, last), 0.25),
    ]

    def person() -> Free:
        zone, off, _ = rng.choices(places, weights=[p[2] for p in places])[0]
        windows = []
        if rng.random() < 0.2:
            windows = [
                {"weekday": d, "start": f"{rng.choice((9, 10, 13)):02d}:00", "end": "16:00"}
                for d in rng.sample(range(5), 3)
            ]
        return Free(zone, windows, off)

    return [PlanGroup((person(), person()), (2 * k, 2 * k + 1)) for k in range(groups)]


def bench(args: argparse.Namespace) -> None:
    from crosspaths.programs.planner import plan_slots
    from crosspaths.programs.slots import _windows_of

    groups = synthetic(args.groups, seed=1)
    after = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)  # Tuesday 1 Dec, Berlin
    before = after + timedelta(days=args.days)
    times, cpu, slots = [], [], []
    for _ in range(args.repeat):
        _windows_of.cache_clear()  # every run computes people's windows anew
        started, started_cpu = time.perf_counter(), time.process_time()
        slots = plan_slots(
            groups,
            fmt="virtual_coffee",
            after=after,
            before=before,
            zone="Europe/Berlin",
            seed=7,
        )
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    placed = [s[0] for s in slots if s]
    load = os.getloadavg()[0]
    print("| groups | window days | median s | median CPU s | runs | load | without a slot |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {args.groups:,} | {args.days} | {statistics.median(times):.2f} "
        f"| {statistics.median(cpu):.2f} | {args.repeat} | {load:.1f} "
        f"| {len(slots) - len(placed):,} |"
    )
    print(table(placed, "Europe/Berlin"))


def spread() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    import django

    django.setup()
    from crosspaths.people.models import Organization
    from crosspaths.programs.models import Match, Round

    org = Organization.objects.get(slug="demo")
    seen: set[int] = set()
    rounds = Round.objects.filter(organization=org)
    for rnd in rounds.select_related("program").order_by("program__name", "-date"):
        if rnd.program_id in seen:
            continue  # the latest round of each program only
        seen.add(rnd.program_id)
        starts = list(
            Match.objects.filter(round=rnd, suggested_start__isnull=False).values_list(
                "suggested_start", flat=True
            )
        )
        total = Match.objects.filter(round=rnd).count()
        print(
            f"{rnd.program.name} ({rnd.program.format}), {rnd.status} round of {rnd.date}: "
            f"{total} groups, "
            f"{total - len(starts)} without a slot"
        )
        print(table(starts, org.timezone))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spread", action="store_true", help="the demo's slot spread")
    args = parser.parse_args()
    if args.spread:
        spread()
    else:
        bench(args)


if __name__ == "__main__":
    main()
