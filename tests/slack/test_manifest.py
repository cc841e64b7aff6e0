"""The shipped Slack app manifest asks for exactly the scopes the app uses and points
at the app's own URLs."""

import json
from pathlib import Path
from urllib.parse import urlparse

from django.urls import reverse

from crosspaths.slack.services import BOT_SCOPES

MANIFEST = Path(__file__).resolve().parents[2] / "docs" / "slack-app-manifest.json"


def test_the_manifest_asks_for_the_scopes_the_app_uses_and_no_more():
    manifest = json.loads(MANIFEST.read_text())
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)


def test_the_manifest_points_at_the_apps_urls():
    manifest = json.loads(MANIFEST.read_text())
    paths = {
        urlparse(manifest["features"]["slash_commands"][0]["url"]).path,
        urlparse(manifest["oauth_config"]["redirect_urls"][0]).path,
        urlparse(manifest["settings"]["event_subscriptions"]["request_url"]).path,
        urlparse(manifest["settings"]["interactivity"]["request_url"]).path,
    }
    names = ("slack:commands", "slack:oauth_callback", "slack:events", "slack:interactions")
    assert paths == {reverse(name) for name in names}


def test_the_manifest_shows_the_home_tab_and_sends_its_event():
    manifest = json.loads(MANIFEST.read_text())
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is True
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) == {"app_home_opened", "app_uninstalled", "tokens_revoked"}
