"""The Microsoft Teams channel: a ``MessageContent`` as an Adaptive Card.

``render`` returns the card (``application/vnd.microsoft.card.adaptive`` content) in
schema version 1.5, the newest Teams shows on desktop and web: the title and
paragraphs as wrapping ``TextBlock``s, the reasons as a bulleted ``TextBlock``, the
facts as a ``FactSet``, the actions as ``Action.OpenUrl`` buttons. Teams' TextBlock
reads a little CommonMark (bold, italic, lists, links), so the characters that start
emphasis or a link are backslash-escaped in text that comes from people (names,
reasons); URLs are left as they are.
The transport (the Bot Connector) comes with the Teams app.
"""

from __future__ import annotations

import re
from typing import Any

from ..content import MessageContent

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
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": a.label, "url": a.url, "id": a.code}
            | ({"style": STYLES[a.style]} if a.style in STYLES else {})
            for a in content.actions
        ]
    return card
