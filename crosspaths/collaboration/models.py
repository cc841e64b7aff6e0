"""Collaboration signals: how often two colleagues interacted per week and channel
(counts only, never content), and the stored "does it pay off?" estimate.

Off by default: an organization imports interaction counts only after an admin turned
``CollaborationSettings.enabled`` on. People who opted out (``CollaborationOptOut``)
have no rows: the import skips them and opting out deletes what was stored.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person


class CollaborationSettings(models.Model):
    """Whether an organization collects interaction counts, and for how long it keeps
    them. No row means off."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="collaboration_settings"
    )
    enabled = models.BooleanField(_("collect interaction counts"), default=False)
    weeks_after = models.PositiveSmallIntegerField(
        _("weeks compared before and after a meeting"), default=8
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep interaction counts for (months)"), default=24
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("collaboration settings")
        verbose_name_plural = _("collaboration settings")

    def __str__(self) -> str:
        return f"{self.organization}: {'on' if self.enabled else 'off'}"


class CollaborationOptOut(models.Model):
    """A person who does not want their interaction counts stored or used."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="collaboration_opt_out"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collaboration opt-out")
        verbose_name_plural = _("collaboration opt-outs")

    def __str__(self) -> str:
        return str(self.person)


class Interaction(models.Model):
    """How many times two people interacted on one channel in one week (Monday).

    ``person_a`` has the smaller primary key, so a pair has one spelling. Several rows
    for the same pair, week and channel add up (an import of "a wrote to b" and "b wrote
    to a" keeps both); re-importing a week and channel replaces it."""

    class Channel(models.TextChoices):
        CHAT = "chat", _("Chat")
        MAIL = "mail", _("E-mail")
        MEETING = "meeting", _("Meeting")
        DOCUMENT = "document", _("Shared document")
        INTRANET = "intranet", _("Intranet")

    # No foreign-key constraints in the database: PostgreSQL checks each one per row at
    # commit, which made a million-row import spend most of its time there. The import
    # only writes keys of the organization's own people, and deleting a person or an
    # organization still deletes their rows (Django's cascade).
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the (organization, period_start, channel) index serves it
    )
    period_start = models.DateField(_("week starting"))
    person_a = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    person_b = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("interaction count")
        verbose_name_plural = _("interaction counts")
        constraints = [
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="interaction_pair_in_order"
            )
        ]
        indexes = [models.Index(fields=["organization", "period_start", "channel"])]

    def __str__(self) -> str:
        return f"{self.period_start} {self.channel}: {self.count}"


class PayoffEstimate(models.Model):
    """The latest "does it pay off?" estimate of an organization (computed nightly and on
    demand), so the insights page reads a stored figure. ``uplift`` is the ratio of what
    pairs who met exchanged afterwards to what comparable pairs would have (see
    ``crosspaths.collaboration.estimate``); empty when too few pairs to show."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="payoff_estimate"
    )
    computed_at = models.DateTimeField()
    weeks_after = models.PositiveSmallIntegerField()
    pairs = models.PositiveIntegerField(default=0)
    comparison_pairs = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    rounds = models.PositiveIntegerField(default=0)
    uplift = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    difference = models.FloatField(null=True, blank=True)  # extra interactions per pair
    difference_low = models.FloatField(null=True, blank=True)
    difference_high = models.FloatField(null=True, blank=True)
    met_after = models.FloatField(null=True, blank=True)  # mean per pair that met
    comparison_after = models.FloatField(null=True, blank=True)  # their counterfactual
    shown = models.BooleanField(default=False)
    # [{"departments": [a, b], "pairs": n, "uplift": x, "low": l, "high": h}, ...]
    departments = models.JSONField(default=list, blank=True)
    # [{"month": "2026-09-01", "cross": n, "within": n, "share": pct or null}, ...]
    trend = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("pay-off estimate")
        verbose_name_plural = _("pay-off estimates")

    def __str__(self) -> str:
        return f"{self.organization}: {self.uplift}"
