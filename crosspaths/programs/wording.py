"""A match as its members read it: why they were matched, what to talk about, and the
suggested time in each member's time zone.

Every channel takes its sentences from here: the home and match pages, the e-mails,
the Slack and Teams messages, the calendar invitation's text. A channel adds only its
markup (HTML, plain text, Slack mrkdwn, an Adaptive Card), so a person reads the same
words wherever the match reaches them. Sentences are in the active language; the
caller picks it (the reader's, or the organization's for a whole group).

What organizers read about a group (reasons as short fragments, the hard rules a hand
edit breaks, why someone was left out) is ``organizer_wording``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _

from crosspaths.matching.types import Rules

MAX_STARTERS = 3


def join_words(items: Sequence[Any]) -> str:
    """``a``, ``a and b``, ``a, b and c`` in the active language."""
    words = [str(i) for i in items if str(i)]
    if len(words) <= 1:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


# --- why this match ----------------------------------------------------------------


def _sentence(code: str, p: Mapping[str, Any]) -> str | None:
    """The engine's reason ``code`` as a sentence to the members; None for a code we
    do not know (a newer engine)."""
    match code:
        case "different_departments":
            return _("You work in different departments: %(departments)s.") % {
                "departments": join_words(p["departments"])
            }
        case "first_meeting":
            return _("You are meeting for the first time.")
        case "different_locations":
            return _("You work in different places: %(locations)s.") % {
                "locations": join_words(p["locations"])
            }
        case "different_teams":
            return _("You are in different teams: %(teams)s.") % {"teams": join_words(p["teams"])}
        case "team_bridge":
            return _("You meet across the team bridge between %(teams)s.") % {
                "teams": join_words(p["teams"])
            }
        case "close_levels":
            return _("Your levels are close to each other.")
        case "shared_interests":
            return _("Something to talk about: %(interests)s.") % {
                "interests": join_words(p["interests"])
            }
        case "new_hire_welcome":
            tenured = list(p["tenured"])
            return ngettext(
                "%(new)s joined recently and meets %(tenured)s, who has been here over a year.",
                "%(new)s joined recently and meets %(tenured)s, who have been here over a year.",
                len(tenured),
            ) % {"new": join_words(p["new_hires"]), "tenured": join_words(tenured)}
        case "waited":
            return _("%(people)s waited since an earlier round and went first.") % {
                "people": join_words(p["people"])
            }
    return None


def reason_sentence(reason: Mapping[str, Any]) -> str:
    """One stored reason (code, params, English text) as a sentence. An unknown code
    or parameters that do not fit fall back to the engine's own sentence, so a new
    code never shows up blank."""
    try:
        text = _sentence(str(reason.get("code") or ""), reason.get("params") or {})
    except (KeyError, TypeError, ValueError):
        text = None
    if text is not None:
        return text
    fallback = str(reason.get("text") or "").strip()
    return fallback[:1].upper() + fallback[1:]


def reason_sentences(reasons: Any) -> list[str]:
    """A match's stored reasons (a list of dicts, or anything else from an old row)."""
    if not isinstance(reasons, list):
        return []
    return [t for r in reasons if isinstance(r, dict) and (t := reason_sentence(r))]


# --- what to talk about ------------------------------------------------------------


# One general question per match (translated when picked: each gettext costs).
_GENERAL_QUESTIONS = [
    gettext_noop("What are you working on this month that you are excited about?"),
    gettext_noop("What does your team do that the rest of the company would be surprised by?"),
    gettext_noop("What did you work on before you joined?"),
    gettext_noop("What is one thing you learned this month?"),
    gettext_noop("If you could swap jobs with someone here for a day, whose job would it be?"),
    gettext_noop("What is the best tip you got in your first weeks here?"),
]


def _group_interests(reasons: Any) -> list[str]:
    for reason in reasons if isinstance(reasons, list) else []:
        if isinstance(reason, dict) and reason.get("code") == "shared_interests":
            interests = (reason.get("params") or {}).get("interests")
            if isinstance(interests, list) and interests:
                return [str(i) for i in interests]
    return []


def _about_them(reader: Any, other: Any, today: date) -> list[str]:
    """Openers about one other member, for ``reader``: their interests the reader
    does not share, their department, their (or the reader's) first weeks."""
    out = []
    first = (other.name or other.email).split()[0]
    mine = {i.lower() for i in reader.interests}
    theirs = [i for i in other.interests if i.lower() not in mine]
    if theirs:
        out.append(_("Ask %(name)s about %(interest)s.") % {"name": first, "interest": theirs[0]})
    if other.department_id and other.department_id != reader.department_id and other.department:
        out.append(
            _("Ask what a typical week in %(department)s looks like.")
            % {"department": other.department.name}
        )
    if other.start_date and 0 <= (today - other.start_date).days < 90:
        out.append(_("%(name)s joined recently: ask what surprised them so far.") % {"name": first})
    elif reader.start_date and 0 <= (today - reader.start_date).days < 90:
        out.append(
            _("Ask %(name)s what they wish they had known in their first month.") % {"name": first}
        )
    return out


def conversation_starters(
    *, match_pk: int | None, reasons: Any, reader: Any, others: Sequence[Any], today: date
) -> list[str]:
    """Up to three openers, best first: the interests the group shares, then (for a
    reader) what is new to them about each other member, then one general question.
    ``others`` are the other members (everyone, for the whole group).

    With no reader (a message to the whole group) only the shared interests and the
    question remain. The question depends on the match only, so everyone in a group
    reads the same one. ``reader`` and ``others`` are people (name, email, interests,
    department, start date)."""
    out = []
    companions = len(others) - (0 if reader is not None else 1)
    for interest in _group_interests(reasons)[:2]:
        out.append(
            ngettext(
                "You both like %(interest)s: how did you get into it?",
                "You all like %(interest)s: how did each of you get into it?",
                companions,
            )
            % {"interest": interest}
        )
    if reader is not None:
        for other in sorted(others, key=lambda p: p.pk or 0):
            out.extend(_about_them(reader, other, today))
    out.append(_(_GENERAL_QUESTIONS[(match_pk or 0) % len(_GENERAL_QUESTIONS)]))
    return list(dict.fromkeys(out))[:MAX_STARTERS]


# --- when, in whose time ------------------------------------------------------------


def time_of_day(moment: datetime, zone: str) -> str:
    """The clock time in a zone, as the active language writes it: "10 a.m.", "10:00"."""
    return _formatted(moment, zone, "TIME_FORMAT", get_language())


def weekday(moment: datetime, zone: str) -> str:
    """The day of the week in a zone, in the active language: "Wednesday"."""
    return _formatted(moment, zone, "l", get_language())


def when(moment: datetime, zone: str) -> str:
    """A moment in a zone and the active language: "Wednesday, 2. Dezember 2026, 10:00"."""
    language = get_language()
    return "{}, {}, {}".format(
        _formatted(moment, zone, "l", language),
        _formatted(moment, zone, "DATE_FORMAT", language),
        _formatted(moment, zone, "TIME_FORMAT", language),
    )


@lru_cache(maxsize=8192)
def _formatted(moment: datetime, zone: str, form: str, language: str | None) -> str:
    """``moment`` in ``zone`` as ``form`` in ``language`` (the active one): kept, since a
    round's slots repeat across its groups and members (each costs ~20 us). Equal
    keys are the same instant, which is all the result depends on."""
    local = moment.astimezone(ZoneInfo(zone))
    if form == "TIME_FORMAT":
        return formats.time_format(local, form)
    return formats.date_format(local, form)


@receiver(setting_changed)
def _formats_changed(**kwargs: Any) -> None:
    _formatted.cache_clear()


def when_span(start: datetime, end: datetime | None, zone: str) -> str:
    """A meeting's day and hours: "Wednesday, Dec. 2, 2026, 10 a.m. to 10:30 a.m. (en dash)"."""
    return when(start, zone) + (f"–{time_of_day(end, zone)}" if end else "")  # noqa: RUF001


def when_in_zone(moment: datetime, zone: str) -> str:
    """``when`` with the zone named: "Wednesday, 2 December 2026, 10:00 (Europe/Berlin)"."""
    return f"{when(moment, zone)} ({zone})"


def zones_of(people: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """(name, zone) pairs grouped by zone, zones in order of first appearance."""
    seen: dict[str, list[str]] = {}
    for name, zone in people:
        seen.setdefault(zone, []).append(name)
    return seen


def times_for_others(
    moment: datetime, *, zone: str, others: Sequence[tuple[str, str]]
) -> list[str]:
    """The suggested time for the reader's companions in other zones, one sentence per
    zone: "That is 09:00 for Chidi (America/New_York)." The weekday is named when it
    is another day there."""
    mine = moment.astimezone(ZoneInfo(zone)).date()
    out = []
    for their_zone, names in zones_of(others).items():
        if their_zone == zone:
            continue
        local = moment.astimezone(ZoneInfo(their_zone))
        values = {
            "time": time_of_day(moment, their_zone),
            "day": weekday(moment, their_zone),
            "names": join_words(names),
            "zone": their_zone,
        }
        if local.date() == mine:
            out.append(_("That is %(time)s for %(names)s (%(zone)s).") % values)
        else:
            out.append(_("That is %(day)s %(time)s for %(names)s (%(zone)s).") % values)
    return out


def _clock_hours_in(their_zone: str, zone: str, day: date) -> str:
    """The engine's working hours (09:00-17:00 in ``their_zone``) on ``day`` as clock
    times in ``zone``, e.g. "15:00-23:00"; empty for a zone we do not know."""
    rules = Rules()
    try:
        theirs, _mine = ZoneInfo(their_zone), ZoneInfo(zone)
    except (ValueError, KeyError):
        return ""
    midnight = datetime.combine(day, time(0), tzinfo=theirs)
    start = midnight + timedelta(minutes=rules.work_start_minute)
    end = midnight + timedelta(minutes=rules.work_end_minute)
    return f"{time_of_day(start, zone)}-{time_of_day(end, zone)}"


def working_hours_for_you(*, name: str, team: str, their_zone: str, zone: str, day: date) -> str:
    """A partner's working hours in the reader's zone, for a team bridge whose two sides
    may be continents apart; empty when either zone is unknown."""
    hours = _clock_hours_in(their_zone, zone, day)
    if not hours:
        return ""
    return _(
        "%(name)s (%(team)s) works 09:00-17:00 in %(their_zone)s, which is "
        "%(hours)s in your time zone (%(zone)s)."
    ) % {
        "name": name,
        "team": team or _("no team"),
        "their_zone": their_zone,
        "hours": hours,
        "zone": zone,
    }


# --- no group this round -------------------------------------------------------------

# Why the reader got no group, told to them (the left-out notice, their home page).
# "Blocked" is never named: who asked not to meet whom stays private.
LEFT_OUT_YOU = {
    "alone": lambda: _("you were the only participant this round"),
    "no_one_at_location": lambda: _("nobody else takes part at your location this round"),
    "no_shared_language": lambda: _("nobody else this round shares one of your languages"),
    "no_time_overlap": lambda: _("no colleague's working hours overlap yours enough"),
    "no_shared_language_and_hours": lambda: _(
        "no colleague shares both a language and working hours with you"
    ),
    "no_valid_partner": lambda: _(
        "everyone available this round met you recently, works directly with you, or cannot "
        "be matched with you"
    ),
    "odd_one_out": lambda: _(
        "an odd number of people took part, and every possible partner was needed in another group"
    ),
    "no_valid_group": lambda: _("no group could take you without breaking a matching rule"),
    "removed_by_admin": lambda: _("an organizer of the program took you out of this round"),
    "withdrew": lambda: _("you said you cannot make it this round"),
    "partner_withdrew": lambda: _(
        "your partner cannot make it this round, and nobody else was free to join you"
    ),
    "other_side_full": lambda: _(
        "the other team had fewer people this round, so someone had to sit out; you go first "
        "next round"
    ),
    "not_in_bridge": lambda: _("you are no longer in one of the bridge's teams"),
}


def left_out_text_for_you(code: str) -> str:
    """Why the reader got no group, addressed to them, in the active language."""
    make = LEFT_OUT_YOU.get(code)
    return make() if make else _("we found no suitable group for you")
