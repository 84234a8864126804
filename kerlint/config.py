"""``[tool.kerlint]`` in ``pyproject.toml``: discovery, validation, and rule selection per file.

Each linted path uses the nearest ``pyproject.toml`` with a ``[tool.kerlint]`` table, walking
up from the path (ruff's rule; a ``pyproject.toml`` without the table does not stop the walk).
Selection is resolved in layers, as ruff does: defaults, then the file, then the command line.
In each layer ``select`` starts over, ``extend-select`` adds, ``ignore`` removes, and between a
selected and an ignored prefix the more specific one wins (``ignore`` on a tie).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10 has no tomllib; tomli is what it became
    import tomli as tomllib

LIST_KEYS = ("select", "extend-select", "ignore", "exclude", "extend-exclude")
KEYS = LIST_KEYS + ("per-file-ignores", "respect-gitignore", "target-keras")

# Replaced by `exclude`, extended by `extend-exclude`, like ruff's defaults.
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "build", "dist", "node_modules",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".kerlint_cache", ".eggs",
    "*.egg-info", ".ipynb_checkpoints",
)


class ConfigError(Exception):
    """A configuration or selection the user must correct (exit status 2)."""


def known_codes() -> set[str]:
    """The codes a selection can name: the rules and KER900 (not KER000, not the log codes)."""
    from .codes import SELECTABLE

    return set(SELECTABLE)


def default_codes() -> set[str]:
    from .codes import DEFAULTS

    return set(DEFAULTS)


def _valid_prefix(code: str, known) -> bool:
    return code == "ALL" or any(k.startswith(code) for k in known)


def check_codes(codes, where: str) -> None:
    known = known_codes()
    for code in codes:
        if not _valid_prefix(code, known):
            raise ConfigError(f"{where}: unknown rule code or prefix: {code}")


def expand(codes, known=None) -> set[str]:
    """Codes and prefixes (``KER1``, ``KER``, ``ALL``) to the set of known codes they name."""
    known = known_codes() if known is None else known
    out = set()
    for code in codes:
        out.update(known if code == "ALL" else (k for k in known if k.startswith(code)))
    return out


@dataclass(frozen=True)
class Selection:
    """One place a selection comes from: the configuration file or the command line."""

    select: tuple | None = None
    extend_select: tuple = ()
    ignore: tuple = ()

    def apply(self, current: set[str], known: set[str]) -> set[str]:
        chosen = set() if self.select is not None else set(current)
        picks = tuple(self.select or ()) + tuple(self.extend_select)
        for code in known:
            s = _specificity(code, picks)
            i = _specificity(code, self.ignore)
            if i is not None and (s is None or i >= s):
                chosen.discard(code)
            elif s is not None:
                chosen.add(code)
        return chosen


def _specificity(code: str, prefixes) -> int | None:
    best = None
    for p in prefixes:
        n = 0 if p == "ALL" else len(p) if code.startswith(p) else None
        if n is not None and (best is None or n > best):
            best = n
    return best


def parse_codes(values) -> list[str]:
    """``("KER1,KER203", "KER3")`` from repeated comma-separated options to a list of codes."""
    out = []
    for value in values or ():
        out.extend(c.strip().upper() for c in value.split(",") if c.strip())
    return out


# --- globs -------------------------------------------------------------------------------


def glob_regex(pattern: str) -> re.Pattern:
    """A ``/``-separated glob (``*``, ``?``, ``[...]``, ``**``) to a regex over a whole path."""
    i, n, out = 0, len(pattern), []
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        elif c == "[":
            j = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "^") else i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out), re.S)


@dataclass(frozen=True)
class PathPattern:
    """A ruff-style path pattern: without a ``/`` it matches a file or folder name anywhere,
    with one it matches the path relative to the project root."""

    text: str
    regex: re.Pattern
    name_only: bool

    @classmethod
    def of(cls, text: str) -> PathPattern:
        body = text.replace(os.sep, "/").rstrip("/")
        while body.startswith("./"):
            body = body[2:]
        name_only = "/" not in body
        return cls(text, glob_regex(body.lstrip("/")), name_only)

    def matches(self, rel: str | None, name: str) -> bool:
        if self.name_only:
            return bool(self.regex.fullmatch(name))
        return rel is not None and bool(self.regex.fullmatch(rel))


# --- settings ----------------------------------------------------------------------------


@dataclass
class Settings:
    """The configuration in force for the files under one project root."""

    root: Path
    path: Path | None = None  # the file it was read from
    codes: frozenset = frozenset()
    per_file_ignores: tuple = ()  # ((PathPattern, frozenset codes), ...)
    exclude: tuple = ()  # (PathPattern, ...)
    respect_gitignore: bool = True

    def _rel(self, path) -> tuple[str | None, list[str]]:
        """The path relative to the root (None outside it) and its parts to check by name."""
        absolute = os.path.abspath(path)
        root = str(self.root)
        prefix = root if root.endswith(os.sep) else root + os.sep
        if not absolute.startswith(prefix):
            return None, [os.path.basename(absolute)]
        rel = absolute[len(prefix) :].replace(os.sep, "/")
        return rel, rel.split("/")

    def codes_for(self, path) -> list[str]:
        """The codes to check in ``path``: the selection less its per-file ignores."""
        codes = set(self.codes)
        if self.per_file_ignores and path is not None:
            rel, parts = self._rel(path)
            for pattern, ignored in self.per_file_ignores:
                if pattern.matches(rel, parts[-1]):
                    codes -= ignored
        return sorted(codes)

    def excluded(self, path, walking: bool = False) -> bool:
        """True when ``path``, or a folder of it below the root, matches ``exclude``.
        ``walking``: its folders were checked on the way down, so only the path itself is."""
        if not self.exclude:
            return False
        rel, parts = self._rel(path)
        for k in range(len(parts), len(parts) - 1 if walking else 0, -1):
            sub = "/".join(parts[:k]) if rel is not None else None
            if any(p.matches(sub, parts[k - 1]) for p in self.exclude):
                return True
        return False


def _where(path: Path, key: str | None = None) -> str:
    return f"{path}: [tool.kerlint]" + (f" {key}" if key else "")


def _read_table(path: Path) -> dict | None:
    """The kerlint table of a config file, or None when it has none."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    tool = data.get("tool")
    if isinstance(tool, dict) and "kerlint" in tool:
        table = tool["kerlint"]
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.kerlint] must be a table")
        return table
    if path.name == "pyproject.toml":
        return None
    # A kerlint-only file named with --config: its keys are at the top level.
    return {k: v for k, v in data.items() if k != "tool"}


def _string_list(path: Path, key: str, value) -> tuple:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{_where(path, key)}: must be a list of strings, got {value!r}")
    return tuple(value)


def _codes_list(path: Path, key: str, value) -> tuple:
    codes = tuple(c.strip().upper() for c in _string_list(path, key, value))
    check_codes(codes, _where(path, key))
    return codes


@dataclass
class FileConfig:
    path: Path
    layer: Selection
    per_file_ignores: tuple
    exclude: tuple | None
    extend_exclude: tuple
    respect_gitignore: bool | None

    @classmethod
    def from_table(cls, path: Path, table: dict) -> FileConfig:
        for key in table:
            if key not in KEYS:
                hint = ""
                if key.replace("_", "-") in KEYS:
                    hint = f" (did you mean {key.replace('_', '-')!r}?)"
                raise ConfigError(f"{_where(path)}: unknown key {key!r}{hint}; known keys: {', '.join(KEYS)}")
        select = _codes_list(path, "select", table["select"]) if "select" in table else None
        layer = Selection(
            select,
            _codes_list(path, "extend-select", table.get("extend-select", [])),
            _codes_list(path, "ignore", table.get("ignore", [])),
        )
        pfi = table.get("per-file-ignores", {})
        if not isinstance(pfi, dict):
            raise ConfigError(f"{_where(path, 'per-file-ignores')}: must be a table of glob = [codes]")
        per_file = []
        for glob, codes in pfi.items():
            key = f'per-file-ignores."{glob}"'
            per_file.append((PathPattern.of(glob), frozenset(expand(_codes_list(path, key, codes)))))
        exclude = _string_list(path, "exclude", table["exclude"]) if "exclude" in table else None
        extend = _string_list(path, "extend-exclude", table.get("extend-exclude", []))
        gitignore = table.get("respect-gitignore")
        if gitignore is not None and not isinstance(gitignore, bool):
            raise ConfigError(f"{_where(path, 'respect-gitignore')}: must be true or false, got {gitignore!r}")
        target = table.get("target-keras")
        if target is not None and str(target) not in ("2", "3"):
            raise ConfigError(f"{_where(path, 'target-keras')}: must be \"2\" or \"3\", got {target!r}")
        return cls(path, layer, tuple(per_file), exclude, extend, gitignore)


_FOUND: dict[Path, Path | None] = {}  # folder -> its config; a walk asks once per folder


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.kerlint]`` table at or above ``start``."""
    d = Path(os.path.abspath(start))
    walked, found = [], None
    for folder in (d, *d.parents):
        if folder in _FOUND:
            found = _FOUND[folder]
            break
        walked.append(folder)
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _has_table(candidate):
            found = candidate
            break
    for folder in walked:
        _FOUND[folder] = found
    return found


_TABLE = re.compile(rb"^\s*\[\s*tool\s*\.\s*kerlint\s*[\].]", re.M)


def _has_table(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if _TABLE.search(data):
        return True
    # Dotted keys (`tool.kerlint.select = ...`) or an inline table: ask the TOML parser.
    return b"kerlint" in data and _read_table(path) is not None


class SettingsResolver:
    """Finds and caches the settings in force for each path.

    ``cli`` is the command line's selection layer; ``config`` names one file for every path
    (``--config``); ``isolated`` ignores all configuration files.
    """

    def __init__(self, cli: Selection | None = None, *, config: str | None = None, isolated: bool = False,
                 extend_exclude=(), respect_gitignore: bool | None = None, exclude=None):
        self.cli = cli or Selection()
        self.isolated = isolated
        self.extend_exclude = tuple(extend_exclude)
        self.exclude = tuple(exclude) if exclude is not None else None  # --exclude: in place of the config's
        self.respect_gitignore = respect_gitignore
        self._by_dir: dict[str, Settings] = {}
        self._by_file: dict[str, Settings] = {}
        self._fixed: Settings | None = None
        check_codes((self.cli.select or ()) + self.cli.extend_select + self.cli.ignore, "command line")
        if config is not None and not isolated:
            path = Path(config)
            if not path.is_file():
                raise ConfigError(f"{config}: no such configuration file (--config)")
            self._fixed = self._settings(path.resolve())
        elif isolated:
            self._fixed = self._settings(None)

    def _settings(self, path: Path | None) -> Settings:
        key = str(path)
        if key in self._by_file:
            return self._by_file[key]
        known = known_codes()
        codes = default_codes()
        exclude = DEFAULT_EXCLUDE
        per_file: tuple = ()
        gitignore = True
        root = Path.cwd()
        if path is not None:
            table = _read_table(path)
            fc = FileConfig.from_table(path, table or {})
            codes = fc.layer.apply(codes, known)
            exclude = fc.exclude if fc.exclude is not None else exclude
            exclude = tuple(exclude) + fc.extend_exclude
            per_file = fc.per_file_ignores
            gitignore = True if fc.respect_gitignore is None else fc.respect_gitignore
            root = path.parent
        if self.exclude is not None:
            exclude = self.exclude  # --exclude replaces the configured list, defaults included (ruff's rule)
        codes = self.cli.apply(codes, known)
        if self.respect_gitignore is not None:
            gitignore = self.respect_gitignore
        settings = Settings(
            root=root,
            path=path,
            codes=frozenset(codes),
            per_file_ignores=per_file,
            exclude=tuple(PathPattern.of(p) for p in tuple(exclude) + self.extend_exclude),
            respect_gitignore=gitignore,
        )
        self._by_file[key] = settings
        return settings

    def for_path(self, path) -> Settings:
        """Settings for a file or folder (a file is looked up from its folder)."""
        if self._fixed is not None:
            return self._fixed
        absolute = os.path.abspath(path)
        return self.for_dir(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))

    def for_dir(self, folder: str) -> Settings:
        """Settings for the files in ``folder`` (an absolute path), without asking the disk
        whether it is one."""
        if self._fixed is not None:
            return self._fixed
        settings = self._by_dir.get(folder)
        if settings is None:
            settings = self._settings(find_config(Path(folder)))
            self._by_dir[folder] = settings
        return settings

    def codes_for(self, path) -> list[str]:
        return self.for_path(path).codes_for(path)


def cli_selection(select=(), extend_select=(), ignore=()) -> Selection:
    """The command line's layer from repeated, comma-separated ``--select`` etc. values."""
    sel = parse_codes(select)
    return Selection(tuple(sel) if sel else None, tuple(parse_codes(extend_select)), tuple(parse_codes(ignore)))
