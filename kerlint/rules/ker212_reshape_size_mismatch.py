"""KER212: a Reshape whose target holds a different number of values than its input."""

from __future__ import annotations

import math

from ..diagnostics import Diagnostic
from ..shapes import const, fmt_shape
from . import Rule


def _target(layer):
    """The literal target shape as a tuple of positive ints, one of which may be -1 (Keras
    works that entry out from the rest), or None."""
    target = const(layer.args.value("target_shape"))
    if not isinstance(target, tuple) or not target:
        return None
    if not all(isinstance(d, int) and not isinstance(d, bool) and (d > 0 or d == -1) for d in target):
        return None
    return target if target.count(-1) <= 1 else None


def _message(target, shape, have: int) -> str | None:
    """What goes wrong with this reshape of ``have`` values per sample, or None when it fits."""
    want = math.prod(d for d in target if d != -1)
    if -1 in target:
        if have % want == 0:
            return None
        return (f"Reshape to {fmt_shape(target)} cannot split the {have} values of {fmt_shape(shape)} "
                f"into groups of {want}: building the model raises")
    if have == want:
        return None
    return (f"Reshape to {fmt_shape(target)} needs {want} values per sample but its input "
            f"{fmt_shape(shape)} has {have}: building the model raises")


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
        message = _message(target, shape, math.prod(shape[1:]))
        if message is None:
            continue
        arg = layer.args.get("target_shape")
        yield Diagnostic("KER212", message, arg.node.value if arg is not None else layer.node)


RULE = Rule(
    code="KER212",
    explanation=(
        "`Reshape(target_shape)` rearranges the values of each sample; it cannot add or drop "
        "any. When the input's per-sample size is known and the target's product differs, "
        "Keras raises \"The total size of the tensor must be unchanged. Received: "
        "input_shape=(784,), target_shape=(28, 28, 3)\" when the model is built: at once "
        "with an `Input`, but only at the first `fit()` or `predict()` for a Sequential model "
        "without one, after the data has loaded. Usually the channel count or one side of the "
        "image is wrong. A `-1` entry lets Keras compute that dimension from the others, which "
        "fails the same way when they do not divide the input's size. Inputs whose size is not "
        "known are not judged."
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
