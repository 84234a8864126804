"""Positions of CST nodes, as LibCST's ``PositionProvider`` gives them, at a fraction of its cost.

``PositionProvider`` regenerates the module's code and, for every token and every node, splits
the token on newlines and builds position objects: for a file with a diagnostic it costs more
than the parse. Here the code is regenerated with a state that only notes, per node, the
index of its first and last token; lines and columns are worked out afterwards, for the nodes
asked about. The rules that decide a node's range (whitespace left out, start and end taken
from child nodes) are LibCST's own: its nodes call the same hooks on either state.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from contextlib import contextmanager
from itertools import accumulate

from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile(r"\r\n?|\n")


class _TokenSpans(CodegenState):
    """Codegen state noting ``node -> (first token, end token)``."""

    __slots__ = ("spans", "_stack")

    def __init__(self, default_indent: str, default_newline: str):
        super().__init__(default_indent, default_newline)
        self.spans: dict = {}
        self._stack: list = []

    def before_codegen(self, node) -> None:
        self._stack.append(len(self.tokens))

    def after_codegen(self, node) -> None:
        start = self._stack.pop()
        if node not in self.spans:  # a syntactic position recorded inside wins
            self.spans[node] = (start, len(self.tokens))

    def pop_trailing_newline(self) -> None:
        # Kept: PositionProvider counts the newline, which it has seen before it is dropped.
        pass

    @contextmanager
    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        start = len(self.tokens)
        try:
            yield
        finally:
            end = len(self.tokens)
            if start_node is not None:
                start = self.spans[start_node][0]
            if end_node is not None:
                end = self.spans[end_node][1]
            self.spans[node] = (start, end)


class Positions:
    """``range(node)``: ``(line, column, end_line, end_column)``, lines 1-based and columns
    0-based in characters, exactly as ``PositionProvider``'s ``CodeRange``; None for a node
    that is not in the module."""

    def __init__(self, module):
        state = _TokenSpans(module.default_indent, module.default_newline)
        module._codegen(state)
        self._spans = state.spans
        tokens = state.tokens
        self._offsets = [0, *accumulate(map(len, tokens))]
        code = self.code = "".join(tokens)
        if "\r" in code:
            # PositionProvider counts newlines token by token: a "\r" and a "\n" in two tokens
            # are two line breaks to it. Count as it does.
            self._line_col = self._per_token(tokens)
        else:
            self._starts = [0] + [m.end() for m in re.finditer("\n", code)]
            self._line_col = None

    def _per_token(self, tokens):
        out = [(1, 0)]
        line, column = 1, 0
        for token in tokens:
            pieces = _NEWLINE.split(token)
            if len(pieces) == 1:
                column += len(token)
            else:
                line += len(pieces) - 1
                column = len(pieces[-1])
            out.append((line, column))
        return out

    def _at(self, index: int) -> tuple[int, int]:
        if self._line_col is not None:
            return self._line_col[index]
        offset = self._offsets[index]
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1]

    def range(self, node):
        span = self._spans.get(node)
        if span is None:
            return None
        return (*self._at(span[0]), *self._at(span[1]))
