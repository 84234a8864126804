"""kerlint's positions are LibCST's PositionProvider ranges, node for node: those of the whole
module's codegen (``Positions``) and those of the statements that hold the nodes asked about
(``StatementPositions``, what lint uses)."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kerlint.positions import Positions, StatementPositions

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
    # Comments and blank lines before statements and decorators, between decorators, in a
    # block's footer, in the module's header and footer.
    "#!/usr/bin/env python\n# header\n\nimport keras\n\n\n# about f\n@dec  # trailing\n\n# between\n@other(1,\n"
    "       2)\ndef f():\n    return 1\n    # footer of f\n\n# before x\nx = f()\n# module footer\n",
    # Multi-line strings, a docstring, a string holding what looks like statements.
    '"""Module doc.\n\nx = 1\n"""\nTEXT = """\nimport os\n@not_a_decorator\n"""\ny = (\n    "a"\n    "b"\n)\n',
    # Tabs, non-ASCII identifiers and strings, a continuation line, statements on one line.
    "if True:\n\tcouche = 'modèle'\n\tdonnées = [couche,\n\t\t'é']\nz = 1 + \\\n    2\na = 1; b = 2; \\\n  c = 3\n",
    "class Modèle:\n    def __init__(self, ñ=1):\n        self.ñ = ñ  # ü\n\n\nm = Modèle(ñ=2)\n",
    "x = 1  # no final newline after a comment",
    "@ dec\ndef f(): pass\n@ \\\ndec\ndef g(): pass\n",
    "x = 1\n\\\ny = 2\n",  # a line holding only a backslash: LibCST drops it
    "\ufeffx = 1\n",  # a BOM left in the text: LibCST drops it
]


def _same(source: str) -> None:
    module = cst.parse_module(source)
    want = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert want, "the module has nodes"
    for mine in (Positions(module), StatementPositions(module, source)):
        for node, r in want.items():
            assert mine.range(node) == (r.start.line, r.start.column, r.end.line, r.end.column), (
                type(mine).__name__, type(node).__name__, cst.Module([]).code_for_node(node)[:40])


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


def test_statement_positions_agree_asked_in_any_order():
    """Asked first about a node of the first statement, then of the last, then of a statement
    between, with nodes of another tree in between: the same ranges as the whole module's."""
    source = TRICKY[9] + TRICKY[3] + TRICKY[5]
    module = cst.parse_module(source)
    want = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = list(want)
    other = cst.parse_module(source)
    mine = StatementPositions(module, source)
    for node in [nodes[len(nodes) // 3], nodes[-1], *other.body, nodes[len(nodes) // 2], *nodes]:
        r = want.get(node)
        assert mine.range(node) == (None if r is None else (r.start.line, r.start.column, r.end.line, r.end.column))


def test_statement_positions_regenerate_only_the_statement_asked_about():
    source = "import keras\n\n# the model\nmodel = keras.Sequential([\n    keras.layers.Dense(3),\n])\n" \
             "x = 1\n\n\n@decorated\n# comment\ndef f():\n    pass\nmodel.compile(loss='mse')\n"
    for text in (source, source.replace("\n", "\r\n")):
        module = cst.parse_module(text)
        call = module.body[-1].body[0].value
        mine = StatementPositions(module, text)
        assert mine.range(call) == (14, 0, 14, 25)
        assert mine.range(module.body[1].body[0].value.args[0]) == (4, 25, 6, 1)
        assert mine._full is None and sorted(mine._generated) == [1, 4]
        assert mine.first_difference(text) is None


def test_a_node_inside_a_function_regenerates_only_its_own_statement():
    """A call in a function body: its line alone is regenerated (with its block's indentation),
    not the function. A line written twice in the function cannot be placed that way: the
    function is regenerated, and the ranges are still PositionProvider's."""
    source = ("import keras\n\n\ndef train(model, x, y):\n    # fit it\n    if x is not None:\n"
              "          model.fit(x, y)\n    model.fit(x, y)\n    model.fit(x, y)\n    return model\n")
    for text in (source, source.replace("\n", "\r\n")):
        module = cst.parse_module(text)
        want = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        body = module.body[1].body.body
        once = body[0].body.body[0].body[0].value  # model.fit(x, y) under the if, indented by 6 more
        twice = body[1].body[0].value
        mine = StatementPositions(module, text)
        for node in (once, twice):
            r = want[node]
            assert mine.range(node) == (r.start.line, r.start.column, r.end.line, r.end.column)
        assert mine.range(once) == (7, 10, 7, 25)
        assert mine._nested[id(body[0].body.body[0])] is not None  # placed on its own
        assert mine._nested[id(body[1])] is None  # twice in the function: not placed on its own
        assert sorted(mine._generated) == [1]  # so the function was regenerated, for it alone


def test_a_line_written_twice_is_placed_through_the_statement_holding_it():
    """The repeated line cannot be placed alone; the ``if`` holding it occurs once in the
    function: it is regenerated instead of the whole function."""
    source = ("import keras\n\n\ndef train(model, x, y):\n    if x is not None:\n"
              "        model.fit(x, y)\n        model.fit(x, y)\n    return model\n")
    for text in (source, source.replace("\n", "\r\n")):
        module = cst.parse_module(text)
        want = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        branch = module.body[1].body.body[0]
        second = branch.body.body[1]
        mine = StatementPositions(module, text)
        for node in (second.body[0].value, second.body[0].value.args[1]):
            r = want[node]
            assert mine.range(node) == (r.start.line, r.start.column, r.end.line, r.end.column)
        assert mine.range(second.body[0].value) == (7, 8, 7, 23)
        assert mine._nested[id(second)] is None  # twice in the if: not placed on its own
        assert mine._nested[id(branch)] is not None  # the if is, once in the function
        assert mine._generated == {}  # and the function was not regenerated


def test_a_text_libcst_does_not_give_back_is_regenerated_whole():
    source = "import keras\nx = 1\n\\\nmodel.compile(loss='mse')\n"
    module = cst.parse_module(source)
    mine = StatementPositions(module, source)
    assert mine._full is not None
    assert mine.first_difference(source) == 3


def _reported_nodes(monkeypatch):
    """Record every node lint asks the positions of, with its module and the answer."""
    import kerlint.lint as lint

    asked = []
    real = lint._Positions.range

    def range_(self, node):
        r = real(self, node)
        if not isinstance(self.pos, StatementPositions):
            return r
        asked.append((self.pos.module, node, r))
        return r

    monkeypatch.setattr(lint._Positions, "range", range_)
    return asked


def _check_asked(asked) -> int:
    resolved = {}
    for module, node, r in asked:
        if id(module) not in resolved:
            resolved[id(module)] = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        want = resolved[id(module)].get(node)
        assert r == (None if want is None else (want.start.line, want.start.column, want.end.line, want.end.column))
    return len(asked)


def _fixture_texts():
    for path in sorted(FIXTURES.rglob("*.py")):
        yield str(path.relative_to(FIXTURES)), path.read_text(encoding="utf-8")


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_reported_node_of_every_fixture(monkeypatch, newline):
    """Lint as the command line does (the ast of the nesting guard serving the statement
    lines), every rule on: each node a report, fix or anchor asks about is where
    PositionProvider puts it."""
    from kerlint.lint import lint_source
    from kerlint.rules import all_rules

    asked = _reported_nodes(monkeypatch)
    select = sorted(all_rules())
    for name, text in _fixture_texts():
        lint_source(text.replace("\n", newline), name, select)
    assert _check_asked(asked) > 500


def test_every_reported_node_of_notebooks(monkeypatch, tmp_path):
    """The fixtures as notebooks: each statement of a fixture in its own cell, with a markdown
    cell and a magic between."""
    import json

    from kerlint.rules import all_rules
    from kerlint.source import read_file

    asked = _reported_nodes(monkeypatch)
    select = sorted(all_rules())
    for i, (name, text) in enumerate(_fixture_texts()):
        module = cst.parse_module(text)
        cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# " + name]},
                 {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                  "source": ["%matplotlib inline"]}]
        for stmt in module.body:
            cells.append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                          "source": module.code_for_node(stmt).splitlines(keepends=True)})
        path = tmp_path / f"n{i}.ipynb"
        path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
        read_file(path, path.name).lint(select)
    assert _check_asked(asked) > 500
