"""KER221: a Dense or convolution bias that the BatchNormalization right after it cancels (opt-in)."""

from __future__ import annotations

import libcst as cst

from ..analysis.activations import LINEAR, layer_activation
from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import add_keyword
from ..ir import Const
from ..shapes import int_or_none
from . import Rule

# Layers that add one bias per output channel, on the last axis (channels_last) or axis 1.
_BIASED = {
    "Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D",
}
_SIZE = {"Dense": "units"}  # the argument that sets the number of biases; "filters" for the others


def _literal(layer, name):
    value = layer.args.value(name)
    return value.value if isinstance(value, Const) else value


def _bias_axis(layer) -> str | None:
    """Where the layer adds its bias: "last", "first" (axis 1, channels_first), None if unknown."""
    if layer.kind == "Dense":
        return "last"
    data_format = _literal(layer, "data_format")
    if data_format in (None, "channels_last"):  # None: the global default, channels_last
        return "last"
    return "first" if data_format == "channels_first" else None


def _biased_linear(layer) -> bool:
    """A Keras Dense/Conv layer with a bias and no activation of its own: the bias reaches the
    next layer as a plain per-channel offset."""
    if layer.kind not in _BIASED or layer.instance is not None or layer.args.has_star:
        return False
    if layer.trainable is False or _literal(layer, "use_bias") is not True:
        return False
    return layer_activation(layer) == LINEAR


def _normalizes_bias_axis(norm, axis: str, rank: int | None) -> bool:
    """A learning BatchNormalization whose per-channel mean is taken over the bias's axis, so
    that it subtracts the bias exactly."""
    if norm.kind != "BatchNormalization" or norm.instance is not None or norm.args.has_star:
        return False
    if norm.trainable is False:
        return False  # a frozen one normalises with fixed moving statistics
    value = _literal(norm, "axis")
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    if axis == "last":
        return value == -1 or (rank is not None and value == rank - 1)
    return value == 1 or (rank is not None and value == 1 - rank)


def _consumers(ir) -> dict:
    """id(layer call) -> how many layer calls take its output (a model output counts twice)."""
    count: dict = {}
    for call in ir.layer_calls:
        for t in call.inputs:
            producer = getattr(t, "producer", None)
            if producer is not None:
                count[id(producer)] = count.get(id(producer), 0) + 1
    for model in ir.models:
        for t in model.outputs or ():
            producer = getattr(t, "producer", None)
            if producer is not None:
                count[id(producer)] = count.get(id(producer), 0) + 2
    return count


def _uses(file):
    """(layer, the layer after it or None, output shape or None) for every place a layer is used:
    Sequential entries and functional calls. The next layer is None where the output goes
    anywhere but one BatchNormalization-shaped next step."""
    ir = file.ir
    for model in ir.models:
        if model.style != "sequential" or not model.has_graph:
            continue
        steps = file.steps(model)
        entries = model.entries
        for i, entry in enumerate(entries):
            after = entries[i + 1] if i + 1 < len(entries) else None
            ok = after is not None and not entry.conditional and not after.conditional
            yield entry.layer, after.layer if ok else None, steps[i].out_shape
    consumers = None
    takes: dict = {}
    for call in ir.layer_calls:
        if len(call.inputs) == 1 and getattr(call.inputs[0], "producer", None) is not None:
            takes.setdefault(id(call.inputs[0].producer), call)
    for call in ir.layer_calls:
        if consumers is None:
            consumers = _consumers(ir)
        nxt = takes.get(id(call))
        if consumers.get(id(call), 0) != 1:
            nxt = None  # the output is used elsewhere too, where the bias counts
        shape = call.out_shapes[0] if len(call.out_shapes) == 1 else None
        yield call.layer, nxt.layer if nxt is not None else None, shape


def _wasted(file) -> dict:
    """id(constructor node) -> [(layer, output shape)] for biased layers every use of which feeds
    a BatchNormalization that cancels the bias (a builder run twice makes two layers from one
    constructor: the fix changes both)."""
    verdict: dict = {}
    for layer, nxt, shape in _uses(file):
        node = layer.node
        if not isinstance(node, cst.Call) or layer.kind not in _BIASED:
            continue
        axis = _bias_axis(layer) if _biased_linear(layer) else None
        rank = len(shape) if shape else None
        cancelled = axis is not None and nxt is not None and _normalizes_bias_axis(nxt, axis, rank)
        key = id(node)
        if not cancelled:
            verdict[key] = None
        elif verdict.get(key, []) is not None:
            verdict.setdefault(key, []).append((layer, shape))
    return {k: v for k, v in verdict.items() if v is not None}


def _count(layer, shape) -> int | None:
    """How many bias weights the layer has: its output channels."""
    axis = _bias_axis(layer)
    if shape:
        n = shape[-1] if axis == "last" else shape[1] if len(shape) > 1 else None
        if isinstance(n, int):
            return n
    if layer.kind.startswith("Depthwise"):
        return None
    return int_or_none(layer.args.value(_SIZE.get(layer.kind, "filters")))


def _fix(layer) -> Fix | None:
    call = layer.node
    arg = layer.args.get("use_bias")
    if arg is not None:
        edit = NodeEdit(arg.node.value, "False")
    else:
        edit = NodeEdit(call, add_keyword(call, "use_bias", "False"))
    return Fix(SAFE, "Set use_bias=False", [edit])


def _weights(n: int | None) -> str:
    if n == 1:
        return "its bias has"
    return f"its {n} bias weights have" if n is not None else "its bias weights have"


def check(file):
    for uses in _wasted(file).values():
        layer = uses[0][0]
        counts = {_count(used, shape) for used, shape in uses}
        n = counts.pop() if len(counts) == 1 else None  # a builder run with several sizes: no number
        yield Diagnostic(
            "KER221",
            f"the next BatchNormalization cancels this {layer.kind}'s bias: {_weights(n)} no effect and no "
            "gradient",
            layer.node,
            _fix(layer),
        )


RULE = Rule(
    code="KER221",
    explanation=(
        "A `BatchNormalization` subtracts the batch mean of each channel and then adds its own "
        "learned offset (beta). A bias added just before it, per channel, by a `Dense` or "
        "convolution layer without an activation, is subtracted again with the mean: it changes "
        "nothing the model computes, its gradient is zero, and it stays at its initial zeros "
        "while taking memory and compute (measured: the gradient of the bias is about 1e-8 "
        "against about 0.1 for the kernel, and replacing the bias with random values leaves the "
        "training-mode outputs unchanged). Set `use_bias=False` on that layer. A small waste, not a fault: the rule is off by default; enable it with "
        "`--extend-select KER221`. Silent when the layer has an activation (the bias then acts "
        "before the non-linearity), when its output is used elsewhere too, when the "
        "BatchNormalization normalises another axis, and when either layer is frozen. The fix "
        "sets `use_bias=False`: the model computes the same function with fewer weights (a "
        "checkpoint saved with the bias no longer loads into it)."
    ),
    bad="""\
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(32, 3, padding="same")(inputs)
x = layers.BatchNormalization()(x)
x = layers.Activation("relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(32, 3, padding="same", use_bias=False)(inputs)
x = layers.BatchNormalization()(x)
x = layers.Activation("relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(32, 3, padding="same", use_bias=False)(inputs)
x = layers.BatchNormalization()(x)
x = layers.Activation("relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="always",
    fix_applicability=("safe",),
    check=check,
)
