"""KER220: Dropout directly before BatchNormalization (opt-in)."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import Diagnostic
from ..ir import Const
from . import Rule

# Inverted dropout: training zeroes a share of the values and scales the rest up, inference
# passes them through. GaussianDropout and AlphaDropout are left out (AlphaDropout keeps the
# mean and variance by design; the proof measures Dropout and SpatialDropout).
_DROPOUTS = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"}


def _active_dropout(layer) -> bool:
    """A Keras dropout layer that drops something: a rate that is not a literal 0."""
    if layer.kind not in _DROPOUTS or layer.instance is not None or layer.args.has_star:
        return False
    rate = layer.args.value("rate")
    return not (isinstance(rate, Const) and not rate.value)


def _learning_batchnorm(layer) -> bool:
    """A BatchNormalization that learns its moving statistics (a frozen one runs in inference
    mode during training too)."""
    return layer.kind == "BatchNormalization" and layer.instance is None and layer.trainable is not False


def _always_on(call) -> bool:
    """``Dropout(0.5)(x, training=True)``: Monte Carlo dropout, on at inference too."""
    node = call.node
    if not isinstance(node, cst.Call):
        return False
    return any(
        a.keyword is not None and a.keyword.value == "training" and isinstance(a.value, cst.Name)
        and a.value.value == "True"
        for a in node.args
    )


def _pairs(ir):
    """(dropout layer, node to report) for each dropout whose output a BatchNormalization takes."""
    for model in ir.models:
        if model.style != "sequential" or not model.has_graph:
            continue
        entries = model.entries
        for prev, cur in zip(entries, entries[1:]):
            if not prev.conditional and not cur.conditional:
                yield prev.layer, cur.layer, prev.layer.node
    for call in ir.layer_calls:
        if len(call.inputs) != 1:
            continue
        producer = getattr(call.inputs[0], "producer", None)
        if producer is not None and not _always_on(producer):
            yield producer.layer, call.layer, producer.node


def check(file):
    for dropout, norm, node in _pairs(file.ir):
        if node is None or not _active_dropout(dropout) or not _learning_batchnorm(norm):
            continue
        yield Diagnostic(
            "KER220",
            f"{dropout.kind} feeds BatchNormalization: its statistics, learned under dropout, mis-scale its "
            "inputs at inference",
            node,
        )


RULE = Rule(
    code="KER220",
    explanation=(
        "During training, `Dropout(rate)` zeroes a share of its inputs and scales the rest by "
        "`1 / (1 - rate)`, which makes its outputs vary more than its inputs; at inference it "
        "passes them through unchanged. A `BatchNormalization` right after it learns its moving "
        "mean and variance from the training-time values, then normalises the quieter inference "
        "values with them: its outputs at inference are smaller than the ones the next layers "
        "were trained on (the variance shift of Li et al., 2019; NeuraLint checks the same order). "
        "Measured on a small model with `Dropout(0.5)`: at inference the BatchNormalization "
        "receives about 0.44 of the variance it normalises for, against about 1.0 with the "
        "Dropout placed after it. The effect on accuracy is usually small, so the rule is off by "
        "default; enable it with `--extend-select KER220`. Put the Dropout after the "
        "BatchNormalization (or after the block's activation). Silent for Monte Carlo dropout "
        "(`Dropout(...)(x, training=True)`), a rate of 0 and a frozen BatchNormalization."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32,)),
    layers.Dense(128, activation="relu"),
    layers.Dropout(0.5),
    layers.BatchNormalization(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32,)),
    layers.Dense(128, activation="relu"),
    layers.BatchNormalization(),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="never",
    check=check,
)
