"""Teams delivery benchmark: group introductions, two workers, a local fake Bot Framework.

    .venv/bin/python bench/teams.py                          # SQLite in a temporary folder
    .venv/bin/python bench/teams.py --postgres postgres://postgres@127.0.0.1:5432
    .venv/bin/python bench/teams.py --intros 10000 --tenant-limit 1000

Creates a throw-away database, an organization of 2 x ``--intros`` people connected to
a tenant of the fake (``tests/teams/fake_teams.py``, in this process on loopback) where
everyone has the app (a stored one-to-one chat, as after Teams' install event), and a
published round of ``--intros`` pairs (written directly, not matched). Publishing
writes one Teams introduction per pair; Teams has no group chats for bots, so each is
two cards, one per member's chat. ``--workers`` ``manage.py db_worker`` processes
deliver them; this process runs the outbox sweep every second.

Rate limits are exercised twice: the fake's limits (Microsoft's per-conversation limits
and ``--tenant-limit`` calls a second per tenant, 50 by default as documented), and a
storm of 429s (``--storm`` answers every ``--storm-every`` seconds, Retry-After 1 s).
Prints a table: time, cards per second, 429s answered, rows sent, lost (a member who
never got the card) and doubled (a member who got it twice).
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
    parser.add_argument("--intros", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100, help="messages per delivery task")
    parser.add_argument(
        "--tenant-limit", type=int, default=50, help="the fake's calls/s per tenant"
    )
    parser.add_argument("--storm", type=int, default=2, help="429s per storm")
    parser.add_argument("--storm-every", type=float, default=15.0, help="seconds between storms")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server")
    parser.add_argument(
        "--max-seconds", type=float, default=480, help="stop delivering after this long"
    )
    parser.add_argument("--port", type=int, default=8951, help="the fake's port")
    args = parser.parse_args()

    import tests.teams.fake_teams as fake_teams
    from bench.delivery import drop_postgres, fresh_postgres

    fake_teams.TENANT_LIMIT = (args.tenant_limit, 1.0)
    fake = fake_teams.FakeTeams(port=args.port).start()
    tenant = "33333333-3333-4333-8333-333333333333"

    tmp = Path(tempfile.mkdtemp(prefix="crosspaths-bench-teams-"))
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
        "TEAMS_APP_ID": fake.app_id,
        "TEAMS_APP_PASSWORD": fake.app_password,
        "TEAMS_TOKEN_URL": fake.token_url,
        "TEAMS_OPENID_URL": fake.openid_url,
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
    from crosspaths.teams.models import TeamsInstallation, TeamsUser

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
        TeamsInstallation.objects.create(
            organization=org, tenant_id=tenant, connected_at=timezone.now()
        )
        now = timezone.now()
        users = [fake.add_user(tenant, p.email)["id"] for p in people]
        TeamsUser.objects.bulk_create(
            [
                TeamsUser(
                    organization=org,
                    person=p,
                    user_id=u,
                    service_url=fake.service_url,
                    conversation_id=fake.personal_chat(tenant, u),
                    linked_at=now,
                )
                for p, u in zip(people, users, strict=True)
            ],
            batch_size=2000,
        )
        ChatAccount.objects.bulk_create(
            [
                ChatAccount(
                    organization=org, person=p, channel="teams", external_id=u, linked_at=now
                )
                for p, u in zip(people, users, strict=True)
            ],
            batch_size=2000,
        )
        organization_set_channels(organization=org, channels=["teams", "email"])
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
        intros = Message.objects.filter(kind="intro", channel="teams").count()
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
            if time.perf_counter() - t > args.max_seconds:
                print(f"stopped after {args.max_seconds:.0f} s: not everything was delivered")
                print(Counter(status for _r, status in fake.calls))
                break
        timings["deliver (incl. worker start)"] = time.perf_counter() - t
        stop.set()
        statuses = Counter(Message.objects.filter(kind="intro").values_list("status", flat=True))
        posts = Counter(p.user_id for p in fake.cards())
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
    lost = 2 * intros - len(posts)
    rows = [
        ("database", "PostgreSQL" if args.postgres else "SQLite"),
        ("workers / batch", f"{args.workers} / {args.batch}"),
        ("introductions (group rows)", f"{intros:,}"),
        ("cards posted", f"{sum(posts.values()):,}"),
        *((name, f"{secs:.1f} s") for name, secs in timings.items()),
        ("cards per second", f"{sum(posts.values()) / deliver:.0f}"),
        ("tenant limit of the fake", f"{args.tenant_limit} calls/s"),
        ("429 answered by the fake", f"{limited:,}"),
        ("rows sent / failed", f"{statuses['sent']:,} / {statuses['failed']:,}"),
        ("lost (a member never got it)", f"{lost:,}"),
        ("doubled (a member got it twice)", f"{doubled:,}"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if lost or doubled or statuses["failed"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
