"""``import_interactions``: a CSV of weekly interaction counts per pair, streamed.

The file can have millions of rows, so it is read row by row and written in batches,
all inside one transaction: one bad row and nothing is kept (the problems are listed
like a roster import's, with file, row and column). The file is the truth for every
week and channel it contains: those weeks' earlier rows of that channel are replaced,
so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.matching.roster import RosterError, RosterProblem
from crosspaths.people.models import Organization, Person
from crosspaths.request_numbers import whole_number

from .models import CollaborationOptOut, CollaborationSettings, Interaction
from .storage import Row, interactions_insert

COLUMNS = ("period_start", "person_a", "person_b", "channel", "count")
CHANNELS = frozenset(Interaction.Channel.values)
BATCH = 20_000
MAX_PROBLEMS = 50  # a broken export fails on every row: the first ones say enough
MAX_COUNT = 2**31 - 1


class CollaborationOff(Exception):
    """The organization has not turned the collection of interaction counts on."""

    def __init__(self, organization: Organization):
        super().__init__(
            _(
                "Collecting interaction counts is off for %(org)s, so nothing was imported. "
                "An admin turns it on first (see docs/collaboration.md)."
            )
            % {"org": organization.name}
        )


@dataclass
class ImportSummary:
    rows: int = 0  # data rows read
    stored: int = 0
    opted_out: int = 0  # rows skipped because a person opted out
    unknown: int = 0  # rows skipped for an unknown roster id (only with skip_unknown)
    replaced: int = 0  # earlier rows of the file's weeks and channels
    weeks: set[date] = field(default_factory=set)


def collaboration_enabled(organization: Organization) -> bool:
    return CollaborationSettings.objects.filter(organization=organization, enabled=True).exists()


def interactions_import(
    *,
    organization: Organization,
    stream: IO[str],
    file: str = "interactions.csv",
    skip_unknown: bool = False,
) -> ImportSummary:
    """Read interaction counts from ``stream`` (CSV text) into ``organization``.

    Raises CollaborationOff when the organization has not enabled collection, and
    RosterError with every problem (up to ``MAX_PROBLEMS``) when a row is wrong; then
    nothing is written. Rows naming a person who opted out are skipped; unknown roster
    ids are problems unless ``skip_unknown``."""
    if not collaboration_enabled(organization):
        raise CollaborationOff(organization)
    reader = csv.reader(stream)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RosterError(
            [RosterProblem(file, 1, c, "the header has no such column") for c in missing]
        )
    index = {c: header.index(c) for c in COLUMNS}
    people = dict(
        Person.objects.filter(organization=organization)
        .exclude(external_id="")
        .values_list("external_id", "pk")
    )
    opted_out = set(
        CollaborationOptOut.objects.filter(organization=organization).values_list(
            "person_id", flat=True
        )
    )
    latest = clock.today() - timedelta(days=clock.today().weekday())
    summary = ImportSummary()
    problems: list[RosterProblem] = []
    with transaction.atomic():
        batch: list[Row] = []
        replaced: set[tuple[date, str]] = set()
        fast = _FastPath(index, people, latest)
        for line, values in _data_rows(reader):
            summary.rows += 1
            parsed = fast.parse(values) or _parse(
                values, index, people, latest, file, line, skip_unknown, problems
            )
            if len(problems) >= MAX_PROBLEMS:
                break
            if parsed is None:
                continue
            if isinstance(parsed, str):  # "unknown"
                summary.unknown += 1
                continue
            week, a, b, channel, count = parsed
            if a in opted_out or b in opted_out:
                summary.opted_out += 1
                continue
            if problems:
                continue  # nothing more is written; keep reading to list the problems
            if (week, channel) not in replaced:
                replaced.add((week, channel))
                summary.replaced += _delete_week(organization, week, channel)
                summary.weeks.add(week)
            if count:
                batch.append((organization.pk, week, min(a, b), max(a, b), channel, count))
            if len(batch) >= BATCH:
                summary.stored += _insert(batch)
        if problems:
            transaction.set_rollback(True)
            raise RosterError(problems)
        summary.stored += _insert(batch)
    return summary


class _FastPath:
    """The common case quickly: a row with nothing wrong. Anything unusual (a bad or
    unknown value) returns None and goes through ``_parse``, which says what is wrong;
    the few distinct weeks of a file are parsed once."""

    def __init__(self, index: dict[str, int], people: dict[str, int], latest: date):
        self.columns = tuple(index[c] for c in COLUMNS)
        self.width = max(self.columns) + 1
        self.people = people
        self.latest = latest
        self.weeks: dict[str, date | None] = {}

    def parse(self, values: list[str]) -> tuple[date, int, int, str, int] | None:
        if len(values) < self.width:
            return None
        p, a, b, ch, n = (values[i] for i in self.columns)
        if p not in self.weeks:
            self.weeks[p] = self._week(p)
        week = self.weeks[p]
        x, y = self.people.get(a.strip()), self.people.get(b.strip())
        ch = ch.strip().lower()
        n = n.strip()
        if week is None or x is None or y is None or x == y or ch not in CHANNELS:
            return None
        count = whole_number(n, digits=10)
        if count is None or count > MAX_COUNT:
            return None
        return week, x, y, ch, count

    def _week(self, text: str) -> date | None:
        try:
            week = date.fromisoformat(text.strip())
        except ValueError:
            return None
        return week if week.weekday() == 0 and week <= self.latest else None


def _data_rows(reader: Iterable[list[str]]) -> Iterable[tuple[int, list[str]]]:
    for values in reader:
        if any(v.strip() for v in values):
            yield reader.line_num, values  # type: ignore[attr-defined]  # a csv.reader: it counts lines


def _insert(batch: list[Row]) -> int:
    stored = interactions_insert(batch)
    batch.clear()
    return stored


def _delete_week(organization: Organization, week: date, channel: str) -> int:
    deleted, _by_model = Interaction.objects.filter(
        organization=organization, period_start=week, channel=channel
    ).delete()
    return deleted


def _parse(
    values: list[str],
    index: dict[str, int],
    people: dict[str, int],
    latest: date,
    file: str,
    line: int,
    skip_unknown: bool,
    problems: list[RosterProblem],
) -> tuple[date, int, int, str, int] | str | None:
    """One row's (week, person a, person b, channel, count); None after adding the row's
    problems; "unknown" for a row to skip because of an unknown roster id."""
    cell = {c: (values[i].strip() if i < len(values) else "") for c, i in index.items()}
    found = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(RosterProblem(file, line, column, message))

    week: date | None = None
    try:
        week = date.fromisoformat(cell["period_start"])
    except ValueError:
        problem("period_start", f"'{cell['period_start']}' is not a date (YYYY-MM-DD)")
    if week is not None and week.weekday() != 0:
        problem("period_start", f"{week.isoformat()} is not a Monday (the week's first day)")
    elif week is not None and week > latest:
        problem("period_start", f"{week.isoformat()} is a week that has not started yet")
    ids: list[int | None] = []
    for column in ("person_a", "person_b"):
        pk = people.get(cell[column])
        if pk is None and not skip_unknown:
            what = f"no person with roster id '{cell[column]}'" if cell[column] else "empty"
            problem(column, what)
        ids.append(pk)
    if cell["person_a"] and cell["person_a"] == cell["person_b"]:
        problem("person_b", "a person cannot interact with themselves")
    if cell["channel"].lower() not in CHANNELS:
        problem(
            "channel",
            f"'{cell['channel']}' is not one of {', '.join(sorted(CHANNELS))}",
        )
    count = -1
    number = whole_number(cell["count"], digits=10)
    if number is not None and number <= MAX_COUNT:
        count = number
    else:
        problem("count", f"'{cell['count']}' is not a whole number from 0 to {MAX_COUNT}")
    if len(problems) > found:
        return None
    a, b = ids
    if a is None or b is None:
        return "unknown"
    assert week is not None
    return week, a, b, cell["channel"].lower(), count
