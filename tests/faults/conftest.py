"""Fault tests (docs/operations.md, "Fault tests"): slow, so ``make test`` skips them;
``CROSSPATHS_FAULT_TESTS=1`` runs them (.ci/run does). They start their own PostgreSQL
cluster (ports 55432-55439) and Redis server (56379-56389) and never touch the shared
ones on 5432 and 6379."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .harness import ROOT, PrivatePostgres, PrivateRedis, Sink, missing, pg_bin

ENABLED = os.environ.get("CROSSPATHS_FAULT_TESTS") == "1"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("faults") and not ENABLED:
        pytest.skip("fault test: slow, runs with CROSSPATHS_FAULT_TESTS=1 (.ci/run sets it)")


@pytest.fixture(scope="session")
def private_postgres():
    absent = [b for b in ("initdb", "pg_ctl") if not pg_bin(b)]
    if absent:
        missing(f"needs PostgreSQL's {', '.join(absent)} (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="crosspaths-faults-pg-"))
    cluster = PrivatePostgres(base).init()
    # Migrated once; each test's database is a copy (CREATE DATABASE ... TEMPLATE).
    cluster.template = "faults_template"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=cluster.create_database(cluster.template), DEBUG="1")
    env["CROSSPATHS_VAR_DIR"] = str(base)
    done = subprocess.run(
        [sys.executable, "tests/faults/scenario.py", "--migrate-only"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    try:
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def private_redis():
    if not shutil.which("redis-server"):
        missing("needs redis-server (apt-get install redis-server)")
    base = Path(tempfile.mkdtemp(prefix="crosspaths-faults-redis-"))
    server = PrivateRedis(base).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def sink():
    box = Sink().start()
    yield box
    box.stop()
