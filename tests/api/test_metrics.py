"""``/metrics``: absent without METRICS_TOKEN, refused without the bearer token, and
the domain's figures read from the database."""

from datetime import date, timedelta

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
    assert 299 <= after[("crosspaths_outbox_oldest_due_age_seconds", ())] < 320
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
