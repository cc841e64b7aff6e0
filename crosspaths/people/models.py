"""Organizations and the people in them.

Every row a customer owns carries an ``organization`` foreign key; views and
services query through it so one organization never sees another's data.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from crosspaths.matching.roster import is_timezone

from .days_off import place_problem, supported_countries

LANGUAGE_CHOICES = [("en", _("English")), ("de", _("German"))]


def validate_timezone(value: str) -> None:
    if value and not is_timezone(value):
        raise ValidationError(
            _("'%(value)s' is not a known time zone (use a name such as Europe/Berlin)."),
            params={"value": value},
            code="timezone",
        )


def validate_country(value: str) -> None:
    if value and place_problem(value) is not None:
        raise ValidationError(
            _("'%(value)s' is not a country code the holiday calendar knows (use e.g. DE)."),
            params={"value": value},
            code="country",
        )


class Organization(models.Model):
    """A customer: everything else belongs to exactly one organization."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    timezone = models.CharField(
        _("default time zone"),
        max_length=64,
        default="Europe/Berlin",
        validators=[validate_timezone],
    )
    language = models.CharField(
        _("default language"), max_length=8, choices=LANGUAGE_CHOICES, default="en"
    )
    video_link_template = models.CharField(
        _("video link template"),
        max_length=300,
        default="https://meet.jit.si/crosspaths-{room}",
        help_text=_("Where virtual groups meet; {room} becomes an unguessable room name."),
    )
    min_cell_size = models.PositiveSmallIntegerField(
        _("smallest group shown in insights"),
        default=5,
        help_text=_("Aggregates over fewer people than this are hidden to protect privacy."),
    )
    checkin_comment_months = models.PositiveSmallIntegerField(
        _("keep check-in comments for (months)"),
        null=True,
        blank=True,
        help_text=_("Comments older than this are deleted every night; empty keeps them."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FirstRun(models.Model):
    """The one row a fresh instance's set-up page writes (its primary key is always 1),
    so creating the first organization from the web happens once, whoever is faster."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="first_run_once")]

    def __str__(self) -> str:
        return f"set up on {self.created_at:%Y-%m-%d}"


class Department(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="department_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="team_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    # Where the location's public holidays come from (no meeting is suggested on one):
    # an ISO 3166-1 country code ("DE") and, where holidays differ inside it, the
    # subdivision ("BY" for Bavaria), as the ``holidays`` package names them.
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text=_("Two-letter country code such as DE, for public holidays."),
    )
    subdivision = models.CharField(
        _("state or region"),
        max_length=10,
        blank=True,
        help_text=_("Where holidays differ inside the country, e.g. BY for Bavaria."),
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="location_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A subdivision the holiday calendar knows, of a country it knows."""
        if self.subdivision and not self.country:
            raise ValidationError({"country": _("Choose the country of this state or region.")})
        if self.country and self.subdivision and place_problem(self.country, self.subdivision):
            known = supported_countries().get(self.country, [])
            raise ValidationError(
                {
                    "subdivision": _(
                        "'%(value)s' is not a state or region of %(country)s the holiday "
                        "calendar knows (known: %(known)s)."
                    )
                    % {
                        "value": self.subdivision,
                        "country": self.country,
                        "known": ", ".join(known) or "-",
                    }
                }
            )


class Person(models.Model):
    """Someone in an organization's roster; a Django user once they sign in."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Organization admin")
        PROGRAM_MANAGER = "program_manager", _("Program manager")
        PARTICIPANT = "participant", _("Participant")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("user account"),
    )
    external_id = models.CharField(
        _("roster id"), max_length=100, blank=True, help_text=_("The id in the HR system's roster.")
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    level = models.SmallIntegerField(_("level"), null=True, blank=True)
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    language = models.CharField(
        _("language for e-mails and pages"), max_length=8, choices=LANGUAGE_CHOICES, blank=True
    )
    languages = models.JSONField(_("spoken languages"), default=list, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    # Weekly windows when the person is free: [{"weekday": 0-6, "start": "HH:MM", "end": "HH:MM"}]
    # in the person's own time zone.
    availability = models.JSONField(_("free windows"), default=list, blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    active = models.BooleanField(_("active"), default=True)
    roster_synced = models.BooleanField(
        _("from the roster"),
        default=False,
        help_text=_(
            "Department, team, location, manager and title come from HR and are read-only."
        ),
    )
    # An address the mail server refused for good (5xx, or a failure report): no e-mail
    # goes to the person while their address is still this one. A new address (roster,
    # SCIM, admin) ends it by itself; ``manage.py mail_bounces --clear`` ends it by hand.
    bounced_email = models.EmailField(_("address that bounced"), blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    bounce_reason = models.CharField(_("why it bounced"), max_length=300, blank=True)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    onboarded_at = models.DateTimeField(_("joined"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("left the company"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint("organization", Lower("email"), name="person_email_per_org"),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="person_external_id_per_org",
            ),
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(user__isnull=False),
                name="person_user_per_org",
            ),
            models.CheckConstraint(
                condition=~Q(manager=models.F("id")), name="person_not_own_manager"
            ),
        ]
        indexes = [models.Index(fields=["organization", "active"])]

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        for field in ("department", "team", "location", "manager"):
            related = getattr(self, field)
            if related is not None and related.organization_id != self.organization_id:
                raise ValidationError({field: _("Belongs to another organization.")})

    @property
    def effective_timezone(self) -> str:
        """The person's own zone, else their location's, else the organization's."""
        if self.timezone:
            return self.timezone
        if self.location is not None and self.location.timezone:
            return self.location.timezone
        return self.organization.timezone

    @property
    def email_bounced(self) -> bool:
        """The current address is one the mail server refused for good."""
        return bool(self.bounced_email) and self.bounced_email.lower() == self.email.lower()

    @property
    def effective_language(self) -> str:
        return self.language or self.organization.language

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class BlockedPair(models.Model):
    """'Please don't pair me with': private to ``person``, a hard rule for the engine."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="blocked")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blocked pair")
        verbose_name_plural = _("blocked pairs")
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="blocked_pair_once"),
            models.CheckConstraint(condition=~Q(person=models.F("other")), name="blocked_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ≠ {self.other}"


class SignInToken(models.Model):
    """A single-use link that signs a roster person in: a magic link they asked for, or
    an invitation HR sent. Only the SHA-256 of the token is stored, so a copy of the
    database cannot sign anyone in; ``used_at`` is set by a conditional update, so two
    clicks (or two web nodes) cannot both use it."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("Sign-in link")
        INVITATION = "invitation", _("Invitation")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sign_in_tokens")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    next_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        indexes = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.person}"


class KeepInTouch(models.Model):
    """A person's private "keep in touch" mark on someone they met."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="keep_in_touch")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keep-in-touch mark")
        verbose_name_plural = _("keep-in-touch marks")
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="keep_in_touch_once"),
            models.CheckConstraint(
                condition=~Q(person=models.F("other")), name="keep_in_touch_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.other}"
