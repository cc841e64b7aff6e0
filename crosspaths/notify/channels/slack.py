"""The Slack channel: a ``MessageContent`` as a Block Kit message.

``render`` returns the body of a ``chat.postMessage`` call without the channel: a
``text`` (Slack shows it in notifications and where blocks cannot be shown) and the
``blocks``. It keeps to the limits Slack documents for Block Kit: at most 50 blocks,
a header of 150 characters, a section's text of 3,000 and at most 10 fields of 2,000
each, button labels of 75 characters and URLs of 3,000; text in ``mrkdwn`` (and the
notification ``text``) has ``&``, ``<`` and ``>`` escaped as Slack asks, so a name can
never become a mention or a link; ``plain_text`` is shown as it is. Longer text is cut with an ellipsis rather than
refused by Slack. The transport (HTTP to Slack) comes with the Slack app.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from ..content import Action, Fact, MessageContent

MAX_BLOCKS = 50
MAX_HEADER = 150
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_BUTTON_TEXT = 75
MAX_URL = 3000
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_FALLBACK_TEXT = 40_000

STYLES = {"primary": "primary", "danger": "danger"}


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Slack's mrkdwn reserves &, < and > (links and mentions); everything else is text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION_TEXT)}}


def _field(fact: Fact) -> dict[str, str]:
    value = f"<{fact.url}|{escape(fact.value)}>" if fact.url else escape(fact.value)
    return {"type": "mrkdwn", "text": cut(f"*{escape(fact.label)}*\n{value}", MAX_FIELD_TEXT)}


def _button(action: Action) -> dict[str, Any]:
    """A link button, or one that calls back with the action's answer (``chat_answers``)."""
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action.code,
        "text": {"type": "plain_text", "text": cut(action.label, MAX_BUTTON_TEXT)},
    }
    if action.answer:
        button["value"] = action.answer[:MAX_BUTTON_VALUE]
    else:
        button["url"] = action.url[:MAX_URL]
    if action.style in STYLES:
        button["style"] = STYLES[action.style]
    return button


def _fallback(content: MessageContent) -> str:
    """The notification text; Slack reads it as mrkdwn, so it is escaped too."""
    return cut(escape("\n\n".join([content.title, *content.paragraphs])), MAX_FALLBACK_TEXT)


def render(content: MessageContent) -> dict[str, Any]:
    """Header, greeting and paragraphs, the reasons as a list, the facts as fields,
    the actions as buttons (links, or call-backs for answers), the footer as context."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": cut(content.title, MAX_HEADER)}}
    ]
    paragraphs = [escape(p) for p in content.paragraphs]
    if content.greeting and paragraphs:
        paragraphs[0] = f"{escape(content.greeting)}\n{paragraphs[0]}"
    if content.reasons:
        reasons = "\n".join(f"• {escape(r)}" for r in content.reasons)
        paragraphs.insert(1, f"*{escape(content.reasons_heading)}*\n{reasons}")
    blocks.extend(_section(p) for p in paragraphs)
    facts = [_field(f) for f in content.facts]
    for start in range(0, len(facts), MAX_FIELDS):
        blocks.append({"type": "section", "fields": facts[start : start + MAX_FIELDS]})
    tail: list[dict[str, Any]] = []
    if content.actions:
        tail.append(
            {
                "type": "actions",
                "elements": [_button(a) for a in content.actions[:MAX_ACTION_ELEMENTS]],
            }
        )
    if content.footer:
        tail.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(content.footer)}]}
        )
    # Never more than Slack takes: the actions and footer survive, middle text goes.
    blocks = blocks[: MAX_BLOCKS - len(tail)] + tail
    return {"text": _fallback(content), "blocks": blocks}


# Buttons that call back into the Slack app (not links): the group's introduction
# carries them, and a click records the clicking member's check-in. "Propose another
# time" is a menu of free times (the organizer picks one: the meeting moves) or, with
# none, a link to the match page; the same four actions as the Teams card.
CHECKIN_ACTIONS = ("checkin_met", "checkin_missed", "checkin_skip")
PROPOSE_ACTION = "propose"
MAX_OPTION_TEXT = 75


def checkin_buttons(
    match_id: int, *, slots: Sequence[tuple[str, str]] = (), match_url: str = ""
) -> dict[str, Any]:
    """ "We met", "It did not happen", "Propose another time" and "Skip this round" for
    a group conversation, in the active language. A button's value is only the match's
    id (a time's value adds the ISO start): who clicked is told by Slack (a signed
    request), and the app checks that they are in that match."""
    elements = [
        _checkin_button("checkin_met", _("We met"), match_id, "primary"),
        _checkin_button("checkin_missed", _("It did not happen"), match_id),
    ]
    if slots:
        elements.append(
            {
                "type": "static_select",
                "action_id": PROPOSE_ACTION,
                "placeholder": {
                    "type": "plain_text",
                    "text": cut(_("Propose another time"), MAX_OPTION_TEXT),
                },
                "options": [
                    {
                        "text": {"type": "plain_text", "text": cut(label, MAX_OPTION_TEXT)},
                        "value": f"{match_id} {start}",
                    }
                    for start, label in slots[:100]
                ],
            }
        )
    elif match_url:
        elements.append(
            {
                "type": "button",
                "action_id": "propose_open",
                "text": {"type": "plain_text", "text": cut(_("Propose another time"), 75)},
                "url": cut(match_url, MAX_URL),
            }
        )
    elements.append(_checkin_button("checkin_skip", _("Skip this round"), match_id))
    return {"type": "actions", "block_id": "crosspaths_checkin", "elements": elements}


def _checkin_button(action_id: str, label: str, match_id: int, style: str = "") -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": cut(label, MAX_BUTTON_TEXT)},
        "value": str(match_id),
    }
    if style:
        button["style"] = style
    return button


def with_checkin_buttons(
    payload: dict[str, Any],
    match_id: int,
    *,
    slots: Sequence[tuple[str, str]] = (),
    match_url: str = "",
) -> dict[str, Any]:
    """The rendered message with the check-in buttons after its own actions (the
    footer stays last), still within Slack's 50 blocks."""
    blocks = list(payload["blocks"])
    at = len(blocks) - 1 if blocks and blocks[-1]["type"] == "context" else len(blocks)
    blocks.insert(at, checkin_buttons(match_id, slots=slots, match_url=match_url))
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[: at - (len(blocks) - MAX_BLOCKS)] + blocks[at:]
    return {**payload, "blocks": blocks}
