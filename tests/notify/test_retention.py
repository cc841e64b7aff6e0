"""The daily job that prunes delivered messages (crosspaths/notify/retention.py)."""

from datetime import date, timedelta

from crosspaths import clock
from crosspaths.housekeeping.heartbeats import tallies
from crosspaths.notify import retention
from crosspaths.notify.models import Message
from crosspaths.programs.models import Match
from crosspaths.programs.services import round_draft, round_publish
from tests.programs.crowd import coffee, crowd, enroll


def published_round(cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    program = coffee(cast.org)
    enroll(program, [cast.alice, cast.chidi, *crowd(cast.org, 6)])
    rnd = round_draft(program=program, on=date(2026, 11, 30))
    round_publish(round=rnd)
    return rnd


def test_sent_and_skipped_messages_past_the_retention_go_and_the_rest_stays(
    cast, settings, monkeypatch
):
    settings.MESSAGE_RETENTION_DAYS = 90
    monkeypatch.setattr(retention, "BATCH", 2)  # several batches
    published_round(cast, settings)
    now = clock.now()
    old, recent = now - timedelta(days=91), now - timedelta(days=89)
    intros = list(Message.objects.filter(kind="intro").order_by("pk"))
    assert len(intros) == 8
    for message in intros[:3]:  # sent long ago
        Message.objects.filter(pk=message.pk).update(status="sent", sent_at=old)
    Message.objects.filter(pk=intros[3].pk).update(status="sent", sent_at=recent)
    Message.objects.filter(pk=intros[4].pk).update(status="skipped", created_at=old)
    Message.objects.filter(pk=intros[5].pk).update(status="failed", created_at=old)
    Message.objects.filter(pk=intros[6].pk).update(created_at=old)  # queued, still due
    total = Message.objects.count()

    assert retention.messages_forget_delivered(now=now) == 4
    assert Message.objects.count() == total - 4
    kept = set(Message.objects.filter(kind="intro").values_list("pk", flat=True))
    assert kept == {intros[3].pk, intros[5].pk, intros[6].pk, intros[7].pk}
    assert tallies(prefix="sent:") == {"sent:email": 3}  # skipped ones were never sent
    assert Match.objects.count() == 4  # the round itself is untouched

    assert retention.messages_forget_delivered(now=now) == 0  # safe to run twice
    assert tallies(prefix="sent:") == {"sent:email": 3}


def test_the_scheduler_runs_it_once_a_day(cast, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.HOUSEKEEPING_HOUR_UTC = 0
    published_round(cast, settings)
    Message.objects.filter(kind="intro").update(
        status="sent", sent_at=clock.now() - timedelta(days=200)
    )
    out = StringIO()
    call_command("crosspaths_scheduler", "--once", stdout=out, stderr=StringIO())
    assert "housekeeping delivered_messages: removed 8" in out.getvalue()
    assert not Message.objects.filter(kind="intro").exists()
