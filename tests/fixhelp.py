"""Applying one diagnostic's fix in a test, and checking what every fix must guarantee."""

from __future__ import annotations

import textwrap

import libcst as cst

from kerlint.fix import apply_edits
from kerlint.lint import lint_source
from kerlint.rules import all_rules


def reports(source: str, code: str):
    result = lint_source(textwrap.dedent(source), "t.py", sorted(all_rules()))
    return [r for r in result.reports if r.code == code]


def fixed(source: str, code: str, index: int = 0, count: int | None = 1) -> tuple[str, str]:
    """Apply the fix of the ``index``-th ``code`` report (of exactly ``count``, unless None).

    The result must parse, compile, and have one ``code`` report fewer.
    """
    source = textwrap.dedent(source)
    found = reports(source, code)
    if count is not None:
        assert len(found) == count, found
    assert len(found) > index, found
    fix = found[index].fix
    assert fix is not None, found[index].message
    out = apply_edits(source, fix.edits)
    cst.parse_module(out)
    compile(out, "t.py", "exec")
    assert len(reports(out, code)) == len(found) - 1, "the fix must silence its own report"
    return out, fix.applicability


def no_fix(source: str, code: str):
    found = reports(source, code)
    assert found and all(r.fix is None for r in found), found
