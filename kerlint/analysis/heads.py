"""A model's output head: the layer whose units are the outputs, the activation the loss
sees, and how many units that activation normalises over."""

from __future__ import annotations

import re
from dataclasses import field

import libcst as cst

from ..data import FACTORY, record
from .. import shapes
from ..catalog import get_catalog, shape_rules
from ..ir import Const, Layer, Model, Tensor
from .activations import LINEAR, PROBABILITY_ACTIVATIONS, is_activation_layer, is_identity, layer_activation

# Layers that pass the output activation on unchanged (shape-neutral or regularising).
_PASS_THROUGH = {"Reshape", "Flatten", "Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise",
                 "ActivityRegularization", "BatchNormalization", "LayerNormalization", "Identity"}
# Layers after the head that may change the last axis when their input rank is not known.
_RESHAPING = {"Flatten", "Reshape"}
_CLASS_COUNT = re.compile(r"(class|label|categor|target|output|n_?out|num_?out)", re.I)
# Deeper than any real chain of activation and pass-through layers after a head.
_MAX_CHAIN = 64


@record
class Head:
    """The layer whose units are the model's outputs, and the activation the loss sees."""

    layer: Layer  # the Dense/Conv that produces the outputs
    activation: str  # effective activation, e.g. "softmax", "linear"
    activation_layer: Layer  # the layer that applies it (the head itself, or an Activation)
    units: int | None
    units_expr: cst.BaseExpression | None  # the units argument as written
    after: list = field(default_factory=list)  # layers after the head layer, in order

    def __init__(self, layer, activation, activation_layer, units, units_expr, after=FACTORY):
        self.layer = layer
        self.activation = activation
        self.activation_layer = activation_layer
        self.units = units
        self.units_expr = units_expr
        self.after = [] if after is FACTORY else after


def _ends_chain(layer: Layer) -> bool:
    return (layer.known and not is_activation_layer(layer) and layer.kind not in _PASS_THROUGH
            and not is_identity(layer) and not _global_pool(layer))


def _global_pool(layer: Layer) -> bool:
    return layer.known and get_catalog().layer_family(layer.kind)[0] == "global_pool"


def _pool_keeps(layer: Layer, activation: str | None) -> bool:
    """Whether a global pooling layer between the head and the output keeps the activation the
    loss sees. It keeps the channels as the last axis (all-convolutional classifiers end
    ``Conv2D(10, 1)`` -> ``GlobalAveragePooling2D()`` -> softmax). An activation after the pool
    (``activation`` already found) is the output's; one before it survives an average of
    probabilities (still probabilities), not a maximum (softmax scores would no longer sum to 1),
    and only with the channels last (the head's activation then normalises the channels)."""
    if activation is not None:
        return True
    if not layer.kind.startswith("GlobalAverage"):
        return False
    data_format = layer.args.value("data_format")
    return not (isinstance(data_format, Const) and data_format.value == "channels_first")


def _head_from_chain(chain: list) -> Head | None:
    """``chain``: layers from the output backwards. Finds the head or gives up."""
    activation = None
    act_layer = None
    after = []
    pooled = False  # a global pooling layer comes after the head's own activation
    for layer in chain:
        if not isinstance(layer, Layer) or not layer.known or layer.model is not None:
            return None
        if layer.activation_overridden:
            return None
        if is_activation_layer(layer):
            act = layer_activation(layer)
            if act is None:
                return None
            if activation is None and act != LINEAR:
                activation, act_layer = act, layer
            after.append(layer)
            continue
        if layer.kind in _PASS_THROUGH or is_identity(layer):
            after.append(layer)
            continue
        if _global_pool(layer):
            if not _pool_keeps(layer, activation):
                return None
            pooled = pooled or activation is None
            after.append(layer)
            continue
        if layer.kind in ("Dense", "EinsumDense") or shape_rules.OUTPUT_LAYERS.get(layer.kind) == "filters":
            own = layer_activation(layer)
            if own is None:
                return None
            units_arg = "units" if layer.kind == "Dense" else "filters"
            bound = layer.args.get(units_arg)
            units = shapes.int_or_none(bound.value) if bound is not None else None
            if activation is None:
                if pooled and own not in PROBABILITY_ACTIVATIONS:
                    return None  # averaged logits or relu: where the activation belongs is unclear
                activation, act_layer = own, layer
            units_expr = bound.node.value if bound is not None else None
            return Head(layer, activation, act_layer, units, units_expr, list(reversed(after)))
        return None
    return None


def _sequential_chain(model: Model) -> list | None:
    chain = []
    for entry in reversed(model.entries):
        if entry.conditional:
            return None
        chain.append(entry.layer)
        if _ends_chain(entry.layer):
            break
    return chain


def _functional_chain(model: Model) -> list | None:
    outputs = model.outputs
    if not outputs or len(outputs) != 1:
        return None
    return _tensor_chain(outputs[0])


def _tensor_chain(tensor) -> list | None:
    chain = []
    for _ in range(_MAX_CHAIN):
        if not isinstance(tensor, Tensor) or tensor.producer is None:
            return None
        call = tensor.producer
        chain.append(call.layer)
        if _ends_chain(call.layer):
            break
        if len(call.inputs) != 1:
            return None
        tensor = call.inputs[0]
    return chain


def output_head(model: Model) -> Head | None:
    if not model.has_graph:
        return None
    if model.style == "sequential":
        if not model.entries:
            return None
        chain = _sequential_chain(model)
    else:
        chain = _functional_chain(model)
    return _head_from_chain(chain) if chain is not None else None


def tensor_head(tensor: Tensor) -> Head | None:
    """The head of one output tensor of a functional graph."""
    chain = _tensor_chain(tensor)
    return _head_from_chain(chain) if chain is not None else None


def layer_name(tensor) -> str | None:
    """The ``name=`` of the layer that makes a tensor (the output's name in Keras), if written."""
    producer = getattr(tensor, "producer", None)
    if producer is None:
        return None
    name = producer.layer.args.value("name")
    return name.value if isinstance(name, Const) and isinstance(name.value, str) else None


def last_axis(shape) -> int | None:
    """The size of the last axis of a model output shape (batch included), when known."""
    if shape is None or len(shape) < 2:
        return None
    d = shape[-1]
    return d if isinstance(d, int) and not isinstance(d, bool) else None


def output_units(output_shape, head: Head | None) -> int | None:
    """Size of the last axis of the model output (what the loss sees), or None."""
    axis = last_axis(output_shape)
    if axis is not None:
        return axis
    if head is None or any(layer.kind in _RESHAPING for layer in head.after):
        return None
    return head.units


def activation_units(head: Head | None, output_axis: int | None = None) -> int | None:
    """Size of the axis the output activation normalises over, or None.

    ``output_axis``, the last axis of the model's output when known, stands in for a
    last-layer activation's size when the head's own size is not known.
    """
    if head is None:
        return None
    act = head.activation_layer
    if act.kind == "Softmax":
        axis = act.args.value("axis")
        if not (isinstance(axis, Const) and axis.value == -1):
            return None
    last = (head.after[-1] if head.after else head.layer) is act
    if act is not head.layer:
        index = next((i for i, layer in enumerate(head.after) if layer is act), None)
        if index is None or any(layer.kind in _RESHAPING for layer in head.after[:index]):
            return output_axis if last else None
    if head.units is None and last:
        return output_axis
    return head.units


def looks_like_class_count(node: cst.CSTNode | None) -> bool:
    """``num_classes``, ``len(label_to_idx)``, ``y.shape[1]``: units that count classes."""
    if node is None:
        return False
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "len":
        return True
    code = cst.Module([]).code_for_node(node)
    return bool(_CLASS_COUNT.search(code)) or ".shape[" in code


def is_multiunit_sigmoid(head: Head | None) -> bool:
    """A sigmoid head over several units (or over a class-count expression)."""
    if head is None or head.activation not in ("sigmoid", "hard_sigmoid"):
        return False
    if head.units is not None:
        return head.units > 1
    return looks_like_class_count(head.units_expr)
