"""Whole numbers typed or posted by people, read without surprises.

``str.isdigit()`` is true for "²" and "٣", which ``int()`` refuses or reads as another
number, and a thousand-digit id overflows every database. Input that asks for a number
goes through ``whole_number``: ASCII digits only, a bounded length, else None.
"""

from __future__ import annotations


def whole_number(text: object, *, digits: int = 9) -> int | None:
    """``text`` as a non-negative int when it is 1 to ``digits`` ASCII digits (after
    trimming spaces); None for anything else, so the caller answers a clear 4xx."""
    value = str(text if text is not None else "").strip()
    if not (0 < len(value) <= digits and value.isascii() and value.isdigit()):
        return None
    return int(value)
