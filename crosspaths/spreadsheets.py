"""Cells that are safe to open in a spreadsheet: every CSV Crosspaths writes (console
exports, insights downloads) passes its cells through ``safe_cell``.

Pure Python and at the bottom of the layers (like ``clock``), so any app can use it
and there is one rule, not one per export.
"""

from __future__ import annotations

from typing import Any

from crosspaths.matching.roster import escape_formula


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV
    injection); numbers stay numbers. The rule is the roster reader's own
    (``escape_formula``), which ``unescape_formula`` undoes exactly, so a roster export
    uploaded again changes nobody."""
    return escape_formula(value) if isinstance(value, str) else value
