"""The fixture convention: a trailing ``# error: KER101, KER203`` comment marks the
diagnostics expected on that line. Lines without a marker must stay clean."""

from __future__ import annotations

import re
from pathlib import Path

MARKER = re.compile(r"#\s*error:\s*([A-Z0-9, ]+)")


def expected(path: Path) -> set[tuple[int, str]]:
    out = set()
    for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = MARKER.search(line)
        if m:
            for code in m.group(1).split(","):
                if code.strip():
                    out.add((row, code.strip()))
    return out
