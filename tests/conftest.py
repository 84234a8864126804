import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def run_kerlint(*args, input=None, cwd=None, env=None):
    """Run the real command line in a subprocess, as a user would."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kerlint", *args],
        input=input,
        capture_output=True,
        text=isinstance(input, str) or input is None,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )


def register_rule(monkeypatch, code: str, check):
    """A test-only rule for one test: in the rule table, and in the code registry (its name,
    summary and default live there) as a selectable code."""
    from kerlint import codes
    from kerlint.rules import Rule, all_rules

    rule = Rule(code=code, explanation="test", bad="", good="", fix_availability="always",
                fix_applicability=("safe",), check=check)
    monkeypatch.setitem(all_rules(), code, rule)
    monkeypatch.setitem(codes.CODES, code, codes.Code(code, f"test-{code.lower()}", "test"))
    monkeypatch.setattr(codes, "SELECTABLE", codes.SELECTABLE | {code})
    return rule


@pytest.fixture
def kerlint():
    return run_kerlint


def pytest_addoption(parser):
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="Rewrite the snapshots in tests/snapshots that are missing or differ, remove orphans "
        "(also KERLINT_UPDATE_SNAPSHOTS=1); review them with `git diff tests/snapshots`.",
    )


def pytest_terminal_summary(terminalreporter):
    from . import snapshot

    if snapshot.written or snapshot.removed:
        terminalreporter.write_sep("-", "snapshots")
        for what, paths in (("written", snapshot.written), ("removed", snapshot.removed)):
            for path in paths:
                terminalreporter.write_line(f"{what}: {path.relative_to(ROOT)}")
        terminalreporter.write_line("review them: git diff tests/snapshots (git add new ones)")
