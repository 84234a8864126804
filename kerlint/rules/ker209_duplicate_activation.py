"""KER209: an activation layer repeating the activation the previous layer already applies."""

from __future__ import annotations

from ..analysis.activations import layer_activation, repeats_activation
from ..diagnostics import SAFE, Diagnostic, Fix
from ..fixes import remove, remove_call
from . import Rule

# f(f(x)) == f(x): the repeated layer does nothing.
_IDEMPOTENT = {"relu", "relu6"}
# Where the values end up after the activation is applied twice.
_TWICE = {
    "sigmoid": "in [0.5, 0.73]",
    "softmax": "nearly uniform",
    "tanh": "in [-0.76, 0.76]",
    "hard_sigmoid": "in [0.5, 0.67]",
}


def _pairs(ir):
    """(previous layer, activation layer, SeqEntry or None, LayerCall or None, model)."""
    for model in ir.models:
        if model.style != "sequential" or not model.has_graph:
            continue
        entries = model.entries
        for prev, cur in zip(entries, entries[1:]):
            if not prev.conditional and not cur.conditional:
                yield prev.layer, cur.layer, cur, None, model
    for call in ir.layer_calls:
        if len(call.inputs) == 1 and call.inputs[0].producer is not None:
            yield call.inputs[0].producer.layer, call.layer, None, call, None


def _at_output(ir, entry, call, model) -> bool:
    if entry is not None:
        return model.entries[-1] is entry
    return any(
        getattr(t, "producer", None) is call for m in ir.models for t in (m.outputs or ())
    )


def check(file):
    ir = file.ir
    for prev, layer, entry, call, model in _pairs(ir):
        if not repeats_activation(prev, layer):
            continue
        act = layer_activation(layer)
        label = f'Activation("{act}")' if layer.kind == "Activation" else f"{layer.kind}()"
        if act in _IDEMPOTENT:
            message = f"{label} repeats the {act} of the {prev.kind} before it: {act}({act}(x)) = {act}(x), so it does nothing"
        else:
            message = f"{label} applies {act} a second time after {prev.kind}: the values end up {_TWICE.get(act, 'in a narrower range')}"
            if _at_output(ir, entry, call, model):
                message += ", out of reach of the labels"
            else:
                message += ", which shrinks the gradients"
        edits = remove(file, model, entry) if entry is not None else remove_call(file, call)
        yield Diagnostic(
            "KER209",
            message,
            layer.node if entry is not None else call.node,
            Fix(SAFE, f"Remove the repeated {label}", edits) if edits else None,
        )


RULE = Rule(
    code="KER209",
    explanation=(
        "`Dense(64, activation=\"relu\")` already applies the ReLU; an `Activation(\"relu\")` "
        "after it does nothing. With other activations the repeat is harmful: a sigmoid of "
        "a sigmoid lies in [0.5, 0.73] and a softmax of probabilities is nearly uniform, so "
        "an output layer written this way stops learning (accuracy freezes at the share of "
        "the majority class). The fix removes the repeated layer."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(64, activation="relu"),
    layers.Activation("relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

# The activation as its own layer is fine when the layer before it has none,
# e.g. to normalise between the Dense and its activation.
model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(64, use_bias=False),
    layers.BatchNormalization(),
    layers.Activation("relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="always",
    fix_applicability=("safe",),
    check=check,
)
