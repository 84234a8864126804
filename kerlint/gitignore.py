"""``.gitignore`` rules, so a directory walk skips what git skips (stdlib only).

Patterns come from the ``.gitignore`` of every folder from the repository root (the nearest
folder holding ``.git``; without one, the walked folder) down to the path, plus
``.git/info/exclude``. Deeper files and later lines win; ``!`` re-includes; a folder that is
ignored is not entered, so nothing inside it can be re-included (git's own rule).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .config import glob_regex


class _Rule:
    __slots__ = ("regex", "negate", "dir_only")

    def __init__(self, regex, negate, dir_only):
        self.regex = regex
        self.negate = negate
        self.dir_only = dir_only


def parse(text: str) -> list[_Rule]:
    rules = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        # Trailing spaces are dropped unless escaped with a backslash.
        line = re.sub(r"(?<!\\)\s+$", "", line)
        if not line:
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        elif line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        if not anchored and not line.startswith("**/"):
            line = "**/" + line
        rules.append(_Rule(glob_regex(line), negate, dir_only))
    return rules


class GitIgnore:
    """``ignored(path, is_dir)`` for paths found while walking below ``top``."""

    def __init__(self, top):
        top = Path(os.path.abspath(top))
        base = _repo_root(top) or top
        self.base = str(base)
        self._prefix = self.base if self.base.endswith(os.sep) else self.base + os.sep
        self._rules: dict[str, list[_Rule]] = {}
        self._above: dict[tuple, list] = {}  # folder below the base (its parts) -> _rules_down_to
        self._info = parse(_read(base / ".git" / "info" / "exclude")) if (base / ".git").is_dir() else []

    def _folder_rules(self, folder: str) -> list[_Rule]:
        rules = self._rules.get(folder)
        if rules is None:
            rules = parse(_read(Path(folder) / ".gitignore"))
            self._rules[folder] = rules
        return rules

    def ignored(self, path, is_dir: bool) -> bool:
        # Plain strings, not pathlib: this runs for every entry of a walk.
        absolute = os.path.abspath(path)
        if not absolute.startswith(self._prefix):
            return False
        parts = absolute[len(self._prefix) :].split(os.sep)
        verdict = self._match(self._info, "/".join(parts), is_dir) if self._info else None
        for i, rules in self._rules_above(parts):
            v = self._match(rules, "/".join(parts[i:]), is_dir)
            if v is not None:
                verdict = v
        return bool(verdict)

    def _rules_above(self, parts) -> list:
        """[(i, rules)]: the folders from the base down to the entry's own that have rules,
        ``i`` the index in ``parts`` of the first part below that folder. Worked out once per
        folder, from its parent's."""
        return self._rules_down_to(tuple(parts[:-1]))

    def _rules_down_to(self, below: tuple) -> list:
        found = self._above.get(below)
        if found is None:
            found = list(self._rules_down_to(below[:-1])) if below else []
            rules = self._folder_rules(os.path.join(self.base, *below))
            if rules:
                found.append((len(below), rules))
            self._above[below] = found
        return found

    @staticmethod
    def _match(rules, rel: str, is_dir: bool):
        verdict = None
        for rule in rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.fullmatch(rel):
                verdict = not rule.negate
        return verdict


def _repo_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
