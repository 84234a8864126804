"""``kerlint check --show-files`` and ``--show-settings``: what a run would lint, and with which
configuration, without linting anything (ruff's options of the same names).

``--show-settings`` prints each key's value in force for the first file, and after it, as a
comment, where the value came from: the files that set it (the ``extend`` chain, the extended
file first), ``command line``, or ``default``."""

from __future__ import annotations

import os
import sys

from .config import COMMAND_LINE


def show(paths, resolver, force_exclude: bool, *, settings: bool, out=None, cli=None) -> int:
    """Print the files (or the settings of the first one); the exit status. ``cli``: the run's
    own options as given on the command line (None when not given)."""
    from .runner import discover_files

    out = out or sys.stdout
    files = [path for raw in paths if raw != "-" for path in discover_files(raw, resolver, force_exclude)]
    if not files:
        sys.stderr.write("kerlint: warning: No Python files found under the given path(s)\n")
        return 0
    if not settings:
        for path in files:
            out.write(f"{os.path.abspath(path)}\n")
        return 0
    for line in settings_lines(files[0], resolver.for_path(files[0]), cli or {}):
        out.write(line + "\n")
    return 0


def settings_lines(path, found, cli: dict) -> list[str]:
    """The ``--show-settings`` lines for ``path`` under the settings ``found``."""
    from .cache import DEFAULT_DIR
    from .config import known_codes

    def origin(*keys) -> str:
        where = [w for key in keys for w in found.sources.get(key, ())]
        return ", ".join(dict.fromkeys(where)) or "default"

    def quoted(items) -> str:
        return "[" + ", ".join(repr(i) for i in items) + "]"

    lines = [
        f"Resolved settings for: {os.path.abspath(path)}",
        f"Settings path: {found.path if found.path is not None else 'none (defaults)'}",
    ]
    if found.extends:
        lines.append(f"Extends: {', '.join(str(p) for p in found.extends)}")
    lines.append(f"root = {found.root}")
    lines.append(f"select = {quoted(found.codes_for(path))}  # "
                 + origin("select", "extend-select", "ignore", "extend-ignore", "per-file-ignores",
                          "extend-per-file-ignores"))
    ignores = ", ".join(f"{pattern.text!r}: {quoted(sorted(codes))}" for pattern, codes in found.per_file_ignores)
    lines.append(f"per-file-ignores = {{{ignores}}}  # {origin('per-file-ignores', 'extend-per-file-ignores')}")
    lines.append(f"exclude = {quoted(p.text for p in found.exclude)}  # {origin('exclude', 'extend-exclude')}")
    lines.append(f"respect-gitignore = {str(found.respect_gitignore).lower()}  # {origin('respect-gitignore')}")
    unfixable = sorted(known_codes() - found.fixable)
    fixing = origin("fixable", "extend-fixable", "unfixable")
    if len(found.fixable) < len(unfixable):
        lines.append(f"fixable = {quoted(sorted(found.fixable))}  # {fixing}")
    else:
        lines.append(f"fixable = ['ALL']  # {fixing}")
        lines.append(f"unfixable = {quoted(unfixable)}  # {fixing}")
    run_keys = (
        ("unsafe-fixes", found.unsafe_fixes, False),
        ("output-format", found.output_format, "full"),
        ("cache-dir", found.cache_dir, found.root / DEFAULT_DIR),
    )
    for key, value, default in run_keys:
        where = origin(key)
        if cli.get(key) is not None:
            value, where = cli[key], COMMAND_LINE
        shown = default if value is None else value
        lines.append(f"{key} = {_toml(shown)}  # {where}")
    target = f'"{found.target_keras}"' if found.target_keras else "none (the project's dependencies decide)"
    lines.append(f"target-keras = {target}  # {origin('target-keras')}")
    return lines


def _toml(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return f'"{value}"'
