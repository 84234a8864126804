"""KER103: softmax over a single unit, which is 1.0 whatever the input."""

from __future__ import annotations

import libcst as cst

from ..analysis.activations import layer_activation
from ..analysis.heads import activation_units
from ..catalog import shape_rules
from ..diagnostics import SAFE, Diagnostic, Fix
from ..fixes import quote_of, set_activation
from ..ir import Const
from ..shapes import int_or_none
from . import Rule


def _message(where: str) -> str:
    return f"softmax over {where} a single unit: the output is 1.0 for every input, whatever the weights"


def _channels_last(layer) -> bool:
    fmt = layer.args.value("data_format")
    return isinstance(fmt, Const) and fmt.value in (None, "channels_last")


def _own_units(layer) -> int | None:
    """Units of a Dense or filters of a channels-last convolution applying its own activation."""
    if layer.kind == "Dense":
        arg = layer.args.get("units")
    elif shape_rules.OUTPUT_LAYERS.get(layer.kind) == "filters" and _channels_last(layer):
        arg = layer.args.get("filters")
    else:
        return None
    return int_or_none(arg.value) if arg is not None else None


def _fix(layer):
    edit = set_activation(layer, "sigmoid", quote_of(layer.node))
    return Fix(SAFE, 'Use activation="sigmoid"', [edit]) if edit else None


def check(file):
    ir = file.ir
    # Any Dense/conv layer with its own softmax over one unit, wherever it is.
    for layer in ir.layers:
        if layer.activation_overridden or layer_activation(layer) != "softmax":
            continue
        if _own_units(layer) == 1 and isinstance(layer.node, cst.Call):
            yield Diagnostic("KER103", _message("the output of"), layer.node, _fix(layer))
    # A separate Activation("softmax") / Softmax() after a one-unit output layer.
    for model in ir.models:
        head = file.head(model)
        if head is None or head.activation != "softmax" or head.activation_layer is head.layer:
            continue
        if activation_units(head) == 1:
            layer = head.activation_layer
            yield Diagnostic("KER103", _message(f"the {head.layer.kind} output of"), layer.node, _fix(layer))


RULE = Rule(
    code="KER103",
    explanation=(
        "Softmax divides the exponential of each unit by the sum over all units. With one "
        "unit that is exp(x) / exp(x) = 1.0, whatever the input, so the model's output carries "
        "no information and its gradients are zero. On TensorFlow the loss may still fall while "
        "accuracy stays frozen at the share of the positive class; on JAX the loss does not "
        "move. Keras 3 warns only once the model first runs (`fit()` or `predict()`), not when "
        "it is built.\n\n"
        "A single yes/no output wants a sigmoid (with binary crossentropy); exclusive classes "
        "want one unit per class with softmax."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="softmax"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

# Two classes as a softmax over two units, with integer labels, is correct too.
model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(2, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
