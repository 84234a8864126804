"""``kerlint check --show-files`` and ``--show-settings``: what a run would lint, and with which
configuration, without linting anything (ruff's options of the same names)."""

from __future__ import annotations

import os
import sys


def show(paths, resolver, force_exclude: bool, *, settings: bool, out=None) -> int:
    """Print the files (or the settings of the first one); the exit status."""
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
    path = files[0]
    found = resolver.for_path(path)
    out.write(f"Resolved settings for: {os.path.abspath(path)}\n")
    out.write(f"Settings path: {found.path if found.path is not None else 'none (defaults)'}\n")
    out.write(f"root = {found.root}\n")
    out.write(f"select = [{', '.join(repr(c) for c in found.codes_for(path))}]\n")
    ignores = ", ".join(f"{pattern.text!r}: [{', '.join(sorted(codes))}]" for pattern, codes in found.per_file_ignores)
    out.write(f"per-file-ignores = {{{ignores}}}\n")
    out.write(f"exclude = [{', '.join(repr(p.text) for p in found.exclude)}]\n")
    out.write(f"respect-gitignore = {str(found.respect_gitignore).lower()}\n")
    return 0
