"""A journey plan per onboarding program, one journey per new hire, one step per week."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person
from crosspaths.programs.models import Match, Program


class JourneyPlan(models.Model):
    """How an onboarding program's new hires are walked through their first weeks.

    ``program`` is the onboarding program (its enrollments, filled by auto-enroll, say
    who is new). ``steps_program`` is a companion program, never run by the scheduler
    (inactive), whose rounds carry the journey's meetings: one round per day a step is
    taken, so the usual introduction, invitation, reminders and check-in go out."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="journey_plan", verbose_name=_("program")
    )
    steps_program = models.OneToOneField(
        Program, on_delete=models.PROTECT, related_name="journey_steps_of", null=True, blank=True
    )
    weeks = models.PositiveSmallIntegerField(
        _("introductions after the buddy week"),
        default=6,
        validators=[
            MinValueValidator(1, message=_("A journey has at least one introduction.")),
            MaxValueValidator(26, message=_("A journey has at most 26 introductions.")),
        ],
    )
    buddy_min_tenure_days = models.PositiveSmallIntegerField(
        _("buddy at the company for at least (days)"),
        default=365,
        validators=[MaxValueValidator(3650)],
    )
    weekly_cap = models.PositiveSmallIntegerField(
        _("journey meetings per colleague and week"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    start_within_days = models.PositiveSmallIntegerField(
        _("new hires who started at most this many days ago"),
        default=28,
        validators=[MaxValueValidator(365)],
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journey plan")
        verbose_name_plural = _("journey plans")

    def __str__(self) -> str:
        return f"{self.program} · {self.weeks}"

    @property
    def steps(self) -> int:
        """The buddy week and one introduction a week."""
        return 1 + self.weeks


class Journey(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(JourneyPlan, on_delete=models.CASCADE, related_name="journeys")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="journeys")
    started_on = models.DateField(_("started"))
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("onboarding journey")
        verbose_name_plural = _("onboarding journeys")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="journey_once_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.started_on:%Y-%m-%d}"


class JourneyStep(models.Model):
    """Week ``number`` of a journey (1: the buddy): whom the new hire met, or why not."""

    class Kind(models.TextChoices):
        BUDDY = "buddy", _("Buddy")
        INTRO = "intro", _("Introduction")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("week"))
    kind = models.CharField(max_length=8, choices=Kind.choices)
    taken_on = models.DateField(_("date"))
    colleague = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    match = models.ForeignKey(
        Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="journey_steps"
    )
    # Why nobody was found this week (plain language); empty when someone was.
    missed = models.CharField(_("why nobody"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("journey step")
        verbose_name_plural = _("journey steps")
        ordering = ["journey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "number"], name="journey_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.journey} · {self.number}"
