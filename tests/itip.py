"""A strict reader of the calendar objects Crosspaths sends: icalendar's parser plus the
rules of RFC 5545 (iCalendar), RFC 5546 (iTIP) and RFC 6047 (iMIP) that calendar clients
rely on to treat a message as a meeting. Each rule names the section it comes from;
a failure says which rule and what was found.

``itip_event`` checks one calendar object; ``imip_calendar`` finds the calendar part
of an e-mail as a client does (a ``text/calendar`` alternative of the body) and checks
the MIME side too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

from icalendar import Calendar, Event

# RFC 5546 §3.2: per method, which VEVENT properties must be there (1) and which must not (0).
REQUIRED = {
    "REQUEST": ("ATTENDEE", "DTSTAMP", "DTSTART", "ORGANIZER", "SEQUENCE", "SUMMARY", "UID"),
    "CANCEL": ("ATTENDEE", "DTSTAMP", "ORGANIZER", "SEQUENCE", "UID"),
    "PUBLISH": ("DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID"),
}
FORBIDDEN = {"REQUEST": (), "CANCEL": (), "PUBLISH": ("ATTENDEE",)}


class NotAMeeting(AssertionError):
    pass


def _rule(ok: object, rule: str, found: object = "") -> None:
    if not ok:
        raise NotAMeeting(f"{rule}" + (f" (found: {found!r})" if found != "" else ""))


def _content_lines(data: bytes) -> None:
    """RFC 5545 §3.1: CRLF line ends, lines folded at 75 octets, UTF-8."""
    _rule(data.endswith(b"\r\n"), "§3.1 content lines end with CRLF")
    data.decode("utf-8")  # §3.1.4: UTF-8 (raises otherwise)
    for line in data.split(b"\r\n"):
        _rule(b"\n" not in line and b"\r" not in line, "§3.1 a bare CR or LF", line[:40])
        _rule(len(line) <= 75, "§3.1 lines longer than 75 octets are folded", line[:40])


def _tzids(event: Event) -> set[str]:
    return {
        str(value.params["TZID"])
        for values in event.values()
        for value in (values if isinstance(values, list) else [values])
        if hasattr(value, "params") and "TZID" in value.params
    }


def _timezones(cal: Calendar, event: Event) -> None:
    """RFC 5545 §3.6.5: every TZID used has its VTIMEZONE, each with at least one
    STANDARD or DAYLIGHT rule giving its offsets."""
    defined = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    for tzid in _tzids(event):
        _rule(tzid in defined, "§3.2.19 a TZID parameter needs its VTIMEZONE", tzid)
        rules = defined[tzid].walk("STANDARD") + defined[tzid].walk("DAYLIGHT")
        _rule(rules, "§3.6.5 a VTIMEZONE has a STANDARD or DAYLIGHT", tzid)
        for rule in rules:
            for name in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
                _rule(name in rule, f"§3.6.5 {name} in every STANDARD/DAYLIGHT", tzid)


def _addresses(event: Event, name: str) -> list:
    value = event.get(name, [])
    return value if isinstance(value, list) else [value]


def itip_event(
    data: bytes,
    *,
    method: str,
    now: datetime,
    attendees: set[str] | None = None,
    organizer: str | None = None,
) -> Event:
    """The one VEVENT of an iTIP object with ``method``, checked; ``now`` is the
    sending moment (a REQUEST's DTSTART must be after it), ``attendees`` the members'
    addresses, ``organizer`` the expected ORGANIZER address."""
    _content_lines(data)
    cal = Calendar.from_ical(data)
    _rule(not cal.errors, "icalendar parses the VCALENDAR without errors", cal.errors)
    _rule(str(cal.get("VERSION")) == "2.0", "§3.7.4 VERSION:2.0", cal.get("VERSION"))
    _rule(cal.get("PRODID"), "§3.7.3 PRODID is present")
    _rule(str(cal.get("METHOD")) == method, f"RFC 5546 §1.4 METHOD:{method}", cal.get("METHOD"))
    events = cal.walk("VEVENT")
    _rule(len(events) == 1, "one VEVENT per invitation", len(events))
    (event,) = events
    _rule(not event.errors, "icalendar parses the VEVENT without errors", event.errors)
    for name in REQUIRED[method]:
        _rule(name in event, f"RFC 5546 §3.2 {method} requires {name}")
    for name in FORBIDDEN[method]:
        _rule(name not in event, f"RFC 5546 §3.2 {method} carries no {name}")
    for name in ("UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "ORGANIZER", "STATUS"):
        _rule(not isinstance(event.get(name), list), f"§3.6.1 {name} at most once")

    stamp = event.decoded("DTSTAMP")
    _rule(
        stamp.tzinfo is not None and stamp.utcoffset().total_seconds() == 0,
        "§3.8.7.2 DTSTAMP in UTC",
    )
    _rule(
        event["DTSTAMP"].to_ical().endswith(b"Z"),
        "§3.8.7.2 DTSTAMP in UTC form",
        event["DTSTAMP"].to_ical(),
    )
    _rule(int(event.get("SEQUENCE", 0)) >= 0, "§3.8.7.4 SEQUENCE is a non-negative integer")

    organizer_value = event["ORGANIZER"]
    _rule(str(organizer_value).lower().startswith("mailto:"), "§3.8.4.3 ORGANIZER is a mailto URI")
    if organizer is not None:
        _rule(
            str(organizer_value) == f"mailto:{organizer}",
            "ORGANIZER is the sender",
            str(organizer_value),
        )
    found = [str(a) for a in _addresses(event, "ATTENDEE")]
    _rule(
        str(organizer_value) not in found, "the ORGANIZER is not invited to their own event", found
    )
    if method != "PUBLISH" and attendees is not None:
        _rule(
            sorted(found) == sorted(f"mailto:{a}" for a in attendees),
            "one ATTENDEE per member",
            found,
        )
    for attendee in _addresses(event, "ATTENDEE"):
        _rule(attendee.params.get("CN"), "§3.2.2 every ATTENDEE has a CN", str(attendee))
        if method == "REQUEST":
            _rule(attendee.params.get("RSVP") == "TRUE", "RFC 5546 §3.2.2 RSVP=TRUE", str(attendee))
            _rule(
                attendee.params.get("PARTSTAT") == "NEEDS-ACTION",
                "PARTSTAT=NEEDS-ACTION",
                str(attendee),
            )

    if "DTSTART" in event:
        start = event.decoded("DTSTART")
        _rule(
            isinstance(start, datetime) and start.tzinfo is not None,
            "DTSTART is a time with a zone (not floating)",
            start,
        )
        if method in ("REQUEST", "PUBLISH"):
            _rule(start > now.astimezone(UTC), "DTSTART is in the future when sent", (start, now))
        if "DTEND" in event:
            _rule(event.decoded("DTEND") > start, "§3.8.2.2 DTEND after DTSTART")
    if method == "CANCEL":
        _rule(str(event.get("STATUS")) == "CANCELLED", "RFC 5546 §3.2.5 STATUS:CANCELLED")
    _timezones(cal, event)
    return event


def imip_calendar(mail: EmailMessage) -> tuple[str, bytes] | None:
    """The calendar object of an e-mail as calendar clients find it (RFC 6047): a
    ``text/calendar`` part among the body's alternatives, ``method`` parameter equal
    to its METHOD, a charset; the ``application/ics`` attachment, if any, is the same
    object. Returns (method, data), or None when the mail carries no invitation."""
    calendars = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    files = [p for p in mail.walk() if p.get_content_type() == "application/ics"]
    if not calendars:
        _rule(not files, "an .ics attachment without a text/calendar part", len(files))
        return None
    _rule(len(calendars) == 1, "one text/calendar part per message", len(calendars))
    (part,) = calendars
    alternative = next(p for p in mail.walk() if p.is_multipart() and part in p.get_payload())
    _rule(
        alternative.get_content_type() == "multipart/alternative",
        "RFC 6047 §2.4 the text/calendar part is an alternative of the body",
        alternative.get_content_type(),
    )
    kinds = [p.get_content_type() for p in alternative.get_payload()]
    _rule(
        kinds == ["text/plain", "text/html", "text/calendar"],
        "plain, HTML, calendar: the richest last",
        kinds,
    )
    _rule(
        part.get_content_disposition() is None,
        "the calendar alternative is inline, not an attachment",
    )
    method = part.get_param("method")
    _rule(method, "RFC 6047 §2.4 Content-Type has a method parameter")
    _rule(str(part.get_param("charset")).lower() == "utf-8", "RFC 5545 §8.1 charset=utf-8")
    data = part.get_payload(decode=True)
    cal = Calendar.from_ical(data)
    _rule(
        str(cal.get("METHOD")) == method,
        "RFC 6047 §2.4 MIME method = METHOD",
        (method, cal.get("METHOD")),
    )
    if files:
        (attachment,) = files
        _rule(attachment.get_payload(decode=True) == data, "the .ics attachment is the same object")
    return str(method), data
