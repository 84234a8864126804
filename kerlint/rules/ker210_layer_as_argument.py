"""KER210: a layer instance passed where a number or a tensor is expected."""

from __future__ import annotations


from ..diagnostics import Diagnostic
from ..ir import Layer, Model, Seq
from . import Rule

# Parameters that take a layer (or any callable, which a layer is).
_TAKES_LAYER = {"layer", "backward_layer", "cell", "cells", "activation", "recurrent_activation", "function"}


def _describe(value) -> str:
    if isinstance(value, Model):
        return "a model"
    return f"a {value.kind} layer" if value.kind else "a layer"


def _items(value, node):
    """(value, node) for a value passed as a tensor: itself, or the items of a list display."""
    if isinstance(value, Seq):
        elements = getattr(node, "elements", None)
        if elements is not None and len(elements) == len(value.items):
            for item, el in zip(value.items, elements):
                yield item, el.value
        return
    yield value, node


def check(file):
    ir = file.ir
    # Arguments of layer constructors.
    for layer in ir.layers:
        if not layer.known or layer.kind == "Lambda":
            continue
        for arg in layer.args.all():
            if arg.name in _TAKES_LAYER or not isinstance(arg.value, (Layer, Model)):
                continue
            if isinstance(arg.value, Model) and arg.value.style == "opaque":
                continue  # loaded or built elsewhere: kerlint may have misread the value
            shown = arg.written or arg.name
            where = f"`{shown}`" if not arg.name.startswith("#") else "a positional argument"
            yield Diagnostic(
                "KER210",
                f"{_describe(arg.value)} is passed as {where} of {layer.kind}, which takes a value, not a "
                "layer: Keras raises on creation or first call",
                arg.node.value,
            )
    # Layers called on a layer.
    for call in ir.layer_calls:
        raw = call.raw_input
        if raw is None or not call.node.args:
            continue
        for value, node in _items(raw, call.node.args[0].value):
            if isinstance(value, (Layer, Model)):
                yield _not_called(value, node, f"an input of {call.layer.kind or 'a layer'}")
    # Models built from layers instead of tensors.
    for site in ir.calls:
        if site.ref.canonical != "models.Model" or site.args is None:
            continue
        for name in ("inputs", "outputs"):
            arg = site.args.get(name)
            if arg is None:
                continue
            for value, node in _items(arg.value, arg.node.value):
                if isinstance(value, Layer) and value.model is None:
                    yield _not_called(value, node, f"the model's {name}")


def _not_called(value, node, where):
    return Diagnostic(
        "KER210",
        f"{_describe(value)} is given as {where} but was never called on a tensor: Keras raises a "
        "ValueError on this line",
        node,
    )


RULE = Rule(
    code="KER210",
    explanation=(
        "A layer object is not a tensor and not a number. `SpatialDropout1D(Dropout(0.2))` "
        "passes a layer as the rate (Keras raises a TypeError comparing it with 0), and in "
        "the functional API `x = Dense(64)` without `(x)` leaves a layer that was never "
        "applied: the next `Dense(10)(x)` or `Model(inputs, x)` raises a ValueError. "
        "Layers are chained by calling them on tensors (`Dense(10)(x)`), or listed in a "
        "`Sequential` model; a model given where a tensor is expected needs its `.output`, or a "
        "call on a tensor."
    ),
    bad="""\
import keras
from keras import layers

inputs = keras.Input(shape=(784,))
x = layers.Dense(64, activation="relu")
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
""",
    good="""\
import keras
from keras import layers

inputs = keras.Input(shape=(784,))
x = layers.Dense(64, activation="relu")(inputs)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
""",
    fix_availability="never",
    check=check,
)
