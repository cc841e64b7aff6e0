"""scim2-tester against a live Crosspaths on loopback: zero failures or exit 1.

Creates a throw-away SQLite database, an organization and a SCIM token (with
``manage.py scim_token``), starts ``manage.py runserver`` on a free loopback port and
runs every check of scim2-tester (discovery, CRUD, PATCH add/remove/replace, attribute
selection, random URLs) over HTTP, as an identity provider would. Prints one line per
check and a summary table.

    .venv/bin/python bench/scim_check.py [PORT]

The deactivation pause is set to 100 % for this run: the tester creates and deletes
dozens of users in a near-empty organization, which is exactly what the pause exists to
stop (tests/scim/test_rails.py covers the pause itself).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FAILING = {Status.ERROR, Status.CRITICAL}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def server_command(
    server: str, port: int, env: dict[str, str], *, workers: int | None = None
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of a loopback server: ``gunicorn`` as the
    production Procfile runs it (gunicorn.conf.py; ``workers`` sync workers, or its
    default of 2 per core + 1; database connections kept for DB_CONN_MAX_AGE=60 as
    docs/operations.md sets them) or ``runserver`` (a thread and a new database
    connection per request)."""
    if server == "gunicorn":
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            "crosspaths.wsgi",
            f"--bind=127.0.0.1:{port}",
        ]
        if workers is not None:
            command.append(f"--workers={workers}")
        return command, {"DB_CONN_MAX_AGE": "60", **env}
    return [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env


@contextmanager
def live_server(
    database_url: str | None = None,
    *,
    port: int | None = None,
    server: str = "runserver",
    **env_extra: str,
) -> Iterator[tuple[str, str]]:
    """A migrated database with one organization, a SCIM token made by ``manage.py
    scim_token`` and a server on ``port`` (a free loopback port unless given); yields
    the SCIM base URL and the token. SQLite in a temporary directory unless
    ``database_url``. ``server`` is ``runserver`` (a thread and a new database
    connection per request) or ``gunicorn`` (the production Procfile's server, one sync
    worker, connections kept for DB_CONN_MAX_AGE as docs/operations.md sets them)."""
    with tempfile.TemporaryDirectory(prefix="crosspaths-scim-") as tmp:
        env = {
            **os.environ,
            "DEBUG": os.environ.get("DEBUG", "1"),  # a development server on loopback
            "DATABASE_URL": database_url or f"sqlite:///{tmp}/scim.sqlite3",
            "CROSSPATHS_VAR_DIR": tmp,
            **env_extra,
        }
        _manage(env, "migrate", "--no-input")
        _manage(
            env,
            "create_organization",
            "--name=SCIM check",
            "--slug=scim-check",
            "--admin-email=admin@scim-check.test",
            "--no-invite",
        )
        token = _manage(env, "scim_token", "--org", "scim-check", "--name", "scim2-tester").strip()
        port = port or _free_port()
        log = Path(tmp) / "server.log"
        with open(log, "w") as stderr:
            command, env = server_command(server, port, env, workers=1)
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        try:
            base = f"http://127.0.0.1:{port}/scim/v2"
            for _ in range(300):
                try:
                    if httpx2.get(base + "/ServiceProviderConfig").status_code == 200:
                        break
                except httpx2.HTTPError:
                    time.sleep(0.1)
            else:
                sys.exit("the server did not start:\n" + log.read_text())
            yield base, token
        finally:
            process.terminate()
            process.wait(10)


def main() -> int:
    # The tester creates and deletes dozens of users in a near-empty organization:
    # exactly what the deactivation pause stops, so it is off for this run.
    port = int(sys.argv[1]) if len(sys.argv) > 1 else None  # default: a free one
    with live_server(port=port, CROSSPATHS_SCIM_DEACTIVATION_SHARE="1.0") as (base, token):
        http = httpx2.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        results = check_server(SyncSCIMClient(http))
    for result in results:
        where = f"[{result.resource_type}] " if result.resource_type else ""
        line = f"{result.status.name:<10} {where}{result.title}"
        if result.status in FAILING:
            line += f"\n           {result.reason}"
        print(line)
    counts = Counter(r.status.name for r in results)
    print("\n| status | checks |\n| --- | ---: |")
    for status in Status:
        if counts[status.name]:
            print(f"| {status.name} | {counts[status.name]} |")
    failures = sum(1 for r in results if r.status in FAILING)
    print(f"\n{len(results)} checks, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
