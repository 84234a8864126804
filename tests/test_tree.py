"""``interp.tree.children`` is LibCST's ``node.children``: the same nodes, in the same order."""

from __future__ import annotations

import libcst as cst
import pytest

from kerlint.interp.tree import children, walk

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
