"""Slack delivery benchmark: 10,000 group introductions, two workers, a local fake Slack.

    .venv/bin/python bench/slack.py                          # SQLite in a temporary folder
    .venv/bin/python bench/slack.py --postgres postgres://postgres@127.0.0.1:5432
    .venv/bin/python bench/slack.py --intros 2000 --workers 4 --storm-every 1

Creates a throw-away database, an organization of 2 x ``--intros`` people connected to
a workspace of the fake Slack (``tests/slack/fake_slack.py``, in this process on
loopback) where everyone has an account, and a published round of ``--intros`` pairs
(written directly, not matched: the engine has its own bench). Publishing writes one
Slack introduction per pair and enqueues the delivery tasks; ``--workers``
``manage.py db_worker`` processes deliver them, and this process runs the scheduler's
outbox sweep every second (rows that waited for a rate limit come back through it).

Rate limits are exercised twice: the fake's per-minute limits for chat.postMessage and
conversations.open (``--per-minute``), and a storm of 429s (``--storm`` answers every
``--storm-every`` seconds, Retry-After 1 s). ``MAIL_RETRY_SECONDS=1`` keeps the pause
of a released batch short. Prints a table: time, messages per second, 429s answered,
introductions sent, lost (not posted) and doubled (posted twice to a conversation).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from workers import start_db_workers  # noqa: E402 (bench/ is on the path as the script's folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--intros", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100, help="messages per delivery task")
    parser.add_argument("--per-minute", type=int, default=6000, help="the fake's method limit")
    parser.add_argument("--storm", type=int, default=5, help="429s per storm")
    parser.add_argument("--storm-every", type=float, default=10.0, help="seconds between storms")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server")
    parser.add_argument("--port", type=int, default=8141, help="the fake Slack's port")
    args = parser.parse_args()

    from bench.delivery import drop_postgres, fresh_postgres
    from tests.slack.fake_slack import FakeSlack

    tiers = {"chat.postMessage": args.per_minute, "conversations.open": args.per_minute}
    fake = FakeSlack(port=args.port, tiers=tiers).start()
    fake.add_team("TBENCH", "Bench")
    token = fake.issue_token("TBENCH")

    tmp = Path(tempfile.mkdtemp(prefix="crosspaths-bench-slack-"))
    db_name = None
    if args.postgres:
        database_url, db_name = fresh_postgres(args.postgres)
    else:
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CROSSPATHS_VAR_DIR": str(tmp),
        "TASKS_BACKEND": "database",
        "MAIL_BATCH_SIZE": str(args.batch),
        "MAIL_RETRY_SECONDS": "1",
        "SLACK_API_URL": fake.api_url,
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "crosspaths.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from crosspaths.notify.models import ChatAccount, Message
    from crosspaths.notify.selection import organization_set_channels
    from crosspaths.notify.services import outbox_sweep, outbox_write_round
    from crosspaths.people.models import Organization, Person
    from crosspaths.programs.models import Match, MatchMember, Program, Round
    from crosspaths.slack.models import SlackInstallation
    from crosspaths.slack.tokens import token_encrypt

    workers: list[subprocess.Popen[bytes]] = []
    stop = threading.Event()
    try:
        timings: dict[str, float] = {}
        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        org = Organization.objects.create(name="Bench", slug="bench", timezone="Europe/Berlin")
        people = Person.objects.bulk_create(
            [
                Person(organization=org, email=f"p{i}@bench.test", name=f"Person {i}")
                for i in range(2 * args.intros)
            ],
            batch_size=2000,
        )
        SlackInstallation.objects.create(
            organization=org,
            team_id="TBENCH",
            team_name="Bench",
            bot_token_encrypted=token_encrypt(token),
            installed_at=timezone.now(),
        )
        now = timezone.now()
        ChatAccount.objects.bulk_create(
            [
                ChatAccount(
                    organization=org,
                    person=p,
                    channel="slack",
                    external_id=fake.add_user("TBENCH", p.email),
                    linked_at=now,
                )
                for p in people
            ],
            batch_size=2000,
        )
        organization_set_channels(organization=org, channels=["slack", "email"])
        program = Program.objects.create(organization=org, name="Bench coffee")
        rnd = Round.objects.create(
            organization=org, program=program, date=timezone.localdate(), status="published"
        )
        matches = Match.objects.bulk_create(
            [Match(organization=org, round=rnd) for _ in range(args.intros)], batch_size=2000
        )
        MatchMember.objects.bulk_create(
            [
                MatchMember(organization=org, match=m, round=rnd, person=people[2 * i + k])
                for i, m in enumerate(matches)
                for k in (0, 1)
            ],
            batch_size=2000,
        )
        timings["set up"] = time.perf_counter() - t
        t = time.perf_counter()
        with transaction.atomic():
            outbox_write_round(round=rnd, now=timezone.now())
        intros = Message.objects.filter(kind="intro", channel="slack").count()
        timings["write outbox, enqueue"] = time.perf_counter() - t

        def storms() -> None:
            while not stop.wait(args.storm_every):
                fake.storm(args.storm, retry_after=1)

        threading.Thread(target=storms, daemon=True).start()
        t = time.perf_counter()
        workers += start_db_workers(args.workers, env, tmp)
        while Message.objects.filter(kind="intro", status__in=["queued", "sending"]).exists():
            if any(w.poll() is not None for w in workers):
                raise SystemExit(f"a worker died; see {tmp}/worker-*.log")
            outbox_sweep()
            time.sleep(1)
        timings["deliver (incl. worker start)"] = time.perf_counter() - t
        stop.set()
        statuses = Counter(Message.objects.filter(kind="intro").values_list("status", flat=True))
        posts = Counter(p.channel for p in fake.messages())
        limited = sum(1 for _m, status in fake.calls if status == 429)
    finally:
        stop.set()
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(30)
        fake.stop()
        if db_name:
            from django.db import connections

            connections.close_all()
            drop_postgres(args.postgres, db_name)

    deliver = timings["deliver (incl. worker start)"]
    doubled = sum(n - 1 for n in posts.values() if n > 1)
    lost = intros - len(posts)
    rows = [
        ("database", "PostgreSQL" if args.postgres else "SQLite"),
        ("workers / batch", f"{args.workers} / {args.batch}"),
        ("introductions (group messages)", f"{intros:,}"),
        *((name, f"{secs:.1f} s") for name, secs in timings.items()),
        ("messages per second", f"{intros / deliver:.0f}"),
        ("429 answered by the fake", f"{limited:,}"),
        ("rows sent / failed", f"{statuses['sent']:,} / {statuses['failed']:,}"),
        ("lost (never posted)", f"{lost:,}"),
        ("doubled (posted twice)", f"{doubled:,}"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if lost or doubled or statuses["failed"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
