"""Writes and checks of single sign-on: domains, the identity provider's settings, and
deciding which roster person an identity provider's assertion signs in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import requests
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from crosspaths import clock
from crosspaths.people.models import Organization, Person

from .models import EmailDomain, IdentityProvider

DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$"
)
METADATA_TIMEOUT_SECONDS = 10


def domain_clean(value: str) -> str:
    """A bare, lower-case domain (``acme.com``) or a ValidationError naming the input."""
    domain = value.strip().lower().removeprefix("@").rstrip(".")
    if not DOMAIN_RE.match(domain):
        raise ValidationError(
            _("“%(value)s” is not a domain name (write it like example.com).") % {"value": value}
        )
    return domain


def email_domain_add(*, organization: Organization, domain: str) -> EmailDomain:
    """Name a domain as the organization's. It stays untrusted until an operator
    verifies it, so naming someone else's domain gains nothing."""
    clean = domain_clean(domain)
    found, _created = EmailDomain.objects.get_or_create(organization=organization, domain=clean)
    return found


def email_domain_remove(*, organization: Organization, pk: int) -> None:
    EmailDomain.objects.filter(organization=organization, pk=pk).delete()


@transaction.atomic
def email_domain_verify(*, organization: Organization, domain: str) -> EmailDomain:
    """The operator's confirmation that ``domain`` belongs to ``organization`` (after
    checking its DNS TXT record or by other means). Refused when another organization
    holds the domain verified: one domain, one organization."""
    clean = domain_clean(domain)
    holder = (
        EmailDomain.objects.filter(domain=clean, verified_at__isnull=False)
        .exclude(organization=organization)
        .select_related("organization")
        .first()
    )
    if holder is not None:
        raise ValidationError(
            _("%(domain)s is already verified for the organization %(other)s.")
            % {"domain": clean, "other": holder.organization.slug}
        )
    row, _created = EmailDomain.objects.get_or_create(organization=organization, domain=clean)
    if row.verified_at is None:
        row.verified_at = clock.now()
        try:
            with transaction.atomic():
                row.save(update_fields=["verified_at"])
        except IntegrityError as exc:  # verified elsewhere a moment ago
            raise ValidationError(
                _("%(domain)s is already verified for another organization.") % {"domain": clean}
            ) from exc
    return row


def verified_domains(*, organization_id: int) -> set[str]:
    return set(
        EmailDomain.objects.filter(
            organization_id=organization_id, verified_at__isnull=False
        ).values_list("domain", flat=True)
    )


def organization_for_email(*, email: str) -> Organization | None:
    """The organization whose verified domain this address is at, with single sign-on
    turned on; None otherwise (the sign-in page then says so)."""
    domain = email.strip().lower().rpartition("@")[2]
    row = (
        EmailDomain.objects.filter(
            domain=domain,
            verified_at__isnull=False,
            organization__identity_provider__enabled=True,
        )
        .select_related("organization")
        .first()
    )
    return row.organization if row else None


def saml_metadata_read(*, url: str = "", xml: str = "") -> dict[str, str]:
    """Entity id, sign-in URL and signing certificate out of an identity provider's
    metadata (fetched from ``url`` or given as ``xml``). Raises ValidationError with
    what went wrong, so the console can show it next to the field."""
    try:
        if url:
            response = requests.get(url, timeout=METADATA_TIMEOUT_SECONDS)
            response.raise_for_status()
            xml = response.text
        data = OneLogin_Saml2_IdPMetadataParser.parse(xml)
    except requests.RequestException as exc:
        raise ValidationError(
            _("Could not read the metadata at %(url)s: %(error)s") % {"url": url, "error": exc}
        ) from exc
    except Exception as exc:  # lxml and the parser raise many kinds
        raise ValidationError(
            _("The metadata is not valid SAML metadata: %(error)s") % {"error": exc}
        ) from exc
    idp = data.get("idp", {})
    sso = idp.get("singleSignOnService", {}).get("url", "")
    cert = idp.get("x509cert", "") or (idp.get("x509certMulti", {}).get("signing") or [""])[0]
    if not idp.get("entityId") or not sso or not cert:
        raise ValidationError(
            _("The metadata lacks the entity id, the sign-in URL or the signing certificate.")
        )
    return {"entity_id": idp["entityId"], "sso_url": sso, "x509cert": cert}


class Refusal(Enum):
    """Why an identity provider's assertion signs nobody in."""

    NO_EMAIL = "no_email"
    DOMAIN_NOT_VERIFIED = "domain_not_verified"
    UNKNOWN_PERSON = "unknown_person"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class Outcome:
    person: Person | None
    refusal: Refusal | None
    email: str


def sso_person_find(*, organization_id: int, email: str | None) -> Outcome:
    """The roster person of *this* organization that an assertion of ``email`` by this
    organization's own identity provider stands for.

    Only for an address at a domain this organization has verified: an identity
    provider can assert any address, and one organization's provider must never vouch
    for another organization's people. Only this organization's rows are searched, so
    the answer is never a person of another organization. Nobody is created: someone
    not in the roster gets a page saying so."""
    clean = (email or "").strip().lower()
    if "@" not in clean:
        return Outcome(None, Refusal.NO_EMAIL, clean)
    if clean.rpartition("@")[2] not in verified_domains(organization_id=organization_id):
        return Outcome(None, Refusal.DOMAIN_NOT_VERIFIED, clean)
    person = (
        Person.objects.filter(organization_id=organization_id, email=clean)
        .select_related("organization", "user")
        .first()
    )
    if person is None:
        return Outcome(None, Refusal.UNKNOWN_PERSON, clean)
    if not person.active or (person.user is not None and not person.user.is_active):
        return Outcome(person, Refusal.INACTIVE, clean)
    return Outcome(person, None, clean)


def sso_required(*, organization_id: int) -> bool:
    """Whether this organization turned e-mail links and passwords off for its people."""
    return IdentityProvider.objects.filter(
        organization_id=organization_id, enabled=True, sso_required=True
    ).exists()


def sso_required_organizations(*, organization_ids: list[int]) -> set[int]:
    return set(
        IdentityProvider.objects.filter(
            organization_id__in=organization_ids, enabled=True, sso_required=True
        ).values_list("organization_id", flat=True)
    )


def password_scope(*, memberships: list[Person]) -> list[int]:
    """The organizations a password may sign a login in to: all its memberships except
    those that require single sign-on, where only admins keep the password (the
    documented break-glass for when the identity provider is down or misconfigured)."""
    required = sso_required_organizations(organization_ids=[p.organization_id for p in memberships])
    return [
        p.organization_id
        for p in memberships
        if p.organization_id not in required or p.role == Person.Role.ADMIN
    ]
