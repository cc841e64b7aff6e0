"""SCIM provisioning speed on loopback: 10,000 users created by single POST requests
(as an identity provider's first sync does), then a burst of 100 PATCH requests
(deactivate/rename, as a day's changes) with the p95 per request (target < 50 ms).

    .venv/bin/python bench/scim.py [--users 10000] [--bursts 3] [--port 8110]
    .venv/bin/python bench/scim.py --postgres postgres://postgres@127.0.0.1:5432/crosspaths_bench_scim  (dropped and made afresh)

``--bursts N`` runs the 100-PATCH burst N times over different people of the same
10,000 (the first creation phase is the slow part) and reports the median burst, with
every burst's p95, since the shared machine's load moves single figures by tens of ms.

The servers (DEBUG off) are started by bench/scim_check.py's ``live_server``: gunicorn
as the production Procfile runs it (one sync worker, database connections kept for
DB_CONN_MAX_AGE=60 as docs/operations.md sets them) and ``manage.py runserver`` (a
thread and a new database connection per request), one after the other, side by side
in one table. The client opens a loopback connection per request.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scim_check import live_server

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
DEPARTMENTS = [f"Department {i}" for i in range(40)]


def user(i: int) -> dict:
    return {
        "schemas": [USER, ENTERPRISE],
        "userName": f"user{i}@bench.test",
        "externalId": f"ext-{i}",
        "name": {"givenName": f"Given{i}", "familyName": f"Family{i}"},
        "emails": [{"value": f"user{i}@bench.test", "type": "work", "primary": True}],
        "active": True,
        ENTERPRISE: {"employeeNumber": f"E{i:06d}", "department": DEPARTMENTS[i % 40]},
    }


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def burst(http: httpx2.Client, ids: list[str], offset: int) -> list[float]:
    """100 PATCHes, half deactivations and half renames, over every (len/100)th person
    starting at ``offset``; the time of each."""
    step = max(1, len(ids) // 100)
    times: list[float] = []
    for n, pk in enumerate(ids[offset % step :: step][:100]):
        op = (
            {"op": "replace", "value": {"active": False}}
            if n % 2
            else {"op": "Replace", "path": "name.familyName", "value": f"Renamed{n}"}
        )
        t = time.perf_counter()
        response = http.patch(f"/Users/{pk}", json={"schemas": [PATCH], "Operations": [op]})
        times.append(time.perf_counter() - t)
        if response.status_code not in (200, 204):
            sys.exit(f"PATCH {pk}: {response.status_code} {response.text}")
    return times


def run(
    users: int,
    database_url: str | None,
    bursts: int = 1,
    port: int | None = None,
    server: str = "gunicorn",
) -> dict[str, Any]:
    # Production settings (DEBUG off: no query log, no debug middleware), plain HTTP on
    # loopback; the deactivation pause is off since the burst deactivates 50 people.
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CROSSPATHS_SCIM_DEACTIVATION_SHARE": "1.0",
    }
    with live_server(database_url, port=port, server=server, **production) as (base, token):
        http = httpx2.Client(
            base_url=base,
            # A connection per request: kept-alive connections to runserver stall ~40 ms
            # per request on Nagle plus delayed ACKs, which would measure TCP, not us.
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/scim+json",
                "Connection": "close",
            },
            timeout=60,
        )
        ids: list[str] = []
        post_times: list[float] = []
        started = time.perf_counter()
        for i in range(users):
            t = time.perf_counter()
            response = http.post("/Users", json=user(i))
            post_times.append(time.perf_counter() - t)
            if response.status_code != 201:
                sys.exit(f"POST {i}: {response.status_code} {response.text}")
            ids.append(response.json()["id"])
            if (i + 1) % 1000 == 0:
                print(f"  {i + 1} users, {time.perf_counter() - started:.0f} s", file=sys.stderr)
        provision = time.perf_counter() - started
        runs = [burst(http, ids, offset) for offset in range(bursts)]
        lookup_times = []
        for i in range(0, users, max(1, users // 100)):
            t = time.perf_counter()
            http.get("/Users", params={"filter": f'userName eq "user{i}@bench.test"'})
            lookup_times.append(time.perf_counter() - t)
    # The median burst by p95 (with its own p50), so both figures come from one burst.
    runs.sort(key=p95)
    patch_times = runs[len(runs) // 2]
    return {
        "users": users,
        "burst_p95s_ms": [p95(r) * 1000 for r in runs],
        "provision_s": provision,
        "post_p50_ms": statistics.median(post_times) * 1000,
        "post_p95_ms": p95(post_times) * 1000,
        "patch_p50_ms": statistics.median(patch_times) * 1000,
        "patch_p95_ms": p95(patch_times) * 1000,
        "filter_p95_ms": p95(lookup_times) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument(
        "--postgres",
        help="a PostgreSQL database URL; the bench drops and creates it (and NAME_2, … for "
        "a second server), so name one of its own",
    )
    parser.add_argument("--bursts", type=int, default=1, help="PATCH bursts (median shown)")
    parser.add_argument("--port", type=int, help="the server's loopback port (default: free)")
    parser.add_argument(
        "--server",
        nargs="+",
        choices=["gunicorn", "runserver"],
        default=["gunicorn", "runserver"],
        help="servers measured one after the other, side by side in the table",
    )
    args = parser.parse_args()
    columns = {}
    for n, server in enumerate(args.server):
        database_url = args.postgres
        if database_url:
            database_url = _fresh_database(database_url, f"_{n + 1}" if n else "")
        columns[server] = run(args.users, database_url, args.bursts, args.port, server)
    database = "PostgreSQL" if args.postgres else "SQLite"
    rows = [
        ("users created by single POSTs", lambda f: f"{f['users']:,}"),
        ("time to create them", lambda f: f"{f['provision_s']:.0f} s"),
        ("POST p50 / p95", lambda f: f"{f['post_p50_ms']:.1f} / {f['post_p95_ms']:.1f} ms"),
        (
            "PATCH burst (100) p50 / p95",
            lambda f: f"{f['patch_p50_ms']:.1f} / {f['patch_p95_ms']:.1f} ms",
        ),
        (
            "p95 of each burst (sorted)",
            lambda f: ", ".join(f"{v:.1f}" for v in f["burst_p95s_ms"]) + " ms",
        ),
        ("filter userName eq p95", lambda f: f"{f['filter_p95_ms']:.1f} ms"),
    ]
    print(f"\n| {database} | " + " | ".join(columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for label, cell in rows:
        print(f"| {label} | " + " | ".join(cell(f) for f in columns.values()) + " |")


def _fresh_database(url: str, suffix: str) -> str:
    """The same server's database NAME+suffix, dropped and created empty."""
    import psycopg

    base, _, name = url.rpartition("/")
    fresh = name + suffix
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        connection.execute(f'CREATE DATABASE "{fresh}"')
    return f"{base}/{fresh}"


if __name__ == "__main__":
    main()
