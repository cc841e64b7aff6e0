"""Precomputed figures the insights dashboards read, and the two working tables the
aggregation keeps so a round can be aggregated without rereading all history.

Dashboards read only the ``*Figures`` tables and ``ReachSnapshot``: a few rows per
round and location, whatever the size of the organization. ``Connection`` (one row per
pair of people who were ever matched) and ``PersonReach`` (how many colleagues of each
department a person has met) are read only by the aggregation task.

Scopes: every figure row exists once for the whole organization (``location`` empty)
and once per location that took part. A location's rows count the matches and
encounters with at least one person from that location. Departments are stored as
plain keys (``0`` = no department) so a deleted department does not rewrite history.

Privacy: every row keeps ``people``, the number of distinct people behind its numbers,
and, while that number is below ``SMALL_GROUP_IDS``, their ids in ``people_ids`` so the
distinct count over any period can be computed exactly for small groups (see
``crosspaths.insights.privacy``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Location, Organization, Person
from crosspaths.programs.models import Enrollment, Program, Round

# Rows behind fewer people than this keep the people's ids (see the module docstring).
SMALL_GROUP_IDS = 50


class FigureRow(models.Model):
    """Columns every per-round figure row shares."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    # Copied from the round so dashboards filter without a join.
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    people = models.PositiveIntegerField(default=0)
    people_ids = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True


class RoundFigures(FigureRow):
    """One round in one scope: participation, meetings and encounters."""

    # Participation in the program on the round's date (people of the scope's location).
    enrolled = models.PositiveIntegerField(default=0)
    paused = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    left_out = models.PositiveIntegerField(default=0)
    # Meetings: a match happened when any member said "we met"; it did not happen when
    # members answered and none said so; otherwise nobody answered.
    matches = models.PositiveIntegerField(default=0)
    happened = models.PositiveIntegerField(default=0)
    not_happened = models.PositiveIntegerField(default=0)
    unanswered = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)  # "it did not happen" answers
    ratings = models.JSONField(default=list, blank=True)  # counts of ratings 1..5
    # Encounters: every pair of people in the same match.
    encounters = models.PositiveIntegerField(default=0)
    cross_department = models.PositiveIntegerField(default=0)
    same_department = models.PositiveIntegerField(default=0)
    new_connections = models.PositiveIntegerField(default=0)
    new_connections_met = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "location"],
                condition=Q(location__isnull=False),
                name="round_figures_once_per_location",
            ),
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(location__isnull=True),
                name="round_figures_once_overall",
            ),
        ]
        indexes = [models.Index(fields=["organization", "location", "date"])]

    def __str__(self) -> str:
        return f"{self.round_id} @ {self.location_id or 'all'}"


class PairFigures(FigureRow):
    """Encounters between two departments (``department_a`` <= ``department_b``) in one
    round and scope: the heatmap's cells."""

    department_a = models.BigIntegerField()
    department_b = models.BigIntegerField()
    encounters = models.PositiveIntegerField(default=0)
    happened = models.PositiveIntegerField(default=0)
    new_connections = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(department_a__lte=F("department_b")), name="pair_figures_ordered"
            ),
            models.UniqueConstraint(
                fields=["round", "location", "department_a", "department_b"],
                condition=Q(location__isnull=False),
                name="pair_figures_once_per_location",
            ),
            models.UniqueConstraint(
                fields=["round", "department_a", "department_b"],
                condition=Q(location__isnull=True),
                name="pair_figures_once_overall",
            ),
        ]
        indexes = [models.Index(fields=["organization", "location", "date"])]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.department_a}-{self.department_b}"


class DepartmentFigures(FigureRow):
    """One department's encounters in one round and scope: the inputs of its E-I index
    (encounters with other departments, encounters within). ``people`` counts the
    department's own members behind the numbers."""

    department = models.BigIntegerField()
    external = models.PositiveIntegerField(default=0)
    internal = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "location", "department"],
                condition=Q(location__isnull=False),
                name="department_figures_once_per_location",
            ),
            models.UniqueConstraint(
                fields=["round", "department"],
                condition=Q(location__isnull=True),
                name="department_figures_once_overall",
            ),
        ]
        indexes = [models.Index(fields=["organization", "location", "date"])]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.department}"


class ParticipationFigures(models.Model):
    """The whole organization's participation on a date (every program together):
    invited, opted in, enrolled in at least one program, paused in all of them."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited = models.PositiveIntegerField(default=0)
    opted_in = models.PositiveIntegerField(default=0)  # of the invited
    enrolled = models.PositiveIntegerField(default=0)
    paused = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "date", "location"],
                condition=Q(location__isnull=False),
                name="participation_once_per_location",
            ),
            models.UniqueConstraint(
                fields=["organization", "date"],
                condition=Q(location__isnull=True),
                name="participation_once_overall",
            ),
        ]
        indexes = [models.Index(fields=["organization", "location", "date"])]

    def __str__(self) -> str:
        return f"{self.date} @ {self.location_id or 'all'}"


class ReachSnapshot(models.Model):
    """How many people have met how many colleagues (``metric`` "colleagues") or other
    departments ("departments"), as of a date: one histogram bar per row."""

    class Metric(models.TextChoices):
        COLLEAGUES = "colleagues", _("colleagues met")
        DEPARTMENTS = "departments", _("other departments met")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    metric = models.CharField(max_length=16, choices=Metric.choices)
    low = models.PositiveIntegerField()  # the bar covers low..high met
    high = models.PositiveIntegerField(null=True, blank=True)  # empty: and more
    people = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "date", "location", "metric", "low"],
                condition=Q(location__isnull=False),
                name="reach_once_per_location",
            ),
            models.UniqueConstraint(
                fields=["organization", "date", "metric", "low"],
                condition=Q(location__isnull=True),
                name="reach_once_overall",
            ),
        ]
        indexes = [models.Index(fields=["organization", "location", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.metric} {self.low}+"


class Connection(models.Model):
    """Two people who have been matched at least once, in any program: an edge of the
    encounter network, with the round that first brought them together."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person_low = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_high = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # Their departments when they first met (keys, 0 = none), so undoing a connection
    # takes back exactly what it added to ``PersonReach``.
    department_low = models.BigIntegerField(default=0)
    department_high = models.BigIntegerField(default=0)
    first_round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    first_date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_low", "person_high"], name="connection_once"),
            models.CheckConstraint(
                condition=Q(person_low__lt=F("person_high")), name="connection_ordered"
            ),
        ]
        indexes = [models.Index(fields=["first_round"])]

    def __str__(self) -> str:
        return f"{self.person_low_id}-{self.person_high_id}"


class PersonReach(models.Model):
    """How many distinct colleagues of one department a person has met (any program)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # No index of its own: the unique (person, department) index starts with the person,
    # and a second index cost every round's upsert of 80,000 rows its upkeep.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    department = models.BigIntegerField()  # 0 = colleagues without a department
    colleagues = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "department"], name="person_reach_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} met {self.colleagues} of {self.department}"


class LastMatch(models.Model):
    """When an enrollment was last in a group: the "waited longest" list reads it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="insights_last_match"
    )
    matched_on = models.DateField()

    class Meta:
        # The waiting list walks this in date order and stops after a few rows.
        indexes = [models.Index(fields=["organization", "matched_on", "id"])]

    def __str__(self) -> str:
        return f"{self.enrollment_id} on {self.matched_on}"


class NightlyRun(models.Model):
    """The nightly refresh of one day, claimed by inserting this row: the unique date
    lets any number of schedulers race for it and exactly one win."""

    date = models.DateField(unique=True)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"nightly refresh {self.date}"
