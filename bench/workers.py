"""Task workers for the benches: ``manage.py db_worker`` processes on the database queue
or ``manage.py rqworker`` processes on Redis, each logging to its own file in
``log_dir``; with ``counted`` each runs under bench/counted.py, which writes its database
round trips and CPU seconds to ``counts-<k>.json`` in ``log_dir``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DB_WORKER = [
    "db_worker",
    "--no-reload",
    "--no-startup-delay",
    "--interval",
    "0.2",
    "--verbosity",
    "0",
]
# SimpleWorker runs each job in the worker process itself: RQ's default forks a child
# per job, which opens a new database connection for every batch.
RQ_WORKER = [
    "rqworker",
    "default",
    "--job-class",
    "django_tasks_rq.Job",
    "--worker-class",
    "rq.worker.SimpleWorker",
]


def start_workers(
    count: int,
    env: dict[str, str],
    log_dir: Path,
    *,
    backend: str = "database",
    counted=False,
    root: Path = ROOT,
) -> list[subprocess.Popen]:
    """``root``: the source tree the workers run (another checkout to compare with)."""
    command = DB_WORKER if backend == "database" else RQ_WORKER
    workers = []
    for k in range(count):
        log = open(log_dir / f"worker-{k}.log", "wb")  # noqa: SIM115 (the worker holds it)
        head = (
            [sys.executable, "bench/counted.py", str(log_dir / f"counts-{k}.json")]
            if counted
            else [sys.executable, "manage.py"]
        )
        workers.append(subprocess.Popen(head + command, cwd=root, env=env, stdout=log, stderr=log))
    return workers


def start_db_workers(count: int, env: dict[str, str], log_dir: Path) -> list[subprocess.Popen]:
    return start_workers(count, env, log_dir)
