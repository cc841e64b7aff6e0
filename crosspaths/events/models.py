"""An event and its seating plan: one row per person and rotation."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Department, Location, Organization, Person
from crosspaths.programs.models import Program

MAX_TABLE_SIZE = 20
MAX_ROTATIONS = 8


class Event(models.Model):
    """A one-off gathering whose attendees sit at tables of about ``table_size`` for
    ``rotations`` rotations, meeting new people at each."""

    class Attendees(models.TextChoices):
        ENROLLED = "enrolled", _("Everyone enrolled in the program")
        DEPARTMENT = "department", _("One department")
        LOCATION = "location", _("One location")
        ALL = "all", _("Everyone in the organization")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attendees = models.CharField(
        _("who attends"), max_length=16, choices=Attendees.choices, default=Attendees.ALL
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    table_size = models.PositiveSmallIntegerField(
        _("people per table"),
        default=8,
        validators=[MinValueValidator(2), MaxValueValidator(MAX_TABLE_SIZE)],
    )
    rotations = models.PositiveSmallIntegerField(
        _("rotations"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ROTATIONS)],
    )
    seed = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    seated_at = models.DateTimeField(_("seated"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%Y-%m-%d})"


class Seat(models.Model):
    """Where one attendee sits in one rotation (rotation and table count from 1)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="seats")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="event_seats")
    rotation = models.PositiveSmallIntegerField()
    table = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rotation", "table", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person", "rotation"], name="one_seat_per_person_and_rotation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} at table {self.table} in round {self.rotation} of {self.event}"
