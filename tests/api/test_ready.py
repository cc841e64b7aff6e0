"""``/api/ready``: the database, the task queue and the scheduler's heartbeat."""

from datetime import UTC, datetime, timedelta

import pytest

from crosspaths import clock
from crosspaths.housekeeping.heartbeats import SCHEDULER, heartbeat_beat

# The suite's moment without the clock running on: ages are exact however slow the
# machine is (a first request took 19 s at load 18).
pytestmark = pytest.mark.time_machine(datetime(2026, 11, 26, 8, 0, tzinfo=UTC), tick=False)


def test_it_is_ready_when_a_scheduler_finished_a_pass_recently(client, db):
    heartbeat_beat(name=SCHEDULER, now=clock.now() - timedelta(seconds=20))
    response = client.get("/api/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "ok",
        "queue": "ok",
        "scheduler": "ok",
        "scheduler_heartbeat_age_seconds": 20.0,
    }


def test_it_is_not_ready_before_any_scheduler_ran(client, db):
    response = client.get("/api/ready")
    assert response.status_code == 503
    assert response.json()["scheduler"] == "never seen"
    assert response.json()["status"] == "not ready"


def test_a_scheduler_silent_for_too_long_is_late(client, db, settings):
    settings.READY_SCHEDULER_MAX_AGE_SECONDS = 60
    heartbeat_beat(name=SCHEDULER, now=clock.now() - timedelta(seconds=61))
    response = client.get("/api/ready")
    assert response.status_code == 503
    assert response.json()["scheduler"] == "late"
    assert response.json()["scheduler_heartbeat_age_seconds"] == 61.0


def test_an_unreachable_redis_makes_it_not_ready(client, db, settings):
    settings.TASKS_BACKEND = "rq"
    settings.REDIS_URL = "redis://127.0.0.1:8179/0"  # nothing listens there
    heartbeat_beat(name=SCHEDULER, now=clock.now())
    response = client.get("/api/ready")
    assert response.status_code == 503
    assert response.json()["queue"] == "unreachable"
    assert response.json()["database"] == "ok"


@pytest.mark.redis
def test_a_reachable_redis_is_ok(client, db, settings):
    settings.TASKS_BACKEND = "rq"  # REDIS_URL as configured (.ci/run starts Redis)
    heartbeat_beat(name=SCHEDULER, now=clock.now())
    assert client.get("/api/ready").json()["queue"] == "ok"


def test_a_scheduler_pass_writes_the_heartbeat(client, db):
    from django.core.management import call_command

    call_command("crosspaths_scheduler", "--once", stdout=None)
    assert client.get("/api/ready").json()["scheduler_heartbeat_age_seconds"] < 5
