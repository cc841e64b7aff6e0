"""One content, three channels: what e-mail, Slack and Teams get says the same thing,
and the chat payloads are valid by the rules Slack and Microsoft publish."""

import json

import pytest

from crosspaths.notify.channels import slack, teams
from crosspaths.notify.channels.email import render as render_email
from crosspaths.notify.content import Action, Fact, MessageContent, message_content
from crosspaths.notify.models import Message

from .chat_schemas import adaptive_card_errors, block_kit_errors

KINDS = ["intro", "reminder", "checkin", "reschedule"]


def contents(kind):
    """The content of every message of ``kind`` to a person, and of the group intro."""
    rows = Message.objects.filter(kind="intro").select_related(
        "organization", "person__organization", "match__round__program"
    )
    out = []
    for row in rows:
        row.kind = kind
        out.append(message_content(row))
    if kind in ("intro", "reschedule"):
        group = rows[0]
        group.person, group.person_id, group.kind = None, None, kind
        group.channel, group.group_members = "slack", [m.person_id for m in rows]
        out.append(message_content(group))
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_as_a_valid_block_kit_message(published, kind):
    for content in contents(kind):
        payload = slack.render(content)
        assert block_kit_errors(payload) == [], json.dumps(payload, indent=1)
        assert payload["blocks"][0]["text"]["text"] == content.title


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_as_a_valid_adaptive_card(published, kind):
    for content in contents(kind):
        card = teams.render(content)
        assert adaptive_card_errors(card) == [], json.dumps(card, indent=1)
        assert card["lang"] == content.language


def test_the_check_in_links_are_the_same_in_the_email_slack_and_teams(published):
    chidi = Message.objects.select_related("person__organization").get(
        kind="checkin", person__email="chidi@acme.test"
    )
    content = message_content(chidi)
    met, missed = (a.url for a in content.actions)
    assert "/meet/c/" in met and met.endswith("/met/") and missed.endswith("/missed/")
    email = render_email(content, chidi)
    buttons = slack.render(content)["blocks"][-2]["elements"]
    card = teams.render(content)["actions"]
    assert [b["url"] for b in buttons] == [met, missed] == [a["url"] for a in card]
    assert [b["action_id"] for b in buttons] == ["met", "missed"]
    assert met in email.body and missed in email.alternatives[0][0]


def test_the_chat_intro_is_in_the_readers_language_with_reasons_slot_and_video(published):
    bob = Message.objects.select_related("person__organization").get(
        kind="intro", person__email="bob@acme.test"
    )
    content = message_content(bob)
    text = json.dumps(slack.render(content), ensure_ascii=False)
    assert "Virtual coffee: Sie treffen Chidi Okafor" in text
    assert "Sie arbeiten in verschiedenen Abteilungen: Engineering und People." in text
    assert "Mittwoch, 2. Dezember 2026, 10:00 (Europe/Berlin)" in text
    assert "https://meet.jit.si/crosspaths-0123456789abcdef0123456789abcdef" in text
    assert "Chidi Okafor organisiert dieses Treffen" in text


def test_a_group_intro_names_everybody_and_gives_the_slot_in_each_members_zone(published, cast):
    cast.bob.timezone = "America/New_York"
    cast.bob.save()
    (content,) = [c for c in contents("intro") if not c.first_name]
    assert content.title == "Virtual coffee: Chidi Okafor and Bob Brandt"
    assert content.greeting == "Hello Chidi and Bob,"
    slots = {f.label: f.value for f in content.facts if f.code == "slot"}
    assert slots == {
        "Chidi": "Wednesday, Dec. 2, 2026, 10 a.m. (Europe/Berlin)",
        "Bob": "Wednesday, Dec. 2, 2026, 4 a.m. (America/New_York)",
    }


def _big(title="x"):
    return MessageContent(
        kind="announcement",
        language="en",
        title=title * 400,
        greeting="Hello everybody,",
        paragraphs=tuple("A long paragraph. " * 300 for _ in range(80)),
        reasons_heading="Why:",
        reasons=tuple(f"reason {i}" for i in range(40)),
        facts=tuple(Fact("f", f"label {i}", "value " * 600) for i in range(23)),
        actions=tuple(
            Action(f"a{i}", "Press this rather long button " * 5, "https://x.test/a")
            for i in range(30)
        ),
        footer="Footer.",
    )


def test_a_message_over_slacks_limits_is_cut_to_fit_and_keeps_its_buttons_and_footer():
    payload = slack.render(_big())
    assert block_kit_errors(payload) == []
    assert len(payload["blocks"]) == 50
    assert [b["type"] for b in payload["blocks"][-2:]] == ["actions", "context"]


def test_a_message_without_a_match_renders_on_every_channel(cast):
    """Room for the kinds to come (announcements, left-out notices): no match needed,
    and e-mail lays out a kind without templates of its own from its content."""
    content = MessageContent(
        kind="announcement",
        language="de",
        title="Neu: Mittagessen in München",
        paragraphs=("Ab Januar gibt es eine Runde für München.",),
        actions=(Action("join", "Mitmachen", "https://crosspaths.test/join/", "primary"),),
    )
    assert block_kit_errors(slack.render(content)) == []
    assert adaptive_card_errors(teams.render(content)) == []
    row = Message(organization=cast.org, kind="announcement", person=cast.bob, dedupe_key="a:1")
    email = render_email(content, row)
    assert email.subject == "Neu: Mittagessen in München"
    assert "Ab Januar gibt es eine Runde für München." in email.body
    assert "Mitmachen: https://crosspaths.test/join/" in email.body
    assert 'href="https://crosspaths.test/join/"' in email.alternatives[0][0]


def test_names_cannot_mention_everyone_in_slack_or_add_links_in_teams():
    content = MessageContent(
        kind="intro",
        language="en",
        title="Coffee: you meet <!channel>",
        paragraphs=("you meet <!channel> and [click me](https://evil.test/)",),
    )
    payload = slack.render(content)
    mrkdwn = [payload["text"], payload["blocks"][1]["text"]["text"]]
    assert all("<!channel>" not in t and "&lt;!channel&gt;" in t for t in mrkdwn)
    assert payload["blocks"][0]["text"]["type"] == "plain_text"  # shown, never parsed
    card = json.dumps(teams.render(content))
    assert "[click me](https" not in card and r"\\[click me\\]" in card
