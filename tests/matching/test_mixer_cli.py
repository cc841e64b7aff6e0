"""``crosspaths mixer``: the file contract, exit codes, and nothing written on bad input."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from datetime import date
from itertools import combinations
from pathlib import Path

import pytest

from bench.rosters import make_roster, write_roster_csv
from crosspaths.matching.cli import main

HEADER = "id,name,email,department,team,location,level,manager_id,start_date,timezone,languages"
ROSTER = (
    HEADER
    + """,interests,active
a,Ana,ana@x.org,Sales,S1,Berlin,3,,2019-04-01,Europe/Berlin,de;en,chess,true
b,Ben,ben@x.org,Engineering,E1,Berlin,2,a,2021-01-01,Europe/Berlin,en,chess;tea,true
c,Cy,cy@x.org,Legal,L1,New York,4,,2018-02-01,America/New_York,en,,true
d,Dee,dee@x.org,People,P1,Berlin,3,,2025-10-01,Europe/Berlin,en,tea,true
e,Eve,eve@x.org,Sales,S2,Berlin,3,,2020-01-01,Europe/Berlin,en,,false
f,Fay,fay@x.org,Sales,S2,Berlin,3,,2020-01-01,Europe/Berlin,en,,true
g,Gus,gus@x.org,Legal,L1,Tokyo,3,,2020-01-01,Asia/Tokyo,ja,,true
"""
)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "crosspaths.matching", "mixer", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def _plan(path: Path) -> dict[tuple[int, int], list[str]]:
    tables: dict[tuple[int, int], list[str]] = {}
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["round", "table", "person_id"]
        for row in reader:
            tables.setdefault((int(row["round"]), int(row["table"])), []).append(row["person_id"])
    return tables


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    return path


def test_it_writes_round_table_person_id_with_every_active_person_once_per_round(roster: Path):
    out = roster.parent / "plan.csv"
    proc = _cli(str(roster), "--table-size", "3", "--rounds", "2", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    tables = _plan(out)
    for r in (1, 2):
        seated = [p for (rr, _), ids in tables.items() if rr == r for p in ids]
        assert sorted(seated) == ["a", "b", "c", "d", "f", "g"]  # e is inactive
    assert sorted({len(ids) for ids in tables.values()}) == [3]
    assert not any({"a", "b"} <= set(ids) for ids in tables.values())  # a manages b
    # Two tables of three: each table of round 2 must hold two people of one table of
    # round 1, so 2 repeated pairs is the fewest possible.
    assert "2 repeated pairs" in proc.stderr


def test_it_keeps_blocked_pairs_apart(roster: Path):
    blocked = roster.parent / "blocked.csv"
    blocked.write_text("person_id,other_id\nc,d\nf,g\n")
    out = roster.parent / "plan.csv"
    proc = _cli(str(roster), "--table-size", "3", "--rounds", "3", "--blocked", str(blocked))
    assert proc.returncode == 0, proc.stderr
    out.write_text(proc.stdout)  # without -o the plan goes to standard output
    for ids in _plan(out).values():
        assert not {"c", "d"} <= set(ids) and not {"f", "g"} <= set(ids)


def test_it_meets_the_issue_target_of_no_repeats_at_200_people(tmp_path: Path):
    path, out = tmp_path / "roster.csv", tmp_path / "plan.csv"
    write_roster_csv(path, make_roster(200, seed=11, on=date(2025, 11, 24)))
    assert main(["mixer", str(path), "--table-size", "8", "--rounds", "3", "-o", str(out)]) == 0
    tables = _plan(out)
    pairs = Counter(frozenset(p) for ids in tables.values() for p in combinations(ids, 2))
    assert max(pairs.values()) == 1
    assert {len(ids) for ids in tables.values()} == {8} and len(tables) == 75


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--table-size", "1", "--rounds", "2"], "a table seats at least 2 people, not 1"),
        (["--table-size", "4", "--rounds", "0"], "the rotations must be 1 to 20, not 0"),
        (["--table-size", "four", "--rounds", "2"], "'four' is not a whole number"),
        (["--rounds", "2"], "the following arguments are required: --table-size"),
    ],
)
def test_it_exits_2_on_bad_arguments(roster: Path, args: list[str], message: str):
    proc = _cli(str(roster), *args)
    assert proc.returncode == 2 and message in proc.stderr


def test_it_exits_2_naming_file_row_and_column_and_writes_nothing(tmp_path: Path):
    bad, out = tmp_path / "bad.csv", tmp_path / "plan.csv"
    bad.write_text(
        ROSTER.replace("d,Dee,dee@x.org,People,P1,Berlin,3", "d,Dee,dee@x,People,P1,Berlin,x")
    )
    proc = _cli(str(bad), "--table-size", "3", "--rounds", "2", "-o", str(out))
    assert proc.returncode == 2
    assert f"{bad}, row 5, column 'level'" in proc.stderr
    assert f"{bad}, row 5, column 'email'" in proc.stderr
    assert not out.exists()


def test_it_exits_2_on_a_missing_roster_or_an_unknown_blocked_id(roster: Path):
    proc = _cli(str(roster.parent / "nope.csv"), "--table-size", "3", "--rounds", "2")
    assert proc.returncode == 2 and "nope.csv: no such file" in proc.stderr
    blocked = roster.parent / "blocked.csv"
    blocked.write_text("person_id,other_id\nc,zz\n")
    proc = _cli(str(roster), "--table-size", "3", "--rounds", "2", "--blocked", str(blocked))
    assert proc.returncode == 2 and f"{blocked}, row 2, column 'other_id'" in proc.stderr


def test_it_exits_1_and_writes_nothing_when_no_seating_keeps_the_rules(roster: Path):
    out = roster.parent / "plan.csv"
    proc = _cli(str(roster), "--table-size", "6", "--rounds", "1", "-o", str(out))
    assert proc.returncode == 1
    assert "a and b" in proc.stderr and not out.exists()
