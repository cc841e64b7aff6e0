"""The roster reader shared by the matching CLI and the Django import."""

from __future__ import annotations

from datetime import date

import pytest

from crosspaths.matching.roster import RosterError, parse_roster, read_roster


def problems(text: str, **kw) -> list[str]:
    with pytest.raises(RosterError) as e:
        parse_roster(text, file="r.csv", **kw)
    return [str(p) for p in e.value.problems]


def test_only_the_id_column_is_required():
    rows = parse_roster("id\n1\n2\n")
    assert [r.id for r in rows] == ["1", "2"]
    assert rows[0].active and rows[0].languages == ()


def test_it_parses_every_column():
    (row,) = parse_roster(
        "id,name,email,department,team,location,level,manager_id,start_date,timezone,languages,interests,active\n"
        "7,Ana,ANA@x.org,Sales,T,Lisbon,3,,2024-02-29,Europe/Lisbon,pt;en, Surfing ;;chess,FALSE\n"
    )
    assert row.email == "ana@x.org" and row.level == 3 and row.start_date == date(2024, 2, 29)
    assert row.languages == ("pt", "en") and row.interests == ("surfing", "chess")
    assert row.active is False and row.row == 2


def test_a_missing_id_column_is_reported_on_the_header():
    assert problems("name\nAna\n") == ["r.csv, row 1, column 'id': the header has no 'id' column"]


def test_duplicate_ids_name_the_first_row():
    assert problems("id\n1\n1\n") == [
        "r.csv, row 3, column 'id': duplicate id '1' (first used in row 2)"
    ]


def test_every_problem_is_reported_not_just_the_first():
    found = problems("id,level,active,timezone\n1,x,maybe,Nowhere/City\n")
    assert len(found) == 3
    assert any("column 'level'" in p for p in found)
    assert any("column 'active'" in p for p in found)
    assert any("column 'timezone'" in p for p in found)


@pytest.mark.parametrize("value", ["english", "en,de", "en;", "EN"])
def test_a_malformed_language_list_is_refused(value):
    (p,) = problems(f'id,languages\n1,"{value}"\n')
    assert "column 'languages'" in p


def test_managers_may_be_known_from_outside_the_file():
    (row,) = parse_roster("id,manager_id\n2,1\n", known_ids={"1"})
    assert row.manager_id == "1"
    assert "unknown manager id '1'" in problems("id,manager_id\n2,1\n")[0]


def test_blank_lines_are_skipped_but_row_numbers_stay_true():
    found = problems("id,level\n1,1\n\n2,x\n")
    assert found == ["r.csv, row 4, column 'level': 'x' is not a whole number"]


def test_a_missing_file_is_reported_by_name(tmp_path):
    with pytest.raises(RosterError, match=r"missing\.csv: no such file"):
        read_roster(tmp_path / "missing.csv")


def test_a_caller_may_take_unknown_managers_as_warnings():
    warnings: list = []
    (row,) = parse_roster("id,manager_id\n2,1\n", warnings=warnings)
    assert row.manager_id == "1"
    assert [(w.row, w.column) for w in warnings] == [(2, "manager_id")]


@pytest.mark.parametrize(
    "text",
    [
        "id,name,email,department,level,manager_id,start_date,timezone,languages,interests,active\r\n"
        "1,Ana,ANA@x.org,Sales,3,,2024-02-29,Europe/Lisbon,pt;en, Surfing ;;chess,FALSE\r\n"
        "2, Bo ,,Legal,,1,20240301,,en,,yes\r\n3,'=x,,,4,9,,,,chess,\r\n",
        "ID , Name\n1,a\n2,\xa0b\xa0\n",
        "id,level\n1,1\n\n2,x\n",
        "id,manager_id\n2,2\n",
        "id,email\n1,A@x.org\n2,a@x.org\n",
        "id,name\n1,a,b\n2,c\n",
    ],
)
def test_the_column_reader_and_the_row_reader_agree(text, monkeypatch):
    """A plain, valid file is read by columns; it must give what the row-by-row reader
    gives, and files with problems (or that need a CSV parser) keep its messages."""
    from crosspaths.matching import roster

    def read(**kw):
        warnings: list = []
        try:
            return roster.parse_roster(text, warnings=warnings, **kw), warnings
        except RosterError as e:
            return [str(p) for p in e.problems], warnings

    fast = read(), read(known_ids={"9"})
    monkeypatch.setattr(roster, "_parse_plain", lambda *a: None)
    assert (read(), read(known_ids={"9"})) == fast
