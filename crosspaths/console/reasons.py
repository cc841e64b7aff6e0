"""The engine's reason codes in the reader's language.

The engine explains itself with stable codes and parameters plus an English sentence
(see crosspaths/matching/explain.py). Known codes are translated here; an unknown code
falls back to the engine's sentence, so a new engine reason shows up in English rather
than not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Names = Mapping[str, str]  # engine person id -> display name


def _list(values: Sequence[Any] | None) -> str:
    return get_text_list([str(v) for v in values or []], _("and"))


def _people(params: Mapping[str, Any], key: str, names: Names) -> str:
    return _list([names.get(str(p), str(p)) for p in params.get(key, [])])


def _date(value: Any) -> str:
    from datetime import date

    try:
        return date_format(date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


GROUP_REASONS: dict[str, Callable[[Mapping[str, Any], Names], str]] = {
    "different_departments": lambda p, n: (
        _("From different departments: %(departments)s")
        % {"departments": _list(p.get("departments"))}
    ),
    "first_meeting": lambda p, n: _("Meeting for the first time"),
    "different_locations": lambda p, n: (
        _("Working in different places: %(locations)s") % {"locations": _list(p.get("locations"))}
    ),
    "different_teams": lambda p, n: (
        _("From different teams: %(teams)s") % {"teams": _list(p.get("teams"))}
    ),
    "close_levels": lambda p, n: (
        _("Levels within %(bound)s of each other") % {"bound": p.get("bound", "")}
    ),
    "shared_interests": lambda p, n: (
        _("Something to talk about: %(interests)s") % {"interests": _list(p.get("interests"))}
    ),
    "new_hire_welcome": lambda p, n: (
        _("%(new_hires)s joined recently and meets %(tenured)s")
        % {"new_hires": _list(p.get("new_hires")), "tenured": _list(p.get("tenured"))}
    ),
    "waited": lambda p, n: (
        _("%(people)s waited since an earlier round and went first")
        % {"people": _list(p.get("people"))}
    ),
}

HARD_RULES: dict[str, Callable[[Mapping[str, Any], Names], str]] = {
    "group_too_small": lambda p, n: (
        ngettext(
            "A group needs at least %(min)d people; this one would have %(size)d.",
            "A group needs at least %(min)d people; this one would have %(size)d.",
            int(p.get("min", 2)),
        )
        % {"min": int(p.get("min", 2)), "size": int(p.get("size", 0))}
    ),
    "group_too_large": lambda p, n: (
        _("A group has at most %(max)d people; this one would have %(size)d.")
        % {"max": int(p.get("max", 0)), "size": int(p.get("size", 0))}
    ),
    "manager_and_report": lambda p, n: (
        _("Never a manager with their report: %(manager)s is %(report)s's manager.")
        % {
            "manager": n.get(str(p.get("manager")), str(p.get("manager"))),
            "report": n.get(str(p.get("report")), str(p.get("report"))),
        }
    ),
    # Who blocked whom is private to the person who asked; the console only says that
    # the rule holds.
    "blocked_pair": lambda p, n: _(
        "Two of these people asked not to be matched with each other (a private wish)."
    ),
    "met_recently": lambda p, n: (
        _("Cooldown: %(people)s met on %(date)s.")
        % {"people": _people(p, "people", n), "date": _date(p.get("date"))}
    ),
    "no_shared_language": lambda p, n: _("No language is spoken by everyone in the group."),
    "no_time_overlap": lambda p, n: (
        _("The working hours of %(people)s overlap by only %(minutes)s minutes.")
        % {"people": _people(p, "people", n), "minutes": p.get("overlap_minutes", 0)}
    ),
    "different_locations": lambda p, n: (
        _("An in-person group must share one location; this one spans %(locations)s.")
        % {"locations": _list([x or _("no location") for x in p.get("locations", [])])}
    ),
}

LEFT_OUT: dict[str, Callable[[], str]] = {
    "alone": lambda: _("The only participant this round."),
    "no_one_at_location": lambda: _("Nobody else takes part at their location."),
    "no_shared_language": lambda: _("Nobody else speaks one of their languages."),
    "no_time_overlap": lambda: _("Nobody else's working hours overlap theirs enough."),
    "no_shared_language_and_hours": lambda: _(
        "Nobody shares both a language and working hours with them."
    ),
    "no_valid_partner": lambda: _(
        "Everyone who could meet them is their manager or report, blocked, or met them recently."
    ),
    "odd_one_out": lambda: _(
        "The odd one out: their possible partners were all needed in other pairs."
    ),
    "no_valid_group": lambda: _("No group could take them without breaking a rule."),
}


def _reason(
    table: Mapping[str, Callable[[Mapping[str, Any], Names], str]],
    reason: Mapping[str, Any],
    names: Names,
) -> str:
    code = str(reason.get("code", ""))
    params = reason.get("params") or {}
    render = table.get(code)
    if render is not None:
        try:
            return render(params, names)
        except (KeyError, TypeError, ValueError):
            pass
    return str(reason.get("text") or code)


def group_reason_text(reason: Mapping[str, Any], names: Names | None = None) -> str:
    """Why a group is good, e.g. {"code": "shared_interests", "params": {...}}."""
    return _reason(GROUP_REASONS, reason, names or {})


def hard_rule_text(reason: Mapping[str, Any], names: Names | None = None) -> str:
    """Which hard rule a hand edit would break, naming the people (by ``names``)."""
    return _reason(HARD_RULES, reason, names or {})


def left_out_text(code: str, text: str) -> str:
    render = LEFT_OUT.get(code)
    return render() if render is not None else text
