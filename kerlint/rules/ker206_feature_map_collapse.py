"""KER206: a conv/pooling chain that drives a spatial dimension to zero or below."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..shapes import fmt_shape
from . import Rule


def check(file):
    for issue in file.shape_issues("collapse"):
        yield Diagnostic(
            "KER206",
            f"{issue.layer.kind} receives {fmt_shape(issue.in_shape)}, too small for its kernel, "
            "pool size, cropping or strides: an output dimension would be zero or negative, "
            "so Keras raises a ValueError when the model is built; use padding=\"same\", a "
            "smaller kernel or stride, fewer downsampling layers, or a larger input",
            issue.node,
        )


RULE = Rule(
    code="KER206",
    explanation=(
        "Every `padding=\"valid\"` convolution shrinks each spatial axis by `kernel_size - 1` "
        "(times the dilation), and every pooling or strided layer divides it. On a known input "
        "size the chain can run out of pixels or steps: a 28x28 image after three "
        "`Conv2D(3)` + `MaxPooling2D(2)` blocks is 1x1, and a fourth block has nothing left. "
        "Keras raises when the model is built (\"Computed output size would be zero or "
        "negative\"). Use `padding=\"same\"`, fewer downsampling steps, or a larger input."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(32, 3, activation="relu"),
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
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(32, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="never",
    check=check,
)
