"""The configuration: discovery, ``extend``, validation, and the settings in force per file.

Each linted path uses the nearest configuration file, walking up from the path; in each folder
``.kerlint.toml`` comes first, then ``kerlint.toml`` (both with the keys at the top level, as
``ruff.toml``), then a ``pyproject.toml`` with a ``[tool.kerlint]`` table (one without the table
does not stop the walk). ``extend = "../pyproject.toml"`` makes a file inherit another one: its
own keys override the other's, as in ruff.

Selection is resolved in layers, as ruff does: defaults, then each file of the ``extend`` chain
(the extended one first), then the command line. In each layer ``select`` starts over,
``extend-select`` adds, ``ignore`` (and ``extend-ignore``) removes, and between a selected and
an ignored prefix the more specific one wins (``ignore`` on a tie). ``fixable``,
``extend-fixable`` and ``unfixable`` layer the same way, starting from every code.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import field
from pathlib import Path

from .data import FACTORY, record
from .files import is_file

# Every key a configuration may hold, with what its value must be (the README's table says
# what each one means). Anything else is an error.
CODE_LIST_KEYS = ("select", "extend-select", "ignore", "extend-ignore", "fixable", "extend-fixable", "unfixable")
PATTERN_LIST_KEYS = ("exclude", "extend-exclude")
TABLE_KEYS = ("per-file-ignores", "extend-per-file-ignores")
BOOL_KEYS = ("respect-gitignore", "unsafe-fixes")
STRING_KEYS = ("extend", "output-format", "cache-dir", "target-keras")
KEYS = ("extend",) + CODE_LIST_KEYS + PATTERN_LIST_KEYS + TABLE_KEYS + BOOL_KEYS + STRING_KEYS[1:]
# The files a folder may configure kerlint with, in the order ruff looks for its own.
CONFIG_NAMES = (".kerlint.toml", "kerlint.toml", "pyproject.toml")
TARGETS = ("2", "3")

# Replaced by `exclude`, extended by `extend-exclude`, like ruff's defaults.
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "build", "dist", "node_modules",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".kerlint_cache", ".eggs",
    "*.egg-info", ".ipynb_checkpoints",
)


class ConfigError(Exception):
    """A configuration or selection the user must correct (exit status 2)."""


def _toml():
    """The TOML parser, imported only when a configuration file is read (start-up time)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - 3.10 has no tomllib; tomli is what it became
        import tomli as tomllib
    return tomllib


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


@record(frozen=True)
class Selection:
    """One place a selection comes from: the configuration file or the command line."""

    select: tuple | None = None
    extend_select: tuple = ()
    ignore: tuple = ()

    def __init__(self, select=None, extend_select=(), ignore=()):
        object.__setattr__(self, "select", select)
        object.__setattr__(self, "extend_select", extend_select)
        object.__setattr__(self, "ignore", ignore)

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


@record(frozen=True)
class PathPattern:
    """A ruff-style path pattern: without a ``/`` it matches a file or folder name anywhere,
    with one it matches the path relative to ``base``, the folder of the file that holds it
    (of the command line's: the current directory)."""

    text: str
    regex: re.Pattern
    name_only: bool

    def __init__(self, text, regex, name_only):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "regex", regex)
        object.__setattr__(self, "name_only", name_only)

    @classmethod
    def of(cls, text: str, base=None) -> PathPattern:
        body = _glob_body(text)
        name_only = "/" not in body
        if name_only:
            return cls(text, glob_regex(body), True)
        folder = _posix(os.path.abspath(base if base is not None else os.getcwd())).rstrip("/") + "/"
        glob = glob_regex(body.lstrip("/"))
        return cls(text, re.compile(re.escape(folder) + glob.pattern, re.S), False)

    def matches(self, absolute: str, name: str) -> bool:
        """``absolute``: the path as ``_posix(os.path.abspath(...))`` gives it."""
        return bool(self.regex.fullmatch(name if self.name_only else absolute))


def _glob_body(text: str) -> str:
    body = text.replace(os.sep, "/").rstrip("/")
    while body.startswith("./"):
        body = body[2:]
    return body


class PatternSet:
    """Path patterns asked at once, as ``any(p.matches(absolute, name) for p in patterns)``:
    a pattern that is a plain name (each default exclude but one) is a string compared, not a
    regex run. Asked for every entry a walk finds."""

    __slots__ = ("names", "name_regexes", "path_regexes")

    def __init__(self, patterns):
        self.names = set()
        self.name_regexes = []
        self.path_regexes = []
        for p in patterns:
            if not p.name_only:
                self.path_regexes.append(p.regex)
                continue
            body = _glob_body(p.text)
            if any(c in body for c in "*?[\\"):
                self.name_regexes.append(p.regex)
            else:
                self.names.add(body)  # glob_regex of a plain name matches it alone

    def matches(self, absolute: str, name: str) -> bool:
        return (name in self.names or any(r.fullmatch(name) for r in self.name_regexes)
                or any(r.fullmatch(absolute) for r in self.path_regexes))


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")


# --- settings ----------------------------------------------------------------------------



@record
class Settings:
    """The configuration in force for the files under one project root."""

    root: Path
    path: Path | None = None  # the file it was read from
    codes: frozenset = frozenset()
    per_file_ignores: tuple = ()  # ((PathPattern, frozenset codes), ...)
    exclude: tuple = ()  # (PathPattern, ...)
    respect_gitignore: bool = True
    extends: tuple = ()  # the files ``path`` extends, nearest first
    fixable: frozenset = frozenset()  # the codes whose fixes --fix may apply
    unsafe_fixes: bool | None = None  # None: not configured (no unsafe fixes)
    output_format: str | None = None  # None: not configured ("full")
    cache_dir: Path | None = None  # None: not configured (.kerlint_cache in the root)
    target_keras: str | None = None  # "2", "3", or None: not configured (the dependencies decide)
    sources: dict = field(default_factory=dict)  # key -> the files (or "command line") that set it

    def __init__(self, root, path=None, codes=frozenset(), per_file_ignores=(), exclude=(), respect_gitignore=True,
                 extends=(), fixable=frozenset(), unsafe_fixes=None, output_format=None, cache_dir=None,
                 target_keras=None, sources=FACTORY):
        self.root = root
        self.path = path
        self.codes = codes
        self.per_file_ignores = per_file_ignores
        self.exclude = exclude
        self.respect_gitignore = respect_gitignore
        self.extends = extends
        self.fixable = fixable
        self.unsafe_fixes = unsafe_fixes
        self.output_format = output_format
        self.cache_dir = cache_dir
        self.target_keras = target_keras
        self.sources = {} if sources is FACTORY else sources

    def codes_for(self, path) -> list[str]:
        """The codes to check in ``path``: the selection less its per-file ignores."""
        if not self.per_file_ignores or path is None:
            return list(self._memo("codes", self.codes, sorted))
        codes = set(self.codes)
        absolute = _posix(os.path.abspath(path))
        name = absolute.rsplit("/", 1)[-1]
        for pattern, ignored in self.per_file_ignores:
            if pattern.matches(absolute, name):
                codes -= ignored
        return sorted(codes)

    def excluded(self, path, walking: bool = False) -> bool:
        """True when ``path``, or a folder of it below the root, matches ``exclude``.
        ``walking``: its folders were checked on the way down, so only the path itself is."""
        if not self.exclude:
            return False
        patterns = self._memo("exclude", self.exclude, PatternSet)
        absolute = _posix(os.path.abspath(path))
        root = self._memo("root", self.root, lambda root: _posix(str(root)).rstrip("/") + "/")
        if not absolute.startswith(root):
            return patterns.matches(absolute, absolute.rsplit("/", 1)[-1])
        parts = absolute[len(root) :].split("/")
        for k in range(len(parts), len(parts) - 1 if walking else 0, -1):
            sub = root + "/".join(parts[:k])
            if patterns.matches(sub, parts[k - 1]):
                return True
        return False

    def _memo(self, name: str, value, make):
        """``make(value)``, kept while the field holds that same object (this runs per file;
        the fields are not meant to change, but a changed one is not read stale)."""
        memo = self.__dict__.setdefault("_memos", {})
        kept = memo.get(name)
        if kept is None or kept[0] is not value:
            kept = memo[name] = (value, make(value))
        return kept[1]


# --- reading one file --------------------------------------------------------------------


def _top_level(path: Path) -> bool:
    """Whether the file holds kerlint's keys at the top level (not in ``[tool.kerlint]``)."""
    return path.name in (".kerlint.toml", "kerlint.toml")


def _where(path: Path, key: str | None = None) -> str:
    if path.name != "pyproject.toml":  # keys at the top level (a --config file may differ: rare)
        return f"{path}" + (f": {key}" if key else "")
    return f"{path}: [tool.kerlint]" + (f" {key}" if key else "")


def _read_table(path: Path) -> dict | None:
    """The kerlint table of a config file, or None when it has none."""
    tomllib = _toml()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if _top_level(path):
        return data  # as ruff.toml: a `[tool.kerlint]` table here is an unknown key
    tool = data.get("tool")
    if isinstance(tool, dict) and "kerlint" in tool:
        table = tool["kerlint"]
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.kerlint] must be a table")
        return table
    if path.name == "pyproject.toml":
        return None
    # A kerlint-only file of another name, named with --config: its keys are at the top level.
    return {k: v for k, v in data.items() if k != "tool"}


def _unknown_key(path: Path, key: str) -> ConfigError:
    import difflib

    hint = ""
    close = difflib.get_close_matches(key.replace("_", "-").lower(), KEYS, n=1, cutoff=0.6)
    if close:
        hint = f" (did you mean {close[0]!r}?)"
    elif key == "tool" and _top_level(path):
        hint = f" (in {path.name} the keys are at the top level, without [tool.kerlint])"
    return ConfigError(f"{_where(path)}: unknown key {key!r}{hint}; known keys: {', '.join(KEYS)}")


def _string_list(path: Path, key: str, value) -> tuple:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{_where(path, key)}: must be a list of strings, got {value!r}")
    return tuple(value)


def _codes_list(path: Path, key: str, value) -> tuple:
    codes = tuple(c.strip().upper() for c in _string_list(path, key, value))
    check_codes(codes, _where(path, key))
    return codes


def _string(path: Path, key: str, value, choices=None) -> str:
    if key == "target-keras" and type(value) is int:  # target-keras = 3 means "3"
        value = str(value)
    if not isinstance(value, str) or (choices is not None and value not in choices):
        wanted = " or ".join(f'"{c}"' for c in choices) if choices else "a string"
        raise ConfigError(f"{_where(path, key)}: must be {wanted}, got {value!r}")
    return value


def _per_file_ignores(path: Path, key: str, value) -> tuple:
    if not isinstance(value, dict):
        raise ConfigError(f"{_where(path, key)}: must be a table of glob = [codes]")
    out = []
    for glob, codes in value.items():
        where = f'{key}."{glob}"'
        out.append((PathPattern.of(glob, path.parent), frozenset(expand(_codes_list(path, where, codes)))))
    return tuple(out)


def _value(path: Path, key: str, value):
    """The value of ``key`` checked and made ready to use (patterns, paths relative to the
    file's folder)."""
    if key in CODE_LIST_KEYS:
        return _codes_list(path, key, value)
    if key in PATTERN_LIST_KEYS:
        return tuple(PathPattern.of(p, path.parent) for p in _string_list(path, key, value))
    if key in TABLE_KEYS:
        return _per_file_ignores(path, key, value)
    if key in BOOL_KEYS:
        if not isinstance(value, bool):
            raise ConfigError(f"{_where(path, key)}: must be true or false, got {value!r}")
        return value
    if key == "output-format":
        from .report import FORMATS

        return _string(path, key, value, FORMATS)
    if key == "target-keras":
        return _string(path, key, value, TARGETS)
    # extend, cache-dir: paths relative to the file's folder (`~` and $VARS expanded, as ruff does)
    text = os.path.expandvars(os.path.expanduser(_string(path, key, value)))
    return Path(os.path.abspath(path.parent / text))


@record
class FileConfig:
    """One configuration file's keys, checked (``values``: key -> ready value)."""

    path: Path
    values: dict

    def __init__(self, path, values):
        self.path = path
        self.values = values

    @classmethod
    def read(cls, path: Path) -> FileConfig:
        return cls.from_table(path, _read_table(path) or {})

    @classmethod
    def from_table(cls, path: Path, table: dict) -> FileConfig:
        for key in table:
            if key not in KEYS:
                raise _unknown_key(path, key)
        return cls(path, {key: _value(path, key, value) for key, value in table.items()})

    @property
    def layer(self) -> Selection:
        v = self.values
        return Selection(v.get("select"), v.get("extend-select", ()), v.get("ignore", ()) + v.get("extend-ignore", ()))

    @property
    def fixable_layer(self) -> Selection:
        v = self.values
        return Selection(v.get("fixable"), v.get("extend-fixable", ()), v.get("unfixable", ()))


def load_chain(path: Path) -> list[FileConfig]:
    """``path`` and the files it extends, the farthest first (the order their layers apply).
    A cycle is an error that shows it."""
    chain: list[FileConfig] = []
    seen: list[Path] = []
    current: Path | None = Path(os.path.abspath(path))
    while current is not None:
        real = current.resolve()
        if real in seen:
            loop = " -> ".join(str(p) for p in seen[seen.index(real) :] + [real])
            raise ConfigError(f"{seen[0]}: `extend` makes a cycle: {loop}")
        if chain and not current.is_file():
            raise ConfigError(f"{_where(chain[-1].path, 'extend')}: no such configuration file: {current}")
        seen.append(real)
        config = FileConfig.read(current)
        chain.append(config)
        current = config.values.get("extend")
    return chain[::-1]


_FOUND: dict[str, Path | None] = {}  # folder -> its config; a walk asks once per folder


def config_in(folder) -> Path | None:
    """The configuration file of ``folder`` itself, if it has one."""
    for name in CONFIG_NAMES:
        candidate = os.path.join(folder, name)
        if is_file(candidate) and (name != "pyproject.toml" or _has_table(Path(candidate))):
            return Path(candidate)
    return None


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start`` (``.kerlint.toml``, ``kerlint.toml``,
    or a ``pyproject.toml`` with a ``[tool.kerlint]`` table, in that order in each folder)."""
    # Strings, not pathlib: the first question about each folder of a walk comes here.
    folder = os.path.abspath(start)
    walked, found = [], None
    while True:
        if folder in _FOUND:
            found = _FOUND[folder]
            break
        walked.append(folder)
        found = config_in(folder)
        parent = os.path.dirname(folder)
        if found is not None or parent == folder:
            break
        folder = parent
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


# --- resolving the settings --------------------------------------------------------------

# Keys whose value is the nearest one of the chain (the file's own, else the one it extends).
_SCALARS = (("respect-gitignore", "respect_gitignore"), ("unsafe-fixes", "unsafe_fixes"),
            ("output-format", "output_format"), ("cache-dir", "cache_dir"), ("target-keras", "target_keras"))
COMMAND_LINE = "command line"


def _resolve(chain: list[FileConfig], cli: Selection, cli_fixable: Selection) -> dict:
    """The settings' fields from the chain (farthest file first) and the command line's layers,
    with ``sources``: for each key, the files (or the command line) that set it."""
    known = known_codes()
    codes, fixable = default_codes(), set(known)
    sources: dict[str, list[str]] = {}

    def note(keys, where, values) -> None:
        for key in keys:
            if key in values:
                sources.setdefault(key, []).append(where)

    exclude, extend_exclude = None, ()
    per_file, extend_per_file = (), ()
    fields: dict = {}
    for config in chain:
        v, where = config.values, str(config.path)
        note(KEYS[1:], where, v)
        codes = config.layer.apply(codes, known)
        fixable = config.fixable_layer.apply(fixable, known)
        exclude = v.get("exclude", exclude)
        extend_exclude += v.get("extend-exclude", ())
        per_file = v.get("per-file-ignores", per_file)
        extend_per_file += v.get("extend-per-file-ignores", ())
        fields.update({name: v[key] for key, name in _SCALARS if key in v})
    cli_values = {k: True for k, layer in (("select", cli.select), ("extend-select", cli.extend_select),
                                           ("ignore", cli.ignore), ("fixable", cli_fixable.select),
                                           ("extend-fixable", cli_fixable.extend_select),
                                           ("unfixable", cli_fixable.ignore)) if layer}
    note(cli_values, COMMAND_LINE, cli_values)
    fields.update(
        codes=frozenset(cli.apply(codes, known)),
        fixable=frozenset(cli_fixable.apply(fixable, known)),
        exclude=exclude,
        extend_exclude=extend_exclude,
        per_file_ignores=per_file + extend_per_file,
        sources={k: tuple(w) for k, w in sources.items()},
    )
    return fields


class SettingsResolver:
    """Finds and caches the settings in force for each path.

    ``cli`` is the command line's selection layer, ``fixable`` its layer of fixable codes
    (``--fixable``, ``--extend-fixable``, ``--unfixable``); ``config`` names one file for every
    path (``--config``); ``isolated`` ignores all configuration files.
    """

    def __init__(self, cli: Selection | None = None, *, config: str | None = None, isolated: bool = False,
                 extend_exclude=(), respect_gitignore: bool | None = None, exclude=None,
                 fixable: Selection | None = None):
        self.cli = cli or Selection()
        self.cli_fixable = fixable or Selection()
        self.isolated = isolated
        self.extend_exclude = tuple(extend_exclude)
        self.exclude = tuple(exclude) if exclude is not None else None  # --exclude: in place of the config's
        self.respect_gitignore = respect_gitignore
        self._by_dir: dict[str, Settings] = {}
        self._by_file: dict[str, Settings] = {}
        self._fixed: Settings | None = None
        for layer in (self.cli, self.cli_fixable):
            check_codes((layer.select or ()) + layer.extend_select + layer.ignore, "command line")
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
        chain = load_chain(path) if path is not None else []
        fields = _resolve(chain, self.cli, self.cli_fixable)
        exclude = fields.pop("exclude")
        if exclude is None:
            exclude = tuple(PathPattern.of(p) for p in DEFAULT_EXCLUDE)
        exclude += fields.pop("extend_exclude")
        cwd = os.getcwd()
        if self.exclude is not None:
            # --exclude replaces the configured list, defaults included (ruff's rule)
            exclude = tuple(PathPattern.of(p, cwd) for p in self.exclude)
            fields["sources"]["exclude"] = (COMMAND_LINE,)
        exclude += tuple(PathPattern.of(p, cwd) for p in self.extend_exclude)
        if self.respect_gitignore is not None:
            fields["respect_gitignore"] = self.respect_gitignore
            fields["sources"]["respect-gitignore"] = (COMMAND_LINE,)
        settings = Settings(
            root=path.parent if path is not None else Path.cwd(),
            path=path,
            exclude=exclude,
            extends=tuple(c.path for c in reversed(chain[:-1])),
            **fields,
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

    def for_run(self) -> Settings:
        """The settings of the run as a whole (output format, cache, which fixes apply): those
        in force for the current directory, or of ``--config`` (ruff reads its output format and
        cache directory the same way)."""
        return self.for_dir(os.getcwd())

    def codes_for(self, path) -> list[str]:
        return self.for_path(path).codes_for(path)


def configured_target(folder) -> str | None:
    """``target-keras`` of the configuration in force for the files in ``folder`` (through
    ``extend`` too), or None; a configuration that does not load says nothing here (the run
    reports it)."""
    found = find_config(Path(folder))
    if found is None:
        return None
    try:
        chain = load_chain(found)
    except ConfigError:
        return None
    return next((c.values["target-keras"] for c in reversed(chain) if "target-keras" in c.values), None)


def cli_selection(select=(), extend_select=(), ignore=()) -> Selection:
    """The command line's layer from repeated, comma-separated ``--select`` etc. values."""
    sel = parse_codes(select)
    return Selection(tuple(sel) if sel else None, tuple(parse_codes(extend_select)), tuple(parse_codes(ignore)))
