"""Writing to the bot in the one-to-one chat: "pause until ...", "resume", "status" (and
German) do what Slack's /crosspaths does, through the same parser and services; the
answer is a reply in the chat, in the person's language; only signed activities count
and a tenant only ever reaches its own organization."""

from __future__ import annotations

from datetime import date

import pytest

from crosspaths.programs.models import Enrollment, Program

from .conftest import ACME, GLOBEX, teams_post


@pytest.fixture
def enrolled(tenants, trio, cast):
    Enrollment.objects.create(organization=cast.org, program=trio.round.program, person=cast.chidi)
    Enrollment.objects.create(organization=cast.org, program=trio.round.program, person=cast.bob)
    globex = Program.objects.create(organization=cast.other_org, name="Globex coffee")
    Enrollment.objects.create(organization=cast.other_org, program=globex, person=cast.dana)
    return tenants


def write(client, fake, tenant, user, text, **post):
    """Send ``text`` to the bot; the bot's reply in that chat."""
    before = len(fake.posted)
    activity = fake.activity("message", tenant, user, text=text)
    response = teams_post(client, fake, activity, **post)
    if response.status_code != 200:
        return response.status_code
    replies = [p.activity for p in fake.posted[before:]]
    assert all(r.get("replyToId") == activity["id"] for r in replies)
    return replies[0]["text"] if replies else None


def test_pause_status_and_resume_as_on_slack(client, fake, enrolled, cast):
    chidi = enrolled.chidi
    assert "Paused until" in write(client, fake, ACME, chidi, "pause until 2026-12-24")
    assert Enrollment.objects.get(person=cast.chidi).paused_until == date(2026, 12, 24)
    status = write(client, fake, ACME, chidi, "status")
    assert "Virtual coffee" in status and "Paused until" in status
    assert "Bob Brandt" in status and "Alice Adler" in status
    assert "Welcome back" in write(client, fake, ACME, chidi, "resume")
    assert Enrollment.objects.get(person=cast.chidi).paused_until is None


def test_german_words_and_answers_and_mistakes_explained(client, fake, enrolled, cast):
    cast.bob.language = "de"
    cast.bob.save()
    bob = enrolled.bob
    answer = write(client, fake, ACME, bob, "<at>Crosspaths</at> Pause bis 2026-12-24")
    assert answer.startswith("Pausiert bis")
    assert Enrollment.objects.get(person=cast.bob).paused_until == date(2026, 12, 24)
    assert "JJJJ-MM-TT" in write(client, fake, ACME, bob, "pause bis Weihnachten")
    assert "Willkommen zurück" in write(client, fake, ACME, bob, "weiter")
    assert Enrollment.objects.get(person=cast.bob).paused_until is None
    assert "`status`" in write(client, fake, ACME, bob, "hallo")  # the help, no slash
    assert "heute oder ein späteres Datum" in write(client, fake, ACME, bob, "pause 2020-01-01")


def test_an_unsigned_or_forged_message_changes_nothing(client, fake, enrolled, cast):
    chidi = enrolled.chidi
    assert write(client, fake, ACME, chidi, "pause until 2026-12-24", token="") == 401
    forged = fake.activity_token(audience="someone-else")
    assert write(client, fake, ACME, chidi, "pause until 2026-12-24", token=forged) == 401
    assert not Enrollment.objects.filter(paused_until__isnull=False).exists()


def test_a_tenant_never_pauses_anyone_of_another_organization(client, fake, enrolled, cast):
    intruder = fake.add_user(GLOBEX, "chidi@acme.test")  # Acme's address, Globex's tenant
    answer = write(client, fake, GLOBEX, intruder, "pause until 2026-12-24")
    assert "not linked" in answer
    write(client, fake, GLOBEX, enrolled.dana, "pause until 2026-12-24")
    paused = Enrollment.objects.filter(paused_until__isnull=False)
    assert list(paused.values_list("person__email", flat=True)) == [cast.dana.email]


def test_a_message_in_a_group_chat_is_not_a_command(client, fake, enrolled, cast):
    activity = fake.activity("message", ACME, enrolled.chidi, text="pause until 2026-12-24")
    activity["conversation"]["conversationType"] = "groupChat"
    before = len(fake.posted)
    assert teams_post(client, fake, activity).status_code == 200
    assert len(fake.posted) == before
    assert not Enrollment.objects.filter(paused_until__isnull=False).exists()
