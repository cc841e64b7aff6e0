"""The Microsoft Teams channel: a ``MessageContent`` as an Adaptive Card.

``render`` returns the card (``application/vnd.microsoft.card.adaptive`` content) in
schema version 1.5, the newest Teams shows on desktop and web: the title and
paragraphs as wrapping ``TextBlock``s, the reasons as a bulleted ``TextBlock``, the
facts as a ``FactSet``, the actions as ``Action.OpenUrl`` buttons (``Action.Execute``
for an action answered in the chat, ``notify.chat_answers``). Teams' TextBlock
reads a little CommonMark (bold, italic, lists, links), so the characters that start
emphasis or a link are backslash-escaped in text that comes from people (names,
reasons); URLs are left as they are.
The transport (the Bot Connector) comes with the Teams app.

``with_checkin_actions`` adds the buttons that call back into the Teams app
(``Action.Execute``, Teams' universal actions: the click arrives as an
``adaptiveCard/action`` invoke naming the verb and the match): "We met", "It did not
happen", "Propose another time" (a few free times to pick from, for the organizer) and
"Skip this round".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from ..content import Action, MessageContent

VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
STYLES = {"primary": "positive", "danger": "destructive"}
_MARKDOWN = re.compile(r"([\\*_\[\]])")


def escape(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": escape(text), "wrap": True, **style}


def render(content: MessageContent) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        _text(content.title, size="Medium", weight="Bolder", style="heading")
    ]
    if content.greeting:
        body.append(_text(content.greeting))
    paragraphs = [_text(p) for p in content.paragraphs]
    if content.reasons:
        reasons = "\n".join(f"- {escape(r)}" for r in content.reasons)
        paragraphs.insert(
            1,
            {
                "type": "Container",
                "items": [
                    _text(content.reasons_heading, weight="Bolder"),
                    {"type": "TextBlock", "text": reasons, "wrap": True},
                ],
            },
        )
    body.extend(paragraphs)
    if content.facts:
        body.append(
            {
                "type": "FactSet",
                "facts": [
                    {"title": f.label, "value": f.value if f.url else escape(f.value)}
                    for f in content.facts
                ],
            }
        )
    if content.footer:
        body.append(_text(content.footer, size="Small", isSubtle=True, separator=True))
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "lang": content.language,
        "body": body,
    }
    if content.actions:
        card["actions"] = [_action(a) for a in content.actions]
    return card


def _action(action: Action) -> dict[str, Any]:
    """A link, or for an action with an answer a button that calls back into the Teams
    app (``Action.Execute``; its data carry the answer, ``notify.chat_answers``)."""
    button: dict[str, Any]
    if action.answer:
        button = {
            "type": "Action.Execute",
            "verb": action.code,
            "title": action.label,
            "id": action.code,
            "data": {"crosspaths": action.code, "answer": action.answer},
        }
    else:
        button = {"type": "Action.OpenUrl", "title": action.label, "url": action.url}
        button["id"] = action.code
    if action.style in STYLES:
        button["style"] = STYLES[action.style]
    return button


# Verbs of the buttons that call back into the Teams app (crosspaths/teams/inbound.py).
CHECKIN_VERBS = ("checkin_met", "checkin_missed", "checkin_skip")
PROPOSE_VERB = "propose"


def _execute(verb: str, title: str, match_id: int, style: str = "") -> dict[str, Any]:
    action: dict[str, Any] = {
        "type": "Action.Execute",
        "verb": verb,
        "title": title,
        "id": verb,
        "data": {"crosspaths": verb, "match": match_id},
    }
    if style:
        action["style"] = style
    return action


def checkin_actions(
    match_id: int, *, slots: Sequence[tuple[str, str]] = (), match_url: str = ""
) -> dict[str, Any]:
    """The check-in buttons as an ``ActionSet``, in the active language. ``slots`` are
    (ISO start, label) pairs the organizer may move the meeting to; without any,
    "Propose another time" opens the match's page, where times can be typed."""
    propose: dict[str, Any]
    if slots:
        propose = {
            "type": "Action.ShowCard",
            "title": _("Propose another time"),
            "id": "propose_show",
            "card": {
                "type": "AdaptiveCard",
                "body": [
                    {
                        "type": "Input.ChoiceSet",
                        "id": "start",
                        "label": _("Only the group's organizer can move the time. New time:"),
                        "isRequired": True,
                        "errorMessage": _("Choose a time."),
                        "value": slots[0][0],
                        "choices": [{"title": label, "value": start} for start, label in slots],
                    }
                ],
                "actions": [_execute(PROPOSE_VERB, _("Move the meeting"), match_id, "positive")],
            },
        }
    elif match_url:
        propose = {
            "type": "Action.OpenUrl",
            "title": _("Propose another time"),
            "id": "propose_open",
            "url": match_url,
        }
    else:
        propose = {}
    actions = [
        _execute("checkin_met", _("We met"), match_id, "positive"),
        _execute("checkin_missed", _("It did not happen"), match_id),
        *([propose] if propose else []),
        _execute("checkin_skip", _("Skip this round"), match_id),
    ]
    return {"type": "ActionSet", "id": "crosspaths_checkin", "actions": actions}


def with_checkin_actions(card: dict[str, Any], actions: dict[str, Any]) -> dict[str, Any]:
    """The card with the check-in buttons after its text (the footer stays last)."""
    body = list(card["body"])
    at = len(body) - 1 if body and body[-1].get("isSubtle") else len(body)
    body.insert(at, actions)
    return {**card, "body": body}
