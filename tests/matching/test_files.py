"""HISTORY.csv and BLOCKED.csv readers and the output writers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from crosspaths.matching import Group, Reason, Result
from crosspaths.matching.files import (
    _plain_columns,
    groups_csv,
    read_blocked,
    read_history,
    write_outputs,
)
from crosspaths.matching.roster import RosterError

KNOWN = {"a", "b", "c", "d"}


def test_it_reads_history_into_one_group_per_date_and_label(tmp_path: Path):
    f = tmp_path / "h.csv"
    f.write_text(
        "\ufeffdate,group,person_id\n2025-11-03,g1,a\n2025-11-03,g1,b\n\n"
        "2025-11-10,g1,a\n2025-11-10,g1,c\n2025-11-10,g2,b\n2025-11-10,g2,d\n"
    )
    groups = read_history(f, KNOWN)
    assert sorted((g.date, g.members) for g in groups) == [
        (date(2025, 11, 3), ("a", "b")),
        (date(2025, 11, 10), ("a", "c")),
        (date(2025, 11, 10), ("b", "d")),
    ]


def test_it_lists_every_history_problem_with_row_and_column(tmp_path: Path):
    f = tmp_path / "h.csv"
    f.write_text("person_id,date,group\na,2025-11-03,g1\nzz,2025-11-03,g1\nb,03.11.2025,\n")
    with pytest.raises(RosterError) as e:
        read_history(f, KNOWN)
    assert [str(p) for p in e.value.problems] == [
        f"{f}, row 3, column 'person_id': unknown person id 'zz' (not in the roster)",
        f"{f}, row 4, column 'date': '03.11.2025' is not a date (use YYYY-MM-DD)",
        f"{f}, row 4, column 'group': the group label is empty",
    ]


def test_it_reads_blocked_pairs_and_rejects_unknown_people(tmp_path: Path):
    f = tmp_path / "b.csv"
    f.write_text("person_id,other_id\na,b\nc,d\n")
    assert read_blocked(f, KNOWN) == [("a", "b"), ("c", "d")]
    f.write_text("person_id,other_id\na,a\nq,b\n")
    with pytest.raises(RosterError) as e:
        read_blocked(f, KNOWN)
    assert [(p.row, p.column) for p in e.value.problems] == [(2, "other_id"), (3, "person_id")]


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(RosterError, match="no such file"):
        read_history(tmp_path / "nope.csv", KNOWN)


def _result() -> Result:
    reason = Reason("first_meeting", "meeting for the first time", {})
    return Result(
        groups=[Group(("a", "b"), 15.0, (reason,)), Group(("c", 'd,"x"'), 10.0, ())],
        left_out=[],
        metrics={"placed": 4, "left_out": [], "timings": {}},
        timings={},
    )


def test_it_writes_one_row_per_placed_person_with_csv_quoting():
    assert groups_csv(_result()).splitlines() == [
        "group,person_id", "1,a", "1,b", "2,c", '2,"d,""x"""',
    ]  # fmt: skip


def test_it_writes_the_report_as_json_with_each_groups_reasons(tmp_path: Path):
    out, report = tmp_path / "o.csv", tmp_path / "r.json"
    assert write_outputs(_result(), out=out, report=report, round_info={"seed": 0}) is None
    data = json.loads(report.read_text())
    assert data["round"] == {"seed": 0} and data["placed"] == 4
    assert data["groups_detail"][0] == {
        "group": "1", "members": ["a", "b"], "organizer": "a", "score": 15.0,
        "reasons": [{"code": "first_meeting", "text": "meeting for the first time", "params": {}}],
    }  # fmt: skip
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


@pytest.mark.parametrize(
    "text",
    [
        # csv.writer's own output: no quotes, \r\n line ends (the fast split)
        "date,group,person_id\r\n2025-11-03,g1,a\r\n2025-11-03,g1,b\r\n2025-11-10,g2,c\r\n",
        # columns in another order, no final newline (the fast split)
        "person_id,group,date\na,g1,2025-11-03\nb,g1,2025-11-03\nc,g2,2025-11-10",
        # quoted cells, padded cells and a blank line (csv.reader, as before)
        'date,group,person_id\n2025-11-03,"g1",a\n2025-11-03, g1 ,b\n\n2025-11-10,g2,c\n',
        # an extra column the reader ignores (the fast split)
        "date,group,person_id,note\n2025-11-03,g1,a,x\n2025-11-03,g1,b,y\n2025-11-10,g2,c,z\n",
    ],
)
def test_the_fast_and_the_csv_history_paths_read_the_same_groups(tmp_path: Path, text: str):
    f = tmp_path / "h.csv"
    f.write_bytes(text.encode())
    groups = read_history(f, KNOWN)
    assert sorted((g.date, g.members) for g in groups) == [
        (date(2025, 11, 3), ("a", "b")),
        (date(2025, 11, 10), ("c",)),
    ]


def test_plain_columns_falls_back_on_anything_csv_needs_to_parse():
    wanted = ("date", "group", "person_id")
    assert _plain_columns("date,group,person_id\r\nd,g,a\r\n", wanted) == [["d"], ["g"], ["a"]]
    assert _plain_columns('date,group,person_id\nd,"g",a\n', wanted) is None  # quotes
    assert _plain_columns("date,group,person_id\nd,g,a\n\nd,g,b\n", wanted) is None  # blank
    # ragged rows whose comma counts add up to the header's
    assert _plain_columns("date,group,person_id\nd,g\nd,g,a,x\n", wanted) is None
    assert _plain_columns("date,group,person_id\nd, g,a\n", wanted) is None  # padding
    assert _plain_columns("date,person_id\nd,a\n", wanted) is None  # a column missing


def test_a_ragged_history_row_is_still_named(tmp_path: Path):
    f = tmp_path / "h.csv"
    f.write_text("date,group,person_id\n2025-11-03,g1\n2025-11-03,g1,a,x\n")
    with pytest.raises(RosterError) as e:
        read_history(f, KNOWN)
    assert [str(p) for p in e.value.problems] == [f"{f}, row 2: too few columns"]


@pytest.mark.parametrize(
    "text",
    [
        "date,group,person_id\r\n2025-11-03,g1,a\r\n2025-11-03,g1,b\r\n2025-11-10,g1,c\r\n"
        "2025-11-10,g2,d\r\n2025-11-03,g1,c\r\n20251103,g1,d\r\n",
        'date,group,person_id\n2025-11-03,"g1",a\n2025-11-03, g1 ,b\n\n2025-11-10,g2,c\n',
    ],
)
def test_history_rows_hold_the_groups_read_history_reads(tmp_path: Path, text: str):
    """The columns the CLI reads give the engine the same groups (a group is a date
    text and a label, wherever its rows are) and so the same pairs."""
    from crosspaths.matching.features import history_pairs
    from crosspaths.matching.files import read_history_rows

    f = tmp_path / "h.csv"
    f.write_bytes(text.encode())
    groups, rows = read_history(f, KNOWN), read_history_rows(f, KNOWN)
    assert rows.groups() == groups
    assert sorted(rows.ids) == sorted({m for g in groups for m in g.members})  # each once
    index = {"a": 0, "b": 1, "c": 2}  # d is not in this round
    on = date(2025, 11, 20)
    for weeks in (0, 1, 12):
        assert [x.tolist() for x in history_pairs(rows, index, 3, on=on, cooldown_weeks=weeks)] == [
            x.tolist() for x in history_pairs(groups, index, 3, on=on, cooldown_weeks=weeks)
        ]


def _history_columns_by_text(path: Path) -> tuple[list[list[int]], list[str]] | None:
    """The string reader's columns (``_unchecked_rows`` without its byte path)."""
    from unittest import mock

    from crosspaths.matching import files

    with mock.patch.object(files, "_plain_history_rows", return_value=None):
        rows = files._unchecked_rows(path)
    if rows is None:
        return None
    return [rows.group.tolist(), rows.day.tolist(), rows.person.tolist()], list(rows.ids)


@pytest.mark.parametrize("seed", range(6))
def test_the_byte_history_reader_numbers_groups_and_people_as_the_string_reader(
    tmp_path: Path, seed: int
):
    """Ids and labels of mixed lengths (over eight bytes too), a group label reused on
    another date, dates in two spellings, ids whose last use comes in any order."""
    import random

    from crosspaths.matching.files import _plain_history_rows

    rnd = random.Random(seed)
    dates = ["2025-11-03", "2025-11-10", "20251117", "2025-11-24"]
    ids = [f"p{k}" * rnd.randint(1, 4) for k in range(40)]
    lines = [
        f"{rnd.choice(dates)},g{rnd.randint(0, 30)}{'x' * rnd.randint(0, 9)},{rnd.choice(ids)}"
        for _ in range(300)
    ]
    f = tmp_path / "h.csv"
    end = "\r\n" if seed % 2 else "\n"
    f.write_bytes((end.join(["date,group,person_id", *lines]) + end * (seed % 3 > 0)).encode())
    fast = _plain_history_rows(f)
    assert fast is not None
    assert ([fast.group.tolist(), fast.day.tolist(), fast.person.tolist()], list(fast.ids)) == (
        _history_columns_by_text(f)
    )


@pytest.mark.parametrize(
    "text",
    [
        'date,group,person_id\n2025-11-03,"g1",a\n',  # quotes
        "date,group,person_id\n2025-11-03,g1,a\n\n2025-11-03,g1,b\n",  # a blank line
        "date,group,person_id\n2025-11-03,g1\n2025-11-03,g1,a,x\n",  # ragged
        "date,group,person_id\n2025-11-03, g1,a\n",  # padding
        "date,group,person_id\n2025-11-03,,a\n",  # an empty label
        "date,group,person_id\n2025-13-03,g1,a\n",  # not a date
        "date,group,person_id\n2025-11-03,g1,é\n",  # not ASCII
        "date,group,person_id\n2025-11-03,g1,a\rb\n",  # a lone carriage return
        "date,person_id\n2025-11-03,a\n",  # a column missing
        "date,group,group,person_id\n2025-11-03,g1,g2,a\n",  # a repeated column
    ],
)
def test_the_byte_history_reader_leaves_every_other_file_to_the_string_reader(
    tmp_path: Path, text: str
):
    from crosspaths.matching.files import _plain_history_rows

    f = tmp_path / "h.csv"
    f.write_bytes(text.encode())
    assert _plain_history_rows(f) is None
