"""KER106: binary crossentropy over a softmax of several exclusive classes."""

from __future__ import annotations

from ..analysis.losses import BINARY_LOSSES
from ..diagnostics import UNSAFE, Diagnostic, Fix
from ..fixes import loss_swap, quote_of
from . import Rule


def check(file):
    for compiled in file.compiled_heads:
        model, head, compile, loss = compiled.parts
        if head is None or head.activation != "softmax" or loss.name not in BINARY_LOSSES:
            continue
        if loss.from_logits is not False:
            continue  # from_logits=True on a softmax is KER102's
        units = file.activation_units(model, compiled.output)
        if units is None or units <= 2:
            continue
        edit = None
        if loss.name == "binary_crossentropy":
            edit = loss_swap(compiled, "categorical_crossentropy", quote_of(compile.node))
        yield Diagnostic(
            "KER106",
            f"{compiled.label}{loss.name} on a {units}-unit softmax trains exclusive classes as separate "
            "yes/no answers",
            compiled.loss_node,
            Fix(UNSAFE, "Use categorical_crossentropy", [edit]) if edit else None,
        )


RULE = Rule(
    code="KER106",
    explanation=(
        "A softmax output says the classes are exclusive: exactly one is true. Binary "
        "crossentropy treats every output unit as a separate yes/no question and averages "
        "them, which is the loss for multi-label outputs (with sigmoid). Trained this way the "
        "model optimises the wrong objective, and any per-unit accuracy (Keras 2's "
        '"accuracy" with this loss, or an explicit "binary_accuracy") is inflated by all the '
        "easy \"no\" answers: 0.80 for a model that predicts nothing on 5 classes.\n\n"
        "Exclusive classes are trained with categorical crossentropy (one-hot labels) or "
        "sparse categorical crossentropy (integer labels). The fix picks the first; it is "
        "unsafe because integer labels need the sparse variant."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(40,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(40,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(40,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("unsafe",),
    check=check,
)
