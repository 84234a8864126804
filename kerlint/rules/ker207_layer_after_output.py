"""KER207: Dropout, normalization or another activation after the output activation."""

from __future__ import annotations

from ..analysis.activations import (
    LINEAR,
    PROBABILITY_ACTIVATIONS,
    is_activation_layer,
    layer_activation,
    repeats_activation,
)
from ..analysis.graph import output_chain
from ..diagnostics import UNSAFE, Diagnostic, Fix
from ..fixes import remove, remove_call, rotate_to_front
from . import Rule

_NOISE = {"Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise"}
_NORMALIZATION = {"BatchNormalization", "LayerNormalization"}
# Activations that leave values in [0, 1] unchanged: harmless after a probability.
_IDENTITY_ON_UNIT = {"relu", "relu6", "elu", "leaky_relu", "prelu"}
_INPUT_ARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_size", "input_length")


def _harm(layer, act: str) -> str:
    what = "probabilities" if act == "softmax" else "scores"
    if layer.kind in _NOISE:  # active in training only
        change = "zeroes and rescales" if layer.kind == "Dropout" else "adds noise to"
        return f"{change} the {what} in training: the loss no longer gets probabilities"
    return f"rescales the {what}: the loss and predict() no longer get probabilities"


def check(file):
    for model in file.ir.models:
        head = file.head(model)
        if head is None or not head.after:
            continue
        chain = [head.layer] + head.after
        links = output_chain(model, len(chain))
        if links is None or [link.layer for link in links] != chain:
            continue
        applied = None  # the probability activation, once applied
        for i, link in enumerate(links):
            layer = link.layer
            act = layer_activation(layer) if (i == 0 or is_activation_layer(layer)) else None
            if applied is None:
                if act in PROBABILITY_ACTIVATIONS:
                    applied = act
                continue
            if layer.kind in _NOISE or layer.kind in _NORMALIZATION:
                yield Diagnostic(
                    "KER207",
                    f"{layer.kind} after the output {applied} {_harm(layer, applied)}",
                    layer.node,
                    _move_fix(file, model, links, i),
                )
            elif is_activation_layer(layer):
                if act is None or act == LINEAR or act in _IDENTITY_ON_UNIT:
                    continue
                if repeats_activation(links[i - 1].layer, layer):
                    continue  # the same activation repeated right away: KER209
                yield Diagnostic(
                    "KER207",
                    f"{_label(layer, act)} after the output {applied} transforms its "
                    f"{'probabilities' if applied == 'softmax' else 'scores'} again: the loss and predict() "
                    "get distorted values",
                    layer.node,
                    _remove_fix(file, model, link),
                )


def _label(layer, act):
    return f'Activation("{act}")' if layer.kind == "Activation" else f"{layer.kind}()"


def _move_fix(file, model, links, index):
    """Move the layer before the output Dense (Sequential models only)."""
    first = links[0]
    if first.entry is None or any(first.layer.args.has(a) for a in _INPUT_ARGS):
        return None
    if model.entries and model.entries[0] is first.entry and not model.inputs:
        return None  # the head is the first layer: nothing declares the input before it
    edits = rotate_to_front(file, model, [link.entry for link in links[: index + 1]])
    if not edits:
        return None
    return Fix(UNSAFE, f"Move {links[index].layer.kind} before the output layer", edits)


def _remove_fix(file, model, link):
    edits = remove(file, model, link.entry) if link.entry is not None else remove_call(file, link.call)
    return Fix(UNSAFE, "Remove the second activation", edits) if edits else None


RULE = Rule(
    code="KER207",
    explanation=(
        "The output activation turns scores into probabilities, and the loss compares "
        "exactly those with the labels. A layer after it changes them: `Dropout` zeroes some "
        "and scales the rest by 1/(1 - rate) during training, so the loss sees values above 1 "
        "(observed: a NaN training loss every epoch after a softmax) while `predict()`, where "
        "Dropout and noise layers do nothing, looks normal; `BatchNormalization` recentres "
        "and rescales them, in training and in `predict()` (validation accuracy stays at "
        "chance); a second activation squashes them into a narrow range (a sigmoid maps "
        "[0, 1] into [0.5, 0.73]; observed after a 3-class softmax: the loss never went below "
        "0.55). Keras accepts all of these without a warning.\n\n"
        "The fix (unsafe) moves Dropout or normalization before the output layer, or "
        "removes the second activation."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(256, activation="relu"),
    layers.Dense(10, activation="softmax"),
    layers.Dropout(0.5),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(256, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(256, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("unsafe",),
    check=check,
)
