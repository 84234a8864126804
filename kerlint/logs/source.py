"""Open a log (file, `-` for stdin, gzip too), tell its format, and parse it into runs."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import zlib
from typing import BinaryIO

from .console import parse_console
from .model import Log
from .notebook import is_notebook, parse_notebook
from .tabular import MAX_JSON, HistorySyntaxError, LogFormatError, looks_like_csv_header, parse_csv, parse_history

PEEK = 1 << 16
NOT_RUN = "a notebook saved without outputs: run it, save it, and give it again"
NO_FIT_OUTPUT = "a notebook whose outputs hold no fit() progress and no History.history"


class LogReadError(Exception):
    """The input cannot be read as a training log; the message is for the user."""


class _Prefixed(io.RawIOBase):
    """A byte stream that first returns the bytes already peeked, then the rest."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self._head:
            if n is None or n < 0:
                out, self._head = self._head + self._rest.read(), b""
                return out
            out, self._head = self._head[:n], self._head[n:]
            return out
        return self._rest.read(n)

    def readinto(self, b) -> int:  # used by TextIOWrapper through BufferedReader
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if b"\x00" in head[:8192]:
        return True
    sample = head[:8192].decode("utf-8", errors="replace")
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\r\n\t\b\x1b\f"))
    return bad > len(sample) * 0.1


def detect(head: bytes) -> str:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text[:1] in "{[":
        return "json"
    first_line = text.split("\n", 1)[0].strip("\r")
    if looks_like_csv_header(first_line):
        return "csv"
    return "console"


def _read_up_to(stream: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes: a raw stream's read(n) may return fewer before the end."""
    parts, size = [], 0
    while size < limit:
        chunk = stream.read(min(1 << 20, limit - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def _notebook(data: bytes, named: bool) -> dict | None:
    """The notebook, when the JSON is one (a History dump is a dict of lists or a list)."""
    if not named and b'"cells"' not in data[:PEEK] and b'"nbformat"' not in data[-PEEK:]:
        return None
    try:
        obj = json.loads(data.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        return None
    return obj if is_notebook(obj) else None


def read_log(path: str, stdin: BinaryIO | None = None) -> Log:
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            raw = stdin if stdin is not None else sys.stdin.buffer
            return _read(name, raw)
        if os.path.isdir(path):
            raise LogReadError(f"{path}: is a directory")
        with open(path, "rb") as f:
            return _read(name, f)
    except LogReadError:
        raise
    except FileNotFoundError:
        raise LogReadError(f"{path}: no such file") from None
    except PermissionError:
        raise LogReadError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise LogReadError(f"{path}: is a directory") from None
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise LogReadError(f"{name}: cannot read: {exc}") from None
    except LogFormatError as exc:
        raise LogReadError(f"{name}: {exc}") from None


def _read(name: str, raw: BinaryIO) -> Log:
    head = raw.read(PEEK)
    stream: BinaryIO = _Prefixed(head, raw)  # type: ignore[assignment]
    if head[:2] == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=io.BufferedReader(stream))  # type: ignore[arg-type]
        head = stream.read(PEEK)
        stream = _Prefixed(head, stream)  # type: ignore[assignment]
    if not head.strip():
        raise LogReadError(f"{name}: empty input")
    if _looks_binary(head):
        raise LogReadError(f"{name}: binary data, not a training log")
    fmt = detect(head)
    if fmt == "json":
        data = _read_up_to(stream, MAX_JSON + 1)
        if len(data) > MAX_JSON:
            raise LogReadError(f"{name}: JSON larger than 256 MB")
        notebook = _notebook(data, name.endswith(".ipynb"))
        if notebook is not None:
            runs, with_outputs = parse_notebook(notebook)
            notes = [] if runs else [NOT_RUN if not with_outputs else NO_FIT_OUTPUT]
            return Log(source=name, format="notebook", runs=runs, notes=notes)
        if name.endswith(".ipynb"):
            raise LogReadError(f"{name}: not a Jupyter notebook (JSON without a cell list)")
        try:
            runs = parse_history(data)
        except HistorySyntaxError as exc:
            # console output that happens to start with a bracket: read it as text
            runs = parse_console(io.BytesIO(data))
            fmt = "console"
            if not runs:
                return Log(source=name, format=fmt, runs=[], notes=[str(exc)])
    elif name.endswith(".ipynb"):
        raise LogReadError(f"{name}: not a Jupyter notebook (not JSON)")
    elif fmt == "csv":
        runs = parse_csv(io.BufferedReader(stream))  # type: ignore[arg-type]
    else:
        runs = parse_console(stream)
    return Log(source=name, format=fmt, runs=runs)
