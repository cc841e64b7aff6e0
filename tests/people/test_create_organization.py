"""``manage.py create_organization``: a real organization from scratch."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crosspaths.people.models import Organization, Person


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_organization", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_creates_the_organization_and_its_admin_and_mails_a_link(mailoutbox):
    out = run("--name", "Initech", "--slug", "initech", "--admin-email", "Peter@Initech.test")
    org = Organization.objects.get(slug="initech")
    admin = Person.objects.get(organization=org)
    assert (admin.email, admin.role, admin.user) == ("peter@initech.test", "admin", None)
    assert "Invitation sent to peter@initech.test" in out
    (mail,) = mailoutbox
    assert mail.to == ["peter@initech.test"] and "/login/link/" in mail.body


def test_a_taken_slug_is_refused_naming_the_option(cast, mailoutbox):
    with pytest.raises(CommandError, match="--slug: An organization with the slug 'acme'"):
        run("--name", "Acme 2", "--slug", "acme", "--admin-email", "x@acme.test")
    assert Organization.objects.count() == 2 and mailoutbox == []


@pytest.mark.django_db
def test_every_bad_value_is_named_and_nothing_is_written():
    with pytest.raises(CommandError) as error:
        run("--name", "", "--slug", "Bad Slug", "--admin-email", "nope", "--timezone", "Mars/X")
    message = str(error.value)
    for option in ("--name", "--slug", "--admin-email", "--timezone"):
        assert option in message
    assert not Organization.objects.exists() and not Person.objects.exists()
