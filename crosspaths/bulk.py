"""Bulk inserts of a round's size with PostgreSQL's ``COPY``.

A round of 100,000 people stores 50,000 matches and 100,000 members, and publishing it
writes about 300,000 outbox rows. ``bulk_create`` spends most of that time in Python:
compiling the statement, preparing every value through its field, and (with the
client-side binding Django uses on psycopg 3) quoting each batch as literal arrays.
``COPY … FROM STDIN`` hands psycopg's C writer plain tuples instead (bench/pipeline.py
has the figures). Rows whose ids the caller needs get them reserved from the table's
sequence first, so nothing has to be read back. Other databases (SQLite in
development) take ``bulk_create``; callers write one path.

Only field types whose stored value is the attribute itself (or, for JSON, its
serialization) are accepted; a model with any other field is refused rather than
written differently from the ORM.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connection, models

# Fields whose database value is the Python attribute as psycopg adapts it.
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.ForeignKey,
    models.CharField,
    models.TextField,
    models.IntegerField,  # and its small/positive/big kinds
    models.BooleanField,
    models.DateTimeField,
    models.DateField,
    models.TimeField,
    models.FloatField,
)


class JsonText(str):
    """A JSON column's value already serialized (``json.dumps``' default separators),
    written as it is: a round's groups share their reasons, so each is encoded once
    and a group's list joined from the pieces (``programs.services._ReasonsJson``)."""


def _stored_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    fields = list(model._meta.concrete_fields)
    for field in fields:
        if not isinstance(field, (*_PLAIN, models.JSONField)):
            raise TypeError(f"{model.__name__}.{field.name}: COPY would not store it as the ORM")
    return fields


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """``COPY`` ``rows`` (tuples of database values in the order of ``columns``) into
    ``model``'s table, inside the caller's transaction. PostgreSQL only."""
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys from the table's sequence. PostgreSQL only."""
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple], *, ids: bool = False
) -> list[int]:
    """Insert ``rows`` (tuples of the values of ``columns``, attribute names such as
    ``person_id``; JSON columns as Python values) without building model objects:
    ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere. With ``ids`` the new primary
    keys are returned in the rows' order (reserved from the sequence first on
    PostgreSQL); without, the database numbers them and nothing is returned. Every
    other field must have a database-free default."""
    if connection.vendor != "postgresql":
        objs = [
            model(
                **{
                    c: json.loads(v) if isinstance(v, JsonText) else v
                    for c, v in zip(columns, row, strict=True)
                }
            )
            for row in rows
        ]
        model._default_manager.bulk_create(objs, batch_size=2000)
        return [obj.pk for obj in objs] if ids else []
    by_name = {f.attname: f for f in _stored_fields(model)}
    rest = [f for f in by_name.values() if f.attname not in columns and not f.primary_key]
    # Concrete fields always have a column (the stubs allow None for the others).
    targets = [cast(str, by_name[name].column) for name in columns]
    targets += [cast(str, f.column) for f in rest]
    if any(not f.has_default() and not f.null for f in rest):
        missing = [f.name for f in rest if not f.has_default() and not f.null]
        raise TypeError(f"{model.__name__}: no value for {', '.join(missing)}")
    defaults = tuple(_db_default(f) for f in rest)
    encoders = [_json_encoder(by_name[name]) for name in columns]
    if any(encoders):
        rows = (
            tuple(v if enc is None else enc(v) for v, enc in zip(row, encoders, strict=True))
            for row in rows
        )
    if not ids:
        copy_rows(
            model,
            targets,
            (tuple(row) + defaults for row in rows),
        )
        return []
    rows = list(rows)
    keys = reserve_ids(model, len(rows))
    copy_rows(
        model,
        [cast(str, model._meta.pk.column), *targets],
        ((pk, *row, *defaults) for pk, row in zip(keys, rows, strict=True)),
    )
    return keys


def _json_encoder(field: models.Field[Any, Any]) -> Any:
    """How a JSON column's Python value becomes COPY's text; ``None`` for the others."""
    if not isinstance(field, models.JSONField):
        return None
    encoder, null = field.encoder, field.null

    def encode(value: Any) -> str | None:
        if isinstance(value, JsonText):
            return str(value)
        return None if value is None and null else json.dumps(value, cls=encoder)

    return encode


def _db_default(field: models.Field[Any, Any]) -> Any:
    """A left-out column's value as the database takes it (a JSON default encoded)."""
    value = field.get_default()
    encode = _json_encoder(field)
    return value if encode is None else encode(value)
