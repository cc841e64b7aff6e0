"""The Content-Security-Policy: every page is served with it, it allows no inline script
or style, and the participant, console, insights and API pages run in a real Chromium
without a single violation (htmx's injected styles and inline handlers are gone)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ..browser import sign_in
from .conftest import make_match

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize("url", ["/login/", "/login/password/", "/api/docs", "/api/health"])
def test_every_page_is_served_with_the_policy(client, db, url):
    header = client.get(url)["Content-Security-Policy"]
    assert directives(header) == directives(POLICY)  # django-csp does not keep the order
    for kind in ("script-src", "style-src"):
        assert directives(header)[kind] == ["'self'"]


def test_the_error_page_has_no_inline_style(client, db):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "<style" not in html and "style=" not in html
    assert "/static/crosspaths/error.css" in html


# Pages to visit in the browser: (who signs in, path).
PARTICIPANT_PAGES = ["/", "/preferences/", "/programs/", "/preferences/blocked/", "/start/"]
ADMIN_PAGES = [
    "/console/",
    "/console/roster/",
    "/console/people/",
    "/console/programs/",
    "/console/programs/new/",
    "/console/audit/",
    "/insights/",
    "/api/docs",
]


def watch_for_violations(page) -> list[str]:
    """Collect what Chromium reports: console errors naming the policy, and the
    ``securitypolicyviolation`` events (listened to by an init script, which the policy
    does not govern)."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    return found


def visit(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__violations")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_participant_and_console_pages_run_without_a_policy_violation(page, live_server, cast):
    make_match([cast.bob, cast.chidi], on=timezone.localdate() - timedelta(days=2))
    console_errors = watch_for_violations(page)
    events: dict[str, list[str]] = {}

    page.goto(live_server.url + "/login/")
    events["/login/"] = page.evaluate("window.__violations")
    sign_in(page.context, live_server.url, cast.alice.user)
    for path in PARTICIPANT_PAGES + ADMIN_PAGES:
        events[path] = visit(page, live_server.url + path)
    # Swagger UI really starts from our own files.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Crosspaths API")

    # The language switcher still works without its old inline handler.
    page.goto(live_server.url + "/programs/")
    page.get_by_label("Language").select_option("de")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    events["/programs/ (language changed)"] = page.evaluate("window.__violations")

    # Bob, a participant with a match card (htmx on the page).
    page.context.clear_cookies()
    sign_in(page.context, live_server.url, cast.bob.user)
    events["/ (bob)"] = visit(page, live_server.url + "/")

    assert console_errors == []
    assert {path: found for path, found in events.items() if found} == {}
