"""The analysis layer: the statement index that replaced per-rule statement walks, and the
per-file memoising that lets every rule share one answer."""

from __future__ import annotations

import textwrap

import libcst as cst

from kerlint.analysis import FileAnalysis
from kerlint.analysis.source import StatementIndex
from kerlint.extract import extract
from kerlint.rules import all_rules


def _index(code: str) -> StatementIndex:
    return StatementIndex(cst.parse_module(textwrap.dedent(code)))


def _value(index, name, near=None):
    value = index.sole_value(name, near)
    return cst.Module([]).code_for_node(value) if value is not None else None


def _fit_call(module, function: str):
    """The ``model.fit(...)`` expression statement in ``function``."""
    for stmt in module.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == function:
            return next(s.body[0].value for s in stmt.body.body if isinstance(s.body[0], cst.Expr))
    raise AssertionError(function)


def test_a_name_bound_once_has_its_value_and_twice_none():
    index = _index("""\
        vocab = tokenizer.word_index
        a, b = 1, 2
        c = d = 3
        n = 1
        n += 1
        for i in range(3):
            pass
    """)
    assert _value(index, "vocab") == "tokenizer.word_index"
    assert (_value(index, "a"), _value(index, "b")) == ("1", "2")
    assert _value(index, "c") is None  # chained: not a plain value
    assert _value(index, "n") is None and _value(index, "i") is None
    assert _value(index, "missing") is None


def test_near_a_statement_only_its_function_counts():
    code = textwrap.dedent("""\
        y = make()

        def test_one():
            y = np.zeros((8, 10))
            model.fit(x, y)

        def test_two(y):
            model.fit(x, y)

        class Case:
            y = np.ones(3)
    """)
    index = StatementIndex(module := cst.parse_module(code))
    assert _value(index, "y") is None  # four bindings in the file
    assert _value(index, "y", near=_fit_call(module, "test_one")) == "np.zeros((8, 10))"
    assert _value(index, "y", near=_fit_call(module, "test_two")) is None  # a parameter
    assert _value(index, "y", near=cst.Name("elsewhere")) == "make()"  # module level


def test_indents_of_statements_and_expressions():
    code = textwrap.dedent("""\
        def build():
            if True:
                model = Sequential([
                    Dense(1),
                ])
                model.add(Dense(2))
            if x: model.add(Dense(3))
    """)
    index = StatementIndex(module := cst.parse_module(code))
    block = module.body[0].body.body[0].body
    assign, add = block.body
    assert index.statement_indent(assign) == index.statement_indent(add) == "        "
    assert index.indent_at(assign.body[0].value) == "        "  # the Sequential(...) call
    assert index.assignment_of(assign.body[0].value) is assign
    suite = module.body[0].body.body[1].body
    assert index.statement_indent(suite.body[0]) is None  # not a line of its own
    assert len(index.assigns) == 1


def test_every_rule_shares_one_head_and_one_shape_walk_per_model():
    ir = extract(cst.parse_module(textwrap.dedent("""\
        import keras
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
        model.compile(loss="categorical_crossentropy")
    """)))
    analysis = FileAnalysis(ir)
    model = ir.models[0]
    assert analysis.head(model) is analysis.head(model)
    assert analysis.steps(model) is analysis.steps(model)
    assert analysis.compiled_heads is analysis.compiled_heads
    [compiled] = analysis.compiled_heads
    head, loss = compiled.head, compiled.loss
    assert (head.activation, head.units, loss.name) == ("linear", 3, "categorical_crossentropy")
    assert analysis.output_units(model) == 3
    assert not analysis.keras2_pinned


def test_a_rule_asks_whether_the_source_mentions_a_name_before_walking_for_it():
    text = "import keras\nclass M(keras.Model):\n    def train_step(self, data):\n        return self.compiled_loss(data)\n"
    ir = extract(cst.parse_module(text))
    assert FileAnalysis(ir, text).mentions("compiled_loss")
    assert not FileAnalysis(ir, text).mentions("compiled_metrics")
    assert FileAnalysis(ir).mentions("compiled_metrics")  # no source at hand: it may
    rule = all_rules()["KER409"]
    assert [d.code for d in rule.check(FileAnalysis(ir, text))] == ["KER409"]
    assert [d.code for d in rule.check(FileAnalysis(ir))] == ["KER409"]
