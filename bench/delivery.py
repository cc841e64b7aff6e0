"""Delivery benchmark: one round of 10,000 people, introductions with .ics, two workers.

    .venv/bin/python bench/delivery.py                       # SQLite in a temporary folder
    .venv/bin/python bench/delivery.py --postgres postgres://postgres@127.0.0.1:5432
    .venv/bin/python bench/delivery.py --people 2000 --workers 4

Creates a throw-away database (a temporary SQLite file, or a fresh PostgreSQL database
that is dropped afterwards), loads a synthetic organization, enrolls ``--people``
colleagues in a virtual coffee, drafts and publishes one round (which writes the
outbox and enqueues the delivery tasks in the database queue), then starts ``--workers``
``manage.py db_worker`` processes against a local aiosmtpd sink and waits until every
introduction is accepted by the sink. Prints a table: how long each phase took,
messages per second, and the peak memory of the workers and of this process.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from workers import start_db_workers  # noqa: E402 (bench/ is on the path as the script's folder)


class Sink:
    """An SMTP server that counts what it accepts (and checks each has an invitation)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        from tests.mailbox import free_port

        self.count = 0
        self.with_ics = 0
        self.bytes = 0
        self.first: float | None = None
        self.last: float | None = None
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        now = time.perf_counter()
        with self._lock:
            self.count += 1
            self.bytes += len(envelope.content)
            self.with_ics += b"text/calendar" in envelope.content
            self.first = self.first or now
            self.last = now
        return "250 OK"


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM) from /proc, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fresh_postgres(server_url: str) -> tuple[str, str]:
    import psycopg

    name = f"crosspaths_bench_{os.getpid()}"
    with psycopg.connect(f"{server_url.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url.rstrip('/')}/{name}", name


def drop_postgres(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100, help="messages per delivery task")
    parser.add_argument(
        "--postgres", metavar="URL", help="a PostgreSQL server (postgres://user@host:port)"
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="crosspaths-bench-"))
    sink = Sink()
    sink.controller.start()
    db_name = None
    if args.postgres:
        database_url, db_name = fresh_postgres(args.postgres)
    else:
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database_url,
        "CROSSPATHS_VAR_DIR": str(tmp),
        "TASKS_BACKEND": "database",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "MAIL_BATCH_SIZE": str(args.batch),
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "crosspaths.settings"
    os.environ.setdefault("DEBUG", "1")  # a benchmark, not a site: development settings
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from crosspaths.demo import load_demo_organization
    from crosspaths.notify.models import Message
    from crosspaths.people.models import Person
    from crosspaths.programs.models import Enrollment, Program
    from crosspaths.programs.services import round_draft, round_publish

    workers: list[subprocess.Popen[bytes]] = []
    try:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        # A few percent of the synthetic roster has left the company: load enough.
        org = load_demo_organization(
            people=int(args.people * 1.05) + 10,
            slug="bench",
            name="Bench",
            past_rounds=0,
            with_logins=False,
        )
        program = Program.objects.create(
            organization=org, name="Bench coffee", format=Program.Format.VIRTUAL_COFFEE
        )
        people = list(
            Person.objects.filter(organization=org, active=True)
            .order_by("pk")
            .values_list("pk", flat=True)[: args.people]
        )
        Enrollment.objects.bulk_create(
            [Enrollment(organization=org, program=program, person_id=pk) for pk in people],
            batch_size=2000,
        )
        timings["load roster"] = time.perf_counter() - started

        t = time.perf_counter()
        rnd = round_draft(program=program, on=timezone.localdate())
        timings["draft (match, slots)"] = time.perf_counter() - t
        t = time.perf_counter()
        round_publish(round=rnd)
        timings["publish (outbox, tasks)"] = time.perf_counter() - t
        intros = Message.objects.filter(kind="intro").count()

        t = time.perf_counter()
        workers += start_db_workers(args.workers, env, tmp)
        while sink.count < intros:
            if any(w.poll() is not None for w in workers):
                raise SystemExit(f"a worker died; see {tmp}/worker-*.log")
            time.sleep(0.2)
        timings["deliver (incl. worker start)"] = time.perf_counter() - t
        worker_peaks = [peak_rss_mib(w.pid) for w in workers]
        sent = Message.objects.filter(kind="intro", status="sent").count()
        groups = rnd.matches.count()
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(30)
        sink.controller.stop()
        if db_name:
            from django.db import connections

            connections.close_all()
            drop_postgres(args.postgres, db_name)

    window = (sink.last or 0) - (sink.first or 0)
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(
        f"Delivery benchmark: {'PostgreSQL' if db_name else 'SQLite'}, {args.workers} db_worker processes, batches of {args.batch}"
    )
    print()
    print(f"| {'what':<34} | {'value':>14} |")
    print(f"|{'-' * 36}|{'-' * 16}|")
    rows = [
        ("people in the round", f"{len(people):,}"),
        ("groups", f"{groups:,}"),
        ("introductions sent (status sent)", f"{sent:,} / {intros:,}"),
        ("received by the sink", f"{sink.count:,}"),
        ("  of which with an .ics invitation", f"{sink.with_ics:,}"),
        ("mean message size", f"{sink.bytes / max(1, sink.count) / 1024:.1f} KiB"),
        *[(f"{name} (s)", f"{seconds:.2f}") for name, seconds in timings.items()],
        ("first to last message (s)", f"{window:.2f}"),
        ("messages per second (first→last)", f"{sink.count / window:.0f}" if window else "-"),
        (
            "messages per second (incl. start)",
            f"{sink.count / timings['deliver (incl. worker start)']:.0f}",
        ),
        *[(f"worker {k} peak memory (MiB)", f"{p:.0f}") for k, p in enumerate(worker_peaks)],
        ("this process peak memory (MiB)", f"{self_peak:.0f}"),
    ]
    for name, value in rows:
        print(f"| {name:<34} | {value:>14} |")


if __name__ == "__main__":
    main()
