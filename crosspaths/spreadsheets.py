"""Cells that are safe to open in a spreadsheet: every CSV Crosspaths writes (console
exports, insights downloads) passes its cells through ``safe_cell``.

Pure Python and at the bottom of the layers (like ``clock``), so any app can use it
and there is one rule, not one per export.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV
    injection); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value
