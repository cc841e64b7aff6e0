"""Several schedulers at once share the due programs instead of queueing on one."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from crosspaths.people.models import Organization
from crosspaths.programs import services
from crosspaths.programs.models import Round
from crosspaths.programs.services import rounds_run_due

from .crowd import coffee, crowd, enroll

MONDAY_NINE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_draft_two_organizations_rounds_at_the_same_time(monkeypatch):
    for k in range(4):
        org = Organization.objects.create(
            name=f"Org {k}", slug=f"org-{k}", timezone="Europe/Berlin"
        )
        enroll(coffee(org, name=f"Coffee {k}"), crowd(org, 4, prefix=f"o{k}"))
    # Each scheduler's first draft waits until the other one is drafting too: that only
    # happens if the second passes over the program the first holds (without the lock
    # it waits on the first one's round insert, and this barrier breaks).
    together = threading.Barrier(2, timeout=20)
    first: set[str] = set()
    real_input = services.engine_input_for

    def engine_input(program, *, on, **options):
        name = threading.current_thread().name
        if name not in first:
            first.add(name)
            together.wait()
        return real_input(program, on=on, **options)

    monkeypatch.setattr(services, "engine_input_for", engine_input)
    reports = {}

    def scheduler(name):
        try:
            reports[name] = rounds_run_due(now=MONDAY_NINE)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler, args=(n,), name=n) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    drafted = {n: {r.program.name for r in report.drafted} for n, report in reports.items()}
    assert reports["a"].skipped == [] and reports["b"].skipped == []
    assert drafted["a"] and drafted["b"], drafted
    assert drafted["a"].isdisjoint(drafted["b"])
    assert drafted["a"] | drafted["b"] == {f"Coffee {k}" for k in range(4)}
    assert Round.objects.filter(status="published").count() == 4
