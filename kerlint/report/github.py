"""``github``: GitHub Actions workflow commands, which become annotations on the pull request."""

from __future__ import annotations

import os

from . import file_rows, severity

# GitHub's annotation levels: its "notice" is SARIF's "note".
COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _repo_path(path: str) -> str:
    """Annotations name files from the repository root, where the workflow runs kerlint."""
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            path = rel
    return path.replace(os.sep, "/")


def render(results, out):
    for result in results:
        path = _repo_path(result.path)
        for r in result.reports:
            row, end_row, columns = file_rows(r)
            where = f"line={row},col={r.column},endLine={end_row},endColumn={r.end_column}" if columns else (
                f"line={row},endLine={end_row}")
            message = r.message if r.cell is None else f"cell {r.cell}, line {r.cell_row}: {r.message}"
            out.write(f"::{COMMANDS[severity(r)]} file={_prop(path)},{where},title={_prop(r.code)}::{_data(message)}\n")
