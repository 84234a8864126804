"""kerlint's positions are LibCST's PositionProvider ranges, node for node."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kerlint.positions import Positions

from .conftest import FIXTURES

TRICKY = [
    "",
    "x = 1",  # no final newline
    "\n\n# only comments\n",
    "import keras\nmodel = keras.Sequential([\n    keras.layers.Dense(3),  # a comment\n])\n",
    "a = 1; b = 2  ;\nif a:\n\tpass\nelif b: c = 'é' + \"ü\"\n",
    "@decorator\n# comment\nclass A(B, metaclass=M):\n    '''doc'''\n\n    def f(self, *, x=1) -> int:\n"
    "        return (x +\n                1)\n",
    "x = [1,\n     2,\n     3]\ny = x \\\n    + 1\nz = f'{x!r:>10}' 'b'\n",
    "async def f():\n    async with a as b:\n        await c\n    return [i async for i in d]\n",
    "match p:\n    case {'k': [1, *rest]} if rest:\n        pass\n    case _:\n        pass\n",
]


def _same(source: str) -> None:
    module = cst.parse_module(source)
    want = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    mine = Positions(module)
    assert want, "the module has nodes"
    for node, r in want.items():
        assert mine.range(node) == (r.start.line, r.start.column, r.end.line, r.end.column), (
            type(node).__name__, cst.Module([]).code_for_node(node)[:40])


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("source", TRICKY, ids=range(len(TRICKY)))
def test_tricky_sources(source, newline):
    _same(source.replace("\n", newline))


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture(path):
    source = path.read_text(encoding="utf-8")
    _same(source)
    _same(source.replace("\n", "\r\n"))


def test_a_node_from_another_tree_has_no_range():
    module = cst.parse_module("x = 1\n")
    other = cst.parse_expression("y")
    assert Positions(module).range(other) is None
