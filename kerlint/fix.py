"""Applying text edits to source: the fixer's core, shared by --fix, --diff and tests."""

from __future__ import annotations


def apply_edits(source: str, edits) -> str:
    """Apply non-overlapping ``TextEdit``s (any order) to ``source``."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError("overlapping edits")
        out.append(source[pos : edit.start])
        out.append(edit.content)
        pos = edit.end
    out.append(source[pos:])
    return "".join(out)
