"""KER205: ``input_shape=(None, 28, 28, 1)``: the batch axis written into a per-sample shape."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import remove_element
from ..shapes import batch_axis_in_input_shape, per_sample_rank
from . import Rule


def _first_layers(ir):
    """The first layer of each Sequential model that takes its input shape from it."""
    for model in ir.models:
        if model.style != "sequential" or model.inputs or model.build_shape is not None or not model.entries:
            continue
        entry = model.entries[0]
        if entry.conditional or not entry.layer.known:
            continue
        yield entry.layer


def check(file):
    for layer in _first_layers(file.ir):
        candidates = [layer] + ([layer.inner] if layer.inner is not None else [])
        for candidate in candidates:
            if not batch_axis_in_input_shape(candidate):
                continue
            arg = candidate.args.get("input_shape")
            value = arg.node.value
            takes = per_sample_rank(candidate)
            fix = None
            if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) >= 2:
                fix = Fix(SAFE, "Drop the leading None (the batch axis)", [
                    NodeEdit(value, remove_element(value, value.elements[0]))
                ])
            yield Diagnostic(
                "KER205",
                f"input_shape has {takes + 1} entries but {candidate.kind} takes {takes} per sample: the "
                "leading None adds an axis and building the model raises",
                value,
                fix,
            )


RULE = Rule(
    code="KER205",
    explanation=(
        "`input_shape=` (and `keras.Input(shape=...)`) describes one sample: Keras adds the "
        "batch axis itself. Writing `input_shape=(None, 28, 28, 1)` for a `Conv2D`, copied "
        "from a printed `model.input_shape` or `x.shape`, adds a fifth axis: Keras builds "
        "the model for rank-5 inputs and the Conv2D raises a ValueError when the model is "
        "built. Drop the leading `None`; when a fixed batch size is meant, give it to "
        "`keras.Input(shape=..., batch_size=n)` (or `batch_shape=`): Keras 3 rejects the "
        "layers' `batch_input_shape=` (KER408)."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    layers.Conv2D(32, 3, activation="relu", input_shape=(None, 28, 28, 1)),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),  # per sample: Keras adds the batch axis itself
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
