"""Webhook benchmark: what emitting costs inside a service's transaction, and how fast
one worker delivers signed requests to a receiver on loopback.

    .venv/bin/python bench/webhooks.py                         # SQLite in a temporary folder
    .venv/bin/python bench/webhooks.py --postgres postgres://postgres@127.0.0.1:5432/DBNAME
    .venv/bin/python bench/webhooks.py --events 5000 --deliveries 2000

Creates a throw-away SQLite database (or uses the given, empty PostgreSQL database),
an organization and endpoints pointing at a threaded HTTP server on loopback that
answers 204. Measures, in-process: ``emit`` with no endpoint subscribed (the cost every
service call pays), ``emit_many`` of ``--events`` ``match.created`` events to one
endpoint (a round of that many groups being published), and ``deliveries_deliver`` of
``--deliveries`` rows in batches of ``WEBHOOKS_BATCH_SIZE`` (one worker: claim, sign,
POST, record). Prints a table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Handler(BaseHTTPRequestHandler):
    count = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Handler.count += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="an empty PostgreSQL database URL (default: SQLite)")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--emits", type=int, default=2000, help="emit calls with no subscriber")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="crosspaths-bench-"))
    os.environ.update(
        {
            "DATABASE_URL": args.postgres or f"sqlite:///{tmp / 'bench.sqlite3'}",
            "CROSSPATHS_VAR_DIR": str(tmp),
            "DEBUG": "1",
            "WEBHOOKS_ALLOW_PRIVATE": "1",
            "LOG_LEVEL": "WARNING",
            "TASKS_BACKEND": "database",  # emit's on-commit enqueue writes a task row
            "DJANGO_SETTINGS_MODULE": "crosspaths.settings",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from crosspaths.people.models import Organization
    from crosspaths.webhooks.endpoints import endpoint_create
    from crosspaths.webhooks.events import emit, emit_many
    from crosspaths.webhooks.models import Delivery
    from crosspaths.webhooks.sending import deliveries_deliver

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"

    call_command("migrate", verbosity=0)
    org = Organization.objects.create(name="Bench", slug="bench")
    quiet = Organization.objects.create(name="Quiet", slug="quiet")
    rows: list[tuple[str, str, str]] = []

    started = time.perf_counter()
    with transaction.atomic():
        for _ in range(args.emits):
            list(Organization.objects.filter(pk=quiet.pk))
    took = time.perf_counter() - started
    rows.append(
        (
            "baseline: one query by primary key",
            f"{args.emits} calls",
            f"{took / args.emits * 1e6:.0f} µs a call",
        )
    )
    started = time.perf_counter()
    with transaction.atomic():  # inside the service's transaction, as in the services
        for i in range(args.emits):
            emit(organization_id=quiet.pk, type="person.paused", data={"person_id": i})
    took = time.perf_counter() - started
    rows.append(
        (
            "emit, no endpoint subscribed",
            f"{args.emits} calls",
            f"{took / args.emits * 1e6:.0f} µs a call",
        )
    )

    endpoint_create(organization=org, url=url, event_types=["match.created"])
    items = [{"match_id": i, "member_ids": [i, i + 1]} for i in range(args.events)]
    started = time.perf_counter()
    with transaction.atomic():
        emit_many(organization_id=org.pk, type="match.created", items=items)
    took = time.perf_counter() - started
    rows.append(
        (
            "emit_many match.created to 1 endpoint",
            f"{args.events} events",
            f"{took * 1000:.0f} ms ({took / args.events * 1e6:.0f} µs an event)",
        )
    )

    Delivery.objects.all().delete()
    with transaction.atomic():
        emit_many(
            organization_id=org.pk,
            type="match.created",
            items=[{"match_id": i} for i in range(args.deliveries)],
        )
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    Delivery.objects.update(lease_until=None)
    size = settings.WEBHOOKS_BATCH_SIZE
    started = time.perf_counter()
    sent = 0
    for start in range(0, len(ids), size):
        sent += deliveries_deliver(delivery_ids=ids[start : start + size]).sent
    took = time.perf_counter() - started
    assert sent == len(ids) == Handler.count, (sent, len(ids), Handler.count)
    rows.append(
        (
            "deliver (1 worker, signed POST to loopback)",
            f"{sent} deliveries",
            f"{took:.1f} s ({sent / took:.0f} deliveries/s)",
        )
    )
    server.shutdown()

    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\nWebhooks on {backend}, load {os.getloadavg()[0]:.1f}\n")
    widths = [max(len(r[i]) for r in [("step", "size", "time"), *rows]) for i in range(3)]
    for row in [("step", "size", "time"), tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
