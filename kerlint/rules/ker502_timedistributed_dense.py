"""KER502: ``TimeDistributed(Dense(...))``: Dense already maps the last axis (opt-in)."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from . import Rule


def check(file):
    ir = file.ir
    for layer in ir.layers:
        if layer.kind != "TimeDistributed" or layer.inner is None or layer.inner.kind != "Dense":
            continue
        call = layer.node
        fix = None
        if isinstance(call, cst.Call) and len(call.args) == 1 and not call.args[0].star and call.args[0].keyword is None:
            # Only the wrapped layer is passed: nothing (name=, input_shape=) would be lost.
            fix = Fix(SAFE, "Unwrap to the Dense layer", [NodeEdit(call, call.args[0].value)])
        yield Diagnostic(
            "KER502",
            "TimeDistributed(Dense(...)) computes what Dense(...) alone does: Dense already maps the "
            "last axis of any rank",
            call,
            fix,
        )


RULE = Rule(
    code="KER502",
    explanation=(
        "`Dense` multiplies the last axis of its input by its kernel, whatever the rank, so "
        "on a `(batch, steps, features)` tensor `Dense(n)` already gives `(batch, steps, n)` "
        "with one shared kernel, exactly what `TimeDistributed(Dense(n))` computes. The "
        "wrapper is a habit from Keras 1, where Dense required rank-2 inputs. The code is "
        "correct, so the rule is off by default (opt-in). The fix unwraps the layer when the "
        "wrapper has no arguments of its own."
    ),
    bad="""\
import keras
from keras import layers

inputs = keras.Input(shape=(None, 32))
x = layers.LSTM(64, return_sequences=True)(inputs)
outputs = layers.TimeDistributed(layers.Dense(8, activation="softmax"))(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""",
    good="""\
import keras
from keras import layers

inputs = keras.Input(shape=(None, 32))
x = layers.LSTM(64, return_sequences=True)(inputs)
outputs = layers.Dense(8, activation="softmax")(x)  # Dense applies to the last axis at each step
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""",
    fixed="""\
import keras
from keras import layers

inputs = keras.Input(shape=(None, 32))
x = layers.LSTM(64, return_sequences=True)(inputs)
outputs = layers.Dense(8, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
    )
