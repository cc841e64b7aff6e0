"""Delivering: retries with back-off on 500s and timeouts, exactly one send when the
task runs twice, recovery of a dead worker's row, the sweep, automatic disabling with
an e-mail to the admins (read from a real SMTP server), and SSRF refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from standardwebhooks import Webhook

from crosspaths import clock
from crosspaths.console.models import AuditLog
from crosspaths.people.models import Person
from crosspaths.webhooks.endpoints import endpoint_create, endpoint_send_test
from crosspaths.webhooks.models import Delivery, Endpoint
from crosspaths.webhooks.outbox import deliveries_dispatch, deliveries_recover, webhooks_sweep
from crosspaths.webhooks.sending import backoff, deliveries_deliver

from ..cast import make_person

pytestmark = pytest.mark.django_db
Status = Delivery.Status


def _queue_test(endpoint) -> Delivery:
    """A test event written but not yet attempted (its on-commit task not run)."""
    return Delivery.objects.get(pk=endpoint_send_test(endpoint=endpoint))


def _due_now(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=clock.now(), lease_until=None)


def test_a_500_is_retried_after_the_back_off_and_then_delivered(hook, receiver):
    endpoint, secret = hook
    receiver.statuses = [500]
    delivery = _queue_test(endpoint)
    report = deliveries_deliver(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert (report.retry, delivery.status, delivery.attempts) == (1, Status.QUEUED, 1)
    assert delivery.response_status == 500 and "HTTP 500" in delivery.last_error
    assert delivery.response_snippet == "status 500"
    wait = delivery.next_attempt_at - clock.now()
    assert timedelta(seconds=3) < wait <= timedelta(seconds=5)  # the first step: 5 s
    assert deliveries_deliver(delivery_ids=[delivery.pk]).not_mine == 1  # not due yet
    _due_now(delivery)
    assert deliveries_deliver(delivery_ids=[delivery.pk]).sent == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (Status.SENT, 2, 200)
    first, second = receiver.received
    # The same webhook-id on every attempt (receivers deduplicate on it), each signed.
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.event_id
    assert receiver.verified(secret)[1]["type"] == "webhook.test"
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.failing_since is None


def test_the_back_off_follows_the_standard_webhooks_schedule():
    assert [backoff(n).total_seconds() for n in range(1, 9)] == [
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        36000,
        36000,
    ]


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(hook, receiver, settings):
    endpoint, _secret = hook
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.5
    delivery = _queue_test(endpoint)
    report = deliveries_deliver(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert report.retry == 1 and delivery.status == Status.QUEUED
    assert "Timeout" in delivery.last_error and delivery.response_status is None
    assert delivery.duration_ms is not None and delivery.duration_ms >= 250


def test_after_the_last_attempt_the_delivery_fails_for_good(hook, receiver, settings):
    endpoint, _secret = hook
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    receiver.statuses = [503, 503]
    delivery = _queue_test(endpoint)
    deliveries_deliver(delivery_ids=[delivery.pk])
    _due_now(delivery)
    report = deliveries_deliver(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert report.failed == 1 and delivery.status == Status.FAILED
    assert delivery.last_error.startswith("attempt 2: HTTP 503")


def test_running_the_delivery_twice_sends_once(hook, receiver):
    endpoint, _secret = hook
    delivery = _queue_test(endpoint)
    first = deliveries_deliver(delivery_ids=[delivery.pk])
    second = deliveries_deliver(delivery_ids=[delivery.pk])
    assert (first.sent, second.sent) == (1, 0)
    assert len(receiver.received) == 1


def test_a_row_another_worker_claimed_is_not_sent_again(hook, receiver):
    endpoint, _secret = hook
    delivery = _queue_test(endpoint)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Status.SENDING, lease_until=clock.now() + timedelta(minutes=2)
    )
    assert deliveries_deliver(delivery_ids=[delivery.pk]).sent == 0
    assert deliveries_recover() == 0  # its lease still runs
    assert receiver.received == []


def test_a_row_left_sending_by_a_dead_worker_is_queued_again_and_sent_once(hook, receiver):
    endpoint, _secret = hook
    delivery = _queue_test(endpoint)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Status.SENDING, attempts=1, lease_until=clock.now() - timedelta(seconds=1)
    )
    assert deliveries_recover() == 1
    assert deliveries_recover() == 0  # a second sweep finds nothing
    delivery.refresh_from_db()
    assert delivery.status == Status.QUEUED and "worker stopped" in delivery.last_error
    deliveries_deliver(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)
    assert len(receiver.received) == 1


def test_the_sweep_hands_out_rows_whose_task_never_ran_once_their_lease_ends(
    hook, receiver, django_capture_on_commit_callbacks
):
    endpoint, _secret = hook
    delivery = _queue_test(endpoint)  # its task was never enqueued (no commit)
    assert deliveries_dispatch() == 0  # leased for the task that should have run
    with time_machine.travel(clock.now() + timedelta(minutes=16), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert webhooks_sweep() == (0, 1)
        with django_capture_on_commit_callbacks(execute=True):
            assert webhooks_sweep() == (0, 0)  # leased again, not handed out twice
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT and len(receiver.received) == 1


def test_an_endpoint_failing_for_a_day_is_disabled_and_the_admins_get_an_email(
    cast, hook, receiver, mailbox, settings, django_capture_on_commit_callbacks
):
    endpoint, _secret = hook
    cast.bob.role = Person.Role.ADMIN
    cast.bob.language = "de"
    cast.bob.save()
    make_person(cast.other_org, "admin@globex.test", "Globex Admin", role=Person.Role.ADMIN)
    receiver.statuses = [500] * 20
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 5
    start = clock.now()
    delivery = _queue_test(endpoint)
    waiting = _queue_test(endpoint)
    Delivery.objects.filter(pk=waiting.pk).update(next_attempt_at=start + timedelta(days=9))
    for attempt in range(1, 9):
        moment = start + sum((backoff(n) for n in range(1, attempt)), timedelta())
        with (
            time_machine.travel(moment + timedelta(seconds=1), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            deliveries_deliver(delivery_ids=[delivery.pk])
        endpoint.refresh_from_db()
        if not endpoint.enabled:
            break
    # 5 failures in 2.5 hours are not enough; the attempt after 24 hours disables it.
    assert attempt == 8 and endpoint.consecutive_failures == 8
    assert "8 attempts in a row failed" in endpoint.disabled_reason
    waiting.refresh_from_db()
    assert waiting.status == Status.FAILED  # nothing more is sent to a disabled endpoint
    entry = AuditLog.objects.get(organization=cast.org, action="webhook.disable")
    assert endpoint.url in entry.summary
    recipients = sorted(to for _sender, tos in mailbox.envelopes for to in tos)
    assert recipients == ["alice@acme.test", "bob@acme.test"]
    by_recipient = {m["To"]: m for m in mailbox.messages}
    assert "disabled" in by_recipient["alice@acme.test"]["Subject"]
    assert "deaktiviert" in by_recipient["bob@acme.test"]["Subject"]
    body = by_recipient["alice@acme.test"].get_body(("plain",)).get_content()
    assert endpoint.url in body and f"/console/webhooks/{endpoint.pk}/" in body
    # A second worker failing at the same moment does not disable (or e-mail) again.
    with django_capture_on_commit_callbacks(execute=True):
        from crosspaths.webhooks.sending import endpoint_disable_failing

        assert not endpoint_disable_failing(endpoint=endpoint, failures=9, since=start)
    assert len(mailbox.messages) == 2


def test_a_success_in_between_starts_the_count_again(hook, receiver):
    endpoint, _secret = hook
    receiver.statuses = [500, 500]
    for _ in range(3):
        delivery = _queue_test(endpoint)
        deliveries_deliver(delivery_ids=[delivery.pk])
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.enabled


# --- SSRF ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8650/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "ftp://example.com/hook",
        "file:///etc/passwd",
    ],
)
def test_endpoints_on_private_networks_are_refused_in_production(cast, settings, url):
    from django.core.exceptions import ValidationError

    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError) as refused:
        endpoint_create(organization=cast.org, url=url, event_types=["person.paused"])
    assert "url" in refused.value.message_dict
    assert not Endpoint.objects.exists()


def test_an_endpoint_that_turned_private_after_it_was_saved_is_not_called(hook, receiver, settings):
    """The attack: save a public-looking endpoint, then point it inward (or the DNS
    name now resolves to loopback). Every attempt checks again; the receiver on
    loopback gets nothing."""
    endpoint, _secret = hook
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    delivery = _queue_test(endpoint)
    deliveries_deliver(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert receiver.received == []
    assert delivery.status == Status.QUEUED and "127.0.0.1" in delivery.last_error


def test_redirects_are_not_followed(cast, hook, receiver):
    """A receiver answering 302 to an internal address gets no second request there."""
    endpoint, _secret = hook
    receiver.redirect_to = receiver.url("/internal-admin")
    delivery = _queue_test(endpoint)
    deliveries_deliver(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert [r.path for r in receiver.received] == ["/hook"]
    assert delivery.status == Status.QUEUED and delivery.response_status == 302


def test_the_signature_is_over_the_exact_body_sent(hook, receiver):
    endpoint, secret = hook
    deliveries_deliver(delivery_ids=[_queue_test(endpoint).pk])
    (request,) = receiver.received
    signature = Webhook(secret).sign(
        request.headers["webhook-id"],
        clock.now().fromtimestamp(int(request.headers["webhook-timestamp"]), tz=clock.now().tzinfo),
        request.body.decode(),
    )
    assert request.headers["webhook-signature"] == signature


def _endpoint_at(cast, url: str) -> Endpoint:
    from crosspaths.webhooks.secrets import secret_encrypt, secret_new

    return Endpoint.objects.create(
        organization=cast.org,
        url=url,
        event_types=["person.paused"],
        secret_encrypted=secret_encrypt(secret_new()),
        secret_prefix="whsec_x",
    )


def test_dns_rebinding_between_the_check_and_the_connection_reaches_nothing(
    cast, receiver, settings, monkeypatch
):
    """The attack: the attacker's DNS answers a public address to the check and
    127.0.0.1 (TTL 0) to the connection's own lookup a moment later. The connection is
    made to the address the check saw, resolved and checked in one step: refused."""
    import socket

    real = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    endpoint = _endpoint_at(cast, f"http://rebind.test:{receiver.port}/hook")
    delivery = _queue_test(endpoint)
    deliveries_deliver(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert receiver.received == []
    assert delivery.status == Status.QUEUED and "127.0.0.1" in delivery.last_error


def test_the_connection_goes_to_the_checked_address_with_the_host_name_kept(
    cast, receiver, settings, monkeypatch
):
    """A name the check resolved is not resolved again: the request reaches the
    checked address (here the receiver) and still names the host."""
    from crosspaths.webhooks import ssrf

    monkeypatch.setattr(ssrf, "checked_address", lambda host, port: "127.0.0.1")
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    endpoint = _endpoint_at(cast, f"http://public.test:{receiver.port}/hook")
    delivery = _queue_test(endpoint)
    assert deliveries_deliver(delivery_ids=[delivery.pk]).sent == 1
    (request,) = receiver.received
    assert request.headers["Host"] == f"public.test:{receiver.port}"
