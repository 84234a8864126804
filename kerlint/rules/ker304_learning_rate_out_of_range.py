"""KER304: a literal learning rate far outside the range an optimizer trains with."""

from __future__ import annotations

from ..analysis import graph
from ..analysis.activations import LINEAR, layer_activation
from ..diagnostics import Diagnostic
from ..ir import Const
from . import Rule

_RECURRENT = {"LSTM", "GRU", "SimpleRNN", "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"}

# Adaptive optimizers scale each step to about the learning rate itself.
ADAPTIVE = {"Adam", "AdamW", "RMSprop", "Nadam", "Adamax", "Adagrad"}
HIGH = {**{name: 0.1 for name in ADAPTIVE}, "SGD": 1.0}
LOW = 1e-6


def learning_rate(obj):
    """The optimizer's learning_rate argument and its number, or (None, None)."""
    arg = obj.args.get("learning_rate")
    if arg is None:
        return None, None
    v = arg.value
    if not isinstance(v, Const) or isinstance(v.value, bool) or not isinstance(v.value, (int, float)):
        return arg, None
    return arg, v.value


def _trained_models(ir, obj) -> list:
    """The models a compile() of the file trains with this optimizer object."""
    return [m for m in ir.models for c in m.compiles
            if (arg := c.args.get("optimizer")) is not None and arg.value is obj]


def _hidden_nonlinearity(file, model) -> bool:
    """A layer before the output applies an activation that is not linear (relu, tanh, a
    recurrent layer...): the model is more than one linear map or a logistic regression."""
    if not model.has_graph:
        return False
    head = file.head(model)
    if head is None:
        return False
    if model.style == "sequential":
        layers = [e.layer for e in model.entries]
    else:
        layers = [call.layer for call in graph.functional_calls(model)]
    output = {id(head.layer), *(id(layer) for layer in head.after)}
    for layer in layers:
        if id(layer) in output or not layer.known:
            continue
        if layer.kind in _RECURRENT:
            return True
        act = layer_activation(layer)
        if act is not None and act != LINEAR:
            return True
    return False


def _fine_tuning(ir) -> bool:
    """A pretrained base in the file, or layers frozen: small rates are what fine-tuning uses."""
    return (any(layer.trainable is False for layer in ir.layers)
            or any(m.trainable is False or m.origin == "application" for m in ir.models))


def check(file):
    ir = file.ir
    for obj in ir.objects:
        if obj.section != "optimizers":
            continue
        arg, lr = learning_rate(obj)
        if lr is None:
            continue
        models = _trained_models(ir, obj)
        deep = any(_hidden_nonlinearity(file, m) for m in models)
        adaptive = obj.kind in ADAPTIVE
        if (adaptive and lr >= 1.0) or (obj.kind in HIGH and lr >= HIGH[obj.kind] and deep):
            usual = "1e-3" if adaptive else "1e-2 to 1e-1"
            message = (
                f"learning rate {lr:g} is far above {obj.kind}'s usual {usual}: the loss can jump or turn "
                "NaN, or the model collapse to one class"
            )
        elif lr <= LOW and not _fine_tuning(ir):
            message = f"learning rate {lr:g} is so small that {obj.kind} barely moves the weights: the loss stays almost flat"
        else:
            continue
        yield Diagnostic("KER304", message, arg.node.value)


RULE = Rule(
    code="KER304",
    explanation=(
        "Adaptive optimizers (Adam, AdamW, RMSprop, Nadam, Adamax, Adagrad) move each weight by "
        "about the learning rate per step, so they train around 1e-3. At 0.1 the loss jumps "
        "back up during training; a little higher they diverge or collapse to a constant "
        "prediction (a small MLP under Adam predicts one class at 1.0). Plain SGD tolerates "
        "more but not 1.0 and above. The 0.1 bound (and SGD's 1.0) is judged only on a model "
        "kerlint sees with a non-linear hidden layer: one linear map or a logistic regression "
        "trains fine with Adam(0.1), as in the TensorFlow regression tutorial. At 1e-6 or below "
        "any optimizer barely moves and the loss stays flat, except when fine-tuning a frozen or "
        "pretrained base, where tiny rates are the point. Only literal numbers are checked: "
        "schedules and variables are left alone."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1),
              loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
              loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="never",
    check=check,
)
