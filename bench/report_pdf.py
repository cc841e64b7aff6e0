"""The quarterly PDF report: wall and CPU time of one generation, this checkout's code
against an older version's (default: main), side by side in one table.

    DEBUG=1 CROSSPATHS_VAR_DIR=/tmp/i17pdf .venv/bin/python bench/report_pdf.py
    DEBUG=1 CROSSPATHS_VAR_DIR=/tmp/i17pdf .venv/bin/python bench/report_pdf.py --before HEAD~3 --repeat 60

Uses the demo organization of the database the settings point at (``manage.py demo``
is run first when there is none: 300 people, weekly rounds). The older version's
``crosspaths`` package is taken with ``git archive`` into a temporary directory. Each
version runs in its own process (fresh, as a worker after a restart), --runs times,
alternating, so both see the same load; each run generates the report of the last
quarter --repeat times as an admin sees it (organization-wide) after two warm-up
generations. Figures and drawing both count, as in the request. Prints p50/p95 of wall
time over all runs, the median CPU time of the process per generation (what a report
costs; wall time on the shared 2-core machine mostly measures the other lanes), the
PDF's size and the 1-minute load average. This checkout keeps the font subsets it
made (see ``_Report.output``): its rows are the same report again (kept subsets used)
and the report with the kept subsets forgotten before each generation (a report of
glyphs not seen before).

Target (issue 13): p95 < 300 ms for every dashboard view, the PDF included.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="generations per run")
    parser.add_argument("--runs", type=int, default=2, help="processes per version")
    parser.add_argument("--before", default="main", help="git revision to compare with")
    parser.add_argument("--slug", default="demo")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(measure(args.child, args)), flush=True)
        return

    with tempfile.TemporaryDirectory(prefix="report-pdf-") as old:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.before, "crosspaths"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
        versions = {f"{args.before} (before)": Path(old), "this checkout": ROOT}
        results: dict[str, list[dict]] = {name: [] for name in versions}
        for _run in range(args.runs):
            for name, code in versions.items():
                child = [sys.executable, __file__, "--child", str(code)]
                child += ["--repeat", str(args.repeat), "--slug", args.slug]
                out = subprocess.run(
                    child,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                line = next(x for x in out.splitlines() if x.startswith("RESULT "))
                results[name].append(json.loads(line[len("RESULT ") :]))

    first = results["this checkout"][0]
    print(
        f"quarterly PDF, {first['org']}, {first['quarter']}: "
        f"{args.runs} processes x {args.repeat} generations per version"
    )
    head = ("code", "p50 ms", "p95 ms", "CPU p50 ms", "bytes", "load 1m")
    print(f"{head[0]:<36} {head[1]:>8} {head[2]:>8} {head[3]:>11} {head[4]:>8} {head[5]:>8}")
    for name, runs in results.items():
        for mode in runs[0]["modes"]:
            done = [r["modes"][mode] for r in runs]
            walls = [w for r in done for w in r["walls"]]
            cpus = [c for r in done for c in r["cpus"]]
            q = statistics.quantiles(walls, n=20)
            load = statistics.mean(r["load"] for r in done)
            print(
                f"{name + mode:<36} {q[9]:>8.0f} {q[18]:>8.0f} "
                f"{statistics.median(cpus):>11.0f} {done[-1]['bytes']:>8} {load:>8.2f}"
            )


def measure(code: Path, args) -> dict:
    sys.path.insert(0, str(code.resolve()))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from crosspaths import clock
    from crosspaths.insights import report
    from crosspaths.insights.figures import Filters
    from crosspaths.insights.periods import quarter_period
    from crosspaths.people.models import Organization

    assert Path(report.__file__).resolve().is_relative_to(code.resolve())
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
    for _ in range(2):
        report.quarterly_report_pdf(f)
    modes = {"": False}
    if hasattr(report, "_subsets"):  # also without a kept subset: a report of new glyphs
        modes = {", same glyphs again": False, ", new glyphs": True}
    result = {"org": f"{org.name} ({org.slug})", "quarter": f.period.label, "modes": {}}
    for mode, forget in modes.items():
        walls, cpus, size = [], [], 0
        for _ in range(args.repeat):
            if forget:
                report._subsets.clear()
            w0, c0 = time.perf_counter(), time.process_time()
            size = len(report.quarterly_report_pdf(f))
            walls.append((time.perf_counter() - w0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
        result["modes"][mode] = {
            "walls": walls,
            "cpus": cpus,
            "bytes": size,
            "load": os.getloadavg()[0],
        }
    return result


if __name__ == "__main__":
    main()
