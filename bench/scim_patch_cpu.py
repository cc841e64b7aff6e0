"""The 100-PATCH burst in-process: no HTTP server, Django's test client against a
throw-away database (SQLite, or PostgreSQL with DATABASE_URL), DEBUG off, with the
queries of one rename and one deactivation and, per burst, the wall and CPU time of each
PATCH. CPU time moves far less than wall time with the load of a shared machine, so
run the old and the new code side by side (each from its own checkout) to compare.

    .venv/bin/python bench/scim_patch_cpu.py [--users 300] [--bursts 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<new database> .venv/bin/python bench/scim_patch_cpu.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TMP = tempfile.mkdtemp(prefix="crosspaths-scim-cpu-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/scim.sqlite3")
os.environ.update(
    DEBUG="0",
    SECRET_KEY="bench-" + "x" * 50,
    SECURE_SSL_REDIRECT="0",
    ALLOWED_HOSTS="testserver",
    CROSSPATHS_VAR_DIR=TMP,
    CROSSPATHS_SCIM_DEACTIVATION_SHARE="1.0",  # the burst deactivates 50 people
    DJANGO_SETTINGS_MODULE="crosspaths.settings",
)

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.disable(logging.INFO)  # one JSON line per request would measure the terminal

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from scim import PATCH, user  # noqa: E402

from crosspaths.people.models import Organization, Person  # noqa: E402
from crosspaths.scim.tokens import scim_token_create  # noqa: E402

SCIM = "application/scim+json"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--bursts", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    org = Organization.objects.create(name="Bench", slug="bench", timezone="Europe/Berlin")
    Person.objects.create(organization=org, email="admin@bench.test", role=Person.Role.ADMIN)
    _token, raw = scim_token_create(organization=org, name="bench")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    ids = []
    for i in range(args.users):
        response = client.post("/scim/v2/Users", json.dumps(user(i)), content_type=SCIM)
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])

    def patch(n: int, pk: str, burst: int) -> None:
        op = (
            {"op": "replace", "value": {"active": False}}
            if n % 2
            else {"op": "Replace", "path": "name.familyName", "value": f"R{burst}-{n}"}
        )
        body = json.dumps({"schemas": [PATCH], "Operations": [op]})
        response = client.patch(f"/scim/v2/Users/{pk}", body, content_type=SCIM)
        assert response.status_code in (200, 204), response.content

    for label, n, pk in (("rename", 0, ids[-1]), ("deactivation", 1, ids[-2])):
        with CaptureQueriesContext(connection) as queries:
            patch(n, pk, -1)
        print(f"queries of a {label}: {len(queries.captured_queries)}")
    step = max(1, len(ids) // 100)
    print("\n| burst | load | wall p50 / p95 | CPU p50 / p95 |\n| --- | ---: | ---: | ---: |")
    for burst in range(args.bursts):
        wall, cpu = [], []
        for n, pk in enumerate(ids[burst::step][:100]):
            started, cpu_started = time.perf_counter(), time.process_time()
            patch(n, pk, burst)
            cpu.append((time.process_time() - cpu_started) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        print(
            f"| {burst + 1} | {os.getloadavg()[0]:.1f} "
            f"| {statistics.median(wall):.1f} / {p95(wall):.1f} ms "
            f"| {statistics.median(cpu):.1f} / {p95(cpu):.1f} ms |"
        )


if __name__ == "__main__":
    main()
