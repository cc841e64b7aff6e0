"""The quarterly PDF report: wall and CPU time of one generation, fonts parsed per call
(as before) against fonts prepared once per process (as now), side by side.

    DEBUG=1 CROSSPATHS_VAR_DIR=/tmp/i17pdf .venv/bin/python bench/report_pdf.py [--repeat 30]
    git archive main crosspaths | tar -x -C /tmp/old && \
      DEBUG=1 CROSSPATHS_VAR_DIR=/tmp/i17pdf .venv/bin/python bench/report_pdf.py --code /tmp/old

Uses the demo organization of the database settings point at (``manage.py demo`` is run
first when there is none: 300 people, weekly rounds). Each mode generates the report of
the last quarter --repeat times, as an admin sees it (organization-wide), after two
warm-up generations; figures and drawing both count, as in the request. "per call"
clears the process's prepared fonts before each generation, which is what every
request did before. With --code DIR the code is imported from DIR (another checkout)
instead, to measure an older version as it was (one row: it has no prepared fonts).
Prints p50/p95 of wall time, the median CPU time of this process,
the PDF's size and the load average (the machine is shared).

Target (issue 13): p95 < 300 ms for every dashboard view, the PDF included.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--slug", default="demo")
    parser.add_argument("--code", type=Path, default=ROOT, help="import crosspaths from here")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from crosspaths import clock
    from crosspaths.insights import report
    from crosspaths.insights.figures import Filters
    from crosspaths.insights.periods import quarter_period
    from crosspaths.people.models import Organization

    call_command("migrate", verbosity=0)
    org = Organization.objects.filter(slug=args.slug).first()
    if org is None:
        call_command("demo", slug=args.slug, verbosity=0)
        org = Organization.objects.get(slug=args.slug)
    today = clock.today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    f = Filters(
        organization=org,
        program=None,
        location=None,
        period=quarter_period(year, quarter),
        organization_wide=True,
        today=today,
    )
    translation.activate("en")

    rows = []
    modes = [("fonts parsed per call (before)", True), ("fonts once (now)", False)]
    if not hasattr(report, "clear_font_cache"):
        modes = [(f"as in {args.code}", False)]
    print(f"code: {Path(report.__file__).resolve()}")
    for mode, cold in modes:
        for _ in range(2):
            report.quarterly_report_pdf(f)
        walls, cpus = [], []
        size = 0
        for _ in range(args.repeat):
            if cold:
                report.clear_font_cache()
            w0, c0 = time.perf_counter(), time.process_time()
            size = len(report.quarterly_report_pdf(f))
            walls.append((time.perf_counter() - w0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
        q = statistics.quantiles(walls, n=20)
        rows.append((mode, q[9], q[18], statistics.median(cpus), size, os.getloadavg()[0]))

    print(f"quarterly PDF, {org.name} ({org.slug}), {f.period.label}, {args.repeat} generations")
    head = ("mode", "p50 ms", "p95 ms", "CPU p50 ms", "bytes", "load 1m")
    print(f"{head[0]:<32} {head[1]:>8} {head[2]:>8} {head[3]:>11} {head[4]:>8} {head[5]:>8}")
    for mode, p50, p95, cpu, size, load in rows:
        print(f"{mode:<32} {p50:>8.0f} {p95:>8.0f} {cpu:>11.0f} {size:>8} {load:>8.2f}")


if __name__ == "__main__":
    main()
