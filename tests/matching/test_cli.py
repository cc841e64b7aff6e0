"""``crosspaths match``: the file contract, exit codes, and nothing written on bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

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
"""
)
HISTORY = (
    "date,group,person_id\n2025-11-10,g1,a\n2025-11-10,g1,c\n2025-11-10,g2,b\n2025-11-10,g2,d\n"
)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "roster.csv").write_text(ROSTER)
    (tmp_path / "history.csv").write_text(HISTORY)
    (tmp_path / "blocked.csv").write_text("person_id,other_id\nd,c\n")
    return tmp_path


def _run(tmp: Path, *extra: str) -> int:
    return main(["match", str(tmp / "roster.csv"), "--date", "2025-11-24", *extra])


def test_it_writes_groups_and_a_report(files: Path):
    out, report = files / "out.csv", files / "report.json"
    code = _run(
        files,
        "--history",
        str(files / "history.csv"),
        "--blocked",
        str(files / "blocked.csv"),
        "-o",
        str(out),
        "--report",
        str(report),
    )
    assert code == 0
    rows = list(csv.DictReader(out.open()))
    assert set(rows[0]) == {"group", "person_id"}
    groups: dict[str, set[str]] = {}
    for r in rows:
        groups.setdefault(r["group"], set()).add(r["person_id"])
    # a-b manager, a-c and b-d met, c-d blocked, e inactive: only a-d and b-c remain.
    assert sorted(map(sorted, groups.values())) == [["a", "d"], ["b", "c"]]
    data = json.loads(report.read_text())
    assert data["placed"] == 4 and data["left_out"] == []
    assert data["round"]["date"] == "2025-11-24" and data["round"]["inactive_skipped"] == 1
    for key in (
        "group_sizes",
        "repeats_avoided",
        "cross_department_share",
        "cross_location_share",
        "cross_team_share",
        "objective",
        "timings",
    ):
        assert key in data
    assert all(g["reasons"] and g["reasons"][0]["text"] for g in data["groups_detail"])


def test_it_prints_groups_to_stdout_without_an_output_file(files: Path, capsys):  # type: ignore[no-untyped-def]
    assert _run(files) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "group,person_id"
    assert len(out.splitlines()) == 5


def test_the_same_input_and_seed_give_the_same_file(files: Path):
    _run(files, "--seed", "4", "-o", str(files / "one.csv"))
    _run(files, "--seed", "4", "-o", str(files / "two.csv"))
    assert (files / "one.csv").read_text() == (files / "two.csv").read_text()


def test_groups_of_four_in_person(files: Path):
    assert (
        _run(
            files,
            "--size",
            "4",
            "--mode",
            "in-person",
            "-o",
            str(files / "o.csv"),
            "--report",
            str(files / "r.json"),
        )
        == 0
    )
    data = json.loads((files / "r.json").read_text())
    assert data["round"]["mode"] == "in-person"
    # Berlin has a, b, d (a-b manager): one group of 3 is impossible; Cy is alone in New York.
    assert {x["id"] for x in data["left_out"]} >= {"c"}


BAD_INPUTS = [
    ("missing roster", lambda t: (t / "roster.csv").unlink(), (), "roster.csv: no such file"),
    (
        "no id column",
        lambda t: (t / "roster.csv").write_text("name\nAna\n"),
        (),
        "row 1, column 'id'",
    ),
    (
        "duplicate id",
        lambda t: (t / "roster.csv").write_text("id\na\nb\na\n"),
        (),
        "row 4, column 'id': duplicate id 'a'",
    ),
    (
        "bad time zone",
        lambda t: (t / "roster.csv").write_text("id,timezone\na,Mars/Base\n"),
        (),
        "row 2, column 'timezone'",
    ),
    (
        "bad start date",
        lambda t: (t / "roster.csv").write_text("id,start_date\na,2025-13-01\n"),
        (),
        "row 2, column 'start_date'",
    ),
    (
        "unknown person in history",
        lambda t: (t / "history.csv").write_text(
            "date,group,person_id\n2025-11-10,g1,a\n2025-11-10,g1,zz\n"
        ),
        ("--history", "{t}/history.csv"),
        "history.csv, row 3, column 'person_id': unknown person id 'zz'",
    ),
    (
        "bad history date",
        lambda t: (t / "history.csv").write_text("date,group,person_id\n10/11/2025,g1,a\n"),
        ("--history", "{t}/history.csv"),
        "history.csv, row 2, column 'date'",
    ),
    (
        "history without a column",
        lambda t: (t / "history.csv").write_text("date,person_id\n"),
        ("--history", "{t}/history.csv"),
        "history.csv, row 1, column 'group'",
    ),
    (
        "unknown person in blocked",
        lambda t: (t / "blocked.csv").write_text("person_id,other_id\na,zz\n"),
        ("--blocked", "{t}/blocked.csv"),
        "blocked.csv, row 2, column 'other_id'",
    ),
    ("output folder missing", lambda t: None, ("-o", "{t}/nope/out.csv"), "no such folder"),
    ("size below two", lambda t: None, ("--size", "1"), "the group size must be at least 2"),
    ("bad round date", lambda t: None, ("--date", "tomorrow"), "'tomorrow' is not a date"),
]


def _exit_code(argv: list[str]) -> int | str | None:
    """main's return value, or the code argparse exits with."""
    try:
        return main(argv)
    except SystemExit as e:
        return e.code


@pytest.mark.parametrize(
    ("label", "spoil", "extra", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_exits_2_names_file_row_and_column_and_writes_nothing(  # type: ignore[no-untyped-def]
    files: Path, capsys, label, spoil, extra, message
):
    spoil(files)
    out, report = files / "out.csv", files / "report.json"
    args = [a.format(t=files) for a in extra]
    # The case's own arguments come last, so they override the default outputs.
    argv = ["match", str(files / "roster.csv"), "-o", str(out), "--report", str(report), *args]
    assert _exit_code(argv) == 2
    assert message in capsys.readouterr().err
    assert not out.exists() and not report.exists()


def test_argument_errors_exit_with_code_2(files: Path):
    with pytest.raises(SystemExit) as e:
        _run(files, "--size", "1")
    assert e.value.code == 2


def test_it_runs_as_python_dash_m(files: Path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "crosspaths.matching",
            "match",
            str(files / "roster.csv"),
            "--date",
            "2025-11-24",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("group,person_id")


def test_a_manager_outside_the_file_is_a_warning_and_the_rule_holds_for_managers_inside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # An HR export of one department: b's manager zz is not in it; a manages c.
    (tmp_path / "roster.csv").write_text(
        "id,manager_id,department\na,,D1\nb,zz,D2\nc,a,D3\nd,,D4\n"
    )
    out, report = tmp_path / "out.csv", tmp_path / "report.json"
    assert _run(tmp_path, "-o", str(out), "--report", str(report)) == 0
    assert "warning:" in capsys.readouterr().err
    warnings = json.loads(report.read_text())["round"]["warnings"]
    assert len(warnings) == 1 and "row 3, column 'manager_id'" in warnings[0]
    assert "unknown manager id 'zz'" in warnings[0]
    groups: dict[str, set[str]] = {}
    for r in csv.DictReader(out.open()):
        groups.setdefault(r["group"], set()).add(r["person_id"])
    assert sum(map(len, groups.values())) == 4
    assert all(not {"a", "c"} <= g for g in groups.values())
