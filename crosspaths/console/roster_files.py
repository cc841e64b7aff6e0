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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _

from crosspaths.matching.roster import ROSTER_COLUMNS

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # about 130,000 rows of a typical roster


@dataclass(frozen=True)
class UploadLimits:
    """How much of an upload the reader will look at before refusing it.

    An upload is read inside a web request, so a small file must never make the server
    read gigabytes (a zip bomb), materialise a million empty rows (a sheet that declares
    A1:XFD1048576) or hold one enormous cell. Every limit is checked while streaming, so
    a refused file costs no more than the limits themselves."""

    file_bytes: int = MAX_UPLOAD_BYTES
    # What a workbook's zip directory says its parts unpack to, all together.
    uncompressed_bytes: int = 100 * 1024 * 1024
    parts: int = 1_000  # files inside a workbook
    rows: int = 200_000  # data rows, the header not counted
    columns: int = 200
    cells: int = 4_000_000  # rows x columns, empty cells included
    cell_chars: int = 2_000


LIMITS = UploadLimits()

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
    "title": ("title", "job title", "position", "jobtitel", "stellenbezeichnung"),
    "language": (
        "language",
        "preferred language",
        "e mail language",
        "correspondence language",
        "locale",
        "korrespondenzsprache",
    ),
}


class RosterFileError(Exception):
    """The upload cannot be read at all (not a spreadsheet, not UTF-8, no header...).

    ``bytes_read`` says how much of a workbook's XML was read before the refusal (None
    when the refusal came before reading any), so tests and benchmarks can see that a
    bomb was stopped early."""

    def __init__(self, message: str, *, bytes_read: int | None = None) -> None:
        super().__init__(message)
        self.bytes_read = bytes_read


def normalize(header: str) -> str:
    """``"E-Mail Address "`` -> ``"e mail address"``: case, accents and punctuation fold."""
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def read_upload(
    name: str, data: bytes, *, limits: UploadLimits = LIMITS
) -> tuple[list[str], str, int]:
    """Read an uploaded roster; return its header, its rows as comma-separated CSV text
    (header first, one physical line per spreadsheet row) and the number of data rows.
    Raises RosterFileError naming the file and where, without reading past ``limits``."""
    if len(data) > limits.file_bytes:
        raise RosterFileError(
            _("The file is larger than %(limit)d MB; split it or remove unused columns.")
            % {"limit": limits.file_bytes // (1024 * 1024)}
        )
    if name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        numbered = _xlsx_rows(name, data, limits)
    elif name.lower().endswith(".xls"):
        raise RosterFileError(
            _("Old Excel files (.xls) cannot be read; save the sheet as .xlsx or CSV.")
        )
    else:
        numbered = _csv_rows(name, data)
    rows = (values for _number, values in _within_limits(name, numbered, limits))
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


def _where(name: str, row: int, column: int | None = None) -> str:
    """ "staff.xlsx, row 7, column C": the place as a spreadsheet shows it."""
    if column is None:
        return _("%(file)s, row %(row)d") % {"file": name, "row": row}
    return _("%(file)s, row %(row)d, column %(column)s") % {
        "file": name,
        "row": row,
        "column": _column_letters(column),
    }


def _too_many_rows(name: str, row: int, limits: UploadLimits, **kwargs: Any) -> RosterFileError:
    return RosterFileError(
        _("%(where)s: the file has more than %(limit)s rows; split it into smaller files.")
        % {"where": _where(name, row), "limit": f"{limits.rows:,}"},
        **kwargs,
    )


def _too_many_columns(
    name: str, row: int, column: int, limits: UploadLimits, **kwargs: Any
) -> RosterFileError:
    return RosterFileError(
        _("%(where)s: the file has more than %(limit)d columns; remove the ones not needed.")
        % {"where": _where(name, row, column), "limit": limits.columns},
        **kwargs,
    )


def _too_many_cells(name: str, row: int, limits: UploadLimits, **kwargs: Any) -> RosterFileError:
    return RosterFileError(
        _(
            "%(where)s: the file has more than %(limit)s cells (rows times columns, empty ones "
            "included); remove unused columns or split it."
        )
        % {"where": _where(name, row), "limit": f"{limits.cells:,}"},
        **kwargs,
    )


def _cell_too_long(
    name: str, row: int, column: int, limits: UploadLimits, **kwargs: Any
) -> RosterFileError:
    return RosterFileError(
        _("%(where)s: the cell is longer than %(limit)s characters.")
        % {"where": _where(name, row, column), "limit": f"{limits.cell_chars:,}"},
        **kwargs,
    )


def _within_limits(
    name: str, numbered: Iterable[tuple[int, list[str]]], limits: UploadLimits
) -> Iterator[tuple[int, list[str]]]:
    """Pass rows through while they stay inside the limits; stop at the first that does
    not, naming its row and column. The header is row 1."""
    cells = 0
    for index, (number, values) in enumerate(numbered):
        if index > limits.rows:
            raise _too_many_rows(name, number, limits)
        if len(values) > limits.columns:
            raise _too_many_columns(name, number, limits.columns + 1, limits)
        cells += len(values)
        if cells > limits.cells:
            raise _too_many_cells(name, number, limits)
        for column, value in enumerate(values, start=1):
            if len(value) > limits.cell_chars:
                raise _cell_too_long(name, number, column, limits)
            if "\x00" in value:
                raise RosterFileError(
                    _("%(where)s: the cell contains a NUL character; remove it and upload again.")
                    % {"where": _where(name, number, column)}
                )
        yield number, values


def _csv_rows(name: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) per record of a UTF-8 CSV in any of the common dialects."""
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
    return _csv_records(name, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _csv_records(name: str, reader: Any) -> Iterator[tuple[int, list[str]]]:
    start = 1
    try:
        for values in reader:
            yield start, values
            start = reader.line_num + 1
    except csv.Error as e:  # a cell beyond the csv module's own field size limit
        raise RosterFileError(
            _("%(where)s: the file cannot be read as CSV (%(error)s).")
            % {"where": _where(name, reader.line_num), "error": e}
        ) from None


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


def _not_a_workbook(error: object) -> RosterFileError:
    return RosterFileError(
        _("The file could not be read as an Excel workbook (%(error)s).") % {"error": error}
    )


def _xlsx_rows(name: str, data: bytes, limits: UploadLimits) -> Iterator[tuple[int, list[str]]]:
    """(row number, values) of the first worksheet; an empty spreadsheet row stays an
    empty row so row numbers match what Excel shows.

    Three gates before openpyxl sees the file: the zip directory's declared sizes (a
    zip never unpacks beyond them: ``zipfile`` stops at the declared size), then one
    streaming pass over every XML part that refuses DTDs and entities and stops at the
    first row, column, cell or declared dimension beyond the limits. Only then does
    openpyxl (read-only, with defusedxml) read the values."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as e:
        raise _not_a_workbook(e) from None
    unpacked = sum(p.file_size for p in parts)
    if len(parts) > limits.parts or unpacked > limits.uncompressed_bytes:
        raise RosterFileError(
            _(
                "%(file)s unpacks to %(size)s MB in %(parts)d parts; the limit is %(limit)d MB. "
                "Save the sheet alone as a new workbook, or as CSV."
            )
            % {
                "file": name,
                "size": f"{unpacked / 2**20:,.0f}",
                "parts": len(parts),
                "limit": limits.uncompressed_bytes // 2**20,
            },
            bytes_read=0,
        )
    scan = _Scan(name, limits)
    for part in parts:
        _scan_part(name, archive, part, scan)
    try:
        yield from _xlsx_values(data)
    except RosterFileError:
        raise
    except Exception as e:  # any parser failure on untrusted input means "unreadable"
        raise _not_a_workbook(e) from None


def _xlsx_values(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # openpyxl costs ~120 ms at import (python -X importtime); only XLSX uploads need it.
    from openpyxl import load_workbook  # noqa: PLC0415 - start-up cost, not a cycle

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise RosterFileError(_("The workbook has no sheets."))
        # The declared dimension was checked while scanning; forgetting it keeps openpyxl
        # from padding every row to it (rows end at their last real cell).
        sheet.reset_dimensions()
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
    finally:
        book.close()
    while rows and not any(v for v in rows[-1]):
        rows.pop()
    yield from enumerate(rows, start=1)


CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})$")
CHUNK = 64 * 1024


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def _column_letters(index: int) -> str:
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Scan:
    """Expat callbacks that walk one XML part of a workbook and raise at the first
    thing beyond the limits. Keeps counters only, never the document."""

    def __init__(self, name: str, limits: UploadLimits) -> None:
        self.name, self.limits = name, limits
        self.read = 0  # bytes of workbook XML read so far (set by the caller)
        self.row = self.rows_seen = self.column = self.cells = self.text = 0
        self.in_text = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "row":
            self.cells += self.column  # openpyxl fills a row up to its last cell
            number = attrs.get("r", "")
            self.row = int(number) if number.isascii() and number.isdigit() else self.row + 1
            self.rows_seen += 1
            self.column = 0
            if max(self.row, self.rows_seen) > self.limits.rows + 1:
                where = max(self.row, self.rows_seen)
                raise _too_many_rows(self.name, where, self.limits, bytes_read=self.read)
            if self.cells > self.limits.cells:
                raise _too_many_cells(self.name, self.row, self.limits, bytes_read=self.read)
        elif local == "c":
            match = CELL_REF.match(attrs.get("r", ""))
            self.column = _column_index(match.group(1)) if match else self.column + 1
            if self.column > self.limits.columns:
                raise _too_many_columns(
                    self.name, self.row, self.column, self.limits, bytes_read=self.read
                )
        elif local in ("v", "t"):
            self.in_text, self.text = True, 0
        elif local == "dimension":
            self._check_dimension(attrs.get("ref", ""))

    def end(self, tag: str) -> None:
        if tag.rpartition(":")[2] in ("v", "t"):
            self.in_text = False

    def chars(self, text: str) -> None:
        if self.in_text:
            self.text += len(text)
            if self.text > self.limits.cell_chars:
                raise _cell_too_long(
                    self.name,
                    max(self.row, 1),
                    max(self.column, 1),
                    self.limits,
                    bytes_read=self.read,
                )

    def _check_dimension(self, ref: str) -> None:
        """Refuse an absurd declared size ("A1:XFD1048576") before reading any row."""
        last = CELL_REF.match(ref.rpartition(":")[2])
        if last is None:
            return
        rows, columns = int(last.group(2)), _column_index(last.group(1))
        if rows > self.limits.rows + 1 or columns > self.limits.columns:
            raise RosterFileError(
                _(
                    "%(file)s: the sheet says it spans %(ref)s (%(rows)s rows, %(columns)s "
                    "columns); the limits are %(max_rows)s rows and %(max_columns)d columns. "
                    "Copy the used cells into a new workbook."
                )
                % {
                    "file": self.name,
                    "ref": ref[:40],
                    "rows": f"{rows:,}",
                    "columns": f"{columns:,}",
                    "max_rows": f"{self.limits.rows:,}",
                    "max_columns": self.limits.columns,
                },
                bytes_read=self.read,
            )


def _forbidden(*_args: object) -> None:
    """What defusedxml does with DTDs and entities: refuse them (no billion laughs, no
    external entities). A workbook never needs either."""
    raise ValueError("DTDs and entities are not allowed")


def _looks_like_xml(head: bytes) -> bool:
    """Whether a part starts like an XML document (UTF-8 or UTF-16, with or without BOM)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<"


def _scan_part(name: str, archive: zipfile.ZipFile, part: zipfile.ZipInfo, scan: _Scan) -> None:
    """Stream one XML part through expat in 64 kB chunks, counting bytes as they come."""
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.chars
    parser.StartDoctypeDeclHandler = _forbidden
    parser.EntityDeclHandler = _forbidden
    parser.UnparsedEntityDeclHandler = _forbidden
    parser.ExternalEntityRefHandler = _forbidden  # type: ignore[assignment]  # expat's handler returns an int; ours refuses by raising
    scan.row = scan.rows_seen = scan.column = scan.cells = 0
    try:
        with archive.open(part) as stream:
            chunk = stream.read(CHUNK)
            scan.read += len(chunk)
            if not _looks_like_xml(chunk):
                return  # an image or a VBA project; openpyxl reads no rows from it
            while chunk:
                parser.Parse(chunk, False)
                chunk = stream.read(CHUNK)
                scan.read += len(chunk)
            parser.Parse(b"", True)
    except RosterFileError:
        raise
    except (
        expat.ExpatError,
        zipfile.BadZipFile,
        ValueError,
        OSError,
        EOFError,
        RuntimeError,  # an encrypted part
        NotImplementedError,  # a compression method zipfile does not know
    ) as e:
        raise RosterFileError(
            _("%(file)s: the part %(part)s of the workbook is broken (%(error)s).")
            % {"file": name, "part": part.filename[:100], "error": e},
            bytes_read=scan.read,
        ) from None


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """{roster column: file header} for every header that is or resembles a roster column.
    A header that is a column's own name goes to that column before any synonym is
    tried: "language" is the ``language`` column, not a synonym of ``languages``."""
    by_norm = {normalize(h): h for h in headers if h}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for exact in (True, False):
        for column in ROSTER_COLUMNS:
            if column in mapping:
                continue
            candidates = (column,) if exact else SYNONYMS.get(column, ())
            for candidate in candidates:
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
