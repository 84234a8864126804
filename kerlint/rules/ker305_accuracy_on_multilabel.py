"""KER305: accuracy reported for a multi-label model."""

from __future__ import annotations

import libcst as cst

from ..analysis.heads import is_multiunit_sigmoid
from ..analysis.losses import BINARY_LOSSES
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import keras_name
from ..ir import Const, KerasObject, KerasRef, Seq
from . import Rule

_ACCURACY = {"accuracy", "acc", "binary_accuracy"}


def _is_accuracy(item) -> bool:
    if isinstance(item, Const):
        return isinstance(item.value, str) and item.value in _ACCURACY
    if isinstance(item, KerasObject):
        return item.section == "metrics" and item.kind == "BinaryAccuracy"
    if isinstance(item, KerasRef):
        return item.canonical == "metrics.binary_accuracy"
    return False


def _accuracy_items(compile):
    arg = compile.args.get("metrics")
    if arg is None:
        return
    value = arg.value
    if isinstance(value, Seq):
        for item in value.items:
            if _is_accuracy(item):
                yield item, True
    elif _is_accuracy(value):
        yield value, False


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
        for item, in_list in _accuracy_items(compile):
            node = _node(item) or compile.node
            yield Diagnostic(
                "KER305",
                "accuracy on a multi-label model (sigmoid output with several units, binary "
                "crossentropy) measures nothing useful: Keras 3 resolves \"accuracy\" from the "
                "output shape to categorical accuracy, which only checks the top-scoring label, "
                "while Keras 2 and binary_accuracy average over every label, so a model that "
                "predicts no label at all scores near 1 when labels are sparse; report "
                "AUC(multi_label=True), precision and recall instead",
                node,
                _fix(file.ir, item, in_list),
            )


RULE = Rule(
    code="KER305",
    explanation=(
        "A sigmoid output with several units trained with binary crossentropy predicts "
        "independent labels. Keras 3 picks the accuracy for `\"accuracy\"` from the shapes "
        "alone: with several output units it is categorical accuracy, which compares only the "
        "argmax of the predictions with the argmax of the labels. Keras 2 (and "
        "`\"binary_accuracy\"` everywhere) averages per-label hits, and with sparse labels "
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
