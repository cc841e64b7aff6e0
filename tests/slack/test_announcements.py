"""A program announcement (HR enrolled you) goes out on the person's chat when they
have one, else by e-mail, once per program and person whatever the channel."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver, outbox_write_announcements
from crosspaths.programs.models import Enrollment, Program

from .fake_slack import blocks_error


def announce(program, people):
    with transaction.atomic():
        for person in people:
            Enrollment.objects.get_or_create(
                organization=program.organization, program=program, person=person
            )
        return outbox_write_announcements(
            program_id=program.pk,
            organization_id=program.organization_id,
            person_ids=[p.pk for p in people],
            now=timezone.now(),
        )


def test_an_announcement_goes_to_slack_when_the_person_is_there_else_by_email(
    workspaces, fake, cast
):
    program = Program.objects.create(organization=cast.org, name="Munich lunch", format="lunch")
    announce(program, [cast.alice, cast.bob, cast.chidi])
    rows = Message.objects.filter(kind="announcement")
    by_person = dict(rows.values_list("person__email", "channel"))
    assert by_person == {
        cast.alice.email: "email",  # Alice has no Slack account
        cast.bob.email: "slack",
        cast.chidi.email: "slack",
    }
    slack_rows = [m.pk for m in rows.filter(channel="slack")]
    assert messages_deliver(message_ids=slack_rows).sent == 2
    posted = fake.messages()
    assert len(posted) == 2 and all(blocks_error(p.body) == "" for p in posted)
    assert all(p.channel.startswith("D") for p in posted)  # direct messages
    assert all("You are now part of Munich lunch" in p.body["text"] for p in posted)
    assert all("a message here" in str(p.body["blocks"]) for p in posted)

    announce(program, [cast.bob])  # enrolled again: never announced twice
    assert Message.objects.filter(kind="announcement").count() == 3


def test_another_organizations_workspace_gets_nothing_of_this_announcement(workspaces, fake, cast):
    program = Program.objects.create(organization=cast.org, name="Munich lunch", format="lunch")
    announce(program, [cast.bob])
    messages_deliver(message_ids=list(Message.objects.values_list("pk", flat=True)))
    assert {p.team for p in fake.messages()} == {"T0ACME"}
