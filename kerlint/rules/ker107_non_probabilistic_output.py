"""KER107: a crossentropy loss after an output activation whose range is not probabilities."""

from __future__ import annotations

from ..analysis.activations import LINEAR
from ..analysis.losses import CATEGORICAL_LOSSES, PROBABILISTIC_LOSSES
from ..diagnostics import SAFE, Diagnostic, Fix
from ..fixes import quote_of, set_activation
from . import Rule

# Activations whose outputs are probabilities (or linear, which is KER101's).
_NOT_RANGE = {LINEAR, "softmax", "sigmoid", "hard_sigmoid", "sparsemax", "sparse_sigmoid"}


def check(file):
    for compiled in file.compiled_heads:
        model, head, compile, loss = compiled.parts
        if head is None or head.activation in _NOT_RANGE:
            continue
        if loss.name not in PROBABILISTIC_LOSSES or loss.from_logits is not False:
            continue
        wanted = PROBABILISTIC_LOSSES[loss.name]
        fix = None
        # Softmax over one unit would only trade this for KER103/KER105.
        if not (loss.name in CATEGORICAL_LOSSES and file.output_units(model, compiled.output) == 1):
            edit = set_activation(head.activation_layer, wanted, quote_of(head.activation_layer.node, compile.node))
            fix = Fix(SAFE, f'Use activation="{wanted}"', [edit]) if edit else None
        yield Diagnostic(
            "KER107",
            f"{compiled.label}{head.activation} output is not a probability for {loss.name}: the loss and its "
            "gradients are wrong",
            head.activation_layer.node,
            fix,
            anchors=(compile.node,),
        )


RULE = Rule(
    code="KER107",
    explanation=(
        "Crossentropy losses with `from_logits=False` expect probabilities: values in [0, 1] "
        "(summing to 1 for the categorical ones). An output activation such as `relu`, "
        "`tanh`, `elu`, `softplus`, `selu` or `leaky_relu` produces other values: negative "
        "numbers, or numbers above 1. Keras does not check: it clips the outputs into "
        "[1e-7, 1 - 1e-7] (and divides categorical outputs by their sum), so the loss is "
        "computed on distorted values, the gradients vanish where the clip holds, and "
        "training stalls or gives a model whose outputs are not probabilities.\n\n"
        "The fix gives the output layer the activation the loss expects: softmax for "
        "categorical and sparse categorical crossentropy, sigmoid for binary crossentropy."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="relu"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
