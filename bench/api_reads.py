"""API reads under sustained load on loopback: 200 reads a second for 60 s over a mix of
/api/v1 routes, against gunicorn on PostgreSQL with an organization of 10,000 people
and its past rounds; a table of achieved reads a second, p50/p95/p99 and errors, per
route and overall, and the load generator's own CPU (target: p95 < 100 ms at 200/s).

    .venv/bin/python bench/api_reads.py --postgres postgres://postgres@127.0.0.1:5432/crosspaths_bench_api [--rate 200] [--seconds 60] [--people 10000] [--port 8760]

The database is dropped and made afresh (``manage.py demo``, as bench/api_check.py's
``live_server`` makes it; gunicorn as bench/scim_check.py's ``server_command`` starts
it: the production gunicorn.conf.py, DEBUG off, DB_CONN_MAX_AGE=60). Without
``--postgres`` it runs on SQLite, for a quick look only.

The load is open-loop: request *i* is due at ``start + i / rate`` whatever happened to
the ones before, and its time runs from when it was due (a slow answer delays the ones
queued behind it, and that delay counts; no coordinated omission). The requests are
spread over 30 keys, each under the default limit of 600 a minute (as 30 integrations
would be), so the rate limit's counter runs on every request as in production.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_check import SLUG, _manage, live_server
from scim import _fresh_database

KEYS = 30
THREADS = 48
KEYS_SCRIPT = f"""
from crosspaths.api.keys import api_key_create
from crosspaths.people.models import Organization
org = Organization.objects.get(slug="{SLUG}")
for n in range({KEYS}):
    print(api_key_create(organization=org, name=f"bench {{n}}", scope="read")[1])
"""


def _ids(http: requests.Session, url: str, path: str, **query: Any) -> list[int]:
    """Every id of a listing, page by page (500 a page)."""
    ids: list[int] = []
    cursor = None
    while True:
        params = {"limit": 500, **query, **({"cursor": cursor} if cursor else {})}
        answer = http.get(url + "/api/v1" + path, params=params, timeout=60)
        if answer.status_code != 200:
            sys.exit(f"GET {path}: {answer.status_code} {answer.text}")
        body = answer.json()
        ids += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            return ids


def routes(http: requests.Session, url: str) -> list[tuple[str, int, Any]]:
    """(label, weight, make path) over the organization's real ids."""
    people = _ids(http, url, "/people")
    programs = _ids(http, url, "/programs")
    rounds = _ids(http, url, "/rounds")
    matches: list[int] = []
    for rnd in rounds[:3]:
        page = http.get(f"{url}/api/v1/rounds/{rnd}/matches", params={"limit": 500}).json()
        matches += [m["id"] for m in page["items"]]
    if not (people and programs and rounds and matches):
        sys.exit("the organization has no rounds with matches to read")
    return route_mix(people, programs, rounds, matches, random.choice)


def route_mix(people, programs, rounds, matches, pick) -> list[tuple[str, int, Any]]:  # type: ignore[no-untyped-def]
    """The 14 routes of a read, weighted, as (label, weight, make path) over these ids;
    ``pick`` chooses one (bench/api_read_profile.py passes a seeded one)."""
    return [
        ("GET /people/{id}", 20, lambda: f"/people/{pick(people)}"),
        ("GET /people?cursor= (50)", 10, lambda: f"/people?cursor={pick(people)}"),
        ("GET /people?updated_since=", 5, lambda: "/people?updated_since=2026-01-01T00:00:00Z&limit=50"),
        ("GET /matches/{id}", 15, lambda: f"/matches/{pick(matches)}"),
        ("GET /rounds/{id}/matches (50)", 10, lambda: f"/rounds/{pick(rounds)}/matches"),
        ("GET /programs/{id}/enrollments (50)", 8, lambda: f"/programs/{pick(programs)}/enrollments?cursor={pick(people)}"),
        ("GET /programs, /programs/{id}", 6, lambda: pick(["/programs", f"/programs/{pick(programs)}"])),
        ("GET /rounds, /rounds/{id}", 6, lambda: pick(["/rounds", f"/rounds/{pick(rounds)}"])),
        ("GET /departments, /teams, /locations", 5, lambda: pick(["/departments", "/teams", "/locations"])),
        ("GET /rounds/{id}/checkins", 6, lambda: f"/rounds/{pick(rounds)}/checkins"),
        ("GET /programs/{id}/checkins", 3, lambda: f"/programs/{pick(programs)}/checkins"),
        ("GET /insights/meetings", 2, lambda: "/insights/meetings"),
        ("GET /audit", 2, lambda: "/audit"),
        ("GET /rounds/{id}/delivery", 2, lambda: f"/rounds/{pick(rounds)}/delivery"),
    ]  # fmt: skip


def load(
    url: str, keys: list[str], mix: list[tuple[str, int, Any]], rate: float, seconds: float
) -> dict[str, Any]:
    """Open-loop load: ``rate`` requests a second for ``seconds``; per request its
    route, time from when it was due to its answer, and whether it failed."""
    total = int(rate * seconds)
    labels = [label for label, _w, _p in mix]
    weights = [w for _l, w, _p in mix]
    rng = random.Random(1)
    plan = [rng.choices(range(len(mix)), weights)[0] for _ in range(total)]
    due: queue.Queue[tuple[int, float] | None] = queue.Queue()
    results: list[tuple[int, float, bool]] = []
    lock = threading.Lock()

    def worker() -> None:
        http = requests.Session()
        while (item := due.get()) is not None:
            i, at = item
            route = plan[i]
            try:
                answer = http.get(
                    url + "/api/v1" + mix[route][2](),
                    headers={"Authorization": f"Bearer {keys[i % len(keys)]}"},
                    timeout=30,
                )
                failed = answer.status_code != 200
            except requests.RequestException:
                failed = True
            elapsed = time.perf_counter() - at
            with lock:
                results.append((route, elapsed, failed))
                due_at.append(at)

    due_at: list[float] = []  # when each result's request was due, in results' order
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(THREADS)]
    for t in threads:
        t.start()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    start = wall0 + 0.1
    for i in range(total):
        at = start + i / rate
        pause = at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        due.put((i, at))
    for _ in threads:
        due.put(None)
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {
        "labels": labels,
        "results": results,
        "due": [at - start for at in due_at],
        "wall": wall,
        "cpu": time.process_time() - cpu0,
    }


def quantile(samples: list[float], q: int) -> float:
    return (
        statistics.quantiles(samples, n=100, method="inclusive")[q - 1]
        if len(samples) > 1
        else (samples or [0])[0]
    )


def table(run: dict[str, Any], rate: float, database: str) -> None:
    per: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for route, elapsed, failed in run["results"]:
        per[route].append((elapsed, failed))
    print(f"\n| {database}, gunicorn | reads | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")

    def row(label: str, rows: list[tuple[float, bool]]) -> None:
        times = [t * 1000 for t, _f in rows]
        errors = sum(1 for _t, f in rows if f)
        print(
            f"| {label} | {len(rows):,} | {len(rows) / run['wall']:.1f} | "
            f"{quantile(times, 50):.1f} | {quantile(times, 95):.1f} | {quantile(times, 99):.1f} "
            f"| {errors} |"
        )

    for route, label in enumerate(run["labels"]):
        row(label, per[route])
    row(f"**all (asked {rate:g}/s)**", [(t, f) for _r, t, f in run["results"]])
    # Over time: a stall (a checkpoint, autovacuum, a worker restarting) shows as one
    # window whose lateness the open loop carries into the next ones.
    windows: dict[int, list[float]] = defaultdict(list)
    for at, (_route, elapsed, _failed) in zip(run["due"], run["results"], strict=True):
        windows[int(at // 10)].append(elapsed * 1000)
    print("\n| due in second | reads | p50 ms | p95 ms |\n| --- | ---: | ---: | ---: |")
    for k in sorted(windows):
        times = windows[k]
        print(
            f"| {10 * k}-{10 * k + 10} | {len(times):,} | {quantile(times, 50):.1f} "
            f"| {quantile(times, 95):.1f} |"
        )
    print(
        f"\nload generator: {run['cpu']:.1f} s CPU in {run['wall']:.1f} s "
        f"({100 * run['cpu'] / run['wall']:.0f}% of one core), {THREADS} threads; "
        f"load average at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())} "
        f"on {os.cpu_count()} cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL; the bench drops and creates it")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    args = parser.parse_args()
    database_url = _fresh_database(args.postgres, "") if args.postgres else None
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_RATE_LIMIT_PER_MINUTE": "600",  # the default: 30 keys share the load
        # A worker's first request imports the URL configuration; on the shared, loaded
        # machine that once took over gunicorn's 60 s and the worker was killed before
        # the bench began. A measured request is an error after the client's 30 s.
        "GUNICORN_TIMEOUT": "300",
    }
    print(f"making {args.people:,} people with rounds ...", file=sys.stderr, flush=True)
    with live_server(
        people=args.people,
        port=args.port,
        database_url=database_url,
        server="gunicorn",
        workers=args.workers,
        **production,
    ) as (url, _key, env):
        printed = _manage(env, "shell", "-c", KEYS_SCRIPT).split()
        keys = [word for word in printed if word.startswith("cpk_")]  # not shell's notes
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {keys[0]}"
        mix = routes(http, url)
        print(f"load average before: {os.getloadavg()}", file=sys.stderr, flush=True)
        load(url, keys, mix, args.rate, 1)  # warm-up: the workers have served the routes
        time.sleep(1)
        run = load(url, keys, mix, args.rate, args.seconds)
        table(run, args.rate, "PostgreSQL" if args.postgres else "SQLite")


if __name__ == "__main__":
    main()
