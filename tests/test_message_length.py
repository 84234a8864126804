"""Messages are short: one sentence of about 120 characters that says what goes wrong at run
time (rule-catalog.md, "Messages say what happens, briefly"). The numbers, the backends, the
versions and how to fix it live in the rule's explanation (`kerlint rule CODE`), and the fix
title in `--show-fixes` / full output.

Each bad fixture of the codes below is linted with its code alone, and every message that code
prints on it must fit in LIMIT characters (the label of a multi-output model included)."""

from __future__ import annotations

import pytest

from kerlint.lint import lint_source

from .conftest import FIXTURES

LIMIT = 130

# The codes whose messages follow the principle (issue 18, item 10); the others join the list
# as their messages are shortened.
CODES = (
    "KER101", "KER102", "KER103", "KER104", "KER105", "KER107", "KER108", "KER109", "KER111",
    "KER202", "KER203", "KER205", "KER206", "KER207", "KER208", "KER209", "KER210",
    "KER302", "KER303", "KER304", "KER306",
    "KER401", "KER402", "KER403", "KER404", "KER405", "KER406", "KER407",
    "KER501", "KER502",
)

CASES = [(code, path) for code in CODES for path in sorted((FIXTURES / code).glob("bad*.py"))]


@pytest.mark.parametrize("code, path", CASES, ids=lambda v: v if isinstance(v, str) else v.name)
def test_messages_are_one_short_sentence(code, path):
    reports = [r for r in lint_source(path.read_text(encoding="utf-8"), str(path), [code]).reports
               if r.code == code]
    assert reports, f"{code} finds nothing in {path.name}"
    for report in reports:
        assert len(report.message) <= LIMIT, f"{len(report.message)} characters: {report.message}"
        assert "\n" not in report.message, report.message


def test_every_listed_code_has_a_bad_fixture():
    assert {code for code, _ in CASES} == set(CODES)
