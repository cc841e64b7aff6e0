"""What Slack and Teams accept, as JSON schemas we can check offline.

Block Kit: Slack publishes no JSON schema, so this one is written from the Block Kit
reference (api.slack.com/reference/block-kit): the block types we use, at most 50
blocks, header text 150 characters, section text 3,000, at most 10 fields of 2,000,
buttons with a 75-character label, a 255-character action_id and a 3,000-character
URL, style only "primary" or "danger", at most 25 elements in an actions block and
10 in a context block. Unknown keys are refused, as Slack refuses them
("invalid_blocks").

Adaptive Card: the parts of Microsoft's published schema
(adaptivecards.io/schemas/adaptive-card.json) that our cards use: ``type`` and
``version`` required, the element and action types, the required fields of each,
the enumerations we set.
"""

from __future__ import annotations

from typing import Any

import jsonschema


def _text(max_length: int, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", "text"],
        "additionalProperties": False,
        "properties": {
            "type": {"enum": list(kinds)},
            "text": {"type": "string", "minLength": 1, "maxLength": max_length},
            "emoji": {"type": "boolean"},
            "verbatim": {"type": "boolean"},
        },
    }


_BUTTON = {
    "type": "object",
    "required": ["type", "text"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "button"},
        "text": _text(75, ("plain_text",)),
        "action_id": {"type": "string", "maxLength": 255},
        "url": {"type": "string", "maxLength": 3000, "pattern": "^https?://"},
        "value": {"type": "string", "maxLength": 2000},
        "style": {"enum": ["primary", "danger"]},
    },
}

_BLOCK_ID = {"type": "string", "maxLength": 255}

BLOCK_KIT_MESSAGE: dict[str, Any] = {
    "type": "object",
    "required": ["text", "blocks"],
    "additionalProperties": False,
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": 40_000},
        "blocks": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["type", "text"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"const": "header"},
                            "text": _text(150, ("plain_text",)),
                            "block_id": _BLOCK_ID,
                        },
                    },
                    {
                        "type": "object",
                        "required": ["type"],
                        "anyOf": [{"required": ["text"]}, {"required": ["fields"]}],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"const": "section"},
                            "text": _text(3000),
                            "fields": {
                                "type": "array",
                                "minItems": 1,
                                "maxItems": 10,
                                "items": _text(2000),
                            },
                            "block_id": _BLOCK_ID,
                        },
                    },
                    {
                        "type": "object",
                        "required": ["type", "elements"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"const": "actions"},
                            "elements": {
                                "type": "array",
                                "minItems": 1,
                                "maxItems": 25,
                                "items": _BUTTON,
                            },
                            "block_id": _BLOCK_ID,
                        },
                    },
                    {
                        "type": "object",
                        "required": ["type", "elements"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"const": "context"},
                            "elements": {
                                "type": "array",
                                "minItems": 1,
                                "maxItems": 10,
                                "items": _text(3000),
                            },
                            "block_id": _BLOCK_ID,
                        },
                    },
                    {
                        "type": "object",
                        "required": ["type"],
                        "additionalProperties": False,
                        "properties": {"type": {"const": "divider"}, "block_id": _BLOCK_ID},
                    },
                ]
            },
        },
    },
}

_ELEMENT_REF = {"$ref": "#/$defs/element"}

ADAPTIVE_CARD: dict[str, Any] = {
    "type": "object",
    "required": ["type", "version"],
    "properties": {
        "type": {"const": "AdaptiveCard"},
        "$schema": {"type": "string"},
        "version": {"type": "string", "pattern": r"^1\.[0-6]$"},
        "lang": {"type": "string", "pattern": "^[a-z]{2}(-[A-Za-z]{2})?$"},
        "body": {"type": "array", "items": _ELEMENT_REF},
        "actions": {"type": "array", "items": {"$ref": "#/$defs/action"}},
    },
    "additionalProperties": False,
    "$defs": {
        "element": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["type", "text"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"const": "TextBlock"},
                        "text": {"type": "string"},
                        "wrap": {"type": "boolean"},
                        "size": {"enum": ["Default", "Small", "Medium", "Large", "ExtraLarge"]},
                        "weight": {"enum": ["Default", "Lighter", "Bolder"]},
                        "style": {"enum": ["default", "heading"]},
                        "isSubtle": {"type": "boolean"},
                        "separator": {"type": "boolean"},
                        "id": {"type": "string"},
                    },
                },
                {
                    "type": "object",
                    "required": ["type", "facts"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"const": "FactSet"},
                        "facts": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["title", "value"],
                                "additionalProperties": False,
                                "properties": {
                                    "title": {"type": "string"},
                                    "value": {"type": "string"},
                                },
                            },
                        },
                        "separator": {"type": "boolean"},
                    },
                },
                {
                    "type": "object",
                    "required": ["type", "items"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"const": "Container"},
                        "items": {"type": "array", "items": _ELEMENT_REF},
                        "separator": {"type": "boolean"},
                    },
                },
            ]
        },
        "action": {
            "type": "object",
            "required": ["type", "title"],
            "additionalProperties": False,
            "properties": {
                "type": {
                    "enum": [
                        "Action.OpenUrl",
                        "Action.Submit",
                        "Action.Execute",
                        "Action.ShowCard",
                        "Action.ToggleVisibility",
                    ]
                },
                "title": {"type": "string", "minLength": 1},
                "url": {"type": "string", "pattern": "^https?://"},
                "id": {"type": "string"},
                "style": {"enum": ["default", "positive", "destructive"]},
            },
            "if": {"properties": {"type": {"const": "Action.OpenUrl"}}},
            "then": {"required": ["url"]},
        },
    },
}


def block_kit_errors(message: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(BLOCK_KIT_MESSAGE)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(message)]


def adaptive_card_errors(card: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(ADAPTIVE_CARD)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(card)]
