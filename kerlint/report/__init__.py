"""Output formats. Each module renders a list of FileResults; ``render`` picks the module.

Code metadata (names, URLs, explanations) comes from the registry, ``kerlint.codes``, never
from the rule modules.
"""

from __future__ import annotations

import os

FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "junit")
TEXT_FORMATS = ("full", "concise")


def render(fmt: str, results, out, *, color: bool = False, show_fixes: bool = False, unsafe: bool = False):
    if fmt in TEXT_FORMATS:
        from . import text

        (text.render_full if fmt == "full" else text.render)(
            results, out, show_fixes=show_fixes or fmt == "full", unsafe=unsafe, color=color
        )
    elif fmt in ("json", "json-lines"):
        from . import json_

        json_.render(results, out, lines=fmt == "json-lines")
    elif fmt == "sarif":
        from . import sarif

        sarif.render(results, out)
    elif fmt == "github":
        from . import github

        github.render(results, out)
    elif fmt == "junit":
        from . import junit

        junit.render(results, out)
    else:  # pragma: no cover - click only lets FORMATS through
        raise ValueError(fmt)


def absolute(path: str) -> str:
    return path if path == "-" else os.path.abspath(path)


def fixable(report, unsafe: bool = False) -> bool:
    fix = report.fix
    return fix is not None and bool(fix.edits) and (fix.applicability == "safe" or (unsafe and fix.applicability == "unsafe"))


def severity(report) -> str:
    """``error``, ``warning`` or ``note``: the report's own override, else its code's level in
    the registry (``codes.SEVERITIES``)."""
    from ..codes import CODES, ERROR

    entry = CODES.get(report.code)
    return report.severity or (entry.severity if entry is not None else ERROR)


def file_rows(report) -> tuple[int, int, bool]:
    """(row, end row, columns apply) in the file itself: a notebook report's lines of the
    .ipynb JSON that hold its source lines (columns there mean nothing), else its own."""
    row = report.extra.get("file_row")
    if row is None:
        return report.row, report.end_row, True
    return row, report.extra.get("file_end_row", row), False


def cell_rows(report):
    """Row shift for a notebook report: rows inside its cell are ``row - shift``."""
    if report.cell is None or report.cell_row is None:
        return 0
    return report.row - report.cell_row
