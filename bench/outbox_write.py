"""The outbox's write at publication, one schema variant against another, same rows.

    .venv/bin/python bench/pipeline.py --people 25000 --keep --postgres URL   # once
    DATABASE_URL=URL .venv/bin/python manage.py migrate notify 0005             # the old schema
    .venv/bin/python bench/outbox_write.py --postgres URL --passes 3

Takes the rows ``round_publish`` wrote for the kept bench organization (issue 13:
≤ 15 s for 100,000 people), removes them once, and then, per pass and variant in
turn, writes them again as publishing does (``COPY`` in chunks of 20,000 inside one
transaction, then ``COMMIT``, which runs the deferred foreign-key checks) and deletes
them. Variants change only ``notify_message``'s indexes and constraints (DDL on the
bench database; the original schema is put back at the end):

- ``before``: the schema of notify 0005 (ten indexes, three foreign keys);
- ``no match_id``: without the index on ``match_id`` alone;
- ``no LIKE``: also without the ``varchar_pattern_ops`` index on ``dedupe_key``;
- ``no org FK``: also without the foreign key on ``organization_id``.

Prints the wall and server CPU seconds (the connection's backend, from ``/proc``: the
bench must run on the database's machine) of the COPYs and of the COMMIT, and the load
average after each.
"""

from __future__ import annotations

import argparse
import os
import time

import psycopg

SLUG = "bench-pipeline"
COLUMNS = (
    "organization_id, kind, channel, person_id, group_members, conversation, match_id, "
    "dedupe_key, status, attempts, next_attempt_at, lease_until, last_error, sent_at, created_at"
)
CHUNK = 20_000


def _ddl(conn: psycopg.Connection, name: str) -> tuple[list[str], list[str]]:
    """The statements that drop and re-create the index or constraint ``name``."""
    row = conn.execute(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index JOIN pg_class c ON c.oid = indexrelid "
        "WHERE c.relname = %s",
        [name],
    ).fetchone()
    if row is not None:
        return [f'DROP INDEX "{name}"'], [row[0]]
    (definition,) = conn.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [name]
    ).fetchone()
    return (
        [f'ALTER TABLE notify_message DROP CONSTRAINT "{name}"'],
        [f'ALTER TABLE notify_message ADD CONSTRAINT "{name}" {definition}'],
    )


def _named(conn: psycopg.Connection, pattern: str, kind: str) -> str:
    table = "pg_indexes WHERE tablename = 'notify_message' AND indexname"
    if kind == "fk":
        table = "pg_constraint WHERE conrelid = 'notify_message'::regclass AND conname"
    column = "indexname" if kind == "index" else "conname"
    (name,) = conn.execute(f"SELECT {column} FROM {table} LIKE %s", [pattern]).fetchone()
    return name


def _server_cpu(pid: int) -> float:
    """User + system seconds of the server process ``pid`` (the bench runs on the
    database's machine); steadier than wall time when other work shares the cores."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _write(conn: psycopg.Connection, rows: list[bytes]) -> tuple[float, float, float, float]:
    """Wall and server CPU seconds of the COPYs, then of the COMMIT."""
    (pid,) = conn.execute("SELECT pg_backend_pid()").fetchone()
    cpu, start = _server_cpu(pid), time.perf_counter()
    with conn.transaction():
        with conn.cursor() as cursor:
            for at in range(0, len(rows), CHUNK):
                with cursor.copy(f"COPY notify_message ({COLUMNS}) FROM STDIN") as copy:
                    copy.write(b"".join(rows[at : at + CHUNK]))
        copied, copy_cpu = time.perf_counter(), _server_cpu(pid)
    return copied - start, copy_cpu - cpu, time.perf_counter() - copied, _server_cpu(pid) - copy_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    conn = psycopg.connect(args.postgres, autocommit=True)
    (org,) = conn.execute("SELECT id FROM people_organization WHERE slug = %s", [SLUG]).fetchone()
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS bench_outbox_rows AS SELECT {COLUMNS} FROM notify_message "
        "WHERE organization_id = %s",
        [org],
    )
    conn.execute("DELETE FROM notify_message WHERE organization_id = %s", [org])
    conn.execute("VACUUM ANALYZE notify_message")
    with (
        conn.cursor() as cursor,
        cursor.copy(f"COPY bench_outbox_rows ({COLUMNS}) TO STDOUT") as copy,
    ):
        data = b"".join(bytes(block) for block in copy)
    rows = [line + b"\n" for line in data.split(b"\n") if line]
    match_index = _named(conn, "notify_message_match_id_%", "index")
    like_index = _named(conn, "notify_message_dedupe_key_%_like", "index")
    org_fk = _named(conn, "notify_message_organization_id_%_fk_%", "fk")
    steps = [_ddl(conn, match_index), _ddl(conn, like_index), _ddl(conn, org_fk)]
    names = ["before", "no match_id", "no LIKE", "no org FK"]
    print(f"{len(rows):,} rows")
    print("| pass | variant | COPY wall / CPU s | COMMIT wall / CPU s | total CPU s | load |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    try:
        for number in range(1, args.passes + 1):
            for variant, name in enumerate(names):
                for drop, _create in steps[:variant]:
                    for statement in drop:
                        conn.execute(statement)
                conn.execute("CHECKPOINT")
                copy_s, copy_cpu, commit_s, commit_cpu = _write(conn, rows)
                conn.execute("DELETE FROM notify_message WHERE organization_id = %s", [org])
                for _drop, create in reversed(steps[:variant]):
                    for statement in create:
                        conn.execute(statement)
                conn.execute("VACUUM notify_message")
                load = os.getloadavg()[0]
                print(
                    f"| {number} | {name} | {copy_s:.2f} / {copy_cpu:.2f} | "
                    f"{commit_s:.2f} / {commit_cpu:.2f} | {copy_cpu + commit_cpu:.2f} | {load:.1f} |",
                    flush=True,
                )
    finally:
        conn.execute(f"INSERT INTO notify_message ({COLUMNS}) SELECT * FROM bench_outbox_rows")
        conn.execute("DROP TABLE bench_outbox_rows")


if __name__ == "__main__":
    main()
