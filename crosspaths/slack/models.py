"""An organization's Slack workspace and the people linked in it.

One workspace (``team_id``) belongs to at most one organization: the unique team id
is what lets an inbound request from Slack name its organization, and nothing else.
The bot token is stored encrypted (``tokens.py``) and never shown after the OAuth
exchange that produced it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person


class SlackInstallation(models.Model):
    """The Crosspaths Slack app installed in one organization's workspace."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="slack_installation"
    )
    team_id = models.CharField(_("Slack workspace id"), max_length=32, unique=True)
    team_name = models.CharField(_("Slack workspace"), max_length=200, blank=True)
    app_id = models.CharField(max_length=32, blank=True)
    bot_user_id = models.CharField(max_length=32, blank=True)
    scopes = models.TextField(_("granted scopes"), blank=True)
    bot_token_encrypted = models.TextField()
    installed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    installed_at = models.DateTimeField(_("connected"))

    class Meta:
        verbose_name = _("Slack installation")
        verbose_name_plural = _("Slack installations")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.team_name or self.team_id}"


class SlackLink(models.Model):
    """What users.lookupByEmail answered for one person in their organization's
    workspace: the Slack user id, or empty when nobody there has that address. Kept so
    a round does not look up 10,000 people again; looked up anew when the person's
    address changed or on request."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="slack_link")
    email = models.EmailField(_("address looked up"), max_length=254)
    user_id = models.CharField(_("Slack user id"), max_length=32, blank=True)
    checked_at = models.DateTimeField(_("looked up"))

    class Meta:
        verbose_name = _("Slack link")
        verbose_name_plural = _("Slack links")
        indexes = [models.Index(fields=["organization", "user_id"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.user_id or '-'}"
