"""API keys of an organization and the answers to POSTs sent with an Idempotency-Key."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person

# What a key may be limited to; an empty list on the key means every resource.
RESOURCES = {
    "people": _("People, departments, teams and locations"),
    "programs": _("Programs"),
    "enrollments": _("Enrollments (join, pause, leave)"),
    "rounds": _("Rounds (preview, publish, close)"),
    "matches": _("Matches with members and slots"),
    "embed": _("Intranet card tokens (sign a person in to the card)"),
    "webhooks": _("Webhook endpoints and their delivery logs"),
    "insights": _("Check-in aggregates and insights figures"),
    "audit": _("Audit log"),
    "messages": _("Message delivery status"),
    "interactions": _("Collaboration counts (import)"),
}


class ApiKey(models.Model):
    """A bearer key an integration uses for one organization's API (/api/v1/).

    Only the SHA-256 of the key is stored (it is shown once, when created), so a copy
    of the database calls nothing. A revoked key stays listed, unusable. ``resources``
    limits the key to some resources (empty: all); ``scope`` says whether it may write."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=16)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    resources = models.JSONField(_("resources"), default=list, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def allows(self, resource: str, *, write: bool) -> bool:
        if write and self.scope != self.Scope.WRITE:
            return False
        return not self.resources or resource in self.resources


class IdempotentRequest(models.Model):
    """The answer to a POST that carried an Idempotency-Key, so that sending it again
    (a retry after a timeout) returns the same answer instead of creating twice. The
    row is written in the transaction of the write itself: the unique constraint lets
    exactly one of two concurrent retries commit."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # method, path and body
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_once_per_key")
        ]

    def __str__(self) -> str:
        return self.key


class RateWindow(models.Model):
    """How many requests a key made in one minute (fixed windows). A counter row in the
    database rather than a cache: correct across every web process and machine with
    no extra service, at one conditional UPDATE per request (docs/decisions.md)."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "starts_at"], name="rate_window_once")
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id} {self.starts_at:%H:%M}: {self.count}"
