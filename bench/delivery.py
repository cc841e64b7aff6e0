"""Delivery benchmark: one round's introductions (with .ics) delivered by 1 and 2 workers.

    .venv/bin/python bench/delivery.py                       # SQLite in a temporary folder
    .venv/bin/python bench/delivery.py --postgres postgres://postgres@127.0.0.1:5432
    .venv/bin/python bench/delivery.py --postgres URL --backend rq   # RQ on REDIS_URL
    .venv/bin/python bench/delivery.py --people 2000 --workers 1,2,4
    .venv/bin/python bench/delivery.py --postgres URL --compare main   # main vs this tree

Creates a throw-away database (a temporary SQLite file, or a fresh PostgreSQL database
that is dropped afterwards), loads a synthetic organization, enrolls ``--people``
colleagues in a virtual coffee, drafts and publishes one round (the outbox), then for
each worker count: puts the round's due messages (introductions, left-out notices) back
in the queue, starts that many task workers (``db_worker`` on the database queue, or RQ
``SimpleWorker``s on Redis with ``--backend rq``) under bench/counted.py, hands the
messages to them (the scheduler's dispatch) and waits until a local aiosmtpd sink has
every one. Prints one table with a column per worker count: messages per second (first
to last message at the sink), worker CPU per message, database round trips per message
(statements + BEGIN/COMMIT, from inside the workers; the queue's own polling included),
and what the sink received per Message-ID: none lost, none doubled. With ``--compare
REF`` the same runs are made with workers from ``git archive REF`` (same database and
sink), alternating REF and this tree for each worker count, one column each.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from workers import start_workers  # noqa: E402 (bench/ is on the path as the script's folder)


class Sink:
    """An SMTP server that counts what it accepts (and checks each has an invitation)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        from tests.mailbox import free_port

        self.count = 0
        self.ids: dict[str, int] = {}  # Message-ID -> times received
        self.with_ics = 0
        self.bytes = 0
        self.first: float | None = None
        self.last: float | None = None
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        now = time.perf_counter()
        message_id = _header(envelope.content, b"message-id")
        with self._lock:
            self.ids[message_id] = self.ids.get(message_id, 0) + 1
            self.count += 1
            self.bytes += len(envelope.content)
            self.with_ics += b"text/calendar" in envelope.content
            self.first = self.first or now
            self.last = now
        return "250 OK"


def _header(content: bytes, name: bytes) -> str:
    for line in content.split(b"\r\n\r\n", 1)[0].splitlines():
        if line.lower().startswith(name + b":"):
            return line.split(b":", 1)[1].strip().decode()
    return ""


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


def setup_round(people_count: int) -> dict[str, object]:
    """The organization, its program and one published round; the setup's figures."""
    from django.core.management import call_command
    from django.utils import timezone

    from crosspaths.demo.loader import load_demo_organization
    from crosspaths.people.models import Person
    from crosspaths.programs.models import Enrollment, Program
    from crosspaths.programs.services import round_draft, round_publish

    figures: dict[str, object] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    # A few percent of the synthetic roster has left the company: load enough.
    org = load_demo_organization(
        people=int(people_count * 1.05) + 10,
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
        .values_list("pk", flat=True)[:people_count]
    )
    Enrollment.objects.bulk_create(
        [Enrollment(organization=org, program=program, person_id=pk) for pk in people],
        batch_size=2000,
    )
    figures["people in the round"] = f"{len(people):,}"
    figures["load roster (s)"] = f"{time.perf_counter() - started:.1f}"
    t = time.perf_counter()
    rnd = round_draft(program=program, on=timezone.localdate())
    figures["draft (s)"] = f"{time.perf_counter() - t:.1f}"
    t = time.perf_counter()
    round_publish(round=rnd)
    figures["publish (s)"] = f"{time.perf_counter() - t:.1f}"
    figures["groups"] = f"{rnd.matches.count():,}"
    return figures


def purge_queue(backend: str) -> None:
    """Forget the tasks publishing enqueued: each run hands the messages out itself."""
    if backend == "rq":
        import redis
        from django.conf import settings

        redis.Redis.from_url(settings.REDIS_URL).delete("rq:queue:default")
    else:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()


def requeue_due() -> set[str]:
    """The round's due messages back in the queue, unleased; their Message-IDs."""
    from urllib.parse import urlparse

    from django.conf import settings
    from django.utils import timezone

    from crosspaths.notify.models import Message

    due = Message.objects.filter(kind__in=["intro", "left_out"])
    due.update(
        status="queued",
        attempts=0,
        lease_until=None,
        sent_at=None,
        last_error="",
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )
    host = urlparse(settings.SITE_URL).hostname or "crosspaths.invalid"
    return {f"<crosspaths.{pk}@{host}>" for pk in due.values_list("pk", flat=True)}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def counts(log_dir: Path, k: int) -> dict[str, float]:
    path = log_dir / f"counts-{k}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def round_trips(c: dict[str, float]) -> float:
    return c.get("statements", 0) + 2 * c.get("commits", 0)


def checkout(ref: str, tmp: Path) -> Path:
    """``ref``'s tree in a folder of ``tmp`` (git archive), for its workers to run."""
    import subprocess

    where = tmp / f"tree-{ref.replace('/', '_')}"
    where.mkdir()
    archive = subprocess.run(
        ["git", "archive", ref], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def run(
    workers_count: int,
    sink: Sink,
    env: dict[str, str],
    tmp: Path,
    backend: str,
    root: Path = ROOT,
    label: str = "",
) -> dict:
    """One delivery of the round's due messages by ``workers_count`` workers."""
    from crosspaths.notify.models import Message
    from crosspaths.notify.services import outbox_dispatch

    expected = requeue_due()
    with sink._lock:
        sink.ids.clear()
        sink.count, sink.first, sink.last = 0, None, None
    log_dir = tmp / f"run-{workers_count}{label}"
    log_dir.mkdir()
    workers = start_workers(workers_count, env, log_dir, backend=backend, counted=True, root=root)
    try:
        while not all(counts(log_dir, k) for k in range(workers_count)):
            time.sleep(0.2)
        time.sleep(3)  # the worker polling its queue
        for w in workers:
            w.send_signal(signal.SIGUSR1)
        time.sleep(0.5)
        before = [
            (cpu_seconds(w.pid), round_trips(counts(log_dir, k))) for k, w in enumerate(workers)
        ]
        outbox_dispatch(limit=len(expected) + 1)
        deadline = time.monotonic() + 3600
        while len(sink.ids) < len(expected) and time.monotonic() < deadline:
            if any(w.poll() is not None for w in workers):
                raise SystemExit(f"a worker died; see {log_dir}/worker-*.log")
            time.sleep(0.2)
        time.sleep(1)  # a doubled message would arrive now
        cpu = sum(cpu_seconds(w.pid) for w in workers) - sum(c for c, _ in before)
        load = os.getloadavg()[0]
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(60)
    trips = sum(round_trips(counts(log_dir, k)) for k in range(workers_count))
    trips -= sum(t for _, t in before)
    received = sink.count
    window = (sink.last or 0) - (sink.first or 0)
    return {
        "messages": len(expected),
        "received by the sink": received,
        "lost (never received)": len(expected - set(sink.ids)),
        "doubled (received twice)": sum(1 for n in sink.ids.values() if n > 1),
        "status sent": Message.objects.filter(
            kind__in=["intro", "left_out"], status="sent"
        ).count(),
        "messages per second": received / window if window else float("nan"),
        "worker CPU per message (ms)": 1000 * cpu / max(1, received),
        "DB round trips per message": trips / max(1, received),
        "load average (1 min) at the end": load,
        "worker peak memory (MiB)": max(
            peak_rss_mib_done(log_dir, k) for k in range(workers_count)
        ),
    }


def peak_rss_mib_done(log_dir: Path, k: int) -> float:
    return counts(log_dir, k).get("peak_rss_mib", float("nan"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2", help="worker counts to compare (1,2)")
    parser.add_argument("--batch", type=int, default=100, help="messages per delivery task")
    parser.add_argument("--claim", type=int, default=25, help="MAIL_CLAIM_SIZE")
    parser.add_argument("--backend", choices=["database", "rq"], default="database")
    parser.add_argument(
        "--postgres", metavar="URL", help="a PostgreSQL server (postgres://user@host:port)"
    )
    parser.add_argument(
        "--compare", metavar="REF", help="also run workers from git REF (e.g. main)"
    )
    args = parser.parse_args()
    counts_of = [int(n) for n in args.workers.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="crosspaths-bench-"))
    trees = [("", ROOT)]
    if args.compare:
        trees = [(f" {args.compare}", checkout(args.compare, tmp)), (" this tree", ROOT)]
    columns = [f"{n}{label}" for n in counts_of for label, _ in trees]
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
        "TASKS_BACKEND": args.backend,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "MAIL_BATCH_SIZE": str(args.batch),
        "MAIL_CLAIM_SIZE": str(args.claim),
        "DB_CONN_MAX_AGE": "60",  # as in production (docs/operations.md)
        # The workers run as in production: DEBUG=1 would have every statement kept
        # in connection.queries, CPU a production worker does not spend.
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "crosspaths.settings"
    import django

    django.setup()

    results = {}
    try:
        setup = setup_round(args.people)
        purge_queue(args.backend)
        for n in counts_of:
            for label, root in trees:
                results[f"{n}{label}"] = run(
                    n, sink, env, tmp, args.backend, root=root, label=label.replace(" ", "-")
                )
    finally:
        sink.controller.stop()
        if db_name:
            from django.db import connections

            connections.close_all()
            drop_postgres(args.postgres, db_name)

    where = "PostgreSQL" if db_name else "SQLite"
    queue = "RQ (SimpleWorker) on Redis" if args.backend == "rq" else "the database queue"
    print()
    print(
        f"Delivery benchmark: {where}, {queue}, batches of {args.batch}, "
        f"claimed {args.claim} at a time; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores at the end"
    )
    print()
    for name, value in setup.items():
        print(f"- {name}: {value}")
    print()
    header = "| " + f"{'workers':<32}" + "".join(f" | {n:>10}" for n in columns) + " |"
    print(header)
    print("|" + "-" * 34 + "".join("|" + "-" * 12 for _ in columns) + "|")
    for key in next(iter(results.values())):
        cells = []
        for n in columns:
            v = results[n][key]
            cells.append(f"{v:>10,.2f}" if isinstance(v, float) else f"{v:>10,}")
        print(f"| {key:<32}" + "".join(f" | {c}" for c in cells) + " |")


if __name__ == "__main__":
    main()
