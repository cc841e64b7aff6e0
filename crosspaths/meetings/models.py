"""What happened after a match: did the group meet, and how was it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person
from crosspaths.programs.models import Match, MatchMember


class CheckIn(models.Model):
    """One member's answer to "did you meet?": at most one per member, changeable."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    member = models.OneToOneField(MatchMember, on_delete=models.CASCADE, related_name="checkin")
    met = models.BooleanField(_("we met"))
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="checkin_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}: {'met' if self.met else 'did not meet'}"


class Withdrawal(models.Model):
    """A member said "I can't make it this round" on the match page: they left the
    group (and wait for the next round), and the group was told. ``replaced_by`` is
    who joined from the round's left-out list when the group would otherwise have been
    one person."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="withdrawals")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    replaced_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("said so"), auto_now_add=True)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        constraints = [
            models.UniqueConstraint(fields=["match", "person"], name="withdrawal_once_per_match")
        ]

    def __str__(self) -> str:
        return f"{self.person} left {self.match}"
