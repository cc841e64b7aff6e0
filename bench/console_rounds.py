"""The console's round pages at size: a preview (draft) and a publication as background
round jobs, then the review page (first page, last page, a search), its HTML size, and
the live rule check of a hand edit.

    .venv/bin/python bench/console_rounds.py [--people 10000] [--repeat 3] [--publish]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/console_rounds.py --people 100000

Loads a demo organization (crosspaths/demo/synthetic.py) without history, enrolls every active
person in a two-person program, runs the preview job as the task would (timed), then
requests each page ``--repeat`` times as the demo's admin and prints the median time,
the number of SQL queries and the HTML size. ``--publish`` also times the publish job.
SQLite in a fresh file by default; with DATABASE_URL the demo organization is deleted
afterwards. Before this change (one request drafting; a review page of every group and
two drop-downs of everyone) issue 13 measured 47 MB and 50 s for the review page at
100,000 people.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--publish", action="store_true", help="also time the publish job")
    parser.add_argument(
        "--show-queries", action="store_true", help="print page 1's and a search's SQL"
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")  # a benchmark, not a site: development settings
    os.environ.setdefault("CROSSPATHS_VAR_DIR", tempfile.mkdtemp(prefix="crosspaths-bench-"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crosspaths import clock
    from crosspaths.console import services
    from crosspaths.console.models import RoundJob
    from crosspaths.demo.loader import load_demo_organization
    from crosspaths.people.models import Organization, Person
    from crosspaths.programs.models import Enrollment, Match, MatchMember, Program

    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug="bench-console").delete()
    started = time.perf_counter()
    org = load_demo_organization(people=args.people, slug="bench-console", past_rounds=0)
    loaded = time.perf_counter() - started
    program = Program.objects.create(
        organization=org, name="Bench coffee", format=Program.Format.VIRTUAL_COFFEE, group_size=2
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(organization=org, program=program, person_id=pk)
            for pk in Person.objects.filter(organization=org, active=True).values_list(
                "pk", flat=True
            )
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    admin = Person.objects.get(organization=org, email="alice@demo.crosspaths.test")

    def run_job(kind: str, rnd: object = None) -> tuple[RoundJob, float]:
        job = services.round_job_request(
            actor=admin, program=program, on=clock.today(), kind=kind, round=rnd
        )
        t0 = time.perf_counter()
        services.round_job_run(job_id=job.pk)  # what the task does (immediate or worker)
        job.refresh_from_db()
        assert job.status == RoundJob.Status.DONE, job.error
        return job, time.perf_counter() - t0

    job, draft_s = run_job(RoundJob.Kind.DRAFT)
    rnd = job.round
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    groups = Match.objects.filter(round=rnd).count()
    placed = MatchMember.objects.filter(round=rnd).count()
    last_page = (groups + 49) // 50
    someone = MatchMember.objects.filter(round=rnd).order_by("-id").select_related("person")[0]
    other = MatchMember.objects.filter(round=rnd).exclude(match_id=someone.match_id)[0]

    client = Client()
    client.force_login(admin.user)
    client.cookies["django_language"] = "en"
    url = f"/console/rounds/{rnd.pk}/"
    pages = [
        ("review page 1", "get", url, None),
        (f"review page {last_page} (last)", "get", f"{url}?page={last_page}", None),
        ("search by e-mail", "get", f"{url}?q={someone.person.email}", None),
        ("search by department", "get", f"{url}?q=engineering", None),
        (
            "live rule check (swap)",
            "post",
            f"{url}check/",
            {"person": someone.person.email, "action": "swap", "other": other.person.email},
        ),
    ]
    print(
        f"{args.people} people (loaded in {loaded:.1f} s); round of {groups} groups, "
        f"{placed} placed; {connection.vendor}, median of {args.repeat}"
    )
    print(f"preview job (draft in the task): {draft_s:.1f} s")
    print(f"| {'page':28} | queries | median ms |  HTML KB |")
    print(f"| {'-' * 28} | ------: | --------: | -------: |")
    for name, method, target, data in pages:
        times, counts, size = [], set(), 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = getattr(client, method)(target, data) if data else client.get(target)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (target, response.status_code)
            counts.add(len(queries))
            size = len(response.content)
        print(
            f"| {name:28} | {max(counts):7} | {statistics.median(times):9.1f} "
            f"| {size / 1024:8.1f} |"
        )
    if args.show_queries:
        for target in (url, f"{url}?q=engineering"):
            with CaptureQueriesContext(connection) as queries:
                client.get(target)
            print(target)
            for q in queries.captured_queries:
                print(f"{float(q['time']) * 1000:8.1f} ms  {q['sql'][:160]}")
    if args.publish:
        _job, publish_s = run_job(RoundJob.Kind.PUBLISH, rnd)
        print(f"publish job (in the task): {publish_s:.1f} s")
    Organization.objects.filter(pk=org.pk).delete()


if __name__ == "__main__":
    main()
