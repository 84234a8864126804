"""Positions of CST nodes, as LibCST's ``PositionProvider`` gives them, at a fraction of its cost.

``PositionProvider`` regenerates the module's code and, for every token and every node, splits
the token on newlines and builds position objects: for a file with a diagnostic it costs more
than the parse. Here the code is regenerated with a state that only notes, per node, the
index of its first and last token; lines and columns are worked out afterwards, for the nodes
asked about. The rules that decide a node's range (whitespace left out, start and end taken
from child nodes) are LibCST's own: its nodes call the same hooks on either state.

Given the source text, only the top-level statements that hold the nodes asked about are
regenerated (``StatementPositions``): each top-level statement starts a line, which ``ast``
tells (the line of its first token, less the comment and blank lines LibCST gives the
statement), and a statement's code is checked against the text at that line before its
positions are trusted; anything unexpected falls back to the whole module's codegen.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from contextlib import contextmanager
from itertools import accumulate

import libcst as cst
from libcst._nodes.internal import CodegenState

from .interp.tree import LAYOUT_NODES, children, code_children, kinds, walk

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


class _LineColumns:
    """Line and column of each token boundary of a regenerated text, counted as
    ``PositionProvider`` counts them."""

    def __init__(self, tokens: list):
        self._offsets = [0, *accumulate(map(len, tokens))]
        code = self.code = "".join(tokens)
        if "\r" in code:
            # PositionProvider counts newlines token by token: a "\r" and a "\n" in two tokens
            # are two line breaks to it. Count as it does.
            self._line_col = self._per_token(tokens)
        else:
            self._starts = [0] + [m.end() for m in re.finditer("\n", code)]
            self._line_col = None

    @staticmethod
    def _per_token(tokens):
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

    def at(self, index: int) -> tuple[int, int]:
        if self._line_col is not None:
            return self._line_col[index]
        offset = self._offsets[index]
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1]


def _codegen(node, module) -> tuple[dict, _LineColumns]:
    state = _TokenSpans(module.default_indent, module.default_newline)
    node._codegen(state)
    return state.spans, _LineColumns(state.tokens)


class Positions:
    """``range(node)``: ``(line, column, end_line, end_column)``, lines 1-based and columns
    0-based in characters, exactly as ``PositionProvider``'s ``CodeRange``; None for a node
    that is not in the module. The whole module is regenerated (``code``)."""

    def __init__(self, module):
        self._spans, self._lines = _codegen(module, module)
        self.code = self._lines.code

    def range(self, node):
        span = self._spans.get(node)
        if span is None:
            return None
        return (*self._lines.at(span[0]), *self._lines.at(span[1]))

    def first_difference(self, source: str) -> int | None:
        """The first line where LibCST's code differs from ``source`` (it dropped something: a
        line holding only a backslash), or None when it gives the text back exactly (a final
        newline added to a file without one aside)."""
        return _first_difference(self.code, source)


def _first_difference(code: str, source: str) -> int | None:
    if code == source or (code.startswith(source) and code[len(source):] in ("\n", "\r\n", "\r")):
        return None
    lines = zip(re.split(r"\r\n?|\n", source), re.split(r"\r\n?|\n", code))
    return next((i for i, (a, b) in enumerate(lines, 1) if a != b), 1)


# A line holding only a backslash, which LibCST drops: such a text is regenerated whole.
_LONE_BACKSLASH = re.compile(r"(?:^|[\r\n])[ \t\f]*\\(?:\r\n?|\n|$)")
# A node's innermost statement, and the nodes whose statements are indented deeper.
_STATEMENTS = kinds(cst.SimpleStatementLine, cst.BaseCompoundStatement)
_INDENTING = kinds(cst.IndentedBlock, cst.Match)


class StatementPositions:
    """``Positions`` of a module parsed from ``source``, regenerating only the top-level
    statements that hold the nodes asked about. ``heads``: ``statement_heads`` of ``source``,
    when the caller has them.

    The statement of a node is found by walking the statements (the last first: a script's
    models, compiles and fits come at its end) until one holds it. Each statement's code is
    checked against ``source`` where it should start; when the text is not one ``ast`` and
    LibCST read alike, the whole module is regenerated, as ``Positions`` does."""

    def __init__(self, module, source: str, heads=None):
        self.module = module
        self.source = source
        self._full: Positions | None = None
        self._owner: dict[int, int] = {}  # id(node) -> index of its top-level statement
        # id(node) -> (its innermost statement, the indentation of that statement's blocks),
        # for nodes below a top-level statement
        self._inner: dict[int, tuple] = {}
        self._nested: dict[int, tuple | None] = {}  # id(inner statement) -> as _generated
        self._enclosing: dict[int, object] = {}  # id(inner statement) -> the statement holding it
        self._left = len(module.body)  # statements not walked yet: those before this index
        self._layout_walked = False
        self._generated: dict[int, tuple] = {}  # statement index -> (spans, line columns, first line)
        self.line_starts = line_starts(source)  # the offset of each line's start in ``source``
        self._starts = _statement_lines(module, source, heads)
        if self._starts is None:
            self._full = Positions(module)

    def range(self, node):
        if self._full is None:
            index = self._statement_of(node)
            inner = self._inner.get(id(node)) if index is not None else None
            while inner is not None:  # the innermost statement first, then the ones holding it
                generated = self._inner_statement(index, *inner)
                span = generated[0].get(node) if generated is not None else None
                if span is not None:
                    spans, lines, first = generated
                    line, column = lines.at(span[0])
                    end_line, end_column = lines.at(span[1])
                    return line + first, column, end_line + first, end_column
                inner = self._inner.get(id(self._enclosing.get(id(inner[0]))))
            if index is not None:
                generated = self._statement(index)
                if generated is not None:
                    spans, lines, first = generated
                    span = spans.get(node)
                    if span is not None:
                        line, column = lines.at(span[0])
                        end_line, end_column = lines.at(span[1])
                        return line + first, column, end_line + first, end_column
                    # a node the walk found that the codegen does not: leave it to the whole module's
            elif not self._outside_statements(node):
                return None
            if self._full is None:
                self._full = Positions(self.module)
        return self._full.range(node)

    def first_difference(self, source: str) -> int | None:
        """As ``Positions.first_difference``: the statements regenerated were checked against
        the text; the one thing LibCST is known to drop elsewhere sent the text to the
        whole-module path."""
        return None if self._full is None else self._full.first_difference(source)

    def _statement_of(self, node) -> int | None:
        key = id(node)
        owner = self._owner
        while key not in owner and self._left > 0:
            self._left -= 1
            self._walk(self._left, skip_layout=True)
        if key not in owner and isinstance(node, LAYOUT_NODES) and not self._layout_walked:
            # Only layout lies below layout: any other node was not found in a statement.
            self._layout_walked = True
            for index in range(len(self.module.body)):
                self._walk(index, skip_layout=False)
        return owner.get(key)

    def _walk(self, index: int, skip_layout: bool) -> None:
        owner, inner, enclosing = self._owner, self._inner, self._enclosing
        top = self.module.body[index]
        default = self.module.default_indent
        stack = [(top, top, ())]
        pop, push = stack.pop, stack.append
        while stack:
            n, stmt, indents = pop()
            key = id(n)
            owner[key] = index
            kind = n.__class__
            if kind in _STATEMENTS:
                if n is not top:
                    enclosing[key] = stmt
                stmt = n
            if stmt is not top:
                inner[key] = (stmt, indents)
            if kind in _INDENTING:  # its statements (a match's cases) are indented deeper
                indents = (*indents, default if n.indent is None else n.indent)
            for child in (code_children(n) if skip_layout else children(n)):
                push((child, stmt, indents))

    def _inner_statement(self, index: int, stmt, indents: tuple):
        """As ``_statement``, for a statement inside top-level statement ``index``: its code
        (with the indentation of its blocks) must occur once in that statement's text, at
        the start of a line; None otherwise (the caller tries the statement holding it, and
        at last regenerates the top-level one)."""
        key = id(stmt)
        if key not in self._nested:
            self._nested[key] = self._locate(index, stmt, indents)
        return self._nested[key]

    def _locate(self, index: int, stmt, indents: tuple):
        state = _TokenSpans(self.module.default_indent, self.module.default_newline)
        state.indent_tokens = list(indents)
        stmt._codegen(state)
        lines = _LineColumns(state.tokens)
        code, starts, source = lines.code, self.line_starts, self.source
        lo = starts[self._starts[index] - 1] if self._starts[index] - 1 < len(starts) else len(source)
        hi = (starts[self._starts[index + 1] - 1] if index + 1 < len(self._starts) else len(source))
        at = source.find(code, lo, hi)
        if at < 0 or (at > 0 and source[at - 1] not in "\r\n") or source.find(code, at + 1, hi) >= 0:
            return None
        return state.spans, lines, bisect_right(starts, at) - 1

    def _outside_statements(self, node) -> bool:
        """The module itself, or a node of its header or footer (comments before the first
        statement or after the last)."""
        if node is self.module:
            return True
        for top in (*self.module.header, *self.module.footer):
            for n in walk(top):
                if n is node:
                    return True
        return False

    def _statement(self, index: int):
        """(spans, line columns, lines before it) of a top-level statement's code, or None
        when its code is not the text where it should start."""
        got = self._generated.get(index)
        if got is None:
            spans, lines = _codegen(self.module.body[index], self.module)
            first = self._starts[index]
            offset = self.line_starts[first - 1] if first - 1 < len(self.line_starts) else -1
            if offset < 0 or not _text_at(self.source, offset, lines.code):
                return None
            got = self._generated[index] = (spans, lines, first - 1)
        return got


def _text_at(source: str, offset: int, code: str) -> bool:
    """``code`` is the text of ``source`` at ``offset`` (its final newline added by LibCST to a
    file without one aside)."""
    if source.startswith(code, offset):
        return True
    rest = source[offset:]
    return code.startswith(rest) and code[len(rest):] in ("\n", "\r\n", "\r")


def line_starts(source: str) -> list[int]:
    """The offset in ``source`` of each of its lines' start."""
    return [0] + [m.end() for m in _NEWLINE.finditer(source)]


def statement_heads(tree) -> array:
    """``first line, line of its first token, last line`` of each top-level statement of an
    ``ast`` module, its decorators counted in the first line, one triple after the other: all
    the positions need of a tree that takes megabytes for a big file.

    One array, not a tuple per statement: made while the tree is alive, small objects would
    hold on to the memory pages the tree's objects shared with them once it is freed (7 MB
    more at the peak of the biggest bench file)."""
    heads = array("l")
    for stmt in tree.body:
        decorators = getattr(stmt, "decorator_list", None)
        heads.extend((decorators[0].lineno if decorators else stmt.lineno, stmt.lineno, stmt.end_lineno))
    return heads


def _statement_lines(module, source: str, heads) -> list[int] | None:
    """The first line of each of the module's top-level statements (its leading comment and
    blank lines included), from ``ast`` (``heads``: ``statement_heads`` of the text, when the
    caller has them); None when the text is one to regenerate whole."""
    if not module.body or _LONE_BACKSLASH.search(source) or source.count("\r") != source.count("\r\n"):
        return None
    if heads is None:
        tree = _ast_module(source)
        if tree is None:
            return None
        heads = statement_heads(tree)
    firsts: list[int] = []
    end = 0
    for first, line, last in zip(heads[0::3], heads[1::3], heads[2::3]):
        if firsts and line <= end:
            end = last  # `a = 1; b = 2`: one line, one LibCST statement
            continue
        firsts.append(first)
        end = last
    if len(firsts) != len(module.body):
        return None
    starts = []
    for line, stmt in zip(firsts, module.body):
        lead = len(stmt.leading_lines)
        decorators = getattr(stmt, "decorators", None)
        if decorators:
            lead += len(decorators[0].leading_lines)
        line -= lead
        if line < 1 or (starts and line <= starts[-1]):
            return None
        starts.append(line)
    return starts


def _ast_module(source: str):
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Python's SyntaxWarnings about the user's code
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
