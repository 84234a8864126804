"""KER305: accuracy reported for a multi-label model."""

from __future__ import annotations

import libcst as cst

from ..analysis.heads import is_multiunit_sigmoid
from ..analysis.losses import BINARY_LOSSES
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import keras_name
from ..ir import Const, KerasObject, KerasRef, Seq
from . import Rule

# The accuracies people put on a multi-label model, by what each computes there: Keras 3 resolves
# "accuracy" from the output shape, the others are the same everywhere.
_STRINGS = {"accuracy": "accuracy", "acc": "accuracy", "binary_accuracy": "binary",
            "categorical_accuracy": "categorical"}
_CLASSES = {"BinaryAccuracy": "binary", "CategoricalAccuracy": "categorical"}
_FUNCTIONS = {"metrics.binary_accuracy": "binary", "metrics.categorical_accuracy": "categorical"}
# What the number is on a multi-label model.
# Keras 3 resolves "accuracy" from the output shape to categorical accuracy (a model that finds one
# label of three scores 1.0); Keras 2 and binary_accuracy average over every label (a model that
# predicts no label scores about 0.95 on sparse labels): near 1 either way.
_SHAPE_RESOLVED = "can score near 1 while most labels are missed"
_WHY = {
    "accuracy": _SHAPE_RESOLVED,
    "binary": _SHAPE_RESOLVED,
    "categorical": "checks only the top-scoring label, blind to the others",
}


def _accuracy_kind(item) -> str | None:
    """Which accuracy a ``metrics=`` entry is, or None for any other metric."""
    if isinstance(item, Const):
        return _STRINGS.get(item.value) if isinstance(item.value, str) else None
    if isinstance(item, KerasObject):
        return _CLASSES.get(item.kind) if item.section == "metrics" else None
    if isinstance(item, KerasRef):
        return _FUNCTIONS.get(item.canonical)
    return None


def _accuracy_items(compile):
    arg = compile.args.get("metrics")
    if arg is None:
        return
    value = arg.value
    if isinstance(value, Seq):
        for item in value.items:
            kind = _accuracy_kind(item)
            if kind is not None:
                yield item, kind, True
    else:
        kind = _accuracy_kind(value)
        if kind is not None:
            yield value, kind, False


def _label(item, kind: str) -> str:
    """How the message names the metric: as before for the accuracies Keras resolves by shape."""
    if kind != "categorical":
        return "accuracy"
    if isinstance(item, KerasObject):
        return f"{item.kind}()"
    return "categorical_accuracy"


def _node(item):
    return item.node if isinstance(item, (Const, KerasRef, KerasObject)) else None


def _fix(ir, item, in_list):
    node = _node(item)
    if not isinstance(node, (cst.SimpleString, cst.Call, cst.Attribute, cst.Name)):
        return None
    name = keras_name(ir, "metrics")
    if name is None:
        return None
    m = name.text
    text = f"{m}.AUC(multi_label=True), {m}.Precision(), {m}.Recall()"
    if not in_list:
        text = f"[{text}]"
    return Fix(
        UNSAFE,
        "Replace accuracy with AUC(multi_label=True), Precision() and Recall()",
        [NodeEdit(node, text), *name.edits],
    )


def check(file):
    for compiled in file.compiled_heads:
        _, head, compile, loss = compiled.parts
        if compiled.output is not None:
            continue  # metrics of a model with several outputs: not read per output yet
        if not is_multiunit_sigmoid(head):
            continue
        if loss.name not in BINARY_LOSSES or loss.from_logits is not False:
            continue
        for item, kind, in_list in _accuracy_items(compile):
            node = _node(item) or compile.node
            yield Diagnostic(
                "KER305",
                f"{_label(item, kind)} on a multi-label sigmoid output {_WHY[kind]}",
                node,
                _fix(file.ir, item, in_list),
            )


RULE = Rule(
    code="KER305",
    explanation=(
        "A sigmoid output with several units trained with binary crossentropy predicts "
        "independent labels. Keras 3 picks the accuracy for `\"accuracy\"` from the shapes "
        "alone: with several output units it is categorical accuracy, which compares only the "
        "argmax of the predictions with the argmax of the labels (the first true label), as "
        "`\"categorical_accuracy\"` and `CategoricalAccuracy()` always do: a model that finds "
        "one label of three scores 1.0. Keras 2 (and `\"binary_accuracy\"` or "
        "`BinaryAccuracy()` everywhere) averages per-label hits, and with sparse labels "
        "predicting all zeros already scores about 0.95. Neither number says whether the "
        "model finds the labels. `AUC(multi_label=True)`, `Precision()` and `Recall()` do. "
        "The fix replaces the metric; it is unsafe because code that reads "
        "`history.history[\"accuracy\"]` must change with it."
    ),
    bad="""\
import keras
from keras import layers

n_tags = 20
model = keras.Sequential([
    keras.Input(shape=(300,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(n_tags, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

n_tags = 20
model = keras.Sequential([
    keras.Input(shape=(300,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(n_tags, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[keras.metrics.AUC(multi_label=True), keras.metrics.Precision()])
""",
    fixed="""\
import keras
from keras import layers

n_tags = 20
model = keras.Sequential([
    keras.Input(shape=(300,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(n_tags, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[keras.metrics.AUC(multi_label=True), keras.metrics.Precision(), keras.metrics.Recall()])
""",
    fix_availability="always",
    fix_applicability=("unsafe",),
    check=check,
)
