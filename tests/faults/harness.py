"""The machinery of the fault tests: a private PostgreSQL cluster and Redis server on
their own ports (never the shared 5432/6379), an SMTP sink whose behaviour a test
switches (accept, refuse with 4xx/5xx, stall), the production processes as
subprocesses, and the outbox read straight from the database."""

from __future__ import annotations

import asyncio
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
PG_PORTS = range(55432, 55440)
REDIS_PORTS = range(56379, 56390)


def free_port_in(ports: range) -> int:
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


def pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


def missing(reason: str) -> None:
    """Skip for want of a program; in CI (CROSSPATHS_REQUIRE_SERVICES=1) fail instead."""
    import pytest

    if os.environ.get("CROSSPATHS_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (CROSSPATHS_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def wait_until(condition, timeout: float, what: str, step: float = 0.1) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


class PrivatePostgres:
    """A throw-away cluster in a temporary folder, trust authentication, loopback only.
    initdb refuses to run as root: then the cluster belongs to the ``postgres`` user."""

    def __init__(self, base: Path) -> None:
        self.dir = base / "pgdata"
        self.sockets = base / "pgsock"
        self.port = free_port_in(PG_PORTS)
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            base.chmod(0o777)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=120, check=check
        )

    def init(self) -> PrivatePostgres:
        self.sockets.mkdir()
        self.sockets.chmod(0o777)
        self._run(
            pg_bin("initdb") or "initdb", "-A", "trust", "-U", "postgres", "-D", str(self.dir)
        )
        self.start()
        return self

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            pg_bin("pg_ctl") or "pg_ctl",
            "-D",
            str(self.dir),
            "-l",
            str(self.dir.parent / "postgres.log"),
            "-o",
            options,
            "-w",
            *extra,
            action,
        )

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every session is ended, open transactions roll back."""
        self._ctl("restart", "-m", "fast")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str, template: str = "template1") -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)


class PrivateRedis:
    def __init__(self, base: Path) -> None:
        self.port = free_port_in(REDIS_PORTS)
        self.log = base / "redis.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        log = open(self.log, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=log,
            stderr=log,
        )
        wait_until(self.ping, 20, "redis-server to answer")
        return self

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


class Sink:
    """An SMTP server whose answers a test switches while the workers run:

    ``accept``    250 after ``delay`` seconds (counted by the outbox's key header)
    ``tempfail``  451 to the message (a greylisting, overloaded server)
    ``stall``     takes the message and never answers (the client times out)
    and, whatever the mode, 550 at RCPT for the addresses in ``refuse``."""

    def __init__(self, delay: float = 0.0) -> None:
        from tests.mailbox import free_port

        self.mode = "accept"
        self.delay = delay
        self.refuse: set[str] = set()
        self.keys: Counter[str] = Counter()
        self.message_ids: Counter[str] = Counter()
        self.answered: Counter[str] = Counter()  # mode -> messages answered that way
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.lower() in self.refuse:
            with self._lock:
                self.answered["550"] += 1
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        mode = self.mode
        with self._lock:
            self.answered[mode] += 1
        if mode == "tempfail":
            return "451 4.3.0 Try again later"
        if mode == "stall":
            await asyncio.sleep(3600)
            return "451 4.3.0 Too late"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self._lock:
            self.keys[str(message["X-Crosspaths-Message"])] += 1
            self.message_ids[str(message["Message-ID"])] += 1
        return "250 Message accepted for delivery"

    @property
    def received(self) -> int:
        with self._lock:
            return sum(self.keys.values())

    def start(self) -> Sink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class Processes:
    """The production commands as subprocesses, each logging to its own file."""

    def __init__(self, logs: Path, env: dict[str, str]) -> None:
        self.logs = logs
        self.env = env
        self.running: dict[str, subprocess.Popen] = {}

    def start(
        self,
        name: str,
        args: list[str],
        *,
        prefix: list[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        head = prefix or [sys.executable, "manage.py"]
        process = subprocess.Popen(
            [*head, *args], cwd=ROOT, env=env or self.env, stdout=log, stderr=log
        )
        self.running[name] = process
        return process

    def db_worker(self, name: str, **kw) -> subprocess.Popen:  # type: ignore[no-untyped-def]
        return self.start(
            name,
            [
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "--worker-id",
                name,
            ],
            **kw,
        )

    def rq_worker(self, name: str, **kw) -> subprocess.Popen:  # type: ignore[no-untyped-def]
        # The Procfile's command.
        return self.start(name, ["rqworker", "default", "--job-class", "django_tasks_rq.Job"], **kw)

    def scheduler(self, name: str, interval: float = 0.3, **kw) -> subprocess.Popen:  # type: ignore[no-untyped-def]
        return self.start(name, ["crosspaths_scheduler", "--interval", str(interval)], **kw)

    def paused_scheduler(
        self, name: str, at: str, gate: Path, interval: float = 0.3
    ) -> subprocess.Popen:
        return self.start(
            name,
            [
                "--at",
                at,
                "--gate",
                str(gate),
                "--",
                "crosspaths_scheduler",
                "--interval",
                str(interval),
            ],
            prefix=[sys.executable, "tests/faults/paused.py"],
        )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        process = self.running[name]
        if process.poll() is None:
            process.send_signal(sig)
        return process.wait(20)

    def stop_all(self) -> None:
        """At the end of a test, its assertions made: no need to wait for a clean stop."""
        for process in self.running.values():
            if process.poll() is None:
                process.kill()
        for process in self.running.values():
            process.wait(20)

    def restarted(self, names: tuple[str, ...], start) -> list[str]:  # type: ignore[no-untyped-def]
        """Start again those of ``names`` whose process ended, as a process manager
        (systemd, the container runtime) would; the names started again."""
        again = [n for n in names if self.running[n].poll() is not None]
        for name in again:
            start(name)
        return again


class Outbox:
    """The round and its messages, read with SQL (the test process's Django connection
    is the ordinary suite's database)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def rows(self, sql: str, *params: object) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def rounds(self) -> list[tuple[int, str]]:
        return [tuple(r) for r in self.rows("SELECT id, status FROM programs_round ORDER BY id")]

    def intros(self) -> list[tuple[str, str, int, str]]:
        return [
            tuple(r)
            for r in self.rows(
                "SELECT dedupe_key, status, attempts, last_error FROM notify_message "
                "WHERE kind = 'intro' ORDER BY id"
            )
        ]

    def statuses(self) -> Counter[str]:
        return Counter(status for _key, status, _a, _e in self.intros())

    def settled(self, expected: int) -> bool:
        try:
            counts = self.statuses()
        except Exception:  # the database is restarting
            return False
        return sum(counts.values()) == expected and not counts["queued"] and not counts["sending"]
