"""Every rule's examples are executed, as Fixit runs its rules' VALID and INVALID cases: what
`kerlint rule CODE` and docs/rules.md show is what kerlint does.

- ``bad`` gets the rule's diagnostic, on a line of the example, and no other rule's;
- ``good`` is clean under every rule, the opt-in ones too;
- ``kerlint check --fix`` (with ``--unsafe-fixes`` for a rule whose fixes can be unsafe) makes
  exactly ``fixed`` of ``bad``, and ``fixed`` no longer gets the rule.

(tests/test_fix_availability.py checks the fix declarations against the fixtures.)

The examples go through the command line a user runs, on stdin (in this process, with click's
test runner, as tests/test_snapshots.py does).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kerlint.cli import main
from kerlint.rules import all_rules

RULES = all_rules()
CODES = sorted(RULES)

# Rules other than the example's own that may fire on a fixed example, and why. A bad or good
# example gets no such allowance: each is written so that only its own rule has a say.
ALSO_ON_FIXED = {
    # The fix adds validation_split=0.2, which holds out the last rows as they are; KER303
    # (opt-in) asks for a shuffle the file does not show.
    "KER301": {"KER303"},
}

# Nothing from the caller's environment may change what kerlint prints.
ENV = dict.fromkeys(("KERLINT_OUTPUT_FORMAT", "KERLINT_NO_CACHE", "KERLINT_CACHE_DIR", "KERLINT_DEBUG"), None)


def _check(source: str, *flags: str, select: str = "ALL") -> str:
    """``kerlint check --select SELECT FLAGS -`` on ``source``: what it prints on stdout."""
    args = ["check", "--isolated", "--no-cache", "--select", select, *flags, "-"]
    result = CliRunner().invoke(main, args, input=source, env=ENV, catch_exceptions=False)
    return result.stdout


def _diagnostics(source: str) -> list[dict]:
    """The diagnostics of every rule, opt-in ones included, as ``--output-format json`` gives them."""
    return json.loads(_check(source, "--output-format", "json"))


def _codes(diagnostics) -> list[str]:
    return sorted(d["code"] for d in diagnostics)


def _fix_flags(rule) -> tuple[str, ...]:
    """The flags that apply the rule's fix: an unsafe fix is applied only on request."""
    return ("--fix", "--unsafe-fixes") if "unsafe" in rule.fix_applicability else ("--fix",)


@pytest.mark.parametrize("code", CODES)
def test_examples_are_files(code):
    rule = RULES[code]
    assert bool(rule.fixed) == (rule.fix_availability != "never"), (
        "a rule with fixes shows what its fix makes of the bad example, and only then"
    )
    for example in (rule.bad, rule.good, rule.fixed or "\n"):
        assert example.endswith("\n") and not example.endswith("\n\n"), "examples are files: one final newline"


@pytest.mark.parametrize("code", CODES)
def test_bad_example_gets_the_rule(code):
    rule = RULES[code]
    found = _diagnostics(rule.bad)
    assert _codes(found) and set(_codes(found)) == {code}, found
    rows = len(rule.bad.splitlines())
    assert all(1 <= d["location"]["row"] <= rows for d in found)


@pytest.mark.parametrize("code", CODES)
def test_good_example_is_clean(code):
    assert _diagnostics(RULES[code].good) == []


@pytest.mark.parametrize("code", CODES)
def test_fix_makes_the_fixed_example(code):
    rule = RULES[code]
    found = _diagnostics(rule.bad)
    if rule.fix_availability == "never":
        assert all(d["fix"] is None for d in found)
        assert _check(rule.bad, "--fix", "--unsafe-fixes", select=code) == rule.bad
        return
    assert {d["fix"]["applicability"] for d in found if d["fix"]} <= set(rule.fix_applicability)
    assert _check(rule.bad, *_fix_flags(rule), select=code) == rule.fixed
    if rule.fix_applicability == ("unsafe",):
        # Shown, not applied, by default: plain --fix leaves the example as it is.
        assert _check(rule.bad, "--fix", select=code) == rule.bad
    after = _codes(_diagnostics(rule.fixed))
    assert code not in after
    assert set(after) <= ALSO_ON_FIXED.get(code, set()), after


def test_rule_command_shows_the_fix_as_a_diff():
    text = CliRunner().invoke(main, ["rule", "KER101"], env=ENV, catch_exceptions=False).stdout
    assert (
        "`kerlint check --fix` changes it:\n\n"
        "    @@ -6,3 +6,3 @@\n"
        '         layers.Dense(64, activation="relu"),\n'
        "    -    layers.Dense(3),\n"
        '    +    layers.Dense(3, activation="softmax"),\n'
        "     ])\n"
    ) in text
    assert "Fix: always available, safe. On by default." in text


def test_rule_json_has_the_examples():
    out = CliRunner().invoke(main, ["rule", "KER405", "--output-format", "json"], env=ENV).stdout
    entry = json.loads(out)
    rule = RULES["KER405"]
    assert (entry["bad"], entry["good"], entry["fixed"]) == (rule.bad, rule.good, rule.fixed)
