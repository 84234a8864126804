"""``github``: GitHub Actions workflow commands, which become annotations on the pull request."""

from __future__ import annotations

import os


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
            out.write(
                f"::error file={_prop(path)},line={r.row},col={r.column},"
                f"endLine={r.end_row},endColumn={r.end_column},title={_prop(r.code)}::{_data(r.message)}\n"
            )
