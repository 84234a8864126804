"""KER211: a hidden layer whose constant kernel keeps it from learning: zeros under a relu (the
layer outputs 0 and gets no gradient), or a constant kernel feeding another constant kernel (its
units get the same gradient and stay copies of one another)."""

from __future__ import annotations

from collections import Counter
from functools import partial

import libcst as cst

from ..analysis.activations import LINEAR, is_activation_layer, layer_activation
from ..analysis.graph import functional_calls
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of, remove_arg
from ..ir import Const
from . import Rule

# Layers with one kernel shared by nothing else: every unit (column, filter) has its own weights.
_KERNEL_LAYERS = {
    "Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
}
_ZERO_NAMES = {"zeros", "zero"}
_ONE_NAMES = {"ones", "one"}
_CONSTANT_CLASSES = {
    "initializers.Zeros": 0.0, "initializers.zeros": 0.0, "tf.zeros_initializer": 0.0,
    "initializers.Ones": 1.0, "initializers.ones": 1.0, "tf.ones_initializer": 1.0,
    "initializers.Constant": None, "initializers.constant": None, "tf.constant_initializer": None,
}
# relu'(0) is 0 (TensorFlow, JAX and PyTorch alike): a unit whose input is always 0 learns nothing.
_FLAT_AT_ZERO = {"relu", "relu6"}
# Layers that keep identical units identical (the same function on each unit, no randomness):
# looked through to find the layer the units feed. Dropout is not one: its mask differs per unit.
_SYMMETRIC = {
    "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU", "Identity",
    "BatchNormalization", "LayerNormalization", "Flatten",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
}
# Layers that turn an all-zero input into zeros again: looked through to find the relu.
_KEEP_ZERO = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
              "BatchNormalization", "LayerNormalization", "Identity"}
# Layers after which a tensor is still the model's output (no weights of their own).
_NOT_A_LAYER_OF_ITS_OWN = _SYMMETRIC | _KEEP_ZERO | {"Reshape", "AlphaDropout", "GaussianDropout",
                                                      "GaussianNoise", "ActivityRegularization"}
_OUTPUT, _UNKNOWN = "output", "unknown"
_MAX_STEPS = 32


# -- what an initializer argument is ------------------------------------------------------------------
def _constant(file, sites, value, node):
    """The constant an initializer argument fills its weights with: a float, "?" for a constant
    not known, None when it is not a constant initializer (or not known at all). ``sites``:
    the file's resolved Keras calls by node."""
    if isinstance(value, Const) and isinstance(value.value, str):
        name = value.value.lower()
        return 0.0 if name in _ZERO_NAMES else 1.0 if name in _ONE_NAMES else None
    if isinstance(node, cst.Name):
        node = file.statements.sole_value(node.value)
    site = sites.get(id(node)) if isinstance(node, cst.Call) else None
    if site is None or site.ref.canonical not in _CONSTANT_CLASSES:
        return None
    fill = _CONSTANT_CLASSES[site.ref.canonical]
    if fill is not None:
        return fill
    return _fill_value(site)




def _fill_value(site):
    """``Constant(0.5)`` / ``Constant(value=0)``: the number, "?" when it is not a literal."""
    args = site.args
    if args is None:
        return "?"
    arg = args.get("value") or (args.extra_positional[0] if args.extra_positional else None)
    if arg is None:
        return 0.0  # Keras's default value
    v = arg.value.value if isinstance(arg.value, Const) else None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return "?"


def _kernel_fill(file, sites, layer):
    arg = layer.args.get("kernel_initializer")
    if arg is None or arg.written != "kernel_initializer":
        return None, None
    return _constant(file, sites, arg.value, arg.node.value), arg


def _bias_fill(file, sites, layer):
    """The constant of the layer's bias (0.0 with no bias), None when it is not constant."""
    use_bias = layer.args.value("use_bias")
    if isinstance(use_bias, Const) and use_bias.value is False:
        return 0.0
    if not (isinstance(use_bias, Const) and use_bias.value is True):
        return None
    arg = layer.args.get("bias_initializer")
    if arg is None:
        return 0.0 if not layer.args.has_star else None  # Keras's default: zeros
    return _constant(file, sites, arg.value, arg.node.value)


def _frozen_or_loaded(file, layer) -> bool:
    """Weights that training does not start from: loaded later, given, or not trained."""
    if any(mc.name in ("load_weights", "set_weights") for mc in file.ir.method_calls):
        return True
    if layer.args.get("weights") is not None or layer.trainable is False:
        return True
    trainable = layer.args.value("trainable")
    if isinstance(trainable, Const) and trainable.value is False:
        return True
    name = layer.args.value("name")
    return isinstance(name, Const) and isinstance(name.value, str) and "zero" in name.value.lower()


# -- where a layer's output goes ---------------------------------------------------------------------
def _placements(file):
    """(layer, a function giving the layers after it in order, then _OUTPUT or _UNKNOWN) for
    each layer of each model whose graph kerlint follows. What comes after is worked out only
    for the layers that need it: for every layer of a long model it would be quadratic."""
    for model in file.ir.models:
        if not model.has_graph:
            continue
        if model.style == "sequential":
            entries = model.entries
            for i, entry in enumerate(entries):
                if entry.conditional:
                    continue
                yield entry.layer, partial(_sequential_after, entries, i + 1)
            continue
        calls = functional_calls(model)
        uses = Counter(id(c.layer) for c in calls)
        for call in calls:
            if uses[id(call.layer)] == 1:
                yield call.layer, partial(_functional_after, model, calls, call)


def _sequential_after(entries, start: int):
    out = []
    for entry in entries[start:]:
        if entry.conditional:
            return out + [_UNKNOWN]
        out.append(entry.layer)
    return out + [_OUTPUT]


def _functional_after(model, calls, call):
    """The single chain of layers a call's output goes through, as far as it is one chain."""
    out = []
    for _ in range(_MAX_STEPS):
        if any(getattr(t, "producer", None) is call for t in model.outputs or ()):
            return out + [_OUTPUT]
        after = [c for c in calls if any(getattr(t, "producer", None) is call for t in c.inputs)]
        if len(after) != 1:
            return out + [_UNKNOWN]
        call = after[0]
        out.append(call.layer)
    return out + [_UNKNOWN]


def _skip(after, kinds):
    """The first item of ``after`` that is not a layer of ``kinds``."""
    for item in after:
        if isinstance(item, str) or item.kind not in kinds:
            return item
    return _UNKNOWN


def _hidden(after) -> bool:
    """Another layer with weights follows before the model's output."""
    return _skip(after, _NOT_A_LAYER_OF_ITS_OWN) != _OUTPUT


def _relu_after(after):
    """``after`` starts with a plain relu activation layer (through layers that keep zeros)."""
    item = _skip(after, _KEEP_ZERO)
    return not isinstance(item, str) and is_activation_layer(item) and layer_activation(item) in _FLAT_AT_ZERO


# -- the two faults -------------------------------------------------------------------------------
def _dead(file, sites, layer, fill, after) -> str | None:
    """Zeros in, zeros out, and a relu that passes no gradient at 0."""
    if fill != 0.0 or _bias_fill(file, sites, layer) != 0.0 or not _hidden(after):
        return None
    act = layer_activation(layer)
    if act in _FLAT_AT_ZERO:
        return act
    if act == LINEAR and _relu_after(after):
        return "relu"
    return None


def _lockstep(file, sites, layer, after):
    """The next layer with weights also has a constant kernel: the units stay identical."""
    if _bias_fill(file, sites, layer) is None:
        return None
    nxt = _skip(after, _SYMMETRIC)
    if isinstance(nxt, str) or nxt.kind not in _KERNEL_LAYERS:
        return None
    fill, _ = _kernel_fill(file, sites, nxt)
    return nxt if fill is not None else None


def _fix(layer, arg):
    call = layer.node
    if not isinstance(call, cst.Call) or not any(a is arg.node for a in call.args):
        return None
    return Fix(UNSAFE, "Remove kernel_initializer (Keras's default glorot_uniform draws each unit apart)",
               [NodeEdit(call, remove_arg(call, arg.node))])


def _shown(node) -> str:
    """The initializer as the message names it: ``Zeros()`` for ``tf.keras.initializers.Zeros()``
    (the argument is underlined anyway; the module path only makes the message longer)."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        node = node.with_changes(func=cst.Name(node.func.attr.value))
    return code_of(node)


def check(file):
    seen = set()
    sites = {id(site.node): site for site in file.ir.calls}
    for layer, layers_after in _placements(file):
        if layer.kind not in _KERNEL_LAYERS or id(layer) in seen:
            continue
        fill, arg = _kernel_fill(file, sites, layer)
        if fill is None or _frozen_or_loaded(file, layer):
            continue
        after = layers_after()
        shown = _shown(arg.node.value)
        act = _dead(file, sites, layer, fill, after)
        if act is not None:
            message = (f"kernel_initializer={shown} under {act}: every unit outputs 0 and gets no gradient, so "
                       "the layer never trains")
        else:
            nxt = _lockstep(file, sites, layer, after)
            if nxt is None:
                continue
            message = (f"kernel_initializer={shown} is constant, as is the next {nxt.kind}'s kernel: its units stay "
                       "identical through training")
        seen.add(id(layer))
        yield Diagnostic("KER211", message, arg.node, _fix(layer, arg))


RULE = Rule(
    code="KER211",
    explanation=(
        "Training can only tell the units of a layer apart if they start apart. With "
        "`kernel_initializer=\"zeros\"`, `\"ones\"` or `Constant(...)` every unit of a hidden "
        "layer starts with the same weights and computes the same output. kerlint reports the "
        "two cases where that never changes:\n\n"
        "- zeros under a relu (the layer's own activation, or a relu right after it): every "
        "unit outputs 0 for every input, and relu's gradient at 0 is 0, so neither the kernel "
        "nor the bias ever moves. The layer stays dead and the model behind it sees zeros "
        "(observed: the weights are still all 0 after training, accuracy at the majority "
        "share).\n"
        "- a constant kernel feeding a layer whose kernel is constant too: each unit's "
        "gradient is the same sum, so the units get the same update at every step and stay "
        "copies of one another (observed: all hidden columns identical after training). A "
        "hidden layer of 64 such units is one unit.\n\n"
        "A constant kernel followed by a randomly initialised layer is not reported: the "
        "next layer's random weights give each unit its own gradient. Zero-initialised "
        "output layers (a known trick) and layers whose weights are loaded or set later are "
        "not reported either. The fix removes the argument, so that Keras's default "
        "`glorot_uniform` draws each unit apart (unsafe: it changes the starting point)."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu", kernel_initializer="zeros"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

# A zero-initialised output layer: the model starts by predicting 0.5 for every sample.
model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1, activation="sigmoid", kernel_initializer="zeros"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fix_availability="always",
    fix_applicability=("unsafe",),
    check=check,
)
