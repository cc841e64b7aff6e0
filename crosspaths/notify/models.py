"""The outbox: one row per message Crosspaths owes someone, on one channel.

Publishing a round writes these rows in the same transaction as the round's status
change, so a published round always has its messages and an unpublished one never
does. Workers claim rows a sub-batch at a time with a conditional update (queued ->
sending), which is what makes delivery exactly-once across any number of workers;
the ``dedupe_key`` constraint makes writing the same message twice impossible.

A row is one delivery of one intent (``kind``) on one ``channel``. Its recipient is a
person (e-mail, and chat messages to one person) or, for a chat group introduction,
the group: ``group_members`` says who is in that conversation and ``conversation``
holds the chat's id once the transport has opened it. Which channel a person gets is
decided when the row is written (``selection.py``), from the organization's enabled
channels, the person's choice and the chat accounts they have.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person
from crosspaths.programs.models import Match


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


CHAT_CHANNELS = (Channel.SLACK, Channel.TEAMS)


def default_channels() -> list[str]:
    return [Channel.EMAIL.value]


class Message(models.Model):
    Channel = Channel

    class Kind(models.TextChoices):
        INTRO = "intro", _("Introduction")
        RESCHEDULE = "reschedule", _("New time")
        REMINDER = "reminder", _("Reminder")
        CHECKIN = "checkin", _("Check-in")
        LEFT_OUT = "left_out", _("Left out of a round")
        GROUP_CHANGE = "group_change", _("Group changed")
        # Written here once for the lanes that send them (one migration instead of three):
        ANNOUNCEMENT = "announcement", _("Program announcement")
        NUDGE = "nudge", _("Nudge to the organizer")
        TEST = "test", _("Test message")
        # Written here once for the format lanes (one migration instead of four):
        ASK = "ask", _("Request for an outside perspective")
        FOLLOW_UP = "follow_up", _("Follow-up question")
        JOURNEY = "journey", _("Onboarding journey")
        MENTORING = "mentoring", _("Mentoring")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    # No foreign-key constraint in the database: PostgreSQL checks each deferred one per
    # row at commit, and publishing writes ~300,000 rows (bench/outbox_write.py). Every
    # row has a person or a match (message_has_recipient), both still checked and both of
    # this organization, and deleting an organization deletes its rows (Django's cascade).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("recipient"),
    )
    # A chat group introduction: the people in the conversation (ids, fixed when the
    # row was written) and the chat's own id once the transport has opened it, so a
    # retry posts into the same conversation.
    group_members = models.JSONField(_("group members"), default=list, blank=True)
    conversation = models.CharField(_("conversation"), max_length=200, blank=True)
    # No index of its own: the (match, kind) index below serves every lookup by match,
    # and publishing a round writes ~300,000 rows through each index (bench/outbox_write.py).
    match = models.ForeignKey(
        Match,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        db_index=False,
    )
    # Unique by the constraint in Meta, not ``unique=True``, which on PostgreSQL also
    # builds a second, LIKE index that no query uses (the two prefix filters are ORed
    # with a join, so person_id or organization_id lead their plans).
    dedupe_key = models.CharField(_("deduplication key"), max_length=200)
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
            # The retention job deletes sent rows by age (retention.py).
            models.Index(fields=["sent_at"], condition=Q(status="sent"), name="message_sent_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="message_dedupe_key_unique"),
            # E-mail always goes to a person; only a chat message may go to a group.
            models.CheckConstraint(
                condition=Q(person__isnull=False)
                | (Q(match__isnull=False) & ~Q(channel=Channel.EMAIL)),
                name="message_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        to = self.person_id or f"group of match {self.match_id}"
        return f"{self.get_kind_display()} → {to} via {self.channel} ({self.status})"


class OrganizationChannels(models.Model):
    """The channels an organization delivers on, its default first. E-mail needs no
    set-up and is always the fallback, listed or not; without a row an organization
    uses e-mail only."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="delivery_channels"
    )
    channels = models.JSONField(_("enabled channels"), default=default_channels)

    class Meta:
        verbose_name = _("organization's channels")
        verbose_name_plural = _("organizations' channels")

    def __str__(self) -> str:
        return f"{self.organization_id}: {', '.join(self.channels)}"


class ChatAccount(models.Model):
    """A person's account on a chat platform of their organization (Slack user id,
    Teams user id), found by the chat app; without one a person cannot be reached there."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chat_accounts")
    channel = models.CharField(
        _("channel"), max_length=16, choices=[(c.value, c.label) for c in CHAT_CHANNELS]
    )
    external_id = models.CharField(_("user id on the chat platform"), max_length=200)
    linked_at = models.DateTimeField(_("linked"))

    class Meta:
        verbose_name = _("chat account")
        verbose_name_plural = _("chat accounts")
        constraints = [
            models.UniqueConstraint(fields=["person", "channel"], name="chat_account_per_person"),
            models.UniqueConstraint(
                fields=["organization", "channel", "external_id"], name="chat_account_unique_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.channel}: {self.external_id}"


class ChannelChoice(models.Model):
    """The channel a person chose for their messages (among their organization's)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="channel_choice")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)

    class Meta:
        verbose_name = _("channel choice")
        verbose_name_plural = _("channel choices")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.channel}"
