"""Fast parses and walks of LibCST trees: ``parse_module`` is LibCST's without the per-node
validation, ``children(node)`` is ``node.children``, at a tenth of its cost.

LibCST's ``children`` runs the node's ``_visit_and_replace_children`` with a collecting
visitor, which also builds (and validates) a copy of the node: walking a module that way costs
more than parsing it. Here the fields a node class visits are learnt once, in the order it
visits them (by running that method once with a visitor that notes the field names), and a
node's children are read from those fields: the same nodes, in the same order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from operator import attrgetter

import libcst as cst
from libcst import CSTVisitor

_SENTINEL = cst.MaybeSentinel


def parse_module(source):
    """``libcst.parse_module(source)``, without validating each node the parser builds.

    Every LibCST node validates its fields when made (``CSTNode.__post_init__``), which is
    for trees built by hand: a parser's nodes are valid by construction, and their validation
    is an eighth of the parse's time. It is switched off for the parse alone."""
    validate = _NODE.__post_init__
    _NODE.__post_init__ = _made_by_the_parser
    try:
        return cst.parse_module(source)
    finally:
        _NODE.__post_init__ = validate


_NODE = cst.CSTNode


def _made_by_the_parser(node) -> None:
    pass
# node class -> (the fields it visits, in order; the fields it left unvisited because they
# were None on the node it was learnt from: a node with one of them set takes LibCST's path)
_FIELDS: dict[type, tuple] = {}
_CODE_FIELDS: dict[type, tuple] = {}  # the same, without the fields that hold only layout


class _FieldRecorder(CSTVisitor):
    """Notes the fields one node visits, and visits no deeper."""

    def __init__(self, node):
        self.node = node
        self.fields: list[str] = []

    def on_visit(self, node) -> bool:
        return False

    def on_visit_attribute(self, node, attribute: str) -> None:
        if node is self.node and attribute not in self.fields:
            self.fields.append(attribute)

    def on_leave_attribute(self, original_node, attribute: str) -> None:
        pass


# Fields that hold only layout: whitespace, comments, brackets, commas, dots, colons, `=`,
# operator tokens and `async`. No code is below them (tests/test_tree.py checks this on every
# node of the fixtures).
_LAYOUT_FIELDS = frozenset({
    "asynchronous", "colon", "comma", "comment", "dot", "empty_lines", "equal", "first_colon",
    "first_line", "footer", "header", "last_line", "lbrace", "lbracket", "leading_lines",
    "lines_after_decorators", "lpar", "newline", "operator", "rbrace", "rbracket", "relative",
    "rpar", "second_colon", "semicolon", "separator", "trailing_whitespace",
})


def _is_layout(field: str) -> bool:
    return field in _LAYOUT_FIELDS or field.startswith(("whitespace", "leading_whitespace"))


def _learn(cls, node) -> tuple:
    recorder = _FieldRecorder(node)
    node._visit_and_replace_children(recorder)
    visited = tuple(recorder.fields)
    skipped = tuple(f.name for f in dataclasses.fields(node)
                    if f.name not in visited and getattr(node, f.name) is None)
    learnt = _FIELDS[cls] = (_getter(visited), skipped)
    _CODE_FIELDS[cls] = (_getter(tuple(f for f in visited if not _is_layout(f))),
                         tuple(f for f in skipped if not _is_layout(f)))
    return learnt


def _getter(fields: tuple):
    if not fields:
        return _NO_FIELDS
    if len(fields) == 1:
        one = attrgetter(fields[0])
        return lambda n: (one(n),)
    return attrgetter(*fields)


def _NO_FIELDS(node) -> tuple:
    return ()


def children(node) -> list:
    """The node's immediate child nodes, as ``node.children`` lists them."""
    learnt = _FIELDS.get(node.__class__)
    if learnt is None:
        learnt = _learn(node.__class__, node)
    values, skipped = learnt
    if skipped and any(getattr(node, name) is not None for name in skipped):
        return list(node.children)  # a field visited only when set (an f-string's format spec)
    return _nodes_in(values(node))


def code_children(node) -> list:
    """The node's children without the nodes of its layout (whitespace, comments, brackets,
    commas, operator tokens): a third of them, and all that holds code."""
    learnt = _CODE_FIELDS.get(node.__class__)
    if learnt is None:
        _learn(node.__class__, node)
        learnt = _CODE_FIELDS[node.__class__]
    values, skipped = learnt
    if skipped and any(getattr(node, name) is not None for name in skipped):
        return [c for c in node.children if not isinstance(c, LAYOUT_NODES)]
    return _nodes_in(values(node))


def _nodes_in(values) -> list:
    """The nodes held by a node's field values: sequences flattened, absent fields left out."""
    out = []
    for value in values:
        kind = value.__class__
        if kind is tuple or kind is list:
            out.extend(value)
        elif value is not None and kind is not _SENTINEL:  # an absent optional field
            out.append(value)
    return out


def kinds(*classes: type) -> frozenset:
    """The node classes that are one of ``classes`` or derive from one: ``node.__class__ in
    kinds(...)`` answers as ``isinstance(node, classes)`` does.

    LibCST's node classes are ABCs, and ``isinstance`` on an ABC runs ``ABCMeta``'s Python
    code whenever the answer is not the node's own class: in the walks and the interpreter,
    which ask of every node what it is, that was a tenth of their time."""
    found = set()
    pending = list(classes)
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.add(cls)
            pending.extend(cls.__subclasses__())
    return frozenset(found)


# Every expression node class; and the parts of a compound statement that hold a block of
# their own (``elif``, ``else``, ``except``, ``finally``, a ``case``).
EXPRESSION_NODES = kinds(cst.BaseExpression)
BLOCK_PARTS = kinds(cst.If, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)

# The node classes layout fields hold.
LAYOUT_NODES = (
    cst.BaseParenthesizableWhitespace, cst.TrailingWhitespace, cst.Newline, cst.EmptyLine, cst.Comment,
    cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace,
    cst.RightCurlyBrace, cst.Comma, cst.Dot, cst.Semicolon, cst.Colon, cst.AssignEqual, cst.BaseBinaryOp,
    cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp, cst.Asynchronous,
)


def code_walk(node) -> Iterator:
    """``walk`` without layout nodes: the node and every node of code below it."""
    return walk(node, code_children)


def names_in(node) -> set:
    """The identifiers written at or below ``node`` (the values of its ``Name`` nodes)."""
    return {n.value for n in code_walk(node) if n.__class__ is cst.Name}


def visit(node, visitor) -> None:
    """``node.visit(visitor)`` for a visitor that only looks (a ``CSTVisitor``): its
    ``visit_<Node>`` and ``leave_<Node>`` methods called in the same order, without LibCST's
    copy of the tree, and never for layout nodes."""
    stack = [(node, False)]
    pop, push = stack.pop, stack.append
    while stack:
        n, leaving = pop()
        if leaving:
            visitor.on_leave(n)
            continue
        push((n, True))  # left even when its children are not visited, as LibCST does
        if visitor.on_visit(n):
            stack.extend((c, False) for c in reversed(code_children(n)))


def walk(node, children_of=children) -> Iterator:
    """The node and every node below it, depth first (each node before its children, the
    children in reverse order: the order of a stack popped from ``children_of``)."""
    stack = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        n = pop()
        yield n
        extend(children_of(n))
