"""A program announcement on Teams: a valid card in the person's chat when they have
the app, e-mail for the others."""

from __future__ import annotations

from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.programs.models import Program
from tests.slack.test_announcements import announce

from .fake_teams import card_errors


def test_an_announcement_is_a_card_for_people_with_the_app(tenants, fake, cast):
    program = Program.objects.create(organization=cast.org, name="Munich lunch", format="lunch")
    announce(program, [cast.alice, cast.bob])
    rows = Message.objects.filter(kind="announcement")
    assert dict(rows.values_list("person__email", "channel")) == {
        cast.alice.email: "email",
        cast.bob.email: "teams",
    }
    assert messages_deliver(message_ids=[rows.get(channel="teams").pk]).sent == 1
    (posted,) = fake.cards()
    assert posted.user_id == tenants.bob["id"] and card_errors(posted.card) == []
    assert posted.card["body"][0]["text"] == "You are now part of Munich lunch"
