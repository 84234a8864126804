"""KER206: a conv/pooling chain that drives a spatial dimension to zero or below."""

from __future__ import annotations

import libcst as cst

from ..catalog import legacy
from ..diagnostics import Diagnostic
from ..shapes import fmt_shape, keras1_kernel
from . import Rule

# Calls that set the image data format of the whole program: the layers that do not give their
# own then follow it, and kerlint's shapes (channels last, Keras 3's default) may not hold.
_GLOBAL_FORMAT = {"backend.set_image_data_format", "config.set_image_data_format", "backend.set_image_dim_ordering"}
_CHANNELS_LAST = {"channels_last", "tf"}


def _channels_first_somewhere(ir) -> bool:
    """The file sets a global image data format other than a literal channels_last."""
    for site in ir.calls:
        if site.ref.canonical not in _GLOBAL_FORMAT:
            continue
        args = site.node.args
        value = args[0].value if args and args[0].keyword is None else None
        if not (isinstance(value, cst.SimpleString) and value.evaluated_value in _CHANNELS_LAST):
            return True
    return False


def _keras1_spelled(layer) -> bool:
    """The layer is written with Keras 1 arguments, which Keras 3 rejects or misreads (KER406):
    its shapes are the converted call's."""
    if layer is None or not layer.known:
        return False
    table = set(legacy.KERAS1_ARGS["*"]) | set(legacy.KERAS1_ARGS.get(layer.kind, {}))
    return keras1_kernel(layer) is not None or any(ba.written in table for ba in layer.args.all() if ba.written)


def check(file):
    issues = list(file.shape_issues("collapse"))
    if not issues or _channels_first_somewhere(file.ir):
        return
    for issue in issues:
        shape = fmt_shape(issue.in_shape)
        if any(_keras1_spelled(layer) for layer in (issue.layer, *issue.producers)):
            harm = "the converted Keras 1 model raises ValueError when built"
        else:
            harm = "building the model raises ValueError"
        yield Diagnostic(
            "KER206",
            f"{issue.layer.kind} gets {shape}: an output size would be 0 or less, so {harm}",
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
        "negative\"). Use `padding=\"same\"`, fewer downsampling steps, or a larger input. "
        "Keras 1 code written for Theano's channels-first order collapses the same way: "
        "`Convolution2D(32, 3, 3, border_mode=\"valid\", input_shape=(1, 28, 28))` is read, once "
        "its Keras 1 arguments are converted (KER406), as an image of height 1 with 28 "
        "channels; give the input as `(28, 28, 1)` or set `data_format=\"channels_first\"`. "
        "A file that sets a global image data format (`keras.config.set_image_data_format`, "
        "Keras 1's `set_image_dim_ordering`) other than channels_last is not judged."
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
