"""Text output. ``concise``: ``path:line:col: CODE message``, the line flake8 and ruff users
already read (and what the flake8 plugin prints). ``full`` (the default): the same line, with
``warning:`` or ``note:`` before the message of a diagnostic that is not an error (as mypy
writes them), then the source line with a caret under the reported code and the fix's help, as
ruff prints it."""

from __future__ import annotations

from . import fixable, severity

BOLD, RED, YELLOW, CYAN, BLUE, RESET = "\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[34m", "\x1b[0m"
# The colour of a code and its carets: red for an error, as ruff paints every code.
COLOURS = {"error": RED, "warning": YELLOW, "note": CYAN}
TAB = 4


class _Paint:
    def __init__(self, on: bool):
        self.on = on

    def __call__(self, text: str, *styles: str) -> str:
        return "".join(styles) + text + RESET if self.on and text else text


def location(result, report) -> str:
    if report.cell is not None:
        return f"{result.path}:cell {report.cell}:{report.cell_row}:{report.column}"
    return f"{result.path}:{report.row}:{report.column}"


def _header(result, report, paint, marker: bool, level: bool = False) -> str:
    """``path:row:col: CODE [*] message``; with ``level``, a warning's or a note's message
    starts with ``warning:`` / ``note:`` (an error, the usual case, says nothing more)."""
    rest = location(result, report)[len(result.path) + 1 :]
    mark = " " + paint("[*]", CYAN) if marker else ""
    kind = severity(report)
    colour = COLOURS[kind]
    word = " " + paint(f"{kind}:", BOLD, colour) if level and kind != "error" else ""
    return (f"{paint(result.path, BOLD)}{paint(':', CYAN)}{rest}{paint(':', CYAN)} "
            f"{paint(report.code, BOLD, colour)}{mark}{word} {report.message}")


def render(results, out, *, show_fixes=False, unsafe=False, color=False):
    paint = _Paint(color)
    for result in results:
        for report in result.reports:
            out.write(_header(result, report, paint, show_fixes and fixable(report, unsafe)) + "\n")


def render_full(results, out, *, show_fixes=True, unsafe=False, color=False):
    paint = _Paint(color)
    for result in results:
        if not result.reports:
            continue
        lines = _source_lines(result)
        for report in result.reports:
            out.write(_header(result, report, paint, show_fixes and fixable(report, unsafe), level=True) + "\n")
            snippet = _snippet(lines, report, paint) if lines else []
            for line in snippet:
                out.write(line + "\n")
            if report.fix is not None and report.fix.message:
                out.write(f"  {paint('=', BLUE, BOLD)} {paint('help:', BOLD)} {report.fix.message}\n")
            out.write("\n")


def _source_lines(result) -> list[str] | None:
    if result.source is not None:
        return result.source.splitlines()
    if result.path == "-" or result.path.endswith(".ipynb"):
        return None  # a notebook's text is its cells, which only the lint step has
    from ..files import ReadError, read_source
    from pathlib import Path

    try:
        return read_source(Path(result.path))[1].splitlines()
    except (ReadError, OSError):
        return None


def _expand(text: str) -> str:
    return text.expandtabs(TAB)


def _width(text: str) -> int:
    """Terminal columns: wide (CJK, fullwidth) characters take two, combining marks none."""
    import unicodedata

    width = 0
    for ch in _expand(text):
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _snippet(lines: list[str], report, paint) -> list[str]:
    """The report's first line with carets under its range; a range that goes on to later
    lines is marked to the end of the first, with an ellipsis line after it (as ruff does)."""
    first, last = report.row, max(report.end_row, report.row)
    if not 1 <= first <= len(lines):
        return []
    shift = (report.row - report.cell_row) if report.cell is not None and report.cell_row is not None else 0
    more = last > first
    gutter = len(str(first - shift))
    bar = paint("|", BLUE, BOLD)
    pad = " " * gutter
    text = lines[first - 1]
    start = report.column - 1
    end = len(text.rstrip()) if more else report.end_column - 1
    start_w, end_w = _width(text[:start]), _width(text[:end])
    if end_w <= start_w:
        end_w = start_w + 1
    out = [f"{pad} {bar}",
           f"{paint(str(first - shift).rjust(gutter), BLUE, BOLD)} {bar} {_expand(text)}".rstrip(),
           f"{pad} {bar} {' ' * start_w}{paint('^' * (end_w - start_w) + ' ' + report.code, COLOURS[severity(report)], BOLD)}"]
    if more:
        out.append(f"{paint('...'.rjust(gutter), BLUE, BOLD)}")
    out.append(f"{pad} {bar}")
    return out
