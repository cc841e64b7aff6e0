"""Server CPU a read, two versions side by side: the API read mix of bench/api_reads.py
sent to two gunicorn servers of two source trees (e.g. main and a branch) on one
PostgreSQL database, in alternating phases (A B A B …) so the machine's other load
falls on both alike. A table per version: reads, achieved reads a second, p50/p95,
errors, and the CPU the server spent, from /proc: its gunicorn workers and the
PostgreSQL backends serving them (told apart by ``application_name``), per read.
On a shared machine throughput and latency follow the other load; CPU a read does not
(much), so that is the figure to compare.

    .venv/bin/python bench/api_read_cpu.py --postgres postgres://postgres@127.0.0.1:5432/crosspaths_bench_api \\
        --baseline /tmp/main-tree [--rate 100] [--seconds 20] [--phases 2] [--workers 2] [--port 8760]

``--baseline`` is a source tree of the other version (``git worktree add`` or
``git archive main | tar -x -C DIR``); the database must hold the ``api-check``
organization (``bench/api_reads.py`` makes it, or ``manage.py demo --people 10000
--slug api-check``) and the same migrations as both trees. Nothing is dropped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_check import PYTHON, ROOT
from api_reads import KEYS_SCRIPT, load, quantile, routes

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def _backends(database_url: str, name: str) -> list[int]:
    out = subprocess.run(
        [
            "psql",
            database_url,
            "-Atc",
            f"SELECT pid FROM pg_stat_activity WHERE application_name = '{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [int(line) for line in out.split()]


class Server:
    """gunicorn of one source tree, its workers' and database backends' CPU."""

    def __init__(self, label: str, tree: Path, port: int, env: dict[str, str], workers: int):
        self.label, self.port, self.env = label, port, {**env, "PGAPPNAME": f"bench_{label}"}
        self.env["PYTHONPATH"] = str(tree)
        self.database_url = env["DATABASE_URL"]
        self.log = Path(env["CROSSPATHS_VAR_DIR"]) / f"gunicorn-{label}.log"
        with open(self.log, "w") as stderr:
            self.process = subprocess.Popen(
                [
                    str(Path(PYTHON).parent / "gunicorn"),
                    "crosspaths.wsgi",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={workers}",
                ],
                cwd=tree,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{label}: gunicorn stopped; see {self.log}")
            try:
                if requests.get(self.url + "/api/health", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        sys.exit(f"{label}: gunicorn did not start")

    def cpu(self) -> tuple[float, float]:
        """(seconds of the workers, seconds of their database backends) so far."""
        workers = sum(_cpu_seconds(pid) for pid in _children(self.process.pid))
        database = sum(
            _cpu_seconds(pid) for pid in _backends(self.database_url, self.env["PGAPPNAME"])
        )
        return workers, database

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(40)
        except subprocess.TimeoutExpired:
            self.process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="a PostgreSQL URL with api-check")
    parser.add_argument("--baseline", required=True, type=Path, help="the other source tree")
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--phases", type=int, default=2, help="phases per version")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8760, help="this tree's; baseline +1")
    args = parser.parse_args()
    var = Path(os.environ.get("TMPDIR", "/tmp")) / f"api-read-cpu-{os.getpid()}"
    var.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": args.postgres,
        "CROSSPATHS_VAR_DIR": str(var),
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_RATE_LIMIT_PER_MINUTE": "600",
        "GUNICORN_TIMEOUT": "300",
        "GUNICORN_MAX_REQUESTS": "0",  # a recycled worker would take its CPU with it
        "DB_CONN_MAX_AGE": "3600",  # so would a closed database connection
    }
    printed = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", KEYS_SCRIPT],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    keys = [word for word in printed if word.startswith("cpk_")]
    servers = [
        Server("branch", ROOT, args.port, env, args.workers),
        Server("baseline", args.baseline.resolve(), args.port + 1, env, args.workers),
    ]
    try:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {keys[0]}"
        mix = routes(http, servers[0].url)
        for server in servers:  # warm-up: every worker has served every route
            load(server.url, keys, mix, args.rate, 3)
        results: dict[str, list[Any]] = {s.label: [] for s in servers}
        load_averages = []
        for _phase in range(args.phases):
            for server in servers:
                time.sleep(1)
                before = server.cpu()
                run = load(server.url, keys, mix, args.rate, args.seconds)
                after = server.cpu()
                load_averages.append(os.getloadavg()[0])
                results[server.label].append((run, after[0] - before[0], after[1] - before[1]))
    finally:
        for server in servers:
            server.stop()
    print(
        f"\n| {args.workers} workers each, asked {args.rate:g}/s x {args.seconds:g} s x "
        f"{args.phases} | reads | req/s | p50 ms | p95 ms | errors | gunicorn CPU ms a read "
        "| PostgreSQL CPU ms a read | both |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, runs in results.items():
        times = [t * 1000 for run, _w, _d in runs for _r, t, _f in run["results"]]
        errors = sum(f for run, _w, _d in runs for _r, _t, f in run["results"])
        wall = sum(run["wall"] for run, _w, _d in runs)
        workers = sum(w for _run, w, _d in runs)
        database = sum(d for _run, _w, d in runs)
        n = len(times)
        print(
            f"| {label} | {n:,} | {n / wall:.1f} | {quantile(times, 50):.1f} | "
            f"{quantile(times, 95):.1f} | {errors} | {1000 * workers / n:.2f} | "
            f"{1000 * database / n:.2f} | {1000 * (workers + database) / n:.2f} |"
        )
    print(
        f"\nload average (1 min) after each phase: {', '.join(f'{v:.1f}' for v in load_averages)}"
        f" (median {statistics.median(load_averages):.1f}) on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
