"""``kerlint check --add-noqa``: a ``# noqa: CODE`` on every line with a diagnostic, to adopt
kerlint on an existing codebase without fixing it all first (as ruff's ``--add-noqa``).

Codes already listed on a line are kept and new ones appended; a bare ``# noqa`` line is left
alone; running it twice adds nothing. Python files only: a notebook is named and left as it is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from .files import ReadError, decode
from .fix import WriteError, encode_like, write_atomic
from .noqa import directives

_LINE_END = re.compile(r"\r\n|\r|\n")


def with_noqa(text: str, reports) -> tuple[str, int]:
    """``text`` with the codes of ``reports`` added to the noqa comment of each report's line;
    and how many lines got a directive or a code."""
    wanted: dict[int, set] = defaultdict(set)
    for report in reports:
        if report.code.startswith("KER") and report.code != "KER000":
            wanted[report.noqa_row or report.row].add(report.code)
    found = directives(text)
    lines = text.splitlines(keepends=True)
    changed = 0
    for row, codes in sorted(wanted.items()):
        if not 1 <= row <= len(lines):
            continue
        line = lines[row - 1]
        body = _LINE_END.sub("", line)
        end = line[len(body):]
        body = line_with_noqa(body, found.get(row), codes)
        if body is None:
            continue
        lines[row - 1] = body + end
        changed += 1
    return "".join(lines), changed


def line_with_noqa(body: str, directive, codes) -> str | None:
    """A line (without its line end) with ``codes`` added to its noqa ``directive`` (a
    ``noqa.Directive``, or None: a new ``# noqa: ...`` comment); None when nothing is added,
    every code listed already or a bare noqa silencing them all."""
    if directive is not None and directive.codes is None:
        return None
    new = sorted(set(codes) - set(directive.codes or ()) if directive is not None else set(codes))
    if not new:
        return None
    if directive is not None:
        return body[:directive.end] + "".join(f", {c}" for c in new) + body[directive.end:]
    return body.rstrip() + ("  " if body.strip() else "") + f"# noqa: {', '.join(new)}"


def add_noqa(results) -> tuple[int, list[str]]:
    """Write the directives into each linted Python file: (lines changed, warnings)."""
    total, warnings = 0, []
    for result in results:
        reports = [r for r in result.reports if r.code != "KER000"]
        if not reports or result.path == "-":
            continue
        path = Path(result.path)
        if path.suffix == ".ipynb":
            warnings.append(f"{result.path}: --add-noqa leaves notebooks as they are")
            continue
        try:
            data = path.read_bytes()
            text, changed = with_noqa(decode(data), reports)
            if changed:
                write_atomic(path, encode_like(data, text), data)
        except (OSError, WriteError, ReadError) as exc:
            warnings.append(f"{result.path}: cannot add noqa directives: {exc}")
            continue
        total += changed
    return total, warnings
