"""Outside perspective on request: who gives one (opt-in with a monthly cap), the
requests people make, and each ask to a colleague with its one-click answer.

A session is a ``programs.Match`` of the organization's on-demand outside-perspective
program (``services.perspective_program``), so the introduction, the calendar
invitation, the video link, the reminder and the check-in are the ones every round
uses."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person
from crosspaths.programs.models import Match

MAX_PEOPLE = 4
MAX_CAP = 10


class PerspectiveSettings(models.Model):
    """An organization's settings of the format (one row, made when first needed)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="perspective_settings"
    )
    default_monthly_cap = models.PositiveSmallIntegerField(
        _("asks a month for someone who just opted in"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAP)],
    )
    # The organization's on-demand program whose rounds hold the sessions (a companion
    # program: ``Program.objects.visible()`` leaves it out of the program lists).
    program = models.OneToOneField(
        "programs.Program",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="perspective_sessions_of",
    )
    answer_hours = models.PositiveSmallIntegerField(
        _("hours a colleague has to answer"),
        default=48,
        validators=[MinValueValidator(4), MaxValueValidator(24 * 14)],
        help_text=_("After this an unanswered ask expires and the next colleague is asked."),
    )

    def __str__(self) -> str:
        return f"perspective settings of {self.organization}"


class Giver(models.Model):
    """Someone who said "I give outside perspectives", at most ``monthly_cap`` asks in
    any 30 days."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="giver")
    active = models.BooleanField(_("I give outside perspectives"), default=True)
    monthly_cap = models.PositiveSmallIntegerField(
        _("at most this many asks a month"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAP)],
    )
    since = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.person} gives perspectives (cap {self.monthly_cap})"


class PerspectiveRequest(models.Model):
    """Someone asks colleagues from other fields for early feedback on a topic."""

    class Status(models.TextChoices):
        OPEN = "open", _("Looking for people")
        SCHEDULED = "scheduled", _("Session set up")
        UNFILLED = "unfilled", _("Nobody could take it")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    requester = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="perspective_requests"
    )
    topic = models.CharField(_("topic"), max_length=200)
    details = models.TextField(_("what would help"), max_length=1000, blank=True)
    tags = models.JSONField(_("interests or skills that fit"), default=list, blank=True)
    other_location = models.BooleanField(_("from another location"), default=False)
    people_wanted = models.PositiveSmallIntegerField(
        _("how many people"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE)],
    )
    needed_by = models.DateField(_("by when"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    match = models.OneToOneField(
        Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="perspective"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    helped = models.BooleanField(_("it helped"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_wanted__gte=1, people_wanted__lte=MAX_PEOPLE),
                name="perspective_people_1_to_4",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.requester})"


class Ask(models.Model):
    """One colleague asked for one request, with their answer."""

    class Status(models.TextChoices):
        ASKED = "asked", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("No answer in time")
        WITHDRAWN = "withdrawn", _("No longer needed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(PerspectiveRequest, on_delete=models.CASCADE, related_name="asks")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="perspective_asks")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASKED)
    asked_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="ask_once_per_request")
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["person", "asked_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.request} ({self.status})"
