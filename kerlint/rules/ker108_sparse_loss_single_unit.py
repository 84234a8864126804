"""KER108: sparse categorical crossentropy over a one-unit output."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from . import Rule


def check(file):
    for compiled in file.compiled_heads:
        model, _, compile, loss = compiled.parts
        if loss.name != "sparse_categorical_crossentropy" or file.output_units(model, compiled.output) != 1:
            continue
        yield Diagnostic(
            "KER108",
            f"{compiled.label}sparse_categorical_crossentropy over a one-unit output: labels 1 and above "
            "are out of range",
            compiled.loss_node,
            about=(compiled.head.layer.node,) if compiled.head is not None else (),
        )


RULE = Rule(
    code="KER108",
    explanation=(
        "Sparse categorical crossentropy takes integer labels that index the output units. "
        "A one-unit output has a single valid index, 0: every label of 1 or more is out of "
        "range. TensorFlow raises an `InvalidArgumentError` inside `fit()`, after the "
        "data has been loaded and the model built.\n\n"
        "Which fix is right depends on the task: one unit per class with softmax for several "
        "classes, or binary crossentropy with a sigmoid output for two. kerlint does not "
        "guess."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fix_availability="never",
    check=check,
)
