"""A team bridge: a program of format "team bridge" and the two or more teams it joins."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person, Team
from crosspaths.programs.models import Program


class Bridge(models.Model):
    """Which teams a team-bridge program pairs across. The rounds, matches and
    enrollments are the program's own (the scheduler, e-mails and check-ins work as for
    any program); the bridge only says who is on which side."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="bridge")
    teams = models.ManyToManyField(Team, related_name="bridges", verbose_name=_("teams"))
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("team bridge")
        verbose_name_plural = _("team bridges")
        ordering = ["program__name"]

    def __str__(self) -> str:
        return self.program.name
