"""``/metrics``: absent without METRICS_TOKEN, refused without the bearer token, and
the domain's figures read from the database."""

from datetime import UTC, date, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from crosspaths import clock
from crosspaths.housekeeping.heartbeats import tally_add
from crosspaths.notify.models import Message
from crosspaths.programs.services import round_draft, round_publish
from tests.programs.crowd import coffee, crowd, enroll

TOKEN = "metrics-test-token-0123456789"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_without_a_configured_token_there_is_no_metrics_page(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_a_missing_or_wrong_token_is_refused(client, db, token):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 403


def test_request_metrics_of_django_prometheus_are_there(client, db, token):
    client.get("/api/health")
    samples = scrape(client)
    assert any(name.startswith("django_http_requests_total") for name, _ in samples)


@pytest.mark.time_machine(datetime(2026, 11, 26, 8, 0, tzinfo=UTC), tick=False)
def test_rounds_outbox_and_deliveries_are_counted(client, cast, token, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    program = coffee(cast.org)
    enroll(program, [cast.alice, cast.chidi, *crowd(cast.org, 6)])
    rnd = round_draft(program=program, on=date(2026, 11, 30))
    before = scrape(client)
    assert before[("crosspaths_rounds_drafted_total", ())] == 1
    assert before[("crosspaths_rounds_published_total", ())] == 0
    assert before[("crosspaths_engine_seconds_count", ())] == 1
    assert before[("crosspaths_engine_seconds_sum", ())] >= 0
    round_publish(round=rnd)  # the dummy backend keeps the delivery tasks: all queued
    queued = Message.objects.filter(status="queued", channel="email")
    assert queued.count() == 24  # introductions now; reminders and check-ins later
    intros = list(queued.filter(kind="intro").values_list("pk", flat=True))
    assert len(intros) == 8
    Message.objects.filter(pk__in=intros).update(next_attempt_at=clock.now() - timedelta(minutes=5))
    Message.objects.filter(pk__in=intros[:3]).update(status="sent", sent_at=clock.now())
    Message.objects.filter(pk=intros[3]).update(status="failed")
    tally_add(name="sent:email", count=40)  # pruned earlier by the retention job
    after = scrape(client)
    assert after[("crosspaths_rounds_published_total", ())] == 1
    assert after[("crosspaths_outbox_depth", (("channel", "email"),))] == 20
    assert after[("crosspaths_outbox_depth", (("channel", "slack"),))] == 0
    assert after[("crosspaths_outbox_oldest_due_age_seconds", ())] == 300
    assert after[("crosspaths_messages_sent_total", (("channel", "email"),))] == 43
    assert after[("crosspaths_messages_failed", (("channel", "email"),))] == 1


def test_check_ins_are_counted_by_answer(client, cast, token):
    from crosspaths.meetings.models import CheckIn
    from crosspaths.programs.models import MatchMember

    program = coffee(cast.org)
    enroll(program, [cast.alice, cast.chidi, *crowd(cast.org, 2)])
    rnd = round_draft(program=program, on=date(2026, 11, 30))
    members = list(MatchMember.objects.filter(match__round=rnd)[:3])
    for member, met in zip(members, (True, True, False), strict=True):
        CheckIn.objects.create(organization=cast.org, member=member, met=met)
    samples = scrape(client)
    assert samples[("crosspaths_checkins_total", (("met", "yes"),))] == 2
    assert samples[("crosspaths_checkins_total", (("met", "no"),))] == 1


@pytest.mark.real_clock
def test_with_a_multiprocess_folder_the_request_metrics_come_from_it(tmp_path):
    """PROMETHEUS_MULTIPROC_DIR (several gunicorn workers): counts go through files."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "from django.test.utils import setup_test_environment\n"
        "setup_test_environment()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "c = Client()\n"
        "c.get('/api/health')\n"
        f"r = c.get('/metrics', headers={{'Authorization': 'Bearer {TOKEN}'}})\n"
        "print(r.status_code)\n"
        "print(r.content.decode())\n"
    )
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crosspaths.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CROSSPATHS_VAR_DIR": str(tmp_path),
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.split("\n", 1)
    assert status == "200"
    assert "django_http_requests_total_by_method_total" in body
    assert "crosspaths_outbox_depth" in body
    assert list(folder.glob("*.db"))  # the counts went through the shared folder
