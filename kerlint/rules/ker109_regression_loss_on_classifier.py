"""KER109: a mean squared/absolute error loss on a classifier."""

from __future__ import annotations

from ..analysis.activations import LINEAR
from ..analysis.targets import TargetFinder
from ..diagnostics import UNSAFE, Diagnostic, Fix
from ..fixes import loss_swap, quote_of, set_activation
from . import Rule


def _real_valued(finder: TargetFinder, compiled) -> bool:
    """The file shows the targets of a fit under this compile to be real values (a regression
    loader, standardised or scaled targets, forecast windows): a regression, not a classifier."""
    model, _, compile, _ = compiled.parts
    return any(t is not None for t in finder.compiled_targets(model, compile))


def check(file):
    finder = None  # made when a softmax head asks for it
    for compiled in file.compiled_heads:
        if not file.classifier_with_regression_loss(compiled):
            continue
        _, head, compile, loss = compiled.parts
        if head.activation == "softmax":
            fits = [fit for c in file.compiled_heads for fit in c.model.fits]
            finder = finder or TargetFinder(file.ir, fits)
            if _real_valued(finder, compiled):
                continue  # a softmax regressing real values: the output is the mistake (KER111)
        quote = quote_of(compile.node, head.layer.node)
        edits = [loss_swap(compiled, "categorical_crossentropy", quote)]
        if head.activation == LINEAR:
            edits.append(set_activation(head.activation_layer, "softmax", quote))
            harm = "regresses a linear output onto one-hot labels: predict() gives no class probabilities"
        else:
            harm = "on a softmax output: its gradient fades as the softmax saturates and learning slows"
        fix = Fix(UNSAFE, "Use categorical_crossentropy with a softmax output", edits) if all(edits) else None
        yield Diagnostic(
            "KER109",
            f"{compiled.label}{loss.name} {harm}",
            compiled.loss_node,
            fix,
        )


RULE = Rule(
    code="KER109",
    explanation=(
        "A softmax output, or a linear output with one unit per class trained on labels "
        "that the file one-hot encodes (`to_categorical`, `one_hot`), is a classifier. Mean "
        "squared or absolute error treats the class scores as numbers to regress: a "
        "confidently wrong prediction gets a small, bounded error whose gradient shrinks as "
        "the softmax saturates, so training slows down or stalls, and a linear output is "
        "not a distribution at all.\n\n"
        "Crossentropy is the loss for classes. The fix (unsafe: integer labels need the "
        "sparse variant) uses categorical crossentropy and a softmax output."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
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
    fix_availability="always",
    fix_applicability=("unsafe",),
    check=check,
)
