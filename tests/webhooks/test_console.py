"""The console's webhook pages: admins only; the secret shown once; events, disabling,
enabling, deleting and the test button, each in the audit log; the delivery log."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from crosspaths.console.models import AuditLog
from crosspaths.webhooks.models import Delivery, Endpoint
from crosspaths.webhooks.secrets import secret_decrypt

from ..cast import PASSWORD

pytestmark = pytest.mark.django_db
LIST = "/console/webhooks/"


@pytest.fixture
def admin(client, cast):
    client.login(username="alice@acme.test", password=PASSWORD)
    return client


def _create(admin, receiver, **extra):
    data = {"url": receiver.url(), "event_types": ["round.published", "person.paused"], **extra}
    return admin.post(reverse("webhooks_console:endpoint_new"), data)


def test_the_secret_is_shown_once_when_the_endpoint_is_created(cast, admin, receiver):
    answer = _create(admin, receiver, description="HR lake")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    endpoint = Endpoint.objects.get(organization=cast.org)
    secret = secret_decrypt(endpoint.secret_encrypted)
    assert secret.startswith("whsec_") and secret in answer.content.decode()
    assert endpoint.event_types == ["person.paused", "round.published"]
    assert secret not in admin.get(LIST).content.decode()
    assert secret not in admin.get(f"{LIST}{endpoint.pk}/").content.decode()
    assert secret not in str(Endpoint.objects.filter(pk=endpoint.pk).values().get())
    entry = AuditLog.objects.get(organization=cast.org, action="webhook.create")
    assert entry.actor == cast.alice and endpoint.url in entry.summary


def test_a_bad_address_or_no_event_is_refused_with_the_reason(cast, admin, receiver):
    answer = _create(admin, receiver, url="not a url")
    assert answer.status_code == 400
    assert "http:// or https://" in answer.content.decode()
    answer = _create(admin, receiver, event_types=[])
    assert answer.status_code == 400 and "at least one event" in answer.content.decode()
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("who", ["bob@acme.test", "chidi@acme.test"])
def test_participants_and_program_managers_are_refused(cast, client, receiver, who):
    from crosspaths.people.models import Person

    cast.chidi.role = Person.Role.PROGRAM_MANAGER
    cast.chidi.save()
    client.login(username=who, password=PASSWORD)
    assert client.get(LIST).status_code == 403
    assert (
        client.post(reverse("webhooks_console:endpoint_new"), {"url": receiver.url()}).status_code
        == 403
    )
    assert not Endpoint.objects.exists()


def test_editing_disabling_enabling_and_deleting_are_logged(cast, admin, receiver, hook):
    endpoint, _secret = hook
    page = f"{LIST}{endpoint.pk}/"
    answer = admin.post(
        page, {"url": endpoint.url, "description": "lake", "event_types": ["match.created"]}
    )
    assert answer.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.event_types == ["match.created"] and endpoint.description == "lake"
    admin.post(f"{page}disable/")
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "Alice" in endpoint.disabled_reason
    admin.post(f"{page}enable/")
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.disabled_reason == ""
    admin.post(f"{page}delete/")
    assert not Endpoint.objects.filter(pk=endpoint.pk).exists()
    actions = list(
        AuditLog.objects.filter(organization=cast.org)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "webhook.create",
        "webhook.update",
        "webhook.disable",
        "webhook.enable",
        "webhook.delete",
    ]


def test_the_test_button_sends_a_signed_test_event_shown_in_the_log(
    cast, admin, receiver, hook, django_capture_on_commit_callbacks
):
    endpoint, secret = hook
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin.post(f"{LIST}{endpoint.pk}/test/")
    assert answer.status_code == 302
    (payload,) = receiver.verified(secret)
    assert payload["type"] == "webhook.test"
    log = admin.get(f"{LIST}{endpoint.pk}/").content.decode()
    assert "webhook.test" in log and "HTTP 200" in log and payload and "Delivered" in log


def test_the_delivery_log_is_paginated(cast, admin, hook):
    endpoint, _secret = hook
    from crosspaths.webhooks.endpoints import endpoint_send_test

    for _ in range(51):
        endpoint_send_test(endpoint=endpoint)
    first = admin.get(f"{LIST}{endpoint.pk}/").content.decode()
    second = admin.get(f"{LIST}{endpoint.pk}/?page=2").content.decode()
    newest, oldest = Delivery.objects.order_by("-pk")[0], Delivery.objects.order_by("pk")[0]
    assert newest.event_id in first and oldest.event_id not in first
    assert oldest.event_id in second and "Page 2 of 2" in second


def test_the_pages_are_in_german_for_a_german_admin(cast, admin, hook):
    cast.alice.language = "de"
    cast.alice.save()
    endpoint, _secret = hook
    with translation.override("de"):
        answer = admin.get(f"{LIST}{endpoint.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    text = answer.content.decode()
    assert "Zustellprotokoll" in text and "Testereignis senden" in text
