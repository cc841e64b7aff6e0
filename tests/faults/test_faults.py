"""Fault tests: the production processes (scheduler, task workers) against a private
PostgreSQL and Redis and a real SMTP sink, a fault injected at a known moment, then the
system left to recover. Each asserts nothing lost and nothing doubled: every
introduction arrived exactly once at the sink (counted by its outbox key and its
Message-ID), or is marked failed with the reason, and only within the documented
guarantee (at most the sub-batch a worker held, ``MAIL_CLAIM_SIZE``); the round is
published exactly once with all of its messages. Outcomes: docs/operations.md."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .harness import ROOT, Outbox, Processes, Sink, missing, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.real_clock, pytest.mark.slow]

_numbers = itertools.count()
CLAIM = 5  # MAIL_CLAIM_SIZE in the children: several sub-batches per batch


class Scenario:
    """A fresh database in the private cluster, set up by tests/faults/scenario.py, and
    the children's environment."""

    def __init__(self, postgres, sink: Sink, tmp: Path, redis=None, **extra: str) -> None:  # type: ignore[no-untyped-def]
        name = f"faults_{os.getpid()}_{next(_numbers)}"
        self.url = postgres.create_database(name, postgres.template)
        self.outbox = Outbox(self.url)
        drop = {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "CROSSPATHS_REQUIRE_SERVICES",
        }
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env.update(
            DATABASE_URL=self.url,
            DEBUG="1",
            TASKS_BACKEND="database",
            # Never the shared Redis: a closed port unless the test started its own.
            REDIS_URL=redis.url if redis else "redis://127.0.0.1:1/0",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            EMAIL_TIMEOUT="2",
            CROSSPATHS_VAR_DIR=str(tmp),
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="INFO",
            MAIL_CLAIM_SIZE=str(CLAIM),
            MAIL_BATCH_SIZE="20",
            MAIL_DISPATCH_LEASE_SECONDS="3",
            MAIL_SEND_LEASE_SECONDS="4",
            MAIL_RETRY_SECONDS="1",
        )
        self.env.update(extra)
        self.processes = Processes(tmp, self.env)

    def setup(self, people: int, *, publish: bool = False) -> None:
        args = [sys.executable, "tests/faults/scenario.py", "--people", str(people)]
        done = subprocess.run(
            args + (["--publish"] if publish else []),
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture
def scenario(private_postgres, sink, tmp_path):
    made: list[Scenario] = []

    def make(**extra):  # type: ignore[no-untyped-def]
        made.append(Scenario(private_postgres, sink, tmp_path, **extra))
        return made[-1]

    yield make
    for s in made:
        s.processes.stop_all()


def assert_once_each(s: Scenario, sink: Sink, people: int, *, in_doubt_at_most: int = 0) -> dict:
    """Nothing doubled, nothing lost: every introduction sent (arrived once) or failed
    with the reason, and at most ``in_doubt_at_most`` failed."""
    assert [status for _id, status in s.outbox.rounds()] == ["published"]
    intros = s.outbox.intros()
    assert len(intros) == people
    doubled = {k: n for k, n in sink.keys.items() if n > 1}
    assert not doubled, f"sent twice: {doubled}"
    assert all(n == 1 for n in sink.message_ids.values())
    sent = {k for k, status, _a, _e in intros if status == "sent"}
    failed = {k: e for k, status, _a, e in intros if status == "failed"}
    assert len(sent) + len(failed) == people
    assert sent <= set(sink.keys), "marked sent but never arrived"
    assert set(sink.keys) - sent <= set(failed)
    assert len(failed) <= in_doubt_at_most, failed
    for error in failed.values():
        assert "worker stopped while sending" in error
    return {"sent": len(sent), "failed": len(failed), "arrived": sink.received}


def test_scheduler_sigkilled_between_draft_and_publish(scenario, sink, tmp_path):
    s = scenario()
    s.setup(20)
    gate = tmp_path / "gate"  # never opened: the process dies at the point
    s.processes.db_worker("worker")
    s.processes.paused_scheduler("doomed", "before-publish", gate)
    wait_until(lambda: "FAULT POINT" in s.processes.log("doomed"), 90, "the draft's commit")
    # The draft is committed and nothing is published or queued yet.
    assert [status for _id, status in s.outbox.rounds()] == ["draft"]
    assert s.outbox.intros() == []
    assert s.processes.kill("doomed") < 0  # SIGKILL

    s.processes.scheduler("scheduler")  # the process manager starts it again
    try:
        wait_until(lambda: s.outbox.settled(20), 60, "the round's introductions")
    except AssertionError as e:
        raise AssertionError(f"{e}; rounds {s.outbox.rounds()}, {s.outbox.statuses()}") from None
    time.sleep(1.5)  # room for a duplicate
    outcome = assert_once_each(s, sink, 20)
    assert outcome["sent"] == 20


def test_postgres_restarted_in_the_middle_of_publishing(scenario, sink, tmp_path, private_postgres):
    s = scenario()
    s.setup(20)
    gate = tmp_path / "gate"
    s.processes.db_worker("worker")
    s.processes.paused_scheduler("scheduler", "mid-publish", gate)
    wait_until(lambda: "FAULT POINT" in s.processes.log("scheduler"), 90, "publishing")
    private_postgres.restart()  # the publishing transaction's session is ended
    gate.touch()
    # Nothing of the half-done publication is left: a draft without messages.
    assert [status for _id, status in s.outbox.rounds()] == ["draft"]
    assert s.outbox.intros() == []
    # A db_worker that polled while the server was down has exited: started again, as
    # the process manager would.
    deadline = time.monotonic() + 90
    again: list[str] = []
    while not s.outbox.settled(20) and time.monotonic() < deadline:
        again += s.processes.restarted(("worker",), s.processes.db_worker)
        time.sleep(0.3)
    assert s.outbox.settled(20), (s.outbox.rounds(), s.outbox.statuses())
    time.sleep(1.5)
    outcome = assert_once_each(s, sink, 20)
    assert outcome["sent"] == 20
    assert "pass failed" in s.processes.log("scheduler")
    assert s.processes.running["scheduler"].poll() is None  # the scheduler kept running
    print(f"\nOUTCOME PostgreSQL restart mid-publish: {outcome}, workers started again: {again}")


def test_postgres_restarted_in_the_middle_of_delivery(scenario, sink, private_postgres):
    sink.delay = 0.05
    s = scenario()
    s.setup(60, publish=True)  # 60 introductions in the database queue
    s.processes.db_worker("worker-a")
    s.processes.db_worker("worker-b")
    s.processes.scheduler("scheduler")
    wait_until(lambda: sink.received >= 15, 90, "15 of 60 introductions")
    private_postgres.restart()
    restarted_at = sink.received
    # A worker whose process ended on the lost connection is started again, as the
    # process manager would.
    deadline = time.monotonic() + 120
    again: list[str] = []
    while not s.outbox.settled(60) and time.monotonic() < deadline:
        again += s.processes.restarted(("worker-a", "worker-b"), s.processes.db_worker)
        time.sleep(0.3)
    assert s.outbox.settled(60), s.outbox.statuses()
    time.sleep(1.5)
    # Each worker holds at most one claimed sub-batch when its connection goes.
    outcome = assert_once_each(s, sink, 60, in_doubt_at_most=2 * CLAIM)
    assert restarted_at < 60
    print(
        f"\nOUTCOME PostgreSQL restart mid-delivery at {restarted_at}/60: {outcome}, "
        f"workers started again: {again}, scheduler kept running: "
        f"{s.processes.running['scheduler'].poll() is None}"
    )


def test_redis_stopped_while_rq_workers_run(scenario, sink, private_redis):
    sink.delay = 0.05
    s = scenario(redis=private_redis, TASKS_BACKEND="rq")
    s.setup(40)
    s.processes.rq_worker("worker-a")
    s.processes.rq_worker("worker-b")
    s.processes.scheduler("scheduler")
    wait_until(lambda: sink.received >= 8, 90, "8 of 40 introductions")
    private_redis.stop()  # queued jobs are gone with it (--save "")
    stopped_at = sink.received
    time.sleep(3)  # sweeps fail to enqueue meanwhile
    private_redis.start()
    deadline = time.monotonic() + 120
    again: list[str] = []
    while not s.outbox.settled(40) and time.monotonic() < deadline:
        again += s.processes.restarted(("worker-a", "worker-b"), s.processes.rq_worker)
        time.sleep(0.3)
    assert s.outbox.settled(40), s.outbox.statuses()
    time.sleep(1.5)
    outcome = assert_once_each(s, sink, 40, in_doubt_at_most=2 * CLAIM)
    print(f"\nOUTCOME Redis stopped at {stopped_at}/40: {outcome}, workers started again: {again}")


def test_smtp_server_refusing(scenario, sink):
    s = scenario()
    s.setup(10, publish=True)
    sink.mode = "tempfail"
    sink.refuse = {"colleague3@faults.test"}
    s.processes.db_worker("worker")
    s.processes.scheduler("scheduler")
    # 451: every introduction goes back to the queue with back-off, attempt after attempt.
    wait_until(
        lambda: (
            all(a >= 2 for _k, st, a, _e in s.outbox.intros() if st == "queued")
            and s.outbox.statuses()["queued"] == 9
        ),
        60,
        "two refused attempts each",
    )
    queued = [e for _k, st, _a, e in s.outbox.intros() if st == "queued"]
    assert all("451" in e for e in queued), queued
    assert sink.received == 0
    sink.mode = "accept"  # the server recovers
    wait_until(lambda: s.outbox.settled(10), 60, "delivery after the server recovered")
    time.sleep(1.5)
    intros = s.outbox.intros()
    failed = [(k, e) for k, st, _a, e in intros if st == "failed"]
    assert len(failed) == 1 and "550" in failed[0][1], failed  # refused for good
    assert s.outbox.rows(
        "SELECT bounced_at IS NOT NULL FROM people_person WHERE email = %s",
        "colleague3@faults.test",
    ) == [(True,)]
    assert sink.received == 9 and max(sink.keys.values()) == 1
    assert {k for k, st, _a, _e in intros if st == "sent"} == set(sink.keys)


def test_smtp_server_timing_out(scenario, sink):
    s = scenario()
    s.setup(10, publish=True)
    sink.mode = "stall"  # takes each message and never answers
    s.processes.db_worker("worker")
    s.processes.scheduler("scheduler")
    wait_until(
        lambda: any("timed out" in e for _k, _s, _a, e in s.outbox.intros()), 60, "a timeout"
    )
    assert sink.received == 0
    sink.mode = "accept"
    wait_until(lambda: s.outbox.settled(10), 90, "delivery after the server recovered")
    time.sleep(1.5)
    intros = s.outbox.intros()
    assert {st for _k, st, _a, _e in intros} == {"sent"}
    assert sink.received == 10 and max(sink.keys.values()) == 1


def test_a_worker_clock_ten_minutes_off(scenario, sink):
    if not shutil.which("faketime"):
        missing("needs faketime (apt-get install faketime; .ci/run does)")
    sink.delay = 0.05
    # The production leases (15 min to be claimed, 5 min to send): the skew is measured
    # against them.
    s = scenario(MAIL_DISPATCH_LEASE_SECONDS="900", MAIL_SEND_LEASE_SECONDS="300")
    s.setup(40, publish=True)
    # A backlog: the introductions have been due for a quarter of an hour (workers were
    # down), so the slow worker's claims are not in its future.
    s.outbox.rows(
        "UPDATE notify_message SET next_attempt_at = now() - interval '15 minutes' "
        "WHERE kind = 'intro'"
    )
    behind = ["faketime", "-f", "-10m", sys.executable, "manage.py"]
    ahead = ["faketime", "-f", "+10m", sys.executable, "manage.py"]
    s.processes.db_worker("worker-behind", prefix=behind)
    s.processes.db_worker("worker-ahead", prefix=ahead)
    s.processes.scheduler("scheduler")
    wait_until(lambda: s.outbox.settled(40), 120, "every introduction")
    time.sleep(1.5)
    outcome = assert_once_each(s, sink, 40)
    assert outcome["sent"] == 40
