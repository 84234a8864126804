"""``--statistics``: how many diagnostics of each code, most frequent first (ruff's layout)."""

from __future__ import annotations

import json
from collections import Counter

from .. import codes
from . import fixable


def rows(results, unsafe=False) -> list[dict]:
    counts, fixes = Counter(), Counter()
    for result in results:
        for r in result.reports:
            counts[r.code] += 1
            fixes[r.code] += fixable(r, unsafe)
    out = []
    for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append({
            "code": code,
            "name": codes.CODES[code].name,
            "count": count,
            "fixable": fixes[code] == count,
            "fixable_count": fixes[code],
        })
    return out


def render(results, out, *, fmt="full", unsafe=False):
    table = rows(results, unsafe)
    if fmt in ("json", "json-lines"):
        out.write(json.dumps(table, indent=2) + "\n")
        return
    if not table:
        return
    width = max(len(str(r["count"])) for r in table)
    for r in table:
        mark = "[*]" if r["fixable"] else "[-]" if r["fixable_count"] else "[ ]"
        out.write(f"{str(r['count']).rjust(width)}\t{r['code']}\t{mark} {r['name']}\n")
