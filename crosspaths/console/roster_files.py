"""Turning an uploaded roster (CSV or XLSX, any column names) into the roster CSV format.

HR systems export whatever headers they like ("Employee ID", "E-Mail", "Vorgesetzter"),
Excel in a German locale separates with semicolons, and a spreadsheet is not a CSV at
all. These functions bring every upload to the one format ``roster_plan`` reads, and
keep each row on its original line number so a problem is reported on the row the
admin sees in their spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from crosspaths.matching.roster import ROSTER_COLUMNS

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # about 130,000 rows of a typical roster

# Other names HR exports use for the roster's columns (compared after normalize()).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "employee id",
        "employee number",
        "personnel number",
        "personalnummer",
        "emp id",
        "staff id",
        "roster id",
        "external id",
    ),
    "name": ("name", "full name", "display name", "employee name", "employee"),
    "email": ("email", "e mail", "mail", "email address", "work email", "business email"),
    "department": ("department", "dept", "abteilung", "division"),
    "team": ("team", "group", "squad"),
    "location": ("location", "office", "site", "standort", "city", "work location"),
    "level": ("level", "grade", "job level", "band", "career level"),
    "manager_id": (
        "manager id",
        "manager",
        "supervisor id",
        "reports to",
        "line manager id",
        "vorgesetzter",
    ),
    "start_date": (
        "start date",
        "hire date",
        "start",
        "joined",
        "date of joining",
        "eintrittsdatum",
        "hired",
    ),
    "timezone": ("timezone", "time zone", "tz", "zeitzone"),
    "languages": ("languages", "language", "spoken languages", "sprachen"),
    "interests": ("interests", "hobbies", "interessen"),
    "active": ("active", "status", "is active", "employed", "aktiv"),
}


class RosterFileError(Exception):
    """The upload cannot be read at all (not a spreadsheet, not UTF-8, no header...)."""


def normalize(header: str) -> str:
    """``"E-Mail Address "`` -> ``"e mail address"``: case, accents and punctuation fold."""
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def read_upload(name: str, data: bytes) -> tuple[list[str], str, int]:
    """Read an uploaded roster; return its header, its rows as comma-separated CSV text
    (header first, one physical line per spreadsheet row) and the number of data rows."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise RosterFileError(
            _("The file is larger than %(limit)d MB; split it or remove unused columns.")
            % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data)
    elif name.lower().endswith(".xls"):
        raise RosterFileError(
            _("Old Excel files (.xls) cannot be read; save the sheet as .xlsx or CSV.")
        )
    else:
        rows = _csv_rows(data)
    rows = iter(rows)
    header = next(rows, None)
    if header is None or not any(h.strip() for h in header):
        raise RosterFileError(_("The file is empty: the first row must name the columns."))
    header = [h.strip() for h in header]
    blanks = [i + 1 for i, h in enumerate(header) if not h]
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if not h:
            continue
        key = h.lower()
        if key in seen:
            raise RosterFileError(
                _("Columns %(first)d and %(second)d are both called '%(name)s'.")
                % {"first": seen[key] + 1, "second": i + 1, "name": h}
            )
        seen[key] = i
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for values in rows:
        if any(v.strip() for v in values):
            count += 1
        writer.writerow(values)
    if blanks and len(blanks) == len(header):
        raise RosterFileError(_("The first row must name the columns."))
    return header, out.getvalue(), count


def _csv_rows(data: bytes) -> Iterable[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RosterFileError(
            _(
                "The file is not UTF-8 text (byte %(byte)d). In Excel choose "
                "“CSV UTF-8” when saving, or upload the .xlsx file."
            )
            % {"byte": e.start}
        ) from None
    if "\x00" in text[:4096]:
        raise RosterFileError(_("This does not look like a CSV file or an Excel workbook."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _cell(value: object) -> str:
    """A spreadsheet cell as the roster format writes it (dates ISO, whole numbers bare)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # A line break inside a cell would shift every later row's line number.
    return " ".join(str(value).split("\n")).strip()


def _xlsx_rows(data: bytes) -> Iterable[list[str]]:
    """The first worksheet's rows; an empty spreadsheet row stays an empty line so row
    numbers match what Excel shows."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise RosterFileError(
            _("The file could not be read as an Excel workbook (%(error)s).") % {"error": e}
        ) from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise RosterFileError(_("The workbook has no sheets."))
    rows: list[list[str]] = []
    expected = 1
    for row in sheet.iter_rows():
        cells = [c for c in row if getattr(c, "row", None) is not None]
        number = cells[0].row if cells else expected
        while expected < number:  # read-only mode skips wholly empty rows
            rows.append([])
            expected += 1
        rows.append([_cell(c.value) for c in row])
        expected = number + 1
    book.close()
    while rows and not any(v for v in rows[-1]):
        rows.pop()
    return rows


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """{roster column: file header} for every header that is or resembles a roster column."""
    by_norm = {normalize(h): h for h in headers if h}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in ROSTER_COLUMNS:
        for candidate in (column, *SYNONYMS.get(column, ())):
            header = by_norm.get(normalize(candidate))
            if header is not None and header not in used:
                mapping[column] = header
                used.add(header)
                break
    return mapping


def is_roster_format(headers: Iterable[str]) -> bool:
    """True when every header is already a roster column (no mapping step needed)."""
    names = [h.strip().lower() for h in headers if h.strip()]
    return "id" in names and all(n in ROSTER_COLUMNS for n in names)


def mapped_text(text: str, headers: list[str], mapping: dict[str, str]) -> str:
    """The upload rewritten with roster column names: mapped columns renamed, the rest
    dropped. Line numbers are unchanged."""
    index = {h: i for i, h in enumerate(headers)}
    columns = [(c, index[mapping[c]]) for c in ROSTER_COLUMNS if mapping.get(c) in index]
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c for c, _ in columns])
    for values in reader:
        if not values:
            writer.writerow([])
            continue
        writer.writerow([values[i] if i < len(values) else "" for _, i in columns])
    return out.getvalue()
