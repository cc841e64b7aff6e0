"""The card in a real Chromium, framed by an intranet page of another site: a tiny
http.server on 127.0.0.1 serves the "intranet" page, Crosspaths runs on localhost (a
different site, so no Lax cookie of Crosspaths would reach the frame). The intranet's
backend step is done here with the API: mint a token for Bob, put the URL in the
iframe. Bob sees his next encounter and joins a program from inside the frame; when
the allow-list no longer names the intranet, Chromium refuses to show the frame."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from crosspaths.api.keys import api_key_create
from crosspaths.intranet.services import embed_origins_set, embed_settings_for
from crosspaths.meetings.models import CheckIn
from crosspaths.programs.models import Enrollment

from ..api.conftest import ApiClient
from ..browser import assert_accessible, screenshot
from ..web.conftest import make_match, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test's output, not the server's
        pass


@pytest.fixture
def intranet(tmp_path: Path):
    """A static web server on another site; ``INTRANET_TEST_PORT`` picks its port
    (a free one otherwise)."""
    port = int(os.environ.get("INTRANET_TEST_PORT", "0"))
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"

    def publish(name: str, card_url: str) -> str:
        (tmp_path / name).write_text(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Acme intranet</title></head><body style='font-family:sans-serif;"
            "background:#eef2f7;padding:20px'><h1>Acme intranet: home</h1>"
            "<p>News of the week …</p>"
            f"<iframe src='{card_url}' title='Crosspaths' width='420' height='460'"
            " style='border:1px solid #ccd;background:#fff'></iframe></body></html>"
        )
        return f"{origin}/{name}"

    yield origin, publish
    server.shutdown()


def card_url(cast) -> str:
    """What the intranet's backend does on each page view: ask the API for a token."""
    _key, raw = api_key_create(organization=cast.org, name="Intranet", scope="write")
    answer = ApiClient(raw).post("/embed-tokens", {"email": cast.bob.email})
    assert answer.status_code == 200, answer.content
    return answer.json()["url"]


def test_the_card_renders_in_a_cross_site_frame_and_joins_from_it(
    page: Page, live_server, cast, intranet, settings
):
    origin, publish = intranet
    settings.SITE_URL = live_server.url
    assert "localhost" in live_server.url  # a different site from 127.0.0.1
    coffee = make_program(cast.org, name="Coffee roulette")
    make_program(cast.org, name="Lunch club", format="lunch")
    Enrollment.objects.create(organization=cast.org, program=coffee, person=cast.bob)
    make_match(
        [cast.bob, cast.chidi], program=coffee, start=datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    )
    embed_origins_set(organization=cast.org, actor=cast.alice, origins=[origin])

    url = card_url(cast)
    page.goto(publish("home.html", url))
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", name="Your next encounter")).to_be_visible()
    expect(frame.get_by_text("Chidi Okafor")).to_be_visible()
    expect(frame.get_by_text("11 a.m.")).to_be_visible()  # 10:00 UTC in Bob's Berlin
    screenshot(page, "intranet-card-framed")

    frame.get_by_role("button", name="Join Lunch club").click()
    expect(frame.get_by_role("status")).to_have_text("You joined Lunch club.")
    assert Enrollment.objects.filter(person=cast.bob, program__name="Lunch club").exists()
    screenshot(page, "intranet-card-joined")
    assert_accessible_card(page, url)

    # The allow-list no longer names this intranet: Chromium shows no card at all.
    embed_origins_set(organization=cast.org, actor=cast.alice, origins=["https://elsewhere.test"])
    page.goto(publish("blocked.html", card_url(cast)))
    page.wait_for_load_state("load")
    assert not any("Your next encounter" in safe_text(f) for f in page.frames[1:])
    screenshot(page, "intranet-card-refused")


def safe_text(frame) -> str:
    try:
        return frame.content()
    except Exception:  # a refused frame is an error page Playwright may not read
        return ""


def assert_accessible_card(page: Page, url: str) -> None:
    """axe-core on the card's own document, opened in a page of its own."""
    card = page.context.new_page()
    card.goto(url)
    expect(card.get_by_text("You are in")).to_have_count(2)
    assert_accessible(card)
    card.close()


def test_the_organization_card_renders_in_a_cross_site_frame(
    page: Page, live_server, cast, intranet, settings
):
    origin, publish = intranet
    settings.SITE_URL = live_server.url
    cast.org.min_cell_size = 2
    cast.org.save()
    coffee = make_program(cast.org, name="Coffee roulette")
    make_program(cast.org, name="Lunch club", format="lunch")
    match = make_match([cast.bob, cast.chidi], program=coffee)
    member = match.members.first()
    CheckIn.objects.create(organization=cast.org, member=member, met=True)
    embed_origins_set(organization=cast.org, actor=cast.alice, origins=[origin])
    key = embed_settings_for(organization=cast.org).card_key

    page.goto(publish("org.html", f"{live_server.url}/embed/org/{key}/"))
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", name="Encounters at Acme")).to_be_visible()
    expect(frame.get_by_text("colleagues met across departments this month")).to_contain_text("2")
    expect(frame.get_by_text("programs open to join")).to_contain_text("2")
    screenshot(page, "intranet-organization-card-framed")
