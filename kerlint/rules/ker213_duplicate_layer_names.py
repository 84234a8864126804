"""KER213: two layers of one model given the same explicit name."""

from __future__ import annotations

from ..analysis.graph import functional_calls
from ..diagnostics import Diagnostic
from ..ir import Const, Tensor
from . import Rule


def _written_name(args):
    """(name, the argument's value node) for a literal ``name=``, else None."""
    if args is None:
        return None
    arg = args.get("name")
    if arg is None or not isinstance(arg.value, Const) or not isinstance(arg.value.value, str):
        return None
    return arg.value.value, arg.node.value


def _model_args(ir, model):
    """The arguments of the call that made a model used as a layer (its ``name=``)."""
    for site in ir.calls:
        # One call site per run of the constructor: a builder run twice made two models there.
        if site.value is model:
            return site.args
    return None


def _layer_name(ir, layer):
    if layer.model is not None:
        return _written_name(_model_args(ir, layer.model))
    return _written_name(layer.args)


def _inputs(model):
    """The names of a model's ``Input`` tensors, which Keras counts among its layers."""
    for tensor in model.inputs or ():
        if isinstance(tensor, Tensor) and tensor.is_input:
            named = _written_name(tensor.args)
            if named is not None:
                yield named


def _members(ir, model):
    """(name, node) for each layer of the model that has a literal name, once per layer: a
    layer applied twice is one layer."""
    yield from _inputs(model)
    if model.style == "sequential":
        layers = [e.layer for e in model.entries if not e.conditional]
    else:
        # In the order the program made them, so that the later layer is the one reported.
        order = {id(layer): i for i, layer in enumerate(ir.layers)}
        layers = sorted((call.layer for call in functional_calls(model)), key=lambda layer: order.get(id(layer), -1))
    seen = set()
    for layer in layers:
        key = id(layer.model if layer.model is not None else layer)  # a model applied twice is one layer
        if key in seen:
            continue
        seen.add(key)
        named = _layer_name(ir, layer)
        if named is not None:
            yield named


def check(file):
    ir = file.ir
    reported = set()
    for model in ir.models:
        if model.style not in ("sequential", "functional") or not model.has_graph:
            continue
        by_name: dict = {}
        for name, node in _members(ir, model):
            by_name.setdefault(name, []).append(node)
        for name, nodes in by_name.items():
            for node in nodes[1:]:
                if id(node) in reported:
                    continue
                reported.add(id(node))
                yield Diagnostic(
                    "KER213",
                    f'{len(nodes)} layers of this model are named "{name}": Keras refuses the model, as layer '
                    "names must be unique",
                    node,
                )


RULE = Rule(
    code="KER213",
    explanation=(
        "Keras identifies the layers of a model by name, so the names must be unique within "
        "one model. A Sequential model raises when the second layer is added (\"All layers "
        "added to a Sequential model should have unique names. Name 'dense' is already the "
        "name of a layer in this model\"), a functional model when `keras.Model(...)` is "
        "called (\"The name \\\"conv\\\" is used 2 times in the model. All operation names "
        "should be unique\"); `keras.Input(name=...)` and a model used as a layer count too. "
        "This happens when a block is copied or built by a function that names its layers "
        "with a fixed string: give each layer its own name (e.g. with the block's index), or "
        "leave `name=` out and let Keras number them. Layers of a nested model do not clash "
        "with the outer model's, and a layer applied twice is one layer."
    ),
    bad="""\
import keras
from keras import layers


def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name="conv")(x)
    return layers.MaxPooling2D()(x)


inputs = keras.Input(shape=(32, 32, 3))
x = conv_block(inputs, 32)
x = conv_block(x, 64)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
""",
    good="""\
import keras
from keras import layers


def conv_block(x, filters, index):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv_{index}")(x)
    return layers.MaxPooling2D()(x)


inputs = keras.Input(shape=(32, 32, 3))
x = conv_block(inputs, 32, 1)
x = conv_block(x, 64, 2)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
""",
    fix_availability="never",
    check=check,
)
