"""KER113: ``keras.metrics.Accuracy()`` among the metrics of a classifier."""

from __future__ import annotations

import libcst as cst

from ..analysis.activations import PROBABILITY_ACTIVATIONS
from ..analysis.labels import contains
from ..analysis.losses import BINARY_LOSSES, LOSSES, compile_loss, compiles_in_effect
from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import add_keyword
from ..fixes import quote_of
from ..ir import Const, KerasObject, Seq
from . import Rule

# The accuracy class that reads each classification loss's labels.
_MATCHING = {
    "categorical_crossentropy": "CategoricalAccuracy",
    "categorical_focal_crossentropy": "CategoricalAccuracy",
    "sparse_categorical_crossentropy": "SparseCategoricalAccuracy",
    "binary_crossentropy": "BinaryAccuracy",
    "binary_focal_crossentropy": "BinaryAccuracy",
}
_ACCURACY_STRINGS = {"accuracy", "acc"}


def _metric_items(compile):
    """(item, node written) for each entry of ``metrics=`` given as a list, a tuple or one value."""
    arg = compile.args.get("metrics")
    if arg is None:
        return []
    value = arg.value
    if isinstance(value, Seq):
        if value.opaque:
            return []
        elements = value.node.elements if isinstance(value.node, (cst.List, cst.Tuple)) else None
        if elements is None or len(elements) != len(value.items):
            return [(item, getattr(item, "node", None)) for item in value.items]
        return [(item, el.value) for item, el in zip(value.items, elements)]
    return [(value, arg.node.value)]


def _classifier(file, model, loss) -> bool:
    """The model outputs class scores: its loss is a classification crossentropy, or (another
    loss that is not a regression one, or one kerlint does not know) its output is softmax or
    sigmoid probabilities."""
    if loss is not None and loss.name in _MATCHING:
        return True
    if loss is not None and loss.name in LOSSES:
        return False  # a regression loss: exact equality may be meant (rounded integer targets)
    head = file.head(model)
    return head is not None and head.activation in PROBABILITY_ACTIVATIONS


def _fix(obj: KerasObject, written, compile, loss, strings: set):
    """The accuracy class that matches the loss, with the constructor's arguments; the metric
    keeps its name "accuracy" (what the history and callbacks read) unless the compile also asks
    for the string "accuracy"."""
    if loss is None or loss.name not in _MATCHING:
        return None
    if loss.name in BINARY_LOSSES and loss.from_logits is not False:
        return None  # BinaryAccuracy thresholds at 0.5: on logits the threshold would be 0
    call = obj.node
    if written is not call or not isinstance(call.func, cst.Attribute):
        return None  # a name bound elsewhere, or an imported class name the new one is not
    if any(a.star for a in call.args):
        return None
    new = _MATCHING[loss.name]
    replacement = call.with_changes(func=call.func.with_changes(attr=cst.Name(new)))
    if not obj.args.has("name") and not strings & _ACCURACY_STRINGS:
        quote = quote_of(compile.node)
        replacement = add_keyword(replacement, "name", f"{quote}accuracy{quote}")
    return Fix(SAFE, f"Use {new}()", [NodeEdit(call, replacement)])


def _message(loss) -> str:
    if loss is not None and loss.from_logits is True:
        return ("keras.metrics.Accuracy() tests labels and logits for exact equality: it reads 0.0 whatever the "
                "model learns")
    if loss is not None and loss.name == "sparse_categorical_crossentropy":
        return ("keras.metrics.Accuracy() tests class ids and probabilities for exact equality: fit() fails on "
                "the shapes or it reads 0.0")
    return ("keras.metrics.Accuracy() tests labels and probabilities for exact equality: it reads 0.0 until "
            "the outputs saturate")


def check(file):
    for model in file.ir.models:
        if file.outputs(model):
            continue  # several outputs: metrics per output are not read yet
        for compile in compiles_in_effect(model):
            items = _metric_items(compile)
            accuracy = [(item, written) for item, written in items
                        if isinstance(item, KerasObject) and item.section == "metrics" and item.kind == "Accuracy"]
            if not accuracy:
                continue
            loss = compile_loss(compile)
            if not _classifier(file, model, loss):
                continue
            strings = {item.value.lower() for item, _ in items
                       if isinstance(item, Const) and isinstance(item.value, str)}
            metrics_node = compile.args.get("metrics").node.value
            for obj, written in accuracy:
                node = written if written is not None and contains(metrics_node, {id(written)}) else compile.node
                yield Diagnostic("KER113", _message(loss), node, _fix(obj, written, compile, loss, strings))


RULE = Rule(
    code="KER113",
    explanation=(
        "`keras.metrics.Accuracy()`, the class, counts how often the prediction is exactly "
        "equal to the label, element by element. A classifier predicts probabilities (0.93, "
        "0.04, ...), which are almost never exactly 0 or 1: the metric reads 0.0 epoch after "
        "epoch while the model learns, and rises only as the outputs saturate to exactly 0.0 "
        "and 1.0, where it still counts matching zeros rather than correct classes. With "
        "sparse integer labels of shape `(n,)` the comparison does not even broadcast and "
        "`fit()` raises.\n\n"
        "The string `\"accuracy\"` is different: Keras turns it into the accuracy that fits the "
        "loss and the shapes (binary, categorical or sparse categorical), so it is never "
        "reported. `Accuracy()` is right where exact equality is meant: a regression on "
        "integer targets, or in a custom loop that compares `argmax` predictions with class "
        "ids.\n\n"
        "The fix (safe) uses the class that matches the loss: `CategoricalAccuracy()` for "
        "categorical crossentropy, `SparseCategoricalAccuracy()` for the sparse loss, "
        "`BinaryAccuracy()` for binary crossentropy, keeping the constructor's arguments (and, "
        "when it names none, the name \"accuracy\" that the history and callbacks read). There "
        "is no fix when the loss is unknown, or for binary crossentropy on logits (the "
        "threshold would be 0)."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=[keras.metrics.Accuracy()],
)
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
