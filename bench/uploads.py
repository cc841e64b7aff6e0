"""Benchmark: what hostile and normal roster uploads cost the server (issue 10, point 6).

    .venv/bin/python bench/uploads.py [--bomb-gb 1]

Each case is read by ``console.roster_files.read_upload`` exactly as the console's
upload view reads it. Printed per case: the upload's size, what it would unpack to,
the answer (rows read or the refusal), the XML bytes the reader read before stopping,
the wall time and the peak Python memory (tracemalloc) of the read. Targets: every
case under 2 s and 200 MB.

Cases:
  zip bomb      an .xlsx whose sheet unpacks to --bomb-gb GB (zip directory honest)
  lying bomb    the same deflate stream, but the zip directory claims 1 MB
  row flood     a sheet inside the size limit with 2,000,000 rows
  dimension     a 2 kB sheet declaring A1:XFD1048576
  huge CSV      a 19 MB CSV of 1,000,000 rows (beyond the 200,000-row limit)
  wide cell     a CSV with one 10 MB cell
  normal xlsx   10,000 people, 13 columns
  normal csv    the same as CSV
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_TAIL = b"</sheetData></worksheet>"


def minimal_xlsx(sheet_parts: Callable[[zipfile.ZipFile], None]) -> bytes:
    """A real, minimal workbook (the four parts Excel needs) whose sheet is written by
    ``sheet_parts``, so the reader gets past every check that is not about size."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
        sheet_parts(target)
    return out.getvalue()


def streamed_sheet(
    rows: bytes, repeat: int, *, level: int = 9
) -> Callable[[zipfile.ZipFile], None]:
    def write(target: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        target.compresslevel = level  # type: ignore[attr-defined]
        with target.open(info, "w", force_zip64=True) as f:
            f.write(SHEET_HEAD)
            for _ in range(repeat):
                f.write(rows)
            f.write(SHEET_TAIL)

    return write


def zip_bomb(gigabytes: float) -> bytes:
    """Rows of one small cell, without row numbers: compresses about 1,000 to 1."""
    chunk = b"<row><c><v>1</v></c></row>" * 40_000  # about 1 MB
    return minimal_xlsx(streamed_sheet(chunk, int(gigabytes * 1024)))


def lying_bomb(honest: bytes) -> bytes:
    """The same archive with the sheet's unpacked size in the central directory (the
    one ``zipfile`` trusts) set to 1 MB."""
    import struct

    data = bytearray(honest)
    archive = zipfile.ZipFile(io.BytesIO(honest))
    at = archive.start_dir  # type: ignore[attr-defined]
    fake = 1024 * 1024
    while data[at : at + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[at + 28 : at + 34])
        name = bytes(data[at + 46 : at + 46 + name_len])
        if name == b"xl/worksheets/sheet1.xml":
            if struct.unpack("<I", data[at + 24 : at + 28])[0] == 0xFFFFFFFF:
                extra = at + 46 + name_len  # zip64 extra: id, size, then uncompressed size
                data[extra + 4 : extra + 12] = struct.pack("<Q", fake)
            else:
                data[at + 24 : at + 28] = struct.pack("<I", fake)
            return bytes(data)
        at += 46 + name_len + extra_len + comment_len
    raise AssertionError("the sheet is not in the central directory")


def row_flood(rows: int) -> bytes:
    chunk = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 1001))
    return minimal_xlsx(streamed_sheet(chunk, rows // 1000, level=6))


def dimension_claim() -> bytes:
    def write(target: zipfile.ZipFile) -> None:
        target.writestr(
            "xl/worksheets/sheet1.xml",
            SHEET_HEAD.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
            + b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
            + SHEET_TAIL,
        )

    return minimal_xlsx(write)


def people_rows(n: int) -> list[list[object]]:
    from datetime import date

    from crosspaths.matching.roster import ROSTER_COLUMNS

    header = list(ROSTER_COLUMNS)
    rows: list[list[object]] = [header]
    for i in range(n):
        rows.append(
            [
                f"E{i:06d}",
                f"Person Number {i}",
                f"person{i}@example.test",
                f"Department {i % 24}",
                f"Team {i % 300}",
                f"Office {i % 6}",
                i % 7 + 1,
                f"E{i // 8:06d}" if i else "",
                date(2015 + i % 10, i % 12 + 1, i % 28 + 1),
                "Europe/Berlin",
                "de;en",
                "cycling;chess",
                "true",
                "Engineer",
                "de" if i % 2 else "en",
            ]
        )
    return rows


def normal_xlsx(n: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()  # as Excel saves: shared strings and a <dimension>
    sheet = book.active
    for row in people_rows(n):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def normal_csv(n: int) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([str(v) for v in row] for row in people_rows(n))
    return out.getvalue().encode()


def unpacked_size(name: str, data: bytes) -> int:
    if not name.endswith(".xlsx"):
        return len(data)
    return sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())


def measure(name: str, data: bytes) -> tuple[str, int | None, float, float, float]:
    """(answer, XML bytes read, wall seconds, CPU seconds, peak MiB) of one read_upload.
    Timed without tracemalloc (it slows allocation several times), then read again
    under tracemalloc for the peak."""
    from crosspaths.console.roster_files import RosterFileError, read_upload

    def read() -> tuple[str, int | None]:
        try:
            _, _, rows = read_upload(name, data)
        except RosterFileError as e:
            return f"refused: {str(e)[:70]}", e.bytes_read
        return f"read {rows:,} rows", None

    started, cpu = time.perf_counter(), time.process_time()
    answer, read_bytes = read()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    tracemalloc.start()
    read()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return answer, read_bytes, seconds, cpu_seconds, peak / 2**20


def mb(n: int | None) -> str:
    return "-" if n is None else f"{n / 2**20:,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bomb-gb", type=float, default=1.0)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    import django

    django.setup()
    bomb = zip_bomb(args.bomb_gb)
    huge = b"id,name\n" + b"".join(b"E%07d,N\n" % i for i in range(1_000_000))
    wide = b"id,name\nE1," + b"x" * (10 * 2**20) + b"\n"
    cases: list[tuple[str, str, bytes]] = [
        ("zip bomb", "bomb.xlsx", bomb),
        ("lying bomb", "liar.xlsx", lying_bomb(bomb)),
        ("row flood", "flood.xlsx", row_flood(2_000_000)),
        ("dimension", "claim.xlsx", dimension_claim()),
        ("huge CSV", "huge.csv", huge),
        ("wide cell", "wide.csv", wide),
        ("normal xlsx", "people.xlsx", normal_xlsx(10_000)),
        ("normal csv", "people.csv", normal_csv(10_000)),
    ]
    print(f"\nroster uploads read as the console reads them (zlib {zlib.ZLIB_VERSION})\n")
    print(
        f"| {'case':<11} | {'upload':>9} | {'unpacks to':>11} | {'XML read':>9} | "
        f"{'seconds':>7} | {'CPU s':>6} | {'peak MiB':>8} | answer"
    )
    print(
        f"| {'-' * 11} | {'-' * 9}:| {'-' * 11}:| {'-' * 9}:| {'-' * 7}:| {'-' * 6}:| "
        f"{'-' * 8}:| ---"
    )
    for label, name, data in cases:
        answer, read, seconds, cpu, peak = measure(name, data)
        declared = unpacked_size(name, data) if label != "lying bomb" else None
        print(
            f"| {label:<11} | {mb(len(data)):>9} | "
            f"{mb(declared) if declared is not None else 'claims 1 MB':>11} | {mb(read):>9} | "
            f"{seconds:>7.2f} | {cpu:>6.2f} | {peak:>8.1f} | {answer}"
        )


if __name__ == "__main__":
    main()
