"""The structured fixes of the KER2 rules, applied to the source they came from."""

from __future__ import annotations

import textwrap

import libcst as cst

from kerlint.fix import apply_edits
from kerlint.lint import lint_source
from kerlint.rules import all_rules


def fixed(source: str, code: str, index: int = 0) -> tuple[str, str]:
    """Apply the fix of the ``index``-th ``code`` diagnostic; check it parses and silences it."""
    source = textwrap.dedent(source)
    result = lint_source(source, "t.py", sorted(all_rules()))
    reports = [r for r in result.reports if r.code == code]
    assert len(reports) > index, result.reports
    fix = reports[index].fix
    assert fix is not None, reports[index]
    out = apply_edits(source, fix.edits)
    cst.parse_module(out)
    again = lint_source(out, "t.py", [code])
    assert len([r for r in again.reports if r.code == code]) == len(reports) - 1, again.reports
    return out, fix.applicability


def no_fix(source: str, code: str):
    result = lint_source(textwrap.dedent(source), "t.py", sorted(all_rules()))
    reports = [r for r in result.reports if r.code == code]
    assert reports and all(r.fix is None for r in reports), result.reports


# -- KER202 ----------------------------------------------------------------------------------
def test_ker202_sets_return_sequences_on_the_previous_rnn():
    out, applicability = fixed(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input(shape=(50, 8)),
            layers.LSTM(64, dropout=0.1),  # encoder
            layers.LSTM(32),
        ])
        """,
        "KER202",
    )
    assert applicability == "safe"
    assert "    layers.LSTM(64, dropout=0.1, return_sequences=True),  # encoder\n" in out


def test_ker202_replaces_an_explicit_false_inside_bidirectional():
    out, _ = fixed(
        """\
        from keras.models import Sequential
        from keras.layers import LSTM, Bidirectional, Dense
        model = Sequential()
        model.add(Bidirectional(LSTM(100, return_sequences=False), input_shape=(30, 4)))
        model.add(LSTM(50))
        """,
        "KER202",
    )
    assert "model.add(Bidirectional(LSTM(100, return_sequences=True), input_shape=(30, 4)))\n" in out


def test_ker202_functional_stacked_rnn():
    out, _ = fixed(
        """\
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(None, 16))
        x = tf.keras.layers.GRU(32)(inputs)
        x = tf.keras.layers.GRU(16)(x)
        """,
        "KER202",
    )
    assert "x = tf.keras.layers.GRU(32, return_sequences=True)(inputs)\n" in out


def test_ker202_no_fix_when_the_rank_comes_from_dense():
    no_fix(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(8), keras.layers.LSTM(4)])
        """,
        "KER202",
    )
