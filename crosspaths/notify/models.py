"""The outbox: one row per message Crosspaths owes someone.

Publishing a round writes these rows in the same transaction as the round's status
change, so a published round always has its messages and an unpublished one never
does. Workers claim rows one at a time with a conditional update (queued ->
sending), which is what makes delivery exactly-once across any number of workers;
the ``dedupe_key`` constraint makes writing the same message twice impossible.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person
from crosspaths.programs.models import Match


class Message(models.Model):
    class Kind(models.TextChoices):
        INTRO = "intro", _("Introduction")
        RESCHEDULE = "reschedule", _("New time")
        REMINDER = "reminder", _("Reminder")
        CHECKIN = "checkin", _("Check-in")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="messages", verbose_name=_("recipient")
    )
    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("due"))
    # While set and in the future, a task has been enqueued for this row (queued) or a
    # worker is sending it (sending); nobody else dispatches it until then.
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="message_due_queued",
            ),
            models.Index(
                fields=["lease_until"], condition=Q(status="sending"), name="message_sending"
            ),
            models.Index(fields=["match", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.person_id} ({self.status})"
