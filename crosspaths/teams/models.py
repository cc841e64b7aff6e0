"""An organization's Microsoft Entra tenant and the Teams conversations of its people.

One tenant belongs to at most one organization: the unique tenant id is what lets an
inbound activity from Teams (``channelData.tenant.id``) name its organization, and
nothing else. The bot's credentials are one app registration for the whole
installation (``TEAMS_APP_ID``/``TEAMS_APP_PASSWORD`` from the environment), so no
secret is stored per organization.

``TeamsUser`` is a stored conversation reference: what Teams told the bot when a
person installed the app (or when the bot first wrote to them): the service URL of
their region, their Teams user id (``29:...``), their Entra object id and the id of
their one-to-one chat with the bot. Proactive messages need all of it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person


class TeamsInstallation(models.Model):
    """The Crosspaths Teams app connected to one organization's tenant."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="teams_installation"
    )
    tenant_id = models.CharField(_("Microsoft Entra tenant id"), max_length=64, unique=True)
    connected_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    connected_at = models.DateTimeField(_("connected"))

    class Meta:
        verbose_name = _("Teams installation")
        verbose_name_plural = _("Teams installations")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.tenant_id}"


class TeamsUser(models.Model):
    """A person's conversation reference in their organization's tenant."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="teams_user")
    user_id = models.CharField(_("Teams user id"), max_length=200)
    aad_object_id = models.CharField(_("Microsoft Entra object id"), max_length=64, blank=True)
    service_url = models.URLField(_("service URL"), max_length=500)
    conversation_id = models.CharField(_("one-to-one chat"), max_length=500, blank=True)
    linked_at = models.DateTimeField(_("linked"))

    class Meta:
        verbose_name = _("Teams user")
        verbose_name_plural = _("Teams users")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user_id"], name="teams_user_unique_id")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.user_id}"
