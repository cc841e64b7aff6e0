"""An admin creates an API key in a real Chromium, copies it from the page (shown once),
uses it, and revokes it; the page passes axe-core and is photographed."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from ..browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_creates_uses_and_revokes_a_key(page, live_server, cast):
    sign_in(page.context, live_server.url, cast.alice.user)
    page.goto(live_server.url + "/console/")
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name (e.g. the system that uses it)").fill("Intranet card")
    page.get_by_label("Read and write").check()
    page.get_by_label("Programs").check()
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#new-key").inner_text().strip()
    assert key.startswith("cpk_")
    assert_accessible(page)
    screenshot(page, "console-api-keys")
    answer = requests.get(
        live_server.url + "/api/v1/programs", headers={"Authorization": f"Bearer {key}"}, timeout=10
    )
    assert answer.status_code == 200
    page.goto(live_server.url + "/console/api-keys/")
    expect(page.locator("#new-key")).to_have_count(0)  # shown once
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("API key “Intranet card” revoked.")).to_be_visible()
    refused = requests.get(
        live_server.url + "/api/v1/programs", headers={"Authorization": f"Bearer {key}"}, timeout=10
    )
    assert refused.status_code == 401
