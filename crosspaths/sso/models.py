"""Single sign-on per organization: its identity provider and the e-mail domains it
may vouch for.

An identity provider only ever signs people into its own organization, and only
people whose address is at a domain that organization has *verified* (an operator
confirmed it, see ``manage.py sso_domain_verify``). Naming a domain proves nothing:
any organization can type ``acme.com``, so an unverified domain is never trusted,
and a domain can be verified for one organization only (a database constraint).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization


class IdentityProvider(models.Model):
    """The one identity provider of an organization (OpenID Connect or SAML 2.0)."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="identity_provider"
    )
    protocol = models.CharField(_("protocol"), max_length=8, choices=Protocol.choices)
    enabled = models.BooleanField(
        _("offer sign-in with the company account"),
        default=False,
        help_text=_("Turn it on after “Try sign-in” worked."),
    )
    sso_required = models.BooleanField(
        _("require single sign-on for everyone"),
        default=False,
        help_text=_(
            "E-mail links and passwords stop working for this organization's people. "
            "Organization admins keep their password as a way in if the identity provider fails."
        ),
    )
    # OpenID Connect
    oidc_issuer = models.URLField(
        _("issuer or discovery URL"),
        blank=True,
        help_text=_(
            "For example https://login.example.com/ (its /.well-known/openid-configuration is read)."
        ),
    )
    oidc_client_id = models.CharField(_("client id"), max_length=200, blank=True)
    oidc_client_secret = models.CharField(_("client secret"), max_length=500, blank=True)
    # SAML 2.0: the metadata as given (URL or XML) and what was read from it.
    saml_metadata_url = models.URLField(_("metadata URL"), blank=True)
    saml_metadata_xml = models.TextField(_("metadata XML"), blank=True)
    saml_entity_id = models.CharField(_("identity provider entity id"), max_length=500, blank=True)
    saml_sso_url = models.URLField(_("sign-in URL"), max_length=500, blank=True)
    saml_x509cert = models.TextField(_("signing certificate"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} for {self.organization}"

    @property
    def key(self) -> str:
        """The name this provider has in URLs (``/sso/oidc/<key>/...``, ``/sso/saml/<key>/...``):
        stable across renames of the organization's slug."""
        return f"org{self.organization_id}"


def _verification_token() -> str:
    return secrets.token_urlsafe(18)


class EmailDomain(models.Model):
    """An e-mail domain an organization says is its own. Trusted for single sign-on only
    once ``verified_at`` is set, and at most one organization holds a domain verified."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="email_domains"
    )
    domain = models.CharField(_("domain"), max_length=253)
    verification_token = models.CharField(max_length=64, default=_verification_token)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "domain"], name="email_domain_per_org"),
            models.UniqueConstraint(
                fields=["domain"],
                condition=Q(verified_at__isnull=False),
                name="email_domain_verified_once",
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def dns_record(self) -> str:
        """The TXT record the operator looks for before confirming the domain."""
        return f"crosspaths-verification={self.verification_token}"
