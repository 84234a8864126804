"""``interp.tree.children`` is LibCST's ``node.children``: the same nodes, in the same order.
``code_children`` is the same without the layout nodes, and only those."""

from __future__ import annotations

import libcst as cst
import pytest

from kerlint.interp.tree import (
    LAYOUT_NODES, children, code_children, code_walk, kinds, names_in, parse_module, visit, walk,
)

from .conftest import FIXTURES

ODD = [
    "x = f'{a!r:>{width}}' f'{b=}' f'{c}'\n",  # a format spec: a field visited only when set
    "from . import (a, b as c)\nfrom x import *\nimport a.b as d\n",
    "async def f[T](x: T, /, *a, k=1, **kw) -> T:\n    async for i in y:\n        yield i\n    await z\n",
    "match p:\n    case [1, *rest] | {'k': _} if rest:\n        pass\n    case C(a=1):\n        pass\n",
    "try:\n    pass\nexcept* ValueError as e:\n    raise X from e\nelse:\n    pass\nfinally:\n    del a[0], b.c\n",
    "lambda a, *, b=1: (yield)\nglobal g\nx: int = 1\ny @= 2\nassert x, 'm'\nwhile 0:\n    break\nwith a as (b, c): pass\n",
]


def _same_everywhere(module) -> int:
    count = 0
    for node in walk(module):
        want = node.children
        got = children(node)
        assert len(got) == len(want) and all(a is b for a, b in zip(got, want)), type(node).__name__
        code = [c for c in want if not isinstance(c, LAYOUT_NODES)]
        got = code_children(node)
        assert len(got) == len(code) and all(a is b for a, b in zip(got, code)), type(node).__name__
        count += 1
    return count


@pytest.mark.parametrize("source", ODD, ids=range(len(ODD)))
def test_odd_syntax(source):
    assert _same_everywhere(cst.parse_module(source)) > 10


def test_every_fixture():
    assert sum(_same_everywhere(cst.parse_module(p.read_text(encoding="utf-8")))
               for p in sorted(FIXTURES.rglob("*.py"))) > 100_000


def test_walk_visits_each_node_once():
    module = cst.parse_module(ODD[1])
    nodes = list(walk(module))
    assert nodes[0] is module and len({id(n) for n in nodes}) == len(nodes)


def test_code_walk_leaves_out_layout_only():
    module = cst.parse_module("f(a, b=(1 + 2))  # note\n")
    kinds = [type(n).__name__ for n in code_walk(module)]
    # Depth first, the children of a node in reverse order (a stack); no whitespace, comma,
    # parenthesis, `=`, `+` or comment.
    assert kinds == ["Module", "SimpleStatementLine", "Expr", "Call", "Arg", "BinaryOperation", "Integer",
                     "Integer", "Name", "Arg", "Name", "Name"]


class _Recorder(cst.CSTVisitor):
    """Notes every visit and leave of code nodes; does not enter lambdas (a visit that says no)."""

    def __init__(self):
        self.events = []

    def on_visit(self, node) -> bool:
        self.events.append(("visit", id(node)))
        return super().on_visit(node)

    def on_leave(self, original_node) -> None:
        self.events.append(("leave", id(original_node)))
        super().on_leave(original_node)

    def visit_Lambda(self, node) -> bool:
        return False


@pytest.mark.parametrize("source", ODD, ids=range(len(ODD)))
def test_visit_calls_a_visitor_as_libcst_does(source):
    module = cst.parse_module(source)
    theirs, ours = _Recorder(), _Recorder()
    module.visit(theirs)
    visit(module, ours)
    layout = {id(n) for n in walk(module) if isinstance(n, LAYOUT_NODES)}
    assert ours.events == [e for e in theirs.events if e[1] not in layout]
    assert len(ours.events) > 20


@pytest.mark.parametrize("source", ODD, ids=range(len(ODD)))
def test_parse_module_is_libcsts_parse(source):
    ours, theirs = parse_module(source), cst.parse_module(source)
    assert ours.deep_equals(theirs) and ours.code == source


def test_nodes_made_by_hand_are_still_validated():
    parse_module("x = 1\n")
    with pytest.raises(cst.ParserSyntaxError):
        parse_module("x = = 1\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")  # after a parse, and after a failed one


def test_names_in_gives_every_identifier_below_a_node():
    statement = cst.parse_statement("y = model.predict(x[i:i + 1], batch_size=n)\n")
    assert names_in(statement) == {"y", "model", "predict", "x", "i", "batch_size", "n"}
    assert names_in(statement.body[0].value.args[0]) == {"x", "i"}


def test_kinds_answer_as_isinstance_does():
    """``node.__class__ in kinds(...)`` for the abstract and concrete classes kerlint asks about."""
    asked = [
        (cst.BaseExpression,), (cst.BaseSuite,), (cst.SimpleStatementLine, cst.BaseCompoundStatement),
        (cst.IndentedBlock, cst.Match), (cst.Arg, cst.Element, cst.DictElement, cst.ComparisonTarget),
        (cst.If, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase),
    ]
    nodes = [n for source in ODD for n in walk(cst.parse_module(source))]
    for classes in asked:
        found = kinds(*classes)
        assert [n.__class__ in found for n in nodes] == [isinstance(n, classes) for n in nodes], classes
        assert any(n.__class__ in found for n in nodes), classes
