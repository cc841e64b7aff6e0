"""``manage.py invite_people``."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ..cast import make_person


def test_it_invites_everyone_not_yet_invited_once(cast, mailbox):
    make_person(cast.org, "erin@acme.test", "Erin", login=False)
    make_person(cast.org, "finn@acme.test", "Finn", login=False, active=False)
    out = StringIO()
    call_command("invite_people", "--org", "acme", stdout=out)
    assert "1 invitation(s) sent" in out.getvalue()
    assert [m["To"] for m in mailbox.wait_for(1)] == ["erin@acme.test"]
    call_command("invite_people", "--org", "acme", stdout=StringIO())
    assert len(mailbox.messages) == 1  # the second run has nobody left to invite


def test_named_people_are_invited_even_again(cast, mailbox):
    call_command("invite_people", "--org", "acme", "BOB@acme.test", stdout=StringIO())
    assert mailbox.wait_for(1)[0]["To"] == "bob@acme.test"


def test_unknown_addresses_and_organizations_are_errors(cast):
    with pytest.raises(CommandError, match=r"dana@globex\.test"):
        call_command("invite_people", "--org", "acme", "dana@globex.test")
    with pytest.raises(CommandError, match="No organization"):
        call_command("invite_people", "--org", "nope")
