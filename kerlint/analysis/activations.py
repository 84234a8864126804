"""What activation a layer applies, as the loss and the next layer see it."""

from __future__ import annotations

import libcst as cst

from ..catalog import get_catalog, legacy
from ..ir import Const, KerasRef, Layer

LINEAR = "linear"
PROBABILITY_ACTIVATIONS = {"softmax", "sigmoid", "hard_sigmoid"}


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
    if isinstance(value, KerasRef):
        return legacy.function_activation(value.canonical)
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


def is_identity(layer: Layer) -> bool:
    """``Lambda(lambda x: x)``: a layer that passes its input through unchanged (a cast, a name)."""
    if layer.kind != "Lambda":
        return False
    arg = layer.args.get("function")
    fn = arg.node.value if arg is not None else None
    if not isinstance(fn, cst.Lambda) or len(fn.params.params) != 1 or fn.params.star_arg is not None:
        return False
    return isinstance(fn.body, cst.Name) and fn.body.value == fn.params.params[0].name.value


def is_activation_layer(layer: Layer) -> bool:
    return layer.kind == "Activation" or layer.kind in legacy.ACTIVATION_LAYERS


def _plain(layer: Layer) -> bool:
    """An activation layer with no settings of its own (``ReLU()`` but not ``ReLU(6.0)``)."""
    if layer.kind == "Activation":
        return not layer.args.has_star
    return not (layer.args.by_name or layer.args.extra_positional or layer.args.has_star)


def repeats_activation(prev: Layer, layer: Layer) -> bool:
    """``layer`` is a plain activation layer applying the activation ``prev`` already applies."""
    if not (layer.known and prev.known and is_activation_layer(layer) and _plain(layer)):
        return False
    if is_activation_layer(prev) and not _plain(prev):
        return False
    act = layer_activation(layer)
    if act is None or act == LINEAR or act == "prelu":
        return False
    return layer_activation(prev) == act
