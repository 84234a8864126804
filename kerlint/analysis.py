"""Questions rules ask of the IR: a model's shapes, its output head, its loss in effect.

Every answer is ``None`` when the code cannot be followed; rules then stay silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from . import shapes
from .catalog import get_catalog, legacy, shape_rules
from .ir import UNKNOWN, Compile, Const, KerasObject, KerasRef, Layer, Model, Seq, Tensor

PROBABILISTIC_LOSSES = {
    "categorical_crossentropy": "softmax",
    "sparse_categorical_crossentropy": "softmax",
    "categorical_focal_crossentropy": "softmax",
    "binary_crossentropy": "sigmoid",
    "binary_focal_crossentropy": "sigmoid",
}
CATEGORICAL_LOSSES = {"categorical_crossentropy", "sparse_categorical_crossentropy", "categorical_focal_crossentropy"}
BINARY_LOSSES = {"binary_crossentropy", "binary_focal_crossentropy"}
REGRESSION_LOSSES = {
    "mean_squared_error",
    "mean_absolute_error",
    "mean_squared_logarithmic_error",
    "mean_absolute_percentage_error",
    "huber",
    "log_cosh",
}
PROBABILITY_ACTIVATIONS = {"softmax", "sigmoid", "hard_sigmoid"}

# Layers that pass the output activation on unchanged (shape-neutral or regularising).
_PASS_THROUGH = {"Reshape", "Flatten", "Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise",
                 "ActivityRegularization", "BatchNormalization", "LayerNormalization", "Identity"}
LINEAR = "linear"


# -- activations ----------------------------------------------------------------------
def activation_name(value) -> str | None:
    """``"softmax"``, ``"linear"``, ... for an activation argument; None when unknown."""
    if isinstance(value, Const):
        if value.value is None:
            return LINEAR
        if isinstance(value.value, str):
            name = value.value.strip().lower()
            if name in ("linear", ""):
                return LINEAR
            if name in get_catalog().activations or name in legacy.ACTIVATION_ALIASES:
                return name
            return None
        return None
    if isinstance(value, KerasRef):
        c = value.canonical
        if c.startswith("activations."):
            name = c.split(".", 1)[1]
            return LINEAR if name == "linear" else name
        if c.startswith("tf."):
            return legacy.TF_ACTIVATIONS.get(c[3:])
        if c.startswith("ops."):
            name = c.split(".", 1)[1]
            return name if name in ("softmax", "sigmoid", "relu", "tanh", "log_softmax") else None
    return None


def layer_activation(layer: Layer) -> str | None:
    """The activation a layer applies to its output, or None when not known."""
    if not layer.known or layer.activation_overridden:
        return None
    if layer.kind == "Activation":
        return activation_name(layer.args.value("activation"))
    if layer.kind in legacy.ACTIVATION_LAYERS:
        return legacy.ACTIVATION_LAYERS[layer.kind]
    sig = layer.args.signature
    if sig is not None and sig.accepts("activation"):
        return activation_name(layer.args.value("activation"))
    return None


def is_activation_layer(layer: Layer) -> bool:
    return layer.kind == "Activation" or layer.kind in legacy.ACTIVATION_LAYERS


# -- the output head --------------------------------------------------------------------
@dataclass
class Head:
    """The layer whose units are the model's outputs, and the activation the loss sees."""

    layer: Layer  # the Dense/Conv that produces the outputs
    activation: str  # effective activation, e.g. "softmax", "linear"
    activation_layer: Layer  # the layer that applies it (the head itself, or an Activation)
    units: int | None
    units_expr: cst.BaseExpression | None  # the units argument as written
    after: list = field(default_factory=list)  # layers after the head layer, in order


def _head_from_chain(chain: list) -> Head | None:
    """``chain``: layers from the output backwards. Finds the head or gives up."""
    activation = None
    act_layer = None
    after = []
    for layer in chain:
        if not isinstance(layer, Layer) or not layer.known or layer.model is not None:
            return None
        if layer.activation_overridden:
            return None
        if is_activation_layer(layer):
            act = layer_activation(layer)
            if act is None:
                return None
            if activation is None:
                activation, act_layer = act, layer
            after.append(layer)
            continue
        if layer.kind in _PASS_THROUGH:
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
                activation, act_layer = own, layer
            units_expr = bound.node.value if bound is not None else None
            return Head(layer, activation, act_layer, units, units_expr, list(reversed(after)))
        return None
    return None


def output_head(model: Model) -> Head | None:
    if not model.has_graph:
        return None
    if model.style == "sequential":
        entries = model.entries
        if not entries:
            return None
        chain = []
        for entry in reversed(entries):
            if entry.conditional:
                return None
            chain.append(entry.layer)
            layer = entry.layer
            if layer.known and not is_activation_layer(layer) and layer.kind not in _PASS_THROUGH:
                break
        return _head_from_chain(chain)
    outputs = model.outputs
    if not outputs or len(outputs) != 1:
        return None
    chain = []
    tensor = outputs[0]
    for _ in range(64):
        if not isinstance(tensor, Tensor) or tensor.producer is None:
            return None
        lc = tensor.producer
        chain.append(lc.layer)
        layer = lc.layer
        if layer.known and not is_activation_layer(layer) and layer.kind not in _PASS_THROUGH:
            break
        if len(lc.inputs) != 1:
            return None
        tensor = lc.inputs[0]
    return _head_from_chain(chain)


# -- losses ---------------------------------------------------------------------------------
@dataclass
class LossInfo:
    name: str  # canonical loss function name, e.g. "categorical_crossentropy"
    from_logits: bool | None  # None when it cannot be known
    form: str  # "string" | "function" | "class"
    node: cst.CSTNode  # the loss expression
    obj: KerasObject | None = None


def _snake(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return s.lower()


def loss_info(value) -> LossInfo | None:
    cat = get_catalog()
    if isinstance(value, Const) and isinstance(value.value, str):
        name = value.value
        name = legacy.LOSS_STRING_ALIASES.get(name, name)
        if name is None:
            return None
        if name not in cat.loss_functions:
            snake = _snake(name)
            if snake in cat.loss_functions:
                name = snake
            else:
                return None
        return LossInfo(name, False, "string", value.node)
    if isinstance(value, KerasRef):
        c = value.canonical
        if c.startswith("losses."):
            name = c.split(".", 1)[1]
            if name in cat.loss_functions:
                return LossInfo(name, False, "function", value.node)
        if c.startswith("metrics."):
            name = c.split(".", 1)[1]
            if name in cat.loss_functions:
                return LossInfo(name, False, "function", value.node)
        return None
    if isinstance(value, KerasObject) and value.section == "losses":
        name = _snake(value.kind)
        if name not in cat.loss_functions:
            return None
        fl = value.args.value("from_logits")
        from_logits = fl.value if isinstance(fl, Const) and isinstance(fl.value, bool) else None
        return LossInfo(name, from_logits, "class", value.node, value)
    return None


def compile_loss(compile: Compile) -> LossInfo | None:
    arg = compile.args.get("loss")
    if arg is None:
        return None
    return loss_info(arg.value)


def compiles_in_effect(model: Model) -> list[Compile]:
    """Compiles that some ``fit()`` runs under; with no fit, the last compile."""
    if model.fits:
        seen = []
        for fit in model.fits:
            if fit.compile is not None and fit.compile not in seen:
                seen.append(fit.compile)
        return seen
    return model.compiles[-1:]


# -- shapes through a model -----------------------------------------------------------------
@dataclass
class ShapeStep:
    layer: Layer
    node: cst.CSTNode
    in_shape: tuple | None
    out_shape: tuple | None
    error: shapes.ShapeError | None = None


def sequential_steps(model: Model) -> list[ShapeStep]:
    """Input and output shape of each Sequential entry, as far as they are known."""
    if model._shape_cache is not None:
        return model._shape_cache
    steps: list[ShapeStep] = []
    shape = None
    if model.inputs and isinstance(model.inputs[0], Tensor):
        shape = model.inputs[0].shape
    elif model.build_shape is not None:
        shape = model.build_shape
    elif model.entries:
        shape = shapes.declared_input_shape(model.entries[0].layer)
    for i, entry in enumerate(model.entries):
        layer = entry.layer
        if i > 0 and shape is None:
            # A later layer's input_shape is ignored by Keras; nothing to restart from.
            pass
        if entry.conditional or not layer.known or layer.model is not None:
            steps.append(ShapeStep(layer, entry.node, shape, None))
            shape = None
            continue
        if shape is None:
            steps.append(ShapeStep(layer, entry.node, None, None))
            continue
        outs, err = shapes.infer(layer, [shape])
        out = outs[0] if outs and len(outs) == 1 else None
        steps.append(ShapeStep(layer, entry.node, shape, out, err))
        shape = out
    model._shape_cache = steps
    return steps


def functional_calls(ir, model: Model):
    """Layer calls reachable backwards from a functional model's outputs."""
    if not model.outputs:
        return []
    seen = set()
    out = []
    stack = list(model.outputs)
    while stack:
        t = stack.pop()
        if not isinstance(t, Tensor) or t.producer is None or id(t.producer) in seen:
            continue
        seen.add(id(t.producer))
        out.append(t.producer)
        stack.extend(t.producer.inputs)
    return out


def model_output_shape(model: Model):
    if model.style == "sequential":
        steps = sequential_steps(model)
        return steps[-1].out_shape if steps else None
    if model.outputs and len(model.outputs) == 1 and isinstance(model.outputs[0], Tensor):
        return model.outputs[0].shape
    return None


def is_unknown(value) -> bool:
    return value is UNKNOWN


def seq_items(value):
    return value.items if isinstance(value, Seq) else None


def layer_inputs(ir):
    """Every (layer, input shape) kerlint can follow: Sequential entries and layer calls."""
    for model in ir.models:
        if model.style == "sequential" and model.has_graph:
            for step in sequential_steps(model):
                yield step.layer, step.in_shape, step.error
    for lc in ir.layer_calls:
        if len(lc.in_shapes) == 1:
            yield lc.layer, lc.in_shapes[0], lc.error
        else:
            yield lc.layer, None, lc.error


def fit_is_validated(fit) -> bool:
    """True when ``fit()`` is given validation data (a split of 0 or ``None`` is none)."""
    for name in ("validation_data", "validation_split"):
        arg = fit.args.get(name)
        if arg is None:
            continue
        v = arg.value
        if isinstance(v, Const) and (v.value is None or v.value == 0):
            continue
        return True
    return False


def is_multiunit_sigmoid(head) -> bool:
    """A sigmoid head over several units (or over a class-count expression)."""
    from .rules.common import looks_like_class_count

    if head is None or head.activation not in ("sigmoid", "hard_sigmoid"):
        return False
    if head.units is not None:
        return head.units > 1
    return looks_like_class_count(head.units_expr)
