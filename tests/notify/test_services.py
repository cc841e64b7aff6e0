"""The outbox: exactly once, retries with backoff, skips with reasons, recovery."""

import smtplib
from datetime import timedelta

import pytest
from django.utils import timezone

from crosspaths.notify.models import Message
from crosspaths.notify.services import (
    message_requeue,
    messages_deliver,
    outbox_dispatch,
    outbox_recover,
    outbox_sweep,
)
from crosspaths.people.models import Person
from crosspaths.programs.models import Enrollment
from tests.mailbox import free_port

from .conftest import ids


@pytest.fixture
def smtp_down(settings):
    """Crosspaths pointed at a port where no SMTP server listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_TIMEOUT = 2


def test_delivering_the_same_batch_twice_sends_each_message_once(published, mailbox):
    first = messages_deliver(message_ids=ids("intro"))
    second = messages_deliver(message_ids=ids("intro"))
    assert (first.sent, second.sent) == (2, 0)
    assert len(mailbox.messages) == 2
    assert set(Message.objects.filter(kind="intro").values_list("status", flat=True)) == {"sent"}
    assert all(m.sent_at for m in Message.objects.filter(kind="intro"))


def test_when_smtp_is_down_the_message_stays_queued_with_backoff_and_the_error(
    published, smtp_down, settings
):
    settings.MAIL_RETRY_SECONDS = 60
    before = timezone.now()
    report = messages_deliver(message_ids=ids("intro"))
    assert (report.sent, report.retry) == (0, 1)  # the rest of the batch was released
    tried, released = Message.objects.filter(kind="intro").order_by("attempts").reverse()
    assert (tried.status, tried.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in tried.last_error
    assert tried.next_attempt_at >= before + timedelta(seconds=60)
    assert tried.lease_until is None
    assert (released.status, released.attempts, released.lease_until) == ("queued", 0, None)


def test_after_smtp_comes_back_the_next_sweep_delivers(
    published, smtp_down, settings, django_capture_on_commit_callbacks
):
    messages_deliver(message_ids=ids("intro"))
    from tests.mailbox import Mailbox

    box = Mailbox().start()
    try:
        settings.EMAIL_PORT = box.port
        later = timezone.now() + timedelta(minutes=5)
        Message.objects.filter(kind="intro").update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox_dispatch(now=later) == 2  # immediate backend: delivered at once
        box.wait_for(2)
    finally:
        box.stop()
    assert set(Message.objects.filter(kind="intro").values_list("status", flat=True)) == {"sent"}


def test_the_backoff_doubles_and_gives_up_after_the_last_attempt(published, smtp_down, settings):
    settings.MAIL_MAX_ATTEMPTS = 3
    (pk, _) = ids("intro")
    waits = []
    for _attempt in range(3):
        start = timezone.now()
        Message.objects.filter(pk=pk).update(next_attempt_at=start)
        messages_deliver(message_ids=[pk])
        m = Message.objects.get(pk=pk)
        if m.status == "queued":
            waits.append(round((m.next_attempt_at - start).total_seconds() / 60))
    assert waits == [1, 2]
    assert (m.status, m.attempts) == ("failed", 3)
    assert m.last_error.startswith("attempt 3: ")


def test_a_final_smtp_refusal_fails_at_once_with_the_servers_words(published, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"chidi@acme.test": (550, b"no such mailbox")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    messages_deliver(message_ids=ids("intro"))
    statuses = set(Message.objects.filter(kind="intro").values_list("status", "attempts"))
    assert statuses == {("failed", 1)}
    assert "no such mailbox" in Message.objects.filter(kind="intro").first().last_error


def test_someone_who_left_the_company_after_matching_is_skipped_with_the_reason(
    published, mailoutbox, cast
):
    Person.objects.filter(pk=cast.bob.pk).update(active=False, deactivated_at=timezone.now())
    report = messages_deliver(message_ids=ids("intro"))
    assert (report.sent, report.skipped) == (1, 1)
    skipped = Message.objects.get(kind="intro", person=cast.bob)
    assert skipped.status == "skipped"
    assert "Bob Brandt left the company on" in skipped.last_error
    assert [m.to for m in mailoutbox] == [["Chidi Okafor <chidi@acme.test>"]]


def test_someone_who_left_the_program_gets_no_reminder(published, mailoutbox, cast):
    Enrollment.objects.create(
        organization=cast.org,
        program=published.round.program,
        person=cast.bob,
        left_at=timezone.now(),
    )
    Message.objects.filter(kind="reminder").update(next_attempt_at=timezone.now())
    messages_deliver(message_ids=ids("reminder"))
    assert Message.objects.get(kind="reminder", person=cast.bob).status == "skipped"
    assert Message.objects.get(kind="reminder", person=cast.chidi).status == "sent"


def test_dispatch_hands_out_a_message_once_until_its_lease_ends(published, settings):
    settings.MAIL_DISPATCH_LEASE_SECONDS = 600
    Message.objects.update(lease_until=None, next_attempt_at=timezone.now())
    with pytest.MonkeyPatch.context() as mp:
        enqueued = []
        mp.setattr("crosspaths.notify.services.outbox_enqueue", enqueued.append)
        now = timezone.now()
        assert outbox_dispatch(now=now) == 6
        assert outbox_dispatch(now=now + timedelta(minutes=9)) == 0
        assert outbox_dispatch(now=now + timedelta(minutes=11)) == 6


def test_a_message_left_sending_by_a_dead_worker_is_failed_with_the_reason(published):
    (pk, other) = ids("intro")
    Message.objects.filter(pk=pk).update(
        status="sending", attempts=1, lease_until=timezone.now() - timedelta(seconds=1)
    )
    Message.objects.filter(pk=other).update(
        status="sending", attempts=1, lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert outbox_recover() == 1
    m = Message.objects.get(pk=pk)
    assert m.status == "failed"
    assert "may or may not have arrived" in m.last_error
    assert Message.objects.get(pk=other).status == "sending"  # still within its lease


def test_send_again_requeues_failed_and_skipped_messages_only(
    published, mailoutbox, django_capture_on_commit_callbacks
):
    a, b = ids("intro")
    Message.objects.filter(pk=a).update(status="failed", attempts=8, last_error="x")
    Message.objects.filter(pk=b).update(status="sent")
    assert message_requeue(messages=Message.objects.filter(pk__in=[a, b])) == 1
    m = Message.objects.get(pk=a)
    assert (m.status, m.attempts, m.last_error, m.lease_until) == ("queued", 0, "", None)
    with django_capture_on_commit_callbacks(execute=True):
        _recovered, dispatched = outbox_sweep()
    assert dispatched == 1
    assert Message.objects.get(pk=a).status == "sent"
    assert len(mailoutbox) == 1
