"""Each rule declares, in ruff's terms, whether its diagnostics carry a fix (availability:
always / sometimes / never) and how safe the fixes it emits are (applicability: safe, unsafe,
or both when it depends on the case). The docs, `kerlint rule` and `kerlint rules` print the
declarations; these tests hold them to what the rule does on its fixtures."""

from __future__ import annotations

import json
from functools import cache

import pytest
from click.testing import CliRunner

from kerlint.cli import main
from kerlint.lint import lint_source
from kerlint.rules import FIX_AVAILABILITY, all_rules

from .conftest import FIXTURES

RULES = all_rules()
CODES = sorted(RULES)
APPLICABILITIES = ("safe", "unsafe")


@pytest.mark.parametrize("code", CODES)
def test_declarations_are_well_formed(code):
    rule = RULES[code]
    assert rule.fix_availability in FIX_AVAILABILITY
    assert list(rule.fix_applicability) == [a for a in APPLICABILITIES if a in rule.fix_applicability], (
        "safe and/or unsafe, in that order, each once"
    )
    has_fix = rule.fix_availability != "never"
    assert bool(rule.fix_applicability) == has_fix, "a rule with fixes says how safe they are, and only then"


@cache
def _fixes_on_fixtures() -> dict[str, list[str | None]]:
    """{code: the applicability of each of its diagnostics' fixes on the fixtures (None: no fix)},
    with every rule selected."""
    out: dict[str, list[str | None]] = {}
    for path in sorted(FIXTURES.rglob("*.py")):
        result = lint_source(path.read_text(encoding="utf-8"), str(path), CODES)
        for r in result.reports:
            out.setdefault(r.code, []).append(r.fix.applicability if r.fix is not None else None)
    return out


@pytest.mark.parametrize("code", CODES)
def test_declarations_match_the_fixtures(code):
    """"always": every diagnostic of the rule on the fixtures carries a fix; "never": none does;
    "sometimes": both occur. The declared applicabilities are the ones that occur. A rule that
    gives up on its fix in some case needs a fixture of that case (``bad_no_fix_*.py``)."""
    rule = RULES[code]
    seen = _fixes_on_fixtures().get(code, [])
    assert seen, f"{code} fires on no fixture"
    with_fix = [a for a in seen if a is not None]
    observed = "never" if not with_fix else "always" if len(with_fix) == len(seen) else "sometimes"
    assert rule.fix_availability == observed
    assert set(rule.fix_applicability) == set(with_fix)


def _invoke(*args) -> str:
    return CliRunner().invoke(main, list(args), catch_exceptions=False).stdout


def test_rule_command_and_json_show_the_declarations():
    assert "Fix: sometimes available, safe or unsafe. On by default." in _invoke("rule", "KER405")
    assert "Fix: none. On by default." in _invoke("rule", "KER108")
    one = json.loads(_invoke("rule", "KER405", "--output-format", "json"))
    assert (one["fix"], one["fix_availability"], one["fix_applicability"]) == (
        "sometimes (safe or unsafe)", "sometimes", ["safe", "unsafe"])
    listing = {e["code"]: e for e in json.loads(_invoke("rules", "--output-format", "json"))}
    assert (listing["KER101"]["fix"], listing["KER101"]["fix_applicability"]) == ("always (safe)", ["safe"])
    assert (listing["KER108"]["fix"], listing["KER108"]["fix_availability"]) == ("never", "never")
    ker101 = next(line for line in _invoke("rules").splitlines() if line.startswith("KER101"))
    assert "fix: always (safe)" in ker101
