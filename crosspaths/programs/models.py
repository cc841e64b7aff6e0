"""Programs people join, the rounds they run and the groups (matches) each round makes."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crosspaths import clock
from crosspaths.matching.roster import is_timezone
from crosspaths.matching.types import Weights
from crosspaths.people.models import Location, Organization, Person

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise  # only in django-stubs

VENUE_MAX = 200
# What ``Program.clean`` accepts in ``weights`` and ``audience``. Here, not in
# ``engine_input`` (which imports this module and reads WEIGHT_NAMES), to keep one direction.
WEIGHT_NAMES = frozenset(f.name for f in dataclasses.fields(Weights))
AUDIENCE_KEYS = frozenset(
    {"departments", "locations", "level_min", "level_max", "started_within_days"}
)


class ProgramQuerySet(models.QuerySet["Program"]):
    def visible(self) -> ProgramQuerySet:
        """The programs an admin runs as programs: without the companion programs whose
        rounds carry another format's meetings (an onboarding plan's weekly steps, the
        outside-perspective sessions). Their rounds and matches are ordinary ones; only
        the program itself is managed from its format's page (``companions``).

        The reverse relations are named by the apps above (journeys, perspective), which
        this floor cannot import."""
        return self.filter(journey_steps_of__isnull=True, perspective_sessions_of__isnull=True)


class Program(models.Model):
    """A recurring (or one-off) format with its rules: who, how often, in what groups."""

    class Format(models.TextChoices):
        VIRTUAL_COFFEE = "virtual_coffee", _("Virtual coffee")
        LUNCH = "lunch", _("In-person lunch")
        WALK = "walk", _("Walk")
        ONBOARDING = "onboarding", _("Onboarding buddies")
        MENTORING = "mentoring", _("Mentoring")
        LOTTERY = "lottery", _("Lottery")
        OUTSIDE_PERSPECTIVE = "outside_perspective", _("Outside perspective")
        EVENT = "event", _("Event mixer")
        TEAM_BRIDGE = "team_bridge", _("Team bridge")

    IN_PERSON_FORMATS = frozenset({Format.LUNCH, Format.WALK, Format.EVENT})

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Every four weeks")
        ONCE = "once", _("Once")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=32, choices=Format.choices)
    cadence = models.CharField(
        _("cadence"), max_length=16, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    time = models.TimeField(
        _("time"),
        default="09:00",
        help_text=_("When the round goes out, in the organization's time zone."),
    )
    starts_on = models.DateField(
        _("first round on or after"),
        default=clock.today,
        help_text=_("Rounds every two or four weeks count from here."),
    )
    group_size = models.PositiveSmallIntegerField(
        _("group size"),
        default=2,
        validators=[
            MinValueValidator(2, message=_("A group needs at least two people.")),
            MaxValueValidator(12, message=_("A group has at most twelve people.")),
        ],
    )
    # {"departments": [id, ...], "locations": [id, ...], "level_min": int, "level_max": int,
    #  "started_within_days": int}; empty means everyone enrolled.
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    # Keys of crosspaths.matching.types.Weights; missing keys use the engine's defaults.
    weights = models.JSONField(_("preferences"), default=dict, blank=True)
    cooldown_weeks = models.PositiveSmallIntegerField(
        _("cooldown in weeks"),
        default=12,
        validators=[MaxValueValidator(520)],
        help_text=_("Two people who met are not matched again within this many weeks."),
    )
    holdout_percent = models.PositiveSmallIntegerField(
        _("hold out for measurement (%)"),
        default=0,
        validators=[
            MaxValueValidator(50, message=_("Hold out at most %(limit_value)s %% of the pairs."))
        ],
        help_text=_(
            "Keep this share of the possible pairs of each round apart on purpose, so "
            "“Does it pay off?” compares colleagues who met with comparable colleagues "
            "who could have met. Pairs, not people: everyone still meets someone. 0 "
            "keeps nobody apart."
        ),
    )
    requires_review = models.BooleanField(
        _("review before publishing"),
        default=False,
        help_text=_("Rounds wait as drafts until an admin publishes them."),
    )
    active = models.BooleanField(_("active"), default=True)
    # Where an in-person group meets, per location: {"<location id>": "Kantine 3rd floor,
    # 12:30"}; shown in the introduction, on the match page and in the invitation.
    venues = models.JSONField(_("venues"), default=dict, blank=True)
    # Onboarding programs: new hires whose start date is on or after this day are enrolled
    # automatically once it comes (a daily step, console.audiences); empty: off.
    auto_enroll_since = models.DateField(
        _("new hires enrolled automatically from"), null=True, blank=True
    )
    managers = models.ManyToManyField(
        Person, blank=True, related_name="managed_programs", verbose_name=_("program managers")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group_size__gte=2), name="program_group_size_at_least_2"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def mode(self) -> str:
        """The engine's mode: in-person formats group within one location."""
        return "in-person" if self.format in self.IN_PERSON_FORMATS else "virtual"

    def clean(self) -> None:
        """Refuse settings the scheduler could not run, each with what and where (the
        group size has its validators and a database check)."""
        errors: dict[str, list[str | StrPromise]] = {}
        if self.organization_id and not is_timezone(self.organization.timezone):
            errors.setdefault("__all__", []).append(
                _(
                    "The organization's time zone '%(zone)s' is unknown, so rounds cannot be "
                    "scheduled; set a name such as Europe/Berlin in the organization settings."
                )
                % {"zone": self.organization.timezone}
            )
        weights = self.weights if isinstance(self.weights, dict) else None
        if weights is None:
            errors.setdefault("weights", []).append(_("Preferences must be a mapping."))
        else:
            for key, value in weights.items():
                if key not in WEIGHT_NAMES:
                    errors.setdefault("weights", []).append(
                        _("Unknown preference '%(key)s'; known: %(known)s.")
                        % {"key": key, "known": ", ".join(sorted(WEIGHT_NAMES))}
                    )
                elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    errors.setdefault("weights", []).append(
                        _("The preference '%(key)s' must be a number of 0 or more.") % {"key": key}
                    )
        audience = self.audience if isinstance(self.audience, dict) else None
        if audience is None:
            errors.setdefault("audience", []).append(_("The audience must be a mapping."))
        else:
            for key in sorted(set(audience) - AUDIENCE_KEYS):
                errors.setdefault("audience", []).append(
                    _("Unknown audience filter '%(key)s'; known: %(known)s.")
                    % {"key": key, "known": ", ".join(sorted(AUDIENCE_KEYS))}
                )
        venues = self.venues if isinstance(self.venues, dict) else None
        if venues is None or not all(
            str(k).isdigit() and isinstance(v, str) and len(v) <= VENUE_MAX
            for k, v in venues.items()
        ):
            errors.setdefault("venues", []).append(
                _("Venues must map a location to a text of at most %(n)s characters.")
                % {"n": VENUE_MAX}
            )
        if errors:
            raise ValidationError(errors)

    def venue_at(self, location_id: int | None) -> str:
        """Where this program's groups at a location meet ("" when not named)."""
        if location_id is None:
            return ""
        return (self.venues or {}).get(str(location_id), "")


class Enrollment(models.Model):
    """A person taking part in a program; paused until a date, or left."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrollments")
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person"], name="enrollment_once_per_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.program}"

    def is_paused_on(self, day: date) -> bool:
        return self.paused_until is not None and day <= self.paused_until


class Round(models.Model):
    """One run of a program on a date: draft (computed), published (sent), closed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rounds")
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    # The program's hold-out when the engine drafted this round; which pairs it held out
    # follows from this share and the round's id (crosspaths.matching.holdout).
    holdout_percent = models.PositiveSmallIntegerField(_("held out (%)"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "date"], name="round_once_per_program_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.date:%Y-%m-%d}"


class Match(models.Model):
    """One group of a round, with what the engine said about it and where/when to meet."""

    # No foreign-key constraint in the database (as MatchMember's below): PostgreSQL
    # checks each deferred one per row at commit, a 100,000-person draft writes 50,000
    # groups (bench/pipeline.py), and the round's key, still checked, names the same
    # organization. Deleting an organization deletes its rows (Django's cascade).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="matches")
    organizer = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("designated organizer"),
    )
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suggested_start = models.DateTimeField(_("suggested start"), null=True, blank=True)
    suggested_end = models.DateTimeField(_("suggested end"), null=True, blank=True)
    video_link = models.URLField(_("video link"), max_length=300, blank=True)
    # [{"code": ..., "text": ..., "params": {...}}] from the engine, translated when shown.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    score = models.FloatField(_("score"), default=0.0)
    # Incremented whenever the suggested slot changes, so calendar clients update the event.
    sequence = models.PositiveIntegerField(default=0)
    # The group's organizer confirmed the slot (or chose another one) on the match page.
    confirmed_at = models.DateTimeField(_("time confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"

    @property
    def place(self) -> str:
        """Where an in-person group meets: its location and the program's venue there
        ("Munich, Kantine 3rd floor, 12:30"), or "" for a group without a location."""
        if not self.location_id or self.location is None:
            return ""
        venue = self.round.program.venue_at(self.location_id)
        return f"{self.location.name}, {venue}" if venue else self.location.name


class MatchMember(models.Model):
    """A person in a match; ``round`` is repeated so the database can enforce one group per
    person per round."""

    # organization and round repeat the match's (clean() below; the services write
    # them from the match), so only match and person are checked by the database: a
    # draft writes 100,000 members, each deferred key one lookup at commit. round needs
    # no index of its own: person_once_per_round's starts with it.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="members")
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_memberships")

    class Meta:
        verbose_name = _("match member")
        verbose_name_plural = _("match members")
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="person_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.match}"

    def clean(self) -> None:
        if self.match_id and self.round_id and self.match.round_id != self.round_id:
            raise ValidationError(_("The member's round must be the match's round."))


class LeftOut(models.Model):
    """Someone eligible for a round who got no group, and why (shown to admins, and the
    engine lets them go first next time)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="left_out")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=64)
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        verbose_name = _("person left out")
        verbose_name_plural = _("people left out")
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="left_out_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.reason}"
