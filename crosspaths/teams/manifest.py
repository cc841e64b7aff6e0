"""The Teams app package: ``manifest.json`` and the two icons, zipped.

Per the Microsoft Teams app manifest schema (v1.17): the app's own ``id`` (a GUID,
stable per organization and bot), ``version``, ``developer`` (name and https URLs),
``name`` (short at most 30 characters, full at most 100), ``description`` (short at
most 80, full at most 4,000), ``icons`` (``color`` 192x192 PNG, ``outline`` 32x32 PNG
white on transparent), ``accentColor``, one ``bots`` entry for our bot in the
``personal`` scope (Teams' proactive messages reach people in one-to-one chats), and
``validDomains`` with the site's host. ``webApplicationInfo`` names the bot's app id
so admin consent in the tenant covers it.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from PIL import Image, ImageDraw

from crosspaths.people.models import Organization

MANIFEST_VERSION = "1.17"
SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
ACCENT = "#2F5D62"
APP_VERSION = "1.0.0"


def app_id_for(organization: Organization) -> str:
    """The Teams app's id for this organization's package: the same every time it is
    generated (an update replaces the app), different per organization."""
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"crosspaths:{settings.TEAMS_APP_ID}:{organization.slug}")
    )


def _https(base_url: str, path: str) -> str:
    base = base_url.rstrip("/")
    return f"{base}{path}"


def manifest(*, organization: Organization, base_url: str = "") -> dict[str, Any]:
    base = base_url or settings.SITE_URL
    host = urlparse(base).hostname or "localhost"
    short = "Crosspaths"
    full = f"Crosspaths for {organization.name}"[:100]
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": APP_VERSION,
        "id": app_id_for(organization),
        "developer": {
            "name": "Crosspaths",
            "websiteUrl": _https(base, "/"),
            "privacyUrl": _https(base, "/account/data/"),
            "termsOfUseUrl": _https(base, "/"),
        },
        "name": {"short": short, "full": full},
        "description": {
            "short": "Meet colleagues you would not otherwise meet.",
            "full": (
                "Crosspaths introduces you to colleagues across teams, departments and "
                "locations, suggests a time that suits everybody and asks afterwards whether "
                "you met. The bot sends your introductions, reminders and check-ins here in "
                "Teams; the buttons on each card answer with one click."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": settings.TEAMS_APP_ID,
                "scopes": ["personal"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                # What Teams suggests when someone types to the bot (notify/chat_commands.py).
                "commandLists": [{"scopes": ["personal"], "commands": list(BOT_COMMANDS)}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host],
        "webApplicationInfo": {
            "id": settings.TEAMS_APP_ID,
            "resource": f"api://{host}/{settings.TEAMS_APP_ID}",
        },
    }


BOT_COMMANDS = (
    {"title": "status", "description": "Your programs, your pause and your current match"},
    {"title": "pause until YYYY-MM-DD", "description": "No rounds for you until that day"},
    {"title": "resume", "description": "Take part in the next rounds again"},
)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def icons() -> dict[str, bytes]:
    """Two crossing paths: in colour on the accent (192x192), white on transparent (32x32)."""
    color = Image.new("RGBA", (192, 192), ACCENT)
    draw = ImageDraw.Draw(color)
    draw.line([(40, 40), (152, 152)], fill="white", width=18)
    draw.line([(40, 152), (152, 40)], fill="#F2C14E", width=18)
    outline = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(outline)
    draw.line([(6, 6), (26, 26)], fill=(255, 255, 255, 255), width=3)
    draw.line([(6, 26), (26, 6)], fill=(255, 255, 255, 255), width=3)
    return {"color.png": _png(color), "outline.png": _png(outline)}


def manifest_zip(*, organization: Organization, base_url: str = "") -> bytes:
    """The package to upload in the Teams admin center (files at the zip's root)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "manifest.json",
            json.dumps(manifest(organization=organization, base_url=base_url), indent=2),
        )
        for name, data in icons().items():
            archive.writestr(name, data)
    return out.getvalue()
