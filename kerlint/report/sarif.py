"""``sarif``: SARIF 2.1.0, which GitHub code scanning uploads as-is.

Artifact URIs are relative to ``%SRCROOT%`` (the folder kerlint ran in) when the file is
below it, so the same log reads the same on another checkout; columns count Unicode code
points, as kerlint's do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from .. import __version__, codes
from . import file_rows, severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://kerlint.invalid/kerlint"  # [project.urls] Homepage


def _descriptor(rule) -> dict:
    markdown = (
        f"**{rule.name}**: {rule.summary}.\n\n{rule.explanation}\n\nProblem:\n\n```python\n{rule.bad}\n```\n\n"
        f"Use instead:\n\n```python\n{rule.good}\n```\n\nFix: {rule.fix}."
    )
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": f"{rule.summary}. {rule.explanation}", "markdown": markdown},
        "helpUri": rule.url,
        "defaultConfiguration": {"level": rule.severity, "enabled": bool(rule.default)},
        "properties": {"fix": rule.fix, "tags": [rule.name]},
    }


def _unreadable_descriptor() -> dict:
    """KER000 is listed only when it occurs, with no help and no URL: it is no rule. Its
    description is the explanation's first paragraph, the one line SARIF viewers show."""
    entry = codes.explain(codes.UNREADABLE)
    return {
        "id": entry.code,
        "name": entry.name,
        "shortDescription": {"text": entry.summary},
        "fullDescription": {"text": entry.explanation.split("\n\n")[0]},
        "defaultConfiguration": {"level": "error"},
    }


def _artifact(path: str, root: Path) -> dict:
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(rel.as_posix()), "uriBaseId": "%SRCROOT%"}


def _region(row, column, end_row, end_column) -> dict:
    return {"startLine": row, "startColumn": column, "endLine": max(end_row, row),
            "endColumn": end_column if (end_row, end_column) >= (row, column) else column}


def _file_region(r) -> dict:
    """Where the report is in the file: in a notebook, the lines of the .ipynb that hold its
    source (the cell and the line in it are in the result's properties)."""
    row, end_row, columns = file_rows(r)
    if columns:
        return _region(r.row, r.column, r.end_row, r.end_column)
    return {"startLine": row, "endLine": max(end_row, row)}


def log(results, root: Path | None = None) -> dict:
    root = Path(os.path.abspath(root or os.getcwd()))
    # Every code a run can select, so a viewer can show any of them (as ruff's SARIF does).
    descriptors = [_descriptor(codes.explain(code)) for code in sorted(codes.SELECTABLE)]
    index = {rule["id"]: i for i, rule in enumerate(descriptors)}
    out = []
    for result in results:
        for r in result.reports:
            if r.code not in index:
                index[r.code] = len(descriptors)
                descriptors.append(_unreadable_descriptor())
            artifact = _artifact(result.path, root)
            res = {
                "ruleId": r.code,
                "ruleIndex": index[r.code],
                "level": severity(r),  # SARIF's names: error, warning, note
                "message": {"text": r.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": artifact,
                    "region": _file_region(r),
                }}],
            }
            if r.related:
                res["relatedLocations"] = [
                    {"id": i, "physicalLocation": {"artifactLocation": _artifact(name, root),
                                                    "region": _region(row, column, row, column)}}
                    for i, (name, row, column) in enumerate(r.related)
                ]
            if r.cell is not None:
                res["properties"] = {"cell": r.cell, "cellRow": r.cell_row}
            if r.fix is not None and r.fix.edits:
                res["fixes"] = [{
                    "description": {"text": f"{r.fix.message} ({r.fix.applicability} fix)"},
                    "artifactChanges": [{
                        "artifactLocation": artifact if path is None else _artifact(path, root),
                        "replacements": [
                            {
                                "deletedRegion": _region(e.row, e.column, e.end_row, e.end_column),
                                "insertedContent": {"text": e.content},
                            }
                            for e in r.fix.edits if e.path == path
                        ],
                    } for path in dict.fromkeys(e.path for e in r.fix.edits)],
                }]
            out.append(res)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kerlint",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": out,
        }],
    }


def render(results, out):
    out.write(json.dumps(log(results), indent=2, ensure_ascii=False) + "\n")
