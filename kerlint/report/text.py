"""``path:line:col: CODE message``, the line flake8 and ruff users already read."""

from __future__ import annotations


def location(result, report) -> str:
    if report.cell is not None:
        return f"{result.path}:cell {report.cell}:{report.cell_row}:{report.column}"
    return f"{result.path}:{report.row}:{report.column}"


def render(results, out, *, show_fixes=False):
    for result in results:
        for report in result.reports:
            marker = " [*]" if show_fixes and report.fix is not None and report.fix.applicability == "safe" else ""
            out.write(f"{location(result, report)}: {report.code}{marker} {report.message}\n")
