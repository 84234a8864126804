"""``json``: an array in the shape of ruff's JSON output, so tools that read ruff read kerlint.
``json-lines``: the same objects, one per line."""

from __future__ import annotations

import json

from .. import codes
from . import absolute, cell_rows, severity


def _loc(row: int, column: int) -> dict:
    return {"column": column, "row": row}


def _edit(e, shift: int) -> dict:
    if e.path is not None:  # in another file of the project: its own rows, and its name
        return {"content": e.content, "end_location": _loc(e.end_row, e.end_column), "filename": e.path,
                "location": _loc(e.row, e.column)}
    return {"content": e.content, "end_location": _loc(e.end_row - shift, e.end_column),
            "location": _loc(e.row - shift, e.column)}


def item(result, report) -> dict:
    """One diagnostic as ruff writes it. In a notebook, rows count within the cell."""
    shift = cell_rows(report)
    fix = None
    if report.fix is not None:
        fix = {
            "applicability": report.fix.applicability,
            "edits": [_edit(e, shift) for e in report.fix.edits],
            "message": report.fix.message,
        }
    entry = codes.CODES[report.code]
    out = {
        "cell": report.cell,
        "code": report.code,
        "end_location": _loc(report.end_row - shift, report.end_column),
        "filename": absolute(result.path),
        "fix": fix,
        "location": _loc(report.row - shift, report.column),
        "message": report.message,
        "noqa_row": None if report.noqa_row is None else report.noqa_row - shift,
        "severity": severity(report),  # not in ruff's shape: "error", "warning" or "note"
        # As in ruff's output, a diagnostic that is no rule (KER000: the file was not checked)
        # has no URL.
        "url": entry.url if entry.selectable else None,
    }
    if report.related:  # the other places the fault involves (a layer in an imported module)
        out["related"] = [{"filename": absolute(name), "location": _loc(row, column)} for name, row, column in report.related]
    return out


def items(results) -> list[dict]:
    return [item(result, report) for result in results for report in result.reports]


def render(results, out, *, lines=False):
    if lines:
        for obj in items(results):
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return
    out.write(json.dumps(items(results), indent=2, ensure_ascii=False) + "\n")
