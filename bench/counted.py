"""Run a ``manage.py`` command (a task worker) counting its database round trips.

    python bench/counted.py OUT.json db_worker --no-reload ...

Counts every statement the process sends through Django (an ``execute_wrapper`` on each
connection) and every commit; with psycopg each transaction also costs a ``BEGIN``, so
round trips = statements + 2 x commits (+ the handshake of each new connection, counted
apart). Writes the counts and the process's CPU seconds to OUT.json when the command
ends (SIGTERM: the workers stop after the task in hand). Used by bench/workers.py.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    out, argv = Path(sys.argv[1]), sys.argv[2:]
    early: list[int] = []
    signal.signal(signal.SIGUSR1, lambda signum, frame: early.append(signum))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.signals import connection_created

    counts = {"statements": 0, "commits": 0, "connections": 0}

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        counts["statements"] += 1
        return execute(sql, params, many, context)

    def install(sender, connection, **kwargs):  # type: ignore[no-untyped-def]
        counts["connections"] += 1
        if count not in connection.execute_wrappers:
            connection.execute_wrappers.append(count)

    commit = BaseDatabaseWrapper._commit

    def counted_commit(self):  # type: ignore[no-untyped-def]
        counts["commits"] += 1
        return commit(self)

    BaseDatabaseWrapper._commit = counted_commit  # type: ignore[method-assign]
    connection_created.connect(install)

    def write() -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        counts["cpu_seconds"] = usage.ru_utime + usage.ru_stime
        counts["peak_rss_mib"] = usage.ru_maxrss / 1024
        out.write_text(json.dumps(counts))

    def snapshot(signum, frame):  # type: ignore[no-untyped-def]
        write()  # SIGUSR1: the figures so far (the bench reads them before a run)

    signal.signal(signal.SIGUSR1, snapshot)
    write()  # ready: set up, about to start the command
    try:
        call_command(*argv)
    finally:
        write()


if __name__ == "__main__":
    main()
