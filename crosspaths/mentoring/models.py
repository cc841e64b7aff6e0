"""Mentoring: a program's settings, each participant's role, the cycles and the answers
to the monthly nudges. The pairs themselves are ordinary ``Match`` rows of the cycle's
round, so introductions, calendar invitations and check-ins need nothing new."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person
from crosspaths.programs.models import Match, Program, Round

from .assign import MAX_CAPACITY


class MentoringSettings(models.Model):
    """How a mentoring program pairs and how long a cycle runs."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="mentoring_settings"
    )
    gap_min = models.PositiveSmallIntegerField(
        _("smallest level gap"),
        default=1,
        validators=[MaxValueValidator(20)],
        help_text=_("A mentor is at least this many levels above the mentee."),
    )
    gap_max = models.PositiveSmallIntegerField(
        _("largest level gap"),
        default=3,
        validators=[MaxValueValidator(20)],
        help_text=_("A mentor is at most this many levels above the mentee."),
    )
    capacity_default = models.PositiveSmallIntegerField(
        _("mentees per mentor (suggested)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text=_("What the join form suggests; each mentor chooses 1 to 3."),
    )
    cycle_months = models.PositiveSmallIntegerField(
        _("cycle length in months"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Pairs meet for this long; each pair is asked once a month how it goes."),
    )

    class Meta:
        verbose_name = _("mentoring settings")
        verbose_name_plural = _("mentoring settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(gap_min__lte=models.F("gap_max")), name="mentoring_gap_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.gap_min}-{self.gap_max} levels, {self.cycle_months} months"

    def clean(self) -> None:
        if self.gap_min is not None and self.gap_max is not None and self.gap_min > self.gap_max:
            raise ValidationError(
                {"gap_max": _("The largest level gap must be at least the smallest one.")}
            )


class MentoringRole(models.Model):
    """What a person joined a mentoring program as: mentor (with how many mentees) or
    mentee."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentoring_roles")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    capacity = models.PositiveSmallIntegerField(
        _("mentees at most"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )

    class Meta:
        verbose_name = _("mentoring role")
        verbose_name_plural = _("mentoring roles")
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="mentoring_role_once"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=MAX_CAPACITY),
                name="mentoring_capacity_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} as {self.role} in {self.program}"


class Cycle(models.Model):
    """One mentoring cycle: its rounds hold the pairs (one match each) and the mentees
    who got no mentor (``LeftOut``, in the first round); it ends after ``ends_on``.

    A person is in one match per round (a database constraint the whole product relies
    on), so a mentor with three mentees needs three rounds: round ``seat`` k holds every
    mentor's k-th mentee, dated k days after the start (one round per program and date)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Running")
        ENDED = "ended", _("Ended")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    months = models.PositiveSmallIntegerField(_("months"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentoring cycle")
        verbose_name_plural = _("mentoring cycles")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status="active"),
                name="mentoring_one_running_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.starts_on} to {self.ends_on}"


class CycleRound(models.Model):
    """One of a cycle's rounds (see ``Cycle``)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="cycle_rounds")
    round = models.OneToOneField(
        Round, on_delete=models.CASCADE, related_name="mentoring_cycle_round"
    )
    seat = models.PositiveSmallIntegerField(_("seat"))

    class Meta:
        verbose_name = _("round of a mentoring cycle")
        verbose_name_plural = _("rounds of mentoring cycles")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "seat"], name="mentoring_seat_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} seat {self.seat}: round {self.round_id}"


class NudgeAnswer(models.Model):
    """A pair's answer to the monthly nudge: did they meet this month?"""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="answers")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="+")
    month = models.PositiveSmallIntegerField(_("month of the cycle"))
    met = models.BooleanField(_("met this month"))
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        verbose_name = _("nudge answer")
        verbose_name_plural = _("nudge answers")
        constraints = [
            models.UniqueConstraint(fields=["match", "month"], name="mentoring_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.match_id} month {self.month}: {'met' if self.met else 'not yet'}"
