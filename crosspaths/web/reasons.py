"""The engine's reasons in the reader's language.

The engine stores each reason as a stable code with parameters plus an English
sentence. Known codes are translated here; an unknown code (a newer engine) or
parameters that do not fit fall back to the engine's own sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def join_words(items: Sequence[Any]) -> str:
    """``a``, ``a and b``, ``a, b and c`` in the active language."""
    words = [str(i) for i in items if str(i)]
    if len(words) <= 1:
        return "".join(words)
    return _("%(list)s and %(last)s") % {"list": ", ".join(words[:-1]), "last": words[-1]}


def _text(code: str, params: dict[str, Any]) -> str | None:
    if code == "different_departments":
        return _("You work in different departments: %(departments)s.") % {
            "departments": join_words(params["departments"])
        }
    if code == "first_meeting":
        return _("You are meeting for the first time.")
    if code == "different_locations":
        return _("You work in different places: %(locations)s.") % {
            "locations": join_words(params["locations"])
        }
    if code == "different_teams":
        return _("You are in different teams: %(teams)s.") % {"teams": join_words(params["teams"])}
    if code == "team_bridge":
        return _("You meet across the team bridge between %(teams)s.") % {
            "teams": join_words(params["teams"])
        }
    if code == "close_levels":
        return _("Your levels are close to each other.")
    if code == "shared_interests":
        return _("Something to talk about: %(interests)s.") % {
            "interests": join_words(params["interests"])
        }
    if code == "new_hire_welcome":
        tenured = list(params["tenured"])
        return ngettext(
            "%(new)s joined recently and meets %(tenured)s, who has been here over a year.",
            "%(new)s joined recently and meets %(tenured)s, who have been here over a year.",
            len(tenured),
        ) % {"new": join_words(params["new_hires"]), "tenured": join_words(tenured)}
    if code == "waited":
        return _("%(people)s waited since an earlier round and went first.") % {
            "people": join_words(params["people"])
        }
    return None


def reason_text(reason: dict[str, Any]) -> str:
    """One stored reason as a sentence for the page."""
    code = str(reason.get("code") or "")
    params = reason.get("params") or {}
    try:
        text = _text(code, params)
    except (KeyError, TypeError, ValueError):
        text = None
    if text is not None:
        return text
    fallback = str(reason.get("text") or "").strip()
    return fallback[:1].upper() + fallback[1:] if fallback else ""


def reason_texts(reasons: Any) -> list[str]:
    if not isinstance(reasons, list):
        return []
    return [t for r in reasons if isinstance(r, dict) and (t := reason_text(r))]
