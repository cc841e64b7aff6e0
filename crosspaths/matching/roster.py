"""Reading and validating roster files (the CLI contract's ROSTER.csv format).

Pure Python, no Django: the matching CLI and ``manage.py import_people`` share
this reader so a file is judged the same way everywhere. The reader never stops
at the first problem; it collects every problem with its row and column, because
an HR admin fixing a spreadsheet wants the whole list at once.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import methodcaller
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

ROSTER_COLUMNS = (
    "id",
    "name",
    "email",
    "department",
    "team",
    "location",
    "level",
    "manager_id",
    "start_date",
    "timezone",
    "languages",
    "interests",
    "active",
    "title",  # job title, shown on match cards
    "language",  # the language of the person's e-mails and pages (one code, e.g. "de")
    "country",  # of the person's location, for public holidays: "DE" or "DE-BY"
)

# A language is a BCP 47 tag's shape: "de", "en", "pt-BR", "zh-Hant".
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TRUE_VALUES = {"true", "yes", "1", "y"}
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FALSE_VALUES = {"false", "no", "0", "n"}
_T = TypeVar("_T")


@dataclass(frozen=True)
class RosterProblem:
    """One thing wrong with an input file, located precisely enough to fix it."""

    file: str
    row: int | None  # 1-based line number in the file (the header is row 1)
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RosterRow:
    """One person as a roster file describes them; only ``id`` is required."""

    id: str
    row: int
    name: str = ""
    email: str = ""
    department: str = ""
    team: str = ""
    location: str = ""
    level: int | None = None
    manager_id: str = ""
    start_date: date | None = None
    timezone: str = ""
    languages: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    active: bool = True
    title: str = ""
    language: str = ""
    country: str = ""  # "DE" or "DE-BY": the location's country and subdivision
    present: frozenset[str] = field(default_factory=frozenset)  # columns the file had


class RosterError(Exception):
    """Raised with every problem found when a roster cannot be used."""

    def __init__(self, problems: list[RosterProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_KNOWN_ZONES: frozenset[str] | None = None


def is_holiday_place(code: str) -> bool:
    """True for "DE" or "DE-BY": a country (and subdivision) the ``holidays`` package
    knows, so a location's public holidays can be looked up.

    Parameters
    ----------
    code : str
        An upper-case country code, optionally ``-`` and a subdivision code.

    Returns
    -------
    bool

    Notes
    -----
    O(1) after the package's first list of countries.
    """
    # holidays costs ~37 ms at import, +28% on the engine CLI's start (134 ms).
    import holidays  # noqa: PLC0415 - start-up cost, not a cycle

    country, _, subdivision = code.partition("-")
    known = holidays.list_supported_countries()
    return country in known and (not subdivision or subdivision in known[country])


def is_timezone(name: str) -> bool:
    """True for an IANA time zone name known to this machine's tz database.

    Parameters
    ----------
    name : str
        E.g. ``Europe/Berlin``.

    Returns
    -------
    bool

    Notes
    -----
    O(1): the known names are read once per process; a name not among them is
    tried with ``ZoneInfo`` (links and legacy names).
    """
    global _KNOWN_ZONES
    if _KNOWN_ZONES is None:
        _KNOWN_ZONES = frozenset(available_timezones())
    if name in _KNOWN_ZONES:
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def split_list(value: str) -> list[str]:
    """Split a ``;``-separated cell; an empty cell is an empty list.

    Parameters
    ----------
    value : str
        The cell.

    Returns
    -------
    list of str
        The parts, stripped (empty parts kept, for the callers to judge).

    Notes
    -----
    O(len(value)).
    """
    value = value.strip()
    if not value:
        return []
    return [part.strip() for part in value.split(";")]


def parse_languages(value: str) -> tuple[str, ...]:
    """Parse ``de;en`` into ``("de", "en")``; raise ValueError naming the bad part.

    Parameters
    ----------
    value : str
        The ``languages`` cell.

    Returns
    -------
    tuple of str
        The language tags, de-duplicated, in the cell's order.

    Raises
    ------
    ValueError
        For an empty entry or a part that is not a language tag.

    Notes
    -----
    O(len(value)).
    """
    parts = split_list(value)
    if any(not p for p in parts):
        raise ValueError(f"empty entry in language list '{value}' (separate languages with ';')")
    bad = [p for p in parts if not LANGUAGE_RE.match(p)]
    if bad:
        raise ValueError(
            f"'{bad[0]}' is not a language code (use ISO 639-1 codes such as 'en' or 'de')"
        )
    return tuple(dict.fromkeys(parts))


def parse_interests(value: str) -> tuple[str, ...]:
    """Parse ``cycling;chess`` into lower-cased, de-duplicated tags, skipping blanks.

    Parameters
    ----------
    value : str
        The ``interests`` cell.

    Returns
    -------
    tuple of str
        In the cell's order.

    Notes
    -----
    O(len(value)).
    """
    return tuple(dict.fromkeys(p.lower() for p in split_list(value) if p))


def parse_bool(value: str) -> bool:
    """``true``/``yes``/``1``/``y`` or ``false``/``no``/``0``/``n``, any case.

    Parameters
    ----------
    value : str
        The ``active`` cell.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        For anything else.

    Notes
    -----
    O(len(value)).
    """
    v = value.strip().lower()
    if v in TRUE_VALUES:
        return True
    if v in FALSE_VALUES:
        return False
    raise ValueError(f"'{value}' is not true or false")


def _runs_as_formula(text: str) -> bool:
    if not text.startswith(FORMULA_START):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False  # "-5" is a number, not a formula


def escape_formula(text: str) -> str:
    """What an export writes: a leading apostrophe before text a spreadsheet would run
    as a formula. Text that already starts with apostrophes before such text gets one
    more, so ``unescape_formula`` can always undo exactly what was added.

    Parameters
    ----------
    text : str
        A cell's value.

    Returns
    -------
    str

    Notes
    -----
    O(len(text)).
    """
    return "'" + text if _runs_as_formula(text.lstrip("'")) else text


def unescape_formula(text: str) -> str:
    """What an import reads: the inverse of ``escape_formula``, so an exported roster
    uploaded again unchanged changes nobody.

    Parameters
    ----------
    text : str
        A cell's value as read.

    Returns
    -------
    str

    Notes
    -----
    O(len(text)).
    """
    if text.startswith("'") and _runs_as_formula(text.lstrip("'")):
        return text[1:]
    return text


def read_csv_text(path: str | Path) -> str:
    """Read a CSV file as text, accepting UTF-8 with or without a byte-order mark.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str
        The text with line ends as in the file (``newline=""``: CSV decides).

    Raises
    ------
    FileNotFoundError, UnicodeDecodeError
        The callers turn them into a ``RosterProblem``.

    Notes
    -----
    O(file size).
    """
    with open(path, encoding="utf-8-sig", newline="") as f:
        return f.read()


def iter_csv_rows(text: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Return the header and an iterator of (line number, row dict) for CSV text.

    Parameters
    ----------
    text : str
        The whole file.

    Returns
    -------
    header : list of str
        Column names, stripped and lower-cased.
    rows : iterator of (int, dict of str to str)
        Per non-blank row: its line number and its cells by column, stripped, with
        escaped formulas unescaped.

    Notes
    -----
    O(text), lazily.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], iter(())

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            # Only a cell starting with an apostrophe can be an escaped formula.
            cells = [v if v[:1] != "'" else unescape_formula(v) for v in map(str.strip, values)]
            yield reader.line_num, dict(zip(header, cells, strict=False))

    return header, rows()


def parse_roster(
    text: str,
    *,
    file: str = "roster",
    known_ids: Collection[str] = (),
    warnings: list[RosterProblem] | None = None,
) -> list[RosterRow]:
    """Parse and validate roster CSV text; raise RosterError listing every problem.

    Checks: an ``id`` column, unique ids, unique e-mails, well-formed levels, dates,
    time zones, language lists and ``active`` values, and managers that exist in
    the same file (or among ``known_ids``, the people an import already has).
    HR systems often export a subset whose managers are outside it: a caller that
    passes a ``warnings`` list gets such unknown managers there instead of as
    problems (the manager rule then holds for the managers who are in the file).

    Parameters
    ----------
    text : str
        The roster CSV (only the ``id`` column is required; see ``ROSTER_COLUMNS``).
    file : str
        The name problems are reported under.
    known_ids : collection of str
        Ids that exist outside the file (valid managers).
    warnings : list of RosterProblem, optional
        Receives unknown managers as warnings instead of problems.

    Returns
    -------
    list of RosterRow
        One per non-blank row, in file order.

    Raises
    ------
    RosterError
        With every problem found, each with its row and column.

    Notes
    -----
    O(rows). A plain, valid file (what ``csv.writer`` writes) is read by columns,
    each distinct value checked once (``_parse_plain``); anything else, and every
    file with a problem, row by row, which names each problem in row order.
    """
    fast = _parse_plain(text, file, known_ids, warnings)
    if fast is not None:
        return fast
    header, raw_rows = iter_csv_rows(text)
    problems: list[RosterProblem] = []
    if "id" not in header:
        raise RosterError([RosterProblem(file, 1, "id", "the header has no 'id' column")])
    present = frozenset(h for h in header if h in ROSTER_COLUMNS)
    rows: list[RosterRow] = []
    seen_ids: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for line, raw in raw_rows:

        def problem(column: str, message: str, line: int = line) -> None:
            problems.append(RosterProblem(file, line, column, message))

        pid = raw.get("id", "")
        if not pid:
            problem("id", "the id is empty")
        elif pid in seen_ids:
            problem("id", f"duplicate id '{pid}' (first used in row {seen_ids[pid]})")
        else:
            seen_ids[pid] = line
        email = raw.get("email", "").lower()
        if email:
            if not EMAIL_RE.match(email):
                problem("email", f"'{email}' is not an e-mail address")
            elif email in seen_emails:
                problem(
                    "email", f"duplicate e-mail '{email}' (first used in row {seen_emails[email]})"
                )
            else:
                seen_emails[email] = line
        level: int | None = None
        if raw.get("level"):
            try:
                level = int(raw["level"])
            except ValueError:
                problem("level", f"'{raw['level']}' is not a whole number")
        start: date | None = None
        if raw.get("start_date"):
            try:
                start = date.fromisoformat(raw["start_date"])
            except ValueError:
                problem("start_date", f"'{raw['start_date']}' is not a date (use YYYY-MM-DD)")
        tz = raw.get("timezone", "")
        if tz and not is_timezone(tz):
            problem(
                "timezone",
                f"'{tz}' is not a known time zone (use an IANA name such as 'Europe/Berlin')",
            )
        languages: tuple[str, ...] = ()
        try:
            languages = parse_languages(raw.get("languages", ""))
        except ValueError as e:
            problem("languages", str(e))
        language = raw.get("language", "").lower()
        if language and not LANGUAGE_RE.match(language):
            problem(
                "language", f"'{raw['language']}' is not a language code (such as 'en' or 'de')"
            )
        country = raw.get("country", "").strip().upper()
        if country and not is_holiday_place(country):
            problem(
                "country",
                f"'{raw['country']}' is not a country the holiday calendar knows "
                "(use a code such as 'DE', or 'DE-BY' for a state)",
            )
        active = True
        if raw.get("active"):
            try:
                active = parse_bool(raw["active"])
            except ValueError as e:
                problem("active", str(e))
        rows.append(
            RosterRow(
                id=pid,
                row=line,
                name=raw.get("name", ""),
                email=email,
                department=raw.get("department", ""),
                team=raw.get("team", ""),
                location=raw.get("location", ""),
                level=level,
                manager_id=raw.get("manager_id", ""),
                start_date=start,
                timezone=tz,
                languages=languages,
                interests=parse_interests(raw.get("interests", "")),
                active=active,
                title=raw.get("title", ""),
                language=language,
                country=country,
                present=present,
            )
        )
    for r in rows:
        if r.manager_id and r.manager_id not in seen_ids and r.manager_id not in known_ids:
            found = problems if warnings is None else warnings
            text = f"unknown manager id '{r.manager_id}'"
            if warnings is not None:
                text += " (not in this file: the manager rule cannot apply to them)"
            found.append(RosterProblem(file, r.row, "manager_id", text))
        elif r.manager_id and r.manager_id == r.id:
            problems.append(
                RosterProblem(file, r.row, "manager_id", "a person cannot manage themselves")
            )
    if problems:
        raise RosterError(problems)
    return rows


def _memo(parse: Callable[[str], _T]) -> Callable[[str], _T]:
    """``parse`` once per distinct cell: a roster's columns repeat a few values."""
    done: dict[str, _T] = {}

    def once(value: str) -> _T:
        try:
            return done[value]
        except KeyError:
            out = done[value] = parse(value)
            return out

    return once


def _parse_plain(
    text: str,
    file: str,
    known_ids: Collection[str],
    warnings: list[RosterProblem] | None,
) -> list[RosterRow] | None:
    """``parse_roster`` by columns for a file that needs no CSV parser and has no
    problem; None for anything else (the row-by-row reader then finds every problem,
    in its order).

    Plain means what ``csv.writer`` writes for ordinary values: no quotes, no lone
    carriage return, no blank or ragged line, no repeated column (cells are stripped
    as the row-by-row reader strips them). Each column's distinct values are checked and parsed once (a roster of
    100,000 has a few thousand start dates, a handful of time zones and language
    lists), so this is about four times faster than the row-by-row reader.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if '"' in text or "\r" in text:
        return None
    head, sep, body = text.partition("\n")
    if body.endswith("\n"):
        body = body[:-1]
    header = [h.strip().lower() for h in head.split(",")]
    width = len(header)
    if not sep or not body or "id" not in header or len(set(header)) != width:
        return None
    lines = body.split("\n")
    if width > 1 and set(map(_count_commas, lines)) != {width - 1}:
        return None
    cells = list(map(str.strip, body.replace("\n", ",").split(",") if width > 1 else lines))
    if "'" in body:
        cells = [v if v[:1] != "'" else unescape_formula(v) for v in cells]
    n = len(lines)
    empty = [""] * n

    def column(name: str) -> list[str]:
        return cells[header.index(name) :: width] if name in header else empty

    ids = column("id")
    if "" in ids or len(set(ids)) != n:
        return None
    try:
        emails = [e.lower() for e in column("email")]
        given = [e for e in emails if e]
        if len(set(given)) != len(given) or not all(map(_memo(EMAIL_RE.match), given)):
            return None
        level = list(map(_memo(lambda v: int(v) if v else None), column("level")))
        start = list(
            map(_memo(lambda v: date.fromisoformat(v) if v else None), column("start_date"))
        )
        zones = column("timezone")
        if not all(map(_memo(lambda z: not z or is_timezone(z)), zones)):
            return None
        languages = list(map(_memo(parse_languages), column("languages")))
        language = [v.lower() for v in column("language")]
        if not all(map(_memo(lambda v: not v or bool(LANGUAGE_RE.match(v))), language)):
            return None
        country = [v.strip().upper() for v in column("country")]
        if not all(map(_memo(lambda v: not v or is_holiday_place(v)), country)):
            return None
        active = list(map(_memo(lambda v: parse_bool(v) if v else True), column("active")))
    except ValueError:
        return None
    managers = column("manager_id")
    present = frozenset(h for h in header if h in ROSTER_COLUMNS)
    rows = list(
        map(
            RosterRow,
            ids,
            range(2, n + 2),
            column("name"),
            emails,
            column("department"),
            column("team"),
            column("location"),
            level,
            managers,
            start,
            zones,
            languages,
            map(_memo(parse_interests), column("interests")),
            active,
            column("title"),
            language,
            country,
            [present] * n,
        )
    )
    seen = set(ids)
    found: list[RosterProblem] = []
    for r in rows:
        if r.manager_id and r.manager_id not in seen and r.manager_id not in known_ids:
            if warnings is None:
                return None
            found.append(
                RosterProblem(
                    file,
                    r.row,
                    "manager_id",
                    f"unknown manager id '{r.manager_id}' "
                    "(not in this file: the manager rule cannot apply to them)",
                )
            )
        elif r.manager_id and r.manager_id == r.id:
            return None
    if warnings is not None:
        warnings.extend(found)
    return rows


_count_commas = methodcaller("count", ",")


def read_roster(
    path: str | Path,
    *,
    known_ids: Collection[str] = (),
    warnings: list[RosterProblem] | None = None,
) -> list[RosterRow]:
    """Read and validate a roster file; raise RosterError for a missing or bad file.

    Parameters
    ----------
    path : str or Path
        ROSTER.csv, UTF-8 with or without a byte-order mark.
    known_ids, warnings
        See ``parse_roster``.

    Returns
    -------
    list of RosterRow

    Raises
    ------
    RosterError
        A missing file, text that is not UTF-8, or every problem of the rows.

    Notes
    -----
    O(rows); see ``parse_roster``.
    """
    name = str(path)
    try:
        text = read_csv_text(path)
    except FileNotFoundError:
        raise RosterError([RosterProblem(name, None, None, "no such file")]) from None
    except UnicodeDecodeError as e:
        raise RosterError(
            [RosterProblem(name, None, None, f"not UTF-8 text ({e.reason} at byte {e.start})")]
        ) from None
    return parse_roster(text, file=name, known_ids=known_ids, warnings=warnings)
