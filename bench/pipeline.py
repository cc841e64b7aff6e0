"""The round pipeline at size next to the engine: load, engine CLI, draft, publish.

    .venv/bin/python bench/pipeline.py                       # 100,000 people, PostgreSQL
    .venv/bin/python bench/pipeline.py --people 10000
    .venv/bin/python bench/pipeline.py --postgres postgres://postgres@127.0.0.1:5432/NAME
    .venv/bin/python bench/pipeline.py --keep     # then --reuse: skip the ~4 minute load

Issue 13 asks for a draft at 100,000 people within twice the engine CLI's time on the
same roster, a publication within 15 s, and at most 1 GB peak memory for each. Every
phase runs in its own process, so its peak resident memory is its own (``ru_maxrss``,
interpreter and Django included):

1. load: a demo organization without history rounds beyond the demo's own, one weekly
   coffee program in pairs with every active person enrolled, then ``ANALYZE``;
2. engine CLI: the draft's own engine input (people, history, blocked pairs) written
   as the CLI's files, then ``python -m crosspaths.matching match`` on them, timed as
   a whole (reading the files included), as the CLI contract runs it;
3. draft: ``round_draft`` as the scheduler calls it, with its own split into reading
   the engine input, matching and storing (``Round.metrics["seconds"]``);
4. publish: ``round_publish``, writing the outbox (introductions, reminders,
   check-ins) in one transaction and handing the introductions to the task queue.

The organization is deleted at the end. Prints one table; CPU is user + system of the
phase's process (and, for the CLI, of the child), so it can be compared on a busy
machine where wall time cannot.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "bench-pipeline"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/crosspaths_bench_pipeline"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")  # a benchmark, not a site: development settings
    os.environ.setdefault("TASKS_BACKEND", "database")
    import django

    django.setup()


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _program():
    from crosspaths.programs.models import Program

    return Program.objects.get(organization__slug=SLUG, name="Bench coffee")


def _reusable(people: int) -> int | None:
    """The enrolled count of a kept organization of ``people`` (``--keep``), its
    bench program's rounds removed so the draft starts as on a fresh load; ``None``
    when there is none to reuse."""
    from crosspaths.people.models import Organization
    from crosspaths.programs.models import Round

    org = Organization.objects.filter(slug=SLUG).first()
    if org is None or org.people.count() != people:
        return None
    Round.objects.filter(program=_program()).delete()
    return _program().enrollments.count()


def phase_load(people: int, reuse: bool = False) -> dict[str, object]:
    from django.db import connection

    from crosspaths.demo.loader import load_demo_organization
    from crosspaths.people.models import Organization, Person
    from crosspaths.programs.models import Enrollment, Program

    if reuse:
        enrolled = _reusable(people)
        if enrolled is not None:
            return {"enrolled": enrolled, "reused": True}
    Organization.objects.filter(slug=SLUG).delete()
    org = load_demo_organization(people=people, slug=SLUG, with_logins=False)
    program = Program.objects.create(
        organization=org, name="Bench coffee", format=Program.Format.VIRTUAL_COFFEE, group_size=2
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(organization=org, program=program, person_id=pk)
            for pk in Person.objects.filter(organization=org, active=True).values_list(
                "pk", flat=True
            )
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"enrolled": program.enrollments.count()}


def phase_engine(folder: str) -> dict[str, object]:
    from bench.rosters import write_history_csv, write_roster_csv
    from crosspaths import clock
    from crosspaths.programs.engine_input import engine_input_for

    program = _program()
    on = clock.today()
    data = engine_input_for(program, on=on)
    path = Path(folder)
    write_roster_csv(path / "roster.csv", data.people)
    write_history_csv(path / "history.csv", data.history)
    command = [
        sys.executable, "-m", "crosspaths.matching", "match", str(path / "roster.csv"),
        "--history", str(path / "history.csv"), "--size", "2", "--mode", "virtual",
        "--date", on.isoformat(), "--seed", str(program.pk), "-o", str(path / "groups.csv"),
        "--report", str(path / "report.json"),
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads((path / "report.json").read_text())
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "peak_mb": after.ru_maxrss / 1024,
        "people": len(data.people),
        "history": len(data.history),
        "groups": report.get("groups"),
    }


def phase_draft() -> dict[str, object]:
    from crosspaths import clock
    from crosspaths.programs.services import round_draft

    program = _program()
    cpu0, t0 = _cpu(), time.perf_counter()
    rnd = round_draft(program=program, on=clock.today())
    return {
        "wall": time.perf_counter() - t0,
        "cpu": _cpu() - cpu0,
        "peak_mb": _peak_mb(),
        "round": rnd.pk,
        "groups": rnd.metrics.get("groups"),
        "split": rnd.metrics.get("seconds"),
    }


def phase_publish() -> dict[str, object]:
    from crosspaths.notify.models import Message
    from crosspaths.programs.models import Round
    from crosspaths.programs.services import round_publish

    rnd = Round.objects.get(program=_program(), status=Round.Status.DRAFT)
    cpu0, t0 = _cpu(), time.perf_counter()
    round_publish(round=rnd)
    return {
        "wall": time.perf_counter() - t0,
        "cpu": _cpu() - cpu0,
        "peak_mb": _peak_mb(),
        "messages": Message.objects.filter(match__round=rnd).count()
        + Message.objects.filter(organization_id=rnd.organization_id, match__isnull=True).count(),
    }


def phase_cleanup() -> dict[str, object]:
    from crosspaths.people.models import Organization

    Organization.objects.filter(slug=SLUG).delete()
    return {}


def child(phase: str, args: argparse.Namespace) -> None:
    _setup()
    if phase == "load":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        cpu0, t0 = _cpu(), time.perf_counter()
        out = phase_load(args.people, reuse=args.reuse)
        out.update(wall=time.perf_counter() - t0, cpu=_cpu() - cpu0, peak_mb=_peak_mb())
    elif phase == "engine":
        out = phase_engine(args.folder)
    else:
        step = {"draft": phase_draft, "publish": phase_publish, "cleanup": phase_cleanup}[phase]
        if args.profile == phase:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            out = profiler.runcall(step)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        else:
            out = step()
    print("RESULT " + json.dumps(out))


def run_phase(phase: str, args: argparse.Namespace, env: dict[str, str]) -> dict:
    command = [sys.executable, __file__, "--child", phase, "--people", str(args.people)]
    command += ["--reuse"] if args.reuse else []
    command += ["--folder", args.folder] + (["--profile", args.profile] if args.profile else [])
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"phase {phase} failed:\n{done.stderr[-4000:]}")
    if args.profile == phase:
        print(done.stderr, file=sys.stderr)
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")][-1]
    print(f"{phase}: {line[len('RESULT ') :]}", flush=True)  # kept if a later phase fails
    return json.loads(line[len("RESULT ") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_DB))
    parser.add_argument(
        "--profile", choices=["draft", "publish"], help="print cProfile's top 40 of a phase"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the organization for a later --reuse"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use a kept organization of --people when there is one (rounds removed)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args)
        return
    env = dict(os.environ, DATABASE_URL=args.postgres)
    env.setdefault("CROSSPATHS_VAR_DIR", tempfile.mkdtemp(prefix="crosspaths-bench-"))
    name = args.postgres.rsplit("/", 1)[1]
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True, check=False
    )
    with tempfile.TemporaryDirectory(prefix="crosspaths-pipeline-") as folder:
        args.folder = folder
        load = run_phase("load", args, env)
        engine = run_phase("engine", args, env)
        draft = run_phase("draft", args, env)
        publish = run_phase("publish", args, env)
        if not args.keep:
            run_phase("cleanup", args, env)
    load1 = os.getloadavg()[0]
    print(
        f"{args.people:,} people, {load['enrolled']:,} enrolled, {engine['history']:,} "
        f"history groups; PostgreSQL; load average {load1:.1f}"
    )
    print("| phase | wall s | CPU s | peak MB | notes |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, row, note in (
        ("load (demo + enroll)", load, ""),
        ("engine CLI (files)", engine, f"{engine['groups']} groups"),
        ("draft", draft, f"{draft['groups']} groups; split {draft['split']}"),
        ("publish", publish, f"{publish['messages']:,} outbox rows"),
    ):
        print(f"| {name} | {row['wall']:.1f} | {row['cpu']:.1f} | {row['peak_mb']:.0f} | {note} |")
    print(
        f"draft / engine CLI: {draft['wall'] / engine['wall']:.2f}x wall, "
        f"{draft['cpu'] / max(engine['cpu'], 1e-9):.2f}x CPU (target ≤ 2x); "
        f"publish {publish['wall']:.1f} s (target ≤ 15 s)"
    )


if __name__ == "__main__":
    main()
