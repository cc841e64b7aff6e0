"""One wording of a match (issue 18): the match page, the e-mail and the Slack and
Teams messages take their reasons, conversation starter and the time for the others
from ``programs.wording``, so they say the same sentences in the reader's language."""

import json

import pytest
from django.utils import timezone
from django.utils.html import escape

from crosspaths.notify.channels import slack, teams
from crosspaths.notify.content import message_content
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.people.models import Person
from tests.cast import PASSWORD

from .conftest import ids
from .test_emails import parts

EXPECTED = {
    # reader: (reasons, the slot for the other member)
    "chidi@acme.test": (
        [
            "You work in different departments: Engineering and People.",
            "Something to talk about: chess.",
        ],
        "That is 4 a.m. for Bob Brandt (America/New_York).",
    ),
    "bob@acme.test": (
        [
            "Sie arbeiten in verschiedenen Abteilungen: Engineering und People.",
            "Gesprächsstoff: chess.",
        ],
        "Das ist 10:00 Uhr für Chidi Okafor (Europe/Berlin).",
    ),
}


@pytest.mark.parametrize("email", EXPECTED)  # Chidi reads English, Bob German
def test_the_page_the_email_and_the_chat_messages_word_the_match_alike(
    published, mailbox, client, cast, email
):
    cast.bob.timezone = "America/New_York"
    cast.bob.save()
    Person.objects.filter(organization=cast.org).update(onboarded_at=timezone.now())
    reader = Person.objects.get(email=email)
    messages_deliver(message_ids=ids("intro"))
    text, html = parts(mailbox.to(email)[0])
    assert client.login(username=email, password=PASSWORD)
    page = client.get(f"/matches/{published.pk}/").content.decode()
    content = message_content(Message.objects.get(kind="intro", person=reader))
    reasons, other_time = EXPECTED[email]
    assert list(content.reasons) == reasons
    assert content.match is not None
    for sentence in [*reasons, content.match.starter, other_time]:
        assert escape(sentence) in page and escape(sentence) in html
        assert sentence in text
    for channel in (slack, teams):
        chat = json.dumps(channel.render(content), ensure_ascii=False)
        for sentence in [*reasons, other_time]:  # as the channel escapes its markup
            assert json.dumps(channel.escape(sentence), ensure_ascii=False)[1:-1] in chat
