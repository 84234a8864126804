"""Messages are short: one sentence of about 120 characters that says what goes wrong at run
time (rule-catalog.md, "Messages say what happens, briefly"). The numbers, the backends, the
versions and how to fix it live in the rule's explanation (`kerlint rule CODE`), and the fix
title in `--show-fixes` / full output.

Each bad fixture of every code in the registry is linted with its code alone, and every message
that code prints on it must fit in LIMIT characters (the label of a multi-output model included).
The codes come from kerlint.codes, so a new rule is held to this as soon as it has a bad fixture."""

from __future__ import annotations

import pytest

from kerlint.codes import CODES, RULE, of_kind
from kerlint.lint import lint_source

from .conftest import FIXTURES

LIMIT = 130

CASES = [(code, path) for code in CODES for path in sorted((FIXTURES / code).glob("bad*.py"))]


@pytest.mark.parametrize("code, path", CASES, ids=lambda v: v if isinstance(v, str) else v.name)
def test_messages_are_one_short_sentence(code, path):
    reports = [r for r in lint_source(path.read_text(encoding="utf-8"), str(path), [code]).reports
               if r.code == code]
    assert reports, f"{code} finds nothing in {path.name}"
    for report in reports:
        assert len(report.message) <= LIMIT, f"{len(report.message)} characters: {report.message}"
        assert "\n" not in report.message, report.message


def test_every_rule_has_a_bad_fixture():
    """A rule without one would escape the length check."""
    rules = {c.code for c in of_kind(RULE)}
    assert rules <= {code for code, _ in CASES}, sorted(rules - {code for code, _ in CASES})
