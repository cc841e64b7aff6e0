"""The database's own limits, applied to a roster before anything is written.

A roster row can be well-formed for the reader and still not fit the tables: a
300-character name, a level beyond the column's integer range, a NUL character
PostgreSQL refuses. The preview must refuse exactly what the apply would fail on, so
the limits are read from the model fields (max_length, the integer range the
connected database enforces, and a field's fixed choices such as the page language),
never written a second time here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from crosspaths.matching.roster import RosterProblem, RosterRow

from .models import Department, Location, Person, Team

# Roster column -> the model field its value is stored in.
STORED_IN: dict[str, models.Field[Any, Any]] = {
    "id": Person._meta.get_field("external_id"),
    "name": Person._meta.get_field("name"),
    "email": Person._meta.get_field("email"),
    "department": Department._meta.get_field("name"),
    "team": Team._meta.get_field("name"),
    "location": Location._meta.get_field("name"),
    "level": Person._meta.get_field("level"),
    "manager_id": Person._meta.get_field("external_id"),
    "timezone": Person._meta.get_field("timezone"),
    "title": Person._meta.get_field("title"),
    "language": Person._meta.get_field("language"),
}
# What the database itself refuses; format checks (e-mail, time zone) are the reader's.
STORAGE_VALIDATORS = (MaxLengthValidator, MinValueValidator, MaxValueValidator)


def _storage_problem(field: models.Field[Any, Any], value: Any) -> str | None:
    """Why ``value`` cannot be stored in ``field``, or None when it can."""
    if isinstance(value, str) and "\x00" in value:
        return "contains a NUL character, which the database cannot store"
    if field.choices and value not in {str(code) for code, _ in field.choices}:
        known = ", ".join(f"'{code}'" for code, _ in field.choices)
        return f"'{value}' is not one of the languages Crosspaths speaks ({known})"
    for validator in field.validators:  # per connection: its integer range included
        if isinstance(validator, STORAGE_VALIDATORS):
            try:
                validator(value)
            except ValidationError as e:
                return " ".join(e.messages)
    return None


def roster_storage_problems(rows: Iterable[RosterRow], *, file: str) -> list[RosterProblem]:
    """Every value of ``rows`` that the database would refuse, with row and column."""
    problems: list[RosterProblem] = []
    for row in rows:
        for column, field in STORED_IN.items():
            if column not in row.present and column != "id":
                continue
            value = getattr(row, column)
            if value is None or value == "":
                continue
            reason = _storage_problem(field, value)
            if reason:
                problems.append(RosterProblem(file, row.row, column, reason))
        for column in ("languages", "interests"):
            if any("\x00" in part for part in getattr(row, column)):
                problems.append(
                    RosterProblem(
                        file,
                        row.row,
                        column,
                        "contains a NUL character, which the database cannot store",
                    )
                )
    return problems
