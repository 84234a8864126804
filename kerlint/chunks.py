"""A text parsed statement by statement, for an editor buffer linted after every keystroke.

The top-level statements are found with ``ast`` (a tenth of LibCST's parse time), each is
parsed by LibCST on its own, and the trees and positions of statements whose text did not
change are reused from the text's previous version: a keystroke re-parses one statement,
not the file. The module handed to the analysis holds every statement in order; comments
between statements are not in it (the analysis reads none; ``# noqa`` is read from the text).
Positions are those of the whole-file parse, each statement's shifted to where it starts.
"""

from __future__ import annotations

import ast
import warnings

import libcst as cst

from .interp.tree import parse_module
from .positions import Positions


class _Chunk:
    __slots__ = ("text", "module", "positions")

    def __init__(self, text: str):
        self.text = text
        self.module = parse_module(text)
        self.positions = Positions(self.module)


class ChunkPositions:
    """``positions.Positions`` for a module assembled from chunks: ``range(node)``."""

    def __init__(self, placed: list, code: str):
        self._placed = placed  # [(chunk, first line - 1)]
        self.code = code

    def first_difference(self, source: str) -> int | None:
        """None: each statement's code was checked to be its text (``_exact``)."""
        return None

    def range(self, node):
        for chunk, shift in self._placed:
            r = chunk.positions.range(node)
            if r is not None:
                return r[0] + shift, r[1], r[2] + shift, r[3]
        return None


class ChunkCache:
    """Trees of the statements of a text's recent versions, by their text."""

    def __init__(self):
        self._chunks: dict[str, _Chunk] = {}

    def parse(self, source: str):
        """``(module, positions)`` for ``source``, or None when it must be parsed whole (a
        syntax error, or a text that does not split into statements kerlint can rejoin)."""
        texts = _split(source)
        if texts is None:
            return None
        try:
            chunks = [self._chunks.get(text) or _Chunk(text) for text in texts]
        except cst.ParserSyntaxError:
            return None
        indent = _common_indent(chunks)
        if indent is None or not all(_exact(c, c is chunks[-1]) for c in chunks):
            return None  # LibCST does not give a statement back exactly: the whole parse says where
        self._chunks = {c.text: c for c in chunks}
        placed, line = [], 0
        for chunk in chunks:
            placed.append((chunk, line))
            line += chunk.text.count("\n") if "\r" not in chunk.text else len(chunk.text.splitlines())
        first, last = chunks[0].module, chunks[-1].module
        module = first.with_changes(body=[s for c in chunks for s in c.module.body], footer=last.footer,
                                    has_trailing_newline=last.has_trailing_newline, default_indent=indent)
        return module, ChunkPositions(placed, source)


def _common_indent(chunks) -> str | None:
    """The indentation every chunk with an indented block reads as its default (the whole
    file's), or None when they differ (the file mixes them: it is parsed whole)."""
    indents = {c.module.default_indent for c in chunks if _indents(c.text)}
    if len(indents) > 1:
        return None
    return indents.pop() if indents else chunks[0].module.default_indent


def _exact(chunk, last: bool) -> bool:
    code = chunk.positions.code
    return code == chunk.text or (last and code == chunk.text + "\n")


def _indents(text: str) -> bool:
    return any(line[:1] in (" ", "\t") and line.strip() for line in text.splitlines()[1:])


def _split(source: str) -> list[str] | None:
    """The text of each top-level statement (with the comments and blank lines before the
    next), or None when ``ast`` cannot read it or the text is not worth splitting."""
    if "\r" in source or "\f" in source or "\\\n" in source:
        return None  # line ends and continuations LibCST and ast may count differently
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings about the user's code
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    starts = []
    for stmt in tree.body:
        line = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
        if starts and line <= starts[-1]:
            continue  # `a = 1; b = 2`: one line, one LibCST statement
        starts.append(line)
    if len(starts) < 2:
        return None
    lines = source.splitlines(keepends=True)
    starts[0] = 1  # the first chunk keeps the file's header
    bounds = starts + [len(lines) + 1]
    return ["".join(lines[a - 1:b - 1]) for a, b in zip(bounds, bounds[1:])]
