"""``github``: GitHub Actions workflow commands, which become annotations on the pull request."""

from __future__ import annotations


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(results, out):
    for result in results:
        for r in result.reports:
            out.write(
                f"::error file={_prop(result.path)},line={r.row},col={r.column},"
                f"endLine={r.end_row},endColumn={r.end_column},title={_prop(r.code)}::{_data(r.message)}\n"
            )
