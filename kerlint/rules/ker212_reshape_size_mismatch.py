"""KER212: a Reshape whose target holds a different number of values than its input."""

from __future__ import annotations

import math

from ..diagnostics import Diagnostic
from ..shapes import const, fmt_shape
from . import Rule


def _target(layer):
    """The literal target shape as a tuple of positive ints, or None (unknown, or a -1 that
    takes the rest: Keras works that entry out)."""
    target = const(layer.args.value("target_shape"))
    if not isinstance(target, tuple) or not target:
        return None
    if not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in target):
        return None
    return target


def _known(shape) -> bool:
    """Every per-sample dimension is a fixed size (not variable, not unknown)."""
    return shape is not None and len(shape) >= 2 and all(
        isinstance(d, int) and not isinstance(d, bool) for d in shape[1:])


def check(file):
    seen = set()
    for layer, shape, _ in file.layer_inputs:
        if layer.kind != "Reshape" or not _known(shape):
            continue
        target = _target(layer)
        if target is None:
            continue
        key = (id(layer.node), shape)
        if key in seen:
            continue
        seen.add(key)
        have, want = math.prod(shape[1:]), math.prod(target)
        if have == want:
            continue
        arg = layer.args.get("target_shape")
        yield Diagnostic(
            "KER212",
            f"Reshape to {fmt_shape(target)} needs {want} values per sample but its input "
            f"{fmt_shape(shape)} has {have}: building the model raises",
            arg.node.value if arg is not None else layer.node,
        )


RULE = Rule(
    code="KER212",
    explanation=(
        "`Reshape(target_shape)` rearranges the values of each sample; it cannot add or drop "
        "any. When the input's per-sample size is known and the target's product differs, "
        "Keras raises \"The total size of the tensor must be unchanged. Received: "
        "input_shape=(784,), target_shape=(28, 28, 3)\" when the model is built: at once "
        "with an `Input`, but only at the first `fit()` or `predict()` for a Sequential model "
        "without one, after the data has loaded. Usually the channel count or one side of the "
        "image is wrong. A `-1` entry lets Keras compute that dimension; kerlint does not "
        "judge targets that use one, or inputs whose size is not known."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Reshape((28, 28, 3)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Reshape((28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="never",
    check=check,
)
