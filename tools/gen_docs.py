"""Write docs/rules.md from the rules' own metadata. ``--check`` exits 1 if it is stale."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kerlint.report.docs import markdown  # noqa: E402

OUT = ROOT / "docs" / "rules.md"


def render() -> str:
    """The same text as ``kerlint rules --markdown``, from the rules' metadata."""
    return markdown()


def main(argv) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print("docs/rules.md is out of date: run python tools/gen_docs.py")
            return 1
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
