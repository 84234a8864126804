"""Every fixture yields exactly the diagnostics its markers expect, with every rule on,
and with the default selection the default-on subset of them.

The snapshots (tests/test_snapshots.py) pin everything kerlint prints about a fixture; these
markers say what the fixture is *meant* to trigger, in the fixture itself, so a snapshot
regenerated over a regression still fails here, and the default selection is checked too."""

from __future__ import annotations

import pytest

from kerlint.cli import selection
from kerlint.lint import lint_source
from kerlint.rules import all_rules

from .conftest import FIXTURES
from .markers import expected

FILES = sorted(FIXTURES.rglob("*.py"))
RULES = all_rules()


def _found(path, select):
    result = lint_source(path.read_text(encoding="utf-8"), str(path), select)
    return {(r.row, r.code) for r in result.reports}


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_all_rules(path):
    want = {(row, code) for row, code in expected(path) if code in RULES}
    assert _found(path, sorted(RULES)) == want


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_default_selection(path):
    default = selection([], [], [])
    want = {(row, code) for row, code in expected(path) if code in default}
    assert _found(path, default) == want


def test_markers_name_real_rule_families():
    # A typo in a marker would silently expect nothing.
    for path in FILES:
        for _, code in expected(path):
            assert code[:4] == "KER" + code[3] and code[3] in "123456" and len(code) == 6, (path, code)


def test_every_rule_has_bad_and_good_fixtures():
    for code in RULES:
        bad = [p for p in FILES if any(c == code for _, c in expected(p))]
        assert bad, f"{code} has no fixture where it fires"
        folder = FIXTURES / code
        assert any(folder.glob("good*.py")), f"{code} has no good fixture"
