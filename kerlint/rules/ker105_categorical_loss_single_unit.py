"""KER105: categorical crossentropy over a one-unit output, a loss that is always 0."""

from __future__ import annotations

from ..analysis.activations import LINEAR
from ..diagnostics import UNSAFE, Diagnostic, Fix
from ..fixes import loss_swap, quote_of, set_activation
from . import Rule

_LOSSES = {"categorical_crossentropy", "categorical_focal_crossentropy"}


def _fix(compiled):
    _, head, compile, loss = compiled.parts
    if head is None or loss.name != "categorical_crossentropy":
        return None
    quote = quote_of(compile.node, head.layer.node)
    edits = [loss_swap(compiled, "binary_crossentropy", quote)]
    if loss.from_logits is True:
        # Binary crossentropy on logits: the output stays linear.
        if head.activation != LINEAR:
            return None
    elif head.activation not in ("sigmoid", "hard_sigmoid"):
        edits.append(set_activation(head.activation_layer, "sigmoid", quote))
    if any(e is None for e in edits):
        return None
    return Fix(UNSAFE, 'Use binary_crossentropy with a sigmoid output', edits)


def check(file):
    for compiled in file.compiled_heads:
        model, head, compile, loss = compiled.parts
        if loss.name not in _LOSSES or file.output_units(model, compiled.output) != 1:
            continue
        yield Diagnostic(
            "KER105",
            f"{compiled.label}{loss.name} over a one-unit output is always 0: the model gets no training "
            "signal",
            compiled.loss_node,
            _fix(compiled),
            about=(compiled.head.layer.node,) if compiled.head is not None else (),
        )


RULE = Rule(
    code="KER105",
    explanation=(
        "Categorical crossentropy compares a distribution over classes with the labels. With "
        "one output unit there is one class: Keras divides the output by its own sum (or "
        "applies softmax to one logit), which gives 1.0, and -log(1.0) is 0. The loss is 0 "
        "from the first step and measures nothing. No real gradient reaches the weights either: "
        "a softmax head stays at 1.0, and on TensorFlow a sigmoid head moves only because the "
        "fused softmax op still pushes down the logits of label-0 samples, which is not "
        "training on the task. Keras 3 warns only once `fit()` runs.\n\n"
        "A single yes/no output is trained with binary crossentropy on a sigmoid output. The "
        "fix is unsafe: if the labels are really several classes, the output needs one unit "
        "per class instead."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("unsafe",),
    check=check,
)
