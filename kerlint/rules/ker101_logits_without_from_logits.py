"""KER101: a linear output layer fed to a loss that expects probabilities."""

from __future__ import annotations

from ..analysis.activations import LINEAR
from ..analysis.losses import PROBABILISTIC_LOSSES
from ..diagnostics import SAFE, Diagnostic, Fix
from ..fixes import activation_edit, quote_of
from . import Rule


def check(file):
    for compiled in file.compiled_heads:
        _, head, compile, loss = compiled.parts
        if head is None or head.activation != LINEAR:
            continue
        if loss.name not in PROBABILISTIC_LOSSES or loss.from_logits is not False:
            continue
        wanted = PROBABILISTIC_LOSSES[loss.name]
        edit = activation_edit(head.activation_layer, wanted, quote_of(head.layer.node, compile.node))
        fix = Fix(SAFE, f'Give the output layer activation="{wanted}"', [edit]) if edit else None
        yield Diagnostic(
            "KER101",
            f"{compiled.label}{head.layer.kind} output is linear but {loss.name} expects probabilities: it "
            "trains badly or not at all",
            head.layer.node,
            fix,
            anchors=(compile.node,),
        )


RULE = Rule(
    code="KER101",
    explanation=(
        "A `Dense(n)` with no activation outputs logits: any real number. Categorical, sparse "
        "categorical and binary crossentropy (and their focal variants) expect probabilities "
        "unless `from_logits=True`. Keras does not check: it clips the logits into "
        "[1e-7, 1 - 1e-7] (and for categorical losses divides by their sum), so the gradients "
        "vanish or point the wrong way: a sample whose true-class output is clipped to 1e-7 "
        "costs -log(1e-7) = 16.1 and sends back no gradient. The mean loss mixes such samples "
        "with the others, so its value says little; what real runs show is a model that trains "
        "badly or not at all (a 5-class run stayed at a loss near 5.7 with accuracy at chance; "
        "a binary run's training loss fell while its accuracy dropped).\n\n"
        "The fix gives the output layer the activation the loss expects, so `predict()` keeps "
        "returning probabilities. `from_logits=True` on the loss is the other correct choice."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(3),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

# Logits are fine when the loss is told so; predict() then returns logits too.
model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(3),
])
loss = keras.losses.CategoricalCrossentropy(from_logits=True)
model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="always",
    fix_applicability=("safe",),
    check=check,
)
