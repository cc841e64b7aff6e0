"""Uploads that cannot exhaust the server: zip bombs, absurd declared sizes, row and
column floods, giant cells and broken XML are refused with the file and the place,
after reading no more than the limits (issue 10, points 6 and 7)."""

from __future__ import annotations

import io
import zipfile

import openpyxl.xml
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crosspaths.console.models import RosterUpload
from crosspaths.console.roster_files import RosterFileError, UploadLimits, read_upload

from .test_roster_files import xlsx

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def with_sheet(sheet: bytes, *, level: int = 9) -> bytes:
    """A real workbook whose first sheet's XML is replaced by ``sheet``."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["id"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
        target.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def rows_xml(n: int) -> bytes:
    body = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>E%d</t></is></c></row>' % (i, i, i)
        for i in range(1, n + 1)
    )
    return HEAD + b"<sheetData>" + body + b"</sheetData></worksheet>"


def test_openpyxl_parses_workbooks_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML


def test_a_zip_bomb_is_refused_from_its_directory_without_unpacking_anything():
    # 64 MB of zeros in a comment-like text node compresses to about 64 kB.
    bomb = with_sheet(HEAD + b"<sheetData/>" + b" " * (64 * 2**20) + b"</worksheet>")
    assert len(bomb) < 200_000
    with pytest.raises(RosterFileError) as e:
        read_upload("bomb.xlsx", bomb, limits=UploadLimits(uncompressed_bytes=16 * 2**20))
    assert "bomb.xlsx unpacks to 64 MB" in str(e.value) and "16 MB" in str(e.value)
    assert e.value.bytes_read == 0


def test_a_zip_that_lies_about_its_size_is_read_no_further_than_it_claims():
    honest = with_sheet(HEAD + b"<sheetData/>" + b" " * (8 * 2**20) + b"</worksheet>")
    archive = zipfile.ZipFile(io.BytesIO(honest))
    real = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    data = bytearray(honest)
    # The central directory's 32-bit unpacked size, the figure zipfile trusts.
    at = data.rindex(b"xl/worksheets/sheet1.xml") - 46
    assert data[at : at + 4] == b"PK\x01\x02"
    data[at + 24 : at + 28] = (4096).to_bytes(4, "little")
    with pytest.raises(RosterFileError) as e:
        read_upload("liar.xlsx", bytes(data))
    assert "liar.xlsx" in str(e.value) and "xl/worksheets/sheet1.xml" in str(e.value)
    assert e.value.bytes_read is not None and e.value.bytes_read < real / 100


def test_an_absurd_declared_dimension_is_refused_before_any_row_is_read():
    sheet = (
        HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData>' + rows_xml(20_000)[len(HEAD) + 11 :]
    )
    with pytest.raises(RosterFileError) as e:
        read_upload("claim.xlsx", with_sheet(sheet))
    assert "claim.xlsx" in str(e.value) and "A1:XFD1048576" in str(e.value)
    assert "1,048,576 rows" in str(e.value)
    assert e.value.bytes_read is not None and e.value.bytes_read < len(sheet) / 10


def test_too_many_rows_stop_the_reader_at_the_first_row_beyond_the_limit():
    sheet = rows_xml(20_000)
    with pytest.raises(RosterFileError) as e:
        read_upload("many.xlsx", with_sheet(sheet), limits=UploadLimits(rows=100))
    assert "many.xlsx, row 102" in str(e.value) and "more than 100 rows" in str(e.value)
    assert e.value.bytes_read is not None and e.value.bytes_read < len(sheet) / 10


def test_a_row_number_far_beyond_the_limit_is_refused_without_padding_empty_rows():
    sheet = HEAD + b'<sheetData><row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    sheet += b"</sheetData></worksheet>"
    with pytest.raises(RosterFileError, match=r"far.xlsx, row 1048576: .* 200,000 rows"):
        read_upload("far.xlsx", with_sheet(sheet))


def test_a_cell_in_a_far_column_and_a_giant_cell_are_refused_with_their_place():
    far = HEAD + b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>'
    far += b"</sheetData></worksheet>"
    with pytest.raises(RosterFileError, match=r"wide.xlsx, row 1, column XFD: .* 200 columns"):
        read_upload("wide.xlsx", with_sheet(far))
    giant = HEAD + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
    giant += b'<row r="2"><c r="B2" t="inlineStr"><is><t>' + b"x" * 100_000 + b"</t></is></c>"
    giant += b"</row></sheetData></worksheet>"
    with pytest.raises(RosterFileError, match=r"big.xlsx, row 2, column B: .* 2,000 char"):
        read_upload("big.xlsx", with_sheet(giant))


def test_a_sparse_sheet_that_would_pad_to_millions_of_cells_is_refused():
    body = b"".join(b'<row r="%d"><c r="GR%d"><v>1</v></c></row>' % (i, i) for i in range(1, 400))
    sheet = HEAD + b"<sheetData>" + body + b"</sheetData></worksheet>"
    with pytest.raises(RosterFileError, match=r"sparse.xlsx, row \d+: .* 10,000 cells"):
        read_upload("sparse.xlsx", with_sheet(sheet), limits=UploadLimits(cells=10_000))


def test_entities_and_dtds_in_a_workbook_are_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData>'
        b"</worksheet>"
    )
    with pytest.raises(RosterFileError, match=r"lol.xlsx: the part xl/worksheets/sheet1.xml"):
        read_upload("lol.xlsx", with_sheet(laughs))


def test_broken_xml_inside_a_workbook_is_a_clear_error():
    broken = HEAD + b'<sheetData><row r="1"><c r="A1"><v>1</v></row></sheetData></worksheet>'
    with pytest.raises(RosterFileError, match=r"broken.xlsx: the part xl/worksheets/sheet1.xml"):
        read_upload("broken.xlsx", with_sheet(broken))


def test_a_csv_with_too_many_rows_columns_or_characters_names_the_place():
    many = b"id\n" + b"".join(b"E%d\n" % i for i in range(50))
    with pytest.raises(RosterFileError, match=r"r.csv, row 12: .* more than 10 rows"):
        read_upload("r.csv", many, limits=UploadLimits(rows=10))
    wide = b"id\nE1" + b"," * 300 + b"\n"
    with pytest.raises(RosterFileError, match=r"r.csv, row 2, column GS: .* 200 columns"):
        read_upload("r.csv", wide)
    long_cell = b"id,name\nE1," + b"x" * 5000 + b"\n"
    with pytest.raises(RosterFileError, match=r"r.csv, row 2, column B: .* 2,000 char"):
        read_upload("r.csv", long_cell)
    beyond_csv_module = b"id,name\nE1," + b"x" * 200_000 + b"\n"
    with pytest.raises(RosterFileError, match=r"r.csv, row 2"):
        read_upload("r.csv", beyond_csv_module)


def test_a_nul_byte_late_in_a_csv_is_refused_with_its_row_and_column():
    data = b"id,name\n" + b"".join(b"E%d,Name %d\n" % (i, i) for i in range(600))
    data += b"E999,Ev\x00il\n"
    assert data.index(b"\x00") > 4096
    with pytest.raises(RosterFileError, match=r"nul.csv, row 602, column B: .* NUL"):
        read_upload("nul.csv", data)


@pytest.mark.django_db
def test_the_console_refuses_a_hostile_upload_next_to_the_field(client, cast):
    from ..cast import PASSWORD

    client.login(username="alice@acme.test", password=PASSWORD)
    sheet = HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData/></worksheet>'
    for name, data in (
        ("claim.xlsx", with_sheet(sheet)),
        ("broken.xlsx", with_sheet(HEAD + b"<sheetData><row>")),
        ("nul.csv", b"id,name\n" + b"E1,x\n" * 1000 + b"E2,\x00\n"),
    ):
        response = client.post("/console/roster/", {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 400, name
        assert name in " ".join(response.context["form"].errors["file"])
    assert not RosterUpload.objects.exists()
