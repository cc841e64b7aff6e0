"""The operator's confirmation that an e-mail domain belongs to an organization.

    manage.py sso_domain_verify --org acme --domain acme.com
    manage.py sso_domain_verify --org acme --domain acme.com --revoke

Before confirming, check the TXT record the console shows the organization's admin
(``crosspaths-verification=...``), e.g. ``dig +short TXT acme.com``, or confirm by other
means you trust. A domain is verified for one organization at most."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths.people.models import Organization
from crosspaths.sso.models import EmailDomain
from crosspaths.sso.services import domain_clean, email_domain_verify


class Command(BaseCommand):
    help = (
        "Verify (or with --revoke, un-verify) an organization's e-mail domain for single sign-on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("--domain", required=True, help="the e-mail domain, e.g. acme.com")
        parser.add_argument("--revoke", action="store_true", help="take the verification back")

    def handle(self, *args: Any, org: str, domain: str, revoke: bool, **options: Any) -> None:
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"--org: there is no organization with the slug {org!r}")
        try:
            clean = domain_clean(domain)
            if revoke:
                EmailDomain.objects.filter(organization=organization, domain=clean).update(
                    verified_at=None
                )
                self.stdout.write(f"{clean} is no longer verified for {organization.slug}")
                return
            row = email_domain_verify(organization=organization, domain=clean)
        except ValidationError as exc:
            raise CommandError(f"--domain: {' '.join(exc.messages)}") from exc
        self.stdout.write(
            f"{row.domain} is verified for {organization.slug}; TXT record: {row.dns_record}"
        )
