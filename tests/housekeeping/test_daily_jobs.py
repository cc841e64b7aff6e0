"""The daily housekeeping: a registry any app adds to, each job claimed once per day
(even by two schedulers), and the scheduler saying what each job removed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from crosspaths.housekeeping import registry
from crosspaths.housekeeping.models import DailyJobRun
from crosspaths.housekeeping.services import housekeeping_run_due

MORNING = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_every_area_registers_its_job_from_its_own_app():
    assert list(registry.daily_jobs()) == [
        "expired_sessions",
        "task_results",
        "sign_in_links",
        "delivered_messages",
        "webhook_deliveries",
        "interactions_retention",
        "payoff_estimates",
        "roster_uploads",
        "new_hires_enroll",
        "mentoring_cycles",
        "bridge_members",
        "checkin_comments",
        "onboarding_journeys",
    ]


def test_another_job_under_a_name_in_use_is_refused():
    with pytest.raises(ImproperlyConfigured):
        registry.register_daily_job("sign_in_links", lambda *, now: 0)


@pytest.fixture
def counting(monkeypatch):
    """A registry of one job that counts its runs."""
    calls: list[datetime] = []

    def job(*, now: datetime) -> int:
        calls.append(now)
        return 3

    monkeypatch.setattr(registry, "_JOBS", {"counting": job})
    return calls


@pytest.mark.django_db
def test_each_job_runs_once_a_day_however_often_the_scheduler_asks(counting):
    first = housekeeping_run_due(now=MORNING)
    again = housekeeping_run_due(now=MORNING + timedelta(hours=5))
    assert [(o.job, o.removed) for o in first] == [("counting", 3)] and again == []
    housekeeping_run_due(now=MORNING + timedelta(days=1))
    assert len(counting) == 2
    assert DailyJobRun.objects.get(date=MORNING.date()).removed == 3


@pytest.mark.django_db
def test_a_job_claimed_by_another_scheduler_is_not_run_again(counting, monkeypatch):
    """The unique (job, day) row is the claim: a scheduler that read "not done yet" just
    before another one inserted the row loses the insert and skips the job."""
    from crosspaths.housekeeping import services

    DailyJobRun.objects.create(job="counting", date=MORNING.date(), started_at=MORNING)
    monkeypatch.setattr(
        services.DailyJobRun.objects, "filter", lambda **kw: services.DailyJobRun.objects.none()
    )
    assert housekeeping_run_due(now=MORNING) == [] and counting == []


@pytest.mark.django_db
def test_nothing_runs_before_the_housekeeping_hour(counting, settings):
    settings.HOUSEKEEPING_HOUR_UTC = 9
    assert housekeeping_run_due(now=MORNING) == [] and counting == []


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(monkeypatch):
    def broken(*, now):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry, "_JOBS", {"broken": broken, "fine": lambda *, now: 0})
    outcomes = housekeeping_run_due(now=MORNING)
    assert [(o.job, o.error) for o in outcomes] == [
        ("broken", "RuntimeError: disk full"),
        ("fine", ""),
    ]
    assert DailyJobRun.objects.get(job="broken").error == "RuntimeError: disk full"


@pytest.mark.django_db
def test_the_scheduler_says_what_each_job_removed(cast):
    from django.contrib.sessions.backends.db import SessionStore

    expired = SessionStore()
    expired.set_expiry(-60)
    expired.create()
    out = StringIO()
    call_command("crosspaths_scheduler", "--once", stdout=out, stderr=StringIO())
    lines = out.getvalue().splitlines()
    assert "housekeeping expired_sessions: removed 1" in lines
    assert "housekeeping roster_uploads: removed 0" in lines
    out = StringIO()
    call_command("crosspaths_scheduler", "--once", stdout=out, stderr=StringIO())
    assert "housekeeping" not in out.getvalue()  # claimed once today


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_run_each_job_once(counting):
    import threading

    from django.db import connection

    start = threading.Barrier(2)
    outcomes: list[object] = []

    def scheduler() -> None:
        try:
            start.wait(5)
            outcomes.extend(housekeeping_run_due(now=MORNING))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(outcomes) == 1 and len(counting) == 1
