"""Comparing a text with a snapshot file, exactly, and rewriting snapshots on request.

``python -m pytest tests/test_snapshots.py --update-snapshots`` (or ``KERLINT_UPDATE_SNAPSHOTS=1``)
writes every snapshot that is missing or differs, and removes the ones no fixture makes; then
``git diff tests/snapshots`` is the review. Without the flag, a missing snapshot fails and says
how to create it, and a different one fails with a unified diff (snapshot -> now).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

ENV = "KERLINT_UPDATE_SNAPSHOTS"
OPTION = "--update-snapshots"
HOW = f"python -m pytest tests/test_snapshots.py {OPTION} (or {ENV}=1)"

# What this run wrote and removed, for the closing summary (see conftest.pytest_terminal_summary).
written: list[Path] = []
removed: list[Path] = []


def updating(config) -> bool:
    return bool(config.getoption(OPTION, default=False)) or os.environ.get(ENV, "") not in ("", "0")


def _read(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


ROOT = Path(__file__).resolve().parent.parent


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def assert_matches(path: Path, actual: str, update: bool) -> None:
    """``actual`` must equal the content of ``path``; with ``update``, make it so."""
    expected = _read(path)
    if expected == actual:
        return
    if update:
        _write(path, actual)
        written.append(path)
        return
    if expected is None:
        pytest.fail(
            f"no snapshot {_shown(path)}; create it with `{HOW}` and review it. It would hold:\n\n{actual}",
            pytrace=False,
        )
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{_shown(path)} (snapshot)",
            tofile="now",
        )
    )
    pytest.fail(
        f"{_shown(path)} differs from what kerlint prints now. If the change is intended, "
        f"regenerate with `{HOW}` and review `git diff`:\n\n{diff}",
        pytrace=False,
    )


def remove_orphan(path: Path, update: bool) -> bool:
    """An orphan snapshot (its fixture is gone): removed with ``update``; else False."""
    if not update:
        return False
    path.unlink()
    removed.append(path)
    return True
