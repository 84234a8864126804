"""KER109: a mean squared/absolute error loss on a classifier."""

from __future__ import annotations

from ..analysis import LINEAR
from ..diagnostics import UNSAFE, Diagnostic, Fix
from . import Rule
from .common import looks_like_class_count, quote_of
from .heads import compiled_heads, loss_swap, one_hot_labels, output_units, set_activation

_LOSSES = {"mean_squared_error", "mean_absolute_error"}


def classifier_with_regression_loss(ir, model, head, compile, loss) -> bool:
    """The case KER109 reports (KER110 stays silent on it)."""
    if head is None or loss.name not in _LOSSES:
        return False
    units = output_units(model, head)
    if units == 1:
        return False  # one unit: softmax there is KER103's; a linear one is a regression head
    if head.activation == "softmax":
        return True
    if head.activation != LINEAR:
        return False
    several = units is not None or looks_like_class_count(head.units_expr)
    return several and one_hot_labels(ir, model, compile)


def check(ir):
    for model, head, compile, loss in compiled_heads(ir):
        if not classifier_with_regression_loss(ir, model, head, compile, loss):
            continue
        quote = quote_of(compile.node, head.layer.node)
        edits = [loss_swap(compile, loss, "categorical_crossentropy", quote)]
        if head.activation == LINEAR:
            edits.append(set_activation(head.activation_layer, "softmax", quote))
            harm = (
                "a linear output regressed onto one-hot labels: training minimises the distance "
                "of unbounded scores to 0/1 instead of the likelihood of the right class, and "
                "predict() returns no probability distribution"
            )
        else:
            harm = (
                "a softmax output: the gradient of the squared or absolute error fades as the "
                "softmax saturates, so a confidently wrong prediction is corrected slowly, where "
                "crossentropy's gradient stays large"
            )
        fix = Fix(UNSAFE, "Use categorical_crossentropy with a softmax output", edits) if all(edits) else None
        yield Diagnostic(
            "KER109",
            f"{loss.name} trains a classifier ({harm}); use categorical_crossentropy on a "
            "softmax output",
            compile.args.get("loss").node.value,
            fix,
        )


RULE = Rule(
    code="KER109",
    name="regression-loss-on-classifier",
    summary="Mean squared or absolute error used to train a classifier",
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
    bad='model.add(Dense(10, activation="softmax"))\nmodel.compile(loss="mse", optimizer="adam")',
    good='model.add(Dense(10, activation="softmax"))\nmodel.compile(loss="categorical_crossentropy", optimizer="adam")',
    fix="unsafe",
    check=check,
)
