"""Writing interaction rows fast: millions of rows through the ORM's ``bulk_create``
run at a few thousand rows a second (a model instance per row, and on SQLite at most
999 parameters per statement). Rows here are plain tuples: PostgreSQL takes them by
``COPY``, other databases by one prepared ``executemany``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection

from .models import Interaction

# (organization id, week, person a, person b, channel, count); person a < person b.
Row = tuple[int, date, int, int, str, int]
COLUMNS = ("organization_id", "period_start", "person_a_id", "person_b_id", "channel", "count")


def interactions_insert(rows: Iterable[Row]) -> int:
    """Insert the rows (inside the caller's transaction); returns how many."""
    rows = list(rows)
    if not rows:
        return 0
    table = connection.ops.quote_name(Interaction._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [(o, w.isoformat(), a, b, ch, n) for o, w, a, b, ch, n in rows],
            )
    return len(rows)
