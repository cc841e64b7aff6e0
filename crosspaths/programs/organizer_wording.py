"""The engine's reasons as organizers read them, in the active language.

The console and the team bridges show a group's reasons as short fragments, the hard
rules a hand edit breaks, and why someone got no group. The engine gives every reason
a stable code, parameters and an English sentence; we translate the codes we know and
fall back to the engine's sentence for any we do not, so a new code never shows up
blank. What the members themselves read about their match is ``wording``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .wording import join_words


def _names(ids: Sequence[Any], names: Mapping[str, str]) -> str:
    return join_words([names.get(str(i), str(i)) for i in ids])


def reason_text(
    reason: Mapping[str, Any], *, names: Mapping[str, str] | None = None, problem: bool = False
) -> str:
    """One reason (a dict with code, text, params) as a sentence fragment.

    ``problem`` says it comes from ``hard_rule_problems`` (one code,
    ``different_locations``, means a good thing in a group's reasons and a broken rule
    there). ``names`` maps engine ids (``str(person.pk)``) to display names, for the
    problems whose parameters name people by id."""
    code = reason.get("code", "")
    p: Mapping[str, Any] = reason.get("params") or {}
    names = names or {}
    try:
        match code:
            # Why a group is good.
            case "different_departments":
                return _("from different departments: %(list)s") % {
                    "list": join_words(p["departments"])
                }
            case "first_meeting":
                return _("meeting for the first time")
            case "different_locations" if problem:
                return _("an in-person group must share one location; this one spans %(list)s") % {
                    "list": join_words([x or _("(no location)") for x in p["locations"]])
                }
            case "different_locations":
                return _("working in different places: %(list)s") % {
                    "list": join_words(p["locations"])
                }
            case "different_teams":
                return _("from different teams: %(list)s") % {"list": join_words(p["teams"])}
            case "close_levels":
                return _("levels within %(bound)s of each other") % {"bound": p["bound"]}
            case "shared_interests":
                return _("something to talk about: %(list)s") % {"list": join_words(p["interests"])}
            case "new_hire_welcome":
                return ngettext(
                    "%(new)s joined recently and meets %(hosts)s, who has been here over a year",
                    "%(new)s joined recently and meets %(hosts)s, who have been here over a year",
                    len(p["tenured"]),
                ) % {"new": join_words(p["new_hires"]), "hosts": join_words(p["tenured"])}
            case "team_bridge":
                return _("on the bridge between %(list)s") % {"list": join_words(p["teams"])}
            case "waited":
                return _("%(people)s waited since an earlier round and went first") % {
                    "people": join_words(p["people"])
                }
            # Which hard rule a hand-edited group breaks.
            case "group_too_small":
                return _("a group needs at least %(min)s people; this one has %(size)s") % p
            case "group_too_large":
                return _("a group has at most %(max)s people; this one has %(size)s") % p
            case "manager_and_report":
                return _("%(manager)s is %(report)s's manager") % {
                    "manager": names.get(str(p["manager"]), p["manager"]),
                    "report": names.get(str(p["report"]), p["report"]),
                }
            case "blocked_pair":
                return _("%(people)s are not to be matched (blocked)") % {
                    "people": _names(p["people"], names)
                }
            case "met_recently":
                return _("%(people)s met on %(date)s, within the cooldown") % {
                    "people": _names(p["people"], names),
                    "date": p["date"],
                }
            case "no_shared_language" if "people" in p:
                return _("no language is spoken by everyone (%(people)s)") % {
                    "people": _names(p["people"], names)
                }
            case "no_time_overlap" if "people" in p:
                return _(
                    "the working hours of %(people)s overlap by %(minutes)s minutes, too little"
                ) % {"people": _names(p["people"], names), "minutes": p["overlap_minutes"]}
    except (KeyError, TypeError, ValueError):
        pass
    return str(reason.get("text", code))


LEFT_OUT = {
    "alone": lambda: _("the only participant this round"),
    "no_one_at_location": lambda: _("nobody else takes part at their location"),
    "no_shared_language": lambda: _("nobody else this round shares one of their languages"),
    "no_time_overlap": lambda: _("no colleague's working hours overlap theirs enough"),
    "no_shared_language_and_hours": lambda: _(
        "no colleague shares both a language and working hours with them"
    ),
    "no_valid_partner": lambda: _(
        "everyone who could meet them is their manager or report, blocked, or met them recently"
    ),
    "odd_one_out": lambda: _("odd one out: every possible partner was needed in another pair"),
    "no_valid_group": lambda: _("no group could take them without breaking a rule"),
    "removed_by_admin": lambda: _("taken out of the round by an admin"),
    "withdrew": lambda: _("said on the match page they cannot make it this round"),
    "partner_withdrew": lambda: _("their partner cannot make it, and nobody else was free"),
    # Team bridges (crosspaths.matching.bridges):
    "other_side_full": lambda: _(
        "the other team had fewer people this round; they go first next round"
    ),
    "not_in_bridge": lambda: _("not in one of the bridge's teams"),
}


def left_out_text(code: str, text: str) -> str:
    """Why someone got no group, in the active language (the engine's sentence when the
    code is new to us)."""
    make = LEFT_OUT.get(code)
    return make() if make else text
