"""Snapshot tests: what ``kerlint check`` prints about each fixture, compared exactly.

Every fixture ``tests/fixtures/<DIR>/<name>.py`` (each rule's bad and good files, ``clean/``,
``seeds/``; a notebook fixture too, as ``<name>.ipynb.snap``) has a snapshot
``tests/snapshots/<DIR>/<name>.snap``. It holds, with every rule selected and no
configuration (``--isolated --no-cache --select ALL``), run from ``tests/fixtures``:

1. the diagnostics, one a line: code, start and end (row:col), the fix's applicability and
   title (from ``--output-format json``);
2. ``--output-format full --show-fixes``: exactly what a user reads;
3. ``--diff``: the unified diff ``--fix`` (safe fixes) makes, and its summary line;
4. ``--diff --unsafe-fixes``: the same with the unsafe fixes (or "same as --diff").

The command line runs in this process (click's test runner): the same code a user's
``kerlint check`` runs, at a fraction of a subprocess's cost. ``--diff`` writes nothing.

Regenerate after an intended change, then review the diff as you would review code::

    python -m pytest tests/test_snapshots.py --update-snapshots   # or KERLINT_UPDATE_SNAPSHOTS=1
    git diff tests/snapshots

The inline ``# error:`` markers (tests/test_fixtures.py) still state what each fixture is meant
to trigger, independently of the snapshots: a snapshot regenerated over a regression would
still fail there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerlint.cli import main

from . import snapshot
from .conftest import FIXTURES, ROOT

SNAPSHOTS = ROOT / "tests" / "snapshots"
SUFFIXES = (".py", ".ipynb")
FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in SUFFIXES and p.is_file())

BASE = ("check", "--isolated", "--no-cache", "--select", "ALL")
RUNS = (
    ("--output-format", "full", "--show-fixes"),
    ("--diff",),
    ("--diff", "--unsafe-fixes"),
)
# Nothing from the caller's environment may change what is printed.
ENV = dict.fromkeys(
    ("KERLINT_OUTPUT_FORMAT", "KERLINT_NO_CACHE", "KERLINT_CACHE_DIR", "KERLINT_DEBUG", "NO_COLOR", "FORCE_COLOR"),
    None,
)


def snapshot_path(fixture: Path) -> Path:
    rel = fixture.relative_to(FIXTURES)
    name = rel.stem if rel.suffix == ".py" else rel.name
    return SNAPSHOTS / rel.parent / f"{name}.snap"


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        return CliRunner()  # click >= 8.2 keeps stderr apart by itself


RUNNER = _runner()


def _run(args, rel: str):
    result = RUNNER.invoke(main, [*BASE, *args, rel], env=ENV, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _section(title: str, code: int, out: str, err: str) -> str:
    text = f"## {title} (exit {code})\n" + (out or "(nothing on stdout)\n")
    if err:
        text += f"## stderr\n{err}"
    return text


def _location(loc: dict) -> str:
    return f"{loc['row']}:{loc['column']}"


def _diagnostic_line(item: dict) -> str:
    where = _location(item["location"]) + "-" + _location(item["end_location"])
    if item["cell"] is not None:
        where = f"cell {item['cell']} {where}"
    fix = item["fix"]
    if fix is None:
        what = "no fix"
    else:
        what = f"{fix['applicability']} fix" + ("" if fix["edits"] else " without edits")
        if fix["message"]:
            what += f": {fix['message']}"
    return f"{item['code']} {where} {what}"


def render(rel: str) -> str:
    """The snapshot text for the fixture at ``rel`` (relative to tests/fixtures)."""
    code, out, err = _run(("--output-format", "json"), rel)
    try:
        lines = [_diagnostic_line(item) for item in json.loads(out)] or ["(none)"]
    except ValueError:  # kerlint failed: show what it printed, in the diff
        lines = [f"(no JSON; exit {code})", *out.splitlines()]
    header = (
        f"source: tests/fixtures/{rel}\n"
        f"command, in tests/fixtures: kerlint {' '.join(BASE)} <flags below> {rel}\n"
    )
    table = "## diagnostics (--output-format json): code start-end (row:col), fix\n"
    table += "".join(line + "\n" for line in lines) + (f"## stderr\n{err}" if err else "")
    parts = [header, table]
    previous = None
    for args in RUNS:
        run = _run(args, rel)
        title = " ".join(args)
        if previous is not None and run == previous[1]:
            parts.append(f"## {title}: same as {previous[0]}\n")
        else:
            parts.append(_section(title, *run))
        previous = (title, run)
    return "\n".join(parts)


@pytest.fixture
def update(request) -> bool:
    return snapshot.updating(request.config)


@pytest.mark.parametrize("fixture", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_snapshot(fixture, update, monkeypatch):
    monkeypatch.chdir(FIXTURES)  # paths in the output are relative to tests/fixtures
    rel = fixture.relative_to(FIXTURES).as_posix()
    snapshot.assert_matches(snapshot_path(fixture), render(rel), update)


def test_every_snapshot_has_its_fixture(update):
    wanted = {snapshot_path(p) for p in FILES}
    orphans = [p for p in sorted(SNAPSHOTS.rglob("*.snap")) if p not in wanted]
    orphans = [p for p in orphans if not snapshot.remove_orphan(p, update)]
    assert not orphans, (
        f"snapshots without a fixture (remove them, or run `{snapshot.HOW}`): "
        + ", ".join(str(p.relative_to(ROOT)) for p in orphans)
    )

