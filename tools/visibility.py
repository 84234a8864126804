"""How much of a code base kerlint can see: the share of Keras ``compile()`` calls whose model
graph kerlint knows (``known``) or knows up to its output heads (``partial``), from the JSON
of ``kerlint summary`` (its schema is in the README), overall and split ``.py`` / ``.ipynb``.

    python tools/visibility.py DIR [--json]

A compile() on a receiver kerlint cannot follow (an ``unresolved-call``) counts as unknown.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter


def summary_entries(directory: str) -> list:
    proc = subprocess.run(
        [sys.executable, "-m", "kerlint", "summary", "--output-format", "json", directory],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"kerlint summary failed ({proc.returncode}): {proc.stderr.strip()}")
    return json.loads(proc.stdout or "[]")


def tally(entries) -> dict:
    """{kind: Counter(graph -> compile() calls)} for kind in all / .py / .ipynb."""
    out = {"all": Counter(), ".py": Counter(), ".ipynb": Counter()}
    for e in entries:
        kind = ".ipynb" if e["filename"].endswith(".ipynb") else ".py"
        if e["kind"] == "model":
            graph, n = e["graph"], len(e["compiles"])
        elif e["call"] == "compile":
            graph, n = "unresolved", 1
        else:
            continue
        for key in ("all", kind):
            out[key][graph] += n
    return out


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def report(counts: dict) -> str:
    lines = [f"{'files':<8}{'compile()':>10}{'known|partial':>15}{'known':>9}   (partial / unknown / unresolved)"]
    for key, c in counts.items():
        total = sum(c.values())
        seen = c["known"] + c["partial"]
        lines.append(f"{key:<8}{total:>10}{_share(seen, total):>15}{_share(c['known'], total):>9}   "
                     f"({c['partial']} / {c['unknown']} / {c['unresolved']})")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args(argv)
    counts = tally(summary_entries(args.dir))
    if args.json:
        print(json.dumps({k: dict(v) for k, v in counts.items()}, indent=2))
    else:
        print(report(counts))


if __name__ == "__main__":
    main()
