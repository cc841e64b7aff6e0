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
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action.code,
        "text": {"type": "plain_text", "text": cut(action.label, MAX_BUTTON_TEXT)},
        "url": action.url[:MAX_URL],
    }
    if action.style in STYLES:
        button["style"] = STYLES[action.style]
    return button


def _fallback(content: MessageContent) -> str:
    """The notification text; Slack reads it as mrkdwn, so it is escaped too."""
    return cut(escape("\n\n".join([content.title, *content.paragraphs])), MAX_FALLBACK_TEXT)


def render(content: MessageContent) -> dict[str, Any]:
    """Header, greeting and paragraphs, the reasons as a list, the facts as fields,
    the actions as buttons (links), the footer as context."""
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
# carries them, and a click records the clicking member's check-in.
CHECKIN_ACTIONS = ("checkin_met", "checkin_missed", "checkin_skip")


def checkin_buttons(match_id: int) -> dict[str, Any]:
    """ "We met", "It did not happen" and "Skip this round" for a group conversation,
    in the active language. The value is only the match's id: who clicked is told by
    Slack (a signed request), and the app checks that they are in that match."""
    labels = (_("We met"), _("It did not happen"), _("Skip this round"))
    styles = ("primary", "", "")
    elements = []
    for action_id, label, style in zip(CHECKIN_ACTIONS, labels, styles, strict=True):
        button: dict[str, Any] = {
            "type": "button",
            "action_id": action_id,
            "text": {"type": "plain_text", "text": cut(label, MAX_BUTTON_TEXT)},
            "value": str(match_id),
        }
        if style:
            button["style"] = style
        elements.append(button)
    return {"type": "actions", "block_id": "crosspaths_checkin", "elements": elements}


def with_checkin_buttons(payload: dict[str, Any], match_id: int) -> dict[str, Any]:
    """The rendered message with the check-in buttons after its own actions (the
    footer stays last), still within Slack's 50 blocks."""
    blocks = list(payload["blocks"])
    at = len(blocks) - 1 if blocks and blocks[-1]["type"] == "context" else len(blocks)
    blocks.insert(at, checkin_buttons(match_id))
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[: at - (len(blocks) - MAX_BLOCKS)] + blocks[at:]
    return {**payload, "blocks": blocks}
