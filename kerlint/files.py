"""Finding the files to lint and reading them as text."""

from __future__ import annotations

import errno
import io
import os
import tokenize
from pathlib import Path

SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "build", "dist", "node_modules",
             ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".kerlint_cache", ".eggs",
             ".ipynb_checkpoints"}
SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")


class ReadError(Exception):
    """The file cannot be read as source text; the message says why."""

    def __init__(self, message: str, os_error: OSError | None = None):
        super().__init__(message)
        self.os_error = os_error


def _skip_dir(path: Path) -> bool:
    return path.name in SKIP_DIRS or path.name.endswith(".egg-info") or (path / "pyvenv.cfg").exists()


def discover(paths, suffixes=SOURCE_SUFFIXES, skip=None):
    """Yield (path, explicit) for every file to lint under ``paths``, each once, sorted.

    ``skip(path, is_dir)``, when given, decides which entries a walk leaves out (excludes,
    .gitignore) in place of the default folder names; folders holding ``pyvenv.cfg`` are
    always left out."""
    seen = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in _walk(p, suffixes, skip):
                key = os.path.normcase(os.path.abspath(f))
                if key not in seen:
                    seen.add(key)
                    yield f, False
        else:
            key = os.path.normcase(os.path.abspath(p))
            if key not in seen:
                seen.add(key)
                yield p, True


def inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _walk(root: Path, suffixes, skip=None):
    stack = [root]
    visited = set()
    out = []
    # A symbolic link that leads out of the tree is not followed: --fix must never write
    # outside the folders it was given.
    top = os.path.realpath(root)
    while stack:
        d = stack.pop()
        try:
            real = d.resolve()
        except (OSError, RuntimeError):
            continue
        if real in visited:
            continue  # symlink loop
        visited.add(real)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            path = Path(e.path)
            try:
                if e.is_symlink() and not inside(os.path.realpath(e.path), top):
                    continue
                if e.is_dir():
                    if skip is None and not _skip_dir(path):
                        stack.append(path)
                    elif skip is not None and not skip(path, True) and not (path / "pyvenv.cfg").exists():
                        stack.append(path)
                elif e.name.endswith(suffixes) and e.is_file() and not (skip and skip(path, False)):
                    out.append(path)
            except OSError:
                continue
    out.sort()
    return out


def decode(data: bytes) -> str:
    """Source bytes to text, honouring a BOM and a PEP 263 coding declaration."""
    if b"\x00" in data:
        raise ReadError("the file contains NUL bytes (binary, not Python source)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if b"coding" in b"\n".join(data.split(b"\n", 2)[:2]):
            raise ReadError(f"unknown or invalid encoding declaration: {exc}") from None
        encoding = "utf-8"  # no declaration, and not UTF-8 in the first lines: say where
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        hint = ("; declare its encoding with a `# -*- coding: NAME -*-` comment on line 1 or 2, or save it as UTF-8"
                if encoding.startswith("utf-8") else "")
        raise ReadError(f"the file is not valid {encoding}: byte 0x{bad} on line {line}{hint}") from None
    except LookupError as exc:
        raise ReadError(f"the file is not valid {encoding}: {exc}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def read_bytes(path: Path) -> bytes:
    """The file's bytes; ReadError says why they cannot be read (``os_error``: the OSError)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(_unreadable(path, exc), exc) from None


def _unreadable(path: Path, exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(path):
            return f"a symbolic link to {os.readlink(path)}, which does not exist"
        return "no such file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links"
    return exc.strerror or str(exc)


def read_source(path: Path) -> tuple[bytes, str]:
    data = read_bytes(path)
    return data, decode(data)
