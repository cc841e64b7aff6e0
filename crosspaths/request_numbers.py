"""Whole numbers typed or posted by people, read without surprises.

``str.isdigit()`` is true for "²" and "٣", which ``int()`` refuses or reads as another
number, and a thousand-digit id overflows every database. Input that asks for a number
goes through ``whole_number``: ASCII digits only, a bounded length, else None.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def whole_number(text: object, *, digits: int = 9) -> int | None:
    """``text`` as a non-negative int when it is 1 to ``digits`` ASCII digits (after
    trimming spaces); None for anything else, so the caller answers a clear 4xx."""
    value = str(text if text is not None else "").strip()
    if not (0 < len(value) <= digits and value.isascii() and value.isdigit()):
        return None
    return int(value)


class ModelMultipleIdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of objects by id that refuses an id no integer column can hold.

    Django's ``pk__in`` lookup (unlike ``pk=``) hands 10**20 straight to the database,
    and SQLite answers with an OverflowError: a posted "99999999999999999999" was an
    HTTP 500. Such an id is simply not one of the choices."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if self.to_field_name is None and whole_number(pk, digits=18) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private in Django, absent from django-stubs
