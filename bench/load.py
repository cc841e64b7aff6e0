"""Load test: locust, headless on loopback, against gunicorn with the production settings
on PostgreSQL, participants and admins mixed, users stepped up until saturation.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/load.py \\
        [--people 100000] [--reuse] [--users 10,20,40,80,160] [--seconds 30] [--port 8900]

1. Loads the demo organization (``manage.py demo --people N``: two past rounds per
   program, the latest coffee round published, insights counted) into DATABASE_URL, or
   with ``--reuse`` keeps the one already there (100,000 people: about 70 s on a quiet
   machine, minutes on a busy one).
2. Gives ``--participants`` members of the published round a login (their e-mail, as
   the sign-in link would) and makes a session for each and for the demo's admins, with
   Django's session store and the SECRET_KEY gunicorn then gets.
3. Starts gunicorn as the Procfile does (``gunicorn crosspaths.wsgi``, gunicorn.conf.py's
   workers) with docs/operations.md's production environment on loopback: DEBUG=0,
   SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, DB_CONN_MAX_AGE=60, behind a "proxy" (locust
   sends X-Forwarded-Proto: https).
4. After an unreported warm-up (``--warmup`` seconds), runs ``locust --headless``
   (bench/locustfile.py) once per step of users, each bounded
   by ``--seconds``, and reads locust's CSV statistics and each group's response times.
5. Prints one table: users, requests per second, p50/p95 of participant pages and of
   admin pages, errors, and the CPU of locust (the load generator shares the cores), of
   gunicorn (master and workers, recycled ones included) and of the PostgreSQL backends
   of this database, in percent of one core; then the saturation point.

Check-ins are real writes: a participant answering again changes their one check-in
(the app keeps one per member), so nothing piles up. The database is left as it is.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
TICKS = os.sysconf("SC_CLK_TCK")
# Targets of issue 13 (p95, milliseconds, below saturation).
PARTICIPANT_P95_MS = 300
ADMIN_P95_MS = 800


def cpu_seconds(pid: int, *, children_waited: bool = False) -> float:
    """utime + stime of a process (and of its reaped children), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children_waited:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / TICKS


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def gunicorn_cpu(master: int) -> float:
    """The master, its live workers and (cutime) the workers it reaped: max_requests
    recycles workers during a step and their CPU must still count."""
    return cpu_seconds(master, children_waited=True) + sum(cpu_seconds(w) for w in children(master))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--slug", default="demo")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded organization")
    parser.add_argument("--users", default="10,20,40,80,160", help="steps of concurrent users")
    parser.add_argument("--seconds", type=int, default=30, help="length of each step")
    parser.add_argument("--participants", type=int, default=500, help="signed-in participants")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of unreported warm-up")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument(
        "--workers", type=int, default=None, help="WEB_CONCURRENCY (default: gunicorn.conf.py's)"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own (see the docstring).")
    if not (ROOT / ".venv" / "bin" / "locust").exists():
        # Checked before the minute of loading people, not when the first step starts.
        sys.exit("locust is not installed: .venv/bin/pip install -e '.[load]' (docs/operations.md)")

    work = Path(tempfile.mkdtemp(prefix="crosspaths-load-"))
    secret = secrets.token_urlsafe(50)
    host = f"127.0.0.1:{args.port}"
    os.environ["SECRET_KEY"] = secret  # the sessions are signed with gunicorn's key
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")  # this process: management commands only
    os.environ.setdefault("CROSSPATHS_VAR_DIR", str(work / "var"))
    import django

    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from crosspaths.demo.synthetic import DEMO_LOGINS
    from crosspaths.meetings.models import CheckIn
    from crosspaths.people.middleware import SESSION_ORGANIZATION_KEY, SESSION_SCOPE_KEY
    from crosspaths.people.models import Organization, Person
    from crosspaths.programs.models import Match, MatchMember, Round

    call_command("migrate", verbosity=0)
    org = Organization.objects.filter(slug=args.slug).first()
    if org is None or not args.reuse:
        started = time.perf_counter()
        call_command("demo", people=args.people, slug=args.slug, replace=True, verbosity=0)
        print(f"loaded {args.people} people in {time.perf_counter() - started:.0f} s")
        org = Organization.objects.get(slug=args.slug)
    people = Person.objects.filter(organization=org).count()
    rnd = (
        Round.objects.filter(organization=org, status=Round.Status.PUBLISHED, program__group_size=2)
        .order_by("-pk")
        .first()
    )
    assert rnd is not None, "the demo has no published round"
    groups = Match.objects.filter(round=rnd).count()

    User = get_user_model()
    # What the sign-in link's view stores (crosspaths/web/signin_views.py).
    backend = "crosspaths.web.auth.SignInLinkBackend"

    def session_for(user: object) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
        store[SESSION_ORGANIZATION_KEY] = org.pk
        store[SESSION_SCOPE_KEY] = [org.pk]
        store.create()
        return store.session_key  # type: ignore[return-value]

    with transaction.atomic():
        members = list(
            MatchMember.objects.filter(round=rnd, person__active=True)
            .select_related("person")
            .order_by("pk")[: args.participants]
        )
        participants = []
        for member in members:
            person = member.person
            user = person.user
            if user is None:
                user, _ = User.objects.get_or_create(username=person.email)
                person.user = user
            person.onboarded_at = person.onboarded_at or timezone.now()
            person.save(update_fields=["user", "onboarded_at"])
            participants.append({"session": session_for(user), "match": member.match_id})
        admin_emails = [email for email, _, role in DEMO_LOGINS if role == "admin"]
        admins = [
            {"session": session_for(p.user)}
            for _ in range(3)  # a few admins (the demo has one admin login: sessions of it)
            for p in Person.objects.filter(organization=org, email__in=admin_emails).select_related(
                "user"
            )
            if p.user is not None
        ]
    assert admins, "the demo has no admin login"
    sessions = work / "sessions.json"
    sessions.write_text(
        json.dumps(
            {
                "participants": participants,
                "admins": admins,
                "round": rnd.pk,
                "round_pages": max(1, (groups + 49) // 50),
            }
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    checkins_before = CheckIn.objects.filter(member__in=members).count()

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://{host}",
        "SITE_URL": f"https://{host}",
        "DB_CONN_MAX_AGE": "60",
        "PROXY_SETS_X_FORWARDED_PROTO": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "GUNICORN_BIND": host,
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server_log = open(work / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "crosspaths.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://{host}/api/health", timeout=10)
                break
            except OSError:  # refused, reset or timed out while booting
                time.sleep(0.5)
        else:
            sys.exit(f"gunicorn did not start; see {work / 'gunicorn.log'}")
        workers = len(children(server.pid))
        print(
            f"{people} people, round {rnd.pk} of {groups} groups; {len(participants)} "
            f"participant and {len(admins)} admin sessions; gunicorn {workers} workers on "
            f"{host}; {args.seconds} s per step; load average before: {load_avg()}"
        )
        # Warm-up, not reported: the workers' first requests (imports, connections,
        # PostgreSQL's cache) would otherwise count in the first step.
        step(args, 5, work, sessions, host, server.pid, connection, seconds=args.warmup)
        rows = []
        for users in [int(u) for u in args.users.split(",")]:
            rows.append(step(args, users, work, sessions, host, server.pid, connection))
        print_table(rows, args)
        after = CheckIn.objects.filter(member__in=members).count()
        print(
            f"check-ins of the {len(members)} participants: {checkins_before} before, "
            f"{after} after (one per member, answered again and again); "
            f"gunicorn log: {work / 'gunicorn.log'}"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def step(args, users, work, sessions, host, server_pid, connection, seconds=None):  # type: ignore[no-untyped-def]
    seconds = seconds or args.seconds
    prefix = work / f"step{users}-{seconds}s"
    times = Path(f"{prefix}-times.json")
    env = {
        **os.environ,
        "LOAD_SESSIONS": str(sessions),
        "LOAD_TIMES": str(times),
        "LOAD_HOST": f"http://{host}",
    }

    def pg_backends() -> dict[int, float]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            return {pid: cpu_seconds(pid) for (pid,) in cursor.fetchall()}

    pg_before = pg_backends()
    server_before = gunicorn_cpu(server_pid)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_before = before.ru_utime + before.ru_stime
    started = time.monotonic()
    locust = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            f"http://{host}",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{args.seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / f"locust{users}.log", "w"),  # noqa: SIM115
    )
    loads = []
    while locust.poll() is None:
        loads.append(float(load_avg().split()[0]))
        time.sleep(1)
    elapsed = time.monotonic() - started
    # locust is this process's only child reaped during the step (gunicorn runs on).
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = after.ru_utime + after.ru_stime - children_before
    server_s = gunicorn_cpu(server_pid) - server_before
    pg_after = pg_backends()
    pg_s = sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in pg_after.items())
    total = {}
    pages = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                total = row
            else:
                pages[row["Name"]] = (row["Request Count"], row["50%"], row["95%"])
    per_group = json.loads(times.read_text())
    return {
        "users": users,
        "pages": pages,
        "rps": float(total["Requests/s"]),
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "p50_participant": percentile(per_group["participant"], 0.50),
        "p95_participant": percentile(per_group["participant"], 0.95),
        "p50_admin": percentile(per_group["admin"], 0.50),
        "p95_admin": percentile(per_group["admin"], 0.95),
        "locust_cpu": 100 * locust_cpu / elapsed,
        "server_cpu": 100 * server_s / elapsed,
        "pg_cpu": 100 * pg_s / elapsed,
        "load": statistics.mean(loads) if loads else float("nan"),
    }


def print_table(rows, args):  # type: ignore[no-untyped-def]
    print(
        "| users | req/s | requests | p50 / p95 participant ms | p50 / p95 admin ms | errors "
        "| locust CPU % | gunicorn CPU % | PostgreSQL CPU % | load avg |"
    )
    print(
        "| ----: | ----: | -------: | ----------------------: | -----------------: | -----: "
        "| -----------: | -------------: | ---------------: | -------: |"
    )
    for r in rows:
        print(
            f"| {r['users']:5} | {r['rps']:5.1f} | {r['requests']:8} "
            f"| {r['p50_participant']:7.0f} / {r['p95_participant']:5.0f} "
            f"| {r['p50_admin']:7.0f} / {r['p95_admin']:5.0f} | {r['errors']:6} "
            f"| {r['locust_cpu']:12.0f} | {r['server_cpu']:14.0f} | {r['pg_cpu']:16.0f} "
            f"| {r['load']:8.2f} |"
        )
    held = [
        r
        for r in rows
        if r["errors"] == 0
        and r["p95_participant"] <= PARTICIPANT_P95_MS
        and r["p95_admin"] <= ADMIN_P95_MS
    ]
    peak = max(rows, key=lambda r: r["rps"])
    # Saturation: the first step whose req/s rose by less than 10 % over the step before.
    flat = next((b for a, b in itertools.pairwise(rows) if b["rps"] < a["rps"] * 1.1), None)
    if held:
        last = held[-1]
        print(
            f"targets held (p95 <= {PARTICIPANT_P95_MS} / {ADMIN_P95_MS} ms, 0 errors) up to "
            f"{last['users']} users, {last['rps']:.1f} req/s"
        )
    else:
        print("targets missed at every step")
    if flat is not None:
        print(
            f"saturation: req/s stops rising at {flat['users']} users; "
            f"peak {peak['rps']:.1f} req/s at {peak['users']} users"
        )
    else:
        print(f"no saturation up to {rows[-1]['users']} users ({rows[-1]['rps']:.1f} req/s)")
    first = rows[0]
    print(f"per page at {first['users']} users (locust's CSV):")
    print(f"| {'request':32} | count | p50 ms | p95 ms |")
    print(f"| {'-' * 32} | ----: | -----: | -----: |")
    for name, (count, p50, p95) in sorted(first["pages"].items()):
        print(f"| {name:32} | {count:>5} | {p50:>6} | {p95:>6} |")


if __name__ == "__main__":
    main()
