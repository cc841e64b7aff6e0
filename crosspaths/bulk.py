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
from typing import Any

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


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert ``rows`` (tuples of the values of ``columns``, attribute names such as
    ``person_id``) without building model objects: ``COPY`` on PostgreSQL,
    ``bulk_create`` elsewhere. The database numbers them; for rows whose ids are not
    needed (a round's members). Every other field must have a database-free default."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    by_name = {f.attname: f for f in _stored_fields(model)}
    columns_db = [by_name[name].column for name in columns]
    rest = [f for f in by_name.values() if f.attname not in columns and not f.primary_key]
    if any(not f.has_default() and not f.null for f in rest):
        missing = [f.name for f in rest if not f.has_default() and not f.null]
        raise TypeError(f"{model.__name__}: no value for {', '.join(missing)}")
    defaults = tuple(f.get_default() for f in rest)
    copy_rows(
        model,
        [*columns_db, *(f.column for f in rest)],  # type: ignore[list-item]  # concrete fields have a column
        (tuple(row) + defaults for row in rows),
    )


def insert_objects(
    model: type[models.Model], objs: list[Any], *, ids: bool = True, batch_size: int = 2000
) -> None:
    """Insert unsaved ``objs`` of ``model``: ``COPY`` on PostgreSQL, ``bulk_create``
    elsewhere. With ``ids`` their primary keys are set (reserved first on PostgreSQL);
    without, the database numbers the rows and the objects keep no key there.
    ``auto_now``/``auto_now_add`` fields are filled as the ORM would."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    fields = _stored_fields(model)
    if ids:
        for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
            obj.pk = pk
    else:
        fields = [f for f in fields if not f.primary_key]
    stamped = [
        f for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    for obj in objs:
        for field in stamped:
            field.pre_save(obj, add=True)
        obj._state.adding = False
    getters = [_getter(f) for f in fields]
    copy_rows(
        model,
        [f.column for f in fields],  # type: ignore[misc]  # concrete fields have a column
        (tuple(get(obj) for get in getters) for obj in objs),
    )


def _getter(field: models.Field[Any, Any]):
    name = field.attname
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def as_json(obj: Any) -> str | None:
            value = getattr(obj, name)
            return None if value is None and field.null else json.dumps(value, cls=encoder)

        return as_json
    return lambda obj: getattr(obj, name)
