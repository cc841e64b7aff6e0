"""The scheduler's pass is the registry's list of steps (crosspaths/housekeeping/
registry.py): the command calls nothing by hand, each app registers its steps, and
each step says what it did. One test per step, with the work under it stubbed: the
work itself has its own tests (rounds, outbox, webhooks, insights, housekeeping)."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from crosspaths.housekeeping import registry
from crosspaths.housekeeping import scheduler_steps as housekeeping_steps
from crosspaths.housekeeping.registry import Said
from crosspaths.insights import scheduler_steps as insights_steps
from crosspaths.notify import scheduler_steps as notify_steps
from crosspaths.programs import scheduler_steps as programs_steps
from crosspaths.webhooks import scheduler_steps as webhooks_steps

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_every_periodic_step_is_registered_in_the_order_of_a_pass():
    assert list(registry.pass_steps()) == [
        "rounds_due",
        "nudges",
        "messages",
        "webhook_deliveries",
        "perspective_asks",
        "rounds_close",
        "insights_nightly",
        "housekeeping",
    ]


def test_another_step_under_a_name_in_use_is_refused():
    with pytest.raises(ImproperlyConfigured):
        registry.register_pass_step("messages", lambda *, now: 0)


@pytest.mark.django_db
def test_a_new_step_is_one_line_and_the_scheduler_runs_and_reports_it(monkeypatch):
    monkeypatch.setattr(registry, "_PASS_STEPS", {})
    registry.register_pass_step("second", lambda *, now: [Said("two", problem=True)], order=2)
    registry.register_pass_step("first", lambda *, now: 1, order=1)
    registry.register_pass_step("quiet", lambda *, now: 0, order=3)
    out, err = StringIO(), StringIO()
    call_command("crosspaths_scheduler", "--once", "--now", NOW.isoformat(), stdout=out, stderr=err)
    assert out.getvalue() == "first: 1\n" and err.getvalue() == "two\n"


def test_rounds_due_says_each_round_and_each_skipped_program(monkeypatch):
    drafted, resumed = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    due = SimpleNamespace(
        drafted=[drafted], published=[drafted], resumed=[resumed], skipped=["Lunch: no date"]
    )
    monkeypatch.setattr(programs_steps, "rounds_run_due", lambda *, now: due)
    said = programs_steps.rounds_due_step(now=NOW)
    assert [(s.text.split(":")[-1].strip(), s.problem) for s in said] == [
        ("published", False),
        ("published (a draft left by an earlier pass)", False),
        ("no date", True),
    ]


def test_rounds_close_says_each_closed_round(monkeypatch):
    monkeypatch.setattr(programs_steps, "rounds_close_due", lambda *, now: [SimpleNamespace(pk=7)])
    [said] = programs_steps.rounds_close_step(now=NOW)
    assert said.text.startswith("round 7 ") and said.text.endswith(": closed")


def test_nudges_say_how_many_organizers_and_nothing_for_none(monkeypatch):
    monkeypatch.setattr(notify_steps, "outbox_write_nudges", lambda *, now: 3)
    assert notify_steps.nudges_step(now=NOW) == [
        Said("3 organizers nudged to confirm their group's time")
    ]
    monkeypatch.setattr(notify_steps, "outbox_write_nudges", lambda *, now: 0)
    assert notify_steps.nudges_step(now=NOW) == []


def test_messages_report_interrupted_ones_as_a_problem(monkeypatch):
    monkeypatch.setattr(notify_steps, "outbox_sweep", lambda *, now: (2, 5))
    assert notify_steps.messages_step(now=NOW) == [
        Said("2 messages were interrupted mid-delivery (marked failed)", problem=True),
        Said("5 messages handed to workers"),
    ]


def test_webhook_deliveries_report_requeued_ones_as_a_problem(monkeypatch):
    monkeypatch.setattr(webhooks_steps, "webhooks_sweep", lambda *, now: (1, 4))
    assert webhooks_steps.deliveries_step(now=NOW) == [
        Said("1 webhook deliveries were interrupted mid-send (queued again)", problem=True),
        Said("4 webhook deliveries handed to workers"),
    ]


def test_insights_nightly_says_when_it_queued_the_refresh(monkeypatch):
    monkeypatch.setattr(insights_steps, "insights_nightly_due", lambda *, now: True)
    assert insights_steps.nightly_step(now=NOW) == [
        Said("nightly insights refresh handed to workers")
    ]
    monkeypatch.setattr(insights_steps, "insights_nightly_due", lambda *, now: False)
    assert insights_steps.nightly_step(now=NOW) == []


def test_housekeeping_says_what_each_job_removed_and_which_failed(monkeypatch):
    outcomes = [
        SimpleNamespace(job="task_results", removed=3, error=""),
        SimpleNamespace(job="sign_in_links", removed=0, error="OperationalError: gone"),
    ]
    monkeypatch.setattr(housekeeping_steps, "housekeeping_run_due", lambda *, now: outcomes)
    assert housekeeping_steps.daily_jobs_step(now=NOW) == [
        Said("housekeeping task_results: removed 3"),
        Said("housekeeping sign_in_links failed: OperationalError: gone", problem=True),
    ]
