"""Template helpers of the participant pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from crosspaths.people.permissions import is_manager

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The main navigation for the signed-in person: their own pages, then the staff
    areas their role allows. Each entry is {label, url, current}."""
    request = context.get("request")
    person = getattr(request, "person", None)
    if request is None or person is None:
        return []
    entries = [
        (reverse("home"), _("Home")),
        (reverse("programs"), _("My programs")),
        (reverse("preferences"), _("My preferences")),
        (reverse("perspective:index"), _("Outside perspective")),
    ]
    if is_manager(person):
        entries += [
            (reverse("console:dashboard"), _("Console")),
            (reverse("insights:dashboard"), _("Insights")),
        ]
    if len(getattr(request, "memberships", ())) > 1:
        entries.append((reverse("organizations"), _("Organizations")))
    home = reverse("home")
    return [
        {
            "url": url,
            "label": label,
            "current": request.path == url if url == home else request.path.startswith(url),
        }
        for url, label in entries
    ]
