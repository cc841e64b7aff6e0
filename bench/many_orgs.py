"""Many organizations due at the same moment: 2 schedulers and 4 workers, on PostgreSQL.

    .venv/bin/python bench/many_orgs.py                          # 50 organizations x 2,000
    .venv/bin/python bench/many_orgs.py --orgs 10 --people 500 --workers 4 --schedulers 2
    .venv/bin/python bench/many_orgs.py --postgres postgres://postgres@127.0.0.1:5432/NAME

Issue 13 asks for 50 organizations of 2,000 people, each with a weekly program due on
the same Monday 09:00, drafted and published within 5 minutes by 2 schedulers and 4
workers, with no organization waiting behind another's whole round. The bench:

1. recreates the database (``--postgres``, dropped and created again: give it one of
   your own), migrates, and loads ``--orgs`` demo organizations of ``--people`` enrolled
   colleagues, each with one weekly virtual coffee due Monday 09:00 in its zone
   (Europe/Berlin, all the same moment), no review;
2. starts ``--schedulers`` ``manage.py crosspaths_scheduler --now <that Monday 09:00>``
   processes (the scheduler's own way of replaying a moment; everything else reads the
   real clock through crosspaths/clock.py) and ``--workers`` ``db_worker`` processes
   against a local aiosmtpd sink, all at once;
3. waits until every round is published and the sink has every introduction (and
   left-out notice) the rounds owe, then stops them all.

Prints one table row per organization: when (seconds after the start) its round row was
written (drafted), published, its first and last message reached the sink; then the
totals, the fairness figures (spread of publish times; organizations whose first
message reached the sink only after another organization, published after them, had
its whole round delivered), what the
sink received per Message-ID (lost, doubled), the CPU the workers and schedulers spent
(per message, per round: comparable on a busy machine where wall time is not) and the
load average.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from delivery import Sink, cpu_seconds  # noqa: E402 (bench/ is on the path as the script's folder)
from workers import start_workers  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/crosspaths_manyorgs"
ZONE = "Europe/Berlin"


class TimedSink(Sink):
    """The delivery bench's sink, also noting when each Message-ID first arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, float] = {}

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        from delivery import _header

        message_id = _header(envelope.content, b"message-id")
        with self._lock:
            self.arrived.setdefault(message_id, time.time())
        return await super().handle_DATA(server, session, envelope)


def recreate_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def monday_nine(today) -> datetime:  # type: ignore[no-untyped-def]
    """The last Monday on or before ``today``, 09:00 in ``ZONE``."""
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, dtime(9, 0), tzinfo=ZoneInfo(ZONE))


def load(orgs: int, people: int, monday: datetime) -> float:
    """The organizations, each with one program due at ``monday``; seconds taken."""
    from django.core.management import call_command
    from django.db import connection

    from crosspaths.demo.loader import load_demo_organization
    from crosspaths.people.models import Person
    from crosspaths.programs.models import Enrollment, Program

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    for k in range(orgs):
        # A few percent of the synthetic roster has left the company: load enough.
        org = load_demo_organization(
            people=int(people * 1.05) + 10,
            seed=k + 1,
            slug=f"org-{k:03d}",
            name=f"Organization {k:03d}",
            past_rounds=0,
            today=monday.date(),
            with_logins=False,
        )
        if org.timezone != ZONE:
            org.timezone = ZONE
            org.save(update_fields=["timezone"])
        program = Program.objects.create(
            organization=org,
            name="Weekly coffee",
            format=Program.Format.VIRTUAL_COFFEE,
            cadence=Program.Cadence.WEEKLY,
            weekday=Program.Weekday.MONDAY,
            time=dtime(9, 0),
            starts_on=monday.date(),
            group_size=2,
            requires_review=False,
        )
        # The demo's own programs (and their draft rounds) would be due too: one program
        # per organization here.
        Program.objects.filter(organization=org).exclude(pk=program.pk).delete()
        ids = (
            Person.objects.filter(organization=org, active=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:people]
        )
        Enrollment.objects.bulk_create(
            [Enrollment(organization=org, program=program, person_id=pk) for pk in ids],
            batch_size=5000,
        )
        print(f"loaded {org.slug}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def start_schedulers(
    count: int, env: dict[str, str], now: datetime, started: list[float]
) -> list[subprocess.Popen]:
    """The scheduler processes; ``started`` gets the moment each says it started."""
    schedulers = []
    for _ in range(count):
        command = [sys.executable, "manage.py", "crosspaths_scheduler", "--interval", "1"]
        command += ["--now", now.isoformat()]
        p = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        threading.Thread(target=_watch, args=(p, started), daemon=True).start()
        schedulers.append(p)
    return schedulers


def _watch(process: subprocess.Popen, started: list[float]) -> None:
    for line in process.stdout:  # type: ignore[union-attr]
        if line.startswith(b"scheduler started"):
            started.append(time.time())
        if b"failed" in line or b"skipped" in line:
            print(line.decode(errors="replace").rstrip(), flush=True)


def due_message_ids(host: str) -> dict[str, int]:
    """Message-ID -> organization of every introduction and left-out notice written."""
    from crosspaths.notify.models import Message

    rows = Message.objects.filter(kind__in=["intro", "left_out"]).values_list(
        "pk", "organization_id"
    )
    return {f"<crosspaths.{pk}@{host}>": org for pk, org in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--people", type=int, default=2000, help="enrolled per organization")
    parser.add_argument("--schedulers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=100, help="MAIL_BATCH_SIZE")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_DB))
    parser.add_argument(
        "--settle", type=float, default=15, help="seconds for the workers to start up"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="give up after (s)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="crosspaths-manyorgs-"))
    sink = TimedSink()
    sink.controller.start()
    recreate_database(args.postgres)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": args.postgres,
        "CROSSPATHS_VAR_DIR": str(tmp),
        "TASKS_BACKEND": "database",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "MAIL_BATCH_SIZE": str(args.batch),
        "DB_CONN_MAX_AGE": "60",
        "DEBUG": "0",  # as in production: no statement log in every process
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "crosspaths.settings"
    import django

    django.setup()
    from urllib.parse import urlparse

    from django.conf import settings
    from django.db import connections

    from crosspaths import clock
    from crosspaths.programs.models import Round

    monday = monday_nine(clock.today())
    load_s = load(args.orgs, args.people, monday)
    connections.close_all()
    host = urlparse(settings.SITE_URL).hostname or "crosspaths.invalid"
    load_before = os.getloadavg()

    workers = start_workers(args.workers, env, tmp)
    # Their start-up (Django, the first polls) is not delivery: CPU counted from here.
    time.sleep(args.settle)
    cpu_base = sum(cpu_seconds(p.pid) for p in workers)
    started: list[float] = []
    t0 = time.time()
    schedulers = start_schedulers(args.schedulers, env, monday, started)
    processes = workers + schedulers
    expected: dict[str, int] = {}
    published_all = None
    try:
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in processes):
                raise SystemExit(f"a process died; see {tmp}/*.log")
            if published_all is None:
                done = Round.objects.filter(status=Round.Status.PUBLISHED).count()
                if done >= args.orgs:
                    published_all = time.time()
                    expected = due_message_ids(host)
            elif len(set(sink.arrived) & set(expected)) >= len(expected):
                break
            time.sleep(0.5)
        time.sleep(2)  # a doubled message would arrive now
        cpu_workers = sum(cpu_seconds(p.pid) for p in workers) - cpu_base
        cpu_schedulers = sum(cpu_seconds(p.pid) for p in schedulers)
        load_after = os.getloadavg()
    finally:
        for p in processes:
            p.send_signal(signal.SIGTERM)
        for p in processes:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
        sink.controller.stop()
    report(args, t0, published_all, expected, sink, load_s, load_before, load_after,
           cpu_workers, cpu_schedulers, started)  # fmt: skip


def report(
    args, t0, published_all, expected, sink, load_s, load_before, load_after,
    cpu_workers, cpu_schedulers, started,
) -> None:  # fmt: skip
    from crosspaths.notify.models import Message
    from crosspaths.programs.models import Round

    rounds = {
        r.organization_id: r
        for r in Round.objects.filter(status=Round.Status.PUBLISHED).select_related("organization")
    }
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    for message_id, org in expected.items():
        at = sink.arrived.get(message_id)
        if at is None:
            continue
        first[org] = min(first.get(org, at), at)
        last[org] = max(last.get(org, at), at)
    per_org = {org: sum(1 for o in expected.values() if o == org) for org in rounds}

    def rel(moment: datetime | float | None) -> float:
        if moment is None:
            return float("nan")
        stamp = moment.timestamp() if isinstance(moment, datetime) else moment
        return stamp - t0

    rows = sorted(rounds.values(), key=lambda r: r.published_at)
    print()
    print(
        f"{args.orgs} organizations x {args.people:,} enrolled, {args.schedulers} schedulers, "
        f"{args.workers} db_workers, batches of {args.batch}; PostgreSQL; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (1 min), "
        f"{os.cpu_count()} cores; loading took {load_s:.0f} s"
    )
    print()
    print("| organization | messages | drafted s | published s | first at sink s | "
          "last at sink s | waited s |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        org = r.organization_id
        print(
            f"| {r.organization.slug} | {per_org[org]:,} | {rel(r.created_at):.1f} | "
            f"{rel(r.published_at):.1f} | {rel(first.get(org)):.1f} | "
            f"{rel(last.get(org)):.1f} | {first.get(org, float('nan')) - r.published_at.timestamp():.1f} |"
        )
    # Fairness: an organization "waited behind another's whole round" when some other
    # organization published no earlier had its first and last message delivered
    # between this one's publication and its first message.
    behind = 0
    for r in rows:
        org, pub = r.organization_id, r.published_at.timestamp()
        if org not in first:
            continue
        if any(
            o != org and o in first and first[o] >= pub and last[o] <= first[org] for o in rounds
        ):
            behind += 1
    published = [r.published_at.timestamp() for r in rows]
    waits = sorted(first[r.organization_id] - r.published_at.timestamp()
                   for r in rows if r.organization_id in first)  # fmt: skip
    received = len(set(sink.arrived) & set(expected))
    doubled = sum(1 for mid, n in sink.ids.items() if n > 1 and mid in expected)
    delivered_all = max(last.values()) if last else float("nan")
    window = delivered_all - min(first.values()) if first else float("nan")
    print()
    up = min(started) if started else float("nan")
    figures = {
        "schedulers up (s after launch; Django start-up)": ", ".join(
            f"{rel(x):.1f}" for x in sorted(started)
        ),
        "rounds published": f"{len(rounds)} of {args.orgs}",
        "all drafted and published (s after the first scheduler was up)": (
            f"{max(published) - up:.1f}"
        ),
        "all drafted and published (s after start)": f"{rel(max(published)):.1f}",
        "all delivered (s after start)": f"{rel(delivered_all):.1f}",
        "spread of publish times (s, first to last)": f"{max(published) - min(published):.1f}",
        "wait publish -> first message (s; median / max)": (
            f"{waits[len(waits) // 2]:.1f} / {waits[-1]:.1f}" if waits else "n/a"
        ),
        "organizations whose first message waited behind another's whole round": behind,
        "messages owed (intro + left out)": f"{len(expected):,}",
        "received by the sink": f"{received:,}",
        "lost (never received)": len(expected) - received,
        "doubled (received twice)": doubled,
        "status sent": Message.objects.filter(
            kind__in=["intro", "left_out"], status="sent"
        ).count(),
        "delivery rate, all workers (msg/s, first to last at sink)": f"{received / window:.1f}",
        "per worker (msg/s)": f"{received / window / args.workers:.1f}",
        "worker CPU per message (ms)": f"{1000 * cpu_workers / max(1, received):.2f}",
        "scheduler CPU per round (s; draft + publish + sweeps)": (
            f"{cpu_schedulers / max(1, len(rounds)):.2f}"
        ),
        "all published within 300 s of launch": (
            "yes" if published_all and rel(max(published)) <= 300 else "no"
        ),
    }
    for name, value in figures.items():
        print(f"- {name}: {value}")


if __name__ == "__main__":
    main()
