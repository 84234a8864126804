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
    what = "probabilities" if act == "softmax" else "[0, 1] scores"
    if layer.kind == "GaussianNoise":
        change = f"adds noise to the {what}"
    elif layer.kind in _NOISE:
        change = f"zeroes some of the {what} and scales the rest up"
    else:
        change = f"recentres and rescales the {what} with batch statistics"
    return (
        f"during training it {change}, so the loss sees values that are not probabilities "
        "(negative or above 1): the training loss can turn NaN or accuracy stay at chance, "
        "while predict() looks normal"
    )


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
                    f"{layer.kind} after the output {applied}: {_harm(layer, applied)}; Keras says "
                    f"nothing. Put it before the output {head.layer.kind}",
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
                    f"{_label(layer, act)} after the output {applied}: the loss sees {act} of "
                    "values in [0, 1], squashed into a range that is no longer a probability (a "
                    "sigmoid maps [0, 1] into [0.5, 0.73]), so the loss cannot approach 0 and "
                    "predict() returns no probabilities; Keras says nothing. Remove the second "
                    "activation",
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
        "and scales the rest by 1/(1 - rate) during training (observed: a NaN training loss "
        "every epoch after a softmax), `BatchNormalization` recentres them (validation "
        "accuracy stays at chance), and a second activation squashes them into a narrow "
        "range (a sigmoid of a sigmoid lies in [0.5, 0.73], and accuracy freezes at the "
        "share of the majority class). Keras accepts all of these without a warning.\n\n"
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
