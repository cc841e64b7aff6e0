"""Reading uploads: CSV in any common dialect, XLSX, and the column-mapping step."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from crosspaths.console.roster_files import (
    RosterFileError,
    guess_mapping,
    is_roster_format,
    mapped_text,
    read_upload,
)
from crosspaths.matching.roster import parse_roster


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_csv_in_the_roster_format_needs_no_mapping():
    headers, text, rows = read_upload("r.csv", b"id,name,email\nE1,Erin,erin@a.test\n")
    assert headers == ["id", "name", "email"] and rows == 1
    assert is_roster_format(headers)
    assert parse_roster(text)[0].email == "erin@a.test"


def test_a_byte_order_mark_and_semicolons_from_german_excel_are_understood():
    data = '\ufeffid;name;languages\nE1;Jörg;"de;en"\n'.encode()
    headers, text, _ = read_upload("r.csv", data)
    assert headers == ["id", "name", "languages"]
    row = parse_roster(text)[0]
    assert row.name == "Jörg" and row.languages == ("de", "en")


def test_a_file_that_is_not_utf8_is_refused_with_advice():
    with pytest.raises(RosterFileError, match="UTF-8"):
        read_upload("r.csv", "id,name\nE1,J\xf6rg\n".encode("latin-1"))


def test_an_empty_file_and_duplicate_headers_are_refused():
    with pytest.raises(RosterFileError, match="empty"):
        read_upload("r.csv", b"")
    with pytest.raises(RosterFileError, match="Columns 2 and 3 are both called"):
        read_upload("r.csv", b"id,Name,name\n")


def test_an_old_xls_file_is_refused_by_name():
    with pytest.raises(RosterFileError, match=r"\.xls"):
        read_upload("r.xls", b"\xd0\xcf\x11\xe0")


def test_a_broken_workbook_is_refused():
    with pytest.raises(RosterFileError, match="Excel"):
        read_upload("r.xlsx", b"PK\x03\x04 not really a zip")


def test_an_xlsx_sheet_keeps_its_row_numbers_dates_and_whole_numbers():
    data = xlsx(
        [
            ["Employee ID", "Full name", "Hire date", "Grade"],
            ["E1", "Erin", datetime(2020, 5, 1), 4.0],
            [None, None, None, None],
            ["E3", "Farid", date(2021, 1, 4), "x"],
        ]
    )
    headers, text, rows = read_upload("staff.xlsx", data)
    assert headers == ["Employee ID", "Full name", "Hire date", "Grade"] and rows == 2
    mapping = guess_mapping(headers)
    assert mapping == {
        "id": "Employee ID",
        "name": "Full name",
        "start_date": "Hire date",
        "level": "Grade",
    }
    from crosspaths.matching.roster import RosterError

    with pytest.raises(RosterError) as e:
        parse_roster(mapped_text(text, headers, mapping))
    [problem] = e.value.problems
    assert (problem.row, problem.column) == (4, "level")  # row 4 as Excel shows it


def test_mapping_renames_chosen_columns_and_drops_the_rest():
    headers = ["Personalnummer", "E-Mail", "Notes", "Vorgesetzter"]
    text = "Personalnummer,E-Mail,Notes,Vorgesetzter\nP1,a@x.test,private,\nP2,b@x.test,,P1\n"
    mapping = guess_mapping(headers)
    assert mapping == {"id": "Personalnummer", "email": "E-Mail", "manager_id": "Vorgesetzter"}
    out = list(csv.reader(io.StringIO(mapped_text(text, headers, mapping))))
    assert out == [["id", "email", "manager_id"], ["P1", "a@x.test", ""], ["P2", "b@x.test", "P1"]]
    assert not is_roster_format(headers)


def test_a_line_break_inside_a_quoted_cell_keeps_later_row_numbers_right():
    text = 'id,name,level\nE1,"Erin\nEk",1\nE2,Farid,high\n'
    headers, normalized, _ = read_upload("r.csv", text.encode())
    from crosspaths.matching.roster import RosterError

    with pytest.raises(RosterError) as e:
        parse_roster(mapped_text(normalized, headers, guess_mapping(headers)))
    assert e.value.problems[0].row == 4
