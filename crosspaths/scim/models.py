"""SCIM tokens, the SCIM side of a provisioned person, and the deactivation pause."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person


class ScimToken(models.Model):
    """A bearer token an identity provider uses for one organization's SCIM endpoint.

    Only the SHA-256 of the token is stored (shown once when created), so a copy of the
    database cannot provision anyone. A revoked token stays listed, unusable."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=12)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ScimIdentity(models.Model):
    """A person as the identity provider provisioned them: the SCIM attributes Crosspaths
    has no column for (userName, externalId, the parts of the name, the e-mail list), kept
    so that what a client wrote reads back. Department, manager, e-mail, name and
    activity live on the Person, which stays the truth: the roster import and the console
    change them too. Deleting this row (SCIM DELETE) leaves the deactivated Person."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="scim")
    user_name = models.CharField(max_length=300)
    external_id = models.CharField(max_length=300, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SCIM identity")
        verbose_name_plural = _("SCIM identities")
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("user_name"), name="scim_user_name_per_org"
            ),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="scim_external_id_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.user_name


class ScimPause(models.Model):
    """Deactivations by SCIM are paused for an organization: more of them within an hour
    than ``SCIM_DEACTIVATION_SHARE`` of its people. Paused while ``resumed_at`` is empty;
    an admin resumes in the console. The admins are e-mailed when a pause starts, not
    for every refused request."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("paused"))
    resumed_at = models.DateTimeField(_("resumed"), null=True, blank=True)

    def __str__(self) -> str:
        return f"paused {self.started_at:%Y-%m-%d %H:%M}"
