"""What only the person knows: spoken languages, time zone, interests, weekly free
windows; and their private lists ("please don't pair me with", "keep in touch").

Writes are services (``person_*``); the few reads the preference pages need sit at
the bottom. HR's fields (department, team, location, title, manager) are written
here only for people who did not come from a roster sync.
"""

from __future__ import annotations

import re
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crosspaths import clock

from .models import (
    BlockedPair,
    Department,
    KeepInTouch,
    Location,
    Person,
    Team,
    validate_timezone,
)

# Languages people can say they speak; the engine compares these codes.
SPOKEN_LANGUAGES = {
    "en": gettext_lazy("English"),
    "de": gettext_lazy("German"),
    "fr": gettext_lazy("French"),
    "es": gettext_lazy("Spanish"),
    "it": gettext_lazy("Italian"),
    "pt": gettext_lazy("Portuguese"),
    "nl": gettext_lazy("Dutch"),
    "pl": gettext_lazy("Polish"),
    "cs": gettext_lazy("Czech"),
    "da": gettext_lazy("Danish"),
    "sv": gettext_lazy("Swedish"),
    "no": gettext_lazy("Norwegian"),
    "fi": gettext_lazy("Finnish"),
    "el": gettext_lazy("Greek"),
    "tr": gettext_lazy("Turkish"),
    "ru": gettext_lazy("Russian"),
    "uk": gettext_lazy("Ukrainian"),
    "ar": gettext_lazy("Arabic"),
    "he": gettext_lazy("Hebrew"),
    "hi": gettext_lazy("Hindi"),
    "zh": gettext_lazy("Chinese"),
    "ja": gettext_lazy("Japanese"),
    "ko": gettext_lazy("Korean"),
}

# The weekly grid of the onboarding: a person ticks day parts, we store windows.
DAY_PARTS: tuple[tuple[str, str, str], ...] = (
    ("morning", "09:00", "12:00"),
    ("lunch", "12:00", "14:00"),
    ("afternoon", "14:00", "17:00"),
)
DAY_PART_NAMES = {
    "morning": gettext_lazy("Morning"),
    "lunch": gettext_lazy("Lunchtime"),
    "afternoon": gettext_lazy("Afternoon"),
}
MAX_INTERESTS = 20
MAX_INTEREST_LENGTH = 40
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def language_name(code: str) -> str:
    return str(SPOKEN_LANGUAGES.get(code, code))


# The zones most people pick, offered first in every time-zone picker.
COMMON_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Zurich",
    "Europe/Vienna",
    "Europe/Amsterdam",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)

AREA_NAMES = {
    "Africa": gettext_lazy("Africa"),
    "America": gettext_lazy("America"),
    "Antarctica": gettext_lazy("Antarctica"),
    "Arctic": gettext_lazy("Arctic"),
    "Asia": gettext_lazy("Asia"),
    "Atlantic": gettext_lazy("Atlantic"),
    "Australia": gettext_lazy("Australia"),
    "Europe": gettext_lazy("Europe"),
    "Indian": gettext_lazy("Indian Ocean"),
    "Pacific": gettext_lazy("Pacific"),
}


def _zone_tab() -> list[str]:
    """The zones of tzdata's ``zone.tab``: one or more per country, current names only
    (Europe/Kyiv, not the deprecated alias Europe/Kiev; Asia/Kolkata, not
    Asia/Calcutta; no US/Eastern or Etc/GMT+5). Read from the system's zoneinfo, else
    from the ``tzdata`` package; empty when neither has it."""
    for root in zoneinfo.TZPATH:
        try:
            with open(f"{root}/zone.tab", encoding="utf-8") as f:
                return _zone_tab_names(f.read())
        except OSError:
            continue
    try:
        text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, OSError):
        return []
    return _zone_tab_names(text)


def _zone_tab_names(text: str) -> list[str]:
    return [
        line.split("\t")[2].strip()
        for line in text.splitlines()
        if line and not line.startswith("#") and line.count("\t") >= 2
    ]


@cache
def timezone_names() -> tuple[str, ...]:
    """The IANA zones worth offering: tzdata's current zone per country (``zone.tab``)
    and UTC, without the deprecated aliases (Europe/Kiev, Asia/Calcutta, US/Eastern,
    Etc/GMT+5) that only confuse a picker. Every name is one zoneinfo knows."""
    known = available_timezones()
    zones = {z for z in _zone_tab() if z in known}
    if not zones:  # no zone.tab anywhere: the Area/City names, as before
        zones = {z for z in known if z.split("/", 1)[0] in AREA_NAMES and "/" in z}
    return (*sorted(zones), "UTC")


def _offset(zone: str, moment: datetime) -> str:
    delta = moment.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _zone_label(zone: str, moment: datetime, *, with_area: bool = False) -> str:
    """ "Berlin (UTC+1)", "Argentina, Buenos Aires (UTC-3)": the place a person knows,
    first, so typing its first letters in the picker finds it."""
    area, _sep, place = zone.partition("/")
    words = (place or area).replace("/", ", ").replace("_", " ")
    if with_area and place:
        words = f"{words}, {AREA_NAMES.get(area, area)}"
    return f"{words} ({_offset(zone, moment)})"


def timezone_choices(*, current: str = "", first: Iterable[str] = ()) -> list[Any]:
    """A time-zone picker's choices as option groups: the common zones (and ``first``,
    e.g. the organization's own zones) on top, then one group per area. ``current``
    stays selectable even when it is not offered (an alias from an old roster).
    Offsets are today's (``clock``), so summer time shows in summer."""
    moment = clock.now()
    names = timezone_names()
    offered = set(names)
    top = [z for z in dict.fromkeys([*first, *COMMON_ZONES]) if z in offered]
    groups: list[Any] = []
    if current and current not in offered:
        groups.append((current, current))
    groups.append(
        (gettext_lazy("Common"), [(z, _zone_label(z, moment, with_area=True)) for z in top])
    )
    by_area: dict[str, list[tuple[str, str]]] = {}
    for zone in names:
        if zone in top or "/" not in zone:
            continue
        by_area.setdefault(zone.split("/", 1)[0], []).append((zone, _zone_label(zone, moment)))
    for area, zones in by_area.items():
        zones.sort(key=lambda choice: choice[1])
        groups.append((AREA_NAMES.get(area, area), zones))
    return groups


def interests_clean(values: Iterable[str]) -> list[str]:
    """Free tags as people type them: trimmed, lower-case, single spaces, no duplicates,
    order kept. Too long or too many is an error, not a silent cut."""
    out: list[str] = []
    for value in values:
        tag = " ".join(str(value).split()).lower()
        if not tag or tag in out:
            continue
        if len(tag) > MAX_INTEREST_LENGTH:
            raise ValidationError(
                _("“%(tag)s” is too long: keep each interest under %(max)d characters.")
                % {"tag": tag[:60], "max": MAX_INTEREST_LENGTH}
            )
        out.append(tag)
    if len(out) > MAX_INTERESTS:
        raise ValidationError(
            _("Choose at most %(max)d interests (you have %(count)d).")
            % {"max": MAX_INTERESTS, "count": len(out)}
        )
    return out


def availability_clean(windows: Iterable[dict]) -> list[dict]:
    """Validate free windows ``{"weekday": 0-6, "start": "HH:MM", "end": "HH:MM"}`` and
    merge overlapping or touching ones per weekday, sorted."""
    by_day: dict[int, list[tuple[str, str]]] = {}
    for n, window in enumerate(windows, start=1):
        try:
            weekday, start, end = int(window["weekday"]), str(window["start"]), str(window["end"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                _("Free window %(n)d needs a weekday, a start and an end.") % {"n": n}
            ) from exc
        if not 0 <= weekday <= 6 or not _HHMM.match(start) or not _HHMM.match(end):
            raise ValidationError(
                _("Free window %(n)d: use a weekday 0–6 and times as HH:MM.") % {"n": n}  # noqa: RUF001
            )
        if start >= end:
            raise ValidationError(
                _("Free window %(n)d ends before it starts (%(start)s–%(end)s).")  # noqa: RUF001
                % {"n": n, "start": start, "end": end}
            )
        by_day.setdefault(weekday, []).append((start, end))
    merged: list[dict] = []
    for weekday in sorted(by_day):
        spans = sorted(by_day[weekday])
        current = list(spans[0])
        for start, end in spans[1:]:
            if start <= current[1]:
                current[1] = max(current[1], end)
            else:
                merged.append({"weekday": weekday, "start": current[0], "end": current[1]})
                current = [start, end]
        merged.append({"weekday": weekday, "start": current[0], "end": current[1]})
    return merged


def availability_from_day_parts(parts: Iterable[tuple[int, str]]) -> list[dict]:
    """Windows from ticked (weekday, day part) boxes; neighbouring parts join up."""
    spans = {name: (start, end) for name, start, end in DAY_PARTS}
    return availability_clean(
        {"weekday": day, "start": spans[part][0], "end": spans[part][1]}
        for day, part in parts
        if part in spans
    )


def day_parts_from_availability(windows: Sequence[dict]) -> set[tuple[int, str]]:
    """The boxes to tick for stored windows: a part is ticked when a window covers it."""
    ticked: set[tuple[int, str]] = set()
    for window in windows:
        try:
            weekday, start, end = int(window["weekday"]), window["start"], window["end"]
        except (KeyError, TypeError, ValueError):
            continue
        for name, part_start, part_end in DAY_PARTS:
            if start <= part_start and part_end <= end:
                ticked.add((weekday, name))
    return ticked


@dataclass
class Preferences:
    """What the onboarding and "My preferences" pages ask."""

    languages: list[str]
    timezone: str
    interests: list[str]
    availability: list[dict]
    language: str = ""  # of e-mails and pages; "" = the organization's


def _same_org(person: Person, obj: Department | Location | Team | Person | None) -> None:
    if obj is not None and obj.organization_id != person.organization_id:
        raise ValidationError(_("That belongs to another organization."))


@transaction.atomic
def person_preferences_update(
    *, person: Person, preferences: Preferences, profile: dict | None = None
) -> Person:
    """Store the person's own answers (and, for people HR does not sync, ``profile``:
    department, team, location, title). At least one spoken language is needed: the
    engine only matches people who share one."""
    if profile is not None and not person.roster_synced:
        person_profile_update(person=person, **profile)
    languages = [code for code in dict.fromkeys(preferences.languages) if code]
    if not languages:
        raise ValidationError({"languages": _("Choose at least one language you can talk in.")})
    validate_timezone(preferences.timezone)
    person.languages = languages
    person.timezone = preferences.timezone
    person.interests = interests_clean(preferences.interests)
    person.availability = availability_clean(preferences.availability)
    person.language = preferences.language
    person.save(
        update_fields=[
            "languages",
            "timezone",
            "interests",
            "availability",
            "language",
            "updated_at",
        ]
    )
    return person


@transaction.atomic
def person_profile_update(
    *,
    person: Person,
    department: Department | None,
    team: Team | None,
    location: Location | None,
    title: str,
) -> Person:
    """Department, team, location and title for people HR does not sync; for synced
    people these belong to the roster and a change here is refused."""
    if person.roster_synced:
        raise ValidationError(_("Your department, team, location and title come from HR."))
    for obj in (department, team, location):
        _same_org(person, obj)
    person.department, person.team, person.location = department, team, location
    person.title = title.strip()[:200]
    person.save(update_fields=["department", "team", "location", "title", "updated_at"])
    return person


def _colleague(person: Person, other: Person) -> None:
    if other.pk == person.pk:
        raise ValidationError(_("That is you."))
    _same_org(person, other)


def person_block(*, person: Person, other: Person) -> BlockedPair:
    """Add someone to the person's private "please don't pair me with" list. Nobody
    else sees the list; the engine treats it as a blocked pair both ways."""
    _colleague(person, other)
    pair, _created = BlockedPair.objects.get_or_create(
        person=person, other=other, defaults={"organization_id": person.organization_id}
    )
    return pair


def person_unblock(*, person: Person, other_id: int) -> bool:
    deleted, _ = BlockedPair.objects.filter(
        organization_id=person.organization_id, person=person, other_id=other_id
    ).delete()
    return bool(deleted)


def person_keep_in_touch(*, person: Person, other: Person, keep: bool) -> bool:
    """Mark (or unmark) someone the person met as worth keeping in touch with.
    Private to the person; returns the new state."""
    _colleague(person, other)
    if keep:
        KeepInTouch.objects.get_or_create(
            person=person, other=other, defaults={"organization_id": person.organization_id}
        )
    else:
        KeepInTouch.objects.filter(person=person, other=other).delete()
    return keep


# Reads for the preference pages -------------------------------------------------


def interest_suggestions(*, person: Person, limit: int = 12, sample: int = 500) -> list[str]:
    """Colleagues' most common interests the person does not have yet. Reads the
    interests of at most ``sample`` recently added colleagues (one bounded query),
    so it costs the same in a company of 50 or of 100,000."""
    rows = (
        Person.objects.filter(organization_id=person.organization_id, active=True)
        .exclude(pk=person.pk)
        .order_by("-pk")
        .values_list("interests", flat=True)[:sample]
    )
    counts: Counter[str] = Counter()
    for interests in rows:
        if isinstance(interests, list):
            counts.update({str(i).strip().lower() for i in interests if str(i).strip()})
    mine = {i.lower() for i in person.interests}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [tag for tag, _ in ranked if tag not in mine][:limit]


def colleague_search(*, person: Person, query: str, limit: int = 10) -> list[Person]:
    """Active colleagues whose name contains the words typed or whose e-mail starts
    with it (for the "don't pair me with" list); never the person, never another
    organization."""
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    condition = Q(email__istartswith=query)
    name = Q()
    for word in query.split()[:4]:
        name &= Q(name__icontains=word)
    condition |= name
    return list(
        Person.objects.filter(organization_id=person.organization_id, active=True)
        .filter(condition)
        .exclude(pk=person.pk)
        .select_related("department", "location")
        .order_by("name", "email")[:limit]
    )


def blocked_people(*, person: Person) -> list[Person]:
    return [
        pair.other
        for pair in BlockedPair.objects.filter(
            organization_id=person.organization_id, person=person
        )
        .select_related("other__department", "other__location")
        .order_by("other__name")
    ]
