"""Outgoing webhooks: the endpoints an organization registered and the outbox of
deliveries to them (docs/webhooks.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person

# The events an endpoint can subscribe to (``webhook.test`` is sent only on request).
EVENT_TYPES = {
    "round.published": _("A round was published"),
    "match.created": _("A group was formed (one per group when its round is published)"),
    "match.rescheduled": _("A group's meeting moved to a new time"),
    "checkin.recorded": _("A check-in was answered (whether the group met; never who said what)"),
    "person.enrolled": _("Someone joined a program"),
    "person.paused": _("Someone paused or resumed their programs"),
}
TEST_EVENT = "webhook.test"


class Endpoint(models.Model):
    """A URL of the organization's that receives the events it subscribed to, signed
    with its own secret (Standard Webhooks). The secret is shown once, when created;
    it is stored encrypted because every delivery must be signed with it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField()
    secret_prefix = models.CharField(_("secret starts with"), max_length=16)
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=500, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    # Attempts that failed since the last success, and when the first of them failed:
    # the automatic disabling looks at both (docs/webhooks.md).
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return self.enabled and event_type in self.event_types


class Delivery(models.Model):
    """One event to one endpoint: an outbox row with the notify outbox's guarantees
    (claimed by a conditional update, leased, retried with back-off, never sent twice
    by two workers; a row left ``sending`` by a dead worker is marked failed)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(_("event id"), max_length=40)
    event_type = models.CharField(_("event"), max_length=64)
    payload = models.JSONField()
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    response_snippet = models.CharField(_("answer's beginning"), max_length=500, blank=True)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_event_once")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due"),
            models.Index(fields=["endpoint", "-id"], name="webhook_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} → {self.endpoint_id}"
