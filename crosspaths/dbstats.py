"""Fresh planner statistics after a bulk write.

PostgreSQL plans queries from per-table statistics that autovacuum refreshes only after
a share of a table has changed and a while has passed. A round of 100,000 people writes
50,000 matches and 100,000 members in one go; until the statistics catch up, the
review page, the dashboards and the next draft are planned for the table as it was
(e.g. a sequential scan where an index fits). So the bulk writers (the demo, a roster
import, a round's draft and its introductions) ask for ``ANALYZE`` of the tables they
filled, once their transaction has committed. ANALYZE samples a bounded number of rows
(30,000 at the default statistics target), so it costs well under a second even on
tables of millions of rows. SQLite (development and demos) is left alone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, models, transaction


def analyze_after_commit(*tables: type[models.Model], rows: int) -> bool:
    """Refresh the statistics of ``tables`` after the current transaction commits (at
    once outside one), when ``rows`` — how many were written — reaches the setting
    ``ANALYZE_AFTER_ROWS``. True when it was asked for."""
    if rows < settings.ANALYZE_AFTER_ROWS or connection.vendor != "postgresql":
        return False
    names = sorted({m._meta.db_table for m in tables})
    transaction.on_commit(lambda: _analyze(names))
    return True


def _analyze(names: list[str]) -> None:
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {quoted}")
