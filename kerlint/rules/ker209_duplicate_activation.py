"""KER209: an activation layer repeating the activation the previous layer already applies."""

from __future__ import annotations

from ..analysis.activations import layer_activation, repeats_activation
from ..diagnostics import SAFE, Diagnostic, Fix
from ..fixes import remove, remove_call
from . import Rule

# f(f(x)) == f(x): the repeated layer does nothing.
_IDEMPOTENT = {"relu", "relu6"}
_TWICE = {
    "sigmoid": "a sigmoid of a sigmoid lies in [0.5, 0.73]",
    "softmax": "a softmax of probabilities is nearly uniform",
    "tanh": "tanh of tanh lies in [-0.76, 0.76]",
    "hard_sigmoid": "hard_sigmoid of hard_sigmoid lies in [0.5, 0.67]",
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
        if act in _IDEMPOTENT:
            harm = f"{act}({act}(x)) is {act}(x), so the layer does nothing"
        else:
            harm = f"the values go through {act} twice ({_TWICE.get(act, 'a narrower range')})"
            if _at_output(ir, entry, call, model):
                harm += ", so the outputs cannot reach the labels and accuracy freezes"
            else:
                harm += ", which shrinks the gradients"
        label = f'Activation("{act}")' if layer.kind == "Activation" else f"{layer.kind}()"
        edits = remove(file, model, entry) if entry is not None else remove_call(file, call)
        yield Diagnostic(
            "KER209",
            f"{label} repeats the {act} that the {prev.kind} before it already applies: {harm}; "
            "remove it",
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
