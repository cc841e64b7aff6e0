"""Task workers for the benches: ``manage.py db_worker`` processes on the database queue,
each logging to its own file in ``log_dir``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_db_workers(count: int, env: dict[str, str], log_dir: Path) -> list[subprocess.Popen]:
    workers = []
    for k in range(count):
        log = open(log_dir / f"worker-{k}.log", "wb")  # noqa: SIM115 (the worker holds it)
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.2",
                    "--verbosity",
                    "0",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
        )
    return workers
