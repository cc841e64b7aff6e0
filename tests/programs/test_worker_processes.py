"""The real thing: scheduler and worker processes against PostgreSQL (and Redis), an
SMTP server started by the test, and counts of what arrived.

Each test commits its data (``transaction=True``) and hands the test database to the
child processes through DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from crosspaths.notify.models import Message
from crosspaths.programs.models import MatchMember, Round
from crosspaths.programs.services import round_draft, round_publish
from tests.mailbox import Mailbox

from .crowd import coffee, crowd, enroll

ROOT = Path(__file__).resolve().parents[2]
# The workers and schedulers are subprocesses that read the machine's clock: so does
# this module (no fixed test clock), and it passes on any date.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.real_clock,
]


def child_env(mailbox: Mailbox, tmp_path: Path, **extra: str) -> dict[str, str]:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            **dict(
                DATABASE_URL=(
                    f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                    f"{db['PORT'] or 5432}/{db['NAME']}"
                ),
                DEBUG="1",
                TASKS_BACKEND="database",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(mailbox.port),
                CROSSPATHS_VAR_DIR=str(tmp_path),
                REDIS_URL=settings.REDIS_URL,
                PYTHONUNBUFFERED="1",
            ),
            **extra,
        }
    )
    return env


def start(args: list[str], env: dict[str, str], tmp_path: Path, name: str) -> subprocess.Popen:
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=log, stderr=log
    )


def worker(env, tmp_path, name):
    return start(
        [
            "db_worker",
            "--no-reload",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--worker-id",
            name,
        ],
        env,
        tmp_path,
        name,
    )


def log_of(tmp_path: Path, name: str) -> str:
    return (tmp_path / f"{name}.log").read_text(errors="replace")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    return process.wait(timeout)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def due_now(program) -> None:
    """Make the program's round due a minute ago, in its organization's zone."""
    local = (timezone.now() - timedelta(minutes=1)).astimezone(ZoneInfo("Europe/Berlin"))
    program.starts_on = local.date()
    program.weekday = local.weekday()
    program.time = local.time().replace(second=0, microsecond=0)
    program.save()


def received_keys(box: Mailbox) -> Counter[str]:
    return Counter(str(m["X-Crosspaths-Message"]) for m in box.messages)


def test_two_schedulers_and_two_workers_make_one_round_and_send_each_intro_once(
    cast, mailbox, tmp_path
):
    program = coffee(cast.org)
    enroll(program, [cast.alice, cast.chidi, *crowd(cast.org, 38)])
    due_now(program)
    env = child_env(mailbox, tmp_path, MAIL_BATCH_SIZE="5")
    processes = {
        "worker-a": worker(env, tmp_path, "worker-a"),
        "worker-b": worker(env, tmp_path, "worker-b"),
        "scheduler-a": start(
            ["crosspaths_scheduler", "--interval", "0.2"], env, tmp_path, "scheduler-a"
        ),
        "scheduler-b": start(
            ["crosspaths_scheduler", "--interval", "0.2"], env, tmp_path, "scheduler-b"
        ),
    }
    try:
        mailbox.wait_for(40, timeout=90)
        time.sleep(2)  # room for a duplicate to show up, if there were one
    finally:
        codes = {name: stop(p) for name, p in processes.items()}
    assert codes["scheduler-a"] == codes["scheduler-b"] == 0
    assert "scheduler stopped" in log_of(tmp_path, "scheduler-a")
    assert "SIGTERM received" in log_of(tmp_path, "scheduler-b")

    assert Round.objects.filter(program=program).count() == 1
    people = list(MatchMember.objects.values_list("person_id", flat=True))
    assert len(people) == len(set(people)) == 40
    intros = Message.objects.filter(kind="intro")
    assert intros.count() == 40
    assert set(intros.values_list("status", flat=True)) == {"sent"}
    keys = received_keys(mailbox)
    assert len(mailbox.messages) == 40
    assert set(keys.values()) == {1}
    assert set(keys) == set(intros.values_list("dedupe_key", flat=True))
    assert len({m["Message-ID"] for m in mailbox.messages}) == 40


class SlowMailbox(Mailbox):
    """An SMTP server that takes its time before accepting each message, so a worker
    can be killed in the middle of a batch."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.15)
        return await super().handle_DATA(server, session, envelope)


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(cast, tmp_path, settings):
    box = SlowMailbox().start()
    try:
        program = coffee(cast.org)
        enroll(program, [cast.alice, cast.chidi, *crowd(cast.org, 58)])
        # This process publishes into the database queue the workers read.
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
        }
        settings.MAIL_DISPATCH_LEASE_SECONDS = 3
        # Today's round is the program's due one, whatever the weekday: the scheduler's
        # sweep below finds it made and drafts no other round (on a Tuesday, the coffee
        # program's Monday round would otherwise be due as well, with 60 more intros).
        due_now(program)
        rnd = round_draft(program=program, on=program.starts_on)
        round_publish(round=rnd)
        env = child_env(box, tmp_path, MAIL_SEND_LEASE_SECONDS="3", MAIL_DISPATCH_LEASE_SECONDS="3")

        first = worker(env, tmp_path, "first")
        box.wait_for(12, timeout=60)
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(10) == -signal.SIGKILL
        received_before = len(box.messages)
        assert received_before < 60, "the worker finished before it could be killed"
        intros = Message.objects.filter(kind="intro")
        # A sub-batch at a time is claimed (MAIL_CLAIM_SIZE, docs/rounds.md): at most
        # that many are in doubt, the rest wait.
        claim = settings.MAIL_CLAIM_SIZE
        assert intros.filter(status="sending").count() <= claim
        assert intros.filter(status="queued").count() >= 60 - received_before - claim

        time.sleep(3.5)  # the dead worker's leases run out
        # The survivor's own send leases are long: on a loaded machine the sweep below
        # can take longer than 3 s to start, and must then not take the rows the
        # living worker is sending for the dead one's.
        second = worker({**env, "MAIL_SEND_LEASE_SECONDS": "120"}, tmp_path, "second")
        sweep = subprocess.run(
            [sys.executable, "manage.py", "crosspaths_scheduler", "--once"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert sweep.returncode == 0, sweep.stderr
        wait_until(
            lambda: not intros.filter(status__in=["queued", "sending"]).exists(),
            timeout=90,
            what="every introduction to be sent or failed",
        )
        time.sleep(1)
        stop(second)
    finally:
        box.stop()

    keys = received_keys(box)
    assert max(keys.values()) == 1, f"sent twice: {[k for k, n in keys.items() if n > 1]}"
    sent = set(intros.filter(status="sent").values_list("dedupe_key", flat=True))
    failed = list(intros.filter(status="failed").values_list("dedupe_key", "last_error"))
    assert len(sent) + len(failed) == 60
    assert sent <= set(keys)  # every message marked sent arrived
    assert len(failed) <= claim  # at most the sub-batch the worker held when it died
    for _key, error in failed:
        assert "worker stopped while sending" in error
    assert set(keys) - sent <= {key for key, _ in failed}


@pytest.mark.redis
def test_the_rq_queue_on_redis_delivers_a_published_round(cast, mailbox, tmp_path):
    import redis

    program = coffee(cast.org)
    enroll(program, [cast.alice, cast.chidi, *crowd(cast.org, 8)])
    due_now(program)
    queue = redis.Redis.from_url(settings.REDIS_URL)
    queue.delete("rq:queue:default")
    env = child_env(mailbox, tmp_path, TASKS_BACKEND="rq")
    scheduler = subprocess.run(
        [sys.executable, "manage.py", "crosspaths_scheduler", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert scheduler.returncode == 0, scheduler.stderr
    assert "published" in scheduler.stdout
    assert queue.llen("rq:queue:default") >= 1  # the delivery task waits in Redis
    assert mailbox.messages == []
    rq_worker = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "rqworker",
            "default",
            "--burst",
            "--job-class",
            "django_tasks_rq.Job",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rq_worker.returncode == 0, rq_worker.stderr
    mailbox.wait_for(10)
    assert set(Message.objects.filter(kind="intro").values_list("status", flat=True)) == {"sent"}
    assert set(received_keys(mailbox).values()) == {1}
