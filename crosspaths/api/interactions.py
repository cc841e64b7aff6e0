"""POST /api/v1/interactions: weekly interaction counts per pair, as a CSV body or as
JSON rows, through the service of ``manage.py import_interactions`` (docs/collaboration.md).

A thin adapter: JSON rows are written out as the CSV the service reads, so every rule
(roster ids, Mondays, channels, whole counts, opt-outs, all-or-nothing, a request
replaces the weeks and channels it contains) lives in one place. The service's
problems come back as problem+json, one error per row and column: ``rows.3.count`` for
the fourth JSON row, ``row 5.count`` for line 5 of a CSV body (the header is row 1)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from crosspaths.collaboration.imports import (
    COLUMNS,
    CollaborationOff,
    ImportSummary,
    interactions_import,
)
from crosspaths.matching.roster import RosterError, RosterProblem

from .conventions import IdempotencyKey, idempotent, key_of, write
from .problems import ApiProblem, Problem

router = Router(tags=["v1"])
ERRORS: dict[int, Any] = {s: Problem for s in (400, 401, 403, 409, 413, 415, 422, 429)}
CSV_TYPES = ("text/csv", "application/csv")
SkipUnknown = Query(
    False,
    description="skip rows naming someone not in the roster (guests, bots, leavers) "
    "instead of refusing the request",
)

# The request body, for the OpenAPI document (the view reads the body itself, since
# it takes CSV as well as JSON).
_ROW = {
    "type": "object",
    "properties": {
        "period_start": {"type": "string", "format": "date", "description": "a Monday"},
        "person_a": {"type": "string", "description": "roster id"},
        "person_b": {"type": "string", "description": "roster id"},
        "channel": {"type": "string", "enum": ["chat", "mail", "meeting", "document", "intranet"]},
        "count": {"type": "integer", "minimum": 0},
    },
    "required": list(COLUMNS),
}
BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "title": "InteractionRows",
                    "type": "object",
                    "properties": {"rows": {"type": "array", "items": _ROW}},
                    "required": ["rows"],
                }
            },
            "text/csv": {
                "schema": {
                    "type": "string",
                    "description": "header period_start,person_a,person_b,channel,count",
                }
            },
        },
    }
}


class ImportOut(Schema):
    rows: int  # data rows read
    stored: int
    opted_out: int  # skipped: a person opted out
    unknown: int  # skipped: unknown roster id (only with skip_unknown)
    replaced: int  # earlier rows of the request's weeks and channels
    weeks: list[str]


@router.post(
    "/interactions",
    response={200: ImportOut, **ERRORS},
    auth=write("interactions"),
    openapi_extra=BODY,
)
def interactions_post(
    request: HttpRequest,
    skip_unknown: bool = SkipUnknown,
    idempotency_key: str | None = IdempotencyKey,
) -> Any:
    """Import weekly interaction counts per pair (counts only, never content): a CSV
    body (``Content-Type: text/csv``) or ``{"rows": [{period_start, person_a, person_b,
    channel, count}, ...]}``. All or nothing: one bad row and nothing is kept, every
    problem is listed with its row and column. The request replaces the weeks and
    channels it contains, so sending it again changes nothing. Refused (409) while the
    organization has not turned collection on."""
    try:
        body = request.body
    except RequestDataTooBig:
        raise ApiProblem(
            413,
            _(
                "The body is larger than this server takes in one request. Send fewer "
                "weeks a request (each request replaces the weeks and channels it "
                "contains), or import the file with manage.py import_interactions."
            ),
            title="Content Too Large",
        ) from None
    if request.content_type in CSV_TYPES:
        text, json_rows = _csv_text(body), False
    elif request.content_type == "application/json":
        text, json_rows = _rows_as_csv(request), True
    else:
        raise ApiProblem(
            415,
            _("Send the counts as text/csv or as application/json."),
            title="Unsupported Media Type",
        )
    organization = key_of(request).organization

    def run() -> tuple[int, Any]:
        try:
            summary = interactions_import(
                organization=organization,
                stream=io.StringIO(text, newline=""),
                file="body",
                skip_unknown=skip_unknown,
            )
        except CollaborationOff as e:
            raise ApiProblem(409, str(e)) from None
        except RosterError as e:
            raise _RowProblems(e.problems, json_rows=json_rows) from None
        return 200, _summary(summary)

    return idempotent(request, idempotency_key, run)


class _RowProblems(ApiProblem):
    """The service's problems, one error per row and column (raised inside the
    transaction, so nothing is kept)."""

    def __init__(self, problems: list[RosterProblem], *, json_rows: bool):
        detail = _("%(count)d problem(s) found; nothing was imported.") % {"count": len(problems)}
        errors = [
            {"field": _field(p, json_rows=json_rows), "detail": _where(p, json_rows=json_rows)}
            for p in problems
        ]
        super().__init__(422, detail, errors=errors)


def _field(p: RosterProblem, *, json_rows: bool) -> str:
    if p.row is None:
        return p.column or ""
    if json_rows:
        # The JSON rows are written out one a line after the header (row 1).
        return f"rows.{p.row - 2}.{p.column}" if p.row > 1 else f"rows.{p.column}"
    return f"row {p.row}.{p.column}" if p.column else f"row {p.row}"


def _where(p: RosterProblem, *, json_rows: bool) -> str:
    if json_rows and p.row is not None and p.row > 1:
        return _("rows[%(index)d], %(column)s: %(message)s") % {
            "index": p.row - 2,
            "column": p.column,
            "message": p.message,
        }
    where = _("row %(row)d") % {"row": p.row} if p.row is not None else ""
    if p.column:
        where += (", " if where else "") + _("column '%(column)s'") % {"column": p.column}
    return f"{where}: {p.message}" if where else p.message


def _csv_text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ApiProblem(
            422,
            _("The body is not UTF-8 text (%(reason)s at byte %(at)d).")
            % {"reason": e.reason, "at": e.start},
        ) from None


def _rows_as_csv(request: HttpRequest) -> str:
    """``{"rows": [...]}`` written out as the CSV the service reads, a row a line, so
    its row numbers map back to the rows' indexes. Only the shape is checked here:
    each row an object of text, whole numbers or null."""
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(400, _("The body is not valid JSON.")) from None
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ApiProblem(422, _("Send the counts as a list named rows."), field="rows")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ApiProblem(
                422,
                _("Each row is an object with %(columns)s.") % {"columns": ", ".join(COLUMNS)},
                field=f"rows.{i}",
            )
        writer.writerow([_cell(row.get(c), f"rows.{i}.{c}") for c in COLUMNS])
    return out.getvalue()


def _cell(value: Any, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ApiProblem(422, _("Give text or a whole number."), field=field)
    text = str(value)
    if "\n" in text or "\r" in text:
        raise ApiProblem(422, _("A value cannot contain a line break."), field=field)
    return text


def _summary(summary: ImportSummary) -> dict[str, Any]:
    return {
        "rows": summary.rows,
        "stored": summary.stored,
        "opted_out": summary.opted_out,
        "unknown": summary.unknown,
        "replaced": summary.replaced,
        "weeks": sorted(w.isoformat() for w in summary.weeks),
    }
