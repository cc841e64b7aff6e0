"""HISTORY.csv and BLOCKED.csv readers (validated like the roster) and the output writers.

History files grow by a round a week (a million rows at 100,000 people after ten
rounds), so the reader works on column positions with ``csv.reader`` and parses
each distinct date once.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any

import numpy as np

from .features import IntArray, PastRows
from .pairs import worker_init, workers_available
from .roster import RosterError, RosterProblem, read_csv_text
from .types import PastGroup, Reason, Result

HISTORY_COLUMNS = ("date", "group", "person_id")
BLOCKED_COLUMNS = ("person_id", "other_id")
MAX_PROBLEMS = 50  # a file with a million bad rows should not print a million lines


def _open_rows(path: str | Path, required: Sequence[str]) -> tuple[str, dict[str, int], Any]:
    """The file's name, its column positions and a ``csv.reader`` past the header."""
    name = str(path)
    try:
        text = read_csv_text(path)
    except FileNotFoundError:
        raise RosterError([RosterProblem(name, None, None, "no such file")]) from None
    except UnicodeDecodeError as e:
        raise RosterError(
            [RosterProblem(name, None, None, f"not UTF-8 text ({e.reason} at byte {e.start})")]
        ) from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        header = []
    missing = [c for c in required if c not in header]
    if missing:
        raise RosterError(
            [RosterProblem(name, 1, c, f"the header has no '{c}' column") for c in missing]
        )
    return name, {h: k for k, h in enumerate(header)}, reader


def _plain_columns(text: str, wanted: Sequence[str]) -> list[list[str]] | None:
    """The ``wanted`` columns of a CSV text that needs no CSV parser, else None.

    A file without quotes, lone carriage returns, tabs or spaces whose every line has the
    header's number of fields (what our own exports and most tools write) splits
    into cells with one ``str.split``: ten times faster than ``csv.reader`` on a
    million history rows. Anything else (quoted cells, blank lines, ragged rows,
    padded cells) returns None and goes through ``csv.reader`` as before, so both
    paths give the same cells.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # csv.writer's line ends
    if '"' in text or "\r" in text or "\t" in text or " " in text:
        return None
    head, sep, body = text.partition("\n")
    header = [h.lower() for h in head.split(",")]
    if not sep or any(c not in header for c in wanted) or len(set(header)) != len(header):
        return None
    if body.endswith("\n"):
        body = body[:-1]
    if not body:
        return [[] for _ in wanted]
    width = len(header)
    # every line exactly ``width`` cells (a blank or ragged line falls back)
    if set(map(_count_commas, body.split("\n"))) != {width - 1}:
        return None
    cells = body.replace("\n", ",").split(",")
    return [cells[header.index(c) :: width] for c in wanted]


_count_commas = methodcaller("count", ",")


def read_history(path: str | Path, known_ids: set[str] | dict[str, Any]) -> list[PastGroup]:
    """Past groups from ``date,group,person_id`` rows; every person must be known.

    Parameters
    ----------
    path : str or Path
        HISTORY.csv (UTF-8, with or without a byte-order mark).
    known_ids : set or dict of str
        The roster's ids (active or not): a row naming anyone else is a problem.

    Returns
    -------
    list of PastGroup
        One per distinct (date, group label), members in file order.

    Raises
    ------
    RosterError
        With every problem (up to ``MAX_PROBLEMS``), each naming its row and column.

    Notes
    -----
    O(rows). The engine itself takes ``read_history_rows``'s columns, which skip the
    ``PastGroup`` tuples.
    """
    dates_col, labels, ids, dates = _history_columns(path, known_ids)
    groups: dict[tuple[str, str], list[str]] = {}
    for key, pid in zip(zip(dates_col, labels, strict=True), ids, strict=True):
        members = groups.get(key)
        if members is None:
            groups[key] = [pid]
        else:
            members.append(pid)
    return [PastGroup(date=dates[d], members=tuple(m)) for (d, _), m in groups.items()]


def read_history_rows(path: str | Path, known_ids: set[str] | dict[str, Any]) -> PastRows:
    """``read_history`` as columns (see ``features.PastRows``): the same groups and
    the same problems, without building a ``PastGroup`` per group.

    Parameters
    ----------
    path, known_ids
        As for ``read_history``.

    Returns
    -------
    PastRows
        Group number, date ordinal and person number of every row; groups are
        numbered in the order of their first row, as ``read_history`` lists them.

    Raises
    ------
    RosterError
        As ``read_history``.

    Notes
    -----
    O(rows): codes for the distinct dates, labels and ids from dictionaries, the
    group and person numbers from ``np.unique``. ``reading_history`` does the same
    in a child process while the caller reads the roster.
    """
    return _checked(_unchecked_rows(path), path, known_ids)


def _unchecked_rows(path: str | Path) -> PastRows | None:
    """``read_history_rows`` without the check of the ids against the roster (a child
    process reading the history does not have it); None for a file with a problem."""
    fast = _plain_history_rows(path)
    if fast is not None:
        return fast
    try:
        dates_col, labels, ids, dates = _history_columns(path, None)
    except RosterError:
        return None
    e = np.empty(0, dtype=np.int64)
    if not ids:
        return PastRows(group=e, day=e, person=e, ids=[])
    count = len(ids)
    date_code = {d: k for k, d in enumerate(dates)}
    ordinal = np.fromiter((dates[d].toordinal() for d in dates), dtype=np.int64, count=len(dates))
    # A label's or id's code is the row of its last use (one C-level pass each).
    label_code = dict(zip(labels, range(count), strict=True))
    id_code = dict(zip(ids, range(count), strict=True))
    dc = np.fromiter(map(date_code.__getitem__, dates_col), dtype=np.int64, count=count)
    lc = np.fromiter(map(label_code.__getitem__, labels), dtype=np.int64, count=count)
    last, person = np.unique(
        np.fromiter(map(id_code.__getitem__, ids), dtype=np.int64, count=count),
        return_inverse=True,
    )
    # A group is a distinct (date text, label), numbered by its first row.
    _, first, inverse = np.unique(dc * count + lc, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return PastRows(
        group=rank[inverse.reshape(-1)],
        day=ordinal[dc],
        person=person.reshape(-1).astype(np.int64),
        ids=[ids[k] for k in last.tolist()],
    )


_COMMA, _NEWLINE = ord(","), ord("\n")


def _plain_history_rows(path: str | Path) -> PastRows | None:
    """``_unchecked_rows`` of a plain, clean ASCII file, split as bytes with NumPy;
    None for anything else (the caller's reader then gives the same rows, or names
    the problems).

    A plain file is what ``_plain_columns`` takes (no quotes, lone carriage returns,
    tabs or spaces; every line has the header's number of cells; here also ASCII
    only and no NUL). Each cell is a byte range; its bytes, packed eight to an
    integer, give each row a code for its date, label and id without a Python string
    per cell (a million rows at 100,000 people). Codes only decide equality: groups
    are numbered by first row and persons by last use, as ``_unchecked_rows`` does.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n")  # csv.writer's line ends
    if not raw.isascii() or any(b in raw for b in (b'"', b"\r", b"\t", b" ", b"\0")):
        return None
    head, sep, body = raw.partition(b"\n")
    header = [h.lower() for h in head.decode().split(",")]
    if not sep or not body or len(set(header)) != len(header):
        return None
    if any(c not in header for c in HISTORY_COLUMNS):
        return None
    cells = _plain_cells(body, len(header))
    if cells is None:
        return None
    data, starts, ends = cells
    di, gi, pi = (header.index(c) for c in HISTORY_COLUMNS)
    if (ends[:, gi] == starts[:, gi]).any():
        return None  # an empty group label
    dc, dn = _cell_codes(data, starts[:, di], ends[:, di])
    row_of = np.empty(dn, dtype=np.int64)
    row_of[dc] = np.arange(dc.size)  # any row of each date: its cells are equal
    texts = [
        data[a:b].tobytes().decode()
        for a, b in zip(starts[row_of, di].tolist(), ends[row_of, di].tolist(), strict=True)
    ]
    try:
        ordinal = np.array([date.fromisoformat(d).toordinal() for d in texts], dtype=np.int64)
    except ValueError:
        return None
    lc, ln = _cell_codes(data, starts[:, gi], ends[:, gi])
    ic, idn = _cell_codes(data, starts[:, pi], ends[:, pi])
    count = dc.size
    rows = np.arange(count)
    # A group is a distinct (date text, label), numbered by its first row.
    _, gc = np.unique(dc * ln + lc, return_inverse=True)
    first = np.full(int(gc.max()) + 1, count, dtype=np.int64)
    np.minimum.at(first, gc, rows)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first)] = np.arange(first.size)
    # Persons numbered in the order of each id's last row.
    last = np.zeros(idn, dtype=np.int64)
    np.maximum.at(last, ic, rows)
    order = np.argsort(last)
    number = np.empty(idn, dtype=np.int64)
    number[order] = np.arange(idn)
    ids_at = last[order]
    return PastRows(
        group=rank[gc],
        day=ordinal[dc],
        person=number[ic],
        ids=[
            data[a:b].tobytes().decode()
            for a, b in zip(starts[ids_at, pi].tolist(), ends[ids_at, pi].tolist(), strict=True)
        ],
    )


def _plain_cells(body: bytes, width: int) -> tuple[np.ndarray, IntArray, IntArray] | None:
    """The bytes of a CSV body ending in a newline (one is added) and each cell's start and
    end, as (rows, width) arrays; None unless every line has exactly ``width`` cells."""
    if not body.endswith(b"\n"):
        body += b"\n"
    data = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero((data == _COMMA) | (data == _NEWLINE))
    if ends.size % width:
        return None
    kinds = data[ends].reshape(-1, width)
    if (kinds[:, :-1] != _COMMA).any() or (kinds[:, -1] != _NEWLINE).any():
        return None  # a blank or ragged line
    starts = np.concatenate(([0], ends[:-1] + 1)).reshape(-1, width)
    return data, starts, ends.reshape(-1, width)


def _cell_codes(data: np.ndarray, starts: IntArray, ends: IntArray) -> tuple[IntArray, int]:
    """Each cell's code (equal bytes, equal code) and the number of codes (0..n-1).

    The bytes are packed eight at a time into an integer, zero past the cell's end
    (the file has no NUL, so two cells pack alike only when equal); longer cells
    combine the codes of their eight-byte parts."""
    length = ends - starts
    last = data.size - 1
    code = np.zeros(starts.size, dtype=np.int64)
    n = 1
    for base in range(0, max(int(length.max(initial=0)), 1), 8):
        packed = np.zeros(starts.size, dtype=np.uint64)
        for k in range(8):
            byte = data[np.minimum(starts + (base + k), last)].astype(np.uint64)
            packed |= np.where(length > base + k, byte, 0) << np.uint64(8 * k)
        _, part = np.unique(packed, return_inverse=True)
        if base:
            part = code * (int(part.max()) + 1) + part
            _, part = np.unique(part, return_inverse=True)
        code = part.reshape(-1).astype(np.int64)
        n = int(code.max(initial=-1)) + 1
    return code, n


def _checked(
    rows: PastRows | None, path: str | Path, known_ids: set[str] | dict[str, Any]
) -> PastRows:
    """``rows`` when every id is in the roster; else every problem of the file."""
    known = known_ids.keys() if isinstance(known_ids, dict) else known_ids
    if rows is None or not set(rows.ids) <= known:
        raise RosterError(_history_problems(path, known_ids))
    return rows


@contextmanager
def reading_history(
    path: str | Path,
) -> Iterator[Callable[[set[str] | dict[str, Any]], PastRows]]:
    """Read HISTORY.csv in a forked child while the caller reads the roster; yields
    the function that waits for it and checks its ids (``read_history_rows``'s
    result and problems).

    Parameters
    ----------
    path : str or Path
        HISTORY.csv.

    Yields
    ------
    callable
        ``rows(known_ids) -> PastRows``; raises ``RosterError`` as ``read_history``.

    Notes
    -----
    O(rows) in the child; the parent only checks the distinct ids (O(people)). The
    two reads are a second each at 100,000 people and on two CPUs they overlap.
    Without ``fork`` or a second CPU it reads in this process.
    """
    if workers_available(None) < 2 or "fork" not in mp.get_all_start_methods():
        yield lambda known: read_history_rows(path, known)
        return
    pool = mp.get_context("fork").Pool(1, initializer=worker_init)
    try:
        pending = pool.apply_async(_unchecked_rows, (path,))
        yield lambda known: _checked(pending.get(), path, known)
    finally:
        pool.terminate()
        pool.join()


def _history_columns(
    path: str | Path, known_ids: set[str] | dict[str, Any] | None
) -> tuple[list[str], list[str], list[str], dict[str, date]]:
    """The date, label and id columns of a history file and its distinct dates parsed;
    a file with any problem raises them all (with ``known_ids`` None, unknown ids
    are left to the caller).

    The fast path checks whole columns at once (distinct dates parsed once, ids as
    a set difference); only a file with a problem is walked row by row, to name
    each problem's row and column.
    """
    name = str(path)
    try:
        text = read_csv_text(path)
    except FileNotFoundError:
        raise RosterError([RosterProblem(name, None, None, "no such file")]) from None
    except UnicodeDecodeError as e:
        raise RosterError(
            [RosterProblem(name, None, None, f"not UTF-8 text ({e.reason} at byte {e.start})")]
        ) from None
    plain = _plain_columns(text, HISTORY_COLUMNS)
    if plain is not None:
        dates_col, labels, ids = plain
        short = False
    else:
        _, col, reader = _open_rows(path, HISTORY_COLUMNS)
        di, gi, pi = col["date"], col["group"], col["person_id"]
        width = max(di, gi, pi) + 1
        all_rows = list(reader)
        rows = [r for r in all_rows if len(r) >= width]
        # map/itemgetter instead of comprehensions: a million rows at 100,000 people
        dates_col = list(map(str.strip, map(itemgetter(di), rows)))
        labels = list(map(str.strip, map(itemgetter(gi), rows)))
        ids = list(map(str.strip, map(itemgetter(pi), rows)))
        # short rows that are not blank lines are problems too
        short = len(rows) < len(all_rows) and not all(
            not any(v.strip() for v in r) for r in all_rows if len(r) < width
        )
    dates: dict[str, date] = {}
    clean = True
    for ds in set(dates_col):
        try:
            dates[ds] = date.fromisoformat(ds)
        except ValueError:
            clean = False
    if "" in set(labels) or short:
        clean = False
    if known_ids is not None:
        known = known_ids.keys() if isinstance(known_ids, dict) else known_ids
        clean = clean and set(ids) <= known
    if not clean:
        # without the roster's ids the caller names the problems (``_checked``)
        raise RosterError(_history_problems(path, known_ids) if known_ids is not None else [])
    return dates_col, labels, ids, dates


def _history_problems(
    path: str | Path, known_ids: set[str] | dict[str, Any]
) -> list[RosterProblem]:
    """Every problem of a history file, row by row (the slow path)."""
    name, col, reader = _open_rows(path, HISTORY_COLUMNS)
    di, gi, pi = col["date"], col["group"], col["person_id"]
    width = max(di, gi, pi) + 1
    problems: list[RosterProblem] = []
    for values in reader:
        line = reader.line_num
        if len(values) < width:
            if any(v.strip() for v in values):
                problems.append(RosterProblem(name, line, None, "too few columns"))
            continue
        ds, label, pid = values[di].strip(), values[gi].strip(), values[pi].strip()
        try:
            date.fromisoformat(ds)
        except ValueError:
            problems.append(
                RosterProblem(name, line, "date", f"'{ds}' is not a date (use YYYY-MM-DD)")
            )
        if not label:
            problems.append(RosterProblem(name, line, "group", "the group label is empty"))
        if pid not in known_ids:
            problems.append(
                RosterProblem(
                    name, line, "person_id", f"unknown person id '{pid}' (not in the roster)"
                )
            )
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def read_blocked(path: str | Path, known_ids: set[str] | dict[str, Any]) -> list[tuple[str, str]]:
    """Blocked pairs from ``person_id,other_id`` rows (either direction blocks both).

    Parameters
    ----------
    path : str or Path
        BLOCKED.csv.
    known_ids : set or dict of str
        The roster's ids: a row naming anyone else is a problem.

    Returns
    -------
    list of (str, str)
        In file order.

    Raises
    ------
    RosterError
        With every problem (up to ``MAX_PROBLEMS``), row and column named.

    Notes
    -----
    O(rows).
    """
    name, col, reader = _open_rows(path, BLOCKED_COLUMNS)
    ai, bi = col["person_id"], col["other_id"]
    width = max(ai, bi) + 1
    problems: list[RosterProblem] = []
    out: list[tuple[str, str]] = []
    for values in reader:
        line = reader.line_num
        if len(values) < width:
            if not any(v.strip() for v in values):
                continue
            problems.append(RosterProblem(name, line, None, "too few columns"))
            continue
        a, b = values[ai].strip(), values[bi].strip()
        for column, pid in (("person_id", a), ("other_id", b)):
            if pid not in known_ids:
                problems.append(
                    RosterProblem(
                        name, line, column, f"unknown person id '{pid}' (not in the roster)"
                    )
                )
        if a == b and a in known_ids:
            problems.append(
                RosterProblem(name, line, "other_id", "a person cannot block themselves")
            )
        if len(problems) >= MAX_PROBLEMS:
            break
        out.append((a, b))
    if problems:
        raise RosterError(problems)
    return out


def writable_problem(path: str | Path) -> RosterProblem | None:
    """Why an output file could not be written, checked before the round is computed.

    Parameters
    ----------
    path : str or Path
        OUT.csv or REPORT.json as given.

    Returns
    -------
    RosterProblem or None
        None when the folder exists, is writable and the path is not a folder.

    Notes
    -----
    O(1) (a few file-system checks).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        return RosterProblem(str(path), None, None, "is a folder, not a file")
    if not folder.is_dir():
        return RosterProblem(str(path), None, None, f"no such folder '{folder}'")
    if not os.access(folder, os.W_OK):
        return RosterProblem(str(path), None, None, f"folder '{folder}' is not writable")
    return None


def _write_all(files: dict[Path, str]) -> None:
    """Write every file to a temporary name first, then rename them all: a failure
    leaves no output (and never half a file)."""
    temps: list[tuple[str, Path]] = []
    try:
        for target, text in files.items():
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            temps.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        for tmp, target in temps:
            os.replace(tmp, target)
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)


def groups_csv(result: Result) -> str:
    """OUT.csv: ``group,person_id``, one row per placed person, organizer first.

    Parameters
    ----------
    result : Result
        The round; its groups are numbered from 1 in their order.

    Returns
    -------
    str
        The CSV text with ``\\r\\n`` line ends (``csv.writer``'s), ids quoted only
        where they hold a comma, quote or line break.

    Notes
    -----
    O(people). Ids that need no quoting (the usual case) skip the per-cell check.
    """
    rows = [(k, m) for k, g in enumerate(result.groups, start=1) for m in g.members]
    ids = "\x00".join(m for _, m in rows)  # joined once, not once per character sought
    if any(ch in ids for ch in ',"\r\n'):
        lines = [f"{k},{_csv_cell(m)}" for k, m in rows]
    else:
        lines = [f"{k},{m}" for k, m in rows]
    return "\r\n".join(["group,person_id", *lines]) + "\r\n"


def _csv_cell(value: str) -> str:
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def report_dict(result: Result, round_info: dict[str, Any]) -> dict[str, Any]:
    """REPORT.json: the round's figures plus every group with its reasons in words.

    Parameters
    ----------
    result : Result
        The round.
    round_info : dict
        The round's inputs (date, size, mode, seed, ...), written as ``round``.

    Returns
    -------
    dict
        ``round``, every metric, and ``groups_detail`` (one dict per group).

    Notes
    -----
    O(groups x reasons). ``write_outputs`` writes the same JSON without building
    these dicts.
    """
    report: dict[str, Any] = {"round": round_info, **result.metrics}
    report["groups_detail"] = [
        {
            "group": str(k),
            "members": list(g.members),
            "organizer": g.members[0],
            "score": g.score,
            "reasons": [{"code": r.code, "text": r.text, "params": r.params} for r in g.reasons],
        }
        for k, g in enumerate(result.groups, start=1)
    ]
    return report


_encode = json.JSONEncoder(ensure_ascii=False).encode
# What json.dumps(..., ensure_ascii=False) writes as an escape, not as itself.
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f\ud800-\udfff]')
_BETWEEN = '", "'  # between two plain strings of a JSON list


def _report_json(report: dict[str, Any]) -> str:
    """One top-level key per line and one group per line: readable, and fast (the C
    encoder; ``indent=`` would switch json to its pure-Python encoder)."""
    lines = []
    for key, value in report.items():
        if isinstance(value, list) and value and key in ("groups_detail", "left_out"):
            body = ",\n  ".join(map(_encode, value))
            lines.append(f"{json.dumps(key)}: [\n  {body}\n ]")
        elif isinstance(value, _GroupLines):
            lines.append(
                f"{json.dumps(key)}: [\n  {value.text}\n ]"
                if value.text
                else f"{json.dumps(key)}: []"
            )
        else:
            lines.append(f"{json.dumps(key)}: {_encode(value)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


class _GroupLines:
    """``report_dict``'s ``groups_detail`` already encoded, one group per line: the same
    text ``json.dumps`` gives each group's dict, with each reason encoded once (groups
    share their ``Reason`` objects, see ``explain.round_reasons``)."""

    def __init__(self, result: Result):
        done: dict[int, str] = {}

        def reason(r: Reason) -> str:
            text = done.get(id(r))
            if text is None:
                text = done[id(r)] = _encode({"code": r.code, "text": r.text, "params": r.params})
            return text

        # Ids JSON writes as they are (the usual case) are quoted by hand.
        ids = "".join(m for g in result.groups for m in g.members)
        plain = not _JSON_ESCAPED.search(ids)
        self.text = ",\n  ".join(
            (
                f'{{"group": "{k}", "members": ["{_BETWEEN.join(g.members)}"], '
                f'"organizer": "{g.members[0]}", '
                if plain
                else f'{{"group": "{k}", "members": {_encode(list(g.members))}, '
                f'"organizer": {_encode(g.members[0])}, '
            )
            + f'"score": {_encode(g.score)}, "reasons": [{", ".join(map(reason, g.reasons))}]}}'
            for k, g in enumerate(result.groups, start=1)
        )


def write_outputs(
    result: Result,
    *,
    out: str | Path | None,
    report: str | Path | None,
    round_info: dict[str, Any],
) -> str | None:
    """Write OUT.csv and REPORT.json; return the CSV text when it goes to stdout.

    Parameters
    ----------
    result : Result
        The round.
    out : str or Path, optional
        OUT.csv; None means standard output (the text is returned).
    report : str or Path, optional
        REPORT.json; None writes no report.
    round_info : dict
        As for ``report_dict``.

    Returns
    -------
    str or None
        The CSV text when ``out`` is None.

    Notes
    -----
    O(people + groups x reasons). Both files are written to temporary names and
    renamed together (``_write_all``): a failure leaves no output. The report is the
    JSON ``report_dict`` describes, one group per line, each reason encoded once.
    """
    text = groups_csv(result)
    files: dict[Path, str] = {}
    if report is not None:
        fast = {"round": round_info, **result.metrics, "groups_detail": _GroupLines(result)}
        files[Path(report)] = _report_json(fast)
    if out is not None:
        files[Path(out)] = text
    _write_all(files)
    return None if out is not None else text
