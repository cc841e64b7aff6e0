"""The shared roster reader, as the matching CLI relies on it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crosspaths.matching.roster import RosterError, parse_roster, read_roster


def test_only_the_id_column_is_required():
    (row,) = parse_roster("id\nx1\n")
    assert row.id == "x1" and row.active and row.languages == ()


def test_it_parses_lists_dates_levels_and_the_active_flag():
    text = (
        "id,languages,interests,start_date,level,active,timezone\n"
        "a,de;en,Chess; tea,2024-02-01,3,false,Europe/Berlin\n"
    )
    (row,) = parse_roster(text)
    assert row.languages == ("de", "en")
    assert row.interests == ("chess", "tea")
    assert row.start_date == date(2024, 2, 1) and row.level == 3 and not row.active


def test_it_collects_every_problem_at_once():
    text = "id,manager_id,level\na,,x\na,zz,1\n"
    with pytest.raises(RosterError) as e:
        parse_roster(text, file="r.csv")
    assert [str(p) for p in e.value.problems] == [
        "r.csv, row 2, column 'level': 'x' is not a whole number",
        "r.csv, row 3, column 'id': duplicate id 'a' (first used in row 2)",
        "r.csv, row 3, column 'manager_id': unknown manager id 'zz'",
    ]


def test_it_accepts_a_byte_order_mark(tmp_path: Path):
    f = tmp_path / "r.csv"
    f.write_text("\ufeffid,name\na,Ana\n", encoding="utf-8")
    assert read_roster(f)[0].name == "Ana"
