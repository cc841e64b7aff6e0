"""Creating an organization from scratch: the operator's command and the first-run page
of a fresh instance both call ``organization_create``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import LANGUAGE_CHOICES, FirstRun, Organization, Person, validate_timezone


def organization_create(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_name: str = "",
    timezone: str = "Europe/Berlin",
    language: str = "en",
    first_run: bool = False,
) -> Person:
    """Create an organization and its first admin (a roster person without a login yet:
    they sign in with the link the caller sends) in one transaction, and return the
    admin. ``first_run`` also claims the instance's one first-run slot, a row with a
    fixed key, so two visitors of a fresh instance's set-up page cannot both create one.
    Every problem is a ``ValidationError`` keyed by the field it concerns."""
    email = admin_email.strip().lower()
    _check(name=name.strip(), slug=slug, email=email, timezone=timezone, language=language)
    try:
        with transaction.atomic():
            if first_run:
                if Organization.objects.exists():
                    raise ValidationError(_("This instance is already set up."))
                FirstRun.objects.create(pk=1)
            org = Organization.objects.create(
                name=name.strip(), slug=slug, timezone=timezone, language=language
            )
            return Person.objects.create(
                organization=org,
                email=email,
                name=admin_name.strip(),
                role=Person.Role.ADMIN,
                language=language,
            )
    except IntegrityError as error:
        if first_run and FirstRun.objects.exists():
            raise ValidationError(_("This instance is already set up.")) from error
        raise ValidationError(
            {"slug": _("An organization with the slug '%(slug)s' exists already.") % {"slug": slug}}
        ) from error


def _check(*, name: str, slug: str, email: str, timezone: str, language: str) -> None:
    problems: dict[str, str] = {}
    if not name or len(name) > Organization._meta.get_field("name").max_length:  # type: ignore[operator]  # the name column has a max_length
        problems["name"] = _("Give the organization a name of at most 200 characters.")
    try:
        validate_slug(slug)
        if len(slug) > 64:
            raise ValidationError("too long")
    except ValidationError:
        problems["slug"] = _(
            "Use at most 64 lower-case letters, digits, hyphens or underscores for the slug."
        )
    else:
        if Organization.objects.filter(slug=slug).exists():
            problems["slug"] = _("An organization with the slug '%(slug)s' exists already.") % {
                "slug": slug
            }
    try:
        validate_email(email)
    except ValidationError:
        problems["admin_email"] = _("'%(email)s' is not an e-mail address.") % {"email": email}
    try:
        validate_timezone(timezone)
    except ValidationError as error:
        problems["timezone"] = " ".join(error.messages)
    if language not in dict(LANGUAGE_CHOICES):
        problems["language"] = _("Choose English (en) or German (de).")
    if problems:
        raise ValidationError(problems)
