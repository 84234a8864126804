"""Finding the files to lint and reading them as text."""

from __future__ import annotations

import errno
import io
import os
import stat
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


# What pathlib's exists() / is_file() take for "not there" (any other OSError is raised).
_ABSENT_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
_ABSENT_WINERRORS = (21, 1921)


def _stat_or_none(path: str):
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno in _ABSENT_ERRNOS or getattr(exc, "winerror", None) in _ABSENT_WINERRORS:
            return None
        raise
    except ValueError:  # a NUL in the name
        return None


def exists(path: str) -> bool:
    """``Path(path).exists()`` without making a Path (asked for many folders of a walk)."""
    return _stat_or_none(path) is not None


def is_file(path: str) -> bool:
    """``Path(path).is_file()`` without making a Path."""
    st = _stat_or_none(path)
    return st is not None and stat.S_ISREG(st.st_mode)


def _skip_dir(name: str, path: str) -> bool:
    return name in SKIP_DIRS or name.endswith(".egg-info") or exists(os.path.join(path, "pyvenv.cfg"))


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
    # Strings, not pathlib, until a file is found: this runs for every entry of the tree.
    stack = [(os.fspath(root), _resolved(os.fspath(root)))]  # (folder, its real path: None for a loop)
    visited = set()
    out = []
    # A symbolic link that leads out of the tree is not followed: --fix must never write
    # outside the folders it was given.
    top = os.path.realpath(root)
    while stack:
        d, real = stack.pop()
        if real is None or real in visited:
            continue  # symlink loop
        visited.add(real)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            path = e.path
            try:
                link = e.is_symlink()
                if link and not inside(os.path.realpath(path), top):
                    continue
                if e.is_dir():
                    if skip is None and _skip_dir(e.name, path):
                        continue
                    if skip is not None and (skip(path, True) or exists(os.path.join(path, "pyvenv.cfg"))):
                        continue
                    # Below a real folder, a folder that is no link is real too.
                    stack.append((path, _resolved(path) if link else os.path.join(real, e.name)))
                elif e.name.endswith(suffixes) and e.is_file() and not (skip and skip(path, False)):
                    out.append(Path(path))
            except OSError:
                continue
    out.sort()
    return out


def _resolved(folder: str) -> str | None:
    """``Path(folder).resolve()`` as a string; None for a loop of symbolic links (or a path
    ``realpath`` cannot follow)."""
    try:
        real = os.path.realpath(folder)
    except OSError:
        return None
    try:
        os.stat(real)  # how resolve() finds a loop: the links never end
    except OSError as exc:
        if exc.errno == errno.ELOOP or getattr(exc, "winerror", 0) == 1921:
            return None
    return real


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
